"""Accounts: users, login attempts (for throttling), personal access tokens and email links."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .sessions import LoginSession


class RoleKind(enum.StrEnum):
    """What a person does in STEM education; shown on profiles, not a permission."""

    TEACHER = "teacher"
    TEACHER_LEADER = "teacher_leader"
    SUPPORT_ORGANIZATION = "support_organization"
    STEM_PROFESSIONAL = "stem_professional"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize().replace("Stem", "STEM")


def hash_password(password: str, method: str = "scrypt") -> str:
    """Return the stored form of a password (salted, slow)."""
    return generate_password_hash(password, method=method)


def password_matches(stored: str, password: str) -> bool:
    """Return True if `password` is the one `stored` was made from."""
    return check_password_hash(stored, password)


class User(UserMixin, db.Model):
    """A person with an account. Usernames and emails are stored lowercase, so unique either way.

    `email` is the confirmed address, the only one that counts (sign-in, invitations, password
    resets); it is unique, and empty until the person follows the link we mail them.
    `pending_email` is an address waiting for that confirmation, at sign-up or after a change;
    it is not unique, so nobody can block an address by typing it into a profile.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    pending_email: Mapped[str | None] = mapped_column(String(254), index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    role_kind: Mapped[str] = mapped_column(String(40), default=RoleKind.TEACHER.value)
    bio: Mapped[str] = mapped_column(String(2000), default="")
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )

    # The sign-in this request runs under, set by the user loader or at sign-in (not columns).
    _login = None  # type: LoginSession | None
    _login_id = None  # type: str | None

    def set_password(self, password: str, method: str = "scrypt") -> None:
        """Set the password (ending other sessions is the use case's job: it knows this one)."""
        self.password_hash = hash_password(password, method)

    def check_password(self, password: str) -> bool:
        return password_matches(self.password_hash, password)

    @property
    def address(self) -> str | None:
        """Return the address to show: the confirmed one, else the one waiting for confirmation."""
        return self.email or self.pending_email

    def bind_login(self, login: LoginSession, login_id: str) -> None:
        """Remember which sign-in this request runs under (its row and its cookie id)."""
        self._login, self._login_id = login, login_id

    @property
    def current_login(self) -> LoginSession | None:
        """Return the sign-in this request runs under, if any."""
        return self._login

    def get_id(self) -> str:
        """Return the login id kept in the session and remember-me cookies: "<row id>:<secret>".

        It names one sign-in (a row in login_sessions), never the account, so signing out
        there ends it. Asked for a user nobody signed in yet (login_user called directly, as
        tests do), it starts a sign-in row in the user's database session.
        """
        if self._login_id is None:
            session = object_session(self)
            if session is None:
                raise RuntimeError("get_id() needs a user attached to a database session")
            login, secret = LoginSession.begin(self)
            session.add(login)
            session.flush()
            return login.login_id(secret)
        return self._login_id

    def __eq__(self, other: Any) -> bool:
        # Same account, whichever sign-in (UserMixin compares get_id(), which names a sign-in).
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    @property
    def role_kind_label(self) -> str:
        try:
            return RoleKind(self.role_kind).label
        except ValueError:
            return self.role_kind

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginAttempt(db.Model):
    """One login attempt (or emailed-link request), kept so repeats can be slowed and audited."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    # password | token, or for emailed links: confirm_mail | reset_mail
    kind: Mapped[str] = mapped_column(String(16), default="password")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


def hash_token(raw: str) -> str:
    """Return the stored form of a token: tokens are random, so a fast hash is enough."""
    return hashlib.sha256(raw.encode()).hexdigest()


class AccessToken(db.Model):
    """A personal access token for git and the API; only its hash is stored."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, shown in lists so people can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(10), default=TokenScope.READ.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class EmailPurpose(enum.StrEnum):
    """What an emailed link does."""

    CONFIRM = "confirm"  # confirm that an address belongs to the account
    RESET = "reset"  # choose a new password


class EmailToken(db.Model):
    """The secret in an emailed link, bound to one account and one address; only its hash is
    stored, it works once and it expires."""

    __tablename__ = "email_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.expires_at > now
