"""Review thread views: forms that post and come back to the lesson (or the thread's page),
with a flash saying what happened; a refused request says why and keeps what was typed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from ...access import Access, Guest
from ...content.errors import ContentError
from ...content.paths import lesson_path
from ...extensions import db
from ...models import Course, Network, Thread
from ...runtime import ctx
from ...services import reading, threads
from ...services.context import LessonRef
from ...services.threads import KINDS, NewThread, ThreadError
from .._guards import require_course
from ..reading import reading_caches

bp = Blueprint("threads", __name__, url_prefix="/n/<net>/<course>")

FILTERS = ("open", "resolved", "outdated", "all")


def _int(name: str) -> int | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ThreadError(f"Give the {name.replace('_', ' ')} as a number, such as 12.", field=name)
    return int(value)


def _lesson_url(network: Network, row: Course, unit: str, lesson: str, **extra: Any) -> str:
    return url_for(
        "lessons.lesson", net=network.slug, course=row.slug, unit=unit, lesson=lesson, **extra
    )


def _thread_url(network: Network, row: Course, thread: Thread) -> str:
    found = threads.lesson_of(thread)
    if found is None:
        return url_for("threads.course_threads", net=network.slug, course=row.slug)
    return _lesson_url(network, row, *found, _anchor=f"thread-{thread.id}")


@bp.post("/lessons/<unit>/<lesson>/threads")
@login_required
def open_thread(net: str, course: str, unit: str, lesson: str) -> ResponseReturnValue:
    """Open a thread from the lesson page's form: lines of the revision shown, or the whole
    lesson when no lines are given."""
    try:
        path = lesson_path(unit, lesson)
    except ContentError:
        abort(404)
    network, row, access = require_course(net, course, Access.COMMENT, Guest(path=path))
    ref = LessonRef(row, unit, lesson)
    try:
        new = NewThread(
            kind=request.form.get("kind") or "question",
            body=request.form.get("body", ""),
            commit=(request.form.get("commit") or "").strip() or None,
            start_line=_int("start_line"),
            end_line=_int("end_line"),
        )
        thread = threads.open_thread(ctx(), ref, access, new)
    except ThreadError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        return _lesson_again(network, row, access, ref, exc)
    db.session.commit()
    flash("Your thread is open. Everyone who reads the lesson can see it and reply.", "success")
    return redirect(_thread_url(network, row, thread))


def _lesson_again(
    network: Network, row: Course, access: Access, ref: LessonRef, exc: ThreadError
) -> Any:
    """Return the lesson page again with the problem and everything typed into the form."""
    from ..reading.lessons import lesson_page_html

    rev = (request.form.get("commit") or "").strip() or "main"
    status = exc.status if exc.status in (403, 413) else 422
    page = lesson_page_html(network, row, access, ref, rev, thread_error=exc, posted=request.form)
    return page, status


@bp.post("/threads/<int:thread_id>/comments")
@login_required
def reply(net: str, course: str, thread_id: int) -> ResponseReturnValue:
    """Reply to a thread."""
    network, row, access = require_course(net, course, Access.COMMENT, Guest(thread_id=thread_id))
    thread = _find(row, thread_id)
    try:
        threads.reply(ctx(), thread, access, request.form.get("body", ""))
    except ThreadError as exc:
        db.session.rollback()
        return _thread_page(network, row, thread, access, exc), exc.status
    db.session.commit()
    flash("Your reply is posted.", "success")
    return redirect(_thread_url(network, row, thread))


def _find(row: Course, thread_id: int) -> Thread:
    try:
        return threads.find_thread(ctx(), row.id, thread_id)
    except ThreadError:
        abort(404)


def _status(net: str, course: str, thread_id: int, status: str) -> ResponseReturnValue:
    network, row, access = require_course(net, course, Access.COMMENT, Guest(thread_id=thread_id))
    thread = _find(row, thread_id)
    try:
        threads.set_status(ctx(), thread, access, status)
    except ThreadError as exc:
        db.session.rollback()
        abort(exc.status)
    db.session.commit()
    flash("The thread is resolved." if status == "resolved" else "The thread is open again.")
    if request.form.get("back") == "thread":
        return redirect(_thread_page_url(network, row, thread))
    return redirect(_thread_url(network, row, thread))


@bp.post("/threads/<int:thread_id>/resolve")
@login_required
def resolve(net: str, course: str, thread_id: int) -> ResponseReturnValue:
    """Resolve a thread (its author, the lesson's writers and the network's leaders)."""
    return _status(net, course, thread_id, "resolved")


@bp.post("/threads/<int:thread_id>/reopen")
@login_required
def reopen(net: str, course: str, thread_id: int) -> ResponseReturnValue:
    """Reopen a resolved thread."""
    return _status(net, course, thread_id, "open")


def _thread_page_url(network: Network, row: Course, thread: Thread) -> str:
    return url_for("threads.thread", net=network.slug, course=row.slug, thread_id=thread.id)


@bp.route("/threads/<int:thread_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(net: str, course: str, thread_id: int, comment_id: int) -> ResponseReturnValue:
    """Edit your own comment (it then says it was edited)."""
    network, row, access = require_course(net, course, Access.COMMENT, Guest(thread_id=thread_id))
    thread = _find(row, thread_id)
    comment = next((c for c in thread.comments if c.id == comment_id), None)
    if comment is None:
        abort(404)
    error = None
    if request.method == "POST":
        try:
            threads.edit_comment(ctx(), thread, comment_id, request.form.get("body", ""))
        except ThreadError as exc:
            db.session.rollback()
            if exc.status == 403:
                abort(403)
            error = exc
        else:
            db.session.commit()
            flash("Your comment is changed.", "success")
            return redirect(_thread_url(network, row, thread))
    elif comment.author_id != ctx().actor.id or comment.deleted_at is not None:
        abort(403)
    body = request.form.get("body", comment.body)
    page = render_template(
        "threads/edit_comment.html",
        network=network,
        course=row,
        access=access,
        thread=thread,
        comment=comment,
        body=body,
        error=error,
    )
    return (page, error.status) if error else page


@bp.post("/threads/<int:thread_id>/comments/<int:comment_id>/delete")
@login_required
def delete_comment(net: str, course: str, thread_id: int, comment_id: int) -> ResponseReturnValue:
    """Delete your own comment (a leader may delete any): its place says "deleted"."""
    network, row, access = require_course(net, course, Access.COMMENT, Guest(thread_id=thread_id))
    thread = _find(row, thread_id)
    try:
        threads.delete_comment(ctx(), thread, access, comment_id)
    except ThreadError as exc:
        db.session.rollback()
        abort(exc.status)
    db.session.commit()
    flash("The comment is deleted.", "success")
    return redirect(_thread_url(network, row, thread))


@bp.get("/threads/<int:thread_id>")
def thread(net: str, course: str, thread_id: int) -> ResponseReturnValue:
    """A thread's own page: its original revision and quote, where it is now, the replies."""
    network, row, access = require_course(net, course, guest=Guest(thread_id=thread_id))
    return _thread_page(network, row, _find(row, thread_id), access)


def _thread_page(
    network: Network, row: Course, thread: Thread, access: Access, error: ThreadError | None = None
) -> str:
    placed = threads.place_thread(ctx(), thread)
    return render_template(
        "threads/thread.html",
        network=network,
        course=row,
        access=access,
        view=placed,
        lesson=threads.lesson_of(thread),
        title=_title(row, thread),
        error=error,
        posted=request.form if error else {},
        members=threads.member_names(ctx(), network),
    )


def _title(row: Course, thread: Thread) -> str:
    found = threads.lesson_of(thread)
    if found is None:
        return "A lesson no longer in the course"
    return _lesson_title(row, *found)


@bp.get("/threads")
def course_threads(net: str, course: str) -> ResponseReturnValue:
    """A course's threads: open, resolved or outdated, by lesson, kind and author."""
    network, row, access = require_course(net, course)
    shown = request.args.get("show", "open")
    shown = shown if shown in FILTERS else "open"
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    lesson = request.args.get("lesson", "")
    author = request.args.get("author", "")
    found = threads.course_threads(
        ctx(), row, show=shown, kind=kind or None, lesson=lesson or None, author=author or None
    )
    view = reading.course_page(ctx(), row, caches=reading_caches())
    titles = {(e.unit, e.slug): e.title for e in view.index.lessons}
    return render_template(
        "threads/course_threads.html",
        network=network,
        course=row,
        access=access,
        found=found,
        titles=titles,
        show=shown,
        kind=kind,
        lesson=lesson,
        author=author,
        kinds=KINDS,
        filters=FILTERS,
    )


@bp.get("/lessons/<unit>/<lesson>/lines")
def lines(net: str, course: str, unit: str, lesson: str) -> ResponseReturnValue:
    """The lesson's text with line numbers, to choose the lines a new thread is about: a line
    number is a link that starts the choice, a second one ends it (no JavaScript needed)."""
    try:
        guest = Guest(path=lesson_path(unit, lesson))
    except ContentError:
        abort(404)
    network, row, access = require_course(net, course, guest=guest)
    ref = LessonRef(row, unit, lesson)
    try:
        found = reading.lesson_file(ctx(), ref, request.args.get("rev") or "main")
    except (reading.LessonNotFound, ContentError):
        abort(404)
    text_lines = threads.lines_of(found.content)
    start, end = _chosen(request.args.get("start"), request.args.get("end"), len(text_lines))
    return render_template(
        "threads/lines.html",
        network=network,
        course=row,
        access=access,
        unit=unit,
        lesson=lesson,
        title=_lesson_title(row, unit, lesson),
        commit=found.commit,
        lines=text_lines,
        start=start,
        end=end,
        kinds=KINDS,
        members=threads.member_names(ctx(), network),
    )


def _chosen(start: str | None, end: str | None, count: int) -> tuple[int | None, int | None]:
    """Return the chosen first and last line (in order, inside the text), or None."""
    first = int(start) if start and start.isdigit() and 0 < int(start) <= count else None
    last = int(end) if end and end.isdigit() and 0 < int(end) <= count else None
    if first is None:
        return None, None
    last = last or first
    return min(first, last), max(first, last)


def _lesson_title(row: Course, unit: str, lesson: str) -> str:
    view = reading.course_page(ctx(), row, caches=reading_caches())
    entry = next((e for e in view.index.lessons if (e.unit, e.slug) == (unit, lesson)), None)
    return entry.title if entry else lesson


@bp.app_template_global("comment_html")
def comment_html(body: str, members: Any) -> Any:
    """Return a comment's body as safe HTML with members' @mentions marked."""
    return threads.comment_html(body, members)
