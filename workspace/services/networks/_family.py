"""Networks of networks: practice shared upward and material shared downward.

A parent network's page shows what its sub-networks (and theirs, all the way down) have
published: the reports of their closed lesson-study cycles and their courses. A sub-network's
page shows its parent's (and grandparents') courses and reports. Both show only what the
reader may read (access.readable_networks, in the query), so a private regional network's
work reaches the national one's leaders (who may read below them) and no one else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...access import readable_networks
from ...models import Course, Network, Phase, Study, User

SHOWN = 8


@dataclass(frozen=True)
class Shared:
    """Courses and published cycle reports of related networks, newest reports first."""

    courses: list[Course] = field(default_factory=list)
    reports: list[Study] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.courses or self.reports)


def _below(session: Session, network: Network) -> list[int]:
    found: list[int] = []
    frontier = [network.id]
    while frontier:
        children = list(session.scalars(select(Network.id).where(Network.parent_id.in_(frontier))))
        children = [child for child in children if child not in found and child != network.id]
        found += children
        frontier = children
    return found


def _above(network: Network) -> list[int]:
    found: list[int] = []
    parent = network.parent
    while parent is not None and parent.id not in found and parent.id != network.id:
        found.append(parent.id)
        parent = parent.parent
    return found


def _shared(session: Session, ids: list[int], viewer: User | None, limit: int | None) -> Shared:
    if not ids:
        return Shared()
    readable = select(Network.id).where(Network.id.in_(ids), readable_networks(viewer))
    courses = (
        select(Course)
        .where(Course.network_id.in_(readable), Course.archived_at.is_(None))
        .options(selectinload(Course.network))
        .order_by(Course.title)
    )
    reports = (
        select(Study)
        .join(Course, Course.id == Study.course_id)
        .where(
            Course.network_id.in_(readable),
            Study.phase == Phase.CLOSED.value,
            Study.report_commit.is_not(None),
        )
        .order_by(Study.id.desc())
    )
    if limit is not None:
        courses, reports = courses.limit(limit), reports.limit(limit)
    return Shared(list(session.scalars(courses)), list(session.scalars(reports)))


def shared_upward(
    session: Session, network: Network, viewer: User | None, limit: int | None = SHOWN
) -> Shared:
    """Return what the network's sub-networks share that the viewer may read."""
    return _shared(session, _below(session, network), viewer, limit)


def shared_downward(
    session: Session, network: Network, viewer: User | None, limit: int | None = SHOWN
) -> Shared:
    """Return the courses and reports of the network's parents that the viewer may read."""
    return _shared(session, _above(network), viewer, limit)
