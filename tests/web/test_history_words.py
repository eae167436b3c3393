"""History pages in teachers' words: lessons and units by their titles at the time, no Git
words outside the sections for Git users, and two versions picked to compare without typing
an id (and without JavaScript: a plain form)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from courses_support import commit_files, git, lesson_file, make_course, make_school
from teacher_language import git_words

from workspace.extensions import db
from workspace.models import Membership
from workspace.runtime import ctx
from workspace.services import editing
from workspace.services.context import LessonRef

BASE = "/n/school/physics"
CALORIMETRY = "units/energy-and-change/lessons/calorimetry.md"
HEAT = "units/energy-and-change/lessons/measuring-heat.md"
FIRST = """\
Students measure the temperature of water before and after adding a hot metal.

## Discuss

Why does the water warm up?
"""
SECOND = """\
Students measure the temperature of cold water before and after adding a **hot** metal block.

## Discuss

Why does the water warm up?

Where did the energy come from?
"""
TODAY = r"(today|yesterday)"  # a test running across midnight sees yesterday's versions


def q(title: str) -> str:
    return f"\u201c{title}\u201d"


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network)
    data["priya"] = make_user("priya", display_name="Priya Shah")
    db.session.add(Membership(network=data["network"], user=data["priya"], role="member"))
    db.session.commit()
    data["course"] = make_course(data["network"], data["lead"])
    return data


@pytest.fixture
def story(school: dict[str, Any]) -> dict[str, str]:
    """Return the versions of a history made the way teachers make it, in the browser's
    editing services: a unit, a lesson added, edited, renamed, another moved, a reorder."""
    course, priya = school["course"], ctx(school["priya"])
    ids = {"unit": editing.create_unit(priya, course, "Energy and change").commit}
    ids["add"] = editing.create_lesson(
        priya, course, "energy-and-change", "calorimetry", content=lesson_file("Calorimetry", FIRST)
    ).commit
    ref = LessonRef(course, "energy-and-change", "calorimetry")
    edited = lesson_file("Calorimetry", SECOND, duration=50)
    ids["edit"] = editing.save_lesson(priya, ref, edited, ids["add"]).commit
    ids["rename"] = editing.rename_lesson(priya, ref, "measuring-heat").commit
    ids["motion"] = editing.create_unit(priya, course, "Motion").commit
    ids["speed"] = editing.create_lesson(
        priya, course, "getting-started", "speed", content=lesson_file("Speed")
    ).commit
    speed = LessonRef(course, "getting-started", "speed")
    ids["move"] = editing.move_lesson(priya, speed, "motion").commit
    ids["second"] = editing.create_lesson(
        priya, course, "energy-and-change", "specific-heat", content=lesson_file("Specific heat")
    ).commit
    order = ["specific-heat", "measuring-heat"]
    ids["reorder"] = editing.reorder_lessons(priya, course, "energy-and-change", order).commit
    return ids


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _entry(html: str, sha: str) -> str:
    """Return the history entry that links to version `sha`."""
    return next(e for e in html.split('<li class="history-entry">') if f"/commit/{sha}" in e)


def _teachers_part(html: str) -> str:
    """Return the page without its sections for Git users."""
    return re.sub(r'<details class="for-git">.*?</details>', "", html, flags=re.DOTALL)


# History -----------------------------------------------------------------------------------


def test_course_history_tells_each_change_by_title_and_never_in_git_words(
    client: Any, school: dict[str, Any], story: dict[str, str]
) -> None:
    client.login_as(school["reader"])
    html = _page(client, f"{BASE}/history")
    said = {
        "unit": f"Added the unit {q('Energy and change')}",
        "add": f"Added the lesson {q('Calorimetry')} to {q('Energy and change')}",
        "edit": f"Edited the lesson {q('Calorimetry')}",
        "rename": f"Renamed the lesson {q('Calorimetry')} in {q('Energy and change')}",
        "move": f"Moved the lesson {q('Speed')} to {q('Motion')}",
        "reorder": f"Reordered the lessons in {q('Energy and change')}",
    }
    for version, words in said.items():
        assert f"<li>{words}</li>" in _entry(html, story[version]), version
    # A lesson added with its line in the outline is told once, not as an outline change too.
    assert "outline" not in _teachers_part(_entry(html, story["add"]))
    assert re.search(rf"<time datetime=\"[^\"]+\">{TODAY} at \d\d:\d\d</time>", html)
    assert git_words(html) == []


def test_lesson_history_is_titled_by_the_lesson_and_follows_its_rename(
    client: Any, school: dict[str, Any], story: dict[str, str]
) -> None:
    client.login_as(school["member"])
    html = _page(client, f"{BASE}/history/energy-and-change/measuring-heat")
    assert f"<h1>History of {q('Calorimetry')}</h1>" in html
    assert f"Renamed the lesson {q('Calorimetry')}" in _entry(html, story["rename"])
    assert f"Edited the lesson {q('Calorimetry')}" in _entry(html, story["edit"])
    assert git_words(html) == []  # restore buttons and all


def test_a_git_users_note_names_lessons_by_title_and_keeps_the_original_for_git_users(
    client: Any, school: dict[str, Any]
) -> None:
    path = "units/getting-started/lessons/first-lesson.md"
    message = f"Fix typo in {path} and course.yaml"
    sha = commit_files(school["course"], school["lead"], {path: lesson_file("Welcome")}, message)
    client.login_as(school["reader"])
    entry = _entry(_page(client, f"{BASE}/history"), sha)
    assert f"Fix typo in {q('Welcome')} and the course outline</a>" in entry
    assert f"Edited the lesson {q('Your first lesson')}, now called {q('Welcome')}" in entry
    assert message in entry.split('<details class="for-git">')[1]
    assert git_words(entry) == []


def test_outline_changes_pushed_by_git_users_are_told_in_words(
    client: Any, school: dict[str, Any]
) -> None:
    course = school["course"]
    outline = git(course, "show", "main:course.yaml")
    outline = outline.replace("title: Physics in Motion", "title: Motion and Forces")
    outline = outline.replace("title: Getting started", "title: Start here")
    outline += "  - slug: waves\n    title: Waves\n    lessons: []\n"
    sha = commit_files(course, school["lead"], {"course.yaml": outline}, "Outline")
    client.login_as(school["reader"])
    entry = _entry(_page(client, f"{BASE}/history"), sha)
    course_title = f"Changed the course\u2019s title from {q('Physics in Motion')}"
    assert f"{course_title} to {q('Motion and Forces')}" in entry
    assert f"Renamed the unit {q('Getting started')} to {q('Start here')}" in entry
    assert f"Added the unit {q('Waves')}" in entry
    assert git_words(entry) == []


# Picking two versions ----------------------------------------------------------------------


def test_each_version_offers_from_and_to_choices_and_compare_with_previous(
    client: Any, school: dict[str, Any], story: dict[str, str]
) -> None:
    client.login_as(school["reader"])
    html = _page(client, f"{BASE}/history")
    assert '<form id="compare-versions"' in html and 'action="/n/school/physics/compare"' in html
    entries = html.split('<li class="history-entry">')[1:]
    assert all('name="from"' in e and 'name="to"' in e for e in entries)
    assert 'name="to" value="{}" form="compare-versions" checked'.format(story["reorder"]) in html
    assert 'name="from" value="{}" form="compare-versions" checked'.format(story["second"]) in html
    previous = re.search(r'href="([^"]+)">Compare with previous', _entry(html, story["move"]))
    assert previous is not None
    assert previous.group(1) == f"{BASE}/compare/{story['speed']}...{story['move']}"
    compared = _page(client, previous.group(1))
    assert f"Moved the lesson {q('Speed')} to {q('Motion')}" in compared
    assert git_words(compared) == []


def test_choosing_two_versions_of_a_lesson_compares_them_across_its_rename(
    client: Any, school: dict[str, Any], story: dict[str, str]
) -> None:
    client.login_as(school["reader"])
    html = _page(client, f"{BASE}/history/energy-and-change/measuring-heat")
    hidden = re.findall(r'<input type="hidden" name="path" value="([^"]+)">', html)
    assert hidden == [CALORIMETRY, HEAT]  # its name then, its name now
    # What the browser sends for the form (no JavaScript): From on the newer one, To on the older.
    query = {"from": story["rename"], "to": story["add"], "path": hidden}
    response = client.get(f"{BASE}/compare", query_string=query)
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == f"{BASE}/compare/{story['add']}...{story['rename']}"  # earlier first
    assert parse_qs(target.query)["path"] == [CALORIMETRY, HEAT]
    compared = _page(client, response.headers["Location"])
    assert f"Changes to {q('Calorimetry')}" in compared
    assert f"Renamed the lesson {q('Calorimetry')} in {q('Energy and change')}" in compared
    assert "Set the length to 50 minutes" in compared
    assert "<ins> cold</ins>" in compared and "<p>Where did the energy come from?</p>" in compared
    assert git_words(compared) == []


def test_the_compare_form_lists_versions_by_note_author_and_date(
    client: Any, school: dict[str, Any], story: dict[str, str]
) -> None:
    client.login_as(school["reader"])
    html = _page(client, f"{BASE}/compare")
    entry = _entry(html, story["edit"])
    assert "Edit lesson: Calorimetry" in entry and "Priya Shah" in entry
    assert re.search(rf"{TODAY} at \d\d:\d\d</time>", entry)
    assert f"Edited the lesson {q('Calorimetry')}" in entry
    assert git_words(html) == []
    lesson = _page(client, f"{BASE}/compare?path={HEAT}")
    assert f"<h1>Compare two versions of {q('Calorimetry')}</h1>" in lesson
    assert git_words(lesson) == []


# One version, and who wrote what -----------------------------------------------------------


def test_version_page_says_who_changed_what_when_and_shows_the_text(
    client: Any, school: dict[str, Any], story: dict[str, str]
) -> None:
    client.login_as(school["reader"])
    html = _page(client, f"{BASE}/commit/{story['edit']}")
    assert re.search(
        rf"<h1 class=\"commit-title\">Priya Shah edited {q('Calorimetry')} {TODAY}</h1>", html
    )
    teachers, for_git = html.split('<details class="for-git">')
    assert "Set the length to 50 minutes" in teachers
    # A changed paragraph word by word, in its rendered words (no ** marks), an added one whole.
    assert "adding a hot metal<ins> block</ins>." in teachers and "**" not in teachers
    assert '<p class="passage__label">Added</p>' in teachers
    assert "<p>Where did the energy come from?</p>" in teachers
    assert "2 unchanged paragraphs" in teachers
    # The id, the parent, the file and the raw changes are one click away.
    assert "<summary>For Git users</summary>" in html
    assert f"<code>{story['edit']}</code>" in for_git and f"/commit/{story['add']}" in for_git
    assert (
        f"<code>{CALORIMETRY}</code>" in for_git
        and '<ins class="add">+duration: 50</ins>' in for_git
    )
    assert git_words(html) == []


def test_version_page_of_an_outline_change_is_titled_in_words(
    client: Any, school: dict[str, Any], story: dict[str, str]
) -> None:
    client.login_as(school["reader"])
    html = _page(client, f"{BASE}/commit/{story['reorder']}")
    headline = f"Priya Shah reordered the lessons in {q('Energy and change')} {TODAY}"
    assert re.search(f'<h1 class="commit-title">{headline}</h1>', html)
    assert git_words(html) == []


def test_who_wrote_what_names_the_lesson_and_each_version_in_words(
    client: Any, school: dict[str, Any], story: dict[str, str]
) -> None:
    client.login_as(school["reader"])
    html = _page(client, f"{BASE}/blame/energy-and-change/measuring-heat")
    assert f"<h1>Who wrote what in {q('Calorimetry')}</h1>" in html
    assert "<caption" in html
    rows = html.split('<tr class="blame-group">')[1:]
    added = next(row for row in rows if "Where did the energy come from?" in row)
    assert "Edit lesson: Calorimetry" in added and "Priya Shah" in added
    assert ">---<" not in html  # the lines around the details are nobody's words
    earlier = _page(client, f"{BASE}/blame/energy-and-change/calorimetry?rev={story['add']}")
    assert "as the lesson was in the version saved" in earlier
    assert git_words(html) == [] and git_words(earlier) == []


def test_restoring_says_which_version_by_its_date(
    client: Any, school: dict[str, Any], story: dict[str, str]
) -> None:
    client.login_as(school["member"])
    form = {"rev": story["add"], "from": CALORIMETRY}
    response = client.post(f"{BASE}/restore/energy-and-change/measuring-heat", data=form)
    assert response.status_code == 302
    with client.session_transaction() as session:
        flashed = " ".join(message for _kind, message in session.get("_flashes", []))
    assert re.search(r"as it was in the version of \d+ \w{3} \d{4}, \d\d:\d\d", flashed)
    assert git_words(flashed) == []
    note = git(school["course"], "log", "-1", "--format=%s", "main").strip()
    assert re.fullmatch(
        r"Restore lesson: Calorimetry \(as it was on \d+ \w{3} \d{4}, \d\d:\d\d\)", note
    )
