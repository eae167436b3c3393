"""One rulebook: a lesson the editor refuses is refused by the API and by `git push` too, with
the same words, because every door calls workspace.content.checks."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from githttp_support import Git, LiveServer, head, make_course, make_token

from workspace.models import Course

UNIT, LESSON = "forces", "newtons-laws"
PATH = f"units/{UNIT}/lessons/{LESSON}.md"
API = f"/api/v1/n/physics/mechanics/lessons/{UNIT}/{LESSON}"
EDIT = f"/n/physics/mechanics/edit/{UNIT}/{LESSON}"
BAD_LESSONS = {
    "no title": b"---\nduration: 50\n---\nStudents push carts.\n",
    "negative duration": b"---\ntitle: Newton's laws\nduration: -5\n---\nPush.\n",
    "unknown standard": b"---\ntitle: Newton's laws\nstandards: [NOT-A-REAL-CODE-99]\n---\n",
    "front matter that does not parse": b"---\ntitle: [Newton\n---\nPush.\n",
    "2 MB": b"---\ntitle: Newton's laws\n---\n" + b"Push the cart. " * (2_000_000 // 15),
}


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    """Return the app served on a loopback port for this test."""
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    """Return bea, a member of ana's public physics network, and its course."""
    bea = make_user("bea")
    network = make_network("physics", make_user("ana"), members={bea: "member"}, public=True)
    return {"bea": bea, "course": make_course(network)}


def pushed_problems(git: Git, work: Path, content: bytes) -> list[str]:
    """Return the lines a refused push of `content` as the lesson prints about the lesson."""
    git.commit_file(work, PATH, content)
    result = git.run("push", "origin", "main", cwd=work, check=False)
    assert result.returncode != 0
    prefix = f"remote: {git.run('rev-parse', '--short=10', 'HEAD', cwd=work).stdout.strip()} "
    return [
        line.removeprefix(prefix).rstrip()
        for line in result.stderr.splitlines()
        if line.startswith(prefix)
    ]


def as_pushed(problem: dict[str, Any]) -> str:
    """Return the line a push prints for one problem the API returned."""
    line = f"{PATH}: {problem['message']}"
    if problem["line"] is not None and f"line {problem['line']}" not in problem["message"]:
        line += f" (line {problem['line']})"
    return line


def editor_page(client: Any, content: str) -> str:
    """Return the editor's answer to saving `content` as the whole file (unescaped)."""
    page = client.get(EDIT).get_data(as_text=True)
    base = re.search(r'name="base_commit"[^>]*value="([^"]*)"', page)
    assert base is not None, "the editor carries the version it started from"
    form = {"base_commit": base.group(1), "mode": "raw", "body": content, "action": "save"}
    response = client.post(EDIT, data=form)
    assert response.status_code == 422
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("case", list(BAD_LESSONS))
def test_the_editor_the_api_and_a_push_refuse_a_lesson_with_the_same_words(
    app: Flask, live: LiveServer, school: dict[str, Any], tmp_path: Path, client: Any, case: str
) -> None:
    content = BAD_LESSONS[case]
    course: Course = school["course"]
    before = head(course)
    token = make_token(school["bea"])

    answer = client.put(
        API,
        json={"content": content.decode("utf-8"), "base_commit": before},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["status"] == "invalid"
    problems = body["problems"]
    assert problems and all(set(p) == {"field", "message", "line"} for p in problems)

    git = live.client(tmp_path)
    work = tmp_path / "work"
    git.clone(git.url("physics", "mechanics", token), work)
    assert pushed_problems(git, work, content) == [as_pushed(p) for p in problems]

    client.login_as(school["bea"])
    page = editor_page(client, content.decode("utf-8"))
    for problem in problems:
        assert problem["message"] in page
    assert head(course) == before
