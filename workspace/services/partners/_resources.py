"""Partner resources: proposed by an organization's people, approved and retired by leaders.

A resource added by a leader is approved at once. A proposed resource is seen only by its
organization's people and the leaders; an approved one by everyone who reads the network;
a retired one stays readable (lessons that link it show it as retired) but is not offered for
new links or requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from ...access import Access
from ...content import InvalidStandard, is_grade_band, normalize_standard
from ...events import ResourceOffered, defer
from ...models import (
    Network,
    Partner,
    PartnerMember,
    PartnerStatus,
    Resource,
    ResourceKind,
    ResourceStatus,
)
from ...models._base import utcnow
from ..context import Ctx
from ._common import PartnerError, choice, need, text, web_address

KINDS = {kind.value: kind.label for kind in ResourceKind}
MAX_STANDARDS = 20


@dataclass(frozen=True)
class ResourceFields:
    """What describes a resource, as typed; `standards` as codes separated by commas or
    spaces, in any of the forms lessons accept."""

    title: str
    url: str
    kind: str = ResourceKind.OTHER.value
    description: str = ""
    grade_band: str = ""
    standards: str = ""
    license: str = ""
    availability: str = ""


def standard_codes(value: str) -> list[str]:
    """Return the normalized codes in `value`; raise PartnerError naming a code that is not
    an NGSS or Common Core math standard."""
    codes: list[str] = []
    for raw in (value or "").replace(",", " ").replace(";", " ").split():
        try:
            code = normalize_standard(raw).code
        except InvalidStandard as exc:
            raise PartnerError(exc.message, field="standards") from None
        if code not in codes:
            codes.append(code)
    if len(codes) > MAX_STANDARDS:
        raise PartnerError(f"List at most {MAX_STANDARDS} standards.", field="standards")
    return codes


def _checked(fields: ResourceFields) -> dict:
    grade_band = text(fields.grade_band, "grade_band", 20)
    if grade_band and not is_grade_band(grade_band):
        raise PartnerError(
            f"\u201c{grade_band}\u201d is not a grade band; write one like 9-12, K-2, 6-8, HS "
            "or MS.",
            field="grade_band",
        )
    return {
        "title": text(fields.title, "title", 200, required="Give the resource a title."),
        "url": web_address(fields.url, "url"),
        "kind": choice(fields.kind, KINDS, "kind", "what kind of resource it is"),
        "description": text(fields.description, "description", 5000),
        "grade_band": grade_band,
        "standards": " ".join(standard_codes(fields.standards)),
        "license": text(fields.license, "license", 100),
        "availability": text(fields.availability, "availability", 500),
    }


def add_resource(ctx: Ctx, partner: Partner, access: Access, fields: ResourceFields) -> Resource:
    """Return the new resource (flushed): proposed when the organization's people add it,
    approved when a leader does. Its owner is the person who added it."""
    need(access, Access.CURATE, "Only the organization's people and the leaders add resources.")
    user = ctx.actor
    leader = bool(access & Access.MANAGE)
    resource = Resource(
        partner_id=partner.id,
        network_id=partner.network_id,
        owner_id=user.id,
        created_by_id=user.id,
        status=ResourceStatus.APPROVED.value if leader else ResourceStatus.PROPOSED.value,
        decided_by_id=user.id if leader else None,
        decided_at=utcnow() if leader else None,
        **_checked(fields),
    )
    ctx.session.add(resource)
    ctx.session.flush()
    if leader:
        defer(ctx.session.info, ResourceOffered(partner.network_id, resource.id, user.id))
    return resource


def update_resource(
    ctx: Ctx, resource: Resource, access: Access, fields: ResourceFields
) -> Resource:
    """Return the resource with its description changed (its organization's people, leaders).

    Lessons that link it keep the title and address they were linked with until relinked.
    """
    need(access, Access.CURATE, "Only the organization's people and the leaders change it.")
    for name, value in _checked(fields).items():
        setattr(resource, name, value)
    ctx.session.flush()
    return resource


def _decide(ctx: Ctx, resource: Resource, access: Access, status: ResourceStatus) -> Resource:
    need(access, Access.MANAGE, "Only the network's leaders approve and retire resources.")
    if resource.status != status.value:
        resource.status = status.value
        resource.decided_by_id = ctx.actor.id
        resource.decided_at = utcnow()
        ctx.session.flush()
    return resource


def approve_resource(ctx: Ctx, resource: Resource, access: Access) -> Resource:
    """Return the resource, approved (leaders); a retired one can be approved again."""
    if resource.partner is not None and not resource.partner.is_approved:
        raise PartnerError(
            "Approve the organization first: its resources are offered once it is a partner.",
            status=409,
        )
    decided = _decide(ctx, resource, access, ResourceStatus.APPROVED)
    offered = ResourceOffered(resource.network_id, resource.id, ctx.actor.id)
    defer(ctx.session.info, offered)
    return decided


def retire_resource(ctx: Ctx, resource: Resource, access: Access) -> Resource:
    """Return the resource, retired (leaders): lessons that link it show it as retired."""
    return _decide(ctx, resource, access, ResourceStatus.RETIRED)


def find_resource(ctx: Ctx, network: Network, resource_id: int) -> Resource:
    """Return the network's resource; raise PartnerError(404) for any other id."""
    resource = ctx.session.get(Resource, resource_id)
    if resource is None or resource.network_id != network.id:
        raise PartnerError("There is no such resource in this network.", 404)
    return resource


def resource_visible(resource: Resource, access: Access) -> bool:
    """Return True if someone with `access` (asked with the resource's `partner=`) may see it."""
    if resource.status == ResourceStatus.PROPOSED.value or not resource.partner.is_approved:
        return bool(access & Access.CURATE)
    return True


def partner_resources(ctx: Ctx, partner: Partner, access: Access) -> list[Resource]:
    """Return the organization's resources someone with `access` may see: approved and
    retired ones, and the proposed ones too for its people and the leaders."""
    query = select(Resource).where(Resource.partner_id == partner.id)
    if not access & Access.CURATE:
        query = query.where(Resource.status != ResourceStatus.PROPOSED.value)
    return list(ctx.session.scalars(query.order_by(Resource.status, Resource.title)))


def waiting_resources(ctx: Ctx, network: Network, access: Access) -> list[Resource]:
    """Return the proposed resources waiting for a leader (leaders), or the caller's own
    organizations' proposed resources (partner members)."""
    query = select(Resource).where(
        Resource.network_id == network.id, Resource.status == ResourceStatus.PROPOSED.value
    )
    if not access & Access.MANAGE:
        mine = select(PartnerMember.partner_id).where(
            PartnerMember.user_id == (ctx.user.id if ctx.user is not None else -1)
        )
        query = query.where(Resource.partner_id.in_(mine))
    return list(ctx.session.scalars(query.order_by(Resource.created_at)))


def linkable_resources(ctx: Ctx, network: Network, q: str = "") -> list[Resource]:
    """Return the network's approved resources of approved organizations, by title."""
    query = (
        select(Resource)
        .join(Partner, Partner.id == Resource.partner_id)
        .where(
            Resource.network_id == network.id,
            Resource.status == ResourceStatus.APPROVED.value,
            Partner.status == PartnerStatus.APPROVED.value,
        )
    )
    words = (q or "").strip()[:100]
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Resource.title.ilike(pattern, escape="\\"),
                Resource.description.ilike(pattern, escape="\\"),
            )
        )
    return list(ctx.session.scalars(query.order_by(Resource.title, Resource.id)))
