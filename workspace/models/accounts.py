"""Accounts: users, login attempts (for throttling) and personal access tokens."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ._base import UTCDateTime, utcnow


class RoleKind(enum.StrEnum):
    """What a person does in STEM education; shown on profiles, not a permission."""

    TEACHER = "teacher"
    TEACHER_LEADER = "teacher_leader"
    SUPPORT_ORGANIZATION = "support_organization"
    STEM_PROFESSIONAL = "stem_professional"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize().replace("Stem", "STEM")


class User(UserMixin, db.Model):
    """A person with an account. Usernames and emails are stored lowercase, so unique either way."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    role_kind: Mapped[str] = mapped_column(String(40), default=RoleKind.TEACHER.value)
    bio: Mapped[str] = mapped_column(String(2000), default="")
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    # Part of the login id in every session and remember-me cookie: changing the password
    # rotates it, which signs the account out everywhere else.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )

    def set_password(self, password: str, method: str = "scrypt") -> None:
        """Set the password and sign the account out of every other session."""
        self.password_hash = generate_password_hash(password, method=method)
        self.session_token = secrets.token_hex(16)

    def get_id(self) -> str:
        """Return the login id kept in sessions: the user id and the current session token."""
        return f"{self.id}:{self.session_token}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_kind_label(self) -> str:
        try:
            return RoleKind(self.role_kind).label
        except ValueError:
            return self.role_kind

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginAttempt(db.Model):
    """One login attempt, kept so repeated failures can be slowed down and audited."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(String(16), default="password")  # password | token
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
