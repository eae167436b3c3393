"""Personal access tokens for git over HTTP and the JSON API.

A token is `lsw_` followed by 43 random URL-safe characters. Only its SHA-256 hash is stored
(tokens are random, so a slow hash adds nothing); the eight characters after `lsw_` are kept
as a prefix so people can tell their tokens apart. The raw token is shown once, at creation.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import AccessToken, TokenScope, User, hash_token
from ...models._base import utcnow
from . import _throttle as throttle
from ._throttle import ThrottleLimits

TOKEN_PREFIX = "lsw_"  # noqa: S105 (a public marker that lets secret scanners spot tokens)
PREFIX_LENGTH = 8
MAX_NAME = 100
EXPIRY_DAYS = (30, 90, 365)  # offered in settings; None means the token never expires
# last_used_at is for people ("used 3 minutes ago"), so a write per minute is precise enough
# and a clone (several authenticated requests in a row) costs one write, not one per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(Exception):
    """A problem with what someone asked for; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TokenThrottled(Exception):
    """Too many bad tokens from this address: refuse every token until `retry_after_seconds`."""

    def __init__(self, decision: throttle.ThrottleDecision) -> None:
        minutes = decision.retry_after_minutes
        self.message = (
            "Too many failed token attempts from your network address. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )
        super().__init__(self.message)
        self.retry_after_seconds = decision.retry_after_seconds


def issue_token(
    session: Session,
    user: User,
    name: str,
    scope: str = TokenScope.READ.value,
    days: int | None = 90,
    now: datetime | None = None,
) -> tuple[str, AccessToken]:
    """Return (raw token, stored token) for `user`; the raw token cannot be recovered later."""
    name = name.strip()
    if not name:
        raise TokenError("Give the token a name, such as the computer it is for.", "name")
    if len(name) > MAX_NAME:
        raise TokenError(f"Use at most {MAX_NAME} characters.", "name")
    if scope not in {s.value for s in TokenScope}:
        raise TokenError("Choose read or write.", "scope")
    if days is not None and days <= 0:
        raise TokenError("Choose a number of days above zero, or no expiry.", "expiry")
    now = now or utcnow()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken(
        user=user,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + PREFIX_LENGTH],
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=days) if days is not None else None,
    )
    session.add(token)
    session.flush()
    return raw, token


def authenticate_token(
    session: Session,
    raw: str,
    address: str,
    now: datetime | None = None,
    limits: ThrottleLimits | None = None,
) -> AccessToken | None:
    """Return the usable token matching `raw`, or None if it is unknown, revoked or expired.

    Raises TokenThrottled while too many bad tokens came from `address` (a good token is then
    refused too, so guessing gains nothing). Commits: a failure must stay recorded although the
    request then ends in 401, and this runs before the request has done any work of its own.
    An empty `raw` means no token was offered and is neither checked nor recorded.
    """
    raw = raw.strip()
    if not raw:
        return None
    now = now or utcnow()
    decision = throttle.check_allowed(session, "", address, throttle.TOKEN, now, limits)
    if not decision.allowed:
        raise TokenThrottled(decision)
    token = session.scalar(select(AccessToken).filter_by(token_hash=hash_token(raw)))
    if token is None or not token.is_usable(now):
        # A revoked or expired token is recorded under its owner, which helps them find the
        # forgotten script still using it; an unknown one names no account.
        owner = token.user.username if token is not None else ""
        throttle.record_attempt(session, owner, address, False, throttle.TOKEN, now)
        session.commit()
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.commit()
    return token


def user_tokens(session: Session, user: User) -> list[AccessToken]:
    """Return the user's tokens, newest first, revoked and expired ones included."""
    query = (
        select(AccessToken)
        .filter_by(user_id=user.id)
        .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
    )
    return list(session.scalars(query))


def revoke_token(
    session: Session, user: User, token_id: int, now: datetime | None = None
) -> AccessToken | None:
    """Return the user's token, now revoked (revoking twice keeps the first time), or None."""
    token = session.scalar(select(AccessToken).filter_by(id=token_id, user_id=user.id))
    if token is None:
        return None
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        session.flush()
    return token


def token_status(token: AccessToken, now: datetime | None = None) -> str:
    """Return "revoked", "expired" or "active"."""
    if token.revoked_at is not None:
        return "revoked"
    if not token.is_usable(now or utcnow()):
        return "expired"
    return "active"
