"""The standards a network's lessons address, from the index (no repository is opened)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ...content import InvalidStandard, describe, normalize_standard
from ...content.paths import parse_lesson_path
from ...models import Course, LessonStandard, Network, SearchDocument
from ..context import Ctx
from ._documents import LESSON


@dataclass(frozen=True)
class StandardLesson:
    """A lesson that lists a standard: its course, unit and lesson names, and titles."""

    course: Course
    unit: str
    lesson: str
    title: str
    unit_title: str


@dataclass(frozen=True)
class StandardUse:
    """A standards code used in a network, with the lessons that list it, by course."""

    code: str
    display: str
    description: str
    framework: str
    lessons: list[StandardLesson] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Return how many lessons list the standard."""
        return len(self.lessons)

    def by_course(self) -> list[tuple[Course, list[StandardLesson]]]:
        """Return the lessons grouped by course, in the order they were found."""
        groups: dict[int, tuple[Course, list[StandardLesson]]] = {}
        for lesson in self.lessons:
            groups.setdefault(lesson.course.id, (lesson.course, []))[1].append(lesson)
        return list(groups.values())


def _sort_key(use: StandardUse) -> tuple[str, list[object]]:
    # Natural order: HS-PS1-2 before HS-PS1-10; NGSS before Common Core.
    parts = [int(p) if p.isdigit() else p for p in use.code.replace("-", ".").split(".")]
    return (use.framework, parts)  # type: ignore[return-value]


def network_standards(ctx: Ctx, network: Network) -> list[StandardUse]:
    """Return every standards code the network's lessons list, each with its lessons."""
    rows = ctx.session.execute(
        select(
            LessonStandard.code,
            SearchDocument.path,
            SearchDocument.label,
            SearchDocument.unit_title,
            Course,
        )
        .join(SearchDocument, SearchDocument.id == LessonStandard.document_id)
        .join(Course, Course.id == SearchDocument.course_id)
        .filter(SearchDocument.network_id == network.id, SearchDocument.kind == LESSON)
        .order_by(Course.archived_at.is_not(None), Course.title, Course.id)
        .order_by(SearchDocument.unit_title, SearchDocument.label, SearchDocument.id)
    )
    uses: dict[str, StandardUse] = {}
    for code, path, label, unit_title, course in rows:
        parsed = parse_lesson_path(path or "")
        if parsed is None:
            continue
        use = uses.get(code)
        if use is None:
            try:
                standard = normalize_standard(code)
                description = describe(code)
            except (InvalidStandard, KeyError, IndexError):
                continue
            use = uses[code] = StandardUse(
                code, standard.display, description, str(standard.framework)
            )
        use.lessons.append(StandardLesson(course, parsed[0], parsed[1], label, unit_title))
    return sorted(uses.values(), key=_sort_key)
