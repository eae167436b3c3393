"""API views on partners: add or propose an organization, add its resources, approve and
retire them, read a resource with the lessons linking it, and link or unlink a resource to a
lesson (a commit by the caller). See DESIGN.md, "Partners and resources (contract)".
"""

from __future__ import annotations

from typing import Any

from flask import abort, request
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from ...access import Access, permissions
from ...extensions import db
from ...models import Network, Partner, Resource
from ...runtime import ctx
from ...services import partners
from ...services.context import LessonRef
from ...services.partners import PartnerError, PartnerFields, ResourceFields
from . import acting_user, bp, caller, course_for, error, json_body, text_field

NOT_FOUND = "There is no such network, or you do not have access to it."


@bp.errorhandler(PartnerError)
def partner_error(exc: PartnerError) -> tuple[Response, int]:
    """Answer a partners request that cannot be done, with the field it is about."""
    db.session.rollback()
    return error(exc.status, exc.message, **({"field": exc.field} if exc.field else {}))


def _network(net: str, partner: Partner | None = None) -> tuple[Network, Access]:
    network = db.session.scalar(db.select(Network).filter_by(slug=net))
    if network is None:
        abort(404, description=NOT_FOUND)
    who = caller()
    granted = permissions(who.user, network, token_scope=who.token_scope, partner=partner)
    if not granted & Access.READ:
        abort(404, description=NOT_FOUND)
    return network, granted


def _need(granted: Access, need: Access) -> None:
    if (granted & need) != need:
        abort(403, description="Your role in this network does not allow this.")


def _partner(net: str, partner_id: int, need: Access) -> tuple[Network, Partner, Access]:
    network, _ = _network(net)
    found = db.session.get(Partner, partner_id)
    if found is None or found.network_id != network.id:
        abort(404, description="There is no such partner organization in this network.")
    _, granted = _network(net, found)
    if not partners.visible(found, granted):
        abort(404, description="There is no such partner organization in this network.")
    _need(granted, need)
    return network, found, granted


def _resource(net: str, resource_id: int, need: Access) -> tuple[Network, Resource, Access]:
    network, _ = _network(net)
    found = db.session.get(Resource, resource_id)
    missing = "There is no such resource in this network."
    if found is None or found.network_id != network.id:
        abort(404, description=missing)
    _, granted = _network(net, found.partner)
    if not partners.resource_visible(found, granted):
        abort(404, description=missing)
    _need(granted, need)
    return network, found, granted


def _text(data: dict[str, Any], name: str) -> str:
    return text_field(data, name, required=False) or ""


def resource_json(resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.id,
        "partner": {"id": resource.partner.id, "name": resource.partner.name},
        "title": resource.title,
        "url": resource.url,
        "kind": resource.kind,
        "description": resource.description,
        "grade_band": resource.grade_band,
        "standards": resource.standard_codes,
        "license": resource.license,
        "availability": resource.availability,
        "owner": resource.owner.username if resource.owner is not None else None,
        "status": resource.status,
    }


@bp.post("/n/<net>/partners")
def add_partner(net: str) -> tuple[dict[str, Any], int]:
    """Add an organization (leaders: approved) or propose one (partner members): 201."""
    network, granted = _network(net)
    _need(granted, Access.CURATE)
    data = json_body()
    fields = PartnerFields(
        **{
            name: _text(data, name)
            for name in ("name", "kind", "website", "description", "contact_name", "contact_email")
        }
    )
    found = partners.add_partner(ctx(acting_user()), network, granted, fields)
    db.session.commit()
    return {"id": found.id, "status": found.status, "name": found.name}, 201


@bp.post("/n/<net>/partners/<int:partner_id>/resources")
def add_resource(net: str, partner_id: int) -> tuple[dict[str, Any], int]:
    """Add a resource of the organization: 201 with its status, proposed or approved."""
    _network_row, found, granted = _partner(net, partner_id, Access.CURATE)
    data = json_body()
    standards = data.pop("standards", None)
    values = {name: _text(data, name) for name in ResourceFields.__dataclass_fields__}
    if isinstance(standards, list):
        values["standards"] = " ".join(str(code) for code in standards)
    elif standards is not None:
        values["standards"] = _text({"standards": standards}, "standards")
    resource = partners.add_resource(ctx(acting_user()), found, granted, ResourceFields(**values))
    db.session.commit()
    return {"id": resource.id, "status": resource.status}, 201


@bp.get("/n/<net>/resources/<int:resource_id>")
def resource(net: str, resource_id: int) -> dict[str, Any]:
    """Return the resource and every lesson of the network's courses that links it."""
    network, found, _granted = _resource(net, resource_id, Access.READ)
    try:
        partners.index_network(ctx(), network)
        db.session.commit()
    except IntegrityError:  # another request indexed the same change at the same moment
        db.session.rollback()
    lessons = [
        {"course": use.course.slug, "path": use.path, "title": use.title}
        for use in partners.resource_lessons(ctx(), found)
    ]
    return {**resource_json(found), "lessons": lessons}


@bp.post("/n/<net>/resources/<int:resource_id>/approve")
def approve_resource(net: str, resource_id: int) -> dict[str, Any]:
    """Approve the resource (leaders)."""
    _network_row, found, granted = _resource(net, resource_id, Access.MANAGE)
    partners.approve_resource(ctx(acting_user()), found, granted)
    db.session.commit()
    return resource_json(found)


@bp.post("/n/<net>/resources/<int:resource_id>/retire")
def retire_resource(net: str, resource_id: int) -> dict[str, Any]:
    """Retire the resource (leaders); lessons linking it show it as retired."""
    _network_row, found, granted = _resource(net, resource_id, Access.MANAGE)
    partners.retire_resource(ctx(acting_user()), found, granted)
    db.session.commit()
    return resource_json(found)


LESSON_RESOURCES = "/n/<net>/<course>/lessons/<unit>/<lesson>/resources"


def _resource_id(data: dict[str, Any]) -> int:
    value = data.get("resource_id", request.args.get("resource_id"))
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        abort(400, description="Send “resource_id”: the id of one of the network's resources.")
    return value


def _lesson_access(net: str, course: str, partner: Partner | None) -> tuple[Any, Access]:
    network, row, granted = course_for(net, course)
    if partner is not None:
        who = caller()
        granted = permissions(who.user, network, row, token_scope=who.token_scope, partner=partner)
    if not partners.may_link(granted):
        abort(403, description="Your role in this network does not allow linking resources.")
    return row, granted


@bp.post(LESSON_RESOURCES)
def link(net: str, course: str, unit: str, lesson: str) -> dict[str, Any]:
    """Link a resource to the lesson: a commit by the caller; linking twice does nothing."""
    network, _row, _granted = course_for(net, course)
    resource_id = _resource_id(json_body())
    found = db.session.get(Resource, resource_id)
    if found is None or found.network_id != network.id:
        abort(404, description="There is no such resource in this network.")
    row, granted = _lesson_access(net, course, found.partner)
    done = partners.link(ctx(acting_user()), LessonRef(row, unit, lesson), found, granted)
    db.session.commit()
    return {"commit": done.commit, "changed": done.changed}


@bp.delete(LESSON_RESOURCES)
def unlink(net: str, course: str, unit: str, lesson: str) -> dict[str, Any]:
    """Unlink a resource from the lesson: a commit by the caller (nothing if not linked)."""
    network, _row, _granted = course_for(net, course)
    data = json_body() if request.content_length else {}
    resource_id = _resource_id(data)
    found = db.session.get(Resource, resource_id)
    if found is not None and found.network_id != network.id:
        found = None
    row, granted = _lesson_access(net, course, found.partner if found is not None else None)
    title = found.title if found is not None else "a resource"
    done = partners.unlink(
        ctx(acting_user()), LessonRef(row, unit, lesson), resource_id, title, granted
    )
    db.session.commit()
    return {"commit": done.commit, "changed": done.changed}
