"""Image uploads from the editor, and the Organize page: new, renamed, moved, reordered and
deleted lessons and units, each one commit by the person who did it."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from courses_support import commit_files, make_course, make_school
from testdata import png
from unchanged import unchanged

from workspace.extensions import db
from workspace.runtime import repo_store

UNIT, LESSON = "motion", "speed"
PATH = f"units/{UNIT}/lessons/{LESSON}.md"
COURSE = "/n/school/physics"
EDIT = f"{COURSE}/edit/{UNIT}/{LESSON}"
ORGANIZE = f"{COURSE}/organize"
COURSE_YAML = """\
title: Physics in Motion
units:
  - slug: motion
    title: Motion
    lessons:
      - speed
      - acceleration
  - slug: energy
    title: Energy
    lessons: []
"""


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    people = make_school(make_user, make_network)
    course = make_course(people["network"], people["lead"])
    commit_files(
        course,
        people["lead"],
        {
            "course.yaml": COURSE_YAML,
            PATH: "---\ntitle: Speed\n---\n\nRamps.\n",
            f"units/{UNIT}/lessons/acceleration.md": "---\ntitle: Acceleration\n---\n\nCarts.\n",
            "units/energy/unit.md": "---\ntitle: Energy\n---\n",
        },
    )
    return {**people, "course": course}


def client_for(app: Any, user: Any) -> Any:
    client = app.test_client()
    client.login_as(user)
    return client


def repo_state(course: Any) -> tuple[str, set[str], str]:
    """Return (head, files changed by the head commit, its author)."""
    with repo_store().open(course.id) as repo:
        head = repo.head() or ""
        changes = repo.changed_files(head)
        paths = {c.path for c in changes} | {c.old_path for c in changes if c.old_path}
        return head, paths, repo.commit_info(head).author_name


def read(course: Any, path: str) -> str | None:
    with repo_store().open(course.id) as repo:
        return repo.read_file(path).decode() if repo.exists(path) else None


def upload(client: Any, data: bytes, name: str, alt: str = "a ramp", url: str = EDIT) -> Any:
    return client.post(
        f"{url}/images",
        data={"image": (io.BytesIO(data), name), "alt": alt},
        content_type="multipart/form-data",
    )


def test_a_png_upload_is_its_own_commit_and_returns_the_snippet(app, school):
    response = upload(client_for(app, school["member"]), png(), "My Ramp!.png")
    assert response.status_code == 201
    assert response.json["snippet"] == "![a ramp](images/my-ramp.png)"
    _, paths, author = repo_state(school["course"])
    assert paths == {f"units/{UNIT}/lessons/images/my-ramp.png"} and author == "Member"
    image = client_for(app, school["member"]).get(response.json["url"])
    assert image.status_code == 200 and image.mimetype == "image/png"


@pytest.fixture
def small_uploads(app_config):
    """Uploads of at most 200 bytes (set before the app is made, as a site would)."""
    app_config["MAX_UPLOAD_BYTES"] = 200


@pytest.mark.usefixtures("small_uploads")
@pytest.mark.parametrize(
    ("data", "name", "alt", "status", "words"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.svg", "pic", 400, "SVG images are not"),
        (b"<?xml version='1.0'?><svg/>", "x.png", "pic", 400, "SVG images are not"),
        (b"just some text", "notes.png", "pic", 400, "is not a PNG, JPEG, GIF or WebP"),
        (png(), "ramp.png", "  ", 400, "alt text"),
        (png(64), "big.png", "pic", 413, "larger than 200 bytes"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(app, school, data, name, alt, status, words):
    before = repo_state(school["course"])[0]
    with unchanged(app, course=school["course"]):
        response = upload(client_for(app, school["member"]), data, name, alt)
    assert response.status_code == status
    assert words in response.json["message"]
    assert repo_state(school["course"])[0] == before


def test_uploading_without_javascript_keeps_the_typed_text_and_shows_the_snippet(app, school):
    client = client_for(app, school["member"])
    base = repo_state(school["course"])[0]
    form = {"title": "Speed", "body": "Typed but unsaved.", "base_commit": base}
    response = client.post(
        EDIT,
        data={**form, "action": "upload", "alt": "a ramp", "image": (io.BytesIO(png()), "r.png")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Typed but unsaved." in page and "![a ramp](images/r.png)" in page
    with unchanged(app, course=school["course"]):
        refused = client.post(
            EDIT,
            data={**form, "action": "upload", "alt": "", "image": (io.BytesIO(png()), "r.png")},
            content_type="multipart/form-data",
        )
    assert refused.status_code == 400 and "Typed but unsaved." in refused.get_data(as_text=True)
    assert "Describe the image in the alt text" in refused.get_data(as_text=True)


def test_a_request_larger_than_the_site_accepts_gets_a_413_page(app, school):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    with unchanged(app, course=school["course"]):
        response = upload(client_for(app, school["member"]), png(100), "big.png")
    assert response.status_code == 413
    assert "What you sent is larger than this site accepts. Nothing was saved." in (
        response.get_data(as_text=True)
    )


def test_readers_cannot_upload_or_organize(app, school):
    reader = client_for(app, school["reader"])
    with unchanged(app, course=school["course"]):
        uploaded = upload(reader, png(), "x.png")
        assert reader.get(ORGANIZE).status_code == 403
        organized = reader.post(f"{ORGANIZE}/units/new", data={"title": "X"})
    for refused in (uploaded, organized):
        assert refused.status_code == 403
        assert "lets you read this course, not edit it." in refused.get_data(as_text=True)
    assert client_for(app, school["outsider"]).get(ORGANIZE).status_code == 404


def test_the_organize_page_lists_units_and_lessons_in_order(app, school):
    page = client_for(app, school["member"]).get(ORGANIZE).get_data(as_text=True)
    order = ['id="lesson__motion__speed"', 'id="lesson__motion__acceleration"', 'id="unit-energy"']
    assert [page.index(anchor) for anchor in order] == sorted(page.index(a) for a in order)
    assert "Add a unit" in page and "Add lesson to Motion" in page


def test_organize_page_ids_are_unique_and_only_empty_units_offer_deletion(app, school):
    client = client_for(app, school["member"])
    client.post(f"{ORGANIZE}/units/new", data={"title": "Heading"})  # slugs like id suffixes
    client.post(f"{ORGANIZE}/lessons/new", data={"unit": "motion", "title": "Heading"})
    page = client.get(ORGANIZE).get_data(as_text=True)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    delete = re.findall(r'<button type="submit"[^>]*>Delete unit ([^<]+)</button>', page)
    disabled = re.findall(r'<button type="submit"[^>]*disabled[^>]*>Delete unit ([^<]+)<', page)
    assert "Heading" in delete and "Heading" not in disabled
    assert "Motion" in disabled
    assert "move or delete its lessons first" in page


def test_a_new_lesson_is_added_in_one_commit_and_opens_in_the_editor(app, school):
    client = client_for(app, school["member"])
    response = client.post(f"{ORGANIZE}/lessons/new", data={"unit": "energy", "title": "Heat!"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/edit/energy/heat")
    _, paths, author = repo_state(school["course"])
    assert paths == {"units/energy/lessons/heat.md", "course.yaml"} and author == "Member"
    assert "- heat" in read(school["course"], "course.yaml")


def test_lessons_move_up_and_down_by_changing_course_yaml_only(app, school):
    client = client_for(app, school["member"])
    step = f"{ORGANIZE}/lessons/{UNIT}/acceleration/step"
    assert client.post(step, data={"direction": "up"}).status_code == 303
    text = read(school["course"], "course.yaml")
    assert text.index("acceleration") < text.index("speed")
    assert repo_state(school["course"])[1] == {"course.yaml"}
    with unchanged(app, course=school["course"]):
        page = client.post(step, data={"direction": "up"}, follow_redirects=True)
    assert "already the first" in page.get_data(as_text=True)


def test_renaming_and_moving_a_lesson_updates_the_outline_in_the_same_commit(app, school):
    client = client_for(app, school["member"])
    move = f"{ORGANIZE}/lessons/{UNIT}/{LESSON}/move"
    client.post(move, data={"to_unit": UNIT, "new_slug": "velocity"})
    assert repo_state(school["course"])[1] == {
        PATH,
        f"units/{UNIT}/lessons/velocity.md",
        "course.yaml",
    }
    client.post(
        f"{ORGANIZE}/lessons/{UNIT}/velocity/move",
        data={"to_unit": "energy", "new_slug": "velocity"},
    )
    assert read(school["course"], "units/energy/lessons/velocity.md") is not None
    outline = read(school["course"], "course.yaml")
    assert outline.index("energy") < outline.index("velocity")
    fields = {"to_unit": "energy", "new_slug": "velocity"}
    with unchanged(app, course=school["course"]):
        taken = client.post(
            f"{ORGANIZE}/lessons/{UNIT}/acceleration/move", data=fields, follow_redirects=True
        )
    assert "already has a lesson" in taken.get_data(as_text=True)


def test_units_are_added_renamed_reordered_and_deleted_only_when_empty(app, school):
    client = client_for(app, school["member"])
    client.post(f"{ORGANIZE}/units/new", data={"title": "Waves and Sound"})
    assert repo_state(school["course"])[1] == {"units/waves-and-sound/unit.md", "course.yaml"}
    client.post(
        f"{ORGANIZE}/units/waves-and-sound/rename", data={"slug": "waves", "title": "Waves"}
    )
    assert "title: Waves" in read(school["course"], "units/waves/unit.md")
    client.post(f"{ORGANIZE}/units/waves/step", data={"direction": "up"})
    outline = read(school["course"], "course.yaml")
    assert outline.index("waves") < outline.index("energy")
    with unchanged(app, course=school["course"]):
        refused = client.post(f"{ORGANIZE}/units/{UNIT}/delete", follow_redirects=True)
    assert "still has 2 lessons (speed, acceleration)" in refused.get_data(as_text=True)
    client.post(f"{ORGANIZE}/units/waves/delete")
    assert read(school["course"], "units/waves/unit.md") is None
    assert "waves" not in read(school["course"], "course.yaml")


def test_deleting_a_lesson_asks_first_then_removes_it_and_can_be_restored(app, school):
    client = client_for(app, school["member"])
    confirm = client.get(f"{EDIT}/delete")
    assert confirm.status_code == 200 and "Delete the lesson" in confirm.get_data(as_text=True)
    before = repo_state(school["course"])[0]
    response = client.post(f"{EDIT}/delete", data={"base_commit": before})
    assert response.status_code == 303
    assert read(school["course"], PATH) is None
    assert "speed" not in read(school["course"], "course.yaml")
    client.post(f"{EDIT}/restore", data={"rev": before})
    assert read(school["course"], PATH) == "---\ntitle: Speed\n---\n\nRamps.\n"
    assert "- speed" in read(school["course"], "course.yaml")


def test_a_lesson_changed_after_the_delete_page_opened_is_not_deleted(app, school):
    client = client_for(app, school["member"])
    before = repo_state(school["course"])[0]
    commit_files(school["course"], school["lead"], {PATH: "---\ntitle: Speed\n---\n\nNew.\n"})
    with unchanged(app, course=school["course"]):
        response = client.post(
            f"{EDIT}/delete", data={"base_commit": before}, follow_redirects=True
        )
    assert "was not deleted" in response.get_data(as_text=True)
    assert read(school["course"], PATH) is not None
    db.session.rollback()
