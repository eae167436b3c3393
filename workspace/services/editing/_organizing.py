"""Organizing lessons: rename, move between units and reorder, each as one commit.

Order lives in course.yaml, so reordering changes one file and renames nothing. Renames and
moves rename the file and update course.yaml in the same commit, so the course is never seen
half-reorganized. Units are organized in `units`. Each function is one commit by the acting
user (see edit_support.CourseEdit.land).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...content import course_edit
from ...content.paths import COURSE_FILE, title_from_slug
from ...git import Change, CourseRepo, InvalidPath, PathNotFound, Rename, RepoStore, Write
from ...models import Course
from ..context import Ctx, LessonRef
from ._errors import EditError, NameTaken, SaveResult, UnitNotFound
from ._landing import (
    Landing,
    course_outline,
    edited_outline,
    lesson_text,
    open_edit,
    outline_write,
    path_of_lesson,
    require_unit,
    resolve_base,
    title_in,
    valid_slug,
)

_IMAGE_LINK = re.compile(r"\]\(\s*<?(images/[^)\s>]+)>?")


def rename_lesson(
    ctx: Ctx,
    ref: LessonRef,
    new_slug: str,
    base_commit: str | None = None,
    message: str | None = None,
) -> SaveResult:
    """Return the result of renaming the lesson file (and its course.yaml entry) in its unit."""
    return move_lesson(ctx, ref, ref.unit, new_slug, None, base_commit, message)


def move_lesson(
    ctx: Ctx,
    ref: LessonRef,
    to_unit: str,
    new_slug: str | None = None,
    position: int | None = None,
    base_commit: str | None = None,
    message: str | None = None,
) -> SaveResult:
    """Return the result of moving and/or renaming a lesson, course.yaml in the same commit.

    Images the lesson shows from its unit's images/ folder are copied to the new unit's
    folder (when no file of that name is there yet), so the moved lesson still shows them.
    """
    course, unit, lesson = ref.course, ref.unit, ref.lesson
    new_slug = valid_slug(new_slug or lesson, "lesson name")
    old_path = path_of_lesson(unit, lesson)
    new_path = path_of_lesson(valid_slug(to_unit, "unit name"), new_slug)
    if new_path == old_path:
        raise EditError("The lesson already has this name and unit; nothing to change.")
    with open_edit(ctx, course) as edit:
        base = resolve_base(edit.repo, base_commit)
        text = lesson_text(edit.repo, old_path, base, unit, lesson)
        yaml_text, listed = course_outline(edit.repo, base)
        require_unit(edit.repo, base, to_unit, listed)
        clash = new_slug in listed.get(to_unit, []) and not (to_unit == unit and new_slug == lesson)
        if edit.repo.exists(new_path, "main") or clash:
            raise NameTaken(
                f"The unit \u201c{to_unit}\u201d already has a lesson \u201c{new_slug}\u201d."
            )
        changes: list[Change] = [Rename(old_path, new_path)]
        if lesson in listed.get(unit, []):
            moved = _moved_outline(yaml_text, listed, unit, lesson, to_unit, new_slug, position)
            changes.append(Write(COURSE_FILE, moved))
        if to_unit != unit:
            changes += _copied_images(edit.repo, base, text, unit, to_unit)
        title = title_in(text, title_from_slug(lesson))
        if to_unit == unit:
            verb, summary = "renamed", f"renamed lesson \u201c{title}\u201d to {new_slug}"
            default = f"Rename lesson: {title} ({lesson} to {new_slug})"
        else:
            verb, summary = "moved", f"moved lesson \u201c{title}\u201d to unit {to_unit}"
            default = f"Move lesson: {title} to unit {to_unit}"
        return edit.land(
            changes,
            message=message or default,
            base=base,
            landing=Landing(verb, summary, new_path, [old_path, new_path], moved_from=old_path),
        )


def _moved_outline(
    text: str,
    listed: dict[str, list[str]],
    unit: str,
    lesson: str,
    to_unit: str,
    new_slug: str,
    position: int | None,
) -> bytes:
    """Return course.yaml with a listed lesson moved to `to_unit` as `new_slug`."""
    if to_unit == unit:
        return edited_outline(course_edit.rename_lesson, text, unit, lesson, new_slug)
    if to_unit not in listed:
        # The target unit is not in the outline, so neither is the moved lesson.
        return edited_outline(course_edit.remove_lesson, text, unit, lesson)
    moved = edited_outline(course_edit.move_lesson, text, unit, lesson, to_unit, position)
    if new_slug == lesson:
        return moved
    return edited_outline(
        course_edit.rename_lesson, moved.decode("utf-8"), to_unit, lesson, new_slug
    )


def _copied_images(repo: CourseRepo, rev: str, text: str, unit: str, to_unit: str) -> list[Change]:
    """Return writes copying the images a lesson links to into another unit's images folder."""
    copies: list[Change] = []
    for target in dict.fromkeys(_IMAGE_LINK.findall(text)):
        name = target.split("#", 1)[0].split("?", 1)[0]
        destination = f"units/{to_unit}/lessons/{name}"
        if ".." in name.split("/") or repo.exists(destination, "main"):
            continue
        try:
            data = repo.read_file(f"units/{unit}/lessons/{name}", rev)
        except (PathNotFound, InvalidPath):
            continue  # a link to a missing image stays as it was
        copies.append(Write(destination, data))
    return copies


def outline_commit(
    ctx: Ctx,
    course: Course,
    message: str,
    landing: Landing,
    change: Callable[..., str],
    *args: object,
) -> SaveResult:
    """Return the result of a commit that changes course.yaml only (an order change).

    `change` is the content.course_edit function that edits the outline, called with `args`.
    """
    with open_edit(ctx, course) as edit:
        head = resolve_base(edit.repo, None)
        text, _ = course_outline(edit.repo, head)
        if text is None:
            raise EditError(f"This course has no {COURSE_FILE}, so its order cannot change.")
        changes = [outline_write(change, text, *args)]
        return edit.land(changes, message=message, base=head, landing=landing)


def reorder_lessons(ctx: Ctx, course: Course, unit: str, ordered: list[str]) -> SaveResult:
    """Return the result of putting the lessons of `unit` in the order given (course.yaml)."""
    landing = Landing("reordered", f"reordered the lessons of unit {unit}", COURSE_FILE)
    message = f"Reorder lessons in unit {unit}"
    return outline_commit(ctx, course, message, landing, course_edit.reorder_lessons, unit, ordered)


def listed_at_head(store: RepoStore, course: Course) -> dict[str, list[str]]:
    """Return the units course.yaml lists now, in course order, each with its lessons."""
    with store.open(course.id) as repo:
        _, listed = course_outline(repo, resolve_base(repo, None))
    return listed


def stepped(items: list[str], item: str, offset: int, what: str) -> list[str]:
    """Return `items` with `item` moved `offset` places; refuse a move that goes nowhere."""
    if item not in items:
        raise EditError(f"\u201c{item}\u201d is not a listed {what}, so it has no place to move.")
    index = items.index(item)
    target = min(max(index + offset, 0), len(items) - 1)
    if target == index:
        raise EditError(
            f"\u201c{item}\u201d is already the {'first' if offset < 0 else 'last'} {what}."
        )
    items = list(items)
    items.insert(target, items.pop(index))
    return items


def move_lesson_step(
    ctx: Ctx,
    ref: LessonRef,
    offset: int,
) -> SaveResult:
    """Return the result of moving a lesson `offset` places up (negative) or down in its unit."""
    course, unit, lesson = ref.course, ref.unit, ref.lesson
    listed = listed_at_head(ctx.store, course)
    if unit not in listed:
        raise UnitNotFound(f"course.yaml does not list a unit \u201c{unit}\u201d.")
    ordered = stepped(listed[unit], lesson, offset, "lesson of this unit")
    return reorder_lessons(ctx, course, unit, ordered)
