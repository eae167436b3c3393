"""The one check of course files, used by every door: web saves, the API, pushes, imports.

Each check returns a list of Problem (field, message, line) in words a teacher can act on;
an empty list means the file is fine. Pure functions over bytes and text: no Flask, no models,
no git. The caller reads the files and decides what a refusal looks like (a 422, a form error,
a "remote:" line). Where a file may sit is `check_layout` (in `layout`, re-exported here).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from typing import Any

from .errors import ContentError, CourseFileError, Problem
from .frontmatter import parse_lesson
from .layout import check_layout
from .lesson import is_grade_band, validate_lesson
from .outline import COURSE_FIELDS, CourseOutline, parse_course
from .paths import COURSE_FILE, parse_lesson_path
from .yamlio import load_yaml

__all__ = [
    "COURSE_FIELD_LIMITS",
    "MAX_LESSON_BYTES",
    "changed_settings",
    "check_course_file",
    "check_layout",
    "check_lesson",
    "check_unit",
    "course_settings",
    "lesson_title",
    "lesson_too_long",
]

MAX_LESSON_BYTES = 1_000_000
# The most each course setting may hold: what the settings form accepts and the database keeps.
COURSE_FIELD_LIMITS = {
    "title": 200,
    "subject": 100,
    "grade_band": 20,
    "license": 40,
    "description": 5000,
}


def lesson_too_long(size: int) -> Problem | None:
    """Return the problem of a lesson file of `size` bytes, or None when it is short enough.

    Separate from check_lesson so that a caller knowing only the size (a push, which sees
    sizes before contents) need not read a huge file to refuse it.
    """
    if size <= MAX_LESSON_BYTES:
        return None
    return Problem("content", f"The lesson is longer than {MAX_LESSON_BYTES // 1000} kB.")


def _text(data: bytes | str, what: str) -> tuple[str | None, list[Problem]]:
    """Return (text, []) for UTF-8 data, or (None, the problem saying it is not text)."""
    if isinstance(data, str):
        return data, []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"The {what} is not UTF-8 text; save it as UTF-8 (plain text) and try again."
        return None, [Problem("content", message, line)]


def check_lesson(data: bytes | str) -> list[Problem]:
    """Return every problem of a lesson file (the whole file, front matter included).

    Size (at most MAX_LESSON_BYTES as UTF-8), UTF-8 text, front matter that parses (with the
    line of the YAML error), then the front matter's fields (validate_lesson).
    """
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8"))
    too_long = lesson_too_long(size)
    if too_long is not None:
        return [too_long]
    text, problems = _text(data, "lesson")
    if text is None:
        return problems
    try:
        front_matter = parse_lesson(text).front_matter
    except ContentError as exc:
        return [Problem("front_matter", exc.message, exc.line)]
    return validate_lesson(front_matter)


def lesson_title(text: str) -> str | None:
    """Return the title in a lesson's front matter, stripped, or None if it has no usable one."""
    try:
        title = parse_lesson(text).front_matter.get("title")
    except ContentError:
        return None
    if isinstance(title, str) and title.strip():
        return title.strip()
    return None


def check_unit(data: bytes | str) -> list[Problem]:
    """Return the problems of a unit overview (unit.md): UTF-8 text whose front matter parses."""
    text, problems = _text(data, "unit overview")
    if text is None:
        return problems
    try:
        parse_lesson(text)
    except ContentError as exc:
        return [Problem("front_matter", exc.message, exc.line)]
    return []


def check_course_file(data: bytes | str, paths: Iterable[str] | None = None) -> list[Problem]:
    """Return every problem of course.yaml, matched against the course's files `paths`.

    `paths` are the repository paths present (only lesson files matter; a listing of
    `units/` is enough); None skips the check that each listed lesson has a file. A unit
    listed twice or a lesson listed twice in a unit is a problem; the same lesson name in
    two units is not, since it names two files (units/a/lessons/x.md, units/b/lessons/x.md).
    """
    text, problems = _text(data, COURSE_FILE)
    if text is None:
        return problems
    try:
        outline = parse_course(text)
    except CourseFileError as exc:
        return list(exc.problems) or [Problem("content", exc.message, exc.line)]
    problems = _setting_problems(outline)
    if paths is not None:
        problems += _missing_lessons(outline, paths)
    return problems


def _setting_problems(outline: CourseOutline) -> list[Problem]:
    """Return the problems of the course's settings that the settings page would refuse."""
    problems = []
    for name, limit in COURSE_FIELD_LIMITS.items():
        value = getattr(outline, name)
        if value is not None and len(value) > limit:
            shown = name.replace("_", " ")
            problems.append(
                Problem(name, f"The course's {shown} is longer than {limit} characters.")
            )
    if outline.grade_band is not None and not is_grade_band(outline.grade_band):
        problems.append(
            Problem(
                "grade_band",
                f"\u201c{outline.grade_band}\u201d is not a grade band; write one like 9-12, "
                "K-2, 6-8, HS or MS.",
            )
        )
    return problems


def _missing_lessons(outline: CourseOutline, paths: Iterable[str]) -> list[Problem]:
    """Return a problem for each lesson course.yaml lists that has no file."""
    present = {found for path in paths if (found := parse_lesson_path(path)) is not None}
    return [
        Problem(
            "units",
            f"Unit \u201c{unit.slug}\u201d lists the lesson \u201c{lesson}\u201d, but there is "
            f"no file units/{unit.slug}/lessons/{lesson}.md. Add the file or remove the "
            "lesson from the list.",
        )
        for unit in outline.units
        for lesson in unit.lessons
        if (unit.slug, lesson) not in present
    ]


def course_settings(data: bytes | str) -> dict[str, Any] | None:
    """Return course.yaml's top-level keys other than `units` (its settings), None if unreadable.

    Read as plain YAML rather than with parse_course, so that a course.yaml with problems in
    its outline still shows which settings it holds.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        loaded = load_yaml(text, what=COURSE_FILE, error=ContentError)
    except (UnicodeDecodeError, ContentError):
        return None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        return None
    return {str(key): value for key, value in loaded.items() if key != "units"}


def changed_settings(old: bytes | str | None, new: bytes | str | None) -> list[str]:
    """Return the settings (top-level keys other than `units`) that differ from `old` to `new`.

    A missing file has no settings; a file that cannot be read counts as having none, so
    everything in the other one counts as changed. Known fields come first, in their usual order.
    """
    before = (course_settings(old) if old is not None else None) or {}
    after = (course_settings(new) if new is not None else None) or {}
    names = [name for name in COURSE_FIELDS if name in before or name in after]
    names += [name for name in {**before, **after} if name not in COURSE_FIELDS]
    return [name for name in names if before.get(name) != after.get(name)]


def image_references(text: str) -> list[tuple[str, str, int | None]]:
    """Return the course files a lesson's images point at: (as written, the file's path
    relative to the lesson's folder, resolved later, line) for each relative image."""
    from .lint import image_sources  # the editor's parser, which sees every target

    try:
        doc = parse_lesson(text)
    except ContentError:
        return []
    offset = doc.body_line - 1
    return [(src, src, line + offset if line else None) for src, line in image_sources(doc.body)]


def missing_images(
    text: str, path: str, exists: Callable[[str], bool], already: str | None = None
) -> list[Problem]:
    """Return a problem for each image the lesson at `path` points at that is not in the
    course (`exists` answers for a course path). Images that were already missing in
    `already` (the lesson as it was before) are not blamed on this change."""
    folder = posixpath.dirname(path)

    def resolved(src: str) -> str | None:
        target = src.split("#", 1)[0].split("?", 1)[0]
        if not target:
            return None
        joined = posixpath.normpath(posixpath.join(folder, target))
        return None if joined.startswith("../") or joined == ".." else joined

    before = set()
    if already is not None:
        before = {resolved(src) for src, _, _ in image_references(already)}
    problems = []
    for src, _, line in image_references(text):
        target = resolved(src)
        if target is None or target in before or exists(target):
            continue
        problems.append(
            Problem(
                "body",
                f"The image \u201c{src}\u201d is not in the course: add it with \u201cAdd an "
                "image\u201d, or correct its name.",
                line,
            )
        )
    return problems
