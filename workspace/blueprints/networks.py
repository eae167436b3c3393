"""Networks (placeholder views until the networks work lands)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("networks", __name__)


@bp.get("/networks/")
def directory() -> str:
    """Placeholder."""
    return "directory"


@bp.route("/networks/new", methods=["GET", "POST"])
def new() -> str:
    """Placeholder."""
    return "new"


@bp.get("/n/<net>/")
def home(net: str) -> str:
    """Placeholder."""
    return net
