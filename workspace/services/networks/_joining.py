"""How people come into a network: invitation links (used once) and join requests.

An invitation's token is random and only its hash is stored; the link is shown once. Someone
who accepts while already a member keeps the stronger of the two roles. Only public networks
take join requests. Functions flush; the caller commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from ...events import Invited, JoinRequested, defer
from ...models import Invitation, JoinRequest, Membership, Network, Role, User, hash_token
from ...models._base import utcnow
from ._networks import NetworkError, join, membership, parse_role, record_activity, role_rank

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


class InvitationError(NetworkError):
    """An invitation cannot be accepted now.

    `reason`: unknown, expired, revoked, used, wrong_user or joined_meanwhile.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Accepted:
    """The outcome of accepting an invitation: the membership and what happened to the role."""

    membership: Membership
    outcome: str  # joined | upgraded | kept
    message: str


# Invitations -------------------------------------------------------------------------------


def create_invitation(
    session: Session,
    network: Network,
    actor: User,
    *,
    role: str,
    days: int,
    now: datetime,
    email: str | None = None,
) -> tuple[str, Invitation]:
    """Return (raw token, invitation); only the token's hash is stored, so show it once."""
    chosen = parse_role(role)
    if not 1 <= days <= 365:
        raise NetworkError("An invitation lasts between 1 and 365 days.", field="days")
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(
        network_id=network.id,
        role=chosen.value,
        token_hash=hash_token(raw),
        email=(email or "").strip().lower() or None,
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(invitation)
    session.flush()
    if invitation.email:
        defer(session.info, Invited(network.id, invitation.id, actor.id, invitation.email))
    return raw, invitation


def find_invitation(session: Session, raw_token: str) -> Invitation | None:
    """Return the invitation a link's token stands for, or None."""
    return session.scalar(select(Invitation).filter_by(token_hash=hash_token(raw_token)))


def pending_invitations(session: Session, network: Network, now: datetime) -> list[Invitation]:
    """Return the network's invitations that can still be accepted, newest first."""
    return list(
        session.scalars(
            select(Invitation)
            .filter(
                Invitation.network_id == network.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .options(selectinload(Invitation.created_by))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def check_invitation(invitation: Invitation | None, user: User, now: datetime) -> Invitation:
    """Return the invitation if `user` may accept it now; else raise InvitationError."""
    if invitation is None:
        raise InvitationError(
            "This invitation link is not valid. Check that you copied the whole link.", "unknown"
        )
    if invitation.revoked_at is not None:
        raise InvitationError(
            "This invitation was withdrawn by the network's leaders. Ask them for a new one.",
            "revoked",
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            "This invitation has already been used. Each link works once; ask for a new one.",
            "used",
        )
    if invitation.expires_at <= now:
        raise InvitationError(
            "This invitation has expired. Ask the network's leaders for a new one.", "expired"
        )
    # Only a confirmed address counts: anyone can type any address into a profile.
    if invitation.email and invitation.email != (user.email or "").lower():
        message = (
            f"This invitation is for {invitation.email}; confirm that address on your "
            "profile first."
        )
        if (user.pending_email or "").lower() != invitation.email:
            message += " If another of your accounts uses it, sign in with that one instead."
        raise InvitationError(message, "wrong_user")
    return invitation


def accept_invitation(session: Session, raw_token: str, user: User, now: datetime) -> Accepted:
    """Return the membership `user` holds after accepting; an invitation works once.

    Someone already in the network keeps the stronger of their role and the invited one.
    """
    invitation = check_invitation(find_invitation(session, raw_token), user, now)
    network, invited = invitation.network, Role(invitation.role)
    # Claim the invitation in one conditional UPDATE, so two tabs cannot both use it.
    claimed = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_by_id=user.id, accepted_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvitationError("This invitation has already been used.", "used")
    current = membership(session, network, user)
    if current is None:
        name = network.name
        try:
            joined = join(session, network, user, invited)
        except NetworkError as error:  # joined meanwhile, e.g. by another invitation
            raise InvitationError(
                f"You joined {name} a moment ago, in another window. Here is what this "
                "invitation would change.",
                "joined_meanwhile",
            ) from error
        return Accepted(
            joined, "joined", f"Welcome to {network.name}. You joined as {invited.label}."
        )
    if role_rank(invited.value) > role_rank(current.role):
        current.role = invited.value
        session.flush()
        record_activity(
            session,
            network,
            user,
            "role_changed",
            f"{user.display_name} accepted an invitation and is now {invited.label}",
        )
        return Accepted(current, "upgraded", f"You are now {invited.label} in {network.name}.")
    kept = Role(current.role)
    return Accepted(
        current,
        "kept",
        f"You are already {kept.label} in {network.name}; you keep that role, which includes "
        f"everything the invitation offered.",
    )


def revoke_invitation(
    session: Session, network: Network, invitation_id: int, now: datetime
) -> Invitation:
    """Return the invitation, withdrawn so its link stops working."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.network_id != network.id:
        raise NetworkError("There is no such invitation in this network.")
    if invitation.accepted_at is not None:
        raise NetworkError("This invitation was already accepted, so it cannot be withdrawn.")
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        session.flush()
    return invitation


# Join requests -----------------------------------------------------------------------------


def request_to_join(session: Session, network: Network, user: User, message: str) -> JoinRequest:
    """Return the user's pending request to join a public network."""
    if not network.is_public:
        raise NetworkError("This network is private: people join it by invitation only.")
    if membership(session, network, user) is not None:
        raise NetworkError("You are already a member of this network.")
    found = session.scalar(select(JoinRequest).filter_by(network_id=network.id, user_id=user.id))
    if found is not None and found.status == PENDING:
        raise NetworkError("You already asked to join; the network's leaders will decide soon.")
    if found is None:
        found = JoinRequest(network_id=network.id, user_id=user.id)
        session.add(found)
    # A declined (or earlier approved, then left) request is reused: one row per person.
    found.message, found.status, found.created_at = message.strip()[:1000], PENDING, utcnow()
    found.decided_by_id = found.decided_at = None
    session.flush()
    defer(session.info, JoinRequested(network.id, user.id))
    return found


def pending_requests(session: Session, network: Network) -> list[JoinRequest]:
    """Return the network's undecided join requests, oldest first."""
    return list(
        session.scalars(
            select(JoinRequest)
            .filter_by(network_id=network.id, status=PENDING)
            .options(selectinload(JoinRequest.user))
            .order_by(JoinRequest.created_at, JoinRequest.id)
        )
    )


def pending_request_count(session: Session, network: Network) -> int:
    """Return how many join requests to the network wait for a decision."""
    query = select(func.count()).select_from(JoinRequest)
    return session.scalar(query.filter_by(network_id=network.id, status=PENDING)) or 0


def decide_join_request(
    session: Session, network: Network, actor: User, request_id: int, approve: bool, now: datetime
) -> JoinRequest:
    """Return the decided request; approving makes the person a member."""
    found = session.get(JoinRequest, request_id)
    if found is None or found.network_id != network.id:
        raise NetworkError("There is no such request in this network.")
    if found.status != PENDING:
        raise NetworkError(f"This request was already {found.status}.")
    found.status = APPROVED if approve else DECLINED
    found.decided_by_id, found.decided_at = actor.id, now
    if approve and membership(session, network, found.user) is None:
        join(session, network, found.user, Role.MEMBER)
    session.flush()
    return found
