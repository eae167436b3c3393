"""The signed-in person's own account: the profile colleagues see, and the password.

A new email address typed into the profile does not replace the confirmed one: it waits for
its confirmation link (see _addresses). A new password ends every other sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...models import LoginSession, RoleKind, User
from ._accounts import (
    MAX_PASSWORD,
    AccountError,
    _check,
    _clean_profile,
    _taken,
    email_problem,
    normalize,
    password_problem,
)
from ._addresses import LinkSent, claim_address
from ._sessions import end_other_sessions

if TYPE_CHECKING:
    from ..context import Ctx


def change_password(
    ctx: Ctx,
    *,
    current_password: str,
    new_password: str,
    keep: LoginSession | None = None,
) -> int:
    """Set the acting user's new password after checking the current one, and return how many
    other sign-ins were ended (all but `keep`, this browser's); raise AccountError."""
    user = ctx.actor
    if not user.check_password(current_password[:MAX_PASSWORD]):
        raise AccountError("That is not your current password.", "current_password")
    _check(password_problem(new_password, _min_length(ctx)), "new_password")
    user.set_password(new_password, method=_hash_method(ctx))
    ended = end_other_sessions(ctx.session, user, keep=keep)
    ctx.session.flush()
    return ended


@dataclass(frozen=True)
class ProfileSaved:
    """The saved profile; `link` says what became of a confirmation email for a new address."""

    user: User
    link: LinkSent | None = None


def update_profile(
    ctx: Ctx,
    *,
    display_name: str,
    email: str,
    affiliation: str = "",
    role_kind: str = RoleKind.TEACHER.value,
    bio: str = "",
    link: Callable[[str], str],
    address: str = "",
) -> ProfileSaved:
    """Return the acting user's saved profile, or raise AccountError naming the field.

    A new email address does not replace the confirmed one: it waits for confirmation, and a
    link to confirm it is emailed to it (`link` turns the link's token into its address).
    """
    user = ctx.actor
    email = normalize(email)
    _check(email_problem(email), "email")
    display_name, affiliation, role_kind, bio = _clean_profile(
        display_name, affiliation, role_kind, bio
    )
    if email not in (user.email, user.pending_email) and _taken(
        ctx.session, User.email, email, exclude=user
    ):
        raise AccountError("Another account already uses that email address.", "email")
    user.display_name = display_name
    user.affiliation = affiliation
    user.role_kind = role_kind
    user.bio = bio
    ctx.session.flush()
    sent = claim_address(ctx, user, email, link=link, address=address)
    return ProfileSaved(user, sent)


def _min_length(ctx: Ctx) -> int:
    return int(ctx.settings.get("PASSWORD_MIN_LENGTH", 10))


def _hash_method(ctx: Ctx) -> str:
    return str(ctx.settings.get("PASSWORD_HASH_METHOD", "scrypt"))
