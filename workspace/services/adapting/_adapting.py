"""Adapting lessons: a copy in another course that remembers its original, compares with it,
and brings in what changed there since, the way concurrent saves merge.

The copy carries `based_on: {course: "<network>/<course>", path, commit}` in its front matter
(so a clone knows it too); the `adaptations` table lets the original list its copies and is
kept current when either side is renamed or deleted. Bringing in changes merges three texts:
the original as it was copied (`commit`), as it is now, and the copy now; what only one side
changed combines, what both changed is the teacher's choice, paragraph by paragraph, on the
same screen as a conflicting save. The result is a save of the copy by the teacher, with
`commit` moved to the original's version brought in.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from sqlalchemy import select

from ...access import Access, find_course, permissions
from ...content.checks import image_references, lesson_title
from ...content.errors import ContentError
from ...content.frontmatter import parse_lesson, update_front_matter
from ...content.outline import parse_course
from ...content.paths import COURSE_FILE, title_from_slug
from ...git import GitStoreError
from ...models import Adaptation, Course, Network, User
from ..context import Ctx, LessonRef
from ..editing import (
    Choice,
    EditError,
    Resolution,
    SaveResult,
    read_text,
    resolve_paragraphs,
    save_lesson,
)
from ..exchange import Copied, copy_lessons


class AdaptError(EditError):
    """An adaptation that cannot be made or updated; the message says why."""


@dataclass(frozen=True)
class BasedOn:
    """Where a copy came from: the original's course ("network/course"), path and version."""

    course: str
    path: str
    commit: str

    def as_front_matter(self) -> dict[str, str]:
        return {"course": self.course, "path": self.path, "commit": self.commit}


def based_on(text: str) -> BasedOn | None:
    """Return the `based_on` of a lesson file, or None when it has none (or a broken one)."""
    try:
        value = parse_lesson(text).front_matter.get("based_on")
    except ContentError:
        return None
    return marked(value)


def marked(value: object) -> BasedOn | None:
    """Return a front matter `based_on` value as a BasedOn, None when it is not one."""
    if not isinstance(value, dict):
        return None
    course, path, commit = (value.get(k) for k in ("course", "path", "commit"))
    if not all(isinstance(v, str) and v for v in (course, path, commit)):
        return None
    return BasedOn(course, path, commit)  # type: ignore[arg-type]


def course_key(course: Course) -> str:
    return f"{course.network.slug}/{course.slug}"


def find_original_course(ctx: Ctx, key: str) -> Course | None:
    """Return the course a `based_on.course` names (following renames), or None."""
    net, _, slug = key.partition("/")
    network = ctx.session.scalar(select(Network).filter_by(slug=net))
    if network is None:
        return None
    course, _ = find_course(network, slug)
    return course


def _images_of(repo: Any, text: str, path: str, rev: str) -> dict[str, bytes]:
    """Return the bytes of every course image the lesson shows, by its reference."""
    folder = posixpath.dirname(path)
    found: dict[str, bytes] = {}
    for src, _, _ in image_references(text):
        target = unquote(src.split("#", 1)[0].split("?", 1)[0])
        joined = posixpath.normpath(posixpath.join(folder, target))
        if joined.startswith("../"):
            continue
        try:
            found[src] = repo.read_file(joined, rev)
        except GitStoreError:
            continue  # a missing image stays missing in the copy; the check says so
    return found


def _unit_titles(repo: Any, rev: str) -> dict[str, str]:
    text = read_text(repo, COURSE_FILE, rev)
    if text is None:
        return {}
    try:
        return {u.slug: u.title or title_from_slug(u.slug) for u in parse_course(text).units}
    except ContentError:
        return {}


@dataclass(frozen=True)
class Adapted:
    """The copies made: their paths in the target course, and the commit that made them."""

    paths: list[str]
    commit: str


def _may(ctx: Ctx, source: Course, target: Course) -> None:
    user = ctx.actor
    if not permissions(user, source.network, source, session=ctx.session) & Access.READ:
        raise AdaptError("You may not read the course this lesson comes from.")
    if Access.WRITE not in permissions(user, target.network, target, session=ctx.session):
        raise AdaptError(f"You may not change \u201c{target.title}\u201d.")


def adapt(
    ctx: Ctx,
    source: Course,
    target: Course,
    lessons: list[tuple[str, str]] | None = None,
    unit: str | None = None,
) -> Adapted:
    """Return the copies of `lessons` ([(unit, lesson)]; every listed lesson of the course
    when None) made in `target` as one commit by the acting user. Each keeps its unit (made
    in the target when missing) unless `unit` names another, and records its original."""
    _may(ctx, source, target)
    with ctx.store.open(source.id) as repo:
        head = repo.head()
        if head is None:
            raise AdaptError("The course this comes from has no lessons yet.")
        titles = _unit_titles(repo, head)
        if lessons is None:
            text = read_text(repo, COURSE_FILE, head) or ""
            try:
                outline = parse_course(text)
            except ContentError:
                raise AdaptError(
                    "The course's outline cannot be read; adapt lessons one by one."
                ) from None
            lessons = [(u.slug, name) for u in outline.units for name in u.lessons]
        copies, sources = [], []
        for unit_slug, lesson in lessons:
            path = f"units/{unit_slug}/lessons/{lesson}.md"
            text = read_text(repo, path, head)
            if text is None:
                continue
            mark = BasedOn(course_key(source), path, head)
            copied = update_front_matter(text, {"based_on": mark.as_front_matter()})
            place = unit or unit_slug
            copies.append(
                Copied(
                    copied,
                    f"{lesson}.md",
                    place,
                    titles.get(place) or titles.get(unit_slug) or title_from_slug(place),
                    _images_of(repo, text, path, head),
                    slug=None,
                )
            )
            sources.append((path, lesson_title(text) or title_from_slug(lesson)))
    if not copies:
        raise AdaptError("There is no lesson to adapt here.")
    if len(copies) == 1:
        message = f"Adapt lesson: {sources[0][1]} (from {source.title})"
    else:
        message = f"Adapt {{what}} from {source.title}"
    planned, result = copy_lessons(ctx, target, copies, label=source.title, message=message)
    for (path, _), lesson in zip(sources, planned, strict=True):
        ctx.session.add(
            Adaptation(
                source_course_id=source.id,
                source_path=path,
                target_course_id=target.id,
                target_path=lesson.path,
                base_commit=head,
                created_by_id=ctx.actor.id,
            )
        )
    ctx.session.commit()
    return Adapted([lesson.path for lesson in planned], result.commit)


def writable_courses(ctx: Ctx, user: User) -> list[Course]:
    """Return the courses `user` may change, by network then title (where to adapt into)."""
    from ...models import Membership

    query = select(Course).join(Network, Network.id == Course.network_id)
    if not user.is_site_admin:
        query = query.join(Membership, Membership.network_id == Network.id).where(
            Membership.user_id == user.id
        )
    courses = ctx.session.scalars(query.order_by(Network.name, Course.title)).unique()
    return [
        course
        for course in courses
        if Access.WRITE in permissions(user, course.network, course, session=ctx.session)
    ]


def adaptations_of(ctx: Ctx, course: Course, path: str, viewer: User | None) -> list[Adaptation]:
    """Return the copies of a lesson the viewer may read, oldest first."""
    rows = ctx.session.scalars(
        select(Adaptation)
        .filter_by(source_course_id=course.id, source_path=path)
        .order_by(Adaptation.id)
    )
    return [
        row
        for row in rows
        if permissions(viewer, row.target_course.network, row.target_course, session=ctx.session)
        & Access.READ
    ]


@dataclass(frozen=True)
class Original:
    """A copy's original as the copy's page shows it."""

    mark: BasedOn
    course: Course | None  # None: gone, or not readable by the viewer
    path: str  # where the original is now (it may have been renamed)
    copied_text: str | None  # the original as it was copied
    current_text: str | None  # the original now (None: deleted)
    title: str

    @property
    def changed(self) -> bool:
        """Return True when the original changed since it was copied."""
        return self.course is not None and self.copied_text != self.current_text


def original_of(ctx: Ctx, mark: BasedOn, viewer: User | None) -> Original:
    """Return the original a copy's `based_on` names, as the viewer may see it."""
    course = find_original_course(ctx, mark.course)
    if (
        course is None
        or not permissions(viewer, course.network, course, session=ctx.session) & Access.READ
    ):
        return Original(
            mark, None, mark.path, None, None, title_from_slug(posixpath.basename(mark.path)[:-3])
        )
    with ctx.store.open(course.id) as repo:
        head = repo.head() or mark.commit
        path = mark.path
        try:
            copied = read_text(repo, path, mark.commit)
        except GitStoreError:
            copied = None
        current = read_text(repo, path, head)
        if current is None and copied is not None:
            try:
                moved = repo.renamed_to(path, mark.commit, head)
            except GitStoreError:
                moved = None
            if moved:
                path, current = moved, read_text(repo, moved, head)
    name = lesson_title(current or copied or "") or title_from_slug(posixpath.basename(path)[:-3])
    return Original(mark, course, path, copied, current, name)


@dataclass(frozen=True)
class Pulled:
    """What bringing in the original's changes did: "current" (nothing to bring in),
    "saved" (combined and saved: `result`), or "choose" (both changed the same places:
    `resolution` holds them, nothing was written)."""

    status: str
    result: SaveResult | None = None
    resolution: Resolution | None = None
    original: Original | None = None


def bring_in(
    ctx: Ctx,
    ref: LessonRef,
    base_commit: str,
    choices: Mapping[str, Choice] | None = None,
    fingerprint: str | None = None,
) -> Pulled:
    """Return the result of merging the original's changes since the copy into the copy
    (as it is at `base_commit`, the version the teacher looked at)."""
    with ctx.store.open(ref.course.id) as repo:
        yours = read_text(repo, ref.path, base_commit)
    if yours is None:
        raise AdaptError("This lesson is not in that version of the course.")
    mark = based_on(yours)
    if mark is None:
        raise AdaptError("This lesson is not adapted from another: there is no original.")
    found = original_of(ctx, mark, ctx.actor)
    if found.course is None:
        raise AdaptError("The original is gone, or you may no longer read it.")
    if found.current_text is None:
        raise AdaptError("The original lesson was deleted: there is nothing to bring in.")
    if not found.changed:
        return Pulled("current", original=found)
    keep = {"based_on": found.mark.as_front_matter()}
    try:
        ancestor = update_front_matter(found.copied_text or "", keep) if found.copied_text else ""
        theirs = update_front_matter(found.current_text, keep)
    except ContentError:
        raise AdaptError(
            "The original's details cannot be read, so its changes cannot be brought in."
        ) from None
    resolution = resolve_paragraphs(ancestor or None, theirs, yours)
    if resolution.conflicts and (choices is None or fingerprint != resolution.fingerprint):
        return Pulled("choose", resolution=resolution, original=found)
    text = resolution.compose(choices or {})
    with ctx.store.open(found.course.id) as repo:
        now = repo.head() or found.mark.commit
    moved = BasedOn(found.mark.course, found.path, now)
    text = update_front_matter(text, {"based_on": moved.as_front_matter()})
    result = save_lesson(
        ctx, ref, text, base_commit, f"Bring in changes from the original: {found.title}"
    )
    row = ctx.session.scalar(
        select(Adaptation).filter_by(target_course_id=ref.course.id, target_path=result.path)
    )
    if row is not None:
        row.base_commit, row.source_path = now, found.path
        ctx.session.commit()
    return Pulled("saved", result=result, original=found)


def follow_rename(ctx: Ctx, course_id: int, old: str, new: str) -> int:
    """Return how many adaptation records followed a lesson renamed from `old` to `new`."""
    moved = 0
    for row in ctx.session.scalars(
        select(Adaptation).filter_by(source_course_id=course_id, source_path=old)
    ):
        row.source_path, moved = new, moved + 1
    for row in ctx.session.scalars(
        select(Adaptation).filter_by(target_course_id=course_id, target_path=old)
    ):
        row.target_path, moved = new, moved + 1
    return moved


def forget_copy(ctx: Ctx, course_id: int, path: str) -> int:
    """Return how many records were dropped for a copy deleted from its course."""
    rows = list(
        ctx.session.scalars(
            select(Adaptation).filter_by(target_course_id=course_id, target_path=path)
        )
    )
    for row in rows:
        ctx.session.delete(row)
    return len(rows)


def tracked_paths(ctx: Ctx, course_id: int) -> set[str]:
    """Return the course's lessons that are originals or copies (for renames by push)."""
    found = set(
        ctx.session.scalars(select(Adaptation.source_path).filter_by(source_course_id=course_id))
    )
    found |= set(
        ctx.session.scalars(select(Adaptation.target_path).filter_by(target_course_id=course_id))
    )
    return found
