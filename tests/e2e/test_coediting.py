"""Two teachers co-editing a lesson in real browsers: merges, conflicts, drafts, live preview,
presence and image uploads, with the editor's JavaScript running in headless Chromium."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from browser_support import sign_in
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from testdata import png

from workspace.extensions import db
from workspace.git import Write
from workspace.models.editing import Draft
from workspace.runtime import ctx, repo_store, settings
from workspace.services.courses import CourseFields, create_course

pytestmark = pytest.mark.e2e

UNIT, LESSON = "motion", "ramps"
PATH = f"units/{UNIT}/lessons/{LESSON}.md"
EDIT = f"/n/lab/physics/edit/{UNIT}/{LESSON}"
VIEW = f"/n/lab/physics/lessons/{UNIT}/{LESSON}"
TEXT = """---
title: Rolling down ramps
duration: 50
---

# Launch

Students roll a ball down a ramp and describe its motion.

# Explore

Groups time the ball over one metre with a stopwatch.
"""
COURSE_YAML = (
    "title: Physics\nunits:\n  - slug: motion\n    title: Motion\n    lessons:\n      - ramps\n"
)


@pytest.fixture
def lab(make_user: Any, make_network: Any) -> dict[str, Any]:
    ana = make_user("ana", display_name="Ana")
    ben = make_user("ben", display_name="Ben")
    network = make_network("lab", ana, members={ben: "member"})
    fields = CourseFields(title="Physics", slug="physics", subject="Physics", grade_band="9-12")
    course = create_course(ctx(ana), network, fields)
    with repo_store().open(course.id) as repo:
        changes = [Write("course.yaml", COURSE_YAML.encode()), Write(PATH, TEXT.encode())]
        repo.commit(changes, settings().author(ana), "Add ramps", base=repo.head())
    return {"ana": ana, "ben": ben, "course": course}


@pytest.fixture
def open_page(new_page: Any) -> Any:
    """Return a page factory whose pages say goodbye while the server still runs.

    Leaving the editor sends its last draft and a presence "leave" (fetch keepalive); the
    pages leave before the test's server and app shut down, so no request lands after.
    """
    pages: list[Any] = []

    def factory() -> Any:
        page = new_page()
        pages.append(page)
        return page

    yield factory
    for page in pages:
        try:
            page.goto("about:blank")
        except PlaywrightError:
            pass  # closed by the test itself (it said goodbye then)
    time.sleep(0.5)  # let the server finish the requests the pages sent on leaving


def editor_for(open_page: Any, username: str) -> Any:
    page = open_page()
    sign_in(page, username)
    page.goto(EDIT)
    expect(page.locator("#editor-form[data-enhanced]")).to_have_count(1)  # the script runs
    expect(page.locator(".editor-toolbar")).to_be_visible()  # and shows its toolbar
    return page


def body_of(page: Any) -> Any:
    return page.locator("#body")


def replace_in_body(page: Any, old: str, new: str) -> None:
    body = body_of(page)
    body.fill(body.input_value().replace(old, new))


def lesson_text(course: Any) -> str:
    with repo_store().open(course.id) as repo:
        return repo.read_file(PATH).decode()


def last_message(course: Any) -> str:
    with repo_store().open(course.id) as repo:
        return repo.commit_info("main").message


def test_different_paragraphs_merge_and_both_teachers_see_the_result(open_page, lab):
    ana, ben = editor_for(open_page, "ana"), editor_for(open_page, "ben")
    expect(ben.locator("#presence")).to_contain_text("Ana is also editing this lesson")
    expect(ana.locator("#presence")).to_contain_text("Ben is also editing", timeout=12_000)

    replace_in_body(ana, "a ball down a ramp", "a marble down a ramp")
    ana.get_by_role("button", name="Save", exact=True).click()
    expect(ana.locator(".flash--success")).to_have_text("Saved.")

    expect(ben.locator("#head-changed")).to_be_visible(timeout=12_000)
    expect(ben.locator("#head-changed")).to_contain_text("saved by Ana")
    replace_in_body(ben, "with a stopwatch", "with a phone timer")
    ben.get_by_role("button", name="Save", exact=True).click()
    expect(ben.locator(".flash--success")).to_have_text("Saved. Merged with changes by Ana.")
    expect(ben.locator(".lesson")).to_contain_text("a marble down a ramp")
    expect(ben.locator(".lesson")).to_contain_text("with a phone timer")

    ana.goto(VIEW)
    expect(ana.locator(".lesson")).to_contain_text("with a phone timer")
    expect(ana.locator(".lesson")).to_contain_text("a marble down a ramp")


def test_a_two_paragraph_conflict_is_resolved_with_one_click_each_and_credits_both(open_page, lab):
    ana, ben = editor_for(open_page, "ana"), editor_for(open_page, "ben")
    replace_in_body(ana, "a ball down", "a marble down")
    replace_in_body(ana, "with a stopwatch", "with a light gate")
    ana.get_by_role("button", name="Save", exact=True).click()
    expect(ana.locator(".flash--success")).to_be_visible()

    replace_in_body(ben, "a ball down", "a toy car down")
    replace_in_body(ben, "with a stopwatch", "with a phone timer")
    ben.get_by_role("button", name="Save", exact=True).click()
    expect(ben.get_by_role("heading", name="Combine your changes with Ana’s")).to_be_visible()
    expect(ben.locator("#resolve-form[data-enhanced]")).to_have_count(1)
    choices = ben.locator("fieldset.resolve-choice")
    expect(choices).to_have_count(2)
    expect(choices.nth(0).locator(".resolve-version--mine")).to_contain_text("a toy car down")
    expect(choices.nth(0).locator(".resolve-version--theirs")).to_contain_text("a marble down")
    # The Git view of the whole file stays folded away.
    expect(ben.locator("#content")).not_to_be_visible()

    choices.nth(0).get_by_label("Keep mine").check()
    choices.nth(1).get_by_label(re.compile("^Keep theirs")).check()
    expect(ben.locator("#resolve-preview-body")).to_contain_text("with a light gate")
    ben.get_by_role("button", name="Save combined version").click()

    expect(ben.locator(".flash--success")).to_have_text("Saved.")
    text = lesson_text(lab["course"])
    assert "a toy car down a ramp" in text and "with a light gate" in text
    assert "marble" not in text and "phone timer" not in text
    assert "<<<<<<<" not in text
    message = last_message(lab["course"])
    assert "Co-authored-by: Ana <ana@users.noreply.example.test>" in message
    with repo_store().open(lab["course"].id) as repo:
        assert repo.commit_info("main").author_name == "Ben"


def test_a_draft_survives_a_reload(open_page, lab):
    page = editor_for(open_page, "ana")
    body_of(page).fill(body_of(page).input_value() + "\nAn idea I have not saved yet.\n")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved", timeout=12_000)
    page.reload()
    expect(page.locator(".draft-offer")).to_contain_text("You have unsaved changes")
    assert "An idea I have not saved yet." not in body_of(page).input_value()
    page.get_by_role("link", name="Restore my draft").click()
    expect(body_of(page)).to_have_value(re.compile("An idea I have not saved yet."))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash--success")).to_have_text("Saved.")
    assert "An idea I have not saved yet." in lesson_text(lab["course"])
    page.goto(EDIT)
    expect(page.locator(".draft-offer")).to_have_count(0)


def test_closing_the_tab_right_after_typing_keeps_the_text(open_page, lab):
    page = editor_for(open_page, "ben")
    body_of(page).fill(body_of(page).input_value() + "\nTyped just before closing.\n")
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 10
    draft = None
    while time.monotonic() < deadline and draft is None:
        db.session.rollback()
        draft = db.session.scalars(db.select(Draft).filter_by(user_id=lab["ben"].id)).first()
        time.sleep(0.2)
    assert draft is not None and "Typed just before closing." in draft.content


def test_the_preview_updates_as_you_type(open_page, lab):
    page = editor_for(open_page, "ana")
    # "# Launch" renders as <h2>: the page around the lesson owns its <h1>.
    expect(page.locator("#preview h2").first).to_contain_text("Launch")
    body_of(page).press("Control+End")
    body_of(page).type("\n## Fresh heading\n\n::: teacher-notes\nWatch the ramp angle.\n:::\n")
    expect(page.locator("#preview").get_by_role("heading", name="Fresh heading")).to_be_visible()
    expect(page.locator("#preview")).to_contain_text("Teacher notes")


def test_the_toolbar_formats_the_selection_from_the_keyboard(open_page, lab):
    page = editor_for(open_page, "ana")
    body = body_of(page)
    body.fill("Energy is conserved.")
    body.evaluate("el => el.setSelectionRange(0, 6)")
    body.press("Control+b")
    expect(body).to_have_value("**Energy** is conserved.")
    page.locator(".editor-toolbar button").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".editor-toolbar button[data-md=bold]")).to_be_focused()
    expect(page.locator("#preview strong")).to_have_text("Energy")


def test_an_image_uploads_and_shows_with_its_alt_text(open_page, lab):
    page = editor_for(open_page, "ana")
    body_of(page).press("Control+End")
    page.set_input_files(
        "#image", files=[{"name": "Ramp Photo.png", "mimeType": "image/png", "buffer": png(4)}]
    )
    page.get_by_role("button", name="Upload image").click()
    expect(page.locator("#image-status")).to_contain_text("alt text")
    page.get_by_label("Alt text (what the image shows)").fill("a wooden ramp with a ball")
    page.get_by_role("button", name="Upload image").click()
    expect(page.locator("#image-status")).to_contain_text("Image added as ramp-photo.png")
    expect(body_of(page)).to_have_value(
        re.compile(re.escape("![a wooden ramp with a ball](images/ramp-photo.png)"))
    )
    image = page.locator('#preview img[alt="a wooden ramp with a ball"]')
    expect(image).to_be_visible()
    loaded = "() => document.querySelector('#preview img')?.naturalWidth === 4"
    page.wait_for_function(loaded)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator('.lesson img[alt="a wooden ramp with a ball"]')).to_be_visible()


def test_pressing_enter_in_a_field_saves_the_lesson(open_page, lab):
    page = editor_for(open_page, "ana")
    title = page.get_by_label(re.compile(r"^Title"))
    title.fill("Rolling down ramps, measured")
    title.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(VIEW) + "$"))
    expect(page.locator("h1")).to_have_text("Rolling down ramps, measured")


def test_signing_out_clears_drafts_kept_in_this_browser(open_page, lab):
    page = editor_for(open_page, "ana")
    key = page.locator("#editor-form").get_attribute("data-storage-key") or ""
    assert key.startswith(f"lesson-draft:{lab['ana'].id}:")  # one person's drafts, not the next
    page.evaluate("key => localStorage.setItem(key, 'typed on a shared computer')", key)
    page.goto(VIEW)
    page.locator("details.menu--right summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert page.evaluate("key => localStorage.getItem(key)", key) is None


def test_a_save_that_never_reaches_the_server_is_recovered_on_the_next_visit(open_page, lab):
    page = editor_for(open_page, "ana")
    replace_in_body(page, "with a stopwatch", "with a stopwatch and a phone camera")
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError):
        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_url(re.compile(re.escape(VIEW) + "$"), timeout=3_000)
    page.context.set_offline(False)
    page.goto(EDIT)
    expect(page.locator("#local-recovery")).to_be_visible()
    draft = db.session.scalar(db.select(Draft).filter_by(path=PATH))
    assert draft is not None and "and a phone camera" in draft.content


def test_without_javascript_the_script_only_controls_stay_hidden(browser, live_server, lab):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "ana")
        page.goto(EDIT)
        expect(page.locator(".editor-toolbar")).to_be_hidden()
        expect(page.get_by_role("button", name="Preview")).to_be_visible()
        page.goto("/n/lab/physics/")
        expect(page.get_by_role("button", name="Copy")).to_be_hidden()
    finally:
        context.close()
