"""Partners in SQL: organizations that work with a network, the resources they offer teachers,
requests for visits, speakers and loans, district PD-credit agreements and funders' grants.

The catalog lives here; which lessons link a resource lives in the lessons' front matter
(`resources:` in Git, so a clone is complete). `resource_uses` is an index of those links,
rebuilt from the course's files as it changes (services.partners), never the source of truth.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .accounts import User
from .courses import Course
from .networks import Network


class PartnerKind(enum.StrEnum):
    COMPANY = "company"
    UNIVERSITY = "university"
    MUSEUM = "museum"
    NONPROFIT = "nonprofit"
    AGENCY = "agency"
    DISTRICT = "district"
    FUNDER = "funder"
    OTHER_NETWORK = "other_network"

    @property
    def label(self) -> str:
        return {
            "company": "Company",
            "university": "University",
            "museum": "Museum or science center",
            "nonprofit": "Nonprofit",
            "agency": "Government agency",
            "district": "School district",
            "funder": "Funder",
            "other_network": "Another network",
        }[self.value]


class PartnerStatus(enum.StrEnum):
    PROPOSED = "proposed"  # by a partner member, waiting for a leader
    APPROVED = "approved"


class ResourceKind(enum.StrEnum):
    DATASET = "dataset"
    VIDEO = "video"
    CAREER_PROFILE = "career_profile"
    SITE_VISIT = "site_visit"
    GUEST_SPEAKER = "guest_speaker"
    EQUIPMENT_LOAN = "equipment_loan"
    INTERNSHIP = "internship"
    CURRICULUM_MODULE = "curriculum_module"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "dataset": "Dataset",
            "video": "Video",
            "career_profile": "Career profile",
            "site_visit": "Site visit",
            "guest_speaker": "Guest speaker",
            "equipment_loan": "Equipment loan",
            "internship": "Internship",
            "curriculum_module": "Curriculum module",
            "other": "Other",
        }[self.value]

    @property
    def requestable(self) -> bool:
        """Return True for what a teacher asks a partner for (a visit, a speaker, a loan)."""
        return self in (
            ResourceKind.SITE_VISIT,
            ResourceKind.GUEST_SPEAKER,
            ResourceKind.EQUIPMENT_LOAN,
        )


class ResourceStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    RETIRED = "retired"


class RequestStatus(enum.StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Partner(db.Model):
    """An organization that partners with a network: a company, a district, a funder..."""

    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("network_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default=PartnerKind.COMPANY.value)
    website: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(16), default=PartnerStatus.PROPOSED.value)
    # The logo: checked like a lesson image (PNG, JPEG, GIF or WebP, with alt text).
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_kind: Mapped[str | None] = mapped_column(String(8))
    logo_alt: Mapped[str] = mapped_column(String(300), default="")
    logo_version: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    network: Mapped[Network] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    people: Mapped[list[PartnerMember]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="PartnerMember.id"
    )

    @property
    def kind_label(self) -> str:
        try:
            return PartnerKind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def is_approved(self) -> bool:
        return self.status == PartnerStatus.APPROVED.value

    def __repr__(self) -> str:
        return f"<Partner {self.id} {self.name!r}>"


class PartnerMember(db.Model):
    """A person who speaks for a partner organization: they manage its profile and resources."""

    __tablename__ = "partner_members"
    __table_args__ = (UniqueConstraint("partner_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship(back_populates="people")
    user: Mapped[User] = relationship()


class Resource(db.Model):
    """Something a partner offers teachers: a dataset, a career profile, a site visit..."""

    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(20), default=ResourceKind.OTHER.value)
    description: Mapped[str] = mapped_column(Text, default="")
    grade_band: Mapped[str] = mapped_column(String(20), default="")
    # Normalized codes (content.standards), separated by spaces.
    standards: Mapped[str] = mapped_column(String(1000), default="")
    license: Mapped[str] = mapped_column(String(100), default="")
    availability: Mapped[str] = mapped_column(String(500), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=ResourceStatus.PROPOSED.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner: Mapped[Partner] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    @property
    def kind_label(self) -> str:
        try:
            return ResourceKind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def requestable(self) -> bool:
        try:
            return ResourceKind(self.kind).requestable
        except ValueError:
            return False

    @property
    def standard_codes(self) -> list[str]:
        return self.standards.split()

    def __repr__(self) -> str:
        return f"<Resource {self.id} {self.title!r}>"


class ResourceUse(db.Model):
    """A lesson whose front matter links a resource, as of the course's indexed version."""

    __tablename__ = "resource_uses"
    __table_args__ = (
        UniqueConstraint("resource_id", "course_id", "path"),
        Index("ix_resource_uses_course_path", "course_id", "path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(1024))
    title: Mapped[str] = mapped_column(String(200), default="")  # the lesson's title

    course: Mapped[Course] = relationship()


class ResourceIndex(db.Model):
    """The version of a course whose lessons `resource_uses` reflects."""

    __tablename__ = "resource_index"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    commit: Mapped[str] = mapped_column(String(40))


class ResourceRequest(db.Model):
    """A teacher's request for a site visit, a speaker or a loan; the partner answers it."""

    __tablename__ = "resource_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    dates: Mapped[str] = mapped_column(String(300), default="")  # the dates that would suit
    class_info: Mapped[str] = mapped_column(String(300), default="")  # such as "Grade 9, 24"
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.WAITING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource: Mapped[Resource] = relationship()
    requester: Mapped[User] = relationship()
    history: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestEvent.id"
    )


class RequestEvent(db.Model):
    """One step of a request's history: asked, accepted, declined, or a message."""

    __tablename__ = "resource_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("resource_requests.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))  # asked | accepted | declined | wrote
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[ResourceRequest] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class PdAgreement(db.Model):
    """A district's agreement to credit lesson-study work as professional development."""

    __tablename__ = "pd_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    activities: Mapped[str] = mapped_column(String(500))  # which activities count
    hours_cap: Mapped[int | None] = mapped_column()  # per teacher and school year
    contact: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()


class Grant(db.Model):
    """A funder's grant to the network: amount, period, purpose and its report due dates."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(500))
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()
    reports: Mapped[list[GrantReport]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantReport.due_on"
    )


class GrantReport(db.Model):
    """A report a grant asks for, by its due date."""

    __tablename__ = "grant_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)

    grant: Mapped[Grant] = relationship(back_populates="reports")
