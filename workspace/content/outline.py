"""Reading course.yaml into an outline, and matching the outline against the files present."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import CourseFileError, Problem
from .paths import (
    COURSE_FILE,
    is_slug,
    lesson_path,
    parse_lesson_path,
    parse_unit_path,
    title_from_slug,
    unit_path,
)
from .yamlio import load_yaml

COURSE_FIELDS = ("title", "subject", "grade_band", "license", "description")


@dataclass(frozen=True)
class UnitOutline:
    """A unit as course.yaml lists it."""

    slug: str
    title: str | None = None
    lessons: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CourseOutline:
    """course.yaml read into fields; keys this format does not know are kept in `extra`."""

    title: str
    subject: str | None = None
    grade_band: str | None = None
    license: str | None = None
    description: str | None = None
    units: list[UnitOutline] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def unit(self, slug: str) -> UnitOutline | None:
        """Return the unit with this slug, or None."""
        return next((unit for unit in self.units if unit.slug == slug), None)


def _text_field(data: dict[str, Any], name: str, problems: list[Problem]) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, dict | list):
        problems.append(Problem(name, f"{name} must be text."))
        return None
    return str(value)


_SLUG_RULE = "lowercase letters, digits and dashes"


def _unit_lessons(slug: str, lessons: object, problems: list[Problem]) -> list[str]:
    if lessons is None:
        return []
    if not isinstance(lessons, list):
        problems.append(Problem("units", f"The lessons of unit \u201c{slug}\u201d must be a list."))
        return []
    listed: list[str] = []
    for lesson in lessons:
        where = f"Unit \u201c{slug}\u201d lists \u201c{lesson}\u201d"
        if not is_slug(lesson):
            problems.append(
                Problem("units", f"{where}, which is not a lesson name ({_SLUG_RULE}).")
            )
        elif lesson in listed:
            problems.append(Problem("units", f"{where} twice."))
        else:
            listed.append(lesson)
    return listed


def _unit(number: int, item: object, seen: set[str], problems: list[Problem]) -> UnitOutline | None:
    where = f"Unit {number}"
    if not isinstance(item, dict):
        problems.append(Problem("units", f"{where} must have a slug and a list of lessons."))
        return None
    slug = item.get("slug")
    if slug is None:
        problems.append(Problem("units", f"{where} has no slug."))
        return None
    if not is_slug(slug):
        problems.append(
            Problem("units", f"{where} has the slug \u201c{slug}\u201d, which is not {_SLUG_RULE}.")
        )
        return None
    if slug in seen:
        problems.append(Problem("units", f"The unit \u201c{slug}\u201d is listed twice."))
    seen.add(slug)
    title = item.get("title")
    if title is not None and not isinstance(title, str | int | float):
        problems.append(Problem("units", f"The title of unit \u201c{slug}\u201d must be text."))
        title = None
    lessons = _unit_lessons(slug, item.get("lessons"), problems)
    extra = {k: v for k, v in item.items() if k not in ("slug", "title", "lessons")}
    return UnitOutline(slug, None if title is None else str(title), lessons, extra)


def parse_course(text: str) -> CourseOutline:
    """Return the outline in a course.yaml text; raise CourseFileError listing every problem."""
    data = load_yaml(text, what=COURSE_FILE, error=CourseFileError)
    if data is None:
        raise CourseFileError(f"{COURSE_FILE} is empty; it needs at least a title.")
    if not isinstance(data, dict):
        raise CourseFileError(f"{COURSE_FILE} must be a set of \u201ckey: value\u201d lines.")
    problems: list[Problem] = []
    title = _text_field(data, "title", problems)
    if title is None or not title.strip():
        problems.append(Problem("title", "The course needs a title."))
    units_data = data.get("units")
    if units_data is None:
        units_data = []
    if not isinstance(units_data, list):
        problems.append(Problem("units", "units must be a list of units."))
        units_data = []
    seen: set[str] = set()
    units = [_unit(number, item, seen, problems) for number, item in enumerate(units_data, 1)]
    fields = {name: _text_field(data, name, problems) for name in COURSE_FIELDS[1:]}
    if problems:
        summary = " ".join(problem.message for problem in problems)
        raise CourseFileError(f"{COURSE_FILE} has problems: {summary}", problems=problems)
    return CourseOutline(
        title=str(title),
        units=[unit for unit in units if unit is not None],
        extra={k: v for k, v in data.items() if k not in COURSE_FIELDS and k != "units"},
        **fields,
    )


LessonStatus = Literal["listed", "missing", "unlisted"]


@dataclass(frozen=True)
class LessonEntry:
    """A lesson on the course page: where it is, what it is called, whether its file exists."""

    unit: str
    slug: str
    path: str
    title: str
    status: LessonStatus


@dataclass(frozen=True)
class UnitEntry:
    """A unit on the course page with its lessons in course order, unlisted ones last."""

    slug: str
    title: str
    path: str
    has_file: bool
    listed: bool
    lessons: list[LessonEntry]


@dataclass(frozen=True)
class CourseIndex:
    """The course outline matched against the files in one revision of the repository."""

    outline: CourseOutline
    units: list[UnitEntry]
    unrecognized: list[str] = field(default_factory=list)

    @property
    def lessons(self) -> list[LessonEntry]:
        """Return every lesson in page order."""
        return [lesson for unit in self.units for lesson in unit.lessons]

    @property
    def unlisted(self) -> list[LessonEntry]:
        """Return lesson files that course.yaml does not list."""
        return [lesson for lesson in self.lessons if lesson.status == "unlisted"]

    @property
    def missing(self) -> list[LessonEntry]:
        """Return lessons course.yaml lists that have no file."""
        return [lesson for lesson in self.lessons if lesson.status == "missing"]

    def find(self, unit: str, lesson: str) -> LessonEntry | None:
        """Return the entry for a lesson, or None."""
        return next((e for e in self.lessons if e.unit == unit and e.slug == lesson), None)

    def neighbours(self, unit: str, lesson: str) -> tuple[LessonEntry | None, LessonEntry | None]:
        """Return the previous and next readable lessons in course order (for page navigation)."""
        readable = [entry for entry in self.lessons if entry.status != "missing"]
        for index, entry in enumerate(readable):
            if entry.unit == unit and entry.slug == lesson:
                before = readable[index - 1] if index > 0 else None
                after = readable[index + 1] if index + 1 < len(readable) else None
                return before, after
        return None, None


def outline_with_tree(
    outline: CourseOutline, paths: Iterable[str], titles: Mapping[str, str] | None = None
) -> CourseIndex:
    """Return the course's units and lessons in course.yaml order, matched against `paths`.

    `titles` maps file paths to the title in their front matter, when the caller has read them;
    a unit.md title wins over the title in course.yaml, which wins over one made from the slug.
    """
    titles = titles or {}
    lesson_files: dict[str, list[str]] = {}
    unit_files: set[str] = set()
    unrecognized: list[str] = []
    for path in paths:
        if (found := parse_lesson_path(path)) is not None:
            lesson_files.setdefault(found[0], []).append(found[1])
        elif (unit := parse_unit_path(path)) is not None:
            unit_files.add(unit)
        elif path.startswith("units/") and path.endswith(".md"):
            unrecognized.append(path)

    def entry(unit: str, lesson: str, status: LessonStatus) -> LessonEntry:
        path = lesson_path(unit, lesson)
        return LessonEntry(unit, lesson, path, titles.get(path) or title_from_slug(lesson), status)

    def unit_entry(slug: str, title: str | None, listed: list[str], is_listed: bool) -> UnitEntry:
        present = set(lesson_files.get(slug, []))
        lessons = [entry(slug, s, "listed" if s in present else "missing") for s in listed]
        lessons += [entry(slug, s, "unlisted") for s in sorted(present - set(listed))]
        path = unit_path(slug)
        shown = titles.get(path) or title or title_from_slug(slug)
        return UnitEntry(slug, shown, path, slug in unit_files, is_listed, lessons)

    units = [unit_entry(u.slug, u.title, u.lessons, True) for u in outline.units]
    listed_units = {unit.slug for unit in outline.units}
    for slug in sorted((set(lesson_files) | unit_files) - listed_units):
        units.append(unit_entry(slug, None, [], False))
    return CourseIndex(outline, units, sorted(unrecognized))
