"""Every change to a course announces exactly one event, after its commit; a refused write
announces nothing. Subscribers (search, activity, threads, live rooms) rely on it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from courses_support import commit_files, lesson_file, make_course, make_school
from flask import Flask
from githttp_support import LiveServer, make_token

from workspace.events import (
    CourseChanged,
    CoursePushed,
    LessonDeleted,
    LessonRenamed,
    LessonSaved,
    MemberJoined,
    OutlineChanged,
)
from workspace.extensions import db
from workspace.models import Activity, Membership
from workspace.models._base import utcnow
from workspace.runtime import event_bus, repo_store
from workspace.services.networks import create_invitation

SPEED = "units/motion/lessons/speed.md"
COURSE = "/n/school/physics"
URL = "/api/v1/n/school/physics/lessons/motion/speed"
BODY = "Launch: roll a cart.\n\nExplore: time it twice.\n\nDiscuss: compare.\n"
ORIGINAL = lesson_file("Speed", BODY)


@pytest.fixture
def school(make_user: Any, make_network: Any, client: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network)
    data["course"] = make_course(data["network"], data["lead"])
    commit_files(data["course"], data["member"], {SPEED: ORIGINAL}, "Add speed")
    client.login_as(data["member"])
    return data


@pytest.fixture
def heard(app: Flask, school: dict[str, Any]) -> Iterator[list[tuple[CourseChanged, str, int]]]:
    """Return what the app's bus announces: each event with the course head and the number of
    activity rows the database held when the subscriber ran."""
    seen: list[tuple[CourseChanged, str, int]] = []

    def record(event: CourseChanged) -> None:
        with repo_store().open(event.course_id) as repo:
            head = repo.head() or ""
        rows = db.session.scalar(db.select(db.func.count()).select_from(Activity)) or 0
        seen.append((event, head, rows))

    event_bus(app).subscribe(CourseChanged, record)
    yield seen
    event_bus(app).unsubscribe(CourseChanged, record)


def only(heard: list[tuple[CourseChanged, str, int]], kind: type[CourseChanged]) -> Any:
    """Return the one event heard, checking its type and that it came after its commit."""
    assert len(heard) == 1, heard
    event, head, rows = heard[0]
    assert isinstance(event, kind)
    assert event.commit == head  # the commit had landed when subscribers heard of it
    assert rows == db.session.scalar(db.select(db.func.count()).select_from(Activity))
    return event


def base(client: Any) -> str:
    return client.get(URL).get_json()["commit"]


def test_a_save_announces_one_lesson_saved(client, school, heard):
    response = client.put(
        URL, json={"content": ORIGINAL.replace("roll", "push"), "base_commit": base(client)}
    )
    event = only(heard, LessonSaved)
    assert event == LessonSaved(
        school["course"].id, response.get_json()["commit"], school["member"].id, SPEED
    )


def test_a_merged_concurrent_save_announces_one_merged_save(client, school, heard):
    start = base(client)
    client.put(URL, json={"content": ORIGINAL.replace("roll", "push"), "base_commit": start})
    heard.clear()
    response = client.put(
        URL, json={"content": ORIGINAL.replace("compare", "argue"), "base_commit": start}
    )
    assert response.get_json()["status"] == "merged"
    event = only(heard, LessonSaved)
    assert (event.status, event.change) == ("merged", "edited")


def test_a_restore_announces_one_restored_lesson(client, school, heard):
    first = base(client)
    client.put(URL, json={"content": ORIGINAL.replace("roll", "push"), "base_commit": first})
    heard.clear()
    client.post(f"{COURSE}/edit/motion/speed/restore", data={"rev": first})
    event = only(heard, LessonSaved)
    assert (event.change, event.path) == ("restored", SPEED)


def test_a_rename_announces_one_lesson_renamed(client, school, heard):
    client.post(f"{COURSE}/organize/lessons/motion/speed/move", data={"new_slug": "velocity"})
    event = only(heard, LessonRenamed)
    assert (event.old_path, event.path) == (SPEED, "units/motion/lessons/velocity.md")


def test_a_deletion_announces_one_lesson_deleted(client, school, heard):
    client.delete(URL, json={"base_commit": base(client)})
    assert only(heard, LessonDeleted).path == SPEED


def test_a_new_unit_announces_an_outline_change(client, school, heard):
    client.post(f"{COURSE}/organize/units/new", data={"title": "Waves"})
    assert "Waves" in only(heard, OutlineChanged).summary


@pytest.mark.parametrize(
    ("content", "status"),
    [
        pytest.param(lesson_file("", BODY), 422, id="invalid lesson"),
        pytest.param(ORIGINAL, 200, id="unchanged text"),
    ],
)
def test_a_refused_or_empty_write_announces_nothing(client, school, heard, content, status):
    response = client.put(URL, json={"content": content, "base_commit": base(client)})
    assert response.status_code == status
    assert heard == []


def test_a_conflicting_save_announces_nothing(client, school, heard):
    start = base(client)
    client.put(URL, json={"content": ORIGINAL.replace("roll", "push"), "base_commit": start})
    heard.clear()
    response = client.put(
        URL, json={"content": ORIGINAL.replace("roll", "kick"), "base_commit": start}
    )
    assert response.status_code == 409
    assert heard == []


def test_a_push_announces_one_course_pushed_and_a_refused_push_nothing(
    app, school, heard, tmp_path: Path
):
    landed = threading.Event()
    event_bus(app).subscribe(CoursePushed, lambda event: landed.set())
    server = LiveServer(app)
    try:
        git = server.client(tmp_path)
        work = tmp_path / "work"
        git.clone(git.url("school", "physics", make_token(school["member"])), work)
        old = git.run("rev-parse", "HEAD", cwd=work).stdout.strip()
        untitled = git.commit_file(work, SPEED, lesson_file("", BODY).encode(), "No title")
        assert git.run("push", "origin", "main", cwd=work, check=False).returncode != 0
        git.run("reset", "-q", "--hard", old, cwd=work)
        new = git.commit_file(work, SPEED, ORIGINAL.replace("roll", "push").encode(), "Push")
        git.run("push", "origin", "main", cwd=work)
        assert landed.wait(timeout=30), "the push was never announced"
    finally:
        server.stop()
    assert untitled != new
    event = only(heard, CoursePushed)
    assert event == CoursePushed(school["course"].id, new, school["member"].id, old, 1)


# Someone joins a network ----------------------------------------------------------------------


@pytest.fixture
def joined(app: Flask) -> Iterator[list[MemberJoined]]:
    """Return the MemberJoined events announced, each checked to come after its commit."""
    seen: list[MemberJoined] = []

    def record(event: MemberJoined) -> None:
        # A fresh session sees only what was committed.
        with db.engine.connect() as connection:
            role = connection.scalar(
                db.select(Membership.role).filter_by(
                    network_id=event.network_id, user_id=event.user_id
                )
            )
        assert role == event.role
        seen.append(event)

    event_bus(app).subscribe(MemberJoined, record)
    yield seen
    event_bus(app).unsubscribe(MemberJoined, record)


def test_joining_by_invitation_or_by_a_leaders_hand_announces_it_once(
    client, school, joined, make_user
):
    network, outsider = school["network"], school["outsider"]
    client.login_as(school["lead"])
    client.post("/n/school/members/add", data={"person": "outsider", "role": "partner"})
    assert joined == [MemberJoined(network.id, outsider.id, "partner")]
    client.post("/n/school/members/add", data={"person": "outsider", "role": "reader"})
    assert len(joined) == 1  # already in: refused, nothing announced

    newcomer = make_user("nia")
    raw, _ = create_invitation(
        db.session, network, school["lead"], role="member", days=7, now=utcnow()
    )
    db.session.commit()
    client.login_as(newcomer)
    client.post(f"/invite/{raw}")
    assert joined[1:] == [MemberJoined(network.id, newcomer.id, "member")]
    client.post(f"/invite/{raw}")  # used: nothing more
    assert len(joined) == 2
