"""The lesson editor's state in SQL: unsaved drafts and who has a lesson open right now.

Both refer to content by (course, path) like everything else in the database; the lesson text
itself only becomes part of the course when a save lands as a commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .accounts import User
from .courses import Course


class Draft(db.Model):
    """A teacher's unsaved text for one file, kept server-side until a save of it lands.

    `content` is the whole file as it would be saved; `fields` (JSON, optional) holds the
    editor's form fields exactly as typed, so a draft with a half-typed duration or a bad
    standards code comes back as the teacher left it. `base_commit` is the version the
    teacher started from: restoring the draft saves against it, so others' later changes
    merge instead of being overwritten.
    """

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(1024))
    base_commit: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)
    fields: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(String(500), default="")
    # "edit" (the lesson form) or "resolve" (the whole-file text of a conflict resolution).
    mode: Mapped[str] = mapped_column(String(16), default="edit")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()

    def __repr__(self) -> str:
        return f"<Draft {self.user_id} {self.course_id}:{self.path}>"


class Presence(db.Model):
    """Someone has a file open in the editor; fresh while `last_seen` is recent."""

    __tablename__ = "presences"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(1024))
    typing: Mapped[bool] = mapped_column(default=False)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Presence {self.user_id} {self.course_id}:{self.path}>"
