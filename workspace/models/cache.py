"""Caches kept in SQL: rendered lesson HTML and lesson summaries, keyed by content.

Both are keyed by a git blob id (the hash of the file's bytes) plus the version of the code
that produced them, so an entry never goes stale: changed content has a new blob id, changed
code a new version. Old entries are merely unused and may be deleted at any time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import UTCDateTime, utcnow


class RenderedBlob(db.Model):
    """The HTML of one lesson body, rendered for one link context.

    `context` is a hash of where the lesson's relative links point (course, folder, revision
    shown), because the same file bytes link to different URLs in another course or folder.
    """

    __tablename__ = "rendered_blobs"
    __table_args__ = (UniqueConstraint("blob_id", "renderer_version", "context"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blob_id: Mapped[str] = mapped_column(String(64))
    renderer_version: Mapped[str] = mapped_column(String(32))
    context: Mapped[str] = mapped_column(String(64))
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LessonSummary(db.Model):
    """What a course outline shows of a lesson file (title, duration, standards), as JSON.

    Kept so a course home with a thousand lessons reads one table instead of a thousand blobs.
    """

    __tablename__ = "lesson_summaries"
    __table_args__ = (UniqueConstraint("blob_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blob_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
