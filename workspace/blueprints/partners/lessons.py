"""Linking and unlinking a resource from the lesson page: each is a commit by the person who
asks, written into the lesson's list of resources; the page then lists it with its partner."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from ...access import Access
from ...extensions import db
from ...models import Course, Network, Partner, Resource
from ...runtime import ctx
from ...services import partners
from ...services.context import LessonRef
from ...services.partners import PartnerError
from .._guards import course_with_partner, require_course
from ._shared import bp, form_text

LESSON_URL = "/<course>/lessons/<unit>/<lesson>/resources"


def _lesson_url(network: Network, row: Course, unit: str, lesson: str) -> str:
    return url_for(
        "lessons.lesson",
        net=network.slug,
        course=row.slug,
        unit=unit,
        lesson=lesson,
        _anchor="resources-heading",
    )


def _resource(network: Network, resource_id: int) -> Resource | None:
    found = db.session.get(Resource, resource_id)
    return found if found is not None and found.network_id == network.id else None


def _access(network: Network, row: Course, partner: Partner | None) -> Access:
    if partner is None:
        return require_course(network.slug, row.slug)[2]
    return course_with_partner(network, row.slug, partner)[1]


@bp.post(LESSON_URL)
@login_required
def link_lesson(net: str, course: str, unit: str, lesson: str) -> ResponseReturnValue:
    """Link a resource chosen on the lesson page (lesson writers; an organization's people
    for its own resources)."""
    network, row, _access_here = require_course(net, course)
    raw = form_text("resource_id").strip()
    found = _resource(network, int(raw)) if raw.isdigit() and len(raw) < 12 else None
    if found is None:
        flash("Choose one of the network's resources to link.", "error")
        return redirect(_lesson_url(network, row, unit, lesson))
    access = _access(network, row, found.partner)
    if not partners.may_link(access):
        abort(403)
    return _done(
        network,
        row,
        unit,
        lesson,
        lambda: partners.link(ctx(), LessonRef(row, unit, lesson), found, access),
        "linked",
    )


@bp.post(f"{LESSON_URL}/<int:resource_id>/unlink")
@login_required
def unlink_lesson(
    net: str, course: str, unit: str, lesson: str, resource_id: int
) -> ResponseReturnValue:
    """Take a resource off the lesson's list (lesson writers; its organization's people)."""
    network, row, _access_here = require_course(net, course)
    found = _resource(network, resource_id)
    access = _access(network, row, found.partner if found is not None else None)
    if not partners.may_link(access):
        abort(403)
    title = found.title if found is not None else form_text("title")[:200] or "a resource"
    return _done(
        network,
        row,
        unit,
        lesson,
        lambda: partners.unlink(ctx(), LessonRef(row, unit, lesson), resource_id, title, access),
        "unlinked",
    )


def _done(
    network: Network, row: Course, unit: str, lesson: str, change: object, verb: str
) -> ResponseReturnValue:
    try:
        done = change()  # type: ignore[operator]
    except PartnerError as exc:
        db.session.rollback()
        if exc.status in (403, 404):
            abort(exc.status)
        flash(exc.message, "error")
        return redirect(_lesson_url(network, row, unit, lesson))
    db.session.commit()
    if done.changed:
        flash(f"The resource is {verb}. The lesson's history shows the change.", "success")
    else:
        flash(f"Nothing changed: the resource was already {verb}.", "info")
    return redirect(_lesson_url(network, row, unit, lesson))
