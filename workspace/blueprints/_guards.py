"""The permission function at the web edge: load what a view acts on, or refuse.

`require_network()` / `require_course()` load the object for a view and refuse with 404 when the
user may not even see it (so private networks do not leak their existence) or 403 when they may
see it but not do the thing asked. Both ask `access.permissions()`, like the API and git.
"""

from __future__ import annotations

from flask import abort, redirect, request
from flask_login import current_user

from ..access import Access, Guest, find_course, guest_access, permissions
from ..extensions import db
from ..models import Course, Network, Partner, Resource, User
from ..services.partners import resource_visible
from ..web import this_page_url


def _current_user() -> User | None:
    return current_user if current_user.is_authenticated else None  # type: ignore[return-value]


def _refuse(granted: Access, need: Access) -> None:
    if not granted & Access.READ:
        abort(404)
    if (granted & need) != need:
        abort(403)


def require_network(slug: str, need: Access = Access.READ) -> tuple[Network, Access]:
    """Return the network and the current user's access, or abort with 404/403."""
    network = db.session.scalar(db.select(Network).filter_by(slug=slug))
    if network is None:
        abort(404)
    granted = permissions(_current_user(), network)
    _refuse(granted, need)
    return network, granted


def require_course(
    net: str, slug: str, need: Access = Access.READ, guest: Guest | None = None
) -> tuple[Network, Course, Access]:
    """Return the network, course and access for a course URL, or abort with 404/403.

    A renamed course's old slug redirects to the same page under the new slug (views name
    their URL arguments `net` and `course`), so old links and clone URLs keep working. With
    `guest`, a knowledgeable other invited to a cycle gets in on that cycle's pages only.
    """
    network = db.session.scalar(db.select(Network).filter_by(slug=net))
    if network is None:
        abort(404)
    course, redirected = find_course(network, slug)
    if course is None:
        abort(404)
    granted = permissions(_current_user(), network, course)
    if not granted & Access.READ and guest is not None:
        # A knowledgeable other invited to one cycle sees that cycle and its lesson only.
        granted = guest_access(db.session, _current_user(), course, guest)
    _refuse(granted, need)
    if redirected and request.endpoint:
        code = 301 if request.method in ("GET", "HEAD") else 308
        abort(redirect(this_page_url(course=course.slug), code=code))
    return network, course, granted


def require_partner(
    net: str, partner_id: int, need: Access = Access.READ
) -> tuple[Network, Partner, Access]:
    """Return the network, one of its partner organizations and the current user's access to
    it (asked with `partner=`), or abort: 404 for an organization the user may not see (a
    proposed one is seen by its people and the leaders only), 403 for what they may not do."""
    network, _ = require_network(net)
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.network_id != network.id:
        abort(404)
    granted = permissions(_current_user(), network, partner=partner)
    if not partner.is_approved and not granted & Access.CURATE:
        abort(404)
    _refuse(granted, need)
    return network, partner, granted


def require_resource(
    net: str, resource_id: int, need: Access = Access.READ
) -> tuple[Network, Resource, Access]:
    """Return the network, one of its resources and the current user's access to it (asked
    with its organization as `partner=`), or abort with 404 (a proposed resource is seen by
    its organization's people and the leaders only) or 403."""
    network, _ = require_network(net)
    resource = db.session.get(Resource, resource_id)
    if resource is None or resource.network_id != network.id:
        abort(404)
    granted = permissions(_current_user(), network, partner=resource.partner)
    if not resource_visible(resource, granted):
        abort(404)
    _refuse(granted, need)
    return network, resource, granted


def course_with_partner(network: Network, slug: str, partner: Partner) -> tuple[Course, Access]:
    """Return a course of the network and the current user's access to it, asked with
    `partner=` (an organization's people link its resources to lessons), or abort with 404."""
    course, _ = find_course(network, slug)
    if course is None:
        abort(404)
    granted = permissions(_current_user(), network, course, partner=partner)
    if not granted & Access.READ:
        abort(404)
    return course, granted
