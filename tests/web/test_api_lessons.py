"""The lesson API: saves that commit, merge or conflict; invalid content; create and delete."""

from __future__ import annotations

from typing import Any

import pytest
from courses_support import commit_files, git, lesson_file, make_course, make_school
from unchanged import unchanged

SPEED = "units/motion/lessons/speed.md"
URL = "/api/v1/n/school/physics/lessons/motion/speed"
BODY = "Launch: roll a cart.\n\nExplore: time it twice.\n\nDiscuss: compare.\n"
ORIGINAL = lesson_file("Speed", BODY)


@pytest.fixture
def school(make_user: Any, make_network: Any, client: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network)
    data["course"] = make_course(data["network"], data["lead"])
    commit_files(
        data["course"],
        data["member"],
        {SPEED: ORIGINAL, "units/motion/unit.md": "---\ntitle: Motion\n---\n"},
        "Add speed",
    )
    client.login_as(data["member"])
    return data


def _head(school: dict[str, Any]) -> str:
    return git(school["course"], "rev-parse", "main").strip()


def _file(school: dict[str, Any], path: str = SPEED) -> str:
    return git(school["course"], "show", f"main:{path}")


def _base(client: Any) -> str:
    return client.get(URL).get_json()["commit"]


# PUT ---------------------------------------------------------------------------------------


def test_put_based_on_head_commits(client: Any, school: dict[str, Any]) -> None:
    new = ORIGINAL.replace("roll", "push")
    response = client.put(URL, json={"content": new, "base_commit": _base(client)})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "committed" and body["commit"] == _head(school)
    assert _file(school) == new
    assert git(school["course"], "log", "-1", "--format=%s", "main").strip() == "Edit lesson: Speed"


def test_put_on_an_older_base_merges_changes_to_other_paragraphs(
    client: Any, school: dict[str, Any]
) -> None:
    base = _base(client)
    commit_files(
        school["course"], school["lead"], {SPEED: ORIGINAL.replace("compare", "argue")}, "Lead"
    )
    mine = ORIGINAL.replace("roll a cart", "push a cart")
    response = client.put(URL, json={"content": mine, "base_commit": base, "message": "Push"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "merged" and body["merged_with"] == ["Lead"]
    assert _file(school) == ORIGINAL.replace("roll a cart", "push a cart").replace(
        "compare", "argue"
    )


def test_put_that_overlaps_another_change_is_a_conflict_and_writes_nothing(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    base = _base(client)
    theirs = ORIGINAL.replace("time it twice", "time it three times")
    commit_files(school["course"], school["lead"], {SPEED: theirs}, "Three times")
    head = _head(school)
    yours = ORIGINAL.replace("time it twice", "time it once")
    with unchanged(app, course=school["course"]):
        response = client.put(URL, json={"content": yours, "base_commit": base})
    assert response.status_code == 409
    body = response.get_json()
    assert body["status"] == "conflict"
    assert (
        "changed the same part of this lesson while you were editing. Nothing was lost"
        in body["message"]
    )
    assert (body["head"], body["base_commit"]) == (head, base)
    assert (body["base"], body["theirs"], body["yours"]) == (ORIGINAL, theirs, yours)
    assert "<<<<<<<" in body["merged"] and "time it once" in body["merged"]
    assert "three times" in body["merged"] and body["authors"] == ["Lead"]
    assert _head(school) == head and _file(school) == theirs


@pytest.mark.parametrize(
    "method, lesson, content, field, problem",
    [
        pytest.param(
            "put",
            "speed",
            "---\ntitle: [unclosed\n---\nBody\n",
            "front_matter",
            "The front matter is not valid YAML (line 3): did not find expected ',' or ']'.",
            id="put-bad-yaml",
        ),
        pytest.param(
            "put",
            "speed",
            "---\nduration: 50\n---\nNo title.\n",
            "title",
            "A title is required.",
            id="put-no-title",
        ),
        pytest.param(
            "put",
            "speed",
            "---\ntitle: Speed\nduration: soon\n---\nBody\n",
            "duration",
            "Duration is a whole number of minutes, like 50, not “soon”.",
            id="put-duration-not-a-number",
        ),
        pytest.param(
            "post",
            "new",
            "---\nx: [\n---\n",
            "front_matter",
            "The front matter is not valid YAML (line 3): did not find expected node content.",
            id="post-bad-yaml",
        ),
    ],
)
def test_content_that_does_not_parse_is_422_with_the_problems(
    app: Any,
    client: Any,
    school: dict[str, Any],
    method: str,
    lesson: str,
    content: str,
    field: str,
    problem: str,
) -> None:
    head = _head(school)
    if method == "put":
        send, body = client.put, {"content": content, "base_commit": head}
    else:
        send, body = client.post, {"content": content}
    with unchanged(app, course=school["course"]):
        response = send(URL.replace("speed", lesson), json=body)
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "invalid" and body["message"].startswith("The lesson was not saved.")
    assert field in [p["field"] for p in body["problems"]]
    assert all(p["message"] for p in body["problems"])
    assert problem in [p["message"] for p in body["problems"] if p["field"] == field]
    assert _head(school) == head


@pytest.mark.parametrize("base", ["b" * 40, "not a commit!", "--all", "main..HEAD"])
def test_put_with_an_unknown_or_bogus_base_commit_is_refused_clearly(
    app: Any, client: Any, school: dict[str, Any], base: str
) -> None:
    head = _head(school)
    with unchanged(app, course=school["course"]):
        response = client.put(URL, json={"content": ORIGINAL + "More.\n", "base_commit": base})
    assert response.status_code == 409
    body = response.get_json()
    assert body["status"] == "error" and body["reason"] == "stale_base"
    assert "is not a version of this course" in body["message"]
    assert _head(school) == head


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"data": "{not json", "content_type": "application/json"}, "not a JSON object"),
        ({"data": "content=x", "content_type": "text/plain"}, "Content-Type: application/json"),
        ({"json": ["content"]}, "not a JSON object"),
        ({"json": {"base_commit": "main"}}, "“content” is missing"),
        ({"json": {"content": "x"}}, "“base_commit” is missing"),
        ({"json": {"content": 5, "base_commit": "main"}}, "“content” must be text"),
        ({"json": {"content": "x", "base_commit": " "}}, "“base_commit” is empty"),
        ({"json": {"content": "x", "base_commit": "main", "message": 3}}, "must be text"),
    ],
)
def test_put_with_a_malformed_body_is_400_saying_what_is_wrong(
    app: Any, client: Any, school: dict[str, Any], kwargs: dict[str, Any], words: str
) -> None:
    with unchanged(app, course=school["course"]):
        response = client.put(URL, **kwargs)
    assert response.status_code == 400
    assert response.get_json()["status"] == "error"
    assert words in response.get_json()["message"]


def test_put_to_a_lesson_that_does_not_exist_is_404(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    with unchanged(app, course=school["course"]):
        response = client.put(
            URL.replace("speed", "nothing"),
            json={"content": ORIGINAL, "base_commit": _head(school)},
        )
    assert response.status_code == 404 and response.get_json()["status"] == "error"
    assert "The unit “motion” has no lesson “nothing”." in response.get_json()["message"]


# POST and DELETE ---------------------------------------------------------------------------


def test_post_creates_a_lesson_and_lists_it(client: Any, school: dict[str, Any]) -> None:
    content = lesson_file("Acceleration", "Speeding up.\n")
    url = URL.replace("speed", "acceleration")
    response = client.post(url, json={"content": content, "message": "New lesson"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "committed" and body["path"] == "units/motion/lessons/acceleration.md"
    assert _file(school, body["path"]) == content
    assert client.get(url).get_json()["content"] == content


def test_post_of_an_existing_lesson_is_409(app: Any, client: Any, school: dict[str, Any]) -> None:
    head = _head(school)
    with unchanged(app, course=school["course"]):
        response = client.post(URL, json={"content": lesson_file("Again")})
    assert response.status_code == 409
    assert "already has a lesson" in response.get_json()["message"]
    assert _head(school) == head


def test_reader_cannot_create_or_delete(app: Any, client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["reader"])
    with unchanged(app, course=school["course"]):
        created = client.post(URL.replace("speed", "new"), json={})
        deleted = client.delete(URL, query_string={"base_commit": _head(school)})
    for refused in (created, deleted):
        assert refused.status_code == 403
        assert refused.get_json()["message"] == (
            "Your role in this network does not allow changing this course."
        )


def test_delete_with_base_commit_in_the_query_removes_the_lesson(
    client: Any, school: dict[str, Any]
) -> None:
    response = client.delete(URL, query_string={"base_commit": _base(client)})
    assert response.status_code == 200, response.get_json()
    assert SPEED not in git(school["course"], "ls-tree", "-r", "--name-only", "main")
    assert client.get(URL).status_code == 404


def test_delete_needs_a_base_commit(app: Any, client: Any, school: dict[str, Any]) -> None:
    with unchanged(app, course=school["course"]):
        response = client.delete(URL)
    assert response.status_code == 400
    assert response.get_json()["message"] == (
        "Send “base_commit”: the commit you read the lesson at."
    )


def test_delete_of_a_lesson_changed_since_its_base_is_a_conflict(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    base = _base(client)
    commit_files(school["course"], school["lead"], {SPEED: ORIGINAL + "More.\n"}, "More")
    with unchanged(app, course=school["course"]):
        response = client.delete(URL, json={"base_commit": base})
    assert response.status_code == 409
    assert response.get_json()["status"] == "conflict"
    assert (
        "“Speed” changed after you opened it, so it was not deleted."
        in response.get_json()["message"]
    )
    assert _file(school) == ORIGINAL + "More.\n"
