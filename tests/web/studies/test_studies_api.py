"""Lesson-study cycles through the API: starting one, who may move its phase and in what order,
iterations that pin and tag the version taught (seen by `git ls-remote`), observations from
several observers in one timeline, and what changed between two teachings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from githttp_support import LiveServer, make_token
from threads_support import LESSON, TEXT, client_as, head, make_lesson_school, open_on_quote, save

API = "/api/v1/n/school/physics/studies"


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    data = make_lesson_school(make_user, make_network)
    data["other"] = make_user("other")
    from workspace.extensions import db
    from workspace.models import Membership

    db.session.add(Membership(network=data["network"], user=data["other"], role="member"))
    db.session.commit()
    return data


def start(client: Any, **extra: Any) -> Any:
    body = {"lesson": LESSON, "title": "Ramps and reasoning", "theme": "Evidence", **extra}
    return client.post(API, json=body)


def move(client: Any, study: int, phase: str, **extra: Any) -> Any:
    return client.post(f"{API}/{study}/phase", json={"phase": phase, **extra})


def test_a_member_starts_a_cycle_in_planning_as_its_facilitator(
    app: Any, school: dict[str, Any]
) -> None:
    member = client_as(app, school["member"])
    response = start(member, goals="Students cite data")
    assert response.status_code == 201, response.get_json()
    study = response.get_json()
    assert study["phase"] == "plan" and study["lesson"] == LESSON
    assert study["team"] == [{"username": "member", "role": "facilitator", "assignment": ""}]
    assert study["moves"][0]["to"] == "plan" and study["moves"][0]["by"] == "member"
    assert client_as(app, school["reader"]).get(f"{API}/{study['id']}").status_code == 200


def test_who_may_start_a_cycle(app: Any, school: dict[str, Any], client: Any) -> None:
    assert start(client_as(app, school["reader"])).status_code == 403
    assert start(client_as(app, school["partner"])).status_code == 403
    assert start(client_as(app, school["outsider"])).status_code == 404
    assert start(client).status_code == 401
    assert start(client_as(app, school["member"]), lesson="motion/nothing").status_code == 404
    assert start(client_as(app, school["member"]), title=" ").status_code == 422


def test_the_facilitator_and_leaders_move_the_phase_in_order_and_every_move_is_recorded(
    app: Any, school: dict[str, Any]
) -> None:
    facilitator = client_as(app, school["member"])
    other, lead = client_as(app, school["other"]), client_as(app, school["lead"])
    study = start(facilitator).get_json()["id"]
    refused = move(other, study, "teach")
    assert refused.status_code == 403 and "facilitator" in refused.get_json()["message"]
    assert move(client_as(app, school["reader"]), study, "teach").status_code == 403
    wrong = move(facilitator, study, "debrief")
    assert wrong.status_code == 409
    assert wrong.get_json()["message"] == (
        "The cycle is planning: it can move to “teach” next, not to “debrief”."
    )
    assert move(facilitator, study, "teach").status_code == 200
    assert move(lead, study, "debrief").status_code == 200  # a leader may
    assert move(facilitator, study, "revise").status_code == 200
    assert move(facilitator, study, "teach").status_code == 200  # the next iteration
    assert move(facilitator, study, "debrief").status_code == 200
    assert move(facilitator, study, "closed").status_code == 200
    closed = move(lead, study, "plan")
    assert closed.status_code == 409 and "closed" in closed.get_json()["message"]
    found = facilitator.get(f"{API}/{study}").get_json()
    assert [(m["from"], m["to"], m["by"]) for m in found["moves"]] == [
        (None, "plan", "member"),
        ("plan", "teach", "member"),
        ("teach", "debrief", "lead"),
        ("debrief", "revise", "member"),
        ("revise", "teach", "member"),
        ("teach", "debrief", "member"),
        ("debrief", "closed", "member"),
    ]
    assert [i["number"] for i in found["iterations"]] == [1, 2]


@pytest.fixture
def live(app: Any) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.stop()


def test_teaching_pins_the_version_and_tags_it_for_clones(
    app: Any, school: dict[str, Any], live: LiveServer, tmp_path: Path
) -> None:
    facilitator = client_as(app, school["member"])
    study = start(facilitator).get_json()["id"]
    taught = head(school)
    found = move(
        facilitator,
        study,
        "teach",
        taught_on="2026-12-03",
        setting="Grade 9, 24 students",
        instructor="other",
    ).get_json()
    [iteration] = found["iterations"]
    assert iteration == {
        "number": 1,
        "commit": taught,
        "tag": f"studies/{study}/iteration-1",
        "taught_on": "2026-12-03",
        "setting": "Grade 9, 24 students",
        "instructor": "other",
    }
    git = live.client(tmp_path)
    url = git.url("school", "physics", make_token(school["member"]))
    refs = git.run("ls-remote", url).stdout
    assert f"{taught}\trefs/tags/studies/{study}/iteration-1" in refs


def test_observers_notes_merge_into_one_timeline_by_minute(
    app: Any, school: dict[str, Any]
) -> None:
    facilitator = client_as(app, school["member"])
    other, lead = client_as(app, school["other"]), client_as(app, school["lead"])
    study = start(facilitator).get_json()["id"]
    url = f"{API}/{study}/iterations/1/observations"
    assert facilitator.post(url, json={"minute": 3, "body": "x"}).status_code == 404  # not taught
    move(facilitator, study, "teach")
    notes = [
        (facilitator, 12, "Student A", "Points at the ramp's height."),
        (lead, 4, "Student B", "Predicts the ball slows."),
        (facilitator, 4, "Student A", "Asks what 'describe' means."),
    ]
    for client, minute, focus, body in notes:
        response = client.post(url, json={"minute": minute, "focus": focus, "body": body})
        assert response.status_code == 201, response.get_json()
    assert other.post(url, json={"minute": 5, "body": "Not on the team"}).status_code == 403
    lines = facilitator.post(url, json={"minute": 5, "body": "x", "start_line": 90, "end_line": 91})
    assert lines.status_code == 422 and "outside the lesson taught" in lines.get_json()["message"]
    late = facilitator.post(url, json={"minute": 900, "body": "x"})
    assert late.status_code == 422 and late.get_json()["field"] == "minute"
    timeline = facilitator.get(url).get_json()["observations"]
    assert [(o["minute"], o["observer"]) for o in timeline] == [
        (4, "lead"),
        (4, "member"),
        (12, "member"),
    ]
    only_a = facilitator.get(f"{url}?focus=Student A").get_json()["observations"]
    assert [o["minute"] for o in only_a] == [4, 12]
    by_lead = facilitator.get(f"{url}?observer=lead").get_json()["observations"]
    assert [o["body"] for o in by_lead] == ["Predicts the ball slows."]


def test_what_changed_since_it_was_last_taught_and_the_threads_behind_it(
    app: Any, school: dict[str, Any]
) -> None:
    facilitator, reader = client_as(app, school["member"]), client_as(app, school["reader"])
    study = start(facilitator).get_json()["id"]
    move(facilitator, study, "teach")
    first = head(school)
    thread = open_on_quote(reader, first, body="Students struggled here").get_json()
    move(facilitator, study, "debrief")
    move(facilitator, study, "revise")
    save(facilitator, TEXT.replace("describe its motion in words", "sketch its motion"))
    move(facilitator, study, "teach")
    found = facilitator.get(f"{API}/{study}/iterations/2/changes").get_json()
    assert found["from_commit"] == first and found["to_commit"] == head(school)
    assert "-They describe its motion in words." in found["diff"]
    assert "+They sketch its motion." in found["diff"]
    assert [t["id"] for t in found["threads"]] == [thread["id"]]
    nothing = facilitator.get(f"{API}/{study}/iterations/1/changes").get_json()
    assert nothing["from_commit"] is None and nothing["diff"] == ""


def test_a_cycle_follows_its_lesson_when_it_is_renamed(app: Any, school: dict[str, Any]) -> None:
    facilitator = client_as(app, school["member"])
    study = start(facilitator).get_json()["id"]
    moved = facilitator.post(
        "/n/school/physics/organize/lessons/motion/ramps/move",
        data={"to_unit": "motion", "new_slug": "slopes"},
    )
    assert moved.status_code == 303
    assert facilitator.get(f"{API}/{study}").get_json()["lesson"] == "motion/slopes"


def test_what_changed_since_it_was_taught_follows_a_rename_in_between(
    app: Any, school: dict[str, Any]
) -> None:
    facilitator = client_as(app, school["member"])
    study = start(facilitator).get_json()["id"]
    move(facilitator, study, "teach")
    first = head(school)
    move(facilitator, study, "debrief")
    move(facilitator, study, "revise")
    facilitator.post(
        "/n/school/physics/organize/lessons/motion/ramps/move",
        data={"to_unit": "motion", "new_slug": "slopes"},
    )
    move(facilitator, study, "teach")
    found = facilitator.get(f"{API}/{study}/iterations/2/changes").get_json()
    assert found["from_commit"] == first
    # The same lesson under its new name: a rename, not a lesson added from nothing.
    assert "rename from units/motion/lessons/ramps.md" in found["diff"]
    assert "+They describe" not in found["diff"]
