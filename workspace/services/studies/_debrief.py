"""The debrief of a teaching, in protocol order, and the cycle's closing report.

A debrief hears every voice in turn: the instructor reflects first, then the planning team
(the facilitator and planners), then the observers with their evidence, and the knowledgeable
other speaks last. The facilitator (or a leader) moves the turn on; whoever's turn it is
contributes, citing observation notes and student work of that teaching as evidence. The
facilitator and leaders may add a point at any turn (they keep the record).

Closing the cycle commits `studies/<id>/report.md` to the course repository: its theme and
goals, what the team learned, each teaching with its date and the version taught, the debrief
points and the final revision of the lesson.
"""

from __future__ import annotations

from ...access import Access
from ...content.errors import ContentError
from ...content.frontmatter import parse_lesson
from ...content.lesson import lesson_meta
from ...events import StudyReported
from ...git import Write
from ...git.errors import PathNotFound
from ...models import DebriefPoint, DebriefStage, Iteration, Phase, Study, TeamRole
from ..context import Ctx
from ._studies import StudyError, may_lead, move_phase, roles_of

STAGES = (
    DebriefStage.INSTRUCTOR.value,
    DebriefStage.PLANNING.value,
    DebriefStage.OBSERVERS.value,
    DebriefStage.KNOWLEDGEABLE_OTHER.value,
    DebriefStage.DONE.value,
)
STAGE_WORDS = {
    "instructor": "the instructor’s reflection",
    "planning": "the planning team",
    "observers": "the observers, with their evidence",
    "knowledgeable_other": "the knowledgeable other’s final comments",
    "done": "the debrief is complete",
}
# Who speaks at each turn.
SPEAKERS = {
    "instructor": {TeamRole.INSTRUCTOR.value},
    "planning": {TeamRole.FACILITATOR.value, TeamRole.PLANNER.value},
    "observers": {TeamRole.OBSERVER.value},
    "knowledgeable_other": {TeamRole.KNOWLEDGEABLE_OTHER.value},
    "done": set(),
}


def _ids(values: list[int], known: set[int], what: str) -> str:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise StudyError(f"The {what} cited are not from this teaching.", field=what)
    return " ".join(str(v) for v in sorted(set(values)))


def contribute(
    ctx: Ctx,
    study: Study,
    access: Access,
    iteration: Iteration,
    body: str,
    observations: list[int] | None = None,
    work: list[int] | None = None,
) -> DebriefPoint:
    """Return the new debrief point at the current turn; raise StudyError when it is not the
    caller's turn (or the debrief is not open)."""
    keeps_record = may_lead(ctx, study, access)
    if not keeps_record and not roles_of(study, ctx.user):
        raise StudyError("Only the cycle's team takes part in its debrief.", 403)
    if study.phase not in ("debrief", "revise") or iteration is not study.iterations[-1]:
        raise StudyError("The debrief of this teaching is not open.", 409)
    stage = iteration.debrief_stage
    if stage == DebriefStage.DONE.value:
        raise StudyError("This debrief is complete.", 409)
    if not keeps_record and not roles_of(study, ctx.user) & SPEAKERS[stage]:
        raise StudyError(f"It is the turn of {STAGE_WORDS[stage]}.", 403)
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise StudyError("Write what you want the team to hear first.", field="body")
    point = DebriefPoint(
        author_id=ctx.actor.id,
        stage=stage,
        body=text[:20_000],
        cited_observations=_ids(
            observations or [], {o.id for o in iteration.observations}, "observations"
        ),
        cited_work=_ids(work or [], {w.id for w in iteration.work}, "student work"),
    )
    iteration.debrief.append(point)
    ctx.session.flush()
    return point


def next_turn(ctx: Ctx, study: Study, access: Access, iteration: Iteration) -> str:
    """Return the debrief's next turn, after moving it on (the facilitator and leaders)."""
    if not may_lead(ctx, study, access):
        raise StudyError("The facilitator moves the debrief on to the next voice.", 403)
    at = STAGES.index(iteration.debrief_stage)
    if at + 1 >= len(STAGES):
        raise StudyError("This debrief is complete.", 409)
    iteration.debrief_stage = STAGES[at + 1]
    ctx.session.flush()
    return iteration.debrief_stage


def report_text(study: Study, learned: str, final_commit: str, lesson_title: str) -> str:
    """Return the cycle's report as Markdown (no student names: labels only, as recorded)."""
    lines = [f"# {study.title}", "", f"A lesson-study cycle on “{lesson_title}”.", ""]
    if study.theme:
        lines += ["## Research theme", "", study.theme, ""]
    if study.goals:
        lines += ["## Goals for the lesson", "", study.goals, ""]
    lines += ["## What we learned", "", learned.strip() or "(Not written.)", ""]
    for iteration in study.iterations:
        taught = iteration.taught_on.isoformat() if iteration.taught_on else "undated"
        lines += [f"## Teaching {iteration.number} ({taught})", ""]
        if iteration.setting:
            lines += [f"Setting: {iteration.setting}", ""]
        lines += [
            f"The version taught is tagged `{iteration.tag}` (commit `{iteration.commit}`).",
            f"Observers recorded {len(iteration.observations)} notes.",
            "",
        ]
        for point in iteration.debrief:
            who = point.author.display_name if point.author else "A team member"
            lines.append(f"- {STAGE_WORDS[point.stage].capitalize()}, {who}: {point.body}")
        if iteration.debrief:
            lines.append("")
    lines += ["## The lesson after the cycle", "", f"Commit `{final_commit}`.", ""]
    return "\n".join(lines)


def _title(text: str | None, fallback: str) -> str:
    if text is None:
        return fallback
    try:
        return lesson_meta(parse_lesson(text).front_matter, fallback_title=fallback).title
    except ContentError:
        return fallback


def close_study(ctx: Ctx, study: Study, access: Access, learned: str = "") -> str:
    """Return the commit of the report, after closing the cycle (from debrief or revise)."""
    move_phase(ctx, study, access, Phase.CLOSED.value)
    return write_report(ctx, study, learned)


def write_report(ctx: Ctx, study: Study, learned: str) -> str:
    """Return the commit that wrote studies/<id>/report.md, authored by the acting user."""
    with ctx.store.open(study.course_id) as repo:
        head = repo.resolve("main")
        try:
            lesson_text = repo.read_file(study.path, head).decode("utf-8", "replace")
        except PathNotFound:
            lesson_text = None
        fallback = study.path.rsplit("/", 1)[-1].removesuffix(".md")
        text = report_text(study, learned, head, _title(lesson_text, fallback))
        done = repo.commit(
            [Write(f"studies/{study.id}/report.md", text.encode("utf-8"))],
            ctx.settings.author(ctx.actor),
            f"Lesson-study report: {study.title}",
            base=head,
        )
    study.report_commit = done.commit
    ctx.session.flush()
    ctx.events.emit(StudyReported(study.course_id, done.commit, ctx.actor.id, study.id))
    return done.commit
