"""Presence: who has a lesson open in the editor right now.

The editor sends a heartbeat every few seconds; someone is present while their last
heartbeat is recent. Rows are tiny and kept per (user, course, file); stale ones are pruned
now and then by the heartbeats themselves, so no background job is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import Course, User
from ...models._base import utcnow
from ...models.editing import Presence

PRESENT_SECONDS = 20
FORGET_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Present:
    """Another person with the lesson open; `typing` once they have started to change it."""

    user_id: int
    name: str
    typing: bool


def heartbeat(
    session: Session, user: User, course: Course, path: str, *, typing: bool = False
) -> None:
    """Record that `user` has `path` open now (commits the session)."""
    now = utcnow()
    for attempt in range(2):
        row = session.scalar(
            select(Presence).filter_by(user_id=user.id, course_id=course.id, path=path)
        )
        if row is None:
            session.add(
                Presence(
                    user_id=user.id, course_id=course.id, path=path, typing=typing, last_seen=now
                )
            )
        else:
            row.last_seen = now
            row.typing = typing
        try:
            session.commit()
            break
        except IntegrityError:
            session.rollback()  # the same user's other tab inserted first: update that row
            if attempt:
                raise
    if now.second % 10 == 0:
        session.execute(
            delete(Presence).where(Presence.last_seen < now - FORGET_AFTER),
            execution_options={"synchronize_session": False},
        )
        session.commit()


def leave(session: Session, user: User, course: Course, path: str) -> None:
    """Forget that `user` has `path` open (the tab was closed); commits the session."""
    session.execute(
        delete(Presence).filter_by(user_id=user.id, course_id=course.id, path=path),
        execution_options={"synchronize_session": False},
    )
    session.commit()


def others_present(session: Session, user: User, course: Course, path: str) -> list[Present]:
    """Return the other people who have `path` open in the editor now, by name."""
    since = utcnow() - timedelta(seconds=PRESENT_SECONDS)
    rows = session.execute(
        select(Presence.user_id, User.display_name, User.username, Presence.typing)
        .join(User, User.id == Presence.user_id)
        .where(
            Presence.course_id == course.id,
            Presence.path == path,
            Presence.user_id != user.id,
            Presence.last_seen >= since,
        )
        .order_by(User.display_name)
    )
    return [Present(uid, name or username, typing) for uid, name, username, typing in rows]
