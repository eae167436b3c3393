"""Lesson front matter: validation that reports every problem, and a lenient view for display."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import InvalidStandard, Problem
from .standards import Standard, normalize_standard

MAX_DURATION = 600

_GRADE = r"(?:K|\d{1,2})"
_GRADE_BAND = re.compile(rf"(?:grades?\s*)?({_GRADE})(?:\s*(?:-|\u2013|to)\s*({_GRADE}))?", re.I)
_LEVELS = {"HS", "MS", "ES", "HIGH SCHOOL", "MIDDLE SCHOOL", "ELEMENTARY"}


def _grade_number(grade: str) -> int:
    return 0 if grade.upper() == "K" else int(grade)


def is_grade_band(value: object) -> bool:
    """Return True for grade bands such as "9-12", "K-2", "6-8", "7", "HS" or "MS"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return 1 <= value <= 12
    if not isinstance(value, str):
        return False
    text = value.strip()
    if text.upper() in _LEVELS:
        return True
    match = _GRADE_BAND.fullmatch(text)
    if match is None:
        return False
    low = _grade_number(match.group(1))
    high = _grade_number(match.group(2)) if match.group(2) else low
    return low <= high <= 12


def _text_list_problems(name: str, value: object) -> list[Problem]:
    if not isinstance(value, list):
        return [Problem(name, f"{name.capitalize()} must be a list, one item per line.")]
    return [
        Problem(name, f"Item {number} in {name} must be text, not \u201c{item}\u201d.")
        if not isinstance(item, str)
        else Problem(name, f"Item {number} in {name} is empty.")
        for number, item in enumerate(value, start=1)
        if not isinstance(item, str) or not item.strip()
    ]


def _is_web_url(url: object) -> bool:
    return isinstance(url, str) and re.match(r"https?://[^\s/?#]+", url.strip(), re.I) is not None


def _resource_problems(value: object) -> list[Problem]:
    if not isinstance(value, list):
        return [Problem("resources", "Resources must be a list of id, title and url entries.")]
    problems: list[Problem] = []
    for number, item in enumerate(value, start=1):
        where = f"Resource {number}"
        if not isinstance(item, dict):
            problems.append(Problem("resources", f"{where} must have an id, a title and a url."))
            continue
        ident = item.get("id")
        if isinstance(ident, bool) or not isinstance(ident, str | int) or str(ident).strip() == "":
            problems.append(Problem("resources", f"{where} needs an id."))
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(Problem("resources", f"{where} needs a title."))
        if "url" not in item:
            problems.append(Problem("resources", f"{where} needs a url."))
        elif not _is_web_url(item["url"]):
            problems.append(
                Problem("resources", f"{where}: the url must start with http:// or https://.")
            )
    return problems


def _standards_problems(value: object) -> list[Problem]:
    if not isinstance(value, list):
        return [Problem("standards", "Standards must be a list of codes, one per line.")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for item in value:
        try:
            standard = normalize_standard(item)
        except InvalidStandard as exc:
            problems.append(Problem("standards", exc.message))
            continue
        if standard.code in seen:
            problems.append(Problem("standards", f"{standard.display} is listed more than once."))
        seen.add(standard.code)
    return problems


def _title_problems(front_matter: dict[str, Any]) -> list[Problem]:
    if "title" not in front_matter or front_matter["title"] is None:
        return [Problem("title", "A title is required.")]
    title = front_matter["title"]
    if not isinstance(title, str):
        return [Problem("title", "The title must be text.")]
    if not title.strip():
        return [Problem("title", "The title cannot be empty.")]
    return []


def _duration_problems(value: object) -> list[Problem]:
    if isinstance(value, bool) or not isinstance(value, int):
        shown = f"\u201c{value}\u201d"
        return [
            Problem("duration", f"Duration is a whole number of minutes, like 50, not {shown}.")
        ]
    if not 1 <= value <= MAX_DURATION:
        return [Problem("duration", f"Duration must be between 1 and {MAX_DURATION} minutes.")]
    return []


def validate_lesson(front_matter: dict[str, Any]) -> list[Problem]:
    """Return every problem with a lesson's front matter; an empty list means it is valid.

    Unknown keys are allowed and kept: they belong to whoever added them.
    """
    problems = _title_problems(front_matter)
    if front_matter.get("duration") is not None:
        problems += _duration_problems(front_matter["duration"])
    grade_band = front_matter.get("grade_band")
    if grade_band is not None and not is_grade_band(grade_band):
        problems.append(
            Problem(
                "grade_band",
                f"\u201c{grade_band}\u201d is not a grade band; write one like 9-12, K-2, 6-8, "
                "HS or MS.",
            )
        )
    if front_matter.get("standards") is not None:
        problems += _standards_problems(front_matter["standards"])
    for name in ("objectives", "materials"):
        if front_matter.get(name) is not None:
            problems += _text_list_problems(name, front_matter[name])
    if front_matter.get("resources") is not None:
        problems += _resource_problems(front_matter["resources"])
    based_on = front_matter.get("based_on")
    if based_on is not None and not isinstance(based_on, dict | str):
        problems.append(
            Problem("based_on", "based_on must say where the lesson comes from (text or fields).")
        )
    return problems


@dataclass(frozen=True)
class ResourceLink:
    """A partner resource linked from a lesson."""

    id: str
    title: str
    url: str | None


@dataclass(frozen=True)
class LessonMeta:
    """What a lesson page shows about a lesson, read leniently: bad values are left out."""

    title: str
    duration: int | None = None
    grade_band: str | None = None
    standards: list[Standard] = field(default_factory=list)
    invalid_standards: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    resources: list[ResourceLink] = field(default_factory=list)
    based_on: dict[str, Any] | str | None = None


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    kept = (item for item in value if isinstance(item, str | int | float))
    return [text for text in (str(item).strip() for item in kept) if text]


def _resource_links(value: object) -> list[ResourceLink]:
    if not isinstance(value, list):
        return []
    return [
        ResourceLink(
            id=str(item.get("id", "")),
            title=str(item.get("title") or item.get("url") or "Resource"),
            url=item["url"].strip() if _is_web_url(item.get("url")) else None,
        )
        for item in value
        if isinstance(item, dict)
    ]


def carpentries_minutes(front_matter: dict[str, Any]) -> int | None:
    """Return a Carpentries episode's `teaching:` plus `exercises:` minutes, None without
    them: a lesson from that format shows its length without anyone rewriting it."""
    parts = [front_matter.get("teaching"), front_matter.get("exercises")]
    numbers = [p for p in parts if isinstance(p, int) and not isinstance(p, bool) and p >= 0]
    return sum(numbers) or None if numbers else None


def lesson_meta(
    front_matter: dict[str, Any], *, fallback_title: str = "Untitled lesson"
) -> LessonMeta:
    """Return the displayable facts of a lesson, skipping values that do not validate."""
    title = front_matter.get("title")
    duration = front_matter.get("duration")
    if duration is None:
        duration = carpentries_minutes(front_matter)
    grade_band = front_matter.get("grade_band")
    standards: list[Standard] = []
    invalid: list[str] = []
    for code in _texts(front_matter.get("standards")):
        try:
            standard = normalize_standard(code)
        except InvalidStandard:
            invalid.append(code)
            continue
        if standard not in standards:
            standards.append(standard)
    based_on = front_matter.get("based_on")
    return LessonMeta(
        title=title.strip() if isinstance(title, str) and title.strip() else fallback_title,
        duration=duration if _duration_problems(duration) == [] else None,
        grade_band=str(grade_band).strip() if is_grade_band(grade_band) else None,
        standards=standards,
        invalid_standards=invalid,
        objectives=_texts(front_matter.get("objectives")),
        materials=_texts(front_matter.get("materials")),
        resources=_resource_links(front_matter.get("resources")),
        based_on=based_on if isinstance(based_on, dict | str) else None,
    )
