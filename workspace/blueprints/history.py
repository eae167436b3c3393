"""Course and lesson history (placeholder views until the history work lands)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("history", __name__, url_prefix="/n/<net>/<course>")


@bp.get("/history")
def course_history(net: str, course: str) -> str:
    """Placeholder."""
    return "history"


@bp.get("/history/<unit>/<lesson>")
def lesson_history(net: str, course: str, unit: str, lesson: str) -> str:
    """Placeholder."""
    return "lesson history"


@bp.get("/commit/<sha>")
def commit(net: str, course: str, sha: str) -> str:
    """Placeholder."""
    return "commit"
