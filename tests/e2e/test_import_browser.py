"""Importing lessons in a real browser: a writer chooses a Carpentries-style lesson (.zip) on
the course's "Import lessons" page, sees the upload's progress and the preview, moves one
lesson out, imports, and opens the imported lesson: boxes, folded solutions, real alt text.
Without JavaScript the same page works as plain forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import sign_in
from courses_support import make_course
from import_support import jekyll_zip, word_file, workbench_zip, zip_of
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

COURSE = "/n/lab/physics"


@pytest.fixture
def lab(make_user: Any, make_network: Any) -> dict[str, Any]:
    lead = make_user("lead", display_name="Lead")
    mia = make_user("mia", display_name="Mia")
    network = make_network("lab", lead, members={mia: "member"})
    return {"course": make_course(network, lead)}


def test_a_carpentries_lesson_is_imported_through_the_page(
    new_page: Any, lab: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "measuring-motion.zip"
    archive.write_bytes(workbench_zip())
    page = new_page()
    sign_in(page, "mia")
    page.goto(f"{COURSE}/")
    page.get_by_role("link", name="Import lessons").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import lessons")
    expect(page.locator("main")).to_contain_text("Google Docs")
    page.get_by_label("Files to import").set_input_files(str(archive))
    page.get_by_role("button", name="Show the preview").click()
    expect(page.locator(".import-plan__title")).to_have_text(
        ["Why measure motion?", "Speed from a graph"]
    )
    expect(page.locator("main")).to_contain_text("Nothing is in the course yet")
    expect(page.locator("main")).to_contain_text("SVG")
    page.get_by_label("Import this lesson").nth(1).uncheck()
    page.get_by_role("button", name="Update the preview").click()
    expect(page.get_by_role("button", name="Import 1 lesson")).to_be_visible()
    page.get_by_role("button", name="Import 1 lesson").click()
    expect(page.locator(".flash--success")).to_contain_text("Imported 1 lesson")
    page.get_by_role("link", name="Read it").click()
    lesson = page.locator("article.lesson")
    expect(lesson.locator("img")).to_have_attribute(
        "alt", "A ball on a wooden ramp beside a metre stick"
    )
    solution = lesson.locator("details", has_text="About two seconds")
    expect(solution).to_have_count(1)
    expect(solution).not_to_have_attribute("open", "")
    expect(lesson.get_by_text("About two seconds on a gentle ramp.")).to_be_hidden()
    solution.locator("summary").click()
    expect(lesson.get_by_text("About two seconds on a gentle ramp.")).to_be_visible()
    expect(lesson).not_to_contain_text(":::")
    expect(lesson).not_to_contain_text("{alt=")


def test_without_javascript_the_import_page_is_plain_forms(
    browser: Any, live_server: Any, lab: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "pendulum.zip"
    archive.write_bytes(jekyll_zip())
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "mia")
        page.goto(f"{COURSE}/import")
        page.get_by_label("Files to import").set_input_files(str(archive))
        page.get_by_role("button", name="Show the preview").click()
        expect(page.locator(".import-plan__title")).to_have_text(["Timing a pendulum"])
        page.get_by_label("Short name").fill("pendulum-timing")
        page.get_by_role("button", name="Import 1 lesson").click()
        expect(page.locator(".flash--success")).to_contain_text("Imported 1 lesson")
        page.get_by_role("link", name="Open it in the editor").click()
        expect(page).to_have_url(f"{live_server.url}{COURSE}/edit/pendulums/pendulum-timing")
    finally:
        context.close()


def test_a_word_document_and_a_hostile_archive_through_the_page(
    new_page: Any, lab: dict[str, Any], tmp_path: Path
) -> None:
    document = tmp_path / "Forces and motion.docx"
    document.write_bytes(word_file())
    hostile = tmp_path / "escaping.zip"
    hostile.write_bytes(zip_of({"../../evil.md": "# Evil\n"}))
    page = new_page()
    sign_in(page, "mia")
    page.goto(f"{COURSE}/import")
    page.get_by_label("Files to import").set_input_files(str(hostile))
    page.get_by_role("button", name="Show the preview").click()
    expect(page.locator(".flash--error")).to_contain_text("outside its folder")
    page.get_by_label("Files to import").set_input_files(str(document))
    page.get_by_role("button", name="Show the preview").click()
    expect(page.locator(".import-plan__title")).to_have_text(["Forces and motion"])
    page.get_by_role("button", name="Import 1 lesson").click()
    page.get_by_role("link", name="Read it").click()
    lesson = page.locator("article.lesson")
    expect(lesson.locator("table")).to_have_count(1)
    expect(lesson.locator("img").first).to_have_attribute("alt", "A red cart at the top of a ramp")
