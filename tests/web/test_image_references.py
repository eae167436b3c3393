"""Images a lesson points at must be in the course: the one rulebook refuses a web save, an
API save and a push that adds a reference to a missing image, with the same words; a lesson
whose image was already missing is not blamed for it on a later change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from githttp_support import LiveServer, head, make_course, make_token

UNIT, LESSON = "forces", "newtons-laws"
PATH = f"units/{UNIT}/lessons/{LESSON}.md"
API = f"/api/v1/n/physics/mechanics/lessons/{UNIT}/{LESSON}"
MESSAGE = "The image \u201cimages/cart.png\u201d is not in the course"
WITH_MISSING = b"---\ntitle: Newton's laws\n---\nPush carts.\n\n![A cart](images/cart.png)\n"


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    bea = make_user("bea")
    network = make_network("physics", make_user("ana"), members={bea: "member"}, public=True)
    return {"bea": bea, "course": make_course(network)}


def test_a_save_pointing_at_a_missing_image_is_refused_and_then_accepted_once_it_is_there(
    app: Flask, school: dict[str, Any]
) -> None:
    client = app.test_client()
    client.login_as(school["bea"])
    base = client.get(API).get_json()["commit"]
    refused = client.put(API, json={"content": WITH_MISSING.decode(), "base_commit": base})
    assert refused.status_code == 422
    [problem] = refused.get_json()["problems"]
    assert problem["message"].startswith(MESSAGE) and problem["line"] == 6
    assert head(school["course"]) == base  # nothing written

    from workspace.git import Write
    from workspace.runtime import repo_store, settings

    with repo_store().open(school["course"].id) as repo:
        image = Write(f"units/{UNIT}/lessons/images/cart.png", b"\x89PNG\r\n\x1a\n")
        repo.commit([image], settings().author(school["bea"]), "Add a cart", base=repo.head())
    fresh = client.get(API).get_json()["commit"]
    saved = client.put(API, json={"content": WITH_MISSING.decode(), "base_commit": fresh})
    assert saved.status_code == 200


def test_a_push_pointing_at_a_missing_image_is_refused_with_the_same_words(
    school: dict[str, Any], live: LiveServer, tmp_path: Path
) -> None:
    git = live.client(tmp_path)
    work = tmp_path / "work"
    git.clone(git.url("physics", "mechanics", make_token(school["bea"])), work)
    before = head(school["course"])
    git.commit_file(work, PATH, WITH_MISSING)
    result = git.run("push", "origin", "main", cwd=work, check=False)
    assert result.returncode != 0 and MESSAGE in result.stderr
    assert f"{PATH} line 6" in result.stderr or PATH in result.stderr
    assert head(school["course"]) == before

    # Each pushed commit is checked: the fix goes into the commit that adds the reference.
    (work / f"units/{UNIT}/lessons/images").mkdir(parents=True)
    (work / f"units/{UNIT}/lessons/images/cart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    git.run("add", "-A", cwd=work)
    git.run("commit", "-q", "--amend", "--no-edit", cwd=work)
    assert git.run("push", "origin", "main", cwd=work, check=False).returncode == 0


def test_an_image_already_missing_is_not_blamed_on_a_later_change(
    app: Flask, school: dict[str, Any]
) -> None:
    from workspace.git import Write
    from workspace.runtime import repo_store, settings

    with repo_store().open(school["course"].id) as repo:
        repo.commit(
            [Write(PATH, WITH_MISSING)], settings().author(school["bea"]), "Old", base=repo.head()
        )
    client = app.test_client()
    client.login_as(school["bea"])
    base = client.get(API).get_json()["commit"]
    edited = WITH_MISSING.decode().replace("Push carts.", "Push carts gently.")
    assert client.put(API, json={"content": edited, "base_commit": base}).status_code == 200
    added = edited + "\n![A ramp](images/ramp.png)\n"
    fresh = client.get(API).get_json()["commit"]
    refused = client.put(API, json={"content": added, "base_commit": fresh})
    assert refused.status_code == 422
    [problem] = refused.get_json()["problems"]
    assert problem["message"].startswith("The image \u201cimages/ramp.png\u201d is not in")
