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

Emailed links (address confirmations, password resets) are rate-limited with the same records
and `check_rate`: every request counts, answered or not, per recipient address and per network
address, so nobody can flood a mailbox or probe for accounts by asking again and again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from contextvars import ContextVar, Token
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
CONFIRM_MAIL = "confirm_mail"
RESET_MAIL = "reset_mail"


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


def mail_limits(settings: Any) -> ThrottleLimits:
    """Return the limits on emailed links set by MAIL_THROTTLE_* (`settings` has `.get`)."""
    return ThrottleLimits(
        account=int(settings.get("MAIL_THROTTLE_RECIPIENT", 3)),
        address=int(settings.get("MAIL_THROTTLE_ADDRESS", 10)),
        window_seconds=int(settings.get("MAIL_THROTTLE_WINDOW_SECONDS", 3600)),
    )


# Transitional: callers that pass no limits (git over HTTP and the API blueprint, today) get
# the running app's LOGIN_THROTTLE_* through this variable, which the web edge sets for each
# app context (web.init_app), so services never import Flask. Once every caller passes
# ThrottleLimits.from_config(...), this can go.
_app_config: ContextVar[Mapping[str, Any] | None] = ContextVar("app_config", default=None)


def share_app_config(config: Mapping[str, Any]) -> Token[Mapping[str, Any] | None]:
    """Make `config` the running app's configuration for limits_from_app (the web edge)."""
    return _app_config.set(config)


def unshare_app_config(token: Token[Mapping[str, Any] | None]) -> None:
    """Undo share_app_config when its app context ends."""
    try:
        _app_config.reset(token)
    except ValueError:  # ended in another context (a streamed response): nothing to undo here
        pass


def limits_from_app() -> ThrottleLimits:
    """Return the limits of the running app (the defaults when no app is running)."""
    config = _app_config.get()
    return ThrottleLimits.from_config(config) if config is not None else ThrottleLimits()


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


def check_rate(
    session: Session,
    recipient: str,
    address: str,
    kind: str,
    now: datetime,
    limits: ThrottleLimits,
) -> ThrottleDecision:
    """Return whether another request of `kind` (an emailed link) may be answered now.

    Unlike sign-in failures, every request counts, whether or not it found an account.
    `reason` is "account" when the recipient's limit refused it, "address" for the network's.
    """
    window_start = now - timedelta(seconds=limits.window_seconds)
    recipient = recipient.strip().lower()
    counters = [
        ("account", LoginAttempt.username == recipient, recipient and limits.account > 0),
        ("address", LoginAttempt.address == address, address and limits.address > 0),
    ]
    for reason, condition, applies in counters:
        if not applies:
            continue
        limit = limits.account if reason == "account" else limits.address
        query = select(LoginAttempt.created_at).where(condition, LoginAttempt.kind == kind)
        wait = _wait(session, query, window_start, now, limit, limits.window_seconds)
        if wait:
            return ThrottleDecision(False, wait, reason)
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
