"""API views on lesson-study cycles: start one on a lesson, read it, move its phase (entering
`teach` pins and tags the version taught), observe an iteration, and see what changed in the
lesson since it was last taught. See DESIGN.md, "Lesson-study cycles (contract)"."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, request, url_for
from werkzeug.wrappers import Response

from ...access import Access
from ...content.paths import parse_lesson_path
from ...extensions import db
from ...models import Iteration, Study, User
from ...runtime import ctx
from ...services import studies
from ...services.studies import NewObservation, NewStudy, StudyError, Teaching
from . import acting_user, bp, course_for, error, json_body, text_field
from .threads import _lesson, _line, thread_json

STUDIES_URL = "/n/<net>/<course>/studies"


@bp.errorhandler(StudyError)
def study_error(exc: StudyError) -> tuple[Response, int]:
    """Answer a cycle request that cannot be done, with the field it is about."""
    db.session.rollback()
    return error(exc.status, exc.message, **({"field": exc.field} if exc.field else {}))


def iteration_json(iteration: Iteration) -> dict[str, Any]:
    instructor = iteration.instructor
    return {
        "number": iteration.number,
        "commit": iteration.commit,
        "tag": iteration.tag,
        "taught_on": iteration.taught_on.isoformat() if iteration.taught_on else None,
        "setting": iteration.setting,
        "instructor": instructor.username if instructor is not None else None,
    }


def study_json(study: Study) -> dict[str, Any]:
    found = parse_lesson_path(study.path)
    return {
        "id": study.id,
        "lesson": f"{found[0]}/{found[1]}" if found else study.path,
        "title": study.title,
        "theme": study.theme,
        "goals": study.goals,
        "questions": study.questions,
        "phase": study.phase,
        "team": [
            {"username": m.user.username, "role": m.role, "assignment": m.assignment}
            for m in study.team
        ],
        "iterations": [iteration_json(i) for i in study.iterations],
        "report_commit": study.report_commit,
        "moves": [
            {
                "from": move.from_phase,
                "to": move.to_phase,
                "by": move.by.username if move.by is not None else None,
                "at": move.at.isoformat(),
            }
            for move in study.moves
        ],
    }


@bp.post(STUDIES_URL)
def start_study(net: str, course: str) -> tuple[dict[str, Any], int]:
    """Start a cycle on a lesson: 201, in `plan`, the caller its facilitator."""
    _network, row, access = course_for(net, course, Access.WRITE)
    data = json_body()
    ref = _lesson(row, text_field(data, "lesson"))
    new = NewStudy(
        title=text_field(data, "title") or "",
        theme=text_field(data, "theme", required=False) or "",
        goals=text_field(data, "goals", required=False) or "",
        questions=text_field(data, "questions", required=False) or "",
    )
    study = studies.start_study(ctx(acting_user()), ref, access, new)
    db.session.commit()
    return study_json(study), 201


def _study(row: Any, study_id: int) -> Study:
    return studies.find_study(ctx(), row.id, study_id)


@bp.get(f"{STUDIES_URL}/<int:study_id>")
def study(net: str, course: str, study_id: int) -> dict[str, Any]:
    """Return a cycle: its lesson, phase, team, iterations and phase moves."""
    _network, row, _access = course_for(net, course)
    return study_json(_study(row, study_id))


def _taught_on(data: dict[str, Any]) -> date | None:
    value = text_field(data, "taught_on", required=False)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, description="“taught_on” is a date such as 2026-12-04.")


@bp.post(f"{STUDIES_URL}/<int:study_id>/phase")
def phase(net: str, course: str, study_id: int) -> dict[str, Any]:
    """Move the cycle's phase: 200, 403 for someone who may not, 409 out of order."""
    _network, row, access = course_for(net, course, Access.READ)
    found = _study(row, study_id)
    if not studies.may_lead(ctx(acting_user()), found, access):
        raise StudyError(
            "Only the cycle's facilitator and the network's leaders move its phase.", 403
        )
    data = json_body()
    instructor = None
    name = text_field(data, "instructor", required=False)
    if name:
        instructor = db.session.scalar(db.select(User).filter_by(username=name))
        if instructor is None:
            abort(400, description=f"There is no one called “{name}”.")
    teaching = Teaching(
        taught_on=_taught_on(data),
        setting=text_field(data, "setting", required=False) or "",
        instructor=instructor,
    )
    to = text_field(data, "phase") or ""
    if to == "closed":  # closing writes the cycle's report into the course
        learned = text_field(data, "learned", required=False) or ""
        studies.close_study(ctx(acting_user()), found, access, learned)
    else:
        studies.move_phase(ctx(acting_user()), found, access, to, teaching)
    db.session.commit()
    return study_json(found)


def _minute(data: dict[str, Any]) -> int:
    value = data.get("minute")
    if isinstance(value, bool) or not isinstance(value, int):
        abort(400, description="“minute” is the whole number of minutes since the lesson began.")
    return value


def observation_json(found: Any) -> dict[str, Any]:
    return {
        "id": found.id,
        "minute": found.minute,
        "focus": found.focus,
        "body": found.body,
        "observer": found.observer.username if found.observer is not None else None,
        "start_line": found.start_line,
        "end_line": found.end_line,
        "created_at": found.created_at.isoformat(),
    }


OBSERVATIONS_URL = f"{STUDIES_URL}/<int:study_id>/iterations/<int:number>/observations"


@bp.post(OBSERVATIONS_URL)
def observe(net: str, course: str, study_id: int, number: int) -> tuple[dict[str, Any], int]:
    """Record an observation of iteration `number`: 201."""
    _network, row, access = course_for(net, course, Access.READ)
    found = _study(row, study_id)
    if not studies.may_observe(ctx(acting_user()), found, access):
        raise StudyError("Only the cycle's team records observations.", 403)
    data = json_body()
    new = NewObservation(
        minute=_minute(data),
        body=text_field(data, "body") or "",
        focus=text_field(data, "focus", required=False) or "",
        start_line=_line(data, "start_line"),
        end_line=_line(data, "end_line"),
    )
    note = studies.observe(ctx(acting_user()), found, access, number, new)
    db.session.commit()
    return observation_json(note), 201


@bp.get(OBSERVATIONS_URL)
def observations(net: str, course: str, study_id: int, number: int) -> dict[str, Any]:
    """Return every observer's notes on iteration `number` in one timeline, by minute."""
    _network, row, _access = course_for(net, course)
    iteration = studies.iteration_of(_study(row, study_id), number)
    found = studies.observations(
        ctx(), iteration, request.args.get("observer"), request.args.get("focus")
    )
    return {"observations": [observation_json(o) for o in found]}


@bp.get(f"{STUDIES_URL}/<int:study_id>/iterations/<int:number>/changes")
def changes(net: str, course: str, study_id: int, number: int) -> dict[str, Any]:
    """Return what changed in the lesson since it was last taught, and the threads behind it."""
    _network, row, _access = course_for(net, course)
    found = studies.changes_since(ctx(), _study(row, study_id), number)
    return {
        "from_commit": found.from_commit,
        "to_commit": found.to_commit,
        "diff": found.diff,
        "threads": [thread_json(t) for t in found.threads],
    }


def _ids(data: dict[str, Any], name: str) -> list[int]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        abort(400, description=f"“{name}” is a list of ids.")
    return value


def point_json(point: Any) -> dict[str, Any]:
    return {
        "id": point.id,
        "stage": point.stage,
        "author": point.author.username if point.author is not None else None,
        "body": point.body,
        "observations": [int(v) for v in point.cited_observations.split()],
        "work": [int(v) for v in point.cited_work.split()],
        "created_at": point.created_at.isoformat(),
    }


DEBRIEF_URL = f"{STUDIES_URL}/<int:study_id>/iterations/<int:number>/debrief"


@bp.get(DEBRIEF_URL)
def debrief(net: str, course: str, study_id: int, number: int) -> dict[str, Any]:
    """Return an iteration's debrief in protocol order, and whose turn it is."""
    _network, row, _access = course_for(net, course)
    iteration = studies.iteration_of(_study(row, study_id), number)
    return {"stage": iteration.debrief_stage, "points": [point_json(p) for p in iteration.debrief]}


@bp.post(DEBRIEF_URL)
def contribute(net: str, course: str, study_id: int, number: int) -> tuple[dict[str, Any], int]:
    """Add to the debrief at the current turn, citing observations and student work."""
    _network, row, access = course_for(net, course, Access.READ)
    found = _study(row, study_id)
    data = json_body()
    point = studies.contribute(
        ctx(acting_user()),
        found,
        access,
        studies.iteration_of(found, number),
        text_field(data, "body") or "",
        _ids(data, "observations"),
        _ids(data, "work"),
    )
    db.session.commit()
    return point_json(point), 201


@bp.post(f"{DEBRIEF_URL}/next")
def next_turn(net: str, course: str, study_id: int, number: int) -> dict[str, Any]:
    """Move the debrief on to the next voice (the facilitator and leaders)."""
    _network, row, access = course_for(net, course, Access.READ)
    found = _study(row, study_id)
    stage = studies.next_turn(
        ctx(acting_user()), found, access, studies.iteration_of(found, number)
    )
    db.session.commit()
    return {"stage": stage}


@bp.post(f"{STUDIES_URL}/<int:study_id>/iterations/<int:number>/work")
def add_work(net: str, course: str, study_id: int, number: int) -> tuple[dict[str, Any], int]:
    """Add a photo, scan or PDF of student work (multipart `file`): 201 {id, url}."""
    network, row, access = course_for(net, course, Access.READ)
    found = _study(row, study_id)
    if not studies.may_observe(ctx(acting_user()), found, access):
        raise StudyError("Only the cycle's team adds student work.", 403)
    upload = request.files.get("file")
    if upload is None:
        abort(400, description="Send the file as the multipart field “file”.")
    work = studies.add_work(
        ctx(acting_user()),
        found,
        access,
        studies.iteration_of(found, number),
        upload.read(),
        request.form.get("label", ""),
    )
    db.session.commit()
    url = url_for(
        "studies.work", net=network.slug, course=row.slug, study_id=found.id, work_id=work.id
    )
    return {"id": work.id, "url": url, "media_type": work.media_type, "size": work.size}, 201
