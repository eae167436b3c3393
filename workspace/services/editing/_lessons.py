"""Editing lessons: save, create, delete and restore, each as one commit.

Every function takes the session, the repo store and the acting user, makes exactly one
commit authored by that user (course.yaml changes travel in the same commit as the files they
describe), records an Activity row, drops the user's draft of the file once the save lands,
and commits the session. Views check Access.WRITE first (access.require_course).

A save names the version it started from (`base_commit`): if others changed the lesson since,
their changes are merged with yours; if both changed the same lines, SaveConflict carries both
texts and nothing is written. Renames, moves, ordering and units live in `organizing`, image
uploads in `images`; everything is re-exported here so callers have one module to import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ...content import course_edit
from ...content.checks import missing_images
from ...content.errors import Problem
from ...content.frontmatter import compose_lesson
from ...content.paths import slugify, title_from_slug, unique_slug
from ...git import Author, Change, Delete, Write, merge_texts
from ...models import Course
from ..context import Ctx, LessonRef
from ._conflicts import authors_since, moved_conflict
from ._errors import (
    CourseBusy,
    EditError,
    LessonInvalid,
    LessonNotFound,
    NameTaken,
    SaveConflict,
    SaveResult,
    StaleBase,
    UnitNotEmpty,
    UnitNotFound,
)
from ._images import ImageRejected, ImageTooLarge, ImageUpload, upload_image
from ._landing import (
    CourseEdit,
    Landing,
    checked_lesson,
    course_outline,
    lesson_missing,
    lesson_slugs,
    lesson_text,
    open_edit,
    outline_write,
    path_of_lesson,
    read_text,
    require_unit,
    resolve_base,
    title_in,
    valid_slug,
)
from ._organizing import move_lesson, move_lesson_step, rename_lesson, reorder_lessons
from ._units import create_unit, delete_unit, move_unit_step, rename_unit, reorder_units

__all__ = [
    "CourseBusy",
    "EditError",
    "ImageRejected",
    "ImageTooLarge",
    "ImageUpload",
    "LessonInvalid",
    "LessonNotFound",
    "NameTaken",
    "SaveConflict",
    "SaveResult",
    "StaleBase",
    "UnitNotEmpty",
    "UnitNotFound",
    "create_lesson",
    "create_unit",
    "delete_lesson",
    "delete_unit",
    "move_lesson",
    "move_lesson_step",
    "move_unit_step",
    "rename_lesson",
    "rename_unit",
    "reorder_lessons",
    "reorder_units",
    "restore_lesson",
    "save_lesson",
    "upload_image",
]


def save_lesson(
    ctx: Ctx,
    ref: LessonRef,
    content: str,
    base_commit: str,
    message: str | None = None,
    co_authors: Sequence[Author] = (),
) -> SaveResult:
    """Return the result of saving the whole lesson file `content`, edited from `base_commit`.

    If others renamed or moved the lesson since `base_commit`, the save is merged into the
    lesson under its new name: the result's `path` says where it landed (see save_moved).
    Raises LessonInvalid (front matter does not parse or validate), LessonNotFound, StaleBase,
    SaveConflict (nothing written) or CourseBusy. `co_authors` are credited with
    Co-authored-by trailers (a conflict resolution credits the other side).
    """
    course, unit, lesson = ref.course, ref.unit, ref.lesson
    path = path_of_lesson(unit, lesson)
    title = checked_lesson(content)
    with open_edit(ctx, course) as edit:
        base = resolve_base(edit.repo, base_commit)
        head = resolve_base(edit.repo, None)
        _check_images(edit, content, path, head, read_text(edit.repo, path, base))
        if not edit.repo.exists(path, head):
            if not edit.repo.exists(path, base):
                raise lesson_missing(unit, lesson)
            # Renamed or moved since the base (Organize page, a push): the text goes there.
            moved = edit.repo.renamed_to(path, base, head)
            if moved is not None:
                return save_moved(edit, path, moved, content, base, head, message, co_authors)
        return edit.land(
            [Write(path, content.encode("utf-8"))],
            message=message or f"Edit lesson: {title}",
            base=base,
            landing=Landing("edited", f"edited lesson \u201c{title}\u201d", path, [path]),
            co_authors=co_authors,
        )


def _check_images(edit: CourseEdit, content: str, path: str, head: str, before: str | None) -> None:
    """Raise LessonInvalid when the lesson points at images the course does not have (those
    already missing in `before`, the lesson as it was, are not blamed on this save)."""
    missing = missing_images(content, path, lambda name: edit.repo.exists(name, head), before)
    if missing:
        raise LessonInvalid(missing)


def save_moved(
    edit: CourseEdit,
    old: str,
    new: str,
    content: str,
    base: str,
    head: str,
    message: str | None,
    co_authors: Sequence[Author],
) -> SaveResult:
    """Return the result of merging a save made on `old` into the lesson renamed to `new`.

    The merge is three-way: the lesson at `old` in `base`, as it is at `new` in `head`, and
    `content`. Overlapping changes raise SaveConflict for `new` (nothing written).
    """
    base_text = read_text(edit.repo, old, base) or ""
    theirs = read_text(edit.repo, new, head) or ""
    authors = authors_since(edit.repo, base, head, old)
    authors += [a for a in authors_since(edit.repo, base, head, new) if a not in authors]
    data, clean = merge_texts(base_text.encode(), theirs.encode(), content.encode())
    merged = data.decode("utf-8")
    if not clean:
        raise moved_conflict(old, new, head, base, base_text, theirs, content, merged, authors)
    title = title_in(merged, title_from_slug(new.rsplit("/", 1)[-1].removesuffix(".md")))
    result = edit.land(
        [Write(new, data)],
        message=message or f"Edit lesson: {title}",
        base=head,
        landing=Landing("edited", f"edited lesson \u201c{title}\u201d", new, [new, old]),
        co_authors=co_authors,
    )
    if result.unchanged:
        return result
    names = [a.name for a in authors]
    names += [name for name in result.merged_with if name not in names]
    return replace(result, status="merged", merged_with=names)


def create_lesson(
    ctx: Ctx,
    course: Course,
    unit: str,
    lesson: str | None = None,
    *,
    title: str | None = None,
    content: str | None = None,
    message: str | None = None,
    position: int | None = None,
) -> SaveResult:
    """Return the result of adding a lesson file and listing it in course.yaml, in one commit.

    Without `lesson`, the file name is made from the title (and made unique in the unit);
    without `content`, the file holds the title only. A unit that course.yaml does not list
    gets the file alone (it shows as unlisted, like the unit).
    """
    named = lesson is not None
    if lesson is None:
        if not title or not title.strip():
            raise LessonInvalid([Problem("title", "A new lesson needs a title.")])
        lesson = slugify(title)
    valid_slug(lesson, "lesson name")
    if content is None:
        content = compose_lesson({"title": (title or title_from_slug(lesson)).strip()}, "")
    title = checked_lesson(content)
    with open_edit(ctx, course) as edit:
        head = resolve_base(edit.repo, None)
        _check_images(edit, content, path_of_lesson(unit, lesson), head, None)
        yaml_text, listed = course_outline(edit.repo, head)
        require_unit(edit.repo, head, unit, listed)
        taken = lesson_slugs(edit.repo, head, unit, listed)
        if not named:
            lesson = unique_slug(lesson, taken)
        elif lesson in taken:
            raise NameTaken(
                f"The unit \u201c{unit}\u201d already has a lesson \u201c{lesson}\u201d."
            )
        path = path_of_lesson(unit, lesson)
        changes: list[Change] = [Write(path, content.encode("utf-8"))]
        if unit in listed:
            changes.append(outline_write(course_edit.add_lesson, yaml_text, unit, lesson, position))
        return edit.land(
            changes,
            message=message or f"Add lesson: {title}",
            base=head,
            landing=Landing("created", f"added lesson \u201c{title}\u201d", path, [path]),
        )


def delete_lesson(
    ctx: Ctx,
    ref: LessonRef,
    base_commit: str,
    message: str | None = None,
) -> SaveResult:
    """Return the result of deleting the lesson file and its course.yaml entry in one commit.

    If someone changed the lesson after `base_commit`, nothing is deleted (SaveConflict), so
    their work is never thrown away unseen. History keeps the file; restore_lesson brings it
    back.
    """
    course, unit, lesson = ref.course, ref.unit, ref.lesson
    path = path_of_lesson(unit, lesson)
    with open_edit(ctx, course) as edit:
        base = resolve_base(edit.repo, base_commit)
        title = title_in(lesson_text(edit.repo, path, base, unit, lesson), title_from_slug(lesson))
        changes: list[Change] = [Delete(path)]
        yaml_text, listed = course_outline(edit.repo, base)
        if lesson in listed.get(unit, []):
            changes.append(outline_write(course_edit.remove_lesson, yaml_text, unit, lesson))
        return edit.land(
            changes,
            message=message or f"Delete lesson: {title}",
            base=base,
            landing=Landing("deleted", f"deleted lesson \u201c{title}\u201d", path, [path]),
            conflict_message=(
                f"\u201c{title}\u201d changed after you opened it, so it was not deleted. "
                "Look at the latest version, then delete it again if you still want to."
            ),
        )


def restore_lesson(
    ctx: Ctx,
    ref: LessonRef,
    from_rev: str,
    base_commit: str | None = None,
    message: str | None = None,
) -> SaveResult:
    """Return the result of a new commit that puts back the lesson as it was at `from_rev`.

    Nothing is rewritten: the old text becomes the newest version. A deleted lesson comes
    back, listed again in its unit.
    """
    course, unit, lesson = ref.course, ref.unit, ref.lesson
    path = path_of_lesson(unit, lesson)
    with open_edit(ctx, course) as edit:
        source = resolve_base(edit.repo, from_rev)
        text = read_text(edit.repo, path, source)
        if text is None:
            raise LessonNotFound(
                f"The lesson \u201c{lesson}\u201d did not exist in version {source[:10]}."
            )
        base = resolve_base(edit.repo, base_commit)
        title = title_in(text, title_from_slug(lesson))
        changes: list[Change] = [Write(path, text.encode("utf-8"))]
        if not edit.repo.exists(path, base):
            yaml_text, listed = course_outline(edit.repo, base)
            if unit in listed and lesson not in listed[unit]:
                changes.append(outline_write(course_edit.add_lesson, yaml_text, unit, lesson, None))
        return edit.land(
            changes,
            message=message or f"Restore lesson: {title} (as of {source[:10]})",
            base=base,
            landing=Landing("restored", f"restored lesson \u201c{title}\u201d", path, [path]),
        )
