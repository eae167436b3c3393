"""The index follows every change of a course, however it was made (a save in the editor or
the API, a rename, a deletion, an import, a `git push` of several commits), and every change of
a review thread; `workspace reindex` rebuilds it to the same result."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from courses_support import form_fields, make_school
from githttp_support import LiveServer, make_token
from search_support import course_with, found, lesson_file, titles

from workspace.extensions import db
from workspace.models import LessonStandard, SearchDocument, SearchIndexState
from workspace.runtime import ctx, repo_store
from workspace.services import editing, exchange, search
from workspace.services.context import LessonRef

COURSE = "/n/school/physics"
HEAT = lesson_file("Heat flow", "Metal spoons warm in cocoa.\n", standards=["HS-PS3-2"])


@pytest.fixture
def school(app: Any, make_user: Any, make_network: Any) -> dict[str, Any]:
    people = make_school(make_user, make_network)
    people["course"] = course_with(people["network"], people["lead"], "physics", {"heat": HEAT})
    return people


def _head(course: Any) -> str:
    with repo_store().open(course.id) as repo:
        head = repo.head()
    assert head is not None
    return head


def _indexed(course: Any) -> str | None:
    db.session.expire_all()
    state = db.session.get(SearchIndexState, course.id)
    return state.commit if state else None


def _snapshot(course: Any) -> set[tuple[Any, ...]]:
    """Return what the index holds of the course's lessons, comparable across rebuilds."""
    db.session.expire_all()
    docs = db.session.scalars(db.select(SearchDocument).filter_by(course_id=course.id))
    return {
        (d.kind, d.ref, d.path, d.unit, d.unit_title, d.title, d.standards, d.objectives,
         d.body, d.notes, d.grade_band, tuple(sorted(c.code for c in d.codes)))
        for d in docs
    }  # fmt: skip


def test_a_save_in_the_editor_is_found_at_once(school: dict[str, Any], client: Any) -> None:
    client.login_as(school["member"])
    edit = f"{COURSE}/edit/energy/heat"
    form = form_fields(client.get(edit).get_data(as_text=True))
    body = form["body"].replace("cocoa", "marshmallow soup")
    saved = client.post(edit, data={**form, "body": body, "action": "save"})
    assert saved.status_code == 302
    assert titles(client, q="marshmallow") == ["Heat flow"]
    assert titles(client, q="cocoa") == []
    assert _indexed(school["course"]) == _head(school["course"])


def test_a_save_through_the_api_changes_title_and_standards(
    school: dict[str, Any], client: Any
) -> None:
    client.login_as(school["member"])
    url = "/api/v1/n/school/physics/lessons/energy/heat"
    current = client.get(url).get_json()
    text = lesson_file("Thermal energy", "Spoons.\n", standards=["HS-PS3-4", "MP4"])
    saved = client.put(url, json={"content": text, "base_commit": current["commit"]})
    assert saved.status_code == 200, saved.get_json()
    assert titles(client, q="thermal") == ["Thermal energy"]
    assert titles(client, standard="HS-PS3-4") == ["Thermal energy"]
    assert titles(client, standard="HS-PS3-2") == []
    doc = db.session.scalar(db.select(SearchDocument).filter_by(title="Thermal energy"))
    assert {row.code for row in doc.codes} == {"HS-PS3-4", "CCSS.MATH.PRACTICE.MP4"}


def test_a_renamed_lesson_is_found_under_its_new_name_only(
    school: dict[str, Any], client: Any
) -> None:
    course = school["course"]
    editing.rename_lesson(ctx(school["lead"]), LessonRef(course, "energy", "heat"), "conduction")
    client.login_as(school["member"])
    [result] = found(client, q="spoons")
    assert result["path"] == "units/energy/lessons/conduction.md"
    assert result["url"].endswith("/n/school/physics/lessons/energy/conduction")
    paths = set(db.session.scalars(db.select(SearchDocument.path)))
    assert "units/energy/lessons/heat.md" not in paths


def test_a_deleted_lesson_is_no_longer_found(school: dict[str, Any], client: Any) -> None:
    course = school["course"]
    editing.delete_lesson(ctx(school["lead"]), LessonRef(course, "energy", "heat"), _head(course))
    client.login_as(school["member"])
    assert titles(client, q="spoons") == []
    assert titles(client, standard="HS-PS3-2") == []
    left = db.select(LessonStandard).filter_by(code="HS-PS3-2")
    assert db.session.scalars(left).all() == []


def test_imported_lessons_are_found(school: dict[str, Any], client: Any) -> None:
    course = school["course"]
    text = b"# Levers and pulleys\n\nA crowbar lifts a heavy crate.\n"
    waiting = exchange.start_import(
        ctx(school["member"]), course, [exchange.Upload("levers.md", text)]
    )
    exchange.commit_import(ctx(school["member"]), course, waiting.id)
    client.login_as(school["reader"])
    assert titles(client, q="crowbar") == ["Levers and pulleys"]


@pytest.fixture
def live(app: Any) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.stop()


def _wait_until_indexed(course: Any) -> None:
    head = _head(course)
    for _ in range(250):
        if _indexed(course) == head:
            return
        time.sleep(0.02)
    pytest.fail("the push was not indexed")


def test_a_push_of_several_commits_is_indexed_edits_additions_renames_and_deletions(
    school: dict[str, Any], client: Any, live: LiveServer, tmp_path: Path
) -> None:
    course = school["course"]
    editing.create_lesson(
        ctx(school["lead"]), course, "energy", "waves", content=lesson_file("Waves", "Ripples.\n")
    )
    git = live.client(tmp_path)
    url = git.url("school", "physics", make_token(school["member"]))
    work = tmp_path / "work"
    git.clone(url, work)
    lesson = work / "units/energy/lessons/heat.md"
    git.commit_file(
        work,
        "units/energy/lessons/heat.md",
        lesson.read_bytes().replace(b"cocoa", b"lava lamps"),
        "Edit",
    )
    added = lesson_file("Radiation", "Sunlight warms a black tile.\n", standards=["HS-PS4-4"])
    git.commit_file(work, "units/energy/lessons/radiation.md", added.encode(), "Add")
    outline = (work / "course.yaml").read_text()
    git.run("mv", "units/energy/lessons/heat.md", "units/energy/lessons/conduction.md", cwd=work)
    git.run("rm", "-q", "units/energy/lessons/waves.md", cwd=work)
    outline = outline.replace("- heat", "- conduction").replace("- waves", "- radiation")
    (work / "course.yaml").write_text(outline)
    git.run("add", "course.yaml", cwd=work)
    git.run("commit", "-q", "-m", "Rename and remove", cwd=work)
    git.run("push", "-q", "origin", "main", cwd=work)
    _wait_until_indexed(course)

    client.login_as(school["reader"])
    [result] = found(client, q="lava lamps")
    assert result["path"] == "units/energy/lessons/conduction.md"
    assert titles(client, q="cocoa") == [] and titles(client, q="ripples") == []
    assert titles(client, standard="HS-PS4-4") == ["Radiation"]
    # Indexed step by step, the index holds exactly what a rebuild from nothing holds.
    stepwise = _snapshot(course)
    search.reindex(ctx(), course.id)
    assert _snapshot(course) == stepwise


def test_indexing_twice_finds_nothing_left_to_do(school: dict[str, Any]) -> None:
    course = school["course"]
    again = search.index_course(ctx(), course.id)
    assert again.lessons == 0 and again.commit == _head(course)


def test_a_thread_is_found_by_its_comments_as_they_change(
    school: dict[str, Any], client: Any
) -> None:
    client.login_as(school["reader"])
    opened = client.post(
        "/api/v1/n/school/physics/threads",
        json={"path": "energy/heat", "kind": "question", "body": "Could we use **thermometers**?"},
    )
    assert opened.status_code == 201, opened.get_json()
    thread = opened.get_json()["id"]
    [result] = found(client, q="thermometers")
    assert result["kind"] == "thread" and result["title"] == "Question on Heat flow"
    assert result["url"].endswith(f"/n/school/physics/threads/{thread}")
    assert "**" not in result["snippet"]
    reply = client.post(
        f"/api/v1/n/school/physics/threads/{thread}/comments", json={"body": "Or infrared cameras."}
    )
    assert reply.status_code == 201
    assert [r["kind"] for r in found(client, q="infrared")] == ["thread"]
    assert titles(client, q="infrared", kind="lesson") == []
    comment = reply.get_json()["id"]
    page = f"{COURSE}/threads/{thread}/comments/{comment}"
    assert client.post(f"{page}/edit", data={"body": "Or a data logger."}).status_code == 302
    assert found(client, q="infrared") == [] and len(found(client, q="logger")) == 1
    assert client.post(f"{page}/delete").status_code == 302
    assert found(client, q="logger") == []
    client.login_as(school["outsider"])
    assert found(client, q="thermometers") == []


def test_a_thread_follows_its_lesson_when_renamed(school: dict[str, Any], client: Any) -> None:
    client.login_as(school["member"])
    opened = client.post(
        "/api/v1/n/school/physics/threads",
        json={"path": "energy/heat", "kind": "note", "body": "Cocoa spills."},
    )
    assert opened.status_code == 201
    course = school["course"]
    editing.rename_lesson(ctx(school["lead"]), LessonRef(course, "energy", "heat"), "conduction")
    [result] = found(client, q="spills")
    assert result["path"] == "units/energy/lessons/conduction.md"


def test_the_reindex_command_rebuilds_the_index(
    school: dict[str, Any], client: Any, runner: Any
) -> None:
    course = school["course"]
    before = _snapshot(course)
    db.session.execute(db.delete(SearchDocument))
    db.session.execute(db.delete(SearchIndexState))
    db.session.commit()
    client.login_as(school["member"])
    assert titles(client, q="spoons") == []
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "1 course(s)" in result.output
    assert titles(client, q="spoons") == ["Heat flow"]
    assert _snapshot(course) == before
    result = runner.invoke(args=["reindex", "--course", str(course.id)])
    assert result.exit_code == 0 and _snapshot(course) == before
    result = runner.invoke(args=["reindex", "--course", "999"])
    assert result.exit_code != 0 and "no course 999" in result.output
