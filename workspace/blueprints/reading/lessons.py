"""Reading lessons: the lesson page (any revision, or for print), raw course files, standards.

Every view first asks access.require_course, which answers 404 for private networks the user
may not see and redirects a renamed course's old address.
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from ...access import Access, Guest
from ...content import InvalidStandard, describe, normalize_standard
from ...content.errors import ContentError
from ...content.paths import lesson_path
from ...content.render import without_sections
from ...content.sections import STUDENT_COPY_HIDES
from ...extensions import db
from ...git import GitStoreError, InvalidPath, InvalidRevision, PathNotFound, RevisionNotFound
from ...models import Course, Network
from ...runtime import ctx
from ...services import adapting, partners, reading, studies, threads
from ...services.context import LessonRef
from ...services.courses import network_courses
from ...services.reading import CourseLinks, LessonLinks, LessonNotFound
from .._guards import require_course
from . import reading_caches, store_cache_rows

bp = Blueprint("lessons", __name__, url_prefix="/n/<net>/<course>")
# Every area's reading pages batch their cache rows; they are stored after the response.
bp.after_app_request(store_cache_rows)

# Served inline only for raster images; everything else (SVG can carry script) is a download.
INLINE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
IMMUTABLE_SECONDS = 365 * 24 * 3600


def git_error_page(error: GitStoreError) -> tuple[str, int]:
    """Return an error page for a storage problem, in words a teacher can act on."""
    missing = isinstance(error, InvalidRevision | RevisionNotFound | PathNotFound | InvalidPath)
    code = 404 if missing else 503
    title = "Not found" if missing else "The course could not be read"
    db.session.rollback()
    return render_template("errors/error.html", code=code, title=title, message=error.message), code


@contextmanager
def version_or_404() -> Iterator[None]:
    """Abort with 404 saying why, for a version (or lesson) of the course that does not exist."""
    try:
        yield
    except (InvalidRevision, RevisionNotFound, LessonNotFound) as exc:
        abort(404, description=exc.message)


def site_links(network: Network, course: Course) -> CourseLinks:
    """Return where the course's raw files and lesson pages are on this site."""
    base = url_for("lessons.raw", net=network.slug, course=course.slug, rev="x", path="x")
    return CourseLinks(
        raw_base=base.removesuffix("/x/x"),
        lesson_base=url_for("courses.home", net=network.slug, course=course.slug) + "lessons",
    )


def course_links(network: Network, course: Course, unit: str, rev: str, commit: str) -> LessonLinks:
    """Return where a lesson's relative links point: head views use `main`, so the rendered
    HTML stays valid (and cached) across commits; old versions pin their commit."""
    return site_links(network, course).lesson(unit, rev, commit)


bp.register_error_handler(GitStoreError, git_error_page)


@bp.get("/lessons/<unit>/<lesson>")
def lesson(net: str, course: str, unit: str, lesson: str) -> str:
    """Show a lesson (at `?rev=`, or for print with `?print=1`) with its review threads."""
    network, row, access = require_course(net, course, guest=guest_for(unit, lesson))
    rev = request.args.get("rev") or "main"
    return lesson_page_html(network, row, access, LessonRef(row, unit, lesson), rev)


def guest_for(unit: str, lesson: str) -> Guest | None:
    """Return the lesson as a cycle's guest may ask for it (None for a name no lesson has)."""
    try:
        return Guest(path=lesson_path(unit, lesson))
    except ContentError:
        return None


def lesson_page_html(
    network: Network,
    row: Course,
    access: Access,
    ref: LessonRef,
    rev: str,
    *,
    thread_error: Any = None,
    posted: Any = None,
) -> str:
    """Return the lesson page at `rev`; a thread form that was refused comes back filled in."""
    with version_or_404():
        view = reading.lesson_page(
            ctx(), ref, rev, links=site_links(network, row), caches=reading_caches()
        )
    hidden = STUDENT_COPY_HIDES if request.args.get("copy") == "student" else ()
    if not access & Access.COMMENT:  # visitors from outside the network
        hidden = (*hidden, "instructor")
    if hidden and view.content.html is not None:
        html = Markup(without_sections(str(view.content.html), hidden))  # noqa: S704
        view = replace(view, content=replace(view.content, html=html))
    if request.args.get("print"):
        return render_template(
            "reading/print.html",
            network=network,
            course=row,
            access=access,
            view=view,
            pinned=rev != "main",
        )
    placed = threads.lesson_threads(ctx(), ref, view.commit)
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    meta = view.content.meta
    mark = adapting.marked(meta.based_on) if meta is not None else None
    linked = partners.lesson_resources(ctx(), network, meta.resources) if meta else []
    return render_template(
        "reading/lesson.html",
        original=adapting.original_of(ctx(), mark, viewer) if mark else None,
        adaptations=adapting.adaptations_of(ctx(), row, view.path, viewer),
        network=network,
        course=row,
        access=access,
        view=view,
        pinned=rev != "main",
        threads=placed,
        members=threads.member_names(ctx(), network),
        thread_error=thread_error,
        posted=posted or {},
        kinds=threads.KINDS,
        cycles=studies.lesson_studies(ctx(), row.id, view.path),
        linked=linked,
        linkable=partners.linkable_resources(ctx(), network)
        if access & Access.WRITE and view.is_head
        else [],
    )


@bp.get("/raw/<rev>/<path:path>")
def raw(net: str, course: str, rev: str, path: str) -> Response:
    """Send one file of the course: raster images inline, anything else as a download."""
    network, row, _access = require_course(net, course)
    with version_or_404():
        try:
            found = reading.course_file(ctx(), row, rev, path)
        except (PathNotFound, InvalidPath):
            abort(404, description=f"This course has no file \u201c{path}\u201d in that version.")
    name = posixpath.basename(path)
    mimetype = INLINE_TYPES.get(posixpath.splitext(name)[1].lower())
    response = send_file(
        io.BytesIO(found.data),
        mimetype=mimetype or "application/octet-stream",
        as_attachment=mimetype is None,
        download_name=name,
        etag=found.blob_id,
        conditional=True,
        max_age=None,
    )
    commit = found.commit
    pinned = rev == commit or (len(rev) >= 7 and commit.startswith(rev.lower()))
    scope = "public" if network.is_public else "private"
    response.headers["Cache-Control"] = (
        f"{scope}, max-age={IMMUTABLE_SECONDS}, immutable" if pinned else f"{scope}, no-cache"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/standards/<code>")
def standard(net: str, course: str, code: str) -> str | Response:
    """Show what a standard is and the lessons of this network's courses that address it."""
    network, row, access = require_course(net, course)
    try:
        found = normalize_standard(code)
    except InvalidStandard as exc:
        abort(404, description=exc.message)
    if found.code != code:
        return redirect(url_for(".standard", net=net, course=row.slug, code=found.code), 301)
    courses = [row] + [c for c in network_courses(db.session, network) if c.id != row.id]
    matches = []
    context, caches = ctx(), reading_caches()
    for other in courses:
        try:
            view = reading.course_page(context, other, caches=caches)
        except GitStoreError:
            if other.id == row.id:
                raise
            continue  # another course that cannot be read now must not hide this one's lessons
        lessons = [
            (entry, view.cards[entry.path])
            for entry in view.index.lessons
            if entry.path in view.cards
            and any(c == found.code for c, _display in view.cards[entry.path].standards)
        ]
        if lessons or other.id == row.id:
            matches.append((other, lessons))
    return render_template(
        "reading/standard.html",
        network=network,
        course=row,
        access=access,
        standard=found,
        description=describe(found.code),
        matches=matches,
    )
