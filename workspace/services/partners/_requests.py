"""Requests for a site visit, a guest speaker or an equipment loan, from a resource's page.

A teacher (WRITE in the network) asks, saying which dates would suit, the class and a
message; the organization's people (CURATE with the resource's `partner=`) accept or decline
with a message; either side may write meanwhile. Every step is kept, so both see the history.
Only the teacher who asked, the organization's people and the leaders see a request.
"""

from __future__ import annotations

from sqlalchemy import select

from ...access import Access
from ...events import RequestChanged, defer
from ...models import (
    Network,
    Partner,
    RequestEvent,
    RequestStatus,
    Resource,
    ResourceRequest,
    ResourceStatus,
    User,
)
from ..context import Ctx
from ._common import PartnerError, need, text

ANSWERS = {"accept": RequestStatus.ACCEPTED, "decline": RequestStatus.DECLINED}


def ask(
    ctx: Ctx,
    resource: Resource,
    access: Access,
    dates: str,
    class_info: str,
    message: str,
) -> ResourceRequest:
    """Return the new request (flushed) for a visit, speaker or loan."""
    need(access, Access.WRITE, "Teachers of the network ask partners for visits and loans.")
    if not resource.requestable:
        raise PartnerError("This kind of resource is not asked for: link it to a lesson instead.")
    if resource.status != ResourceStatus.APPROVED.value:
        raise PartnerError("This resource is not offered now, so it cannot be asked for.", 409)
    request = ResourceRequest(
        resource_id=resource.id,
        requester_id=ctx.actor.id,
        dates=text(dates, "dates", 300, required="Say which dates would suit you."),
        class_info=text(class_info, "class_info", 300, required="Say which class it is for."),
    )
    request.history.append(
        RequestEvent(actor_id=ctx.actor.id, action="asked", message=text(message, "message", 5000))
    )
    ctx.session.add(request)
    ctx.session.flush()
    network = resource.network_id
    defer(ctx.session.info, RequestChanged(network, request.id, ctx.actor.id, "asked"))
    return request


def may_see(ctx: Ctx, request: ResourceRequest, access: Access) -> bool:
    """Return True for the teacher who asked, the organization's people and the leaders."""
    mine = ctx.user is not None and ctx.user.id == request.requester_id
    return mine or bool(access & Access.CURATE)


def answer(
    ctx: Ctx, request: ResourceRequest, access: Access, action: str, message: str
) -> ResourceRequest:
    """Return the request after `action`: "accept" or "decline" (the organization's people,
    while it waits), or "write" (a message from either side)."""
    if not may_see(ctx, request, access):
        raise PartnerError("There is no such request.", 404)
    body = text(message, "message", 5000)
    if action == "write":
        if not body:
            raise PartnerError("Write something first: the message is empty.", field="message")
        request.history.append(RequestEvent(actor_id=ctx.actor.id, action="wrote", message=body))
    elif action in ANSWERS:
        need(access, Access.CURATE, "The partner organization accepts or declines requests.")
        if request.status != RequestStatus.WAITING.value:
            raise PartnerError(f"This request was already {request.status}.", 409)
        request.status = ANSWERS[action].value
        request.history.append(
            RequestEvent(actor_id=ctx.actor.id, action=ANSWERS[action].value, message=body)
        )
    else:
        raise PartnerError("Choose to accept, decline or write a message.", field="action")
    ctx.session.flush()
    done = request.history[-1].action
    changed = RequestChanged(request.resource.network_id, request.id, ctx.actor.id, done)
    defer(ctx.session.info, changed)
    return request


def find_request(ctx: Ctx, network: Network, request_id: int) -> ResourceRequest:
    """Return the network's request; raise PartnerError(404) for any other id."""
    request = ctx.session.get(ResourceRequest, request_id)
    if request is None or request.resource.network_id != network.id:
        raise PartnerError("There is no such request.", 404)
    return request


def resource_requests(
    ctx: Ctx, resource: Resource, access: Access, user: User | None
) -> list[ResourceRequest]:
    """Return the requests for the resource the caller may see: all of them for its
    organization's people and the leaders, a teacher's own for a teacher."""
    query = select(ResourceRequest).where(ResourceRequest.resource_id == resource.id)
    if not access & Access.CURATE:
        query = query.where(ResourceRequest.requester_id == (user.id if user else -1))
    return list(ctx.session.scalars(query.order_by(ResourceRequest.created_at.desc())))


def partner_requests(ctx: Ctx, partner: Partner) -> list[ResourceRequest]:
    """Return every request to the organization, waiting ones first, newest first."""
    query = (
        select(ResourceRequest)
        .join(Resource, Resource.id == ResourceRequest.resource_id)
        .where(Resource.partner_id == partner.id)
        .order_by(
            (ResourceRequest.status != RequestStatus.WAITING.value),
            ResourceRequest.created_at.desc(),
        )
    )
    return list(ctx.session.scalars(query))
