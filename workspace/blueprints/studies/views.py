"""Lesson-study pages: a course's cycles, starting one on a lesson, a cycle's page (phase,
what comes next and by whom, team, timeline, observation form and timeline), and an
iteration's page ("What changed since we last taught it"). Every action is a plain form."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import login_required
from werkzeug.wrappers import Response

from ...access import Access, Guest
from ...content.errors import ContentError
from ...content.paths import lesson_path, parse_lesson_path
from ...content.render import render_body
from ...extensions import db
from ...models import Course, Membership, Network, Study, User
from ...runtime import ctx
from ...services import reading, studies, threads
from ...services.context import LessonRef
from ...services.studies import PHASE_WORDS, ROLES, NewObservation, NewStudy, StudyError, Teaching
from .._guards import require_course
from ..reading import reading_caches

bp = Blueprint("studies", __name__, url_prefix="/n/<net>/<course>")

ROLE_WORDS = {
    "facilitator": "Facilitator",
    "planner": "Planning member",
    "instructor": "Instructor",
    "observer": "Observer",
    "knowledgeable_other": "Knowledgeable other",
}
NEXT_STEP = {
    "plan": "The team plans the research lesson together; the facilitator moves the cycle to "
    "teaching when the lesson is ready.",
    "teach": "The instructor teaches while the observers take notes below; then the facilitator "
    "opens the debrief.",
    "debrief": "The team debriefs on the evidence: the instructor first, then the planning team, "
    "the observers, and the knowledgeable other last.",
    "revise": "The team revises the lesson in the editor, answering the threads raised; then it is "
    "taught again, or the cycle is closed.",
    "closed": "The cycle is closed.",
}


def _titles(row: Course) -> dict[tuple[str, str], str]:
    view = reading.course_page(ctx(), row, caches=reading_caches())
    return {(e.unit, e.slug): e.title for e in view.index.lessons}


def _study_url(network: Network, row: Course, study: Study, **extra: Any) -> str:
    return url_for("studies.study", net=network.slug, course=row.slug, study_id=study.id, **extra)


@bp.get("/studies")
def course_studies(net: str, course: str) -> ResponseReturnValue:
    """The course's lesson-study cycles, open ones first."""
    network, row, access = require_course(net, course)
    return render_template(
        "studies/course_studies.html",
        network=network,
        course=row,
        access=access,
        found=studies.course_studies(ctx(), row.id),
        titles=_titles(row),
        phases=PHASE_WORDS,
    )


@bp.route("/studies/new", methods=["GET", "POST"])
@login_required
def new_study(net: str, course: str) -> ResponseReturnValue:
    """Start a cycle on a lesson."""
    network, row, access = require_course(net, course, Access.WRITE)
    titles = _titles(row)
    lesson = request.values.get("lesson", "")
    error = None
    if request.method == "POST":
        unit, _, name = lesson.partition("/")
        try:
            lesson_path(unit, name)
            new = NewStudy(
                title=request.form.get("title", ""),
                theme=request.form.get("theme", ""),
                goals=request.form.get("goals", ""),
                questions=request.form.get("questions", ""),
            )
            study = studies.start_study(ctx(), LessonRef(row, unit, name), access, new)
        except ContentError:
            error = StudyError("Choose the lesson the cycle studies.", field="lesson")
        except StudyError as exc:
            db.session.rollback()
            error = exc
        else:
            db.session.commit()
            flash("The cycle is started. Add the team, then plan the lesson together.", "success")
            return redirect(_study_url(network, row, study))
    page = render_template(
        "studies/new.html",
        network=network,
        course=row,
        access=access,
        titles=titles,
        lesson=lesson,
        posted=request.form,
        error=error,
    )
    return (page, 422 if error.status not in (403, 404, 413) else error.status) if error else page


def _find(row: Course, study_id: int) -> Study:
    try:
        return studies.find_study(ctx(), row.id, study_id)
    except StudyError:
        abort(404)


@bp.get("/studies/<int:study_id>")
def study(net: str, course: str, study_id: int) -> ResponseReturnValue:
    """A cycle's page."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    return _study_page(network, row, _find(row, study_id), access)


def _study_page(
    network: Network, row: Course, found: Study, access: Access, error: StudyError | None = None
) -> tuple[str, int] | str:
    lesson = parse_lesson_path(found.path)
    current = found.iterations[-1] if found.iterations else None
    context = ctx()
    members = db.session.scalars(
        db.select(User)
        .join(Membership)
        .filter(Membership.network_id == network.id)
        .order_by(User.display_name)
    ).all()
    notes = (
        studies.observations(
            context, current, request.args.get("observer"), request.args.get("focus")
        )
        if current
        else []
    )
    page = render_template(
        "studies/study.html",
        network=network,
        course=row,
        access=access,
        study=found,
        lesson=lesson,
        title=_titles(row).get(lesson, found.path) if lesson else found.path,
        phases=PHASE_WORDS,
        next_phases=studies.NEXT[found.phase],
        next_step=NEXT_STEP[found.phase],
        may_lead=studies.may_lead(context, found, access),
        may_observe=studies.may_observe(context, found, access),
        current=current,
        notes=notes,
        focuses=sorted({m.assignment for m in found.team if m.assignment}),
        members=members,
        roles=ROLES,
        role_words=ROLE_WORDS,
        error=error,
        posted=request.form if error else {},
        today=date.today().isoformat(),
        stages=studies.STAGES,
        events=studies.study_events(context, found),
        revisions=studies.revisions_since_taught(context, found)
        if found.phase in ("revise", "debrief")
        else [],
        event_kinds=studies.KIND_WORDS,
        stage_words=studies.STAGE_WORDS,
        my_turn=bool(
            current
            and studies.roles_of(found, context.user)
            & studies.SPEAKERS.get(current.debrief_stage, set())
        ),
    )
    return (page, error.status) if error else page


def _acted(network: Network, row: Course, found: Study, access: Access, action: Any) -> Any:
    try:
        message = action()
    except StudyError as exc:
        db.session.rollback()
        if exc.status in (403, 404):
            abort(exc.status)
        return _study_page(network, row, found, access, exc)
    db.session.commit()
    flash(message, "success")
    return redirect(_study_url(network, row, found))


@bp.post("/studies/<int:study_id>/phase")
@login_required
def phase(net: str, course: str, study_id: int) -> ResponseReturnValue:
    """Move the cycle to its next phase (entering teaching starts an iteration)."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)
    to = request.form.get("phase", "")

    def act() -> str:
        taught_on = None
        if request.form.get("taught_on"):
            try:
                taught_on = date.fromisoformat(request.form["taught_on"])
            except ValueError:
                raise StudyError(
                    "Give the date as on a calendar, such as 2026-12-04.", field="taught_on"
                ) from None
        instructor = None
        if request.form.get("instructor", "").isdigit():
            instructor = db.session.get(User, int(request.form["instructor"]))
        teaching = Teaching(taught_on, request.form.get("setting", ""), instructor)
        studies.move_phase(ctx(), found, access, to, teaching)
        return f"The cycle is now {PHASE_WORDS.get(to, to)}."

    return _acted(network, row, found, access, act)


@bp.post("/studies/<int:study_id>/team")
@login_required
def add_member(net: str, course: str, study_id: int) -> ResponseReturnValue:
    """Put someone on the team in a role (observers with their assignment)."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)

    def act() -> str:
        if not studies.may_lead(ctx(), found, access):
            raise StudyError("Only the facilitator and the leaders form the team.", 403)
        value, role = request.form.get("user", ""), request.form.get("role", "")
        user = db.session.get(User, int(value)) if value.isdigit() else None
        outside = (request.form.get("username") or "").strip().lower()
        if user is None and outside:
            # An outside expert joins this cycle only, as its knowledgeable other.
            if role != "knowledgeable_other":
                raise StudyError(
                    "Someone from outside the network joins a cycle as its knowledgeable "
                    "other only.",
                    field="role",
                )
            user = db.session.scalar(db.select(User).filter_by(username=outside))
            if user is None:
                raise StudyError(f"There is no account called “{outside}”.", field="username")
        elif user is not None and not db.session.scalar(
            db.select(Membership).filter_by(network_id=network.id, user_id=user.id)
        ):
            user = None
        if user is None:
            raise StudyError("Choose a member of the network.", field="user")
        studies.set_member(
            ctx(),
            found,
            access,
            user,
            request.form.get("role", ""),
            request.form.get("assignment", ""),
        )
        return f"{user.display_name or user.username} is on the team."

    return _acted(network, row, found, access, act)


@bp.post("/studies/<int:study_id>/team/<int:member_id>/remove")
@login_required
def remove_member(net: str, course: str, study_id: int, member_id: int) -> ResponseReturnValue:
    """Take someone off the team."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)

    def act() -> str:
        studies.remove_member(ctx(), found, access, member_id)
        return "The team is changed."

    return _acted(network, row, found, access, act)


def _int(name: str) -> int | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise StudyError(f"Give the {name.replace('_', ' ')} as a number.", field=name)
    return int(value)


@bp.post("/studies/<int:study_id>/iterations/<int:number>/observations")
@login_required
def observe(net: str, course: str, study_id: int, number: int) -> ResponseReturnValue:
    """Record an observation (minute, focus, note, optionally lines of the taught version)."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)
    if not studies.may_observe(ctx(), found, access):
        abort(403)

    def act() -> str:
        minute = _int("minute")
        new = NewObservation(
            minute=minute if minute is not None else -1,
            body=request.form.get("body", ""),
            focus=request.form.get("focus", ""),
            start_line=_int("start_line"),
            end_line=_int("end_line"),
        )
        studies.observe(ctx(), found, access, number, new)
        return "Your note is in the timeline."

    return _acted(network, row, found, access, act)


@bp.get("/studies/<int:study_id>/iterations/<int:number>")
def iteration(net: str, course: str, study_id: int, number: int) -> ResponseReturnValue:
    """An iteration: the version taught, the observers' timeline, and what changed since the
    lesson was last taught, with the threads behind it."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)
    try:
        taught = studies.iteration_of(found, number)
    except StudyError:
        abort(404)
    changes = studies.changes_since(ctx(), found, number)
    lesson = parse_lesson_path(found.path)
    title = _titles(row).get(lesson, found.path) if lesson else found.path
    shown = None
    if changes.from_commit is not None:
        shown = reading.text_change(
            f"The lesson “{title}”",
            changes.old_text or "",
            changes.new_text,
            render_body,
            render_body,
            lesson=lesson,
            rev=changes.to_commit,
        )
    placed = [threads.place_thread(ctx(), t, changes.to_commit) for t in changes.threads]
    return render_template(
        "studies/iteration.html",
        network=network,
        course=row,
        access=access,
        study=found,
        taught=taught,
        lesson=lesson,
        title=title,
        changes=changes,
        shown=shown,
        placed=placed,
        notes=studies.observations(ctx(), taught),
        members=threads.member_names(ctx(), network),
    )


def _ids(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isdigit()]


@bp.post("/studies/<int:study_id>/iterations/<int:number>/debrief")
@login_required
def contribute(net: str, course: str, study_id: int, number: int) -> ResponseReturnValue:
    """Add to the debrief at the current turn, citing observations and student work."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)

    def act() -> str:
        iteration = studies.iteration_of(found, number)
        studies.contribute(
            ctx(),
            found,
            access,
            iteration,
            request.form.get("body", ""),
            _ids("observations"),
            _ids("work"),
        )
        return "Your point is in the debrief."

    return _acted(network, row, found, access, act)


@bp.post("/studies/<int:study_id>/iterations/<int:number>/debrief/next")
@login_required
def next_turn(net: str, course: str, study_id: int, number: int) -> ResponseReturnValue:
    """Give the debrief to the next voice."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)

    def act() -> str:
        stage = studies.next_turn(ctx(), found, access, studies.iteration_of(found, number))
        return f"Now: {studies.STAGE_WORDS[stage]}."

    return _acted(network, row, found, access, act)


@bp.post("/studies/<int:study_id>/close")
@login_required
def close(net: str, course: str, study_id: int) -> ResponseReturnValue:
    """Close the cycle, writing its report into the course."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)

    def act() -> str:
        studies.close_study(ctx(), found, access, request.form.get("learned", ""))
        return "The cycle is closed; its report is part of the course."

    return _acted(network, row, found, access, act)


@bp.post("/studies/<int:study_id>/iterations/<int:number>/work")
@login_required
def add_work(net: str, course: str, study_id: int, number: int) -> ResponseReturnValue:
    """Add a photo, scan or PDF of student work (its image metadata removed)."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)
    if not studies.may_observe(ctx(), found, access):
        abort(403)

    def act() -> str:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise StudyError("Choose the photo, scan or PDF to add.", field="file")
        iteration = studies.iteration_of(found, number)
        studies.add_work(
            ctx(), found, access, iteration, upload.read(), request.form.get("label", "")
        )
        return "The student work is added. Only the team and the leaders can see it."

    return _acted(network, row, found, access, act)


@bp.get("/studies/<int:study_id>/work/<int:work_id>")
def work(net: str, course: str, study_id: int, work_id: int) -> ResponseReturnValue:
    """A piece of student work: the team and the leaders only (everyone else: not found)."""
    _network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)
    try:
        piece, path = studies.work_file(ctx(), found, access, work_id)
    except StudyError:
        abort(404)
    # Small files (the upload limit): read whole, so no open file outlives the request.
    response = Response(path.read_bytes(), mimetype=piece.media_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/studies/<int:study_id>/events")
@login_required
def record_event(net: str, course: str, study_id: int) -> ResponseReturnValue:
    """Record a meeting of the cycle: what, when, how long, who took part."""
    network, row, access = require_course(net, course, guest=Guest(study_id=study_id))
    found = _find(row, study_id)

    def act() -> str:
        try:
            held_on = date.fromisoformat(request.form.get("held_on", ""))
        except ValueError:
            raise StudyError("Give the date, such as 2026-12-04.", field="held_on") from None
        minutes = _int("minutes")
        people = [db.session.get(User, i) for i in _ids("people")]
        studies.record_event(
            ctx(),
            found,
            access,
            request.form.get("kind", ""),
            held_on,
            minutes if minutes is not None else 0,
            [p for p in people if p is not None],
            request.form.get("note", ""),
        )
        return "The meeting is recorded; it counts toward everyone's hours."

    return _acted(network, row, found, access, act)
