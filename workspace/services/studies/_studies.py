"""Lesson-study cycles: start one on a lesson, form its team, move it through its phases,
teach it (an iteration pins and tags the commit taught), and observe.

Who may do what, from the caller's `Access` in the course and their place on the team:
members (WRITE) start cycles and become their facilitator; the facilitator and the network's
leaders (MANAGE) form the team and move the phase; anyone on the team (and leaders) records
observations while an iteration is taught or debriefed. Phases go in order: plan, teach,
debrief, revise, then teach again (the next iteration) or closed; any other move is refused
with a message that says which moves are possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...access import Access
from ...content.errors import ContentError
from ...events import StudyMoved, defer
from ...git import CommitInfo, CourseRepo
from ...git.errors import PathNotFound
from ...git.history import parse_name_status
from ...models import (
    Iteration,
    Observation,
    Phase,
    PhaseMove,
    Study,
    StudyMember,
    TeamRole,
    Thread,
    User,
)
from ...models._base import utcnow
from .. import history
from ..context import Ctx, LessonRef

# What may follow each phase.
NEXT: dict[str, tuple[str, ...]] = {
    Phase.PLAN.value: (Phase.TEACH.value,),
    Phase.TEACH.value: (Phase.DEBRIEF.value,),
    Phase.DEBRIEF.value: (Phase.REVISE.value, Phase.CLOSED.value),
    Phase.REVISE.value: (Phase.TEACH.value, Phase.CLOSED.value),
    Phase.CLOSED.value: (),
}
PHASE_WORDS = {
    "plan": "planning",
    "teach": "teaching",
    "debrief": "debriefing",
    "revise": "revising",
    "closed": "closed",
}
ROLES = tuple(role.value for role in TeamRole)
MAX_MINUTE = 600
MAX_TEXT = 20_000


class StudyError(Exception):
    """A cycle request that cannot be done, said plainly; `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


@dataclass(frozen=True)
class NewStudy:
    title: str
    theme: str = ""
    goals: str = ""
    questions: str = ""


def _text(value: str, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise StudyError(f"The {field} is empty.", field=field)
    if len(text) > limit:
        raise StudyError(f"The {field} is too long (at most {limit:,} characters).", 413, field)
    return text


def start_study(ctx: Ctx, ref: LessonRef, access: Access, new: NewStudy) -> Study:
    """Return the new cycle on the lesson, in `plan`, its starter as facilitator (flushed)."""
    if not access & Access.WRITE:
        raise StudyError("Only the network's teachers can start a lesson-study cycle.", 403)
    user = ctx.actor
    try:
        path = ref.path
    except ContentError as exc:
        raise StudyError(exc.message, 404) from None
    with ctx.store.open(ref.course.id) as repo:
        try:
            repo.read_file(path, "main")
        except PathNotFound:
            raise StudyError("There is no such lesson in this course.", 404) from None
    study = Study(
        course_id=ref.course.id,
        path=path,
        title=_text(new.title, "title", required=True, limit=200),
        theme=_text(new.theme, "research theme"),
        goals=_text(new.goals, "goals"),
        questions=_text(new.questions, "questions"),
        phase=Phase.PLAN.value,
        created_by_id=user.id,
    )
    study.team.append(StudyMember(user_id=user.id, role=TeamRole.FACILITATOR.value))
    study.moves.append(PhaseMove(from_phase=None, to_phase=Phase.PLAN.value, by_id=user.id))
    ctx.session.add(study)
    ctx.session.flush()
    return study


def find_study(ctx: Ctx, course_id: int, study_id: int) -> Study:
    """Return the course's cycle `study_id`; raise StudyError (404) when there is none."""
    study = ctx.session.get(Study, study_id)
    if study is None or study.course_id != course_id:
        raise StudyError("There is no such lesson-study cycle in this course.", 404)
    return study


def roles_of(study: Study, user: User | None) -> set[str]:
    """Return the roles `user` has on the cycle's team."""
    if user is None:
        return set()
    return {m.role for m in study.team if m.user_id == user.id}


def may_lead(ctx: Ctx, study: Study, access: Access) -> bool:
    """Return True if the acting user may form the team and move the phase."""
    if ctx.user is None:
        return False
    if access & Access.MANAGE:
        return True
    return TeamRole.FACILITATOR.value in roles_of(study, ctx.user) and bool(access & Access.READ)


def set_member(
    ctx: Ctx, study: Study, access: Access, user: User, role: str, assignment: str = ""
) -> StudyMember:
    """Return the team membership of `user` in `role` (added, or its assignment updated)."""
    if not may_lead(ctx, study, access):
        raise StudyError(
            "Only the cycle's facilitator and the network's leaders form the team.", 403
        )
    if role not in ROLES:
        raise StudyError(
            "Choose a role: facilitator, planner, instructor, observer or knowledgeable other.",
            field="role",
        )
    found = next((m for m in study.team if m.user_id == user.id and m.role == role), None)
    if found is None:
        found = StudyMember(user_id=user.id, role=role)
        study.team.append(found)
    found.assignment = _text(assignment, "assignment", limit=120)
    ctx.session.flush()
    return found


def remove_member(ctx: Ctx, study: Study, access: Access, member_id: int) -> None:
    """Return nothing, after taking someone off the team (never the last facilitator)."""
    if not may_lead(ctx, study, access):
        raise StudyError(
            "Only the cycle's facilitator and the network's leaders form the team.", 403
        )
    found = next((m for m in study.team if m.id == member_id), None)
    if found is None:
        raise StudyError("That person is not on this cycle's team.", 404)
    facilitators = [m for m in study.team if m.role == TeamRole.FACILITATOR.value]
    if found.role == TeamRole.FACILITATOR.value and len(facilitators) == 1:
        raise StudyError("A cycle always has a facilitator: name another one first.", 409)
    study.team.remove(found)
    ctx.session.flush()


@dataclass(frozen=True)
class Teaching:
    """What a move into `teach` records about the lesson taught (all optional)."""

    taught_on: date | None = None
    setting: str = ""
    instructor: User | None = None


def move_phase(
    ctx: Ctx, study: Study, access: Access, to: str, teaching: Teaching | None = None
) -> Study:
    """Return the cycle in phase `to`; entering `teach` starts an iteration that pins the
    lesson's newest commit and tags it `studies/<id>/iteration-<n>` in the repository."""
    if not may_lead(ctx, study, access):
        raise StudyError(
            "Only the cycle's facilitator and the network's leaders move its phase.", 403
        )
    if to not in NEXT:
        raise StudyError(
            "A cycle's phases are plan, teach, debrief, revise and closed.", field="phase"
        )
    allowed = NEXT[study.phase]
    if to not in allowed:
        now = PHASE_WORDS[study.phase]
        if not allowed:
            raise StudyError("This cycle is closed: its phase no longer moves.", 409)
        options = " or ".join(f"“{p}”" for p in allowed)
        raise StudyError(f"The cycle is {now}: it can move to {options} next, not to “{to}”.", 409)
    user = ctx.actor
    if to == Phase.TEACH.value:
        _start_iteration(ctx, study, teaching or Teaching())
    study.moves.append(PhaseMove(from_phase=study.phase, to_phase=to, by_id=user.id, at=utcnow()))
    moved = StudyMoved(study.course_id, study.id, user.id, study.phase, to)
    study.phase = to
    ctx.session.flush()
    defer(ctx.session.info, moved)
    return study


def _instructor(study: Study, teaching: Teaching) -> int | None:
    if teaching.instructor is not None:
        return teaching.instructor.id
    found = next((m for m in study.team if m.role == TeamRole.INSTRUCTOR.value), None)
    return found.user_id if found else None


def tag_name(study: Study, number: int) -> str:
    return f"studies/{study.id}/iteration-{number}"


def _start_iteration(ctx: Ctx, study: Study, teaching: Teaching) -> Iteration:
    number = len(study.iterations) + 1
    tag = tag_name(study, number)
    with ctx.store.open(study.course_id) as repo:
        commit = repo.resolve("main")
        try:
            repo.read_file(study.path, commit)
        except PathNotFound:
            raise StudyError(
                "The lesson is no longer in the course: it cannot be taught.", 409
            ) from None
        # The tag names the version taught; clones and `git ls-remote` see it.
        repo.git(["update-ref", f"refs/tags/{tag}", commit])
    iteration = Iteration(
        number=number,
        commit=commit,
        tag=tag,
        taught_on=teaching.taught_on or date.today(),
        setting=_text(teaching.setting, "setting", limit=300),
        instructor_id=_instructor(study, teaching),
    )
    study.iterations.append(iteration)
    return iteration


def iteration_of(study: Study, number: int) -> Iteration:
    found = next((i for i in study.iterations if i.number == number), None)
    if found is None:
        raise StudyError(f"This cycle has no iteration {number}.", 404)
    return found


@dataclass(frozen=True)
class NewObservation:
    minute: int
    body: str
    focus: str = ""
    start_line: int | None = None
    end_line: int | None = None


def may_observe(ctx: Ctx, study: Study, access: Access) -> bool:
    """Return True if the acting user may record observations (the team, and leaders)."""
    if ctx.user is None:
        return False
    return bool(access & Access.MANAGE) or bool(roles_of(study, ctx.user))


def observe(
    ctx: Ctx, study: Study, access: Access, number: int, new: NewObservation
) -> Observation:
    """Return the observation recorded on iteration `number` (flushed)."""
    if not may_observe(ctx, study, access):
        raise StudyError("Only the cycle's team records observations.", 403)
    iteration = iteration_of(study, number)
    if study.phase not in ("teach", "debrief") or iteration is not study.iterations[-1]:
        raise StudyError(
            "Notes are taken while the lesson is taught and debriefed; this teaching's are closed.",
            409,
        )
    if not 0 <= new.minute <= MAX_MINUTE:
        raise StudyError(
            f"Give the minute since the lesson started, 0 to {MAX_MINUTE}.", field="minute"
        )
    start, end = new.start_line, new.end_line
    if (start is None) != (end is None):
        start = end = start if start is not None else end
    if start is not None and end is not None:
        with ctx.store.open(study.course_id) as repo:
            count = (
                repo.read_file(study.path, iteration.commit).decode("utf-8", "replace").count("\n")
            )
        if not 1 <= min(start, end) <= max(start, end) <= max(count, 1):
            raise StudyError(
                f"Lines {start} to {end} are outside the lesson taught, which has {count} lines.",
                field="start_line",
            )
        start, end = min(start, end), max(start, end)
    found = Observation(
        observer_id=ctx.actor.id,
        minute=new.minute,
        focus=_text(new.focus, "focus", limit=120),
        body=_text(new.body, "note", required=True),
        start_line=start,
        end_line=end,
    )
    iteration.observations.append(found)
    ctx.session.flush()
    return found


def observations(
    ctx: Ctx, iteration: Iteration, observer: str | None = None, focus: str | None = None
) -> list[Observation]:
    """Return the iteration's observations from every observer in one timeline (by minute,
    then as recorded), optionally only one observer's (username) or one focus."""
    query = (
        select(Observation)
        .filter_by(iteration_id=iteration.id)
        .order_by(Observation.minute, Observation.created_at, Observation.id)
    )
    found = list(ctx.session.scalars(query))
    if observer:
        found = [o for o in found if o.observer is not None and o.observer.username == observer]
    if focus:
        found = [o for o in found if o.focus == focus]
    return found


def course_studies(ctx: Ctx, course_id: int) -> list[Study]:
    """Return the course's cycles, the open ones first, newest first."""
    found = ctx.session.scalars(
        select(Study).filter_by(course_id=course_id).order_by(Study.id.desc())
    )
    return sorted(found, key=lambda s: s.phase == Phase.CLOSED.value)


def lesson_studies(ctx: Ctx, course_id: int, path: str) -> list[Study]:
    """Return the cycles on one lesson, oldest first."""
    return list(
        ctx.session.scalars(
            select(Study).filter_by(course_id=course_id, path=path).order_by(Study.id)
        )
    )


@dataclass(frozen=True)
class Changes:
    """What changed in the lesson between two iterations, and the threads behind it:
    those raised on the earlier taught version and those the changes answered."""

    from_commit: str | None
    to_commit: str
    old_text: str | None
    new_text: str
    diff: str
    threads: list[Thread]


def changes_since(ctx: Ctx, study: Study, number: int) -> Changes:
    """Return what changed in the lesson since it was last taught, for iteration `number`
    (for the first iteration: since the cycle started planning, nothing to compare)."""
    iteration = iteration_of(study, number)
    before = next((i for i in study.iterations if i.number == number - 1), None)
    with ctx.store.open(study.course_id) as repo:
        new_text = _read(repo, study.path, iteration.commit) or ""
        if before is None:
            return Changes(None, iteration.commit, None, new_text, "", [])
        # The lesson may have been renamed or moved since it was taught: compare it with
        # itself under the name it had then (the index knows it without a walk).
        then = _name_then(ctx, repo, study, iteration.commit, before.commit)
        old_text = _read(repo, then, before.commit)
        names = list(dict.fromkeys([then, study.path]))
        diff = repo.git(
            ["diff", "--no-color", "-M", before.commit, iteration.commit, "--", *names]
        ).decode("utf-8", "replace")
    raised = ctx.session.scalars(
        select(Thread).filter_by(course_id=study.course_id, path=study.path).order_by(Thread.id)
    )
    window_start = before.created_at
    window_end = iteration.created_at
    chosen = [
        t
        for t in raised
        if t.anchor_commit == before.commit
        or window_start <= t.created_at <= window_end
        or any(c.answer_commit and window_start <= c.created_at <= window_end for c in t.comments)
    ]
    return Changes(before.commit, iteration.commit, old_text, new_text, diff, chosen)


def _name_then(ctx: Ctx, repo: CourseRepo, study: Study, now: str, then: str) -> str:
    """Return the lesson's file name in commit `then`, it being `study.path` in `now`."""
    if repo.exists(study.path, then):
        return study.path
    found = history.name_at(ctx, repo, study.course_id, study.path, now, then)
    if found is None:  # not indexed yet: compare the two versions' trees, renames found
        out = repo.git(
            ["diff-tree", "-r", "-z", "-M", "--diff-filter=R", "--name-status", then, now]
        )
        found = next(
            (c.old_path for c in parse_name_status(out) if c.path == study.path and c.old_path),
            None,
        )
    return found or study.path


def _read(repo: CourseRepo, path: str, commit: str) -> str | None:
    try:
        return repo.read_file(path, commit).decode("utf-8", "replace")
    except PathNotFound:
        return None


def follow_rename(ctx: Ctx, course_id: int, old_path: str, path: str) -> int:
    """Return how many cycles moved with a lesson renamed from `old_path` to `path`."""
    found = list(ctx.session.scalars(select(Study).filter_by(course_id=course_id, path=old_path)))
    for study in found:
        study.path = path
    if found:
        ctx.session.flush()
    return len(found)


def tracked_paths(ctx: Ctx, course_id: int) -> set[str]:
    """Return the lesson paths the course's cycles are on (to follow renames by push)."""
    return set(ctx.session.scalars(select(Study.path).filter_by(course_id=course_id).distinct()))


def revisions_since_taught(ctx: Ctx, study: Study, limit: int = 20) -> list[CommitInfo]:
    """Return the lesson's saved versions since it was last taught (newest first): what the
    team revised for the next teaching."""
    if not study.iterations:
        return []
    taught = study.iterations[-1].commit
    with ctx.store.open(study.course_id) as repo:
        page = history.file_history(ctx, repo, study.course_id, study.path, None, limit)
        if page is None:  # the index is behind main: walk git this once
            page = repo.history("main", path=study.path, limit=limit)
    found = []
    for info in page.commits:
        if info.sha == taught:
            break
        found.append(info)
    return found
