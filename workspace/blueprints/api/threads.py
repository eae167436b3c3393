"""API views on review threads: open one on lines of a lesson (or the whole lesson), list a
lesson's threads placed at a revision, reply, resolve and reopen.

A thread's `anchor` is the revision, lines and quote it was opened on and never changes; its
`position` at `?at=` says whether those lines are still there ("current", possibly moved) or
were changed ("outdated"). See DESIGN.md, "Review threads (contract)".
"""

from __future__ import annotations

from typing import Any

from flask import abort, request
from werkzeug.wrappers import Response

from ...access import Access
from ...content.errors import ContentError
from ...content.paths import lesson_path
from ...extensions import db
from ...models import Thread
from ...runtime import ctx
from ...services import threads
from ...services.context import LessonRef
from ...services.threads import NewThread, ThreadError, ThreadView
from . import acting_user, bp, course_for, error, json_body, text_field

THREADS_URL = "/n/<net>/<course>/threads"


@bp.errorhandler(ThreadError)
def thread_error(exc: ThreadError) -> tuple[Response, int]:
    """Answer a thread request that cannot be done, with the field it is about."""
    db.session.rollback()
    return error(exc.status, exc.message, **({"field": exc.field} if exc.field else {}))


def _lesson(row: Any, value: str | None) -> LessonRef:
    unit, _, lesson = (value or "").strip().strip("/").partition("/")
    try:
        lesson_path(unit, lesson)
    except ContentError:
        abort(400, description="“path” names a lesson as “<unit>/<lesson>”, such as “energy/heat”.")
    return LessonRef(row, unit, lesson)


def _line(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        abort(400, description=f"The field “{name}” must be a whole number (a line of the lesson).")
    return value


def comment_json(comment: Any) -> dict[str, Any]:
    author = comment.author
    return {
        "id": comment.id,
        "author": author.username if author is not None else None,
        "author_name": (author.display_name or author.username) if author is not None else None,
        "body": comment.body,
        "created_at": comment.created_at.isoformat(),
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "deleted": comment.deleted_at is not None,
    }


def thread_json(thread: Thread, view: ThreadView | None = None) -> dict[str, Any]:
    found = threads.lesson_of(thread)
    shown: dict[str, Any] = {
        "id": thread.id,
        "kind": thread.kind,
        "status": thread.status,
        "path": f"{found[0]}/{found[1]}" if found else thread.path,
        "anchor": {
            "commit": thread.anchor_commit,
            "start_line": thread.start_line,
            "end_line": thread.end_line,
            "quote": thread.quote,
        },
        "author": thread.author.username if thread.author is not None else None,
        "created_at": thread.created_at.isoformat(),
        "comments": [comment_json(c) for c in thread.comments],
    }
    if view is not None:
        position = view.position
        shown["position"] = {
            "state": position.state,
            "start_line": position.start_line,
            "end_line": position.end_line,
        }
    return shown


@bp.post(THREADS_URL)
def open_thread(net: str, course: str) -> tuple[dict[str, Any], int]:
    """Open a thread on lines of a revision of a lesson, or on the whole lesson: 201."""
    _network, row, access = course_for(net, course, Access.COMMENT)
    data = json_body()
    ref = _lesson(row, text_field(data, "path"))
    new = NewThread(
        kind=text_field(data, "kind", required=False) or "question",
        body=text_field(data, "body") or "",
        commit=(text_field(data, "commit", required=False) or "").strip() or None,
        start_line=_line(data, "start_line"),
        end_line=_line(data, "end_line"),
    )
    context = ctx(acting_user())
    thread = threads.open_thread(context, ref, access, new)
    db.session.commit()
    placed = threads.lesson_threads(context, ref, thread.anchor_commit)
    view = next(v for v in placed.threads if v.thread.id == thread.id)
    return thread_json(thread, view), 201


@bp.get(THREADS_URL)
def lesson_threads(net: str, course: str) -> dict[str, Any]:
    """Return a lesson's threads placed at `?at=` (the newest version by default)."""
    _network, row, _access = course_for(net, course)
    ref = _lesson(row, request.args.get("path"))
    placed = threads.lesson_threads(ctx(), ref, request.args.get("at") or "main")
    return {"at": placed.commit, "threads": [thread_json(v.thread, v) for v in placed.threads]}


def _thread(row: Any, thread_id: int) -> Thread:
    return threads.find_thread(ctx(), row.id, thread_id)


@bp.post(f"{THREADS_URL}/<int:thread_id>/comments")
def reply(net: str, course: str, thread_id: int) -> tuple[dict[str, Any], int]:
    """Reply to a thread: 201 with the new comment."""
    _network, row, access = course_for(net, course, Access.COMMENT)
    thread = _thread(row, thread_id)
    body = text_field(json_body(), "body") or ""
    comment = threads.reply(ctx(acting_user()), thread, access, body)
    db.session.commit()
    return comment_json(comment), 201


def _status(net: str, course: str, thread_id: int, status: str) -> dict[str, Any]:
    _network, row, access = course_for(net, course, Access.COMMENT)
    thread = threads.set_status(ctx(acting_user()), _thread(row, thread_id), access, status)
    db.session.commit()
    return thread_json(thread)


@bp.post(f"{THREADS_URL}/<int:thread_id>/resolve")
def resolve(net: str, course: str, thread_id: int) -> dict[str, Any]:
    """Resolve a thread (its author, lesson writers and leaders)."""
    return _status(net, course, thread_id, "resolved")


@bp.post(f"{THREADS_URL}/<int:thread_id>/reopen")
def reopen(net: str, course: str, thread_id: int) -> dict[str, Any]:
    """Reopen a resolved thread (its author, lesson writers and leaders)."""
    return _status(net, course, thread_id, "open")
