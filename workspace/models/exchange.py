"""Imports of lessons waiting for the person to confirm them.

An import is kept server-side between the upload and the commit: what the upload held (its
lessons' text and the place of each image kept aside in the instance folder, never in Git
until committed) and the person's choices. Previews expire after a day.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .accounts import User
from .courses import Course


class CourseImport(db.Model):
    __tablename__ = "course_imports"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, not guessable
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))  # "shell-novice.zip", "3 files"
    status: Mapped[str] = mapped_column(String(20), default="preview")  # or "committed"
    upload: Mapped[str] = mapped_column(Text)  # JSON: what the upload held (_sources.Gathered)
    choices: Mapped[str] = mapped_column(Text, default="{}")  # JSON: {source: {unit, slug, ...}}
    commit: Mapped[str | None] = mapped_column(String(40))
    lessons: Mapped[str] = mapped_column(Text, default="[]")  # JSON: paths, once committed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship()
