"""Review threads in a real browser: a reader selects two lines of the lesson and asks a
question; a member revises other parts (the thread moves with its lines), then the quoted
lines (the thread shows as outdated, with its original quote and a link to that version).
And without JavaScript, the line-by-line page chooses the lines by links."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import sign_in
from courses_support import make_course
from playwright.sync_api import expect

from workspace.extensions import db
from workspace.runtime import ctx
from workspace.services import editing
from workspace.services.context import LessonRef

pytestmark = pytest.mark.e2e

LESSON = "/n/lab/physics/lessons/motion/ramps"
TEXT = """---
title: Rolling down ramps
---

# Launch

Students roll a ball down a ramp
and describe its motion in words.

# Explore

Groups time the ball over one metre.
"""


@pytest.fixture
def lab(make_user: Any, make_network: Any) -> dict[str, Any]:
    lead = make_user("lead", display_name="Lead")
    member = make_user("mia", display_name="Mia")
    reader = make_user("rui", display_name="Rui")
    network = make_network("lab", lead, members={member: "member", reader: "reader"})
    course = make_course(network, lead)
    editing.create_unit(ctx(lead), course, "Motion", "motion")
    editing.create_lesson(ctx(lead), course, "motion", "ramps", content=TEXT)
    return {"member": member, "course": course}


def select_text(page: Any, start: str, end: str) -> None:
    """Select from the start of `start` to the end of `end` in the lesson, as a mouse would."""
    page.evaluate(
        """([start, end]) => {
          const walker = document.createTreeWalker(document.querySelector('article.lesson'),
                                                   NodeFilter.SHOW_TEXT);
          let from = null, to = null;
          while (walker.nextNode()) {
            const node = walker.currentNode;
            if (!from && node.data.includes(start)) from = [node, node.data.indexOf(start)];
            if (node.data.includes(end)) to = [node, node.data.indexOf(end) + end.length];
          }
          const range = document.createRange();
          range.setStart(...from);
          range.setEnd(...to);
          const selection = document.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }""",
        [start, end],
    )


def revise(lab: dict[str, Any], old: str, new: str) -> None:
    """Save the lesson as the member would, with `old` replaced by `new`."""
    ref = LessonRef(lab["course"], "motion", "ramps")
    found = editing.edit_start(ctx(lab["member"]), ref, ref.path, None)
    assert old in found.text
    editing.save_lesson(ctx(lab["member"]), ref, found.text.replace(old, new), found.base)
    db.session.commit()


def test_a_question_on_two_selected_lines_moves_with_them_then_shows_as_outdated(
    new_page: Any, lab: dict[str, Any]
) -> None:
    page = new_page()
    sign_in(page, "rui")
    page.goto(LESSON)
    select_text(page, "Students roll", "in words.")
    offer = page.get_by_role("button", name="Comment on lines 7–8")
    expect(offer).to_be_visible()
    offer.click()
    expect(page.get_by_label("From line")).to_have_value("7")
    expect(page.get_by_label("To line")).to_have_value("8")
    page.get_by_label("Your question, suggestion, evidence or note").fill(
        "Do they describe it with **evidence**?"
    )
    page.get_by_role("button", name="Open the thread").click()
    thread = page.locator("article.thread").first
    expect(thread).to_contain_text("Lines 7–8")
    expect(thread.locator(".thread-comment__body strong")).to_have_text("evidence")
    expect(page.locator("#thread-count")).to_have_text("1 open thread")

    revise(lab, "# Launch\n", "# Launch\n\nA warm-up question first.\n")
    page.reload()
    thread = page.locator("article.thread").first
    expect(thread).to_contain_text("Lines 9–10")
    marker = page.locator(".thread-marker")
    expect(marker).to_have_text("1 thread on these lines")
    expect(page.locator("[data-line='9'].has-threads")).to_contain_text("Students roll")

    revise(lab, "describe its motion in words", "sketch its motion")
    page.reload()
    thread = page.locator("article.thread").first
    expect(thread).to_contain_text("Outdated: the lines it was about have changed since")
    expect(thread.locator("blockquote")).to_contain_text("and describe its motion in words.")
    thread.get_by_role("link", name="read the lesson as it was").click()
    expect(page.locator("article.lesson")).to_contain_text("describe its motion in words")
    expect(page.locator(".earlier-version")).to_be_visible()


def test_without_javascript_the_lines_are_chosen_on_the_line_by_line_page(
    browser: Any, live_server: Any, lab: dict[str, Any]
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "rui")
        page.goto(LESSON)
        page.get_by_text("Ask a question or leave a note").click()
        page.get_by_role("link", name="See the lesson with its line numbers").click()
        page.get_by_role("link", name="Line 7: start here").click()
        page.get_by_role("link", name="Line 8: choose up to here").click()
        expect(page.locator("#chosen-lines")).to_contain_text("lines 7 to 8")
        page.get_by_label("Your question, suggestion, evidence or note").fill("Why words?")
        page.get_by_role("button", name="Open the thread").click()
        expect(page.locator("article.thread").first).to_contain_text("Lines 7–8")
        expect(page.locator("article.thread").first).to_contain_text("Why words?")
    finally:
        context.close()


def test_typing_at_suggests_members_and_enter_puts_the_name_in(
    new_page: Any, lab: dict[str, Any]
) -> None:
    page = new_page()
    sign_in(page, "rui")
    page.goto(LESSON)
    page.get_by_text("Ask a question or leave a note").click()
    box = page.get_by_label("Your question, suggestion, evidence or note")
    box.press_sequentially("Ask @mi")
    option = page.get_by_role("option", name="Mia (@mia)")
    expect(option).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("Ask @mia ")
    expect(option).to_be_hidden()
