"""Networks of teachers, their memberships, invitations and join requests."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .accounts import User


class NetworkKind(enum.StrEnum):
    VIRTUAL = "virtual"
    IN_PERSON = "in_person"
    REGIONAL = "regional"
    NATIONAL = "national"
    SMALL_GROUP = "small_group"

    @property
    def label(self) -> str:
        return {
            "virtual": "Virtual community",
            "in_person": "In-person",
            "regional": "Regional",
            "national": "National",
            "small_group": "Small group",
        }[self.value]


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class Role(enum.StrEnum):
    """A member's role in a network, from the DESIGN permission table (strongest last)."""

    READER = "reader"
    PARTNER = "partner"
    MEMBER = "member"
    LEADER = "leader"

    @property
    def label(self) -> str:
        return {
            "reader": "Reader",
            "partner": "Partner (STEM professional)",
            "member": "Member (teacher)",
            "leader": "Leader",
        }[self.value]


class Network(db.Model):
    """A teacher-leader network with a purpose, a leadership team and shared courses."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default=NetworkKind.VIRTUAL.value)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.PRIVATE.value)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("networks.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Network | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Network]] = relationship(back_populates="parent")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="network", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC.value

    @property
    def kind_label(self) -> str:
        try:
            return NetworkKind(self.kind).label
        except ValueError:
            return self.kind

    def __repr__(self) -> str:
        return f"<Network {self.slug}>"


class Membership(db.Model):
    """A user's role in one network."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("network_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    network: Mapped[Network] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class Invitation(db.Model):
    """A link a leader sends to bring someone into a network with a given role; used once."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER.value)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    network: Mapped[Network] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])


class JoinRequest(db.Model):
    """A request to join a public network, approved or declined by a leader."""

    __tablename__ = "join_requests"
    __table_args__ = (UniqueConstraint("network_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|approved|declined
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    network: Mapped[Network] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
