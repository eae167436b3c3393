"""Threads follow the text through every way a lesson changes: web saves, merged concurrent
saves, renames and moves in the browser, and pushes from a clone (edits and a rename).

After each of 26 random changes, every thread is either current, with the lines it is shown
at holding exactly its quote, or outdated; none is lost, none is attached to other lines."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from githttp_support import LiveServer, make_token
from threads_support import client_as, make_lesson_school

from workspace.extensions import db
from workspace.models import Thread

PARAGRAPHS = [
    f"Paragraph {n}: students {w} the ramp."
    for n, w in enumerate(
        ["measure", "describe", "sketch", "time", "compare", "explain", "predict", "test"], 1
    )
]


def lesson_text(paragraphs: list[str]) -> str:
    return "---\ntitle: Ramps\n---\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture
def live(app: Any) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.stop()


def _threads(client: Any, lesson: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/n/school/physics/threads?path={lesson}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["threads"]


def _text(client: Any, lesson: str) -> tuple[str, str]:
    found = client.get(f"/api/v1/n/school/physics/lessons/{lesson}").get_json()
    return found["content"], found["commit"]


def _check(client: Any, lesson: str, count: int) -> tuple[int, int]:
    text, _ = _text(client, lesson)
    lines = text.splitlines()
    found = _threads(client, lesson)
    assert len(found) == count  # none lost, none left behind under an old name
    current = 0
    for thread in found:
        position = thread["position"]
        if position["state"] == "current" and thread["anchor"]["start_line"] is None:
            assert position["start_line"] is None  # on the whole lesson
            current += 1
        elif position["state"] == "current":
            shown = "\n".join(lines[position["start_line"] - 1 : position["end_line"]])
            assert shown == thread["anchor"]["quote"], (thread, text)
            current += 1
        else:
            assert position["state"] == "outdated" and position["start_line"] is None
    return current, len(found) - current


def _edit(rng: random.Random, paragraphs: list[str]) -> list[str]:
    changed = list(paragraphs)
    step = rng.choice(["insert", "insert", "edit", "delete", "move", "duplicate"])
    at = rng.randrange(len(changed))
    if step == "insert" or len(changed) < 3:
        changed.insert(rng.randrange(len(changed) + 1), f"A new idea {rng.randrange(10**6)}.")
    elif step == "edit":
        changed[at] = changed[at].replace("students", "pairs of students", 1) + " Again."
    elif step == "delete":
        del changed[at]
    elif step == "move":
        moved = changed.pop(at)
        changed.insert(rng.randrange(len(changed) + 1), moved)
    else:
        changed.insert(rng.randrange(len(changed) + 1), changed[at])
    return changed


def _wait_for_push(app: Any, course: Any, lesson_path: str) -> None:
    for _ in range(250):
        db.session.rollback()
        paths = set(db.session.scalars(db.select(Thread.path).filter_by(course_id=course.id)))
        if paths == {lesson_path}:
            return
        time.sleep(0.02)
    pytest.fail(f"threads did not follow the pushed rename: {paths}")


def test_threads_stay_current_or_become_outdated_through_every_kind_of_change(
    app: Any, make_user: Any, make_network: Any, live: LiveServer, tmp_path: Path
) -> None:
    school = make_lesson_school(make_user, make_network)
    rng = random.Random(15)
    member, reader = client_as(app, school["member"]), client_as(app, school["reader"])
    lesson = "motion/ramps"
    paragraphs = list(PARAGRAPHS)
    _, base = _text(member, lesson)
    member.put(
        f"/api/v1/n/school/physics/lessons/{lesson}",
        json={"content": lesson_text(paragraphs), "base_commit": base},
    )
    text, commit = _text(member, lesson)
    lines = text.splitlines()
    for n in (5, 9, 13, 17, 19):  # paragraphs 1, 3, 5, 7 and 8; the last on two lines
        end = n + 2 if n == 17 else n
        body = {"path": lesson, "commit": commit, "start_line": n, "end_line": end, "body": "?"}
        assert reader.post("/api/v1/n/school/physics/threads", json=body).status_code == 201
        assert lines[n - 1].startswith("Paragraph")
    reader.post("/api/v1/n/school/physics/threads", json={"path": lesson, "body": "All of it"})
    count = 6

    git = live.client(tmp_path)
    work = tmp_path / "work"
    git.clone(git.url("school", "physics", make_token(school["lead"])), work)
    outcomes = []
    for step in range(26):
        if step in (8, 20):  # renamed or moved in the browser
            unit, slug = lesson.split("/")
            new_slug = f"ramps-{step}"
            moved = member.post(
                f"/n/school/physics/organize/lessons/{unit}/{slug}/move",
                data={"to_unit": unit, "new_slug": new_slug},
            )
            assert moved.status_code == 303
            lesson = f"{unit}/{new_slug}"
        elif step in (5, 14, 23):  # pushed from a clone: an edit, then a rename, then an edit
            git.run("pull", "-q", "--ff-only", cwd=work)
            unit, slug = lesson.split("/")
            path = work / f"units/{unit}/lessons/{slug}.md"
            if step == 14:
                target = f"units/{unit}/lessons/pushed-{step}.md"
                git.run("mv", str(path.relative_to(work)), target, cwd=work)
                outline = (
                    (work / "course.yaml").read_text().replace(f"- {slug}\n", f"- pushed-{step}\n")
                )
                (work / "course.yaml").write_text(outline)
                git.run("add", "-A", cwd=work)
                git.run("commit", "-q", "-m", "Rename the lesson", cwd=work)
                lesson = f"{unit}/pushed-{step}"
            else:
                paragraphs = _edit(rng, path.read_text().split("---\n", 2)[2].strip().split("\n\n"))
                git.commit_file(work, str(path.relative_to(work)), lesson_text(paragraphs).encode())
            git.run("push", "-q", "origin", "main", cwd=work)
            if step == 14:
                _wait_for_push(
                    app,
                    school["course"],
                    f"units/{lesson.split('/')[0]}/lessons/{lesson.split('/')[1]}.md",
                )
        else:  # a web save, sometimes from an older version (merged with what came since)
            text, base = _text(member, lesson)
            paragraphs = _edit(rng, text.split("---\n", 2)[2].strip().split("\n\n"))
            if step % 4 == 3:
                other = text.replace("title: Ramps", "title: Ramps\nduration: 45")
                _, fresh = _text(member, lesson)
                put = member.put(
                    f"/api/v1/n/school/physics/lessons/{lesson}",
                    json={"content": other, "base_commit": fresh},
                )
                assert put.status_code == 200
                paragraphs_text = lesson_text(paragraphs).replace(
                    "title: Ramps", "title: Ramps\nduration: 45"
                )
            else:
                paragraphs_text = lesson_text(paragraphs)
            put = member.put(
                f"/api/v1/n/school/physics/lessons/{lesson}",
                json={"content": paragraphs_text, "base_commit": base},
            )
            assert put.status_code in (200, 409), put.get_json()
        outcomes.append(_check(reader, lesson, count))
    current = [c for c, _ in outcomes]
    assert current[0] >= 2 and min(current) >= 1  # the whole-lesson thread is always current
    assert outcomes[-1][1] >= 1  # and some lines were changed along the way
