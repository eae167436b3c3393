"""Review threads: open one on a lesson (its lines at one revision, or the whole lesson),
reply, edit or delete your own comment, resolve and reopen.

Who may do what is the caller's `Access` in the course (from access.permissions) plus the
thread itself: COMMENT opens threads and replies (readers and partners included); the
thread's author, lesson writers (WRITE) and leaders resolve and reopen; only a comment's
author edits it; its author or a leader (MANAGE) deletes it, which keeps its place in the
thread ("deleted"). Bodies are Markdown, shown through the lessons' safe renderer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ...access import Access
from ...content.errors import ContentError
from ...content.paths import parse_lesson_path
from ...events import ThreadChanged, ThreadPosted, defer
from ...git import CourseRepo
from ...git.errors import InvalidRevision, PathNotFound, RevisionNotFound
from ...models import Comment, Thread, ThreadKind, ThreadStatus
from ...models._base import utcnow
from ..context import Ctx, LessonRef
from ._anchoring import quote_of

MAX_BODY = 20_000  # characters in one comment
KINDS = tuple(kind.value for kind in ThreadKind)


class ThreadError(Exception):
    """A thread or comment request that cannot be done, with a message a teacher understands;
    `status` is the HTTP status that fits (403, 404, 409, 422)."""

    def __init__(self, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


@dataclass(frozen=True)
class NewThread:
    """What a teacher asks to open: lines of the lesson at `commit` (None: the newest
    version), or the whole lesson when `start_line` is None."""

    kind: str
    body: str
    commit: str | None = None
    start_line: int | None = None
    end_line: int | None = None


def _text(repo: CourseRepo, path: str, commit: str) -> str | None:
    try:
        return repo.read_file(path, commit).decode("utf-8", "replace")
    except PathNotFound:
        return None


def _body(body: str) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ThreadError("Write something first: the comment is empty.", field="body")
    if len(text) > MAX_BODY:
        raise ThreadError(
            f"The comment is too long ({len(text):,} characters; at most {MAX_BODY:,}).",
            status=413,
            field="body",
        )
    return text


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ThreadError(
            "Choose what kind of thread this is: question, suggestion, evidence or note.",
            field="kind",
        )
    return kind


def _changed(ctx: Ctx, thread: Thread) -> None:
    """Announce, once the caller's session commits, that `thread` changed (search follows)."""
    defer(ctx.session.info, ThreadChanged(thread.course_id, thread.id))


def _need(access: Access, flag: Access, message: str) -> None:
    if not access & flag:
        raise ThreadError(message, status=403)


def open_thread(ctx: Ctx, ref: LessonRef, access: Access, new: NewThread) -> Thread:
    """Return the new thread (flushed, its first comment with it); raise ThreadError."""
    _need(access, Access.COMMENT, "You may read this course but not comment on it.")
    user = ctx.actor
    kind, body = _kind(new.kind), _body(new.body)
    try:
        path = ref.path
    except ContentError as exc:
        raise ThreadError(exc.message, status=404) from None
    with ctx.store.open(ref.course.id) as repo:
        try:
            commit = repo.resolve(new.commit or "main")
        except (InvalidRevision, RevisionNotFound):
            raise ThreadError(
                "That version of the lesson is not in this course.", status=404, field="commit"
            ) from None
        text = _text(repo, path, commit)
    if text is None:
        raise ThreadError("This lesson is not in that version of the course.", status=404)
    start, end, quote = _lines(text, new.start_line, new.end_line)
    thread = Thread(
        course_id=ref.course.id,
        path=path,
        anchor_path=path,
        anchor_commit=commit,
        start_line=start,
        end_line=end,
        quote=quote,
        kind=kind,
        status=ThreadStatus.OPEN.value,
        author_id=user.id,
    )
    first = Comment(author_id=user.id, body=body)
    thread.comments.append(first)
    ctx.session.add(thread)
    ctx.session.flush()
    defer(ctx.session.info, ThreadPosted(ref.course.id, thread.id, first.id, user.id, True))
    _changed(ctx, thread)
    return thread


def _lines(text: str, start: int | None, end: int | None) -> tuple[int | None, int | None, str]:
    if start is None and end is None:
        return None, None, ""
    first = start if start is not None else end
    last = end if end is not None else start
    if first is None or last is None:  # never: one of them is given
        raise ThreadError("Choose the lines the thread is about.", field="start_line")
    if first > last:
        first, last = last, first
    try:
        return first, last, quote_of(text, first, last)
    except ValueError as exc:
        raise ThreadError(str(exc), field="start_line") from None


def find_thread(ctx: Ctx, course_id: int, thread_id: int) -> Thread:
    """Return the course's thread `thread_id`; raise ThreadError (404) if there is none."""
    thread = ctx.session.get(Thread, thread_id)
    if thread is None or thread.course_id != course_id:
        raise ThreadError("There is no such thread in this course.", status=404)
    return thread


def reply(ctx: Ctx, thread: Thread, access: Access, body: str) -> Comment:
    """Return the new comment on `thread` (flushed)."""
    _need(access, Access.COMMENT, "You may read this course but not comment on it.")
    user = ctx.actor
    comment = Comment(author_id=user.id, body=_body(body))
    thread.comments.append(comment)
    ctx.session.flush()
    defer(ctx.session.info, ThreadPosted(thread.course_id, thread.id, comment.id, user.id, False))
    _changed(ctx, thread)
    return comment


def may_resolve(ctx: Ctx, thread: Thread, access: Access) -> bool:
    """Return True if the acting user may resolve or reopen `thread`."""
    user = ctx.user
    if user is None or not access & Access.COMMENT:
        return False
    return bool(access & (Access.WRITE | Access.MANAGE)) or thread.author_id == user.id


def set_status(ctx: Ctx, thread: Thread, access: Access, status: str) -> Thread:
    """Return `thread`, resolved or reopened; raise ThreadError (403) for someone who may not."""
    if status not in (ThreadStatus.OPEN.value, ThreadStatus.RESOLVED.value):
        raise ThreadError("A thread is either open or resolved.", field="status")
    if not may_resolve(ctx, thread, access):
        raise ThreadError(
            "Only the person who opened the thread, the lesson's writers and the network's "
            "leaders can resolve or reopen it.",
            status=403,
        )
    user = ctx.actor
    if thread.status != status:
        thread.status = status
        resolved = status == ThreadStatus.RESOLVED.value
        thread.resolved_at = utcnow() if resolved else None
        thread.resolved_by_id = user.id if resolved else None
        ctx.session.flush()
        _changed(ctx, thread)
    return thread


def _comment(thread: Thread, comment_id: int) -> Comment:
    found = next((c for c in thread.comments if c.id == comment_id), None)
    if found is None:
        raise ThreadError("There is no such comment in this thread.", status=404)
    return found


def edit_comment(ctx: Ctx, thread: Thread, comment_id: int, body: str) -> Comment:
    """Return the comment with its new body, marked edited; only its author may edit it."""
    comment = _comment(thread, comment_id)
    user = ctx.actor
    if comment.author_id != user.id or comment.deleted_at is not None:
        raise ThreadError("You can only edit your own comments.", status=403)
    text = _body(body)
    if text != comment.body:
        comment.body = text
        comment.edited_at = utcnow()
        ctx.session.flush()
        _changed(ctx, thread)
    return comment


def delete_comment(ctx: Ctx, thread: Thread, access: Access, comment_id: int) -> Comment:
    """Return the comment, deleted (its text gone, its place kept); its author or a leader."""
    comment = _comment(thread, comment_id)
    user = ctx.actor
    if comment.author_id != user.id and not access & Access.MANAGE:
        raise ThreadError("You can only delete your own comments.", status=403)
    if comment.deleted_at is None:
        comment.body = ""
        comment.deleted_at = utcnow()
        ctx.session.flush()
        _changed(ctx, thread)
    return comment


def lesson_of(thread: Thread) -> tuple[str, str] | None:
    """Return the (unit, lesson) the thread is on now, or None for a path that is no lesson."""
    return parse_lesson_path(thread.path)


def follow_rename(ctx: Ctx, course_id: int, old_path: str, path: str) -> int:
    """Return how many threads moved with a lesson renamed from `old_path` to `path`."""
    found = ctx.session.scalars(select(Thread).filter_by(course_id=course_id, path=old_path))
    moved = 0
    for thread in found:
        thread.path = path
        moved += 1
    if moved:
        ctx.session.flush()
    return moved


def tracked_paths(ctx: Ctx, course_id: int) -> set[str]:
    """Return the lesson paths the course's threads are on (to follow renames by push)."""
    return set(ctx.session.scalars(select(Thread.path).filter_by(course_id=course_id).distinct()))


def record_answers(
    ctx: Ctx, ref: LessonRef, access: Access, thread_ids: list[int], commit: str, note: str
) -> list[Thread]:
    """Return the lesson's open threads among `thread_ids` that the saved change `commit`
    answers, each with a comment recording it (its body: the change's note)."""
    if not thread_ids or not access & Access.WRITE:
        return []
    user = ctx.actor
    found = ctx.session.scalars(
        select(Thread).where(
            Thread.id.in_(thread_ids),
            Thread.course_id == ref.course.id,
            Thread.path == ref.path,
            Thread.status == ThreadStatus.OPEN.value,
        )
    ).all()
    for thread in found:
        body = note.strip() or "Changed the lesson in answer to this thread."
        thread.comments.append(Comment(author_id=user.id, body=body, answer_commit=commit))
        _changed(ctx, thread)
    ctx.session.flush()
    return list(found)


def answered_by(ctx: Ctx, course_id: int, commit: str) -> list[Thread]:
    """Return the threads the saved change `commit` answers."""
    return list(
        ctx.session.scalars(
            select(Thread)
            .join(Comment, Comment.thread_id == Thread.id)
            .where(Thread.course_id == course_id, Comment.answer_commit == commit)
            .order_by(Thread.id)
        ).unique()
    )
