"""Email addresses count only once confirmed: by following a link mailed to them.

A new address (at sign-up, or typed into the profile) waits in `pending_email`; the address
confirmed before stays in force meanwhile. Confirming makes it the account's `email`, which
is unique among confirmed addresses, and drops every other account's pending claim on it, so
typing someone else's address into a profile neither gains nor blocks anything.

Links carry a random token stored hashed (EmailToken), bound to the account and the address,
usable once, expiring after EMAIL_CONFIRM_HOURS (48 by default). Asking for a link is
throttled per recipient and per network address (MAIL_THROTTLE_*).

Sending commits first: the link must work when it arrives, and a slow mail server must not
hold the database's write lock.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ... import mail
from ...models import EmailPurpose, EmailToken, User, hash_token
from ...models._base import utcnow
from . import _throttle as throttle
from ._accounts import AccountError, normalize

if TYPE_CHECKING:
    from ..context import Ctx


class LinkError(AccountError):
    """An emailed link that cannot be used (any more)."""


EXPIRED_CONFIRMATION = (
    "This confirmation link no longer works: each link works once and for two days, and only "
    "the newest one for an address counts. Sign in and ask for a new link on your profile."
)


@dataclass(frozen=True)
class LinkSent:
    """What became of an emailed link: sent to `to`, or not, with the reason in plain words."""

    to: str
    sent: bool
    problem: str | None = None
    retry_after_seconds: int = 0


def issue_link(
    session: Session,
    user: User,
    purpose: EmailPurpose,
    email: str,
    lifetime: timedelta,
    now: datetime,
) -> str:
    """Return the raw token of a new link for `user` and `email`; only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    session.add(
        EmailToken(
            user=user,
            purpose=purpose.value,
            email=email,
            token_hash=hash_token(raw),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return raw


def find_link(
    session: Session, raw: str, purpose: EmailPurpose, now: datetime
) -> EmailToken | None:
    """Return the unused, unexpired link of this purpose that `raw` stands for, or None."""
    if not raw:
        return None
    token = session.scalar(
        select(EmailToken).filter_by(token_hash=hash_token(raw), purpose=purpose.value)
    )
    return token if token is not None and token.is_usable(now) else None


def send_confirmation(
    ctx: Ctx,
    user: User,
    *,
    link: Callable[[str], str],
    address: str = "",
    now: datetime | None = None,
) -> LinkSent:
    """Return what became of an email with a link confirming the user's pending address.

    `link` turns the token into the link's absolute address (built by the web edge);
    `address` is the network address asking, for the throttle. Commits before sending.
    """
    now = now or utcnow()
    to = user.pending_email
    if not to:
        return LinkSent("", False, "Your email address is already confirmed.")
    settings, session = ctx.settings, ctx.session
    decision = throttle.check_rate(
        session, to, address, throttle.CONFIRM_MAIL, now, throttle.mail_limits(settings)
    )
    if not decision.allowed:
        minutes = decision.retry_after_minutes
        return LinkSent(
            to,
            False,
            f"We already sent several links. Please wait {minutes} minute"
            f"{'s' if minutes != 1 else ''} before asking for another, and check your spam "
            "folder meanwhile.",
            decision.retry_after_seconds,
        )
    hours = int(settings.get("EMAIL_CONFIRM_HOURS", 48))
    raw = issue_link(session, user, EmailPurpose.CONFIRM, to, timedelta(hours=hours), now)
    throttle.record_attempt(session, to, address, True, throttle.CONFIRM_MAIL, now)
    session.commit()
    site = settings.site_name
    message = mail.Message(
        to=to,
        subject=f"Confirm your email address for {site}",
        body=(
            f"Hello {user.display_name},\n\n"
            f"Someone (we hope you) asked to use this address for the account "
            f"\u201c{user.username}\u201d on {site}.\n\n"
            f"To confirm it, open this link within {hours} hours and press \u201cConfirm\u201d:\n\n"
            f"{link(raw)}\n\n"
            "If this was not you, ignore this email: the address will not be used, and "
            "nothing else happens.\n"
        ),
    )
    try:
        mail.send(settings, message)
    except mail.MailError:
        return LinkSent(
            to,
            False,
            "We could not send the email just now. Please try again in a few minutes.",
        )
    return LinkSent(to, True)


def claim_address(
    ctx: Ctx,
    user: User,
    email: str,
    *,
    link: Callable[[str], str],
    address: str = "",
    now: datetime | None = None,
) -> LinkSent | None:
    """Make `email` the user's pending address and mail it a link; None if nothing changed.

    Typing the confirmed address or the pending one changes nothing (a pending change stays
    pending: cancel it with cancel_pending_address). Raises AccountError when another
    account has confirmed the address.
    """
    email = normalize(email)
    if email in (user.email, user.pending_email):
        return None
    taken = ctx.session.scalar(select(User.id).where(User.email == email, User.id != user.id))
    if taken is not None:
        raise AccountError("Another account already uses that email address.", "email")
    user.pending_email = email
    ctx.session.flush()
    return send_confirmation(ctx, user, link=link, address=address, now=now)


def cancel_pending_address(ctx: Ctx) -> str | None:
    """Drop the acting user's address change; return the address dropped (None if none was).

    An account that has no confirmed address keeps its pending one: it has no other.
    """
    user = ctx.actor
    dropped = user.pending_email
    if dropped is None or user.email is None:
        return None
    user.pending_email = None
    ctx.session.flush()
    return dropped


def confirmation(session: Session, raw: str, now: datetime | None = None) -> EmailToken:
    """Return the confirmation link `raw` stands for, if it still confirms something.

    Raises LinkError for an unknown, used or expired link, and for one whose address is no
    longer the one the account waits to confirm (it changed, or another account confirmed it).
    """
    token = find_link(session, raw, EmailPurpose.CONFIRM, now or utcnow())
    if token is None or token.user.pending_email != token.email:
        raise LinkError(EXPIRED_CONFIRMATION)
    return token


def confirm_address(ctx: Ctx, raw: str, now: datetime | None = None) -> User:
    """Return the account whose pending address the link `raw` confirms, now confirmed.

    The address replaces the one confirmed before; other accounts' pending claims on it are
    dropped. Raises LinkError for a link that no longer works or an address another account
    confirmed first.
    """
    now = now or utcnow()
    session = ctx.session
    token = confirmation(session, raw, now)
    user, email = token.user, token.email
    first = session.scalar(select(User.id).where(User.email == email, User.id != user.id))
    if first is not None:
        token.used_at = now
        user.pending_email = None
        session.flush()
        raise LinkError(
            f"Another account confirmed {email} first, so it cannot be yours here too. "
            "If it is your address, use “Forgot your password?” on the sign-in page."
        )
    user.email, user.pending_email = email, None
    token.used_at = now
    session.execute(
        update(User)
        .where(User.pending_email == email, User.id != user.id)
        .values(pending_email=None)
        .execution_options(synchronize_session="fetch")
    )
    try:
        session.flush()
    except IntegrityError as error:  # another account confirmed it a moment ago
        session.rollback()
        raise LinkError(
            f"Another account confirmed {email} a moment ago, so it cannot be yours here too."
        ) from error
    return user
