"""History: course and lesson history by cursor, one commit, comparisons, blame and restore.

Every view asks access.require_course first. Revisions and cursors from the URL go through
the storage engine's validation; a bad or unknown one is a 404 saying so, never a 500.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...access import Access
from ...content.errors import ContentError
from ...content.paths import lesson_path, parse_lesson_path
from ...extensions import db
from ...git import CourseRepo, GitStoreError, InvalidRevision, RevisionNotFound
from ...runtime import ctx, repo_store
from ...services import reading
from ...services.context import LessonRef
from ...services.editing import EditError
from .._guards import require_course
from .lessons import git_error_page, version_or_404

bp = Blueprint("history", __name__, url_prefix="/n/<net>/<course>")
bp.register_error_handler(GitStoreError, git_error_page)

VIEWS = ("words", "unified")


def _lesson_file(unit: str, lesson: str) -> str:
    """Return the lesson's file path, or abort with 404 for names no lesson can have."""
    try:
        return lesson_path(unit, lesson)
    except ContentError as exc:
        abort(404, description=exc.message)


def _resolve(repo: CourseRepo, rev: str) -> str:
    """Return the commit a revision from the URL names, or abort with 404 saying why."""
    try:
        return repo.resolve(rev)
    except (InvalidRevision, RevisionNotFound) as exc:
        abort(404, description=exc.message)


def _commit_prefix(net: str, course: str) -> str:
    """Return the address of a commit page without its id (one url_for, not one per entry)."""
    return url_for(".commit", net=net, course=course, sha="0")[:-1]


def _diff_view() -> str:
    """Return how diffs are shown: word by word (the default) or as unified text."""
    view = request.args.get("view", "words")
    return view if view in VIEWS else "words"


@bp.get("/history")
def course_history(net: str, course: str) -> str:
    """Show the course's history, 50 commits a page, older pages by cursor."""
    network, row, access = require_course(net, course)
    after = request.args.get("after") or None
    page = reading.course_history_page(ctx(), row, after=after)
    return render_template(
        "reading/course_history.html",
        network=network,
        course=row,
        access=access,
        page=page,
        after=after,
        commit_prefix=_commit_prefix(network.slug, row.slug),
    )


@bp.get("/history/<unit>/<lesson>")
def lesson_history(net: str, course: str, unit: str, lesson: str) -> str:
    """Show one lesson's history, following renames, with links to each version."""
    network, row, access = require_course(net, course)
    path = _lesson_file(unit, lesson)
    after = request.args.get("after") or None
    found = reading.lesson_history_page(ctx(), LessonRef(row, unit, lesson), after=after)
    return render_template(
        "reading/lesson_history.html",
        network=network,
        course=row,
        access=access,
        page=found.page,
        after=after,
        unit=unit,
        lesson=lesson,
        path=path,
        exists=found.exists,
        commit_prefix=_commit_prefix(network.slug, row.slug),
    )


@bp.get("/commit/<sha>")
def commit(net: str, course: str, sha: str) -> str:
    """Show one commit: message, people, parents and each file's changes."""
    network, row, access = require_course(net, course)
    view = _diff_view()
    with version_or_404():
        found = reading.commit_page(ctx(), row, sha, words=view == "words")
    return render_template(
        "reading/commit.html",
        network=network,
        course=row,
        access=access,
        info=found.info,
        body=found.body,
        changes=found.changes,
        view=view,
    )


@bp.get("/compare")
def compare_form(net: str, course: str) -> str | Response:
    """Show a form to pick two versions, or go to their comparison once both are picked."""
    network, row, access = require_course(net, course)
    old, new = request.args.get("from", "").strip(), request.args.get("to", "").strip()
    path = request.args.get("path", "").strip() or None
    problems = reading.revision_problems(ctx(), row, (old, new)) if old and new else []
    if old and new and not problems:
        return redirect(url_for(".compare", net=net, course=row.slug, a=old, b=new, path=path))
    recent = reading.course_history_page(ctx(), row, limit=reading.PAGE_SIZE)
    return render_template(
        "reading/compare_form.html",
        network=network,
        course=row,
        access=access,
        recent=recent.entries,
        old=old,
        new=new or "main",
        path=path,
        problems=problems,
    )


@bp.get("/compare/<a>...<b>")
def compare(net: str, course: str, a: str, b: str) -> str:
    """Show what changed between any two versions, of the whole course or of `?path=`."""
    network, row, access = require_course(net, course)
    # Several names compare a lesson across renames: its name then, and its name now.
    path = [p for p in request.args.getlist("path") if p] or None
    view = _diff_view()
    with version_or_404():
        found = reading.compare_page(ctx(), row, a, b, path, words=view == "words")
    return render_template(
        "reading/compare.html",
        network=network,
        course=row,
        access=access,
        a=a,
        b=b,
        path=path,
        changes=found.changes,
        old=found.old,
        new=found.new,
        view=view,
    )


@bp.get("/blame/<unit>/<lesson>")
def blame(net: str, course: str, unit: str, lesson: str) -> str:
    """Show who last changed each paragraph of a lesson (at `?rev=`, the current by default)."""
    network, row, access = require_course(net, course)
    _lesson_file(unit, lesson)
    rev = request.args.get("rev") or "main"
    with version_or_404():
        found = reading.blame_page(ctx(), LessonRef(row, unit, lesson), rev)
    return render_template(
        "reading/blame.html",
        network=network,
        course=row,
        access=access,
        unit=unit,
        lesson=lesson,
        path=found.path,
        rev=rev,
        commit=found.commit,
        groups=found.groups,
    )


@bp.post("/restore/<unit>/<lesson>")
def restore(net: str, course: str, unit: str, lesson: str) -> Response:
    """Make a new commit that puts the lesson back as it was at the posted revision."""
    network, row, _access = require_course(net, course, Access.WRITE)
    path = _lesson_file(unit, lesson)
    source_path = request.form.get("from") or path
    if parse_lesson_path(source_path) is None:
        abort(404, description="That is not a lesson file of this course.")
    with repo_store().open(row.id) as repo:
        source = _resolve(repo, request.form.get("rev", ""))
    back = url_for(".lesson_history", net=network.slug, course=row.slug, unit=unit, lesson=lesson)
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    try:
        result = reading.restore(ctx(user), row, path, source_path, source)
    except EditError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    if result.unchanged:
        flash(f"The lesson already reads as it did in version {source[:10]}.", "info")
    else:
        flash(
            f"Restored the lesson as it was in version {source[:10]}, as a new version "
            f"({result.commit[:10]}). Nothing was removed from the history.",
            "success",
        )
    target = url_for("lessons.lesson", net=network.slug, course=row.slug, unit=unit, lesson=lesson)
    return redirect(target)
