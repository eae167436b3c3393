"""Accounts: register, sign in, sign out (placeholder views until the accounts work lands)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/register", methods=["GET", "POST"])
def register() -> str:
    """Placeholder."""
    return "register"


@bp.route("/login", methods=["GET", "POST"])
def login() -> str:
    """Placeholder."""
    return "login"


@bp.post("/logout")
def logout() -> str:
    """Placeholder."""
    return "logout"
