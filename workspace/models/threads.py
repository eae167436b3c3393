"""Review threads in SQL: a question, suggestion, piece of evidence or note on a lesson.

A thread is anchored to lines of one revision of one lesson file (`anchor_commit`,
`anchor_path`, `start_line`..`end_line`, the exact `quote`), or to the whole lesson (no lines).
`path` is where the lesson is now: it follows renames and moves. Where the thread sits at any
later revision is worked out from the text (services.threads) and remembered in
`thread_positions`, one row per (thread, revision), so a lesson page does not walk history.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .accounts import User
from .courses import Course


class ThreadKind(enum.StrEnum):
    QUESTION = "question"
    SUGGESTION = "suggestion"
    EVIDENCE = "evidence"
    NOTE = "note"


class ThreadStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Thread(db.Model):
    """A review thread on a lesson; its comments are the conversation."""

    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_course_path", "course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    # Where the lesson file is now (follows renames), and where it was at the anchor.
    path: Mapped[str] = mapped_column(String(1024))
    anchor_path: Mapped[str] = mapped_column(String(1024))
    anchor_commit: Mapped[str] = mapped_column(String(40))
    # None for a thread on the whole lesson.
    start_line: Mapped[int | None] = mapped_column()
    end_line: Mapped[int | None] = mapped_column()
    quote: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default=ThreadKind.QUESTION.value)
    status: Mapped[str] = mapped_column(String(16), default=ThreadStatus.OPEN.value)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    comments: Mapped[list[Comment]] = relationship(
        back_populates="thread",
        order_by="Comment.id",
        cascade="all, delete-orphan",
    )

    @property
    def on_lines(self) -> bool:
        """Return True if the thread is about lines, False if about the whole lesson."""
        return self.start_line is not None

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.course_id}:{self.path}>"


class Comment(db.Model):
    """One message in a thread. Deleting your own keeps its place ("deleted") in the thread."""

    __tablename__ = "thread_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the comment records a saved change made in answer to the thread (its body is
    # the change's note): the version page links back to the thread.
    answer_commit: Mapped[str | None] = mapped_column(String(40), index=True)

    thread: Mapped[Thread] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Comment {self.id} on {self.thread_id}>"


class ThreadPosition(db.Model):
    """Where a thread sits at one revision: "current" at lines, or "outdated" (no lines).

    Worked out once per (thread, revision) from the texts, never changed: a revision's text
    never changes. A thread's anchor never changes either, so nothing here goes stale.
    """

    __tablename__ = "thread_positions"
    __table_args__ = (UniqueConstraint("thread_id", "commit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    commit: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(16))
    start_line: Mapped[int | None] = mapped_column()
    end_line: Mapped[int | None] = mapped_column()
