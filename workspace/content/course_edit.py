"""Edits to course.yaml that return new text and keep the rest of the file as written.

Each function reads the file with ruamel.yaml's round-trip loader, changes only what it names
and writes it back, so comments, quoting, key order and unknown keys survive. Lists the app
creates are written one item per line: two teachers adding lessons to the same unit then touch
different lines, which merges cleanly. Moving or renaming a lesson here changes only the
outline; the caller moves the file in the same commit.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from .errors import CourseEditError
from .outline import COURSE_FIELDS, parse_course
from .paths import COURSE_FILE, validate_slug
from .yamlio import resolves_to_text

_FIRST_ITEM = re.compile(r"^( *)- ", re.MULTILINE)


def _yaml_for(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    item = _FIRST_ITEM.search(text)
    dash = len(item.group(1)) if item else 2
    yaml.indent(mapping=2, sequence=dash + 2, offset=dash)
    yaml.explicit_start = text.lstrip("\ufeff").startswith("---")
    return yaml


def _edit(text: str, change: Callable[[CommentedMap], None]) -> str:
    """Return course.yaml text after applying `change` to its round-trip data."""
    parse_course(text)  # refuse to edit a file that is already broken, with its message
    crlf = "\r\n" in text
    source = text.replace("\r\n", "\n")
    yaml = _yaml_for(source)
    data = yaml.load(source)
    change(data)
    out = io.StringIO()
    yaml.dump(data, out)
    result = out.getvalue()
    parse_course(result)
    return result.replace("\n", "\r\n") if crlf else result


def _scalar(value: Any) -> Any:
    """Return `value` quoted when YAML would otherwise read it as something else ("yes", "12")."""
    if isinstance(value, str) and "\n" in value.strip("\n"):
        return LiteralScalarString(value)
    if isinstance(value, str) and not resolves_to_text(value):
        return DoubleQuotedScalarString(value)
    return value


def _pop(mapping: CommentedMap, key: str) -> None:
    """Remove `key`, keeping the comment lines and blank lines that followed it."""
    if key not in mapping:
        return
    keys = list(mapping)
    token = (mapping.ca.items.get(key) or [None, None, None, None])[2]
    # The first line of the token is the key's own end-of-line comment; the rest comes after.
    after = token.value.split("\n", 1)[1] if token is not None and "\n" in token.value else ""
    mapping.pop(key)
    mapping.ca.items.pop(key, None)
    index = keys.index(key)
    if not after or index == 0 or isinstance(mapping[keys[index - 1]], dict | list):
        return
    previous = keys[index - 1]
    slot = mapping.ca.items.setdefault(previous, [None, None, None, None])
    if slot[2] is not None:
        slot[2].value += after
    else:
        slot[2] = CommentToken("\n" + after, CommentMark(0), None)


def _insert_key(mapping: CommentedMap, index: int, key: str, value: Any) -> None:
    """Insert `key` at `index`; comment lines that followed the key before it now follow it."""
    keys = list(mapping)
    mapping.insert(index, key, value)
    if index == 0 or isinstance(mapping[keys[index - 1]], dict | list):
        return
    slot = mapping.ca.items.get(keys[index - 1])
    token = slot[2] if slot else None
    if token is None or token.value.count("\n") < 2:
        return
    own, after = token.value.split("\n", 1)
    token.value = own + "\n"
    lead = "" if isinstance(value, LiteralScalarString) else "\n"
    mapping.ca.items[key] = [None, None, CommentToken(lead + after, CommentMark(0), None), None]


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
    details = []
    if missing:
        details.append("left out: " + ", ".join(missing))
    if extra:
        details.append("not in the course: " + ", ".join(extra))
    if not details:
        details.append("some are listed twice")
    raise CourseEditError(f"The new order must list each {what} once ({'; '.join(details)}).")


def add_lesson(text: str, unit: str, lesson: str, position: int | None = None) -> str:
    """Return course.yaml with `lesson` listed in `unit`, at `position` (0-based) or last."""
    validate_slug(lesson, what="lesson name")

    def change(data: CommentedMap) -> None:
        found = _find_unit(data, unit)
        _require_unlisted(found, lesson)
        _insert(_lessons(found), _scalar(lesson), position)

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
        _insert(_lessons(target), _scalar(lesson), position)

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
        lessons[lessons.index(old)] = _scalar(new)

    return _edit(text, change)


def reorder_lessons(text: str, unit: str, ordered: list[str]) -> str:
    """Return course.yaml with the lessons of `unit` in the order given."""

    def change(data: CommentedMap) -> None:
        lessons = _lessons(_find_unit(data, unit))
        _check_same_items([str(item) for item in lessons], ordered, "lesson of the unit")
        _reorder(lessons, ordered, lambda item: str(item))

    return _edit(text, change)


def _reorder(seq: CommentedSeq, ordered: list[str], key: Callable[[Any], str]) -> None:
    # Comments ride along with their item: ruamel keys them by position in `seq.ca.items`.
    by_key = {key(item): (item, seq.ca.items.get(index)) for index, item in enumerate(seq)}
    seq.ca.items.clear()
    for index, name in enumerate(ordered):
        item, comment = by_key[name]
        seq[index] = item
        if comment is not None:
            seq.ca.items[index] = comment


def add_unit(text: str, slug: str, title: str | None = None, position: int | None = None) -> str:
    """Return course.yaml with a new, empty unit at `position` (0-based) or last."""
    validate_slug(slug, what="unit name")

    def change(data: CommentedMap) -> None:
        units = _units(data)
        if any(unit.get("slug") == slug for unit in units):
            raise CourseEditError(f"The course already has a unit \u201c{slug}\u201d.")
        unit = CommentedMap()
        unit["slug"] = _scalar(slug)
        if title:
            unit["title"] = _scalar(title)
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
        found["slug"] = _scalar(new)

    return _edit(text, change)


def set_unit_title(text: str, slug: str, title: str | None) -> str:
    """Return course.yaml with the unit's title set, or removed when `title` is None or empty."""

    def change(data: CommentedMap) -> None:
        found = _find_unit(data, slug)
        if title:
            if "title" in found:
                found["title"] = _scalar(title)
            else:
                found.insert(list(found).index("slug") + 1, "title", _scalar(title))
        else:
            _pop(found, "title")

    return _edit(text, change)


def reorder_units(text: str, ordered: list[str]) -> str:
    """Return course.yaml with its units in the order given."""

    def change(data: CommentedMap) -> None:
        units = _units(data)
        _check_same_items([str(unit.get("slug")) for unit in units], ordered, "unit")
        _reorder(units, ordered, lambda unit: str(unit.get("slug")))

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
                _pop(data, name)
            elif name in data:
                data[name] = _scalar(value)
            else:
                # Known fields go before `units` so the outline stays at the end of the file.
                before = list(data).index("units") if "units" in data else len(data)
                place = before if name in COURSE_FIELDS else len(data)
                _insert_key(data, place, name, _scalar(value))

    return _edit(text, change)
