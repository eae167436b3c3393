"""API views on a whole course: its index, its history, one commit and comparisons."""

from __future__ import annotations

from typing import Any

from flask import abort, request, url_for

from ...runtime import ctx
from ...services import reading
from ..reading import reading_caches
from . import bp, caller, course_for
from .shapes import commit_json, diff_json, file_change_json


def _limit() -> int:
    """Return the `limit` argument: a whole number from 1 to API_MAX_PAGE (default 50)."""
    raw = request.args.get("limit", "")
    if not raw:
        return reading.PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= reading.API_MAX_PAGE:
        abort(400, description=f"“limit” must be a whole number from 1 to {reading.API_MAX_PAGE}.")
    return int(raw)


@bp.get("/n/<net>/<course>")
def course_index(net: str, course: str) -> dict[str, Any]:
    """Return the course's units and lessons in course order (at `?rev=`, the newest by default)."""
    network, row, _access = course_for(net, course)
    rev = request.args.get("rev") or "main"
    view = reading.course_page(ctx(caller().user), row, rev, caches=reading_caches())
    units = []
    for unit in view.index.units:
        lessons = []
        for entry in unit.lessons:
            card = view.cards.get(entry.path)
            lessons.append(
                {
                    "slug": entry.slug,
                    "title": entry.title,
                    "path": entry.path,
                    "status": entry.status,
                    "duration": card.duration if card else None,
                    "standards": [code for code, _display in card.standards] if card else [],
                    "problem": card.error if card else None,
                    "url": url_for(
                        "api.lesson", net=network.slug, course=row.slug, unit=unit.slug,
                        lesson=entry.slug, _external=True,
                    ),
                }
            )  # fmt: skip
        units.append(
            {"slug": unit.slug, "title": unit.title, "listed": unit.listed, "lessons": lessons}
        )
    return {
        "network": network.slug,
        "course": row.slug,
        "title": row.title,
        "archived": row.is_archived,
        "commit": view.commit,
        "units": units,
        "problem": view.outline_error,
    }


@bp.get("/n/<net>/<course>/history")
def course_history(net: str, course: str) -> dict[str, Any]:
    """Return a page of history (of the course, or of `?path=` following renames), by cursor."""
    _network, row, _access = course_for(net, course)
    after = request.args.get("after") or None
    path = request.args.get("path") or None
    limit = _limit()
    page = reading.course_history_page(ctx(caller().user), row, after, limit, path=path)
    commits = [
        {**commit_json(e.commit), "files": [file_change_json(f) for f in e.files]}
        for e in page.entries
    ]
    return {"commits": commits, "next_after": page.next_after}


@bp.get("/n/<net>/<course>/commits/<sha>")
def commit(net: str, course: str, sha: str) -> dict[str, Any]:
    """Return one commit with the unified diff of every file it changed."""
    _network, row, _access = course_for(net, course)
    found = reading.commit_page(ctx(caller().user), row, sha, words=False)
    return {**commit_json(found.info), "files": [diff_json(f.diff) for f in found.changes.files]}


@bp.get("/n/<net>/<course>/compare/<a>...<b>")
def compare(net: str, course: str, a: str, b: str) -> dict[str, Any]:
    """Return the files changed between two versions (of `?path=` only), with unified diffs.

    `path` may be given more than once (a lesson's old and new names, to see a rename).
    """
    _network, row, _access = course_for(net, course)
    names = [p for p in request.args.getlist("path") if p]
    path = names[0] if len(names) == 1 else names or None
    changes = reading.compare_page(ctx(caller().user), row, a, b, path, words=False).changes
    files = [diff_json(f.diff) for f in changes.files]
    return {"base": changes.old, "head": changes.new, "path": path, "files": files}
