"""Courses (each backed by a bare Git repository named by the course id) and activity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .accounts import User
from .networks import Network


class Course(db.Model):
    """A network's shared course; its content lives in the repository REPOS_ROOT/<id>.git."""

    __tablename__ = "courses"
    # Repositories are named by course id, so an id must never be reused after a delete
    # (SQLite would otherwise hand the highest deleted id to the next course).
    __table_args__ = (UniqueConstraint("network_id", "slug"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(100), default="")
    grade_band: Mapped[str] = mapped_column(String(20), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    license: Mapped[str] = mapped_column(String(40), default="CC-BY-4.0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    network: Mapped[Network] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Course {self.id} {self.slug}>"


class CourseRedirect(db.Model):
    """An old course slug that still leads to the course after a rename."""

    __tablename__ = "course_redirects"
    __table_args__ = (UniqueConstraint("network_id", "old_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    old_slug: Mapped[str] = mapped_column(String(64))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))

    course: Mapped[Course] = relationship()


class Activity(db.Model):
    """One line of a network's activity feed: who did what, where, at which commit."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verb: Mapped[str] = mapped_column(String(40))  # e.g. edited, created, pushed, joined
    summary: Mapped[str] = mapped_column(String(300))
    path: Mapped[str | None] = mapped_column(String(1024))
    commit: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
    course: Mapped[Course | None] = relationship()
