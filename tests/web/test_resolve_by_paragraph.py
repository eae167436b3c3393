"""The conflict screen without JavaScript: a choice per paragraph and per lesson detail both
teachers changed, composed on the server; saving credits both, a bad or missing choice is a
clear 400 that loses nothing, and a lesson changed again meanwhile gets a new resolution."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from courses_support import commit_files, make_course
from teacher_language import git_words, visible_text

from workspace.extensions import db
from workspace.models.editing import Draft
from workspace.runtime import ctx, repo_store
from workspace.services import editing
from workspace.services.context import LessonRef

PATH = "units/motion/lessons/ramps.md"
EDIT = "/n/school/physics/edit/motion/ramps"
RESOLVE = f"{EDIT}/resolve"
TEXT = """---
title: Rolling down ramps
duration: 50
---

# Launch

Students roll a ball down a ramp.

# Explore

Groups time the ball over one metre.

# Discuss

Compare the groups' times.
"""
PRIYA = [
    ("a ball down", "a marble down"),
    ("over one metre", "over one metre with a stopwatch"),
    ("Compare the groups' times.", "Compare the fastest and slowest times."),
]
BEN = [
    ("a ball down", "a toy car down"),
    ("over one metre", "over one metre with a phone timer"),
    ("Compare the groups' times.", "Compare the times on a graph."),
]


def changed(text: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    lead = make_user("lead", display_name="Lead")
    ben = make_user("ben", display_name="Ben")
    priya = make_user("priya", display_name="Priya")
    network = make_network("school", lead, members={ben: "member", priya: "member"})
    course = make_course(network, lead)
    editing.create_unit(ctx(lead), course, "Motion", "motion")
    editing.create_lesson(ctx(lead), course, "motion", "ramps", content=TEXT)
    return {"lead": lead, "ben": ben, "priya": priya, "course": course}


def client_for(app: Any, user: Any) -> Any:
    client = app.test_client()
    client.login_as(user)
    return client


def head(course: Any) -> str:
    with repo_store().open(course.id) as repo:
        return repo.head() or ""


def read(course: Any) -> str:
    with repo_store().open(course.id) as repo:
        return repo.read_file(PATH).decode()


def message_of(course: Any) -> str:
    with repo_store().open(course.id) as repo:
        return repo.commit_info("main").message


def form_of(page: str) -> dict[str, str]:
    """Return the hidden fields, text inputs and text boxes of a page as a browser sends them
    (radio buttons are left out: each test chooses)."""
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and value and 'type="radio"' not in tag and name.group(1) != "action":
            values[name.group(1)] = html.unescape(value.group(1))
    textareas = r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>'
    for name, text in re.findall(textareas, page, re.S):
        values[name] = html.unescape(text)
    return values


def save_in_editor(client: Any, form: dict[str, str], **fields: str) -> Any:
    return client.post(EDIT, data={**form, **fields, "action": "save"})


def open_editor(client: Any) -> dict[str, str]:
    return form_of(client.get(EDIT).get_data(as_text=True))


def conflict_screen(app: Any, school: dict[str, Any]) -> tuple[Any, str]:
    """Return Ben's client and his conflict screen: Priya saved first, changing the same
    three paragraphs and the duration."""
    ben, priya = client_for(app, school["ben"]), client_for(app, school["priya"])
    form_ben, form_priya = open_editor(ben), open_editor(priya)
    body = form_priya["body"]
    assert save_in_editor(priya, form_priya, body=changed(body, PRIYA), duration="45").status_code
    response = save_in_editor(ben, form_ben, body=changed(form_ben["body"], BEN), duration="60")
    assert response.status_code == 409
    return ben, response.get_data(as_text=True)


def choices(**chosen: str) -> dict[str, str]:
    return {f"choice-{key}": value for key, value in chosen.items()}


def test_the_screen_asks_per_paragraph_and_per_detail_in_the_teachers_words(app, school):
    _, page = conflict_screen(app, school)

    assert "a toy car" not in read(school["course"])  # nothing of Ben's written
    assert git_words(page) == []
    shown = visible_text(page)
    assert "Combine your changes with Priya’s" in shown
    legends = re.findall(r"<legend>(.*?)</legend>", page, re.S)
    assert [" ".join(html.unescape(text).split()) for text in legends] == [
        "Duration: you and Priya both changed it",
        "Paragraph 2: you and Priya both changed it",
        "Paragraph 4: you and Priya both changed it",
        "Paragraph 6: you and Priya both changed it",
    ]
    assert "duration:" not in shown and "---" not in shown  # a detail by its label, no YAML
    # Both versions of a paragraph, rendered; who wrote "theirs" by name.
    assert "<p>Students roll a toy car down a ramp.</p>" in page
    assert "<p>Students roll a marble down a ramp.</p>" in page
    assert "Priya’s version" in shown and "<del>marble</del>" in page
    # The parts only one side changed (none here) and the unchanged ones are rendered.
    assert re.search(r'class="lesson resolve-settled">\s*<h2[^>]*>Launch</h2>', page)
    # Each choice is a labelled radio button; each text box has a label.
    for key in ("p2", "p4", "p6"):
        for option in ("mine", "theirs", "both", "edit"):
            assert f'id="choice-{key}-{option}"' in page
            assert f'<label for="choice-{key}-{option}">' in page
        assert f'<label for="text-{key}">' in page
    assert 'id="choice-f1-both"' not in page  # no "both" for a number of minutes
    assert 'name="csrf_token"' in page
    # The whole marked file is there for Git users, and only there.
    details = re.search(r'<details class="for-git">(.*?)</details>', page, re.S)
    assert details and "For Git users: the whole file" in details.group(1)
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt; your version" in details.group(1)
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" not in page.replace(details.group(0), "")


def test_mine_theirs_and_both_are_saved_as_chosen_and_both_authors_credited(app, school):
    ben, page = conflict_screen(app, school)
    form = {**form_of(page), **choices(f1="theirs", p2="mine", p4="theirs", p6="both")}

    done = ben.post(RESOLVE, data={**form, "action": "save"})

    assert done.status_code == 302 and done.headers["Location"].endswith("/lessons/motion/ramps")
    assert read(school["course"]) == TEXT.replace("duration: 50", "duration: 45").replace(
        "a ball down", "a toy car down"
    ).replace("over one metre", "over one metre with a stopwatch").replace(
        "Compare the groups' times.",
        "Compare the times on a graph.\n\nCompare the fastest and slowest times.",
    )
    message = message_of(school["course"])
    assert message.startswith("Edit lesson: Rolling down ramps")
    assert "Co-authored-by: Priya <priya@users.noreply.example.test>" in message
    with repo_store().open(school["course"].id) as repo:
        assert repo.commit_info("main").author_name == "Ben"
    assert db.session.scalars(db.select(Draft)).all() == []
    lesson = ben.get(done.headers["Location"]).get_data(as_text=True)
    assert "Saved." in lesson


def test_writing_a_paragraph_yourself_saves_your_words(app, school):
    ben, page = conflict_screen(app, school)
    form = {
        **form_of(page),
        **choices(f1="edit", p2="edit", p4="mine", p6="theirs"),
        "text-f1": "55",
        "text-p2": "Students roll a marble, then a toy car, down a ramp.",
    }
    assert ben.post(RESOLVE, data=form).status_code == 302
    text = read(school["course"])
    assert "duration: 55\n" in text
    assert "\n\nStudents roll a marble, then a toy car, down a ramp.\n\n# Explore" in text
    assert "with a phone timer" in text and "fastest and slowest" in text


def test_a_missing_choice_is_a_clear_400_that_loses_nothing(app, school):
    ben, page = conflict_screen(app, school)
    before = head(school["course"])
    form = {**form_of(page), **choices(f1="mine", p2="theirs", p6="both")}
    form["text-p4"] = form["text-p4"]  # left as it was: no choice for paragraph 4

    response = ben.post(RESOLVE, data={**form, "action": "save"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert head(school["course"]) == before
    assert "Nothing was saved yet: choose what to keep for Paragraph 4." in page
    assert 'aria-describedby="problem-p4"' in page and git_words(page) == []
    # The choices made so far stay chosen on the page and in the draft.
    assert re.search(r'id="choice-p2-theirs"[^>]*checked', page)
    assert re.search(r'id="choice-p6-both"[^>]*checked', page)
    draft = db.session.scalars(db.select(Draft)).one()
    assert draft.mode == "resolve"
    kept = editing.view_of(draft).fields or {}
    assert kept["choice-p2"] == "theirs" and "a toy car" in kept["yours"]
    # Choosing the last one saves it all.
    assert ben.post(RESOLVE, data={**form, **choices(p4="mine")}).status_code == 302
    assert "with a phone timer" in read(school["course"])
    assert "a marble down" in read(school["course"])


def test_a_choice_that_is_not_offered_is_a_clear_400(app, school):
    ben, page = conflict_screen(app, school)
    form = {**form_of(page), **choices(f1="both", p2="mine", p4="mine", p6="everything")}
    response = ben.post(RESOLVE, data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "choose what to keep for Duration and Paragraph 6" in page
    assert "a toy car" in (db.session.scalars(db.select(Draft)).one().content)


def test_typing_your_own_version_without_choosing_counts_as_choosing_it(app, school):
    ben, page = conflict_screen(app, school)
    form = {**form_of(page), **choices(f1="mine", p4="mine", p6="mine")}
    form["text-p2"] = "Students roll whatever rolls."
    assert ben.post(RESOLVE, data=form).status_code == 302
    assert "\nStudents roll whatever rolls.\n" in read(school["course"])


def test_the_preview_button_shows_the_combined_lesson_and_writes_nothing(app, school):
    ben, page = conflict_screen(app, school)
    before = head(school["course"])
    form = {**form_of(page), **choices(p2="theirs", p6="both"), "action": "preview"}

    response = ben.post(RESOLVE, data=form)

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and head(school["course"]) == before
    preview = re.search(r'id="resolve-preview-body">(.*?)</div>', page, re.S)
    assert preview and "a marble down" in preview.group(1)
    assert "Compare the times on a graph." in preview.group(1)
    assert "fastest and slowest" in preview.group(1)
    assert git_words(page) == []
    # The draft keeps the choices: reopening it shows them again.
    restored = ben.get(f"{EDIT}?draft=restore").get_data(as_text=True)
    assert re.search(r'id="choice-p2-theirs"[^>]*checked', restored)
    assert "Paragraph 4: you and Priya both changed it" in restored


def test_a_lesson_changed_again_meanwhile_gets_a_new_resolution(app, school):
    ben, page = conflict_screen(app, school)
    form = {**form_of(page), **choices(f1="mine", p2="mine", p4="mine", p6="mine")}
    # Lead changes the second paragraph again before Ben saves.
    lead_text = read(school["course"]).replace("a marble down", "a steel marble down")
    commit_files(school["course"], school["lead"], {PATH: lead_text}, "Edit lesson")
    after_lead = head(school["course"])

    again = ben.post(RESOLVE, data=form)

    page = again.get_data(as_text=True)
    assert again.status_code == 409 and head(school["course"]) == after_lead  # not overwritten
    assert "The lesson changed again while you were combining" in page
    assert "Paragraph 2: you and Lead both changed it" in page
    assert "Paragraph 4" not in page  # what Ben chose stays chosen
    assert git_words(page) == []
    done = ben.post(RESOLVE, data={**form_of(page), **choices(p2="theirs")})
    assert done.status_code == 302
    text = read(school["course"])
    assert "a steel marble down" in text and "with a phone timer" in text
    message = message_of(school["course"])
    assert "Co-authored-by: Priya <priya@users.noreply.example.test>" in message
    assert "Co-authored-by: Lead <lead@users.noreply.example.test>" in message


def test_a_change_elsewhere_meanwhile_merges_with_the_choices(app, school):
    ben, page = conflict_screen(app, school)
    form = {**form_of(page), **choices(f1="mine", p2="mine", p4="mine", p6="mine")}
    lead_text = read(school["course"]).replace("# Launch", "# Launch (10 minutes)")
    commit_files(school["course"], school["lead"], {PATH: lead_text}, "Edit lesson")

    done = ben.post(RESOLVE, data=form, follow_redirects=True)

    assert "Merged with changes by Lead." in done.get_data(as_text=True)
    text = read(school["course"])
    assert "# Launch (10 minutes)" in text and "a toy car" in text and "duration: 60" in text


def test_git_users_may_save_the_whole_file_but_not_with_markers_left(app, school):
    ben, page = conflict_screen(app, school)
    form = {**form_of(page), "action": "raw"}
    assert "<<<<<<< your version" in form["content"]

    marked = ben.post(RESOLVE, data=form)

    page = marked.get_data(as_text=True)
    assert marked.status_code == 422 and "conflict markers" in page
    assert '<details class="for-git" open>' in page and git_words(page) == []
    form["content"] = changed(TEXT, BEN)
    assert ben.post(RESOLVE, data=form).status_code == 302
    assert read(school["course"]) == changed(TEXT, BEN)
    assert "Co-authored-by: Priya" in message_of(school["course"])


def test_choices_for_a_screen_that_no_longer_matches_are_not_used(app, school):
    ben, page = conflict_screen(app, school)
    before = head(school["course"])
    form = {**form_of(page), **choices(f1="mine", p2="mine", p4="mine", p6="mine")}
    form["conflicts"] = "0" * 16

    response = ben.post(RESOLVE, data=form)

    assert response.status_code == 409 and head(school["course"]) == before
    assert "please choose again" in response.get_data(as_text=True)


def test_resolving_needs_the_csrf_token(app, school):
    ben, page = conflict_screen(app, school)
    form = {**form_of(page), **choices(f1="mine", p2="mine", p4="mine", p6="mine")}
    del form["csrf_token"]
    assert ben.post(RESOLVE, data=form, csrf=False).status_code == 400
    assert "a toy car" not in read(school["course"])


def test_a_lesson_deleted_meanwhile_can_come_back_with_your_text(app, school):
    ben = client_for(app, school["ben"])
    form = open_editor(ben)
    ref = LessonRef(school["course"], "motion", "ramps")
    editing.delete_lesson(ctx(school["lead"]), ref, head(school["course"]))

    response = save_in_editor(ben, form, body=changed(form["body"], BEN))

    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Lead deleted this lesson" in page
    assert "<p>Students roll a toy car down a ramp.</p>" in page and git_words(page) == []
    done = ben.post(RESOLVE, data={**form_of(page), "action": "recreate"})
    assert done.status_code == 302
    assert "a toy car" in read(school["course"])
