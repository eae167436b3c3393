"""Activity feeds: what happened in a network, a course, or by one person, newest first.

Commits (web saves and pushes), new members and network changes are recorded when they
happen; threads, replies and cycle phases by the jobs that follow those events
(`record_thread`, `record_study`). A feed shows only what the reader may read, by the same
rule as the network directory (`access.readable_networks`), inside the query: nothing of a
network the reader cannot see is fetched, so nothing leaks, not even as a count. Paged by
cursor (`before`: the last id seen).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...access import readable_networks
from ...models import Activity, Comment, Course, Network, Study, Thread, User
from ..context import Ctx
from ..reading import title_now
from ..studies import PHASE_WORDS

PAGE = 30


@dataclass(frozen=True)
class FeedPage:
    items: list[Activity]
    next_before: int | None


def feed(
    ctx: Ctx,
    viewer: User | None,
    *,
    network: Network | None = None,
    course: Course | None = None,
    person: User | None = None,
    before: int | None = None,
    limit: int = PAGE,
) -> FeedPage:
    """Return a page of activity the viewer may read, in a network, a course or by a person
    (or all of them, across every network the viewer may read)."""
    query = (
        select(Activity)
        .join(Network, Network.id == Activity.network_id)
        .where(readable_networks(viewer))
        .options(selectinload(Activity.actor), selectinload(Activity.course))
    )
    if network is not None:
        query = query.where(Activity.network_id == network.id)
    if course is not None:
        query = query.where(Activity.course_id == course.id)
    if person is not None:
        query = query.where(Activity.actor_id == person.id)
    if before is not None:
        query = query.where(Activity.id < before)
    rows = list(ctx.session.scalars(query.order_by(Activity.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return FeedPage(rows, rows[-1].id if more else None)


def record_thread(ctx: Ctx, thread_id: int, comment_id: int, actor_id: int, opened: bool) -> None:
    """Add the feed line of a thread opened or a reply (a job, after the fact)."""
    thread = ctx.session.get(Thread, thread_id)
    comment = ctx.session.get(Comment, comment_id)
    actor = ctx.session.get(User, actor_id)
    if thread is None or comment is None:
        return
    course = ctx.session.get(Course, thread.course_id)
    if course is None:
        return
    who = (actor.display_name or actor.username) if actor else "Someone"
    title = title_now(ctx, course, thread.path)
    what = "opened a thread on" if opened else "replied in a thread on"
    ctx.session.add(
        Activity(
            network_id=course.network_id,
            course_id=course.id,
            actor_id=actor_id,
            verb="opened thread" if opened else "replied",
            summary=f"{who} {what} \u201c{title}\u201d"[:300],
            path=thread.path,
        )
    )
    ctx.session.commit()


def record_study(ctx: Ctx, study_id: int, actor_id: int, to_phase: str) -> None:
    """Add the feed line of a cycle moving to a phase (a job, after the fact)."""
    study = ctx.session.get(Study, study_id)
    actor = ctx.session.get(User, actor_id)
    if study is None:
        return
    course = ctx.session.get(Course, study.course_id)
    if course is None:
        return
    who = (actor.display_name or actor.username) if actor else "Someone"
    phase = PHASE_WORDS.get(to_phase, to_phase)
    ctx.session.add(
        Activity(
            network_id=course.network_id,
            course_id=course.id,
            actor_id=actor_id,
            verb="moved cycle",
            summary=f"{who} moved the cycle \u201c{study.title}\u201d to {phase}"[:300],
            path=study.path,
        )
    )
    ctx.session.commit()


def record_resource(ctx: Ctx, resource_id: int, actor_id: int) -> None:
    """Add the feed line of a partner resource offered to the network (a job)."""
    from ...models import Resource

    resource = ctx.session.get(Resource, resource_id)
    if resource is None:
        return
    ctx.session.add(
        Activity(
            network_id=resource.network_id,
            actor_id=actor_id,
            verb="offered",
            summary=(
                f"{resource.partner.name} offers \u201c{resource.title}\u201d "
                f"({resource.kind_label.lower()})"
            )[:300],
        )
    )
    ctx.session.commit()
