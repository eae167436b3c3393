"""Forgotten passwords: a link mailed to the account's confirmed address sets a new one.

Asking always gets the same answer, whether or not an account has the address, so the form
tells nobody who has an account. The link works once, for PASSWORD_RESET_MINUTES (an hour by
default), and goes only to a confirmed address: an address someone merely typed into a profile
never receives one. Setting the new password ends every sign-in of the account, the one of
the browser it was set in too: whoever asked may not be whoever was signed in.
Requests are throttled per address asked about and per network address (MAIL_THROTTLE_*).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from ... import mail
from ...models import EmailPurpose, EmailToken, User
from ...models._base import utcnow
from . import _throttle as throttle
from ._accounts import AccountError, normalize, password_problem
from ._addresses import LinkError, find_link, issue_link
from ._sessions import end_other_sessions

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..context import Ctx

logger = logging.getLogger(__name__)

RESET_ANSWER = (
    "If an account has that address, we sent it a link to choose a new password. The link "
    "works for an hour. If nothing arrives in a few minutes, check your spam folder."
)
EXPIRED_RESET = (
    "This link to choose a new password no longer works: each link works once, for an hour. "
    "Ask for a new one below."
)


@dataclass(frozen=True)
class ResetRequested:
    """The answer to a request for a link: always the same, unless it was throttled."""

    message: str
    throttled: bool = False
    retry_after_seconds: int = 0


def request_password_reset(
    ctx: Ctx,
    email: str,
    *,
    link: Callable[[str], str],
    address: str = "",
    now: datetime | None = None,
) -> ResetRequested:
    """Mail a link to choose a new password to the account that confirmed `email`, if any.

    `link` turns the token into the link's absolute address; `address` is the network address
    asking. Commits before sending; a mail server that fails is logged, and the answer stays
    the same.
    """
    now = now or utcnow()
    email = normalize(email)
    session, settings = ctx.session, ctx.settings
    limits = throttle.mail_limits(settings)
    decision = throttle.check_rate(session, email, address, throttle.RESET_MAIL, now, limits)
    if not decision.allowed:
        minutes = decision.retry_after_minutes
        subject = "that address" if decision.reason == "account" else "your network address"
        return ResetRequested(
            f"Too many requests for a new password for {subject}. Try again in {minutes} "
            f"minute{'s' if minutes != 1 else ''}.",
            throttled=True,
            retry_after_seconds=decision.retry_after_seconds,
        )
    user = session.scalar(select(User).where(User.email == email)) if email else None
    throttle.record_attempt(session, email, address, user is not None, throttle.RESET_MAIL, now)
    if user is None:
        session.commit()
        return ResetRequested(RESET_ANSWER)
    minutes = int(settings.get("PASSWORD_RESET_MINUTES", 60))
    raw = issue_link(session, user, EmailPurpose.RESET, email, timedelta(minutes=minutes), now)
    session.commit()
    site = settings.site_name
    message = mail.Message(
        to=email,
        subject=f"Choose a new password for {site}",
        body=(
            f"Hello {user.display_name},\n\n"
            f"Someone (we hope you) asked for a new password for the account "
            f"\u201c{user.username}\u201d on {site}.\n\n"
            f"To choose one, open this link within {minutes} minutes:\n\n"
            f"{link(raw)}\n\n"
            "If you did not ask for this, ignore this email: your password stays as it is.\n"
        ),
    )
    try:
        mail.send(settings, message)
    except mail.MailError:
        logger.warning("The password reset link for %s could not be sent", user.username)
    return ResetRequested(RESET_ANSWER)


def reset_link(session: Session, raw: str, now: datetime | None = None) -> EmailToken:
    """Return the password-reset link `raw` stands for, or raise LinkError.

    A link stops working once used, after its hour, and when the account's confirmed
    address is no longer the one it was sent to.
    """
    token = find_link(session, raw, EmailPurpose.RESET, now or utcnow())
    if token is None or token.user.email != token.email:
        raise LinkError(EXPIRED_RESET)
    return token


def reset_password(
    ctx: Ctx,
    raw: str,
    new_password: str,
    *,
    now: datetime | None = None,
) -> User:
    """Return the account whose password the link `raw` set to `new_password`.

    Every sign-in of the account ends, and every reset link of the account stops working.
    Raises LinkError for a link that no longer works, AccountError (field "new_password") for
    a password too weak.
    """
    now = now or utcnow()
    session, settings = ctx.session, ctx.settings
    token = reset_link(session, raw, now)
    problem = password_problem(new_password, int(settings.get("PASSWORD_MIN_LENGTH", 10)))
    if problem:
        raise AccountError(problem, "new_password")
    user = token.user
    user.set_password(new_password, method=str(settings.get("PASSWORD_HASH_METHOD", "scrypt")))
    session.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user.id,
            EmailToken.purpose == EmailPurpose.RESET.value,
            EmailToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    end_other_sessions(session, user, now=now)
    session.flush()
    return user
