"""Partner resources: proposing one, its page (with every lesson linking it), changing it,
approving and retiring it, linking it to a lesson from its page, and requests for visits,
speakers and loans."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...access import Access
from ...extensions import db
from ...git import GitStoreError
from ...models import Network, Resource, ResourceRequest
from ...runtime import ctx
from ...services import partners, reading
from ...services.context import LessonRef
from ...services.courses import network_courses
from ...services.partners import PartnerError, ResourceFields
from .._guards import course_with_partner, require_network, require_partner, require_resource
from ..reading import reading_caches
from ._shared import again, bp, form_text, fresh_index

FIELDS = (
    "title",
    "url",
    "kind",
    "description",
    "grade_band",
    "standards",
    "license",
    "availability",
)


def resource_url(network: Network, resource: Resource, **extra: object) -> str:
    return url_for("partners.resource", net=network.slug, resource_id=resource.id, **extra)


def _fields() -> ResourceFields:
    return ResourceFields(**{name: form_text(name) for name in FIELDS})


@bp.route("/partners/<int:partner_id>/resources/new", methods=["GET", "POST"])
@login_required
def new_resource(net: str, partner_id: int) -> ResponseReturnValue:
    """Add a resource of the organization: proposed for a leader's approval when its people
    add it, approved at once when a leader does."""
    network, partner, access = require_partner(net, partner_id, Access.CURATE)
    page = {"network": network, "partner": partner, "access": access, "resource": None}
    if request.method == "GET":
        return render_template("partners/edit_resource.html", posted={}, error=None, **page)
    try:
        resource = partners.add_resource(ctx(), partner, access, _fields())
    except PartnerError as exc:
        return again("partners/edit_resource.html", exc, **page)
    db.session.commit()
    if resource.status == "approved":
        flash("The resource is approved: teachers can link it to their lessons.", "success")
    else:
        flash("The resource is proposed. A leader of the network will review it.", "success")
    return redirect(resource_url(network, resource))


def _lesson_choices(network: Network, access: Access) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return (course title, [(value, lesson title)]) for the link form."""
    choices = []
    context, caches = ctx(), reading_caches()
    for course in network_courses(db.session, network):
        if course.is_archived:
            continue
        try:
            view = reading.course_page(context, course, caches=caches)
        except GitStoreError:
            continue
        lessons = [
            (f"{course.slug}/{e.unit}/{e.slug}", e.title)
            for e in view.index.lessons
            if e.status != "missing"
        ]
        if lessons:
            choices.append((course.title, lessons))
    return choices


@bp.get("/partners/resources/<int:resource_id>")
def resource(net: str, resource_id: int) -> ResponseReturnValue:
    """A resource's page: what it is, who offers it, and every lesson that links it."""
    network, found, access = require_resource(net, resource_id)
    return resource_page(network, found, access)


def resource_page(
    network: Network, found: Resource, access: Access, error: PartnerError | None = None
) -> str:
    """Return the resource's page (with a refused form's problem, when there is one)."""
    fresh_index(network)
    context = ctx()
    user = current_user if current_user.is_authenticated else None
    may_link = partners.may_link(access) and found.status == "approved"
    return render_template(
        "partners/resource.html",
        network=network,
        resource=found,
        partner=found.partner,
        access=access,
        lessons=partners.resource_lessons(context, found),
        requests=partners.resource_requests(context, found, access, user),
        choices=_lesson_choices(network, access) if may_link else [],
        error=error,
        posted=request.form if error else {},
    )


@bp.route("/partners/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@login_required
def edit_resource(net: str, resource_id: int) -> ResponseReturnValue:
    """Change a resource (its organization's people and the leaders)."""
    network, found, access = require_resource(net, resource_id, Access.CURATE)
    page = {"network": network, "partner": found.partner, "access": access, "resource": found}
    if request.method == "GET":
        posted = {name: getattr(found, name) for name in FIELDS}
        posted["standards"] = ", ".join(found.standard_codes)
        return render_template("partners/edit_resource.html", posted=posted, error=None, **page)
    try:
        partners.update_resource(ctx(), found, access, _fields())
    except PartnerError as exc:
        return again("partners/edit_resource.html", exc, **page)
    db.session.commit()
    flash("The resource is saved.", "success")
    return redirect(resource_url(network, found))


def _decide(net: str, resource_id: int, decision: str) -> ResponseReturnValue:
    network, found, access = require_resource(net, resource_id, Access.MANAGE)
    try:
        if decision == "approve":
            partners.approve_resource(ctx(), found, access)
        else:
            partners.retire_resource(ctx(), found, access)
    except PartnerError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(resource_url(network, found))
    db.session.commit()
    if decision == "approve":
        flash("The resource is approved: teachers can link it to their lessons.", "success")
    else:
        flash("The resource is retired. Lessons that link it show it as retired.", "success")
    return redirect(resource_url(network, found))


@bp.post("/partners/resources/<int:resource_id>/approve")
@login_required
def approve_resource(net: str, resource_id: int) -> ResponseReturnValue:
    """Approve a proposed (or retired) resource (leaders)."""
    return _decide(net, resource_id, "approve")


@bp.post("/partners/resources/<int:resource_id>/retire")
@login_required
def retire_resource(net: str, resource_id: int) -> ResponseReturnValue:
    """Retire a resource (leaders); lessons that link it keep it, marked retired."""
    return _decide(net, resource_id, "retire")


@bp.post("/partners/resources/<int:resource_id>/link")
@login_required
def link_to_lesson(net: str, resource_id: int) -> ResponseReturnValue:
    """Link the resource to a lesson chosen on its page (lesson writers; the organization's
    people for its own resources)."""
    network, found, _access = require_resource(net, resource_id)
    parts = form_text("lesson").strip().split("/")
    if len(parts) != 3 or not all(parts):
        return resource_page(network, found, _access, _choose_lesson()), 422
    course, access = course_with_partner(network, parts[0], found.partner)
    if not partners.may_link(access):
        abort(403)
    try:
        done = partners.link(ctx(), LessonRef(course, parts[1], parts[2]), found, access)
    except PartnerError as exc:
        db.session.rollback()
        if exc.status in (403, 404):
            abort(exc.status)
        return resource_page(network, found, access, exc), exc.status
    db.session.commit()
    flash(
        "The resource is linked to the lesson."
        if done.changed
        else "The lesson already links this resource: nothing changed.",
        "success",
    )
    return redirect(resource_url(network, found))


def _choose_lesson() -> PartnerError:
    return PartnerError("Choose the lesson to link it to.", field="lesson")


@bp.post("/partners/resources/<int:resource_id>/requests")
@login_required
def ask(net: str, resource_id: int) -> ResponseReturnValue:
    """Ask the organization for a visit, a speaker or a loan (teachers)."""
    network, found, access = require_resource(net, resource_id, Access.WRITE)
    try:
        asked = partners.ask(
            ctx(), found, access, form_text("dates"), form_text("class_info"), form_text("message")
        )
    except PartnerError as exc:
        db.session.rollback()
        return resource_page(network, found, access, exc), exc.status
    db.session.commit()
    flash(f"Your request is sent to {found.partner.name}.", "success")
    return redirect(url_for("partners.request_page", net=network.slug, request_id=asked.id))


def _request(net: str, request_id: int) -> tuple[Network, ResourceRequest, Access]:
    network, _ = require_network(net)
    try:
        found = partners.find_request(ctx(), network, request_id)
    except PartnerError:
        abort(404)
    _n, _p, access = require_partner(net, found.resource.partner_id)
    if not partners.may_see(ctx(), found, access):
        abort(404)
    return network, found, access


@bp.get("/partners/requests/<int:request_id>")
@login_required
def request_page(net: str, request_id: int) -> ResponseReturnValue:
    """A request and its history (the teacher who asked, the organization and the leaders)."""
    network, found, access = _request(net, request_id)
    return render_template(
        "partners/request.html", network=network, found=found, access=access, error=None
    )


@bp.post("/partners/requests/<int:request_id>")
@login_required
def answer(net: str, request_id: int) -> ResponseReturnValue:
    """Accept or decline a request (the organization), or write a message (either side)."""
    network, found, access = _request(net, request_id)
    try:
        partners.answer(ctx(), found, access, form_text("action"), form_text("message"))
    except PartnerError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        page = render_template(
            "partners/request.html",
            network=network,
            found=found,
            access=access,
            error=exc,
            posted=request.form,
        )
        return page, exc.status
    db.session.commit()
    flash("The request is updated.", "success")
    return redirect(url_for("partners.request_page", net=network.slug, request_id=found.id))
