"""The githttp area: `git clone` and `git push` of a course over smart HTTP."""

from __future__ import annotations

from flask import Blueprint, url_for

from ..extensions import csrf
from ..models import Course, Network

bp = Blueprint("githttp", __name__, url_prefix="/git")
# Git clients authenticate with tokens in headers and never carry cookies, so there is no
# session a cross-site request could ride on.
csrf.exempt(bp)


def clone_url(network: Network, course: Course) -> str:
    """Return the external URL a teacher passes to `git clone` for this course."""
    return url_for("githttp.repository", net=network.slug, course=course.slug, _external=True)


@bp.get("/<net>/<course>.git")
def repository(net: str, course: str) -> tuple[str, int]:
    """Answer a browser that opened the clone URL: there is nothing to see here."""
    return "This is a git repository address: use it with git clone.\n", 404
