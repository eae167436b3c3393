"""What the networks area's views share: the blueprint and the guards for signed-in people."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...access import Access
from ...models import Network, User
from ...services.networks import NetworkError
from .._guards import require_network

bp = Blueprint("networks", __name__)


def signed_in_user() -> User | None:
    """Return the signed-in user, or None for a visitor."""
    return current_user if current_user.is_authenticated else None  # type: ignore[return-value]


def sign_in_first(message: str = "Please sign in to continue.") -> Response:
    """Return a redirect to the sign-in page that comes back to this page afterwards."""
    flash(message, "info")
    return redirect(url_for("auth.login", next=request.path))


def require_manager(net: str) -> tuple[Network, User, Access]:
    """Return the network, the acting user and their access, for views that need MANAGE."""
    network, access = require_network(net, Access.MANAGE)
    user = signed_in_user()
    if user is None:  # MANAGE is never granted to visitors; refuse as for any non-member
        abort(404)
    return network, user, access


def show_error(form: Any, error: NetworkError) -> None:
    """Attach a rule violation to the form field it names, or flash it."""
    field = form._fields.get(error.field) if error.field else None
    if field is None:
        flash(error.message, "error")
    else:
        field.errors = [*field.errors, error.message]
