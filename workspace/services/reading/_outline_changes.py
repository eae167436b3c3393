"""Changes to course.yaml told as changes to the course's outline, never as YAML.

Two outlines (before and after) give: the course's settings changed (title, subject, grade band,
license, description), units added, removed, renamed or put in a new order, and lessons added
to a unit, removed from one, moved to another or put in a new order. Each is a Candidate
(see _words), so that a lesson added with its file is told once, by the file's change.
"""

from __future__ import annotations

from ...content.outline import CourseOutline, UnitOutline
from ._words import (
    GROUP_COURSE,
    GROUP_LESSONS,
    GROUP_ORDER,
    GROUP_UNITS,
    Candidate,
    Described,
    Key,
    Make,
    Rev,
    TitleSource,
    q,
)

SETTINGS = (("subject", "subject"), ("grade_band", "grade band"), ("license", "license"))


def _said(text: str, short: str, lesson: tuple[str, str] | None = None) -> Described:
    return Described(text, short, lesson)


def settings_changes(old: CourseOutline, new: CourseOutline) -> list[Candidate]:
    """Return the changes to the course's own fields: title, subject, grade band, ..."""
    found: list[Candidate] = []

    def add(key: str, text: str, short: str) -> None:
        found.append(Candidate(GROUP_COURSE, (("course", key),), 2, lambda: _said(text, short)))

    if old.title != new.title:
        text = f"Changed the course\u2019s title from {q(old.title)} to {q(new.title)}"
        add("title", text, "changed the course\u2019s title")
    for name, label in SETTINGS:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        if after is None:
            add(name, f"Removed the course\u2019s {label}", f"removed the course\u2019s {label}")
        else:
            short = f"changed the course\u2019s {label}"
            add(name, f"Changed the course\u2019s {label} to {q(after)}", short)
    if old.description != new.description:
        add("description", "Changed the course\u2019s description", "changed its description")
    if old.extra != new.extra:
        text = "Changed the course\u2019s other settings"
        add("extra", text, "changed the course\u2019s settings")
    return found


def _renamed_units(old: CourseOutline, new: CourseOutline) -> dict[str, str]:
    """Return {old slug: new slug} for units that left under one name and came under another
    with the same lessons (or the same title)."""
    before = {unit.slug: unit for unit in old.units}
    after = {unit.slug: unit for unit in new.units}
    gone = [slug for slug in before if slug not in after]
    renamed: dict[str, str] = {}
    for slug in (slug for slug in after if slug not in before):
        unit = after[slug]
        for old_slug in gone:
            was = before[old_slug]
            same = (unit.lessons and was.lessons == unit.lessons) or (
                unit.title and was.title == unit.title
            )
            if same and old_slug not in renamed:
                renamed[old_slug] = slug
                break
    return renamed


def outline_changes(
    old: CourseOutline,
    new: CourseOutline,
    before: Rev,
    after: Rev,
    titles: TitleSource,
    moved_units: dict[str, str],
) -> tuple[list[Candidate], dict[str, str]]:
    """Return what changed from `old` to `new` in words, and the units it renamed.

    `moved_units` are units whose folders were renamed by the same version ({old: new}); their
    lessons count as the same lessons under the new name.
    """
    found = settings_changes(old, new)
    renamed = {**moved_units, **_renamed_units(old, new)}
    before_units = {unit.slug: unit for unit in old.units}
    after_units = {unit.slug: unit for unit in new.units}
    found += _unit_changes(before_units, after_units, renamed, before, after, titles)
    found += _lesson_changes(old, new, renamed, before, after, titles)
    return found, renamed


def _unit_changes(
    old: dict[str, UnitOutline],
    new: dict[str, UnitOutline],
    renamed: dict[str, str],
    before: Rev,
    after: Rev,
    titles: TitleSource,
) -> list[Candidate]:
    found: list[Candidate] = []

    def add(keys: tuple[Key, ...], weight: int, text: str, short: str) -> None:
        found.append(Candidate(GROUP_UNITS, keys, weight, lambda: _said(text, short)))

    arrived = set(renamed.values())
    for old_slug, slug in renamed.items():
        if old_slug in old and slug in new:
            was, now = titles.unit(before, old_slug), titles.unit(after, slug)
            text = f"Renamed the unit {q(was)}" + (f", now called {q(now)}" if was != now else "")
            add((("unit", old_slug), ("unit", slug)), 2, text, f"renamed the unit {q(was)}")
    for slug in new:
        if slug not in old and slug not in arrived:
            title = titles.unit(after, slug)
            add((("unit", slug),), 2, f"Added the unit {q(title)}", f"added the unit {q(title)}")
    for slug in old:
        if slug not in new and slug not in renamed:
            title = titles.unit(before, slug)
            text = f"Removed the unit {q(title)}"
            add((("unit", slug),), 2, text, f"removed the unit {q(title)}")
    for slug in new:
        if slug in old and old[slug].title != new[slug].title and new[slug].title:
            was, now = titles.unit(before, slug), titles.unit(after, slug)
            if was != now:
                text = f"Renamed the unit {q(was)} to {q(now)}"
                add((("unit", slug),), 4, text, f"renamed the unit {q(was)}")
    kept = [renamed.get(slug, slug) for slug in old]
    order_before = [slug for slug in kept if slug in new]
    order_after = [slug for slug in new if slug in set(order_before)]
    if order_before != order_after:
        add((("unit-order",),), 1, "Reordered the units", "reordered the units")
    return found


def _lesson_changes(
    old: CourseOutline,
    new: CourseOutline,
    renamed: dict[str, str],
    before: Rev,
    after: Rev,
    titles: TitleSource,
) -> list[Candidate]:
    # (unit slug now, lesson, unit slug then) for every lesson each outline lists
    then = [
        (renamed.get(unit.slug, unit.slug), lesson, unit.slug)
        for unit in old.units
        for lesson in unit.lessons
    ]
    now = [(u.slug, lesson) for u in new.units for lesson in u.lessons]
    listed_then = {(unit, lesson) for unit, lesson, _ in then}
    listed_now = set(now)
    gone = [entry for entry in then if (entry[0], entry[1]) not in listed_now]
    came = [entry for entry in now if entry not in listed_then]
    found: list[Candidate] = []

    def add(keys: tuple[Key, ...], make: Make) -> None:
        found.append(Candidate(GROUP_LESSONS, keys, 2, make))

    for unit, lesson in came:
        source = next((g for g in gone if g[1] == lesson and g[0] != unit), None)
        if source is not None:
            gone.remove(source)
            keys = (("lesson", source[2], lesson), ("lesson", unit, lesson))
            add(keys, _moved(titles, after, unit, lesson))
        else:
            add((("lesson", unit, lesson),), _listed(titles, after, unit, lesson))
    for _unit, lesson, unit_then in gone:
        add((("lesson", unit_then, lesson),), _unlisted(titles, before, unit_then, lesson))
    for unit in new.units:
        kept = [(u, lesson) for u, lesson, _ in then if u == unit.slug]
        order_before = [lesson for _, lesson in kept if (unit.slug, lesson) in listed_now]
        order_after = [lesson for lesson in unit.lessons if (unit.slug, lesson) in listed_then]
        if order_before != order_after:
            name = titles.unit(after, unit.slug)
            text = f"Reordered the lessons in {q(name)}"
            short = f"reordered the lessons in {q(name)}"
            found.append(
                Candidate(GROUP_ORDER, (("lesson-order", unit.slug),), 1, _fixed(text, short))
            )
    return found


def _fixed(text: str, short: str) -> Make:
    return lambda: _said(text, short)


def _moved(titles: TitleSource, rev: Rev, unit: str, lesson: str) -> Make:
    def make() -> Described:
        title, place = titles.lesson(rev, unit, lesson), titles.unit(rev, unit)
        text = f"Moved the lesson {q(title)} to {q(place)}"
        return _said(text, f"moved {q(title)} to {q(place)}", (unit, lesson))

    return make


def _listed(titles: TitleSource, rev: Rev, unit: str, lesson: str) -> Make:
    def make() -> Described:
        title, place = titles.lesson(rev, unit, lesson), titles.unit(rev, unit)
        text = f"Added the lesson {q(title)} to {q(place)}"
        return _said(text, f"added {q(title)}", (unit, lesson))

    return make


def _unlisted(titles: TitleSource, rev: Rev, unit: str, lesson: str) -> Make:
    def make() -> Described:
        title, place = titles.lesson(rev, unit, lesson), titles.unit(rev, unit)
        return _said(f"Removed the lesson {q(title)} from {q(place)}", f"removed {q(title)}")

    return make
