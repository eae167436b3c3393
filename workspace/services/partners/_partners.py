"""Partner organizations of a network: added by leaders, or proposed by a partner member and
approved by a leader; their people manage the profile (and its logo).

Who may do what is the caller's `Access` from access.permissions: CURATE in the network
(the partner role, leaders) proposes an organization; CURATE asked with `partner=` manages
that organization; MANAGE (leaders) approves. A proposed organization is seen only by its
people and the leaders.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ...access import Access, membership_of
from ...models import (
    Network,
    Partner,
    PartnerKind,
    PartnerMember,
    PartnerStatus,
    Resource,
    ResourceStatus,
    User,
)
from ...models._base import utcnow
from ..context import Ctx
from ..editing import ImageRejected, ImageTooLarge, check_image
from ._common import PartnerError, choice, email, need, text, web_address

KINDS = {kind.value: kind.label for kind in PartnerKind}
LOGO_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


@dataclass(frozen=True)
class PartnerFields:
    """What describes an organization, as typed."""

    name: str
    kind: str
    website: str = ""
    description: str = ""
    contact_name: str = ""
    contact_email: str = ""


def _checked(ctx: Ctx, network: Network, fields: PartnerFields, same: Partner | None) -> dict:
    name = text(fields.name, "name", 120, required="Give the organization's name.")
    taken = ctx.session.scalar(
        select(Partner.id).where(
            Partner.network_id == network.id,
            func.lower(Partner.name) == name.lower(),
            Partner.id != (same.id if same is not None else -1),
        )
    )
    if taken is not None:
        raise PartnerError(
            f"\u201c{name}\u201d is already a partner of this network.", status=409, field="name"
        )
    return {
        "name": name,
        "kind": choice(fields.kind, KINDS, "kind", "what kind of organization it is"),
        "website": web_address(fields.website, "website", required=False),
        "description": text(fields.description, "description", 5000),
        "contact_name": text(fields.contact_name, "contact_name", 120),
        "contact_email": email(fields.contact_email, "contact_email"),
    }


def add_partner(ctx: Ctx, network: Network, access: Access, fields: PartnerFields) -> Partner:
    """Return the new organization (flushed): approved when a leader adds it, proposed (and
    its proposer one of its people) when a partner member does."""
    need(access, Access.CURATE, "Leaders and partner members add partner organizations.")
    values = _checked(ctx, network, fields, None)
    user = ctx.actor
    leader = bool(access & Access.MANAGE)
    partner = Partner(
        network_id=network.id,
        created_by_id=user.id,
        status=PartnerStatus.APPROVED.value if leader else PartnerStatus.PROPOSED.value,
        approved_by_id=user.id if leader else None,
        approved_at=utcnow() if leader else None,
        **values,
    )
    if not leader:
        partner.people.append(PartnerMember(user_id=user.id))
    ctx.session.add(partner)
    ctx.session.flush()
    return partner


def update_partner(ctx: Ctx, partner: Partner, access: Access, fields: PartnerFields) -> Partner:
    """Return the organization with its profile changed (its people and leaders)."""
    need(access, Access.CURATE, "Only the organization's people and the leaders change it.")
    for name, value in _checked(ctx, partner.network, fields, partner).items():
        setattr(partner, name, value)
    ctx.session.flush()
    return partner


def approve_partner(ctx: Ctx, partner: Partner, access: Access) -> Partner:
    """Return the organization, approved (leaders); approving twice changes nothing."""
    need(access, Access.MANAGE, "Only the network's leaders approve partner organizations.")
    if not partner.is_approved:
        partner.status = PartnerStatus.APPROVED.value
        partner.approved_by_id = ctx.actor.id
        partner.approved_at = utcnow()
        ctx.session.flush()
    return partner


def set_logo(
    ctx: Ctx, partner: Partner, access: Access, filename: str, data: bytes, alt: str
) -> Partner:
    """Return the organization with a new logo, checked like a lesson image: PNG, JPEG, GIF
    or WebP by its bytes (never SVG), within the upload limit, described by alt text."""
    need(access, Access.CURATE, "Only the organization's people and the leaders change it.")
    try:
        kind, alt_text = check_image(filename, data, alt, ctx.settings.max_upload_bytes)
    except (ImageRejected, ImageTooLarge) as exc:
        status = 413 if isinstance(exc, ImageTooLarge) else 422
        raise PartnerError(exc.message, status=status, field="logo") from None
    partner.logo, partner.logo_kind, partner.logo_alt = data, kind, alt_text
    partner.logo_version = (partner.logo_version or 0) + 1
    ctx.session.flush()
    return partner


def add_person(ctx: Ctx, partner: Partner, access: Access, username: str) -> PartnerMember:
    """Return the link making a network member one of the organization's people (leaders)."""
    need(access, Access.MANAGE, "Only the network's leaders add people to an organization.")
    user = ctx.session.scalar(select(User).filter_by(username=(username or "").strip().lower()))
    if user is None or membership_of(ctx.session, user, partner.network) is None:
        raise PartnerError(
            "Choose someone who belongs to the network (invite them first).", field="user"
        )
    found = next((p for p in partner.people if p.user_id == user.id), None)
    if found is not None:
        return found
    link = PartnerMember(user_id=user.id)
    partner.people.append(link)
    ctx.session.flush()
    return link


def find_partner(ctx: Ctx, network: Network, partner_id: int) -> Partner:
    """Return the network's organization; raise PartnerError(404) for any other id."""
    partner = ctx.session.get(Partner, partner_id)
    if partner is None or partner.network_id != network.id:
        raise PartnerError("There is no such partner organization in this network.", 404)
    return partner


def visible(partner: Partner, access: Access) -> bool:
    """Return True if someone with `access` (asked with `partner=`) may see the organization."""
    return partner.is_approved or bool(access & Access.CURATE)


def _like(words: str) -> str:
    return "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class DirectoryEntry:
    """One organization in the directory, with how many resources it offers now."""

    partner: Partner
    resources: int


def directory(
    ctx: Ctx, network: Network, access: Access, q: str = "", kind: str = ""
) -> list[DirectoryEntry]:
    """Return the network's organizations by name (searched in their name and description,
    filtered by kind); leaders also see the proposed ones, partner members their own."""
    query = select(Partner).where(Partner.network_id == network.id)
    if not access & Access.MANAGE:
        mine = select(PartnerMember.partner_id).where(
            PartnerMember.user_id == (ctx.user.id if ctx.user is not None else -1)
        )
        query = query.where(
            or_(Partner.status == PartnerStatus.APPROVED.value, Partner.id.in_(mine))
        )
    words = (q or "").strip()[:100]
    if words:
        pattern = _like(words)
        query = query.where(
            or_(
                Partner.name.ilike(pattern, escape="\\"),
                Partner.description.ilike(pattern, escape="\\"),
            )
        )
    if kind in KINDS:
        query = query.where(Partner.kind == kind)
    partners = list(ctx.session.scalars(query.order_by(Partner.name, Partner.id)))
    counts = dict(
        ctx.session.execute(
            select(Resource.partner_id, func.count(Resource.id))
            .where(
                Resource.partner_id.in_([p.id for p in partners]),
                Resource.status == ResourceStatus.APPROVED.value,
            )
            .group_by(Resource.partner_id)
        ).all()
    )
    return [DirectoryEntry(p, counts.get(p.id, 0)) for p in partners]


def partners_of(ctx: Ctx, user: User, network: Network) -> list[Partner]:
    """Return the organizations of the network `user` speaks for."""
    return list(
        ctx.session.scalars(
            select(Partner)
            .join(PartnerMember, PartnerMember.partner_id == Partner.id)
            .where(Partner.network_id == network.id, PartnerMember.user_id == user.id)
            .order_by(Partner.name)
        )
    )
