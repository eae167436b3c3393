"""Lesson-study cycles in SQL: a team studies one lesson through plan, teach, debrief and
revise, teaching it again in each iteration, until the cycle closes.

A cycle (a "study") belongs to one lesson of a course, by path (it follows renames like a
thread). Each iteration pins the commit that was taught; the course repository carries the tag
`studies/<id>/iteration-<n>` for it, so clones see exactly what was taught. Observations are
time-stamped notes on focal students ("Student A", never a name) or parts of the lesson.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .accounts import User
from .courses import Course


class Phase(enum.StrEnum):
    PLAN = "plan"
    TEACH = "teach"
    DEBRIEF = "debrief"
    REVISE = "revise"
    CLOSED = "closed"


class TeamRole(enum.StrEnum):
    FACILITATOR = "facilitator"
    PLANNER = "planner"
    INSTRUCTOR = "instructor"
    OBSERVER = "observer"
    KNOWLEDGEABLE_OTHER = "knowledgeable_other"


class Study(db.Model):
    """One lesson-study cycle on one lesson."""

    __tablename__ = "studies"
    __table_args__ = (Index("ix_studies_course_path", "course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(1024))
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(Text, default="")  # the long-term research theme
    goals: Mapped[str] = mapped_column(Text, default="")  # for this lesson
    questions: Mapped[str] = mapped_column(Text, default="")  # what observers should answer
    phase: Mapped[str] = mapped_column(String(16), default=Phase.PLAN.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The commit that wrote studies/<id>/report.md when the cycle closed.
    report_commit: Mapped[str | None] = mapped_column(String(40))

    course: Mapped[Course] = relationship()
    created_by: Mapped[User | None] = relationship()
    team: Mapped[list[StudyMember]] = relationship(
        back_populates="study", cascade="all, delete-orphan", order_by="StudyMember.id"
    )
    moves: Mapped[list[PhaseMove]] = relationship(
        back_populates="study", cascade="all, delete-orphan", order_by="PhaseMove.id"
    )
    iterations: Mapped[list[Iteration]] = relationship(
        back_populates="study", cascade="all, delete-orphan", order_by="Iteration.number"
    )

    def __repr__(self) -> str:
        return f"<Study {self.id} {self.phase}>"


class StudyMember(db.Model):
    """Someone's role in one cycle; observers have an assignment (a focal student label such as
    "Student A", or a part of the lesson)."""

    __tablename__ = "study_members"
    __table_args__ = (UniqueConstraint("study_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    assignment: Mapped[str] = mapped_column(String(120), default="")

    study: Mapped[Study] = relationship(back_populates="team")
    user: Mapped[User] = relationship()


class PhaseMove(db.Model):
    """A phase change of a cycle: who moved it, when, from what to what."""

    __tablename__ = "study_phase_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    from_phase: Mapped[str | None] = mapped_column(String(16))
    to_phase: Mapped[str] = mapped_column(String(16))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    study: Mapped[Study] = relationship(back_populates="moves")
    by: Mapped[User | None] = relationship()


class Iteration(db.Model):
    """One teaching of the lesson: the commit taught (tagged in the repository), when, where
    (school, grade, class size; never students' names) and by whom."""

    __tablename__ = "study_iterations"
    __table_args__ = (UniqueConstraint("study_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    commit: Mapped[str] = mapped_column(String(40))
    tag: Mapped[str] = mapped_column(String(200))
    taught_on: Mapped[date | None] = mapped_column(Date)
    setting: Mapped[str] = mapped_column(String(300), default="")
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    debrief_stage: Mapped[str] = mapped_column(
        String(24), default="instructor", server_default="instructor"
    )

    study: Mapped[Study] = relationship(back_populates="iterations")
    instructor: Mapped[User | None] = relationship()
    observations: Mapped[list[Observation]] = relationship(
        back_populates="iteration",
        cascade="all, delete-orphan",
        order_by="(Observation.minute, Observation.id)",
    )
    debrief: Mapped[list[DebriefPoint]] = relationship(
        cascade="all, delete-orphan", order_by="DebriefPoint.id"
    )
    work: Mapped[list[StudentWork]] = relationship(
        cascade="all, delete-orphan", order_by="StudentWork.id"
    )


class Observation(db.Model):
    """A time-stamped note by an observer: the minute since the lesson started, the focal
    student or part of the lesson, optionally lines of the taught revision."""

    __tablename__ = "study_observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    iteration_id: Mapped[int] = mapped_column(
        ForeignKey("study_iterations.id", ondelete="CASCADE"), index=True
    )
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    minute: Mapped[int] = mapped_column()
    focus: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text)
    start_line: Mapped[int | None] = mapped_column()
    end_line: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    iteration: Mapped[Iteration] = relationship(back_populates="observations")
    observer: Mapped[User | None] = relationship()


class DebriefStage(enum.StrEnum):
    """The debrief's protocol order: the instructor reflects first, then the planning team,
    then the observers with their evidence, and the knowledgeable other speaks last."""

    INSTRUCTOR = "instructor"
    PLANNING = "planning"
    OBSERVERS = "observers"
    KNOWLEDGEABLE_OTHER = "knowledgeable_other"
    DONE = "done"


class DebriefPoint(db.Model):
    """One contribution to an iteration's debrief, in its stage, citing evidence: observation
    notes and student work of the iteration (ids, space-separated)."""

    __tablename__ = "study_debrief_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    iteration_id: Mapped[int] = mapped_column(
        ForeignKey("study_iterations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(24))
    body: Mapped[str] = mapped_column(Text)
    cited_observations: Mapped[str] = mapped_column(String(500), default="")
    cited_work: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class StudentWork(db.Model):
    """A photo or scan of student work from an iteration, stored in the instance folder (never
    in Git), its image metadata removed; only the cycle's team and the leaders see it."""

    __tablename__ = "study_student_work"

    id: Mapped[int] = mapped_column(primary_key=True)
    iteration_id: Mapped[int] = mapped_column(
        ForeignKey("study_iterations.id", ondelete="CASCADE"), index=True
    )
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    label: Mapped[str] = mapped_column(String(120), default="")  # "Student A's graph"
    media_type: Mapped[str] = mapped_column(String(40))
    stored_name: Mapped[str] = mapped_column(String(80))  # a random name, never the upload's
    size: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventKind(enum.StrEnum):
    PLANNING = "planning"
    TEACHING = "teaching"
    DEBRIEF = "debrief"
    OTHER = "other"


class StudyEvent(db.Model):
    """A meeting or event of a cycle (planning, the taught lesson, the debrief) and how long it
    took: who took part counts it toward their professional-development hours."""

    __tablename__ = "study_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    study: Mapped[Study] = relationship()
    people: Mapped[list[StudyEventPerson]] = relationship(cascade="all, delete-orphan")


class StudyEventPerson(db.Model):
    """Someone who took part in a cycle's event."""

    __tablename__ = "study_event_people"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("study_events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()
