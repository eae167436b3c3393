"""Units of a course: add, rename, reorder and delete them, each as one commit.

A unit is its folder `units/<unit>/` (an optional unit.md overview, lessons/ and images)
plus its entry in course.yaml; both change in the same commit.
"""

from __future__ import annotations

from ...content import course_edit
from ...content.errors import ContentError
from ...content.frontmatter import compose_lesson, update_front_matter
from ...content.paths import COURSE_FILE, slugify, unique_slug
from ...git import Change, CourseRepo, Delete, Rename, TreeEntry, Write
from ...models import Course
from ..context import Ctx
from ._errors import EditError, NameTaken, SaveResult, UnitNotEmpty
from ._landing import (
    Landing,
    course_outline,
    edited_outline,
    lesson_files,
    open_edit,
    outline_write,
    read_text,
    require_unit,
    resolve_base,
    title_in,
    valid_slug,
)
from ._organizing import listed_at_head, outline_commit, stepped


def reorder_units(ctx: Ctx, course: Course, ordered: list[str]) -> SaveResult:
    """Return the result of putting the course's units in the order given (course.yaml)."""
    landing = Landing("reordered", "reordered the units", COURSE_FILE)
    return outline_commit(ctx, course, "Reorder units", landing, course_edit.reorder_units, ordered)


def move_unit_step(ctx: Ctx, course: Course, unit: str, offset: int) -> SaveResult:
    """Return the result of moving a unit `offset` places up (negative) or down."""
    ordered = stepped(list(listed_at_head(ctx.store, course)), unit, offset, "unit")
    return reorder_units(ctx, course, ordered)


def create_unit(
    ctx: Ctx,
    course: Course,
    title: str,
    slug: str | None = None,
    position: int | None = None,
) -> SaveResult:
    """Return the result of adding a unit: its unit.md and its course.yaml entry, one commit."""
    title = title.strip()
    if not title:
        raise EditError("A new unit needs a title.")
    with open_edit(ctx, course) as edit:
        head = resolve_base(edit.repo, None)
        text, listed = course_outline(edit.repo, head)
        if text is None:
            raise EditError(f"This course has no {COURSE_FILE} to add a unit to.")
        if slug:
            slug = valid_slug(slug, "unit name")
            if slug in listed or edit.repo.exists(f"units/{slug}", head):
                raise NameTaken(f"The course already has a unit \u201c{slug}\u201d.")
        else:
            folders = {e.path.split("/")[-1] for e in _unit_folders(edit.repo, head)}
            slug = unique_slug(slugify(title), set(listed) | folders)
        path = f"units/{slug}/unit.md"
        changes: list[Change] = [
            Write(path, compose_lesson({"title": title}, "").encode("utf-8")),
            outline_write(course_edit.add_unit, text, slug, title, position),
        ]
        return edit.land(
            changes,
            message=f"Add unit: {title}",
            base=head,
            landing=Landing("created", f"added unit \u201c{title}\u201d", path),
        )


def _unit_folders(repo: CourseRepo, rev: str) -> list[TreeEntry]:
    if not repo.exists("units", rev):
        return []
    return [e for e in repo.list_tree(rev, prefix="units", recursive=False) if e.kind == "tree"]


def rename_unit(
    ctx: Ctx,
    course: Course,
    unit: str,
    new_slug: str | None = None,
    title: str | None = None,
) -> SaveResult:
    """Return the result of renaming a unit's folder and/or changing its title, one commit.

    A new name moves every file under units/<unit>/ (lessons keep their history through the
    rename); a new title goes into unit.md and course.yaml.
    """
    new_slug = valid_slug(new_slug, "unit name") if new_slug else unit
    title = (title or "").strip() or None
    with open_edit(ctx, course) as edit:
        head = resolve_base(edit.repo, None)
        text, listed = course_outline(edit.repo, head)
        require_unit(edit.repo, head, unit, listed)
        changes: list[Change] = []
        if new_slug != unit:
            if new_slug in listed or edit.repo.exists(f"units/{new_slug}", head):
                raise NameTaken(f"The course already has a unit \u201c{new_slug}\u201d.")
            if edit.repo.exists(f"units/{unit}", head):
                for entry in edit.repo.list_tree(head, prefix=f"units/{unit}"):
                    new_path = f"units/{new_slug}/" + entry.path[len(f"units/{unit}/") :]
                    changes.append(Rename(entry.path, new_path))
        overview = f"units/{unit}/unit.md"
        overview_text = read_text(edit.repo, overview, head)
        if title and overview_text is not None:
            updated = _with_title(overview_text, title)
            if updated != overview_text:
                new_overview = f"units/{new_slug}/unit.md"
                changes = [c for c in changes if not (isinstance(c, Rename) and c.old == overview)]
                changes.append(
                    Rename(overview, new_overview, updated.encode("utf-8"))
                    if new_overview != overview
                    else Write(overview, updated.encode("utf-8"))
                )
        if unit in listed:
            data = text.encode("utf-8")
            if new_slug != unit:
                data = edited_outline(course_edit.rename_unit, data.decode(), unit, new_slug)
            if title:
                data = edited_outline(course_edit.set_unit_title, data.decode(), new_slug, title)
            if data != text.encode("utf-8"):
                changes.append(Write(COURSE_FILE, data))
        if not changes:
            raise EditError("The unit already has this name and title; nothing to change.")
        shown = title or unit
        return edit.land(
            changes,
            message=f"Rename unit: {shown}",
            base=head,
            landing=Landing("renamed", f"renamed unit \u201c{shown}\u201d", f"units/{new_slug}"),
        )


def _with_title(text: str, title: str) -> str:
    try:
        return update_front_matter(text, {"title": title})
    except ContentError as exc:
        raise EditError(f"The unit overview cannot be updated: {exc.message}") from None


def delete_unit(ctx: Ctx, course: Course, unit: str) -> SaveResult:
    """Return the result of deleting an empty unit (its folder and course.yaml entry).

    Raises UnitNotEmpty naming the lessons still in it: they must be moved or deleted first,
    so deleting a unit never deletes a lesson by surprise.
    """
    with open_edit(ctx, course) as edit:
        head = resolve_base(edit.repo, None)
        text, listed = course_outline(edit.repo, head)
        require_unit(edit.repo, head, unit, listed)
        files = lesson_files(edit.repo, head, unit)
        # Name them in course order, unlisted files last.
        lessons = [name for name in listed.get(unit, []) if name in files]
        lessons += sorted(files - set(lessons))
        if lessons:
            shown = ", ".join(lessons[:5]) + (
                f" and {len(lessons) - 5} more" if len(lessons) > 5 else ""
            )
            raise UnitNotEmpty(
                f"The unit \u201c{unit}\u201d still has {len(lessons)} "
                f"lesson{'s' if len(lessons) != 1 else ''} ({shown}). Move or delete "
                f"{'them' if len(lessons) != 1 else 'it'} first."
            )
        changes: list[Change] = []
        if edit.repo.exists(f"units/{unit}", head):
            changes += [Delete(e.path) for e in edit.repo.list_tree(head, prefix=f"units/{unit}")]
        if unit in listed:
            changes.append(outline_write(course_edit.remove_unit, text, unit))
        title = title_in(read_text(edit.repo, f"units/{unit}/unit.md", head), unit)
        return edit.land(
            changes,
            message=f"Delete unit: {title}",
            base=head,
            landing=Landing("deleted", f"deleted unit \u201c{title}\u201d", f"units/{unit}"),
        )
