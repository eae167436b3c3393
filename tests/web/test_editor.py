"""The lesson editor without JavaScript: who may edit, saving fields and body, merges,
conflicts and their resolution, invalid front matter, drafts and presence."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from courses_support import commit_files, make_course, make_school
from teacher_language import git_words

from workspace.extensions import db
from workspace.models import Activity
from workspace.models._base import utcnow
from workspace.models.editing import Draft, Presence
from workspace.runtime import repo_store

UNIT, LESSON = "motion", "speed"
PATH = f"units/{UNIT}/lessons/{LESSON}.md"
EDIT = f"/n/school/physics/edit/{UNIT}/{LESSON}"
LESSON_TEXT = """---
title: Speed
duration: 50  # one period
standards:
  - HS-PS2-1
custom: keep me
---

# Launch

Students roll a ball down a ramp.

# Explore

They time the ball with a stopwatch.
"""


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    people = make_school(make_user, make_network)
    course = make_course(people["network"], people["lead"])
    commit_files(course, people["lead"], {PATH: LESSON_TEXT}, "Add speed")
    return {**people, "course": course}


def client_for(app: Any, user: Any) -> Any:
    client = app.test_client()
    client.login_as(user)
    return client


def head(course: Any) -> str:
    with repo_store().open(course.id) as repo:
        return repo.head() or ""


def read(course: Any, path: str = PATH) -> str:
    with repo_store().open(course.id) as repo:
        return repo.read_file(path).decode()


def message_of(course: Any) -> str:
    with repo_store().open(course.id) as repo:
        return repo.commit_info("main").message


def form_of(page: str) -> dict[str, str]:
    """Return the editor form's values as the browser would send them."""
    values: dict[str, str] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        values[name] = value
    for name, value in re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="([^"]+)"', page):
        values.setdefault(value, name)
    textareas = r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>'
    for name, text in re.findall(textareas, page, re.S):
        values[name] = text
    return {k: html.unescape(v) for k, v in values.items() if k not in ("action", "image")}


def open_editor(client: Any) -> dict[str, str]:
    response = client.get(EDIT)
    assert response.status_code == 200
    return form_of(response.get_data(as_text=True))


def test_member_sees_the_fields_and_body_of_the_lesson(app, school):
    page = client_for(app, school["member"]).get(EDIT).get_data(as_text=True)
    assert 'name="title"' in page and 'value="Speed"' in page
    assert 'name="duration"' in page and 'value="50"' in page
    assert "Students roll a ball" in page
    assert f'value="{head(school["course"])}"' in page  # the base commit
    assert 'value="preview"' in page and 'value="save"' in page
    assert "js/editor.js" in page and "onclick" not in page and "style=" not in page


@pytest.mark.parametrize(
    ("who", "status"), [("reader", 403), ("partner", 403), ("outsider", 404), ("lead", 200)]
)
def test_only_writers_may_open_the_editor(app, school, who, status):
    assert client_for(app, school[who]).get(EDIT).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in_where_the_course_is_public(client, school):
    assert client.get(EDIT).status_code == 404  # a private network does not show itself
    school["network"].visibility = "public"
    db.session.commit()
    response = client.get(EDIT)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_reader_cannot_save(app, school):
    client = client_for(app, school["reader"])
    response = client.post(EDIT, data={"title": "Hacked", "body": "x", "action": "save"})
    assert response.status_code == 403
    assert "Hacked" not in read(school["course"])


def test_an_archived_course_refuses_edits(app, school):
    school["course"].archived_at = utcnow()
    db.session.commit()
    client = client_for(app, school["member"])
    response = client.get(EDIT)
    assert response.status_code == 403
    assert "archived" in response.get_data(as_text=True)


def test_saving_changes_fields_and_body_and_keeps_everything_else(app, school):
    client = client_for(app, school["member"])
    form = open_editor(client)
    form.update(title="Speed and velocity", duration="45", standards="hs-ps2-1, MS-PS2-2")
    form["body"] = form["body"].replace("a ball", "a steel ball")
    response = client.post(EDIT, data={**form, "action": "save"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/lessons/{UNIT}/{LESSON}")
    text = read(school["course"])
    assert "title: Speed and velocity" in text
    assert "duration: 45  # one period" in text  # the comment stays
    assert "custom: keep me" in text
    assert "- HS-PS2-1" in text and "- MS-PS2-2" in text
    assert "a steel ball" in text and "\r" not in text
    assert message_of(school["course"]).startswith("Edit lesson: Speed and velocity")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved." in page
    activity = db.session.scalars(db.select(Activity).filter_by(verb="edited")).one()
    assert activity.actor_id == school["member"].id and activity.path == PATH


def test_a_bad_standards_code_is_named_and_the_text_kept_as_a_draft(app, school):
    client = client_for(app, school["member"])
    form = open_editor(client)
    before = head(school["course"])
    form.update(standards="HS-PS2-1\nHS-QQ9-1", duration="soon")
    form["body"] += "\nMy new paragraph.\n"
    response = client.post(EDIT, data={**form, "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "HS-QQ9-1" in page and "soon" in page
    assert "My new paragraph." in page
    assert head(school["course"]) == before
    draft = db.session.scalars(db.select(Draft)).one()
    assert "My new paragraph." in draft.fields and draft.user_id == school["member"].id


def test_invalid_front_matter_in_the_whole_file_gives_a_clear_error(app, school):
    commit_files(school["course"], school["lead"], {PATH: "---\ntitle: [oops\n---\nBody\n"})
    client = client_for(app, school["member"])
    page = client.get(EDIT).get_data(as_text=True)
    assert "cannot be shown as fields" in page and 'name="mode" value="raw"' in page
    form = form_of(page)
    form["body"] = "---\ntitle: [still broken\n---\nNew body\n"
    response = client.post(EDIT, data={**form, "action": "save"})
    assert response.status_code == 422
    assert "not saved" in response.get_data(as_text=True)
    assert "New body" in db.session.scalars(db.select(Draft)).one().content
    restored = client.get(f"{EDIT}?draft=restore").get_data(as_text=True)
    assert 'name="mode" value="raw"' in restored and "[still broken" in restored
    form["body"] = "---\ntitle: Fixed\n---\nNew body\n"
    assert client.post(EDIT, data={**form, "action": "save"}).status_code == 302
    assert read(school["course"]) == "---\ntitle: Fixed\n---\nNew body\n"


def test_preview_without_javascript_renders_the_body_and_keeps_the_text(app, school):
    client = client_for(app, school["member"])
    form = open_editor(client)
    form["body"] = "::: objectives\nMeasure **speed**.\n:::\n\n![](images/x.png)\n"
    before = head(school["course"])
    page = client.post(EDIT, data={**form, "action": "preview"}).get_data(as_text=True)
    assert "<strong>speed</strong>" in page and "Objectives" in page
    assert "no alt text" in page
    assert head(school["course"]) == before


def test_two_saves_from_the_same_base_merge_and_say_with_whom(app, school):
    ana, ben = client_for(app, school["member"]), client_for(app, school["lead"])
    form_a, form_b = open_editor(ana), open_editor(ben)
    form_a["body"] = form_a["body"].replace("down a ramp", "down a long ramp")
    form_b["body"] = form_b["body"].replace("with a stopwatch", "with a phone")
    assert ana.post(EDIT, data={**form_a, "action": "save"}).status_code == 302
    response = ben.post(EDIT, data={**form_b, "action": "save"}, follow_redirects=True)
    assert "Merged with changes by Member." in response.get_data(as_text=True)
    text = read(school["course"])
    assert "down a long ramp" in text and "with a phone" in text


def test_the_same_sentence_opens_the_resolution_screen_and_resolving_credits_both(app, school):
    ana, ben = client_for(app, school["member"]), client_for(app, school["lead"])
    form_a, form_b = open_editor(ana), open_editor(ben)
    form_a["body"] = form_a["body"].replace("a ball", "a marble")
    form_b["body"] = form_b["body"].replace("a ball", "a toy car")
    ana.post(EDIT, data={**form_a, "action": "save"})
    after_ana = head(school["course"])
    response = ben.post(EDIT, data={**form_b, "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert head(school["course"]) == after_ana  # nothing written
    assert "Combine your changes with Member" in page
    assert "Paragraph 2: you and Member both changed it" in page  # one choice, for that one
    assert "<del>marble</del>" in page and "<ins>toy car</ins>" in page
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt; your version" in page  # for Git users only
    assert git_words(page) == []
    assert "a toy car" in db.session.scalars(db.select(Draft)).one().content
    resolve = form_of(page)
    assert resolve["base_commit"] == after_ana
    still_marked = ben.post(f"{EDIT}/resolve", data={**resolve, "action": "raw"})
    assert still_marked.status_code == 422
    assert "conflict markers" in still_marked.get_data(as_text=True)
    resolve["choice-p2"] = "edit"
    resolve["text-p2"] = "Students roll a marble or a toy car down a ramp."
    done = ben.post(f"{EDIT}/resolve", data=resolve)
    assert done.status_code == 302
    assert "a marble or a toy car" in read(school["course"])
    message = message_of(school["course"])
    assert "Co-authored-by: Member <member@users.noreply.example.test>" in message
    assert db.session.scalars(db.select(Draft)).all() == []


def test_a_draft_is_offered_on_reopening_and_dropped_after_saving(app, school):
    client = client_for(app, school["member"])
    form = open_editor(client)
    form["body"] += "\nHalf-written idea\n"
    response = client.post(f"{EDIT}/draft", data={**form, "mode": "fields"})
    assert response.status_code == 200 and response.json["status"] == "saved"
    page = client.get(EDIT).get_data(as_text=True)
    assert "You have unsaved changes" in page and "Half-written idea" not in page
    restored = client.get(f"{EDIT}?draft=restore").get_data(as_text=True)
    assert "Half-written idea" in restored
    form = form_of(restored)
    assert client.post(EDIT, data={**form, "action": "save"}).status_code == 302
    assert "Half-written idea" in read(school["course"])
    assert db.session.scalars(db.select(Draft)).all() == []
    assert "You have unsaved changes" not in client.get(EDIT).get_data(as_text=True)


def test_a_draft_can_be_discarded(app, school):
    client = client_for(app, school["member"])
    form = open_editor(client)
    client.post(f"{EDIT}/draft", data={**form, "body": "Something else"})
    response = client.post(f"{EDIT}/draft/discard", follow_redirects=True)
    assert "Your draft was discarded." in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Draft)).all() == []


def test_drafts_need_the_csrf_token(app, school):
    client = client_for(app, school["member"])
    response = client.post(f"{EDIT}/draft", data={"body": "x"}, csrf=False)
    assert response.status_code == 400


def test_presence_shows_who_else_is_editing_and_whether_the_lesson_changed(app, school):
    ana, ben = client_for(app, school["member"]), client_for(app, school["lead"])
    base = open_editor(ana)["base_commit"]
    page = ben.get(EDIT).get_data(as_text=True)
    assert "Member is also editing this lesson; your saves will merge." in page
    answer = ana.post(f"{EDIT}/presence", json={"base_commit": base, "typing": True}).json
    assert answer["present"] == [{"name": "Lead", "typing": False}]
    assert answer["changed"] is False and answer["head"] == base
    commit_files(school["course"], school["lead"], {PATH: LESSON_TEXT + "\nPushed.\n"})
    answer = ana.post(f"{EDIT}/presence", json={"base_commit": base}).json
    assert answer["changed"] is True and answer["changed_by"] == ["Lead"]
    other_file = head(school["course"])
    commit_files(school["course"], school["lead"], {"README.md": "other"})
    assert ana.post(f"{EDIT}/presence", json={"base_commit": other_file}).json["changed"] is False
    assert ben.post(f"{EDIT}/presence/leave").status_code == 204
    assert ana.post(f"{EDIT}/presence", json={"base_commit": base}).json["present"] == []


def test_someone_seen_long_ago_is_not_present(app, school):
    ana, ben = client_for(app, school["member"]), client_for(app, school["lead"])
    ben.get(EDIT)
    row = db.session.scalars(db.select(Presence)).one()
    row.last_seen = row.last_seen.replace(year=row.last_seen.year - 1)
    db.session.commit()
    assert "also editing" not in ana.get(EDIT).get_data(as_text=True)


def test_the_json_preview_renders_the_body_and_lints_it(app, school):
    client = client_for(app, school["member"])
    answer = client.post(f"{EDIT}/preview", data={"body": "# Hi\n\n![](images/a.png)\n"}).json
    assert "<h2" in answer["html"] and "Hi" in answer["html"]  # "# Hi": the page owns <h1>
    assert any("alt text" in problem for problem in answer["problems"])
    raw = client.post(f"{EDIT}/preview", data={"mode": "raw", "body": "---\nduration: x\n---\nB\n"})
    assert any("title" in problem.lower() for problem in raw.json["problems"])


def test_editing_a_lesson_that_does_not_exist_is_not_found(app, school):
    client = client_for(app, school["member"])
    assert client.get("/n/school/physics/edit/motion/nothing-here").status_code == 404
    assert client.get("/n/school/physics/edit/Motion/x").status_code == 404
