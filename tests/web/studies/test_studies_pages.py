"""Lesson-study pages without JavaScript: start a cycle, form the team, teach (the version is
pinned), observe on the cycle's page, debrief, revise, teach again, and the second teaching's
page opens with "What changed since we last taught it"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from teacher_language import git_words
from threads_support import LESSON, TEXT, client_as, head, make_lesson_school, open_on_quote, save

BASE = "/n/school/physics/studies"


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return make_lesson_school(make_user, make_network)


def page_of(response: Any) -> str:
    return response.get_data(as_text=True)


def test_a_team_runs_a_cycle_in_the_browser_without_javascript(
    app: Any, school: dict[str, Any]
) -> None:
    facilitator, lead = client_as(app, school["member"]), client_as(app, school["lead"])
    reader = client_as(app, school["reader"])
    form = page_of(facilitator.get(f"{BASE}/new?lesson={LESSON}"))
    assert f'value="{LESSON}" selected' in form
    started = facilitator.post(
        f"{BASE}/new", data={"lesson": LESSON, "title": "Ramps and reasoning", "theme": "Evidence"}
    )
    assert started.status_code == 302
    url = started.headers["Location"]
    page = page_of(facilitator.get(url))
    assert "Now: planning." in page and "Facilitator" in page
    assert git_words(page) == []

    reader_id = school["reader"].id
    added = facilitator.post(
        f"{url}/team", data={"user": str(reader_id), "role": "observer", "assignment": "Student A"}
    )
    assert added.status_code == 302
    assert "Observer (Student A)" in page_of(facilitator.get(url))

    taught = facilitator.post(
        f"{url}/phase", data={"phase": "teach", "taught_on": "2026-12-03", "setting": "Grade 9"}
    )
    assert taught.status_code == 302
    first = head(school)
    noted = reader.post(
        f"{url}/iterations/1/observations",
        data={"minute": "7", "focus": "Student A", "body": "Uses the word 'faster' for speed."},
    )
    assert noted.status_code == 302
    page = page_of(reader.get(url))
    assert "7 min" in page and "Uses the word" in page and "Student A" in page
    open_on_quote(reader, first, body="Students mixed up speed and velocity here.")

    assert lead.post(f"{url}/phase", data={"phase": "debrief"}).status_code == 302
    assert facilitator.post(f"{url}/phase", data={"phase": "revise"}).status_code == 302
    save(facilitator, TEXT.replace("describe its motion in words", "sketch its motion"))
    assert facilitator.post(f"{url}/phase", data={"phase": "teach"}).status_code == 302
    page = page_of(reader.get(f"{url}/iterations/2"))
    assert "What changed since we last taught it" in page
    assert "sketch" in page and "Students mixed up speed and velocity here." in page
    assert git_words(page) == []


def test_out_of_order_or_not_allowed_moves_are_refused_clearly(
    app: Any, school: dict[str, Any]
) -> None:
    facilitator, reader = client_as(app, school["member"]), client_as(app, school["reader"])
    started = facilitator.post(f"{BASE}/new", data={"lesson": LESSON, "title": "A cycle"})
    url = started.headers["Location"]
    wrong = facilitator.post(f"{url}/phase", data={"phase": "revise"})
    assert wrong.status_code == 409
    assert "it can move to “teach” next, not to “revise”" in page_of(wrong)
    assert reader.post(f"{url}/phase", data={"phase": "teach"}).status_code == 403
    assert reader.post(f"{url}/team", data={"user": "1", "role": "observer"}).status_code == 403
    assert reader.post(f"{url}/iterations/1/observations", data={"minute": "1"}).status_code == 403
    assert "Now: planning." in page_of(facilitator.get(url))


def test_the_start_form_keeps_what_was_typed_when_refused(app: Any, school: dict[str, Any]) -> None:
    facilitator = client_as(app, school["member"])
    refused = facilitator.post(f"{BASE}/new", data={"lesson": LESSON, "title": "", "theme": "Kept"})
    assert refused.status_code == 422 and "Kept" in page_of(refused)
    assert client_as(app, school["reader"]).get(f"{BASE}/new").status_code == 403


def test_the_course_lists_its_cycles(app: Any, school: dict[str, Any]) -> None:
    facilitator = client_as(app, school["member"])
    facilitator.post(f"{BASE}/new", data={"lesson": LESSON, "title": "Ramps and reasoning"})
    page = page_of(client_as(app, school["reader"]).get(BASE))
    assert "Ramps and reasoning" in page and re.search(r"Planning</span>", page)
    assert git_words(page) == []


def test_the_lesson_lists_every_time_it_was_taught_with_comparisons(
    app: Any, school: dict[str, Any]
) -> None:
    facilitator = client_as(app, school["member"])
    url = facilitator.post(f"{BASE}/new", data={"lesson": LESSON, "title": "A cycle"}).headers[
        "Location"
    ]
    facilitator.post(f"{url}/phase", data={"phase": "teach", "taught_on": "2026-11-02"})
    first = head(school)
    for phase in ("debrief", "revise"):
        facilitator.post(f"{url}/phase", data={"phase": phase})
    save(facilitator, TEXT.replace("in words", "with numbers"))
    facilitator.post(f"{url}/phase", data={"phase": "teach", "taught_on": "2026-11-20"})
    page = page_of(facilitator.get("/n/school/physics/lessons/motion/ramps"))
    assert "Times it was taught" in page and "Nov 2, 2026" in page and "Nov 20, 2026" in page
    assert f"/compare/{first}...{head(school)}?path=units/motion/lessons/ramps.md" in page
    assert git_words(page) == []


def test_revising_lists_the_changes_since_the_teaching_and_closing_links_the_report(
    app: Any, school: dict[str, Any]
) -> None:
    facilitator = client_as(app, school["member"])
    url = facilitator.post(f"{BASE}/new", data={"lesson": LESSON, "title": "A cycle"}).headers[
        "Location"
    ]
    for phase in ("teach", "debrief", "revise"):
        facilitator.post(f"{url}/phase", data={"phase": phase})
    assert "No change to the lesson yet." in page_of(facilitator.get(url))
    save(facilitator, TEXT.replace("in words", "with numbers"))
    page = page_of(facilitator.get(url))
    assert "Revisions since teaching 1" in page and "Edit lesson: Rolling down ramps" in page
    noted = facilitator.post(
        f"{url}/iterations/1/observations", data={"minute": "3", "body": "Late note"}
    )
    assert noted.status_code == 409  # observing is over once the team revises
    closed = facilitator.post(f"{url}/close", data={"learned": "Numbers help."})
    assert closed.status_code == 302
    page = page_of(facilitator.get(url))
    assert "The cycle’s report" in page and f"/commit/{head(school)}" in page
