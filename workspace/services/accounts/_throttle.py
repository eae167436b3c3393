"""Sign-in throttling: every attempt is recorded, and repeated failures are refused for a while.

Two counters guard each kind of credential ("password" for the sign-in form, "token" for git
and the API):

- the account counter: failures for one account within the window, counted since that
  account's last success (a success keeps the record for auditing but starts the count anew);
- the address counter: failures from one address within the window, successes or not, so one
  valid account cannot be used to reset a guessing run against others.

Kinds count separately, so a git client retrying a revoked token does not lock its school's
shared address out of the sign-in form. Attempts refused by the throttle are not recorded:
the credential was never checked, and the refusal lifts at a predictable time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from ...models import LoginAttempt
from ...models._base import utcnow

# The kinds of credential attempted (LoginAttempt.kind), not secrets.
PASSWORD = "password"  # noqa: S105
TOKEN = "token"  # noqa: S105


@dataclass(frozen=True)
class ThrottleLimits:
    """How many failures are allowed per account and per address within the window."""

    account: int = 5
    address: int = 20
    window_seconds: int = 15 * 60

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ThrottleLimits:
        """Return the limits set by LOGIN_THROTTLE_* in the app configuration."""
        return cls(
            account=int(config["LOGIN_THROTTLE_ACCOUNT"]),
            address=int(config["LOGIN_THROTTLE_ADDRESS"]),
            window_seconds=int(config["LOGIN_THROTTLE_WINDOW_SECONDS"]),
        )


@dataclass(frozen=True)
class ThrottleDecision:
    """Whether an attempt may go ahead; if not, for how long and which counter refused it."""

    allowed: bool
    retry_after_seconds: int = 0
    reason: str = ""  # "account" or "address" when refused

    @property
    def retry_after_minutes(self) -> int:
        """Return the wait in whole minutes, rounded up (never 0 while refused)."""
        return max(1, math.ceil(self.retry_after_seconds / 60))

    @property
    def message(self) -> str:
        """Return the sentence shown to the person who was refused."""
        minutes = self.retry_after_minutes
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        subject = "this account" if self.reason == "account" else "your network address"
        return f"Too many failed sign-ins for {subject}. Try again in {wait}."


ALLOWED = ThrottleDecision(allowed=True)


def limits_from_app() -> ThrottleLimits:
    """Return the limits of the running app."""
    from flask import current_app

    return ThrottleLimits.from_config(current_app.config)


def check_allowed(
    session: Session,
    username: str,
    address: str,
    kind: str = PASSWORD,
    now: datetime | None = None,
    limits: ThrottleLimits | None = None,
) -> ThrottleDecision:
    """Return whether an attempt for `username` from `address` may be checked now.

    An empty `username` (a token that names no account) skips the account counter.
    """
    now = now or utcnow()
    limits = limits or limits_from_app()
    window_start = now - timedelta(seconds=limits.window_seconds)
    username = username.strip().lower()
    if username and limits.account > 0:
        last_success = session.scalar(
            select(func.max(LoginAttempt.created_at)).where(
                LoginAttempt.username == username,
                LoginAttempt.kind == kind,
                LoginAttempt.succeeded.is_(True),
            )
        )
        since = max(window_start, last_success) if last_success else window_start
        query = select(LoginAttempt.created_at).where(
            LoginAttempt.username == username,
            LoginAttempt.kind == kind,
            LoginAttempt.succeeded.is_(False),
        )
        wait = _wait(session, query, since, now, limits.account, limits.window_seconds)
        if wait:
            return ThrottleDecision(False, wait, "account")
    if address and limits.address > 0:
        query = select(LoginAttempt.created_at).where(
            LoginAttempt.address == address,
            LoginAttempt.kind == kind,
            LoginAttempt.succeeded.is_(False),
        )
        wait = _wait(session, query, window_start, now, limits.address, limits.window_seconds)
        if wait:
            return ThrottleDecision(False, wait, "address")
    return ALLOWED


def _wait(
    session: Session,
    query: Select[tuple[datetime]],
    since: datetime,
    now: datetime,
    limit: int,
    window: int,
) -> int:
    """Return seconds until fewer than `limit` failures after `since` stay in the window, or 0.

    Only the newest `limit` failures are read, so the cost does not grow with an attack.
    """
    times = list(
        session.scalars(
            query.filter(LoginAttempt.created_at > since)
            .order_by(LoginAttempt.created_at.desc())
            .limit(limit)
        )
    )
    if len(times) < limit:
        return 0
    # Once the limit-th newest failure leaves the window, fewer than `limit` remain.
    lifts_at = times[-1] + timedelta(seconds=window)
    return max(1, math.ceil((lifts_at - now).total_seconds()))


def record_attempt(
    session: Session,
    username: str,
    address: str,
    succeeded: bool,
    kind: str = PASSWORD,
    now: datetime | None = None,
) -> LoginAttempt:
    """Return the new attempt record, added to the session (the caller commits)."""
    attempt = LoginAttempt(
        username=username.strip().lower()[:254],
        address=(address or "")[:64],
        succeeded=succeeded,
        kind=kind,
        created_at=now or utcnow(),
    )
    session.add(attempt)
    session.flush()
    return attempt


def prune_attempts(session: Session, older_than: datetime) -> int:
    """Return how many attempt records older than `older_than` were deleted (housekeeping)."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < older_than))
    return int(getattr(result, "rowcount", 0) or 0)
