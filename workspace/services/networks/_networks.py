"""Network use cases: create and edit networks, manage memberships and roles.

Views check *whether* the acting user may do a thing (access.require_network); these functions
enforce the rules of the domain whoever asks: slugs, the parent chain, and above all that a
network never has zero leaders. Rule violations raise NetworkError with a message for people.
Functions add to the session and flush; the caller commits. Invitations and join requests are
in services/joining.py.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from ...access import Access, permissions
from ...events import MemberJoined, defer
from ...models import (
    Activity,
    Membership,
    Network,
    NetworkKind,
    Role,
    User,
    Visibility,
)

LAST_LEADER = "A network needs at least one leader. Add another leader first."
RESERVED_SLUGS = frozenset({"new", "networks", "api", "git", "auth", "settings", "static", "admin"})
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# Weakest first: accepting an invitation never lowers a role that is already stronger.
ROLE_ORDER = (Role.READER, Role.PARTNER, Role.MEMBER, Role.LEADER)


class NetworkError(Exception):
    """A rule of networks was broken; `message` is shown to the user, `field` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def role_rank(role: str) -> int:
    """Return the strength of a role (higher is stronger); unknown roles rank lowest."""
    values = [r.value for r in ROLE_ORDER]
    return values.index(role) if role in values else -1


def parse_role(role: str) -> Role:
    """Return the Role named by `role`, or raise NetworkError."""
    try:
        return Role(role)
    except ValueError:
        raise NetworkError(f"{role!r} is not a role in a network.", field="role") from None


def record_activity(
    session: Session, network: Network, actor: User | None, verb: str, text: str
) -> None:
    """Add a line to the network's activity feed."""
    session.add(
        Activity(
            network_id=network.id,
            actor_id=actor.id if actor else None,
            verb=verb,
            summary=text[:300],
        )
    )


# Networks ----------------------------------------------------------------------------------


def check_slug(session: Session, slug: str) -> str:
    """Return the slug if it is well formed, not reserved and free; else raise NetworkError."""
    if not 2 <= len(slug) <= 64 or not SLUG_PATTERN.match(slug):
        raise NetworkError(
            "Use 2 to 64 lowercase letters, digits and dashes, starting and ending with a "
            "letter or digit.",
            field="slug",
        )
    if slug in RESERVED_SLUGS:
        raise NetworkError(f"“{slug}” is reserved. Please choose another address.", field="slug")
    if session.scalar(select(Network.id).filter_by(slug=slug)) is not None:
        raise NetworkError("Another network already uses this address.", field="slug")
    return slug


def eligible_parents(session: Session, user: User, network: Network | None = None) -> list[Network]:
    """Return the networks `user` may place a network inside: those they manage, minus cycles."""
    query = select(Network).order_by(Network.name)
    if not user.is_site_admin:
        query = query.join(Membership).filter(
            Membership.user_id == user.id, Membership.role == Role.LEADER.value
        )
    found = list(session.scalars(query))
    if network is None:
        return found
    return [n for n in found if not _is_within(n, network)]


def _is_within(candidate: Network, network: Network) -> bool:
    """Return True if `candidate` is `network` or one of its sub-networks (at any depth)."""
    seen: set[int] = set()
    node: Network | None = candidate
    while node is not None and node.id not in seen:
        if node.id == network.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


def _check_parent(
    session: Session, user: User, parent: Network | None, network: Network | None
) -> None:
    if parent is None:
        return
    if network is not None and _is_within(parent, network):
        raise NetworkError(
            "A network cannot sit inside itself or one of its own sub-networks.", field="parent_id"
        )
    if not permissions(user, parent, session=session) & Access.MANAGE:
        raise NetworkError(
            "Only a network you lead can be chosen as the parent network.", field="parent_id"
        )


def _check_fields(name: str, purpose: str, kind: str, visibility: str) -> None:
    if not name.strip():
        raise NetworkError("Give the network a name.", field="name")
    if not purpose.strip():
        raise NetworkError(
            "Every network starts from a clear purpose. Say what you will work on together.",
            field="purpose",
        )
    if kind not in {k.value for k in NetworkKind}:
        raise NetworkError("Choose what kind of network this is.", field="kind")
    if visibility not in {v.value for v in Visibility}:
        raise NetworkError("Choose public or private.", field="visibility")


def create_network(
    session: Session,
    creator: User,
    *,
    name: str,
    slug: str,
    purpose: str,
    kind: str = NetworkKind.VIRTUAL.value,
    visibility: str = Visibility.PRIVATE.value,
    parent: Network | None = None,
) -> Network:
    """Return a new network with `creator` as its first leader."""
    _check_fields(name, purpose, kind, visibility)
    check_slug(session, slug)
    _check_parent(session, creator, parent, None)
    network = Network(
        slug=slug,
        name=name.strip(),
        purpose=purpose.strip(),
        kind=kind,
        visibility=visibility,
        parent=parent,
    )
    session.add(network)
    session.add(Membership(network=network, user=creator, role=Role.LEADER.value))
    session.flush()
    record_activity(
        session, network, creator, "created", f"{creator.display_name} started the network"
    )
    return network


def update_network(
    session: Session,
    network: Network,
    actor: User,
    *,
    name: str,
    purpose: str,
    kind: str,
    visibility: str,
    parent: Network | None,
) -> Network:
    """Return the network with its settings changed (keeping its current parent is always fine)."""
    _check_fields(name, purpose, kind, visibility)
    if parent is not None and parent.id != network.parent_id:
        _check_parent(session, actor, parent, network)
    network.name, network.purpose = name.strip(), purpose.strip()
    network.kind, network.visibility, network.parent = kind, visibility, parent
    session.flush()
    record_activity(
        session, network, actor, "updated", f"{actor.display_name} updated the settings"
    )
    return network


# Memberships -------------------------------------------------------------------------------


def membership(session: Session, network: Network, user: User) -> Membership | None:
    """Return the user's membership in the network, or None."""
    return session.scalar(select(Membership).filter_by(network_id=network.id, user_id=user.id))


def home_network(session: Session, user: User) -> Network | None:
    """Return the network a person lands on after signing in: where their role is strongest,
    the one they joined first among those; None when they belong to none."""
    found = session.scalars(
        select(Membership).filter_by(user_id=user.id).order_by(Membership.created_at)
    ).all()
    if not found:
        return None
    return max(found, key=lambda m: role_rank(m.role)).network


def _members_query(network: Network) -> Select[tuple[Membership]]:
    """Return a query for the network's memberships with their users loaded, by name."""
    return (
        select(Membership)
        .join(Membership.user)
        .options(contains_eager(Membership.user))
        .filter(Membership.network_id == network.id)
        .order_by(User.display_name, User.id)
    )


def members(session: Session, network: Network) -> list[Membership]:
    """Return the network's memberships, strongest role first, then by name."""
    rows = session.scalars(_members_query(network))
    return sorted(rows, key=lambda m: -role_rank(m.role))


def role_counts(session: Session, network: Network) -> dict[Role, int]:
    """Return how many people hold each role in the network (zero for roles nobody holds)."""
    rows = session.execute(
        select(Membership.role, func.count())
        .filter(Membership.network_id == network.id)
        .group_by(Membership.role)
    )
    found: dict[str, int] = dict(rows.all())
    return {role: found.get(role.value, 0) for role in Role}


def members_with_role(
    session: Session, network: Network, role: Role, limit: int | None = None
) -> list[Membership]:
    """Return up to `limit` memberships holding `role`, by name."""
    query = _members_query(network).filter(Membership.role == role.value).limit(limit)
    return list(session.scalars(query))


def leader_count(session: Session, network: Network, *, lock: bool = False) -> int:
    """Return how many leaders the network has; with `lock`, hold the network row first.

    Locking the network row (FOR UPDATE on PostgreSQL) serializes leadership changes, so two
    leaders stepping down at the same moment cannot leave the network with none.
    """
    if lock:
        session.execute(select(Network.id).filter_by(id=network.id).with_for_update())
    return (
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .filter_by(network_id=network.id, role=Role.LEADER.value)
        )
        or 0
    )


def _require_member(session: Session, network: Network, user: User) -> Membership:
    found = membership(session, network, user)
    if found is None:
        raise NetworkError(f"{user.display_name} is not a member of this network.")
    return found


def _guard_last_leader(session: Session, network: Network, member: Membership) -> None:
    if member.role == Role.LEADER.value and leader_count(session, network, lock=True) <= 1:
        raise NetworkError(LAST_LEADER)


def add_member(
    session: Session, network: Network, actor: User, user: User, role: str
) -> Membership:
    """Return the new membership of `user`, added directly by a leader."""
    chosen = parse_role(role)
    existing = membership(session, network, user)
    if existing is not None:
        raise NetworkError(
            f"{user.display_name} is already in this network as {Role(existing.role).label}."
        )
    added = Membership(network_id=network.id, user_id=user.id, role=chosen.value)
    session.add(added)
    session.flush()
    defer(session.info, MemberJoined(network.id, user.id, chosen.value))
    record_activity(
        session,
        network,
        actor,
        "joined",
        f"{actor.display_name} added {user.display_name} as {chosen.label}",
    )
    return added


def set_role(
    session: Session, network: Network, actor: User, member_user: User, role: str
) -> Membership:
    """Return the membership with its new role; the last leader cannot step down."""
    chosen = parse_role(role)
    member = _require_member(session, network, member_user)
    if member.role == chosen.value:
        return member
    if chosen != Role.LEADER:
        _guard_last_leader(session, network, member)
    member.role = chosen.value
    session.flush()
    record_activity(
        session,
        network,
        actor,
        "role_changed",
        f"{actor.display_name} made {member_user.display_name} {chosen.label}",
    )
    return member


def remove_member(session: Session, network: Network, actor: User, member_user: User) -> None:
    """Remove `member_user` from the network; the last leader cannot be removed."""
    member = _require_member(session, network, member_user)
    _guard_last_leader(session, network, member)
    session.delete(member)
    session.flush()
    record_activity(
        session,
        network,
        actor,
        "removed",
        f"{actor.display_name} removed {member_user.display_name}",
    )


def leave(session: Session, network: Network, user: User) -> None:
    """Take `user` out of the network at their own request; the last leader cannot leave."""
    member = membership(session, network, user)
    if member is None:
        raise NetworkError("You are not a member of this network.")
    _guard_last_leader(session, network, member)
    session.delete(member)
    session.flush()
    record_activity(session, network, user, "left", f"{user.display_name} left the network")


def join(session: Session, network: Network, user: User, role: Role) -> Membership:
    """Return the new membership of a person who joined (by invitation or approved request).

    Raises NetworkError, with the session rolled back, if they became a member meanwhile (two
    invitations accepted at once, or an invitation accepted while a leader approved a request).
    """
    joined = Membership(network_id=network.id, user_id=user.id, role=role.value)
    session.add(joined)
    message = f"{user.display_name} joined {network.name} a moment ago, so nothing was changed."
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise NetworkError(message) from error
    record_activity(session, network, user, "joined", f"{user.display_name} joined as {role.label}")
    defer(session.info, MemberJoined(network.id, user.id, role.value))
    return joined
