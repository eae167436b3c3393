"""The path-history index: which commit changed which file of a course, kept in SQL.

Git answers "the versions of this lesson" by walking the whole log; these tables answer it
with one indexed query per name the lesson had, so a lesson's history and its blame cost the
same at 100 or 100,000 commits (services.history writes and reads them).

- `history_commits`: every commit of a course's main, numbered parents-first (`seq`, a
  topological order). `cut` marks commits whose ancestors are exactly the commits numbered
  before them (every commit of a linear history); from those a page can continue by number
  alone, as git would continue from that commit.
- `path_changes`: one row per (course, commit, file changed): kind A(dded), M(odified),
  D(eleted), R(enamed: `old_path` is the name it had) or T (type change), against the
  commit's first parent; a merge has rows only for files whose merged version is new.
- `history_states`: how far each course's index has got (`head`, `seq`), and the backfill's
  progress (`indexed` of `total`).
- `blame_cache`: a file version's blame, one commit per line, computed from the previous
  version's blame and one diff. The version is (path, blob, the commit that made it).

Rows are facts about immutable commits and main only moves forward, so nothing here goes
stale; a course's rows go when the course does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import UTCDateTime, utcnow


class HistoryCommit(db.Model):
    """One commit of a course's main, numbered parents-first."""

    __tablename__ = "history_commits"
    __table_args__ = (
        UniqueConstraint("course_id", "seq", name="uq_history_commits_seq"),
        UniqueConstraint("course_id", "sha", name="uq_history_commits_sha"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    sha: Mapped[str] = mapped_column(String(40))
    parents: Mapped[str] = mapped_column(Text, default="")  # ids separated by spaces
    cut: Mapped[bool] = mapped_column(default=True)


class PathChange(db.Model):
    """One file one commit changed, against the commit's first parent."""

    __tablename__ = "path_changes"
    __table_args__ = (
        Index("ix_path_changes_path", "course_id", "path", "seq"),
        Index("ix_path_changes_old_path", "course_id", "old_path", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    commit: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(String(1024))
    kind: Mapped[str] = mapped_column(String(1))
    old_path: Mapped[str | None] = mapped_column(String(1024))
    author_name: Mapped[str] = mapped_column(String(255), default="")
    author_email: Mapped[str] = mapped_column(String(255), default="")
    authored_at: Mapped[datetime] = mapped_column(UTCDateTime)
    parent: Mapped[str | None] = mapped_column(String(40))  # the first parent


class HistoryState(db.Model):
    """How far a course's index has got, and its backfill's progress."""

    __tablename__ = "history_states"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    # The newest commit indexed with everything before it; None before the first.
    head: Mapped[str | None] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(default=0)
    # The backfill's progress: commits indexed of those it found to index (0 of 0: none).
    indexed: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    backfilling: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class BlameEntry(db.Model):
    """The blame of one file version: for each line, the commit that last changed it."""

    __tablename__ = "blame_cache"
    __table_args__ = (UniqueConstraint("course_id", "commit", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    commit: Mapped[str] = mapped_column(String(40))  # the commit that made this version
    path: Mapped[str] = mapped_column(String(1024))
    blob_id: Mapped[str] = mapped_column(String(64))
    # Runs of lines: "<commit> <count>" per run, one run a line of text.
    lines: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
