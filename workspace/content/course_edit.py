"""Edits to course.yaml that return new text and keep the rest of the file as written.

Each function reads the file with ruamel.yaml's round-trip loader, changes only what it names
and writes it back, so comments, quoting, key order and unknown keys survive. Lists the app
creates are written one item per line: two teachers adding lessons to the same unit then touch
different lines, which merges cleanly. Moving or renaming a lesson here changes only the
outline; the caller moves the file in the same commit.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .errors import CourseEditError
from .outline import COURSE_FIELDS, parse_course
from .paths import COURSE_FILE, validate_slug
from .roundtrip import insert_key, pop_key, reorder, round_trip_yaml, scalar


def _edit(text: str, change: Callable[[CommentedMap], None]) -> str:
    """Return course.yaml text after applying `change` to its round-trip data."""
    parse_course(text)  # refuse to edit a file that is already broken, with its message
    crlf = "\r\n" in text
    source = text.replace("\r\n", "\n")
    yaml = round_trip_yaml(source)
    data = yaml.load(source)
    change(data)
    out = io.StringIO()
    yaml.dump(data, out)
    result = out.getvalue()
    parse_course(result)
    return result.replace("\n", "\r\n") if crlf else result


def _units(data: CommentedMap) -> CommentedSeq:
    if data.get("units") is None:
        data["units"] = CommentedSeq()
    return data["units"]


def _find_unit(data: CommentedMap, slug: str) -> CommentedMap:
    for unit in _units(data):
        if unit.get("slug") == slug:
            return unit
    raise CourseEditError(f"There is no unit \u201c{slug}\u201d in {COURSE_FILE}.")


def _lessons(unit: CommentedMap) -> CommentedSeq:
    lessons = unit.get("lessons")
    if lessons is None:
        lessons = unit["lessons"] = CommentedSeq()
    if not lessons:
        lessons.fa.set_block_style()
    return lessons


def _insert(seq: CommentedSeq, value: Any, position: int | None) -> None:
    if position is None or position >= len(seq):
        seq.append(value)
    else:
        seq.insert(max(position, 0), value)


def _require_listed(unit: CommentedMap, lesson: str) -> None:
    if lesson not in _lessons(unit):
        raise CourseEditError(
            f"Unit \u201c{unit['slug']}\u201d does not list the lesson \u201c{lesson}\u201d."
        )


def _require_unlisted(unit: CommentedMap, lesson: str) -> None:
    if lesson in _lessons(unit):
        raise CourseEditError(
            f"Unit \u201c{unit['slug']}\u201d already lists the lesson \u201c{lesson}\u201d."
        )


def _check_same_items(current: list[str], ordered: list[str], what: str) -> None:
    if sorted(current) == sorted(ordered) and len(set(ordered)) == len(ordered):
        return
    missing = [item for item in current if item not in ordered]
    extra = [item for item in ordered if item not in current]
    twice = sorted({item for item in ordered if ordered.count(item) > 1})
    details = []
    if missing:
        details.append("left out: " + ", ".join(missing))
    if extra:
        details.append("not in the course: " + ", ".join(extra))
    if twice:
        details.append("listed twice: " + ", ".join(twice))
    raise CourseEditError(f"The new order must list each {what} once ({'; '.join(details)}).")


def add_lesson(text: str, unit: str, lesson: str, position: int | None = None) -> str:
    """Return course.yaml with `lesson` listed in `unit`, at `position` (0-based) or last."""
    validate_slug(lesson, what="lesson name")

    def change(data: CommentedMap) -> None:
        found = _find_unit(data, unit)
        _require_unlisted(found, lesson)
        _insert(_lessons(found), scalar(lesson), position)

    return _edit(text, change)


def remove_lesson(text: str, unit: str, lesson: str) -> str:
    """Return course.yaml without `lesson` in `unit`."""

    def change(data: CommentedMap) -> None:
        found = _find_unit(data, unit)
        _require_listed(found, lesson)
        _lessons(found).remove(lesson)

    return _edit(text, change)


def move_lesson(
    text: str, unit: str, lesson: str, to_unit: str, position: int | None = None
) -> str:
    """Return course.yaml with `lesson` moved to `to_unit` (or within `unit`) at `position`."""

    def change(data: CommentedMap) -> None:
        source, target = _find_unit(data, unit), _find_unit(data, to_unit)
        _require_listed(source, lesson)
        if source is not target:
            _require_unlisted(target, lesson)
        _lessons(source).remove(lesson)
        _insert(_lessons(target), scalar(lesson), position)

    return _edit(text, change)


def rename_lesson(text: str, unit: str, old: str, new: str) -> str:
    """Return course.yaml with lesson `old` renamed to `new`, in the same place."""
    validate_slug(new, what="lesson name")

    def change(data: CommentedMap) -> None:
        found = _find_unit(data, unit)
        _require_listed(found, old)
        if new != old:
            _require_unlisted(found, new)
        lessons = _lessons(found)
        lessons[lessons.index(old)] = scalar(new)

    return _edit(text, change)


def reorder_lessons(text: str, unit: str, ordered: list[str]) -> str:
    """Return course.yaml with the lessons of `unit` in the order given."""

    def change(data: CommentedMap) -> None:
        lessons = _lessons(_find_unit(data, unit))
        _check_same_items([str(item) for item in lessons], ordered, "lesson of the unit")
        reorder(lessons, ordered, lambda item: str(item))

    return _edit(text, change)


def add_unit(text: str, slug: str, title: str | None = None, position: int | None = None) -> str:
    """Return course.yaml with a new, empty unit at `position` (0-based) or last."""
    validate_slug(slug, what="unit name")

    def change(data: CommentedMap) -> None:
        units = _units(data)
        if any(unit.get("slug") == slug for unit in units):
            raise CourseEditError(f"The course already has a unit \u201c{slug}\u201d.")
        unit = CommentedMap()
        unit["slug"] = scalar(slug)
        if title:
            unit["title"] = scalar(title)
        unit["lessons"] = CommentedSeq()
        if not units:
            units.fa.set_block_style()
        _insert(units, unit, position)

    return _edit(text, change)


def remove_unit(text: str, slug: str) -> str:
    """Return course.yaml without the unit `slug` (its lesson files are the caller's to handle)."""

    def change(data: CommentedMap) -> None:
        _units(data).remove(_find_unit(data, slug))

    return _edit(text, change)


def rename_unit(text: str, old: str, new: str) -> str:
    """Return course.yaml with the unit slug `old` changed to `new`."""
    validate_slug(new, what="unit name")

    def change(data: CommentedMap) -> None:
        found = _find_unit(data, old)
        if new != old and any(unit.get("slug") == new for unit in _units(data)):
            raise CourseEditError(f"The course already has a unit \u201c{new}\u201d.")
        found["slug"] = scalar(new)

    return _edit(text, change)


def set_unit_title(text: str, slug: str, title: str | None) -> str:
    """Return course.yaml with the unit's title set, or removed when `title` is None or empty."""

    def change(data: CommentedMap) -> None:
        found = _find_unit(data, slug)
        if title:
            if "title" in found:
                found["title"] = scalar(title)
            else:
                found.insert(list(found).index("slug") + 1, "title", scalar(title))
        else:
            pop_key(found, "title")

    return _edit(text, change)


def reorder_units(text: str, ordered: list[str]) -> str:
    """Return course.yaml with its units in the order given."""

    def change(data: CommentedMap) -> None:
        units = _units(data)
        _check_same_items([str(unit.get("slug")) for unit in units], ordered, "unit")
        reorder(units, ordered, lambda unit: str(unit.get("slug")))

    return _edit(text, change)


def update_course_fields(text: str, **fields: object | None) -> str:
    """Return course.yaml with top-level fields set, or removed where the value is None."""
    if "units" in fields:
        raise CourseEditError("Change units with the unit functions, not as a course field.")
    if "title" in fields and (not isinstance(fields["title"], str) or not fields["title"].strip()):
        raise CourseEditError("The course needs a title.")

    def change(data: CommentedMap) -> None:
        for name, value in fields.items():
            if value is None:
                pop_key(data, name)
            elif name in data:
                data[name] = scalar(value)
            else:
                # Known fields go before `units` so the outline stays at the end of the file.
                before = list(data).index("units") if "units" in data else len(data)
                place = before if name in COURSE_FIELDS else len(data)
                insert_key(data, place, name, scalar(value))

    return _edit(text, change)
