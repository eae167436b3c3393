"""The permission function: web views, the JSON API and git pushes all ask it.

`permissions()` answers what a user may do in a network or one of its courses, as a flag set;
`readable_networks()` and `commenting_networks()` are the same rule as SQL conditions for
listings and search. This module is policy only (no Flask): views ask it through
`blueprints._guards` (`require_network()`, `require_course()`), the JSON API and git through
the same `permissions()`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session, object_session

from .models import (
    Course,
    CourseRedirect,
    Membership,
    Network,
    Partner,
    PartnerMember,
    Phase,
    Role,
    Study,
    StudyMember,
    TeamRole,
    Thread,
    TokenScope,
    User,
    Visibility,
)


class Access(enum.IntFlag):
    """What a user may do; stronger roles hold every flag of the weaker ones."""

    NONE = 0
    READ = enum.auto()  # see the network, its courses and public threads
    COMMENT = enum.auto()  # review threads, observations when invited
    WRITE = enum.auto()  # edit lessons, run cycles, link resources, create courses
    MANAGE = enum.auto()  # members, settings, approve partner resources
    # Speak for partner organizations: in a network, propose one (the partner role); asked
    # with `partner=`, manage that one's profile, resources and requests (its own people, and
    # leaders for every organization).
    CURATE = enum.auto()

    @classmethod
    def everything(cls) -> Access:
        return cls.READ | cls.COMMENT | cls.WRITE | cls.MANAGE | cls.CURATE


ROLE_ACCESS: dict[str, Access] = {
    Role.READER.value: Access.READ | Access.COMMENT,
    Role.PARTNER.value: Access.READ | Access.COMMENT | Access.CURATE,
    Role.MEMBER.value: Access.READ | Access.COMMENT | Access.WRITE,
    Role.LEADER.value: Access.everything(),
}


def _session_of(network: Network) -> Session:
    """Return the session `network` was loaded in (callers may pass their own instead)."""
    session = object_session(network)
    if session is None:
        raise LookupError("The network is not attached to a database session.")
    return session


def membership_of(session: Session, user: User | None, network: Network) -> Membership | None:
    """Return the user's membership in this network, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return session.scalar(select(Membership).filter_by(network_id=network.id, user_id=user.id))


def _leads_an_ancestor(session: Session, user: User, network: Network) -> bool:
    """Return True if the user leads a parent (or grandparent...) of this network."""
    seen: set[int] = set()
    parent = network.parent
    while parent is not None and parent.id not in seen:
        seen.add(parent.id)
        found = membership_of(session, user, parent)
        if found is not None and found.role == Role.LEADER.value:
            return True
        parent = parent.parent
    return False


def permissions(
    user: User | None,
    network: Network,
    course: Course | None = None,
    *,
    token_scope: str | None = None,
    session: Session | None = None,
    partner: Partner | None = None,
) -> Access:
    """Return what `user` may do in `network` (or in `course`, which belongs to it).

    Anonymous users may read public networks. A read-scoped personal access token caps the
    result at READ. An archived course is read-only for everyone. With `partner` (one of the
    network's partner organizations), CURATE is for the people of that organization who
    belong to the network, and for its leaders.
    """
    session = session or _session_of(network)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if authenticated and user.is_site_admin:
        granted = Access.everything()
    else:
        granted = Access.NONE
        member = membership_of(session, user, network) if authenticated else None
        if member is not None:
            granted = ROLE_ACCESS.get(member.role, Access.NONE)
        elif authenticated and _leads_an_ancestor(session, user, network):
            granted = Access.READ
        if network.is_public:
            granted |= Access.READ
        if partner is not None and not granted & Access.MANAGE:
            granted &= ~Access.CURATE
            if member is not None and _speaks_for(session, user, partner):
                granted |= Access.CURATE
    if partner is not None and partner.network_id != network.id:
        granted &= ~Access.CURATE
    if token_scope == TokenScope.READ.value:
        granted &= Access.READ
    if course is not None and course.is_archived:
        granted &= ~Access.WRITE
    return granted


def _speaks_for(session: Session, user: User, partner: Partner) -> bool:
    """Return True if `user` is one of the people of the partner organization."""
    found = session.scalar(
        select(PartnerMember.id).filter_by(partner_id=partner.id, user_id=user.id).limit(1)
    )
    return found is not None


def readable_networks(user: User | None) -> ColumnElement[bool]:
    """Return a SQL condition on Network matching what `permissions()` lets `user` READ.

    For listings (the network directory), where asking `permissions()` row by row would not
    scale: public networks, the user's own, and every sub-network below one they lead.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return Network.visibility == Visibility.PUBLIC.value
    if user.is_site_admin:
        return true()
    led = (
        select(Membership.network_id.label("id"))
        .filter_by(user_id=user.id, role=Role.LEADER.value)
        .cte("led", recursive=True)
    )
    led = led.union(select(Network.id).join(led, Network.parent_id == led.c.id))
    mine = select(Membership.network_id).filter_by(user_id=user.id)
    return or_(
        Network.visibility == Visibility.PUBLIC.value,
        Network.id.in_(mine),
        Network.id.in_(select(led.c.id)),
    )


def commenting_networks(user: User | None, token_scope: str | None = None) -> ColumnElement[bool]:
    """Return a SQL condition on Network matching where `permissions()` grants `user` COMMENT:
    the network's own people (every role), who also read its instructor notes.

    For search, which matches what a visitor may read and what the network's people may read
    differently; visitors of a public network and leaders of a parent network only READ.
    """
    if token_scope == TokenScope.READ.value:
        return false()
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    if user.is_site_admin:
        return true()
    roles = [role for role, granted in ROLE_ACCESS.items() if granted & Access.COMMENT]
    mine = select(Membership.network_id).filter(
        Membership.user_id == user.id, Membership.role.in_(roles)
    )
    return Network.id.in_(mine)


def find_course(
    network: Network, slug: str, session: Session | None = None
) -> tuple[Course | None, bool]:
    """Return (course, redirected): the course by slug, or by an old slug after a rename."""
    session = session or _session_of(network)
    course = session.scalar(select(Course).filter_by(network_id=network.id, slug=slug))
    if course is not None:
        return course, False
    redirect = session.scalar(
        select(CourseRedirect).filter_by(network_id=network.id, old_slug=slug)
    )
    return (redirect.course, True) if redirect is not None else (None, False)


@dataclass(frozen=True)
class Guest:
    """What a page is about, for a cycle's guest: the lesson (its file path), a cycle, or a
    thread (on a lesson)."""

    path: str | None = None
    study_id: int | None = None
    thread_id: int | None = None


def guest_access(session: Session, user: User | None, course: Course, guest: Guest) -> Access:
    """Return what a knowledgeable other from outside the network may do on a page of `course`:
    READ and COMMENT on the lesson of an open cycle they are invited to, that cycle, and the
    threads on that lesson; nothing anywhere else (nor once the cycle is closed)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Access.NONE
    path = guest.path
    if guest.thread_id is not None:
        thread = session.get(Thread, guest.thread_id)
        if thread is None or thread.course_id != course.id:
            return Access.NONE
        path = thread.path
    query = (
        select(Study.id)
        .join(StudyMember, StudyMember.study_id == Study.id)
        .where(
            Study.course_id == course.id,
            Study.phase != Phase.CLOSED.value,
            StudyMember.user_id == user.id,
            StudyMember.role == TeamRole.KNOWLEDGEABLE_OTHER.value,
        )
    )
    if guest.study_id is not None:
        query = query.where(Study.id == guest.study_id)
    elif path is not None:
        query = query.where(Study.path == path)
    else:
        return Access.NONE
    if course.is_archived:
        return Access.NONE
    return Access.READ | Access.COMMENT if session.scalar(query.limit(1)) else Access.NONE
