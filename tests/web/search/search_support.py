"""Helpers for the search tests: lessons made through the editing service (so every change
emits its event and the index follows, jobs running inline), and searches through the API."""

from __future__ import annotations

from typing import Any

from courses_support import lesson_file, make_course

from workspace.models import Course, Network, User
from workspace.runtime import ctx
from workspace.services import editing


def add_lessons(course: Course, user: User, unit: str, lessons: dict[str, str]) -> None:
    """Return nothing, once unit `unit` and its `lessons` (slug -> file text) are saved."""
    editing.create_unit(ctx(user), course, unit.replace("-", " ").title(), unit)
    for slug, text in lessons.items():
        editing.create_lesson(ctx(user), course, unit, slug, content=text)


def course_with(
    network: Network, user: User, slug: str, lessons: dict[str, str], **fields: Any
) -> Course:
    """Return a new course of `network` holding unit "energy" with `lessons`."""
    course = make_course(network, user, slug, **fields)
    add_lessons(course, user, "energy", lessons)
    return course


def found(client: Any, **args: str) -> list[dict[str, Any]]:
    """Return the API's results for a search (asserting it answered 200)."""
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def titles(client: Any, **args: str) -> list[str]:
    """Return the titles of the API's results for a search, best first."""
    return [r["title"] for r in found(client, **args)]


__all__ = ["add_lessons", "course_with", "found", "lesson_file", "titles"]
