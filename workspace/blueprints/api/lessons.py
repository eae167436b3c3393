"""API views on one lesson: read it, save it (merging concurrent saves), create and delete it.

A lesson is addressed as `<unit>/<lesson>`, the file `units/<unit>/lessons/<lesson>.md`, and
`content` is the whole file, front matter included. Reads return the commit they read at;
saves and deletes name that commit as `base_commit`, so changes made since are merged (or
reported as a conflict) rather than overwritten.
"""

from __future__ import annotations

from typing import Any

from flask import abort, request

from ...access import Access
from ...content.errors import ContentError
from ...content.frontmatter import parse_lesson
from ...runtime import ctx
from ...services import editing, reading
from ...services.context import LessonRef
from ...services.editing import SaveResult
from . import acting_user, bp, course_for, json_body, text_field

LESSON_URL = "/n/<net>/<course>/lessons/<unit>/<lesson>"


def _result(result: SaveResult) -> dict[str, Any]:
    return {
        "status": result.status,
        "commit": result.commit,
        "merged_with": result.merged_with,
        "path": result.path,
        "unchanged": result.unchanged,
    }


def _message(data: dict[str, Any]) -> str | None:
    """Return the commit message of a request, None (a meaningful default) when blank."""
    message = text_field(data, "message", required=False)
    return message.strip() or None if message is not None else None


@bp.get(LESSON_URL)
def lesson(net: str, course: str, unit: str, lesson: str) -> dict[str, Any]:
    """Return the lesson file at `?rev=` (the newest by default) and the commit read."""
    _network, row, _access = course_for(net, course)
    found = reading.lesson_file(
        ctx(), LessonRef(row, unit, lesson), request.args.get("rev") or "main"
    )
    path, commit, content = found.path, found.commit, found.content
    front_matter, problem = None, None
    try:
        front_matter = parse_lesson(content).front_matter
    except ContentError as exc:
        problem = exc.message
    return {
        "path": path,
        "commit": commit,
        "content": content,
        "front_matter": front_matter,
        "front_matter_error": problem,
    }


@bp.put(LESSON_URL)
def save(net: str, course: str, unit: str, lesson: str) -> dict[str, Any]:
    """Save the whole lesson file, edited from `base_commit`; merges or answers 409."""
    _network, row, _access = course_for(net, course, Access.WRITE)
    data = json_body()
    content = text_field(data, "content") or ""
    base_commit = text_field(data, "base_commit") or ""
    if not base_commit.strip():
        abort(400, description="“base_commit” is empty: send the commit you read the lesson at.")
    ref = LessonRef(row, unit, lesson)
    result = editing.save_lesson(
        ctx(acting_user()), ref, content, base_commit.strip(), _message(data)
    )
    body = _result(result)
    asked = f"units/{unit}/lessons/{lesson}.md"
    if result.path and result.path != asked:
        # Someone renamed or moved the lesson meanwhile: the save merged into it there.
        body["renamed_from"] = asked
        body["message"] = (
            f"The lesson was renamed to \u201c{result.path}\u201d while you were editing it; "
            "your changes were saved there."
        )
    return body


@bp.post(LESSON_URL)
def create(net: str, course: str, unit: str, lesson: str) -> tuple[dict[str, Any], int]:
    """Create the lesson (from `content`, or a `title`); 409 if the unit already has it."""
    _network, row, _access = course_for(net, course, Access.WRITE)
    data = json_body() if request.content_length else {}
    result = editing.create_lesson(
        ctx(acting_user()),
        row,
        unit,
        lesson,
        title=text_field(data, "title", required=False),
        content=text_field(data, "content", required=False),
        message=_message(data),
    )
    return _result(result), 201


@bp.delete(LESSON_URL)
def delete(net: str, course: str, unit: str, lesson: str) -> dict[str, Any]:
    """Delete the lesson as of `base_commit` (JSON body or query); 409 if changed since."""
    _network, row, _access = course_for(net, course, Access.WRITE)
    data = json_body() if request.content_length else {}
    base_commit = text_field(data, "base_commit", required=False) or request.args.get(
        "base_commit", ""
    )
    if not base_commit.strip():
        abort(400, description="Send “base_commit”: the commit you read the lesson at.")
    ref = LessonRef(row, unit, lesson)
    result = editing.delete_lesson(ctx(acting_user()), ref, base_commit.strip(), _message(data))
    return _result(result)
