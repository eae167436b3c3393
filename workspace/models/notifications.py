"""People's inboxes: what they were told about, and how each kind reaches them.

A notification is one line addressed to one person (a mention, a reply to a thread they are
in, their cycle's next phase, an invitation, a join request for leaders, a resource request
for partners), with a link to where it happened. Settings say, per kind, whether it shows in
the inbox and whether it is emailed at once, in a daily digest, or not at all.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .accounts import User


class NotificationKind(enum.StrEnum):
    MENTION = "mention"
    REPLY = "reply"
    PHASE = "phase"
    INVITATION = "invitation"
    JOIN_REQUEST = "join_request"
    RESOURCE_REQUEST = "resource_request"


class EmailChoice(enum.StrEnum):
    NOW = "now"
    DAILY = "daily"
    OFF = "off"


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))  # "Priya mentioned you on “Ramps”"
    excerpt: Mapped[str] = mapped_column(Text, default="")  # what they wrote, as plain text
    url: Mapped[str] = mapped_column(String(500))  # a path in the app
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class NotificationSetting(db.Model):
    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    inbox: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str] = mapped_column(String(10), default=EmailChoice.NOW.value)
