"""The user's settings (placeholder views until the accounts work lands)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.route("/profile", methods=["GET", "POST"])
def profile() -> str:
    """Placeholder."""
    return "profile"


@bp.route("/password", methods=["GET", "POST"])
def password() -> str:
    """Placeholder."""
    return "password"


@bp.route("/tokens", methods=["GET", "POST"])
def tokens() -> str:
    """Placeholder."""
    return "tokens"
