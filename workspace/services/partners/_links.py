"""Linking a resource to a lesson: a commit by the acting user that adds `{id, title, url}` to
the lesson's front matter `resources:` list (or takes it out), every other byte unchanged.

The edit goes through the editing service like any save (the same checks, merge with a save
made meanwhile, an Activity line and a LessonSaved event), so a clone carries the link and the
lesson's history shows when it came. Linking twice, or unlinking what is not linked, commits
nothing. Lesson writers link any approved resource; an organization's people link their own
(DESIGN: "link resources: own organization's"); the caller's Access, asked with the course and
the resource's `partner=`, says which applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ...access import Access
from ...content import ContentError, ResourceLink
from ...content.paths import parse_lesson_path
from ...content.resource_links import LinkEntry, link_resource, unlink_resource
from ...models import Course, Network, Partner, Resource, ResourceStatus, ResourceUse
from ..context import Ctx, LessonRef
from ..editing import EditError, save_lesson
from ..reading import LessonNotFound, lesson_file
from ._common import PartnerError


@dataclass(frozen=True)
class LinkResult:
    """What linking or unlinking did: the version the lesson is at, and whether it changed."""

    commit: str
    changed: bool


def may_link(access: Access) -> bool:
    """Return True if `access` (asked with the course and the resource's partner) links."""
    return bool(access & Access.WRITE or access & Access.CURATE)


def _edit(ctx: Ctx, ref: LessonRef, change: object, message: str) -> LinkResult:
    try:
        found = lesson_file(ctx, ref)
    except LessonNotFound as exc:
        raise PartnerError(exc.message, 404) from None
    try:
        text = change(found.content)  # type: ignore[operator]
    except ContentError:
        raise PartnerError(
            "The lesson's details (its title, standards and other facts) cannot be read, so "
            "nothing was changed. Open the lesson in the editor to fix them first.",
            status=422,
        ) from None
    if text == found.content:
        return LinkResult(found.commit, False)
    try:
        saved = save_lesson(ctx, ref, text, found.commit, message)
    except EditError as exc:
        raise PartnerError(exc.message, status=exc.http_status) from None
    return LinkResult(saved.commit, not saved.unchanged)


def link(ctx: Ctx, ref: LessonRef, resource: Resource, access: Access) -> LinkResult:
    """Return the result of linking `resource` to the lesson; raise PartnerError (403 for a
    reader, 409 for a resource that is not approved, 404 for a lesson that is not there)."""
    if not may_link(access):
        raise PartnerError("Your role in this network does not allow linking resources.", 403)
    if resource.status != ResourceStatus.APPROVED.value or not resource.partner.is_approved:
        word = "retired" if resource.status == ResourceStatus.RETIRED.value else "not approved yet"
        raise PartnerError(f"This resource is {word}, so it cannot be linked.", status=409)
    entry = LinkEntry(resource.id, resource.title, resource.url)
    return _edit(
        ctx,
        ref,
        lambda text: link_resource(text, entry),
        f"Link resource: {resource.title}",
    )


def unlink(ctx: Ctx, ref: LessonRef, resource_id: int, title: str, access: Access) -> LinkResult:
    """Return the result of taking the resource `resource_id` off the lesson's list."""
    if not may_link(access):
        raise PartnerError("Your role in this network does not allow unlinking resources.", 403)
    return _edit(
        ctx,
        ref,
        lambda text: unlink_resource(text, resource_id),
        f"Unlink resource: {title}",
    )


@dataclass(frozen=True)
class LinkedResource:
    """A resource a lesson links, as the lesson page shows it: what the lesson says (title,
    address) and, when it is one of the network's, its partner, kind and status."""

    id: str
    title: str
    url: str | None
    resource: Resource | None

    @property
    def retired(self) -> bool:
        return self.resource is not None and self.resource.status == ResourceStatus.RETIRED.value


def lesson_resources(ctx: Ctx, network: Network, links: list[ResourceLink]) -> list[LinkedResource]:
    """Return the lesson's linked resources, each with the network's resource it names."""
    ids = [int(link.id) for link in links if link.id.isdigit() and len(link.id) < 12]
    found = {
        r.id: r
        for r in ctx.session.scalars(
            select(Resource).where(Resource.id.in_(ids), Resource.network_id == network.id)
        )
    }
    return [
        LinkedResource(
            link.id,
            link.title,
            link.url,
            found.get(int(link.id)) if link.id.isdigit() and len(link.id) < 12 else None,
        )
        for link in links
    ]


@dataclass(frozen=True)
class LessonUse:
    """A lesson that links a resource: its course, unit and lesson names, and title."""

    course: Course
    unit: str
    lesson: str
    title: str

    @property
    def path(self) -> str:
        return f"{self.unit}/{self.lesson}"


def resource_lessons(ctx: Ctx, resource: Resource) -> list[LessonUse]:
    """Return the lessons of the network's courses that link the resource (from the index)."""
    rows = ctx.session.execute(
        select(ResourceUse, Course)
        .join(Course, Course.id == ResourceUse.course_id)
        .where(ResourceUse.resource_id == resource.id, Course.network_id == resource.network_id)
        .order_by(Course.title, ResourceUse.title, ResourceUse.path)
    )
    found = []
    for use, course in rows:
        names = parse_lesson_path(use.path)
        if names is not None:
            found.append(LessonUse(course, names[0], names[1], use.title or names[1]))
    return found


def partner_lessons(ctx: Ctx, partner: Partner) -> dict[int, list[LessonUse]]:
    """Return, per resource id of the organization, the lessons linking it."""
    rows = ctx.session.execute(
        select(ResourceUse, Course)
        .join(Course, Course.id == ResourceUse.course_id)
        .join(Resource, Resource.id == ResourceUse.resource_id)
        .where(Resource.partner_id == partner.id, Course.network_id == partner.network_id)
        .order_by(Course.title, ResourceUse.title)
    )
    found: dict[int, list[LessonUse]] = {}
    for use, course in rows:
        names = parse_lesson_path(use.path)
        if names is not None:
            lessons = found.setdefault(use.resource_id, [])
            lessons.append(LessonUse(course, names[0], names[1], use.title or names[1]))
    return found
