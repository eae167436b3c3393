"""Lessons adapted from other courses: where each copy came from, so the original can list
its adaptations (the copy's own record is `based_on` in its front matter)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .courses import Course


class Adaptation(db.Model):
    __tablename__ = "adaptations"
    __table_args__ = (
        Index("ix_adaptations_source", "source_course_id", "source_path"),
        Index("ix_adaptations_target", "target_course_id", "target_path", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    source_path: Mapped[str] = mapped_column(String(1024))
    target_course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    target_path: Mapped[str] = mapped_column(String(1024))
    base_commit: Mapped[str] = mapped_column(String(40))  # the original's version copied
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    source_course: Mapped[Course] = relationship(foreign_keys=[source_course_id])
    target_course: Mapped[Course] = relationship(foreign_keys=[target_course_id])
