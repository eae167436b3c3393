"""Sign-ins: one row per browser that signed in, so signing out (anywhere) really ends it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow

if TYPE_CHECKING:  # accounts imports this module (User.get_id starts sign-ins)
    from .accounts import User

# How long a sign-in without "keep me signed in" lasts without activity (LOGIN_IDLE_HOURS).
DEFAULT_IDLE = timedelta(hours=24)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class LoginSession(db.Model):
    """One sign-in of one browser. Its id and a random secret (stored hashed) form the login id
    in the session and remember-me cookies; every request checks the row, so a revoked or
    expired sign-in stops working even in a copied cookie.

    The secret is rotated each time the remember-me cookie signs the browser in again (see
    services.accounts._sessions): the secret it replaces is kept, hashed, to recognize it
    once more, as a browser's requests sent together, or as a copy of an old cookie.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    # The secret before the last rotation, and when that was.
    previous_secret_hash: Mapped[str | None] = mapped_column(String(64))
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remember: Mapped[bool] = mapped_column(default=False)
    # A summary such as "Firefox on Windows", not the whole header.
    user_agent: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @classmethod
    def begin(
        cls,
        user: User,
        *,
        remember: bool = False,
        user_agent: str = "",
        address: str = "",
        lifetime: timedelta = DEFAULT_IDLE,
        now: datetime | None = None,
    ) -> tuple[LoginSession, str]:
        """Return a new sign-in (not yet added to a session) and its secret, known only here."""
        now = now or utcnow()
        secret = secrets.token_urlsafe(32)
        login = cls(
            user=user,
            secret_hash=_hash(secret),
            remember=remember,
            user_agent=user_agent[:120],
            address=address[:64],
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
        return login, secret

    def login_id(self, secret: str) -> str:
        """Return the login id kept in cookies for this sign-in: "<id>:<secret>"."""
        return f"{self.id}:{secret}"

    def matches(self, secret: str) -> bool:
        """Return True if `secret` is this sign-in's secret (compared in constant time)."""
        return secrets.compare_digest(self.secret_hash, _hash(secret))

    def matches_previous(self, secret: str) -> bool:
        """Return True if `secret` is the secret the last rotation replaced."""
        previous = self.previous_secret_hash
        return previous is not None and secrets.compare_digest(previous, _hash(secret))

    @staticmethod
    def new_secret() -> tuple[str, str]:
        """Return a new random secret and the hash of it that is stored."""
        secret = secrets.token_urlsafe(32)
        return secret, _hash(secret)

    def is_active(self, now: datetime) -> bool:
        """Return True while the sign-in is neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > now
