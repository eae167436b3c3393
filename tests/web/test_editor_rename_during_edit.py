"""A lesson renamed, moved or deleted by someone else while a teacher edits it: the teacher's
save lands in the lesson under its new name, or brings a deleted lesson back."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from courses_support import lesson_file, make_course, make_school
from teacher_language import git_words

from workspace.extensions import db
from workspace.models.editing import Draft
from workspace.runtime import ctx, repo_store
from workspace.services import editing
from workspace.services.context import LessonRef

OLD = "units/motion/lessons/speed.md"
EDIT = "/n/school/physics/edit/motion/speed"
API = "/api/v1/n/school/physics/lessons/motion/speed"
# As the editor writes it (a blank line after the front matter), so edits merge line by line.
BODY = "\nLaunch: roll a cart.\n\nExplore: time it twice.\n\nDiscuss: compare.\n"


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    people = make_school(make_user, make_network)
    course = make_course(people["network"], people["lead"])
    lead = people["lead"]
    editing.create_unit(ctx(lead), course, "Motion", "motion")
    editing.create_unit(ctx(lead), course, "Energy", "energy")
    editing.create_lesson(ctx(lead), course, "motion", "speed", content=lesson_file("Speed", BODY))
    return {**people, "course": course}


def client_for(app: Any, user: Any) -> Any:
    client = app.test_client()
    client.login_as(user)
    return client


def read(course: Any, path: str) -> str | None:
    with repo_store().open(course.id) as repo:
        return repo.read_file(path).decode() if repo.exists(path) else None


def outline(course: Any) -> str:
    return read(course, "course.yaml") or ""


def form_of(page: str) -> dict[str, str]:
    """Return the values of a page's form fields as a browser would send them."""
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    textareas = r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>'
    values.update(re.findall(textareas, page, re.S))
    return {k: html.unescape(v) for k, v in values.items() if k not in ("action", "image")}


def open_editor(client: Any) -> dict[str, str]:
    response = client.get(EDIT)
    assert response.status_code == 200
    return form_of(response.get_data(as_text=True))


def rename(school: dict[str, Any], to_unit: str, slug: str) -> None:
    """Rename or move the lesson as the lead does on the Organize page."""
    editing.move_lesson(
        ctx(school["lead"]), LessonRef(school["course"], "motion", "speed"), to_unit, slug
    )


def test_a_save_after_someone_renamed_the_lesson_lands_in_the_renamed_file(app, school):
    ben = client_for(app, school["member"])
    form = open_editor(ben)
    rename(school, "motion", "velocity")
    form["body"] = form["body"].replace("time it twice", "time it three times")

    response = ben.post(EDIT, data={**form, "action": "save"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/n/school/physics/lessons/motion/velocity")
    new = read(school["course"], "units/motion/lessons/velocity.md") or ""
    assert "time it three times" in new and "title: Speed" in new
    assert read(school["course"], OLD) is None
    assert "velocity" in outline(school["course"]) and "speed" not in outline(school["course"])
    page = ben.get(response.headers["Location"]).get_data(as_text=True)
    assert "Merged with changes by Lead." in page and "renamed to" in page
    assert db.session.scalars(db.select(Draft)).all() == []


def test_a_save_after_a_move_to_another_unit_keeps_the_others_edits_too(app, school):
    ben = client_for(app, school["member"])
    form = open_editor(ben)
    rename(school, "energy", "speed")
    moved = "units/energy/lessons/speed.md"
    lead = client_for(app, school["lead"])
    lead_form = form_of(lead.get("/n/school/physics/edit/energy/speed").get_data(as_text=True))
    lead_form["body"] = lead_form["body"].replace("compare", "argue")
    assert lead.post("/n/school/physics/edit/energy/speed", data={**lead_form, "action": "save"})
    form["body"] = form["body"].replace("roll a cart", "push a cart")

    response = ben.post(EDIT, data={**form, "action": "save"})

    assert response.headers["Location"].endswith("/lessons/energy/speed")
    text = read(school["course"], moved) or ""
    assert "push a cart" in text and "argue" in text


def test_overlapping_edits_in_a_renamed_lesson_are_combined_under_the_new_name(app, school):
    ben, lead = client_for(app, school["member"]), client_for(app, school["lead"])
    form = open_editor(ben)
    rename(school, "motion", "velocity")
    lead_url = "/n/school/physics/edit/motion/velocity"
    lead_form = form_of(lead.get(lead_url).get_data(as_text=True))
    lead_form["body"] = lead_form["body"].replace("roll a cart", "roll a marble")
    assert lead.post(lead_url, data={**lead_form, "action": "save"}).status_code == 302
    form["body"] = form["body"].replace("roll a cart", "roll a toy car")

    response = ben.post(EDIT, data={**form, "action": "save"})

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert (
        "renamed this lesson to" in page
        and 'action="/n/school/physics/edit/motion/velocity/' in page
    )
    draft = db.session.scalars(db.select(Draft)).one()
    assert draft.path == "units/motion/lessons/velocity.md" and "a toy car" in draft.content
    assert "Paragraph 1: you and Lead both changed it" in page and git_words(page) == []
    resolve = {
        **form_of(page),
        "choice-p1": "edit",
        "text-p1": "Launch: roll a marble or a toy car.",
    }
    done = ben.post(f"{lead_url}/resolve", data=resolve)
    assert done.status_code == 302 and done.headers["Location"].endswith("/motion/velocity")
    text = read(school["course"], "units/motion/lessons/velocity.md") or ""
    assert "Launch: roll a marble or a toy car.\n\nExplore: time it twice." in text
    assert db.session.scalars(db.select(Draft)).all() == []


def test_an_api_save_after_a_rename_reports_where_it_landed(app, school):
    ben = client_for(app, school["member"])
    read_back = ben.get(API).get_json()
    rename(school, "motion", "velocity")
    content = read_back["content"].replace("Discuss: compare.", "Discuss: compare graphs.")

    response = ben.put(API, json={"content": content, "base_commit": read_back["commit"]})

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "merged" and body["merged_with"] == ["Lead"]
    assert body["path"] == "units/motion/lessons/velocity.md"
    assert body["renamed_from"] == OLD and "renamed" in body["message"]
    assert "compare graphs" in (read(school["course"], body["path"]) or "")


def test_a_save_on_a_deleted_lesson_can_bring_it_back_with_the_text(app, school):
    ben = client_for(app, school["member"])
    form = open_editor(ben)
    with repo_store().open(school["course"].id) as repo:
        head = repo.head() or ""
    editing.delete_lesson(ctx(school["lead"]), LessonRef(school["course"], "motion", "speed"), head)
    form["body"] = form["body"].replace("time it twice", "time it with a phone")

    response = ben.post(EDIT, data={**form, "action": "save"})

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Lead deleted this lesson" in page and "Save as a lesson again" in page
    assert git_words(page) == []
    assert read(school["course"], OLD) is None
    done = ben.post(f"{EDIT}/resolve", data={**form_of(page), "action": "recreate"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/lessons/motion/speed")
    assert "time it with a phone" in (read(school["course"], OLD) or "")
    assert "speed" in outline(school["course"])
    assert db.session.scalars(db.select(Draft)).all() == []


def test_a_resolution_screen_left_open_across_a_rename_still_saves(app, school):
    """A delete-style screen (from before the rename was detected) saves into the new name."""
    ben = client_for(app, school["member"])
    form = open_editor(ben)
    base = form["base_commit"]
    rename(school, "motion", "velocity")
    with repo_store().open(school["course"].id) as repo:
        head = repo.head() or ""
    text = (read(school["course"], "units/motion/lessons/velocity.md") or "").replace(
        "Explore", "Explore together"
    )
    resolve = {"yours": text, "base_commit": head, "conflict_base": base, "action": "recreate"}

    done = ben.post(f"{EDIT}/resolve", data=resolve)

    assert done.status_code == 302 and done.headers["Location"].endswith("/motion/velocity")
    assert "Explore together" in (read(school["course"], "units/motion/lessons/velocity.md") or "")
