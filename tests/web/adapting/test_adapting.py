"""Adapting lessons: a teacher copies a lesson from another network's course into a course
of theirs (with its pictures and a `based_on` record), the original lists the adaptation, the
copy compares with the original, and the original's later changes come in: merged where
they touch other places, chosen paragraph by paragraph where both changed the same one."""

from __future__ import annotations

from typing import Any

import pytest
from courses_support import commit_files, form_fields, git, lesson_file, make_course
from flask import Flask
from testdata import png
from threads_support import client_as

from workspace.content.frontmatter import parse_lesson
from workspace.extensions import db
from workspace.models import Adaptation
from workspace.runtime import ctx
from workspace.services import editing
from workspace.services.context import LessonRef

ORIGINAL = "units/motion/lessons/ramps.md"
BODY = """Students roll a ball down a ramp.

They time it over one metre.

![A ball on a ramp](images/ramp.png)

They compare the groups' times.
"""


@pytest.fixture
def world(make_user: Any, make_network: Any) -> dict[str, Any]:
    author, teacher = make_user("author"), make_user("teacher")
    national = make_network("national", author, public=True)
    source = make_course(national, author, slug="physics", title="Shared physics")
    commit_files(
        source,
        author,
        {
            ORIGINAL: lesson_file("Rolling down ramps", BODY, duration=45),
            "units/motion/unit.md": "---\ntitle: Motion\n---\n",
            "units/motion/lessons/images/ramp.png": png(3),
        },
        "Add ramps",
    )
    mine = make_network("lincoln", teacher)
    target = make_course(mine, teacher, slug="my-physics", title="My physics")
    return {"author": author, "teacher": teacher, "source": source, "target": target}


def adapt(app: Flask, world: dict[str, Any]) -> Any:
    client = client_as(app, world["teacher"])
    page = client.get("/n/national/physics/lessons/motion/ramps/adapt").get_data(as_text=True)
    assert "My physics (Lincoln)" in page
    answer = client.post(
        "/n/national/physics/lessons/motion/ramps/adapt", data={"target": world["target"].id}
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert answer.headers["Location"].endswith(
        "/n/lincoln/my-physics/lessons/motion/rolling-down-ramps"
    )
    return client


COPY = "units/motion/lessons/rolling-down-ramps.md"


def copy_text(world: dict[str, Any]) -> str:
    return git(world["target"], "show", f"main:{COPY}")


def test_an_adapted_lesson_remembers_its_original_and_the_original_lists_it(
    app: Flask, world: dict[str, Any]
) -> None:
    client = adapt(app, world)
    front = parse_lesson(copy_text(world)).front_matter
    source_head = git(world["source"], "rev-parse", "main").strip()
    assert front["based_on"] == {
        "course": "national/physics",
        "path": ORIGINAL,
        "commit": source_head,
    }
    assert front["title"] == "Rolling down ramps" and front["duration"] == 45
    picture = git(world["target"], "cat-file", "-s", "main:units/motion/lessons/images/ramp.png")
    assert int(picture) == len(png(3))
    log = git(world["target"], "log", "-1", "--format=%an|%s", "main").strip()
    assert log == "Teacher|Adapt lesson: Rolling down ramps (from Shared physics)"
    copy_page = client.get("/n/lincoln/my-physics/lessons/motion/rolling-down-ramps").get_data(
        as_text=True
    )
    assert "Adapted from" in copy_page and "Shared physics" in copy_page
    original = client.get("/n/national/physics/lessons/motion/ramps").get_data(as_text=True)
    assert "My physics" in original  # the teacher may read the adaptation
    visitor = (
        app.test_client().get("/n/national/physics/lessons/motion/ramps").get_data(as_text=True)
    )
    assert "My physics" not in visitor  # a private network's copy is not shown to others
    assert Adaptation.query.count() == 1


def test_the_original_s_changes_elsewhere_come_in_merged(app: Flask, world: dict[str, Any]) -> None:
    client = adapt(app, world)
    mine = copy_text(world).replace("They time it over one metre.", "They time it over two metres.")
    commit_files(world["target"], world["teacher"], {COPY: mine}, "Longer ramps")
    theirs = lesson_file(
        "Rolling down ramps", BODY.replace("compare the groups'", "graph the groups'"), duration=45
    )
    commit_files(world["source"], world["author"], {ORIGINAL: theirs}, "Graph it")
    page = client.get("/n/lincoln/my-physics/lessons/motion/rolling-down-ramps/original")
    text = page.get_data(as_text=True)
    assert "The original changed since it was adapted" in text and "graph" in text
    head = git(world["target"], "rev-parse", "main").strip()
    answer = client.post(
        "/n/lincoln/my-physics/lessons/motion/rolling-down-ramps/original",
        data={"base_commit": head},
    )
    assert answer.status_code == 302
    merged = copy_text(world)
    assert "two metres" in merged and "graph the groups'" in merged
    moved = parse_lesson(merged).front_matter["based_on"]["commit"]
    assert moved == git(world["source"], "rev-parse", "main").strip()
    assert git(world["target"], "log", "-1", "--format=%an", "main").strip() == "Teacher"
    again = client.post(
        "/n/lincoln/my-physics/lessons/motion/rolling-down-ramps/original",
        data={"base_commit": git(world["target"], "rev-parse", "main").strip()},
    )
    assert again.status_code == 302
    assert "nothing to bring in" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_where_both_changed_the_same_paragraph_the_teacher_chooses(
    app: Flask, world: dict[str, Any]
) -> None:
    client = adapt(app, world)
    mine = copy_text(world).replace("They time it over one metre.", "Pairs time it with phones.")
    commit_files(world["target"], world["teacher"], {COPY: mine}, "Phones")
    theirs = lesson_file(
        "Rolling down ramps",
        BODY.replace("They time it over one metre.", "They time it three times."),
        duration=45,
    )
    commit_files(world["source"], world["author"], {ORIGINAL: theirs}, "Three times")
    url = "/n/lincoln/my-physics/lessons/motion/rolling-down-ramps/original"
    head = git(world["target"], "rev-parse", "main").strip()
    answer = client.post(url, data={"base_commit": head})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Pairs time it with phones." in page and "They time it three times." in page
    assert git(world["target"], "rev-parse", "main").strip() == head  # nothing written yet
    fields = form_fields(page)
    [choice] = [name for name in fields if name.startswith("choice-")] or [
        name.replace("text-", "choice-") for name in fields if name.startswith("text-")
    ]
    done = client.post(url, data={**fields, choice: "theirs"})
    assert done.status_code == 302
    combined = copy_text(world)
    assert "They time it three times." in combined and "phones" not in combined


def test_a_whole_course_is_adapted_in_one_commit_and_records_follow_renames(
    app: Flask, world: dict[str, Any]
) -> None:
    outline = git(world["source"], "show", "main:course.yaml")
    outline += "  - slug: motion\n    title: Motion\n    lessons:\n      - ramps\n"
    commit_files(world["source"], world["author"], {"course.yaml": outline}, "List ramps")
    before = git(world["target"], "rev-list", "--count", "main").strip()
    client = client_as(app, world["teacher"])
    answer = client.post("/n/national/physics/adapt", data={"target": world["target"].id})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert int(git(world["target"], "rev-list", "--count", "main")) == int(before) + 1
    rows = {row.source_path: row for row in Adaptation.query.all()}
    assert set(rows) == {"units/getting-started/lessons/first-lesson.md", ORIGINAL}
    copy = rows[ORIGINAL]
    assert copy.target_path == COPY
    assert "Motion" in git(world["target"], "show", "main:course.yaml")
    ref = LessonRef(world["target"], "motion", "rolling-down-ramps")
    editing.rename_lesson(ctx(world["teacher"]), ref, "ramps-for-us")
    db.session.expire_all()
    assert db.session.get(Adaptation, copy.id).target_path == "units/motion/lessons/ramps-for-us.md"
    page = client.get("/n/national/physics/lessons/motion/ramps").get_data(as_text=True)
    assert "/n/lincoln/my-physics/lessons/motion/ramps-for-us" in page
    moved = LessonRef(world["target"], "motion", "ramps-for-us")
    head = git(world["target"], "rev-parse", "main").strip()
    editing.delete_lesson(ctx(world["teacher"]), moved, head)
    assert db.session.get(Adaptation, copy.id) is None


def test_only_courses_i_may_change_can_receive_an_adaptation(
    app: Flask, world: dict[str, Any]
) -> None:
    client = client_as(app, world["teacher"])
    refused = client.post("/n/national/physics/adapt", data={"target": world["source"].id})
    assert refused.status_code == 422
    assert "Choose a course you may change" in refused.get_data(as_text=True)
    assert app.test_client().get("/n/national/physics/adapt").status_code == 302  # sign in


def test_the_api_adapts_compares_and_asks_for_choices(app: Flask, world: dict[str, Any]) -> None:
    client = client_as(app, world["teacher"])
    url = "/api/v1/n/national/physics/lessons/motion/ramps/adapt"
    answer = client.post(url, json={"course": "lincoln/my-physics"})
    assert answer.status_code == 201 and answer.get_json()["lessons"] == [COPY]
    assert client.post(url, json={"course": "national/physics"}).status_code == 403
    mine = copy_text(world).replace("They time it over one metre.", "Pairs use phones.")
    commit_files(world["target"], world["teacher"], {COPY: mine}, "Phones")
    theirs = lesson_file(
        "Rolling down ramps",
        BODY.replace("They time it over one metre.", "Time it twice."),
        duration=45,
    )
    commit_files(world["source"], world["author"], {ORIGINAL: theirs}, "Twice")
    copy_api = "/api/v1/n/lincoln/my-physics/lessons/motion/rolling-down-ramps/original"
    found = client.get(copy_api).get_json()
    assert found["changed"] is True and found["original"]["course"] == "national/physics"
    head = git(world["target"], "rev-parse", "main").strip()
    asked = client.post(copy_api, json={"base_commit": head})
    assert asked.status_code == 409
    [conflict] = asked.get_json()["conflicts"]
    done = client.post(
        copy_api,
        json={
            "base_commit": head,
            "choices": {conflict["id"]: "both"},
            "conflicts": asked.get_json()["fingerprint"],
        },
    )
    assert done.status_code == 200 and done.get_json()["status"] == "saved"
    text = copy_text(world)
    assert "Pairs use phones." in text and "Time it twice." in text
