"""API views on adaptations: copy a lesson or course into a course the caller may change, read
a copy's original, bring in the original's changes (choices where both changed a place)."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify
from werkzeug.wrappers import Response

from ...access import Access
from ...content.errors import ContentError
from ...content.paths import lesson_path
from ...extensions import db
from ...runtime import ctx, repo_store
from ...services import adapting
from ...services.adapting import AdaptError
from ...services.context import LessonRef
from ...services.editing import Choice, read_text
from . import acting_user, bp, caller, course_for, error, json_body, text_field

LESSON_URL = "/n/<net>/<course>/lessons/<unit>/<lesson>"


@bp.errorhandler(AdaptError)
def adapt_error(exc: AdaptError) -> tuple[Response, int]:
    db.session.rollback()
    return error(422, exc.message)


def _ref(row: Any, unit: str, lesson: str) -> LessonRef:
    try:
        lesson_path(unit, lesson)
    except ContentError:
        abort(404, description="There is no such lesson.")
    return LessonRef(row, unit, lesson)


def _target(data: dict[str, Any]) -> Any:
    key = text_field(data, "course") or ""
    net, _, slug = key.partition("/")
    if not net or not slug:
        abort(400, description="“course” names the course to adapt into as “<network>/<course>”.")
    _, target, _ = course_for(net, slug, Access.WRITE)
    return target


@bp.post(f"{LESSON_URL}/adapt")
def adapt_lesson(net: str, course: str, unit: str, lesson: str) -> tuple[Response, int]:
    """Copy the lesson into the course `{course: "<network>/<course>"}`."""
    user = acting_user()
    _, row, _ = course_for(net, course)
    ref = _ref(row, unit, lesson)
    target = _target(json_body())
    done = adapting.adapt(ctx(user), row, target, [(ref.unit, ref.lesson)])
    return jsonify({"lessons": done.paths, "commit": done.commit}), 201


@bp.post("/n/<net>/<course>/adapt")
def adapt_course(net: str, course: str) -> tuple[Response, int]:
    """Copy every listed lesson of the course into `{course: "<network>/<course>"}`."""
    user = acting_user()
    _, row, _ = course_for(net, course)
    target = _target(json_body())
    if target.id == row.id:
        return error(422, "Choose another course: this is the course itself.")
    done = adapting.adapt(ctx(user), row, target)
    return jsonify({"lessons": done.paths, "commit": done.commit}), 201


def _original_json(found: adapting.Original) -> dict[str, Any]:
    return {
        "based_on": found.mark.as_front_matter(),
        "original": None
        if found.course is None
        else {
            "course": adapting.course_key(found.course),
            "path": found.path,
            "title": found.title,
            "deleted": found.current_text is None,
        },
        "changed": found.changed,
    }


@bp.get(f"{LESSON_URL}/original")
def original(net: str, course: str, unit: str, lesson: str) -> Response:
    """Answer where the copy came from and whether the original changed since."""
    _, row, _ = course_for(net, course)
    ref = _ref(row, unit, lesson)
    with repo_store().open(row.id) as repo:
        text = read_text(repo, ref.path, "main")
    mark = adapting.based_on(text or "")
    if mark is None:
        abort(404, description="This lesson is not adapted from another one.")
    return jsonify(_original_json(adapting.original_of(ctx(), mark, caller().user)))


@bp.post(f"{LESSON_URL}/original")
def bring_in(net: str, course: str, unit: str, lesson: str) -> Response | tuple[Response, int]:
    """Bring the original's changes in: `{base_commit, choices?: {id: option}, conflicts?}`."""
    user = acting_user()
    _, row, _ = course_for(net, course, Access.WRITE)
    ref = _ref(row, unit, lesson)
    data = json_body()
    base = (text_field(data, "base_commit", required=False) or "").strip()
    if not base:
        abort(400, description="Send “base_commit”: the version of the lesson you looked at.")
    raw = data.get("choices")
    if raw is not None and not (
        isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values())
    ):
        abort(400, description="“choices” maps each conflict's id to mine, theirs or both.")
    choices = {key: Choice(value) for key, value in (raw or {}).items()}
    done = adapting.bring_in(
        ctx(user), ref, base, choices if raw is not None else None, data.get("conflicts")
    )
    if done.status == "choose" and done.resolution is not None:
        conflicts = [
            {"id": c.id, "label": c.label, "mine": c.mine, "theirs": c.theirs, "options": c.options}
            for c in done.resolution.conflicts
        ]
        body = {"status": "choose", "conflicts": conflicts}
        return jsonify({**body, "fingerprint": done.resolution.fingerprint}), 409
    if done.status == "current":
        return jsonify({"status": "current"})
    assert done.result is not None  # noqa: S101 (a save's result)
    return jsonify({"status": "saved", "commit": done.result.commit, "path": done.result.path})
