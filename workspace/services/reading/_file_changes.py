"""The changes to single files in teachers' words: a lesson, a unit's overview, the course's
introduction, a lesson-study report, images. Each is a Candidate (see _words); _describe puts
them together with the outline's changes and keeps one telling of each.
"""

from __future__ import annotations

import re

from ...content.paths import COURSE_FILE, is_slug, parse_lesson_path, parse_unit_path
from ...git import FileChange
from ._words import (
    GROUP_IMAGES,
    GROUP_LESSONS,
    GROUP_PAGES,
    GROUP_UNITS,
    Candidate,
    Described,
    Key,
    Make,
    Rev,
    TitleSource,
    plural,
    q,
)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
README = "README.md"
_REPORT = re.compile(r"studies/([^/]+)/report\.md")
_IMAGE_VERBS = {"A": ("added", "to"), "D": ("removed", "from"), "R": ("renamed", "in")}


def kind_of(path: str) -> tuple[str, ...]:
    """Return what a file is to a teacher: ("lesson", unit, slug), ("unit", slug), ("outline",),
    ("readme",), ("report", study), ("image", unit, name) or ("other",)."""
    if path == COURSE_FILE:
        return ("outline",)
    if path == README:
        return ("readme",)
    if (lesson := parse_lesson_path(path)) is not None:
        return ("lesson", *lesson)
    if (unit := parse_unit_path(path)) is not None:
        return ("unit", unit)
    if (report := _REPORT.fullmatch(path)) and is_slug(report.group(1)):
        return ("report", report.group(1))
    parts = path.split("/")
    if parts[0] == "units" and len(parts) > 2 and is_slug(parts[1]):
        if path.lower().endswith(IMAGE_SUFFIXES):
            return ("image", parts[1], parts[-1])
    return ("other",)


def fixed(text: str, short: str, lesson: tuple[str, str] | None = None) -> Make:
    said = Described(text, short, lesson)
    return lambda: said


def candidate(group: int, keys: tuple[Key, ...], weight: int, make: Make) -> Candidate:
    return Candidate(group, keys, weight, make)


def lesson_change(
    change: FileChange,
    unit: str,
    lesson: str,
    before: Rev,
    after: Rev,
    titles: TitleSource,
    renamed_units: dict[str, str],
) -> list[Candidate]:
    status = change.status
    old = parse_lesson_path(change.old_path) if change.old_path else None
    if status == "R" and old is None:
        status = "A"
    here = (("lesson", unit, lesson),)

    def added() -> Described:
        title, place = titles.lesson(after, unit, lesson), titles.unit(after, unit)
        return Described(
            f"Added the lesson {q(title)} to {q(place)}", f"added {q(title)}", (unit, lesson)
        )

    def deleted() -> Described:
        title, place = titles.lesson(before, unit, lesson), titles.unit(before, unit)
        return Described(f"Deleted the lesson {q(title)} from {q(place)}", f"deleted {q(title)}")

    def edited() -> Described:
        was, now = titles.lesson(before, unit, lesson), titles.lesson(after, unit, lesson)
        called = f", now called {q(now)}" if now != was else ""
        return Described(f"Edited the lesson {q(was)}{called}", f"edited {q(now)}", (unit, lesson))

    if status == "A":
        return [candidate(GROUP_LESSONS, here, 3, added)]
    if status == "D":
        return [candidate(GROUP_LESSONS, here, 3, deleted)]
    if status != "R" or old is None:
        return [candidate(GROUP_LESSONS, here, 3, edited)]
    old_unit, old_lesson = old
    if renamed_units.get(old_unit) == unit and old_lesson == lesson:
        return []  # told by the unit's rename

    def moved() -> Described:
        was, now = titles.lesson(before, old_unit, old_lesson), titles.lesson(after, unit, lesson)
        place = titles.unit(after, unit)
        called = f", now called {q(now)}" if now != was else ""
        if old_unit == unit:
            text, short = f"Renamed the lesson {q(was)} in {q(place)}", f"renamed {q(was)}"
        else:
            text = f"Moved the lesson {q(was)} to {q(place)}"
            short = f"moved {q(was)} to {q(place)}"
        return Described(text + called, short, (unit, lesson))

    keys = (("lesson", old_unit, old_lesson), *here)
    return [candidate(GROUP_LESSONS, keys, 3, moved)]


def unit_change(
    change: FileChange, unit: str, before: Rev, after: Rev, titles: TitleSource
) -> list[Candidate]:
    status = change.status
    old = parse_unit_path(change.old_path) if change.old_path else None
    if status == "R" and old is None:
        status = "A"
    here: tuple[Key, ...] = (("unit", unit),)

    def made() -> Described:
        if status == "A":
            title = titles.unit(after, unit)
            return Described(f"Added the unit {q(title)}", f"added the unit {q(title)}")
        if status == "D":
            title = titles.unit(before, unit)
            return Described(f"Deleted the unit {q(title)}", f"deleted the unit {q(title)}")
        was, now = titles.unit(before, old or unit), titles.unit(after, unit)
        if status == "R":
            called = f", now called {q(now)}" if now != was else ""
            return Described(f"Renamed the unit {q(was)}{called}", f"renamed the unit {q(was)}")
        if was != now:
            return Described(f"Renamed the unit {q(was)} to {q(now)}", f"renamed the unit {q(was)}")
        return Described(f"Edited the overview of the unit {q(now)}", f"edited the unit {q(now)}")

    keys = ((("unit", old),) if old else ()) + here
    return [candidate(GROUP_UNITS, keys, 2 if status == "M" else 3, made)]


def page_change(
    change: FileChange, kind: tuple[str, ...], before: Rev, after: Rev, titles: TitleSource
) -> Candidate:
    verb = {"A": "Added", "D": "Removed"}.get(change.status, "Edited")
    if kind[0] == "readme":
        text = f"{verb} the course\u2019s introduction"
        return candidate(GROUP_PAGES, (("readme",),), 3, fixed(text, text[0].lower() + text[1:]))
    study = kind[1]

    def made() -> Described:
        side = before if change.status == "D" else after
        title = titles.file_title(side, change.path) or study.replace("-", " ").capitalize()
        done = "Published" if change.status == "A" else verb
        return Described(f"{done} the lesson-study report {q(title)}", f"{done.lower()} {q(title)}")

    return candidate(GROUP_PAGES, (("report", study),), 3, made)


def images_change(key: tuple[str, str, Rev], names: list[str], titles: TitleSource) -> Candidate:
    status, unit, side = key
    verb, where = _IMAGE_VERBS.get(status, ("replaced", "in"))

    def made() -> Described:
        place = titles.unit(side, unit)
        what = f"the image {q(names[0])}" if len(names) == 1 else plural(len(names), "image")
        return Described(f"{verb.capitalize()} {what} {where} {q(place)}", f"{verb} {what}")

    return candidate(GROUP_IMAGES, (("images", status, unit),), 1, made)
