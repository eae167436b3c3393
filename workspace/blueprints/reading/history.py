"""History: course and lesson history by cursor, one version, comparisons, blame and restore.

Every view asks access.require_course first. Revisions and cursors from the URL go through
the storage engine's validation; a bad or unknown one is a 404 saying so, never a 500. Pages
speak of versions, lessons and units by their titles; ids, file names and diffs are inside
their "For Git users" sections.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...access import Access
from ...content.errors import ContentError
from ...content.paths import lesson_path, parse_lesson_path
from ...extensions import db
from ...git import GitStoreError, InvalidRevision, RevisionNotFound
from ...runtime import ctx
from ...services import history, reading, threads
from ...services.context import LessonRef
from ...services.editing import EditError
from .._guards import require_course
from . import reading_caches
from .lessons import git_error_page, site_links, version_or_404

bp = Blueprint("history", __name__, url_prefix="/n/<net>/<course>")
bp.register_error_handler(GitStoreError, git_error_page)


@bp.context_processor
def history_words() -> dict[str, Any]:
    """Give this blueprint's templates dates in words ("today at 14:05")."""
    return {"human_time": reading.human_time}


def _lesson_file(unit: str, lesson: str) -> str:
    """Return the lesson's file path, or abort with 404 for names no lesson can have."""
    try:
        return lesson_path(unit, lesson)
    except ContentError as exc:
        abort(404, description=exc.message)


def _prefix(endpoint: str, net: str, course: str, **values: str) -> str:
    """Return an address without its last part (one url_for per page, not one per entry)."""
    return url_for(endpoint, net=net, course=course, **values)[:-1]


def _prefixes(net: str, course: str) -> dict[str, str]:
    """Return the address prefixes the history lists build their links from."""
    return {
        "commit_prefix": _prefix(".commit", net, course, sha="0"),
        "compare_prefix": url_for(".compare_form", net=net, course=course) + "/",
    }


def _names(entries: list[reading.HistoryEntry], path: str) -> list[str]:
    """Return every name a lesson had on a page of its history, its current name last (what a
    comparison of two of its versions is limited to, so a rename shows as one)."""
    names = (name for e in entries for f in e.files for name in (f.old_path, f.path))
    return [*dict.fromkeys(name for name in names if name and name != path), path]


@bp.get("/history")
def course_history(net: str, course: str) -> str:
    """Show the course's history, 50 versions a page, older pages by cursor."""
    network, row, access = require_course(net, course)
    after = request.args.get("after") or None
    page = reading.course_history_page(ctx(), row, after=after, words=True, caches=reading_caches())
    # Leaders see how far the faster lesson histories have got while they are being prepared.
    indexing = history.progress(ctx(), row.id) if access & Access.MANAGE else None
    return render_template(
        "reading/course_history.html",
        network=network,
        course=row,
        access=access,
        page=page,
        after=after,
        indexing=indexing if indexing is not None and not indexing.current else None,
        **_prefixes(network.slug, row.slug),
    )


@bp.get("/history/<unit>/<lesson>")
def lesson_history(net: str, course: str, unit: str, lesson: str) -> str:
    """Show one lesson's history, following renames, with links to each version."""
    network, row, access = require_course(net, course)
    path = _lesson_file(unit, lesson)
    after = request.args.get("after") or None
    ref = LessonRef(row, unit, lesson)
    found = reading.lesson_history_page(
        ctx(), ref, after=after, words=True, caches=reading_caches()
    )
    versions = [
        (
            e.commit.sha,
            e.commit.parents[0] if e.commit.parents else None,
            f.path,
            f.old_path,
            e.commit.committed_at,
        )
        for e in found.page.entries
        for f in e.files[:1]
    ]
    return render_template(
        "reading/lesson_history.html",
        marks=threads.history_marks(ctx(), ref, versions),
        network=network,
        course=row,
        access=access,
        page=found.page,
        title=found.title,
        after=after,
        unit=unit,
        lesson=lesson,
        path=path,
        names=_names(found.page.entries, path),
        exists=found.exists,
        **_prefixes(network.slug, row.slug),
    )


@bp.get("/commit/<sha>")
def commit(net: str, course: str, sha: str) -> str:
    """Show one version: who changed what and when, the changes as text, and for Git users
    its id, parents, files and diffs."""
    network, row, access = require_course(net, course)
    with version_or_404():
        found = reading.version_page(
            ctx(), row, sha, links=site_links(network, row), caches=reading_caches()
        )
    return render_template(
        "reading/commit.html",
        network=network,
        course=row,
        access=access,
        found=found,
        headline=found.headline(),
        answered=threads.answered_by(ctx(), row.id, found.info.sha),
    )


@bp.get("/compare")
def compare_form(net: str, course: str) -> str | Response:
    """Show versions to pick two of, or go to their comparison once both are picked."""
    network, row, access = require_course(net, course)
    old, new = request.args.get("from", "").strip(), request.args.get("to", "").strip()
    paths = [p.strip() for p in request.args.getlist("path") if p.strip()]
    problems: list[str] = []
    if old and new:
        picked = reading.pick_versions(ctx(), row, old, new)
        if not picked.problems:
            target = url_for(
                ".compare", net=net, course=row.slug, a=picked.old, b=picked.new, path=paths or None
            )
            return redirect(target)
        problems = picked.problems
    lesson = parse_lesson_path(paths[-1]) if paths else None
    title = None
    if lesson is not None:
        found = reading.lesson_history_page(
            ctx(), LessonRef(row, *lesson), words=True, caches=reading_caches()
        )
        recent, title = found.page.entries, found.title
    else:
        page = reading.course_history_page(
            ctx(), row, path=paths[-1] if paths else None, words=True, caches=reading_caches()
        )
        recent = page.entries
    return render_template(
        "reading/compare_form.html",
        network=network,
        course=row,
        access=access,
        recent=recent,
        old=old,
        new=new,
        paths=paths,
        lesson=lesson,
        title=title,
        problems=problems,
        **_prefixes(network.slug, row.slug),
    )


@bp.get("/compare/<a>...<b>")
def compare(net: str, course: str, a: str, b: str) -> str:
    """Show what changed between any two versions, of the whole course or of `?path=`."""
    network, row, access = require_course(net, course)
    # Several names compare a lesson across renames: its name then, and its name now.
    path = [p for p in request.args.getlist("path") if p] or None
    with version_or_404():
        found = reading.comparison_page(
            ctx(), row, a, b, path, links=site_links(network, row), caches=reading_caches()
        )
    return render_template(
        "reading/compare.html",
        network=network,
        course=row,
        access=access,
        a=a,
        b=b,
        path=path,
        found=found,
    )


@bp.get("/blame/<unit>/<lesson>")
def blame(net: str, course: str, unit: str, lesson: str) -> str:
    """Show who last changed each passage of a lesson (at `?rev=`, the current by default)."""
    network, row, access = require_course(net, course)
    _lesson_file(unit, lesson)
    rev = request.args.get("rev") or "main"
    with version_or_404():
        ref = LessonRef(row, unit, lesson)
        found = reading.blame_page(ctx(), ref, rev, caches=reading_caches())
    return render_template(
        "reading/blame.html",
        network=network,
        course=row,
        access=access,
        unit=unit,
        lesson=lesson,
        rev=rev,
        found=found,
    )


@bp.post("/restore/<unit>/<lesson>")
def restore(net: str, course: str, unit: str, lesson: str) -> Response:
    """Make a new version that puts the lesson back as it was in the posted version."""
    network, row, _access = require_course(net, course, Access.WRITE)
    path = _lesson_file(unit, lesson)
    source_path = request.form.get("from") or path
    if parse_lesson_path(source_path) is None:
        abort(404, description="That is not a lesson file of this course.")
    try:
        source = reading.version_info(ctx(), row, request.form.get("rev", ""))
    except (InvalidRevision, RevisionNotFound) as exc:
        abort(404, description=exc.message)
    back = url_for(".lesson_history", net=network.slug, course=row.slug, unit=unit, lesson=lesson)
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    try:
        result = reading.restore(ctx(user), row, path, source_path, source.sha)
    except EditError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    when = reading.exact_time(source.authored_at)
    if result.unchanged:
        flash(f"The lesson already reads as it did in the version of {when}.", "info")
    else:
        flash(
            f"Restored the lesson as it was in the version of {when}, as a new version. "
            "Nothing was removed from the history.",
            "success",
        )
    target = url_for("lessons.lesson", net=network.slug, course=row.slug, unit=unit, lesson=lesson)
    return redirect(target)
