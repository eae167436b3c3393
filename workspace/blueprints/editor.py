"""The lesson editor (placeholder views until the editing work lands)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("editor", __name__, url_prefix="/n/<net>/<course>")


@bp.route("/edit/<unit>/<lesson>", methods=["GET", "POST"])
def edit(net: str, course: str, unit: str, lesson: str) -> str:
    """Placeholder."""
    return "edit"
