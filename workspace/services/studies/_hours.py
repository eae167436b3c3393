"""Professional-development hours: a cycle's meetings and events (planning meetings, the
taught lesson, the debrief) record who took part and for how long, and each teacher's hours
add up across the networks' cycles, for a district to credit.

The facilitator or a leader records an event; a member downloads their own hours (CSV, or a
printable record with a place to sign); a leader downloads the network's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...access import Access
from ...content.paths import parse_lesson_path
from ...models import (
    Course,
    EventKind,
    Network,
    Study,
    StudyEvent,
    StudyEventPerson,
    User,
)
from ..context import Ctx
from ._studies import StudyError, may_lead

KIND_WORDS = {
    "planning": "Planning meeting",
    "teaching": "Research lesson (taught and observed)",
    "debrief": "Debrief",
    "other": "Other cycle work",
}
MAX_MINUTES = 12 * 60


def record_event(
    ctx: Ctx,
    study: Study,
    access: Access,
    kind: str,
    held_on: date,
    minutes: int,
    people: list[User],
    note: str = "",
) -> StudyEvent:
    """Return the recorded event (flushed); the facilitator and leaders record them, and only
    people on the cycle's team (or leaders) count as taking part."""
    if not may_lead(ctx, study, access):
        raise StudyError("The facilitator and the leaders record the cycle's meetings.", 403)
    if kind not in tuple(k.value for k in EventKind):
        raise StudyError("Choose what the meeting was.", field="kind")
    if not 1 <= minutes <= MAX_MINUTES:
        raise StudyError(f"Give its length in minutes, 1 to {MAX_MINUTES}.", field="minutes")
    team = {m.user_id for m in study.team}
    outside = [p for p in people if p.id not in team]
    if outside:
        raise StudyError("Only the cycle's team takes part in its meetings.", field="people")
    if not people:
        raise StudyError("Choose who took part.", field="people")
    event = StudyEvent(
        study_id=study.id,
        kind=kind,
        held_on=held_on,
        minutes=minutes,
        note=(note or "").strip()[:200],
        recorded_by_id=ctx.actor.id,
    )
    event.people = [StudyEventPerson(user_id=p.id) for p in {p.id: p for p in people}.values()]
    ctx.session.add(event)
    ctx.session.flush()
    return event


def study_events(ctx: Ctx, study: Study) -> list[StudyEvent]:
    """Return the cycle's recorded events, by date."""
    return list(
        ctx.session.scalars(
            select(StudyEvent).filter_by(study_id=study.id).order_by(StudyEvent.held_on)
        )
    )


@dataclass(frozen=True)
class HoursRow:
    """One person's part in one event."""

    person: User
    held_on: date
    network: str
    course: str
    cycle: str
    lesson: str
    kind: str
    minutes: int


def _rows(ctx: Ctx, query: object) -> list[HoursRow]:
    found = []
    for person, event, study, course, network in ctx.session.execute(query):  # type: ignore[call-overload]
        lesson = parse_lesson_path(study.path)
        found.append(
            HoursRow(
                person=person,
                held_on=event.held_on,
                network=network.name,
                course=course.title,
                cycle=study.title,
                lesson=lesson[1] if lesson else study.path,
                kind=KIND_WORDS.get(event.kind, event.kind),
                minutes=event.minutes,
            )
        )
    return found


def _query() -> object:
    return (
        select(User, StudyEvent, Study, Course, Network)
        .select_from(StudyEventPerson)
        .join(User, User.id == StudyEventPerson.user_id)
        .join(StudyEvent, StudyEvent.id == StudyEventPerson.event_id)
        .join(Study, Study.id == StudyEvent.study_id)
        .join(Course, Course.id == Study.course_id)
        .join(Network, Network.id == Course.network_id)
        .order_by(StudyEvent.held_on, StudyEvent.id, User.username)
    )


def hours_of(ctx: Ctx, user: User) -> list[HoursRow]:
    """Return `user`'s professional-development hours, event by event."""
    return _rows(ctx, _query().where(StudyEventPerson.user_id == user.id))  # type: ignore[attr-defined]


def network_hours(ctx: Ctx, network: Network) -> list[HoursRow]:
    """Return every member's hours in the network's cycles (for its leaders)."""
    return _rows(ctx, _query().where(Network.id == network.id))  # type: ignore[attr-defined]


def total_minutes(rows: list[HoursRow]) -> int:
    return sum(r.minutes for r in rows)


def hours_csv(rows: list[HoursRow], agreements: Sequence[str] = ()) -> str:
    """Return the rows as CSV (one line per person and event, hours with two decimals), then
    one line per PD-credit agreement the hours may count under."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Name", "User name", "Date", "Network", "Course", "Cycle", "Lesson", "Activity", "Hours"]
    )
    for r in rows:
        writer.writerow(
            [
                _cell(r.person.display_name or r.person.username),
                r.person.username,
                r.held_on.isoformat(),
                _cell(r.network),
                _cell(r.course),
                _cell(r.cycle),
                _cell(r.lesson),
                r.kind,
                f"{r.minutes / 60:.2f}",
            ]
        )
    writer.writerow(["Total", "", "", "", "", "", "", "", f"{total_minutes(rows) / 60:.2f}"])
    for agreement in agreements:
        writer.writerow(["Credit agreement", _cell(agreement)])
    return out.getvalue()


def _cell(value: str) -> str:
    """Return text safe in a spreadsheet: no formula can start it."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
