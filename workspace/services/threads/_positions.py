"""Where each thread of a lesson sits at one revision, and the threads as a page shows them.

A thread's position at a revision depends only on two texts that never change (the lesson at
the thread's anchor, and at that revision), so it is worked out once (services.threads.
_anchoring) and kept in thread_positions. A lesson page with 50 threads reads one query of
threads, one of positions and, on a cold cache, the lesson texts once each.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from ...git import CourseRepo
from ...git.errors import PathNotFound
from ...models import Comment, Course, Thread, ThreadPosition, ThreadStatus
from ..context import Ctx, LessonRef
from ._anchoring import Anchor, Position, follow

log = logging.getLogger(__name__)

CURRENT, OUTDATED = "current", "outdated"
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class ThreadView:
    """A thread with where it sits at the revision shown."""

    thread: Thread
    position: Position

    @property
    def comments(self) -> list[Comment]:
        return list(self.thread.comments)

    @property
    def is_open(self) -> bool:
        return self.thread.status == ThreadStatus.OPEN.value


@dataclass(frozen=True)
class LessonThreads:
    """The threads of a lesson at one revision: `commit` is the revision they are placed at."""

    commit: str
    threads: list[ThreadView]

    @property
    def open(self) -> list[ThreadView]:
        return [t for t in self.threads if t.is_open]


def _text(repo: CourseRepo, path: str, commit: str, texts: dict[tuple[str, str], str | None]):
    key = (commit, path)
    if key not in texts:
        try:
            texts[key] = repo.read_file(path, commit).decode("utf-8", "replace")
        except PathNotFound:
            texts[key] = None
    return texts[key]


def _work_out(
    repo: CourseRepo, thread: Thread, commit: str, path: str, texts: dict[Any, str | None]
) -> Position:
    if not thread.on_lines:
        return Position(CURRENT)
    if thread.anchor_commit == commit and thread.anchor_path == path:
        return Position(CURRENT, thread.start_line, thread.end_line)
    old = _text(repo, thread.anchor_path, thread.anchor_commit, texts)
    new = _text(repo, path, commit, texts)
    if old is None or new is None:
        return Position(OUTDATED)
    anchor = Anchor(thread.start_line, thread.end_line, thread.quote)
    try:
        return follow(old, anchor, new)
    except ValueError:  # the anchor's text no longer reads as stored: never guess where it went
        log.warning("Thread %s: its quote is not at its anchor; shown as outdated", thread.id)
        return Position(OUTDATED)


def _store(session: Session, rows: list[dict[str, Any]]) -> None:
    """Keep worked-out positions, in their own short transaction (a GET stays read-only)."""
    if not rows:
        return
    engine = session.get_bind()
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    try:
        with engine.begin() as connection:
            statement = insert(ThreadPosition).values(rows).on_conflict_do_nothing()
            connection.execute(statement)
    except SQLAlchemyError:
        log.warning("Could not keep %d thread positions", len(rows), exc_info=True)


def place(ctx: Ctx, repo: CourseRepo, threads: list[Thread], commit: str, path: str):
    """Return {thread id: Position} at `commit`, the lesson being at `path` there."""
    ids = [t.id for t in threads if t.on_lines]
    known: dict[int, Position] = {}
    if ids:
        rows = ctx.session.execute(
            select(ThreadPosition).where(
                ThreadPosition.thread_id.in_(ids), ThreadPosition.commit == commit
            )
        ).scalars()
        known = {r.thread_id: Position(r.state, r.start_line, r.end_line) for r in rows}
    texts: dict[Any, str | None] = {}
    new_rows = []
    placed = {}
    for thread in threads:
        found = known.get(thread.id)
        if found is None:
            found = _work_out(repo, thread, commit, path, texts)
            if thread.on_lines:
                new_rows.append(
                    {
                        "thread_id": thread.id,
                        "commit": commit,
                        "state": found.state,
                        "start_line": found.start_line,
                        "end_line": found.end_line,
                    }
                )
        placed[thread.id] = found
    _store(ctx.session, new_rows)
    return placed


def lesson_threads(ctx: Ctx, ref: LessonRef, at: str = "main") -> LessonThreads:
    """Return the lesson's threads placed at revision `at`: open ones first, then resolved,
    each group in the order of the text (threads on the whole lesson first)."""
    path = ref.path
    threads = list(
        ctx.session.scalars(
            select(Thread)
            .filter_by(course_id=ref.course.id, path=path)
            .options(selectinload(Thread.comments).selectinload(Comment.author))
            .options(selectinload(Thread.author))
            .order_by(Thread.id)
        )
    )
    with ctx.store.open(ref.course.id) as repo:
        commit = repo.resolve(at)
        placed = place(ctx, repo, threads, commit, path) if threads else {}
    views = [ThreadView(t, placed[t.id]) for t in threads]
    views.sort(key=_reading_order)
    return LessonThreads(commit, views)


def _reading_order(view: ThreadView) -> tuple[int, int, int, int]:
    position = view.position
    outdated = position.state == OUTDATED
    line = position.start_line or 0
    return (0 if view.is_open else 1, 1 if outdated else 0, line, view.thread.id)


def place_thread(ctx: Ctx, thread: Thread, at: str = "main") -> ThreadView:
    """Return one thread placed at revision `at` (the newest version by default)."""
    with ctx.store.open(thread.course_id) as repo:
        commit = repo.resolve(at)
        placed = place(ctx, repo, [thread], commit, thread.path)
    return ThreadView(thread, placed[thread.id])


@dataclass(frozen=True)
class CourseThreads:
    """A course's threads as its threads page lists them, placed at the newest version."""

    commit: str
    threads: list[ThreadView]
    authors: list[tuple[str, str]]  # (username, name) of everyone who opened a thread
    lessons: list[str]  # paths that have threads


def course_threads(
    ctx: Ctx,
    course: Course,
    *,
    show: str = "open",
    kind: str | None = None,
    lesson: str | None = None,
    author: str | None = None,
) -> CourseThreads:
    """Return the course's threads: `show` is "open", "resolved", "outdated" (open threads
    whose lines changed) or "all"; `lesson` a "<unit>/<lesson>"; `author` a username."""
    query = (
        select(Thread)
        .filter_by(course_id=course.id)
        .options(selectinload(Thread.comments).selectinload(Comment.author))
        .options(selectinload(Thread.author))
        .order_by(Thread.id.desc())
    )
    everything = list(ctx.session.scalars(query))
    authors = sorted(
        {
            (t.author.username, t.author.display_name or t.author.username)
            for t in everything
            if t.author is not None
        },
        key=lambda pair: pair[1].lower(),
    )
    lessons = sorted({t.path for t in everything})
    chosen = [t for t in everything if _matches(t, kind, lesson, author)]
    if show in ("open", "outdated"):
        chosen = [t for t in chosen if t.status == ThreadStatus.OPEN.value]
    elif show == "resolved":
        chosen = [t for t in chosen if t.status == ThreadStatus.RESOLVED.value]
    with ctx.store.open(course.id) as repo:
        commit = repo.resolve("main")
        by_path: dict[str, list[Thread]] = {}
        for thread in chosen:
            by_path.setdefault(thread.path, []).append(thread)
        placed: dict[int, Position] = {}
        for path, group in by_path.items():
            placed.update(place(ctx, repo, group, commit, path))
    views = [ThreadView(t, placed[t.id]) for t in chosen]
    if show == "outdated":
        views = [v for v in views if v.position.state == OUTDATED]
    return CourseThreads(commit, views, authors, lessons)


def _matches(thread: Thread, kind: str | None, lesson: str | None, author: str | None) -> bool:
    if kind and thread.kind != kind:
        return False
    if lesson:
        unit, _, name = lesson.partition("/")
        if thread.path != f"units/{unit}/lessons/{name}.md":
            return False
    if author and (thread.author is None or thread.author.username != author):
        return False
    return True


@dataclass(frozen=True)
class HistoryMarks:
    """What one version of a lesson did to its threads."""

    outdated: list[Thread]  # their quoted lines were changed by this version
    answered: list[Thread]  # this version was saved in answer to them


def history_marks(
    ctx: Ctx, ref: LessonRef, versions: list[tuple[str, str | None, str, str | None, datetime]]
) -> dict[str, HistoryMarks]:
    """Return, for each version of a lesson's history page, the threads it outdated and the
    ones it answered. `versions` holds (commit, its parent, the lesson's path there, the
    lesson's path at the parent, when it was saved). Positions come from thread_positions
    when known, so a history page works them out once."""
    found = list(
        ctx.session.scalars(
            select(Thread)
            .filter_by(course_id=ref.course.id, path=ref.path)
            .options(selectinload(Thread.comments))
        )
    )
    marks: dict[str, HistoryMarks] = {}
    if not found or not versions:
        return marks
    answers: dict[str, list[Thread]] = {}
    for thread in found:
        for comment in thread.comments:
            if comment.answer_commit:
                answers.setdefault(comment.answer_commit, []).append(thread)
    with ctx.store.open(ref.course.id) as repo:
        for commit, parent, path, old_path, saved in versions:
            # Commit times have whole seconds: a thread opened within the second counts.
            alive = [t for t in found if t.on_lines and t.created_at <= saved + _SECOND]
            outdated: list[Thread] = []
            if alive and parent:
                now = place(ctx, repo, alive, commit, path)
                before = place(ctx, repo, alive, parent, old_path or path)
                outdated = [
                    t
                    for t in alive
                    if now[t.id].state == OUTDATED and before[t.id].state == CURRENT
                ]
            if outdated or commit in answers:
                marks[commit] = HistoryMarks(outdated, answers.get(commit, []))
    return marks
