"""A lesson-study cycle in real browsers: the facilitator starts it and forms the team, the
lesson is taught while an observer takes notes on a phone, a thread is left on the taught
version, the team debriefs and revises the lesson in the editor, teaches it again, and the
second teaching's page shows "What changed since we last taught it"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_support import sign_in
from courses_support import make_course
from playwright.sync_api import expect

from workspace.runtime import ctx
from workspace.services import editing

pytestmark = pytest.mark.e2e

COURSE = "/n/lab/physics"
TEXT = """---
title: Rolling down ramps
---

# Launch

Students roll a ball down a ramp and describe its motion in words.

# Explore

Groups time the ball over one metre.
"""
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def lab(make_user: Any, make_network: Any) -> dict[str, Any]:
    lead = make_user("lead", display_name="Lena")
    observer = make_user("obi", display_name="Obi")
    network = make_network("lab", lead, members={observer: "member"})
    course = make_course(network, lead)
    editing.create_unit(ctx(lead), course, "Motion", "motion")
    editing.create_lesson(ctx(lead), course, "motion", "ramps", content=TEXT)
    return {"course": course}


def test_a_team_runs_two_teachings_and_sees_what_changed(
    browser: Any, live_server: Any, lab: dict[str, Any]
) -> None:
    lead_context = browser.new_context(base_url=live_server.url)
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    try:
        lead = lead_context.new_page()
        sign_in(lead, "lead")
        lead.goto(f"{COURSE}/lessons/motion/ramps")
        lead.get_by_role("link", name="Start a lesson-study cycle on it").click()
        lead.get_by_label("Title of the cycle").fill("Ramps and reasoning")
        lead.get_by_label("Research theme").fill("Students explain with evidence")
        lead.get_by_role("button", name="Start the cycle").click()
        expect(lead.locator("h1")).to_have_text("Ramps and reasoning")
        expect(lead.locator("#cycle-now")).to_contain_text("Now: planning.")

        lead.get_by_label("Person").select_option(label="Obi")
        lead.get_by_label("Role").select_option(label="Observer")
        lead.get_by_label("Assignment").fill("Student A")
        lead.get_by_role("button", name="Add to the team").click()
        expect(lead.locator(".people")).to_contain_text("Obi · Observer (Student A)")
        lead.get_by_label("Setting").fill("Grade 9, 24 students")
        lead.get_by_role("button", name="Teach the lesson now").click()
        expect(lead.locator("#cycle-now")).to_contain_text("Now: teaching")
        cycle = lead.url

        observer = phone.new_page()
        sign_in(observer, "obi")
        observer.goto(cycle)
        observer.get_by_role("button", name="Start the lesson clock").click()
        expect(observer.get_by_label("Minute")).to_have_value("0")  # the clock fills it in
        expect(observer.locator(".lesson-clock__time")).to_have_text("Lesson minute 0")
        observer.get_by_label("Minute").fill("6")
        observer.get_by_role("group", name="Focal students and parts of the lesson").get_by_role(
            "button", name="Student A"
        ).click()
        expect(observer.get_by_label("Focus")).to_have_value("Student A")
        observer.get_by_label("What you saw or heard").fill("Calls it 'fast' without numbers.")
        button = observer.get_by_role("button", name="Add to the timeline")
        box = button.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"]  # fits the phone
        button.click()
        expect(observer.locator(".observation-timeline")).to_contain_text("6 min")
        expect(observer.locator(".observation-timeline")).to_contain_text("Student A")

        observer.goto(f"{COURSE}/lessons/motion/ramps")
        observer.get_by_text("Ask a question or leave a note").click()
        observer.get_by_label("From line").fill("7")
        observer.get_by_label("To line").fill("7")
        observer.get_by_label("Your question, suggestion, evidence or note").fill(
            "Students need numbers to describe the motion."
        )
        observer.get_by_role("button", name="Open the thread").click()
        expect(observer.locator("article.thread").first).to_contain_text("Line 7")

        lead.goto(cycle)
        lead.get_by_role("button", name="Start the debrief").click()
        expect(lead.locator("#cycle-now")).to_contain_text("Now: debriefing")
        lead.get_by_role("button", name="Start revising").click()
        lead.goto(f"{COURSE}/edit/motion/ramps")
        body = lead.locator("#body")
        body.fill(body.input_value().replace("in words", "with their measured times"))
        lead.get_by_role("button", name="Save", exact=True).click()
        expect(lead.locator(".flash--success")).to_be_visible()
        lead.goto(cycle)
        lead.get_by_role("button", name="Teach it again").click()
        lead.get_by_role("link", name="Teaching 2").click()
        expect(
            lead.get_by_role("heading", name="What changed since we last taught it")
        ).to_be_visible()
        changed = lead.locator("section[aria-labelledby=changed-heading]")
        expect(changed.locator("ins").first).to_be_visible()
        expect(changed).to_contain_text("measured")
        expect(changed).to_contain_text("Students need numbers to describe the motion.")
        assert re.search(r"/studies/\d+/iterations/2$", lead.url)
    finally:
        lead_context.close()
        phone.close()
