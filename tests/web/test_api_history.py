"""The API on a whole course: its index, history by cursor, one commit and comparisons."""

from __future__ import annotations

from typing import Any

import pytest
from courses_support import COURSE_YAML, commit_files, git, lesson_file, make_course, make_school

from workspace.git import Rename, Write
from workspace.runtime import repo_store, settings

API = "/api/v1/n/school/physics"
SPEED = "units/motion/lessons/speed.md"
VELOCITY = "units/motion/lessons/velocity.md"


@pytest.fixture
def school(make_user: Any, make_network: Any, client: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network)
    data["course"] = make_course(data["network"], data["lead"])
    client.login_as(data["reader"])
    return data


def _walk(client: Any, query: dict[str, Any]) -> tuple[list[str], int]:
    """Return every commit id from following next_after, and how many pages it took."""
    seen: list[str] = []
    pages, after = 0, None
    while True:
        response = client.get(f"{API}/history", query_string={**query, "after": after or ""})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        seen += [c["sha"] for c in body["commits"]]
        pages += 1
        after = body["next_after"]
        if after is None:
            return seen, pages


def test_history_pages_by_cursor_without_gaps_or_duplicates(
    client: Any, school: dict[str, Any]
) -> None:
    course, author = school["course"], settings().author(school["member"])
    with repo_store().open(course.id) as repo:
        for number in range(84):
            change = Write(f"units/motion/lessons/l{number % 5}.md", f"v{number}\n".encode())
            repo.commit([change], author, f"Edit {number}", base=repo.head())
    seen, pages = _walk(client, {"limit": 40})
    assert seen == git(course, "rev-list", "--topo-order", "main").split()
    assert len(seen) == 85 and pages == 3


def test_history_entries_carry_people_message_and_files(
    client: Any, school: dict[str, Any]
) -> None:
    message = "Add speed\n\nCo-authored-by: Rosa Diaz <rosa@example.org>\n"
    sha = commit_files(school["course"], school["member"], {SPEED: lesson_file("Speed")}, message)
    newest = client.get(f"{API}/history", query_string={"limit": 1}).get_json()["commits"][0]
    assert newest["sha"] == sha and newest["summary"] == "Add speed"
    assert newest["author"]["name"] == "Member"
    assert newest["co_authors"] == [{"name": "Rosa Diaz", "email": "rosa@example.org"}]
    assert newest["files"] == [{"status": "A", "path": SPEED, "old_path": None}]


def test_history_of_one_file_follows_renames(client: Any, school: dict[str, Any]) -> None:
    course, member = school["course"], school["member"]
    first = commit_files(course, member, {SPEED: lesson_file("Speed")}, "Add")
    commit_files(course, member, {"README.md": "# Physics\n"}, "Readme")
    with repo_store().open(course.id) as repo:
        moved = repo.commit(
            [Rename(SPEED, VELOCITY)], settings().author(member), "Rename", repo.head()
        )
    body = client.get(f"{API}/history", query_string={"path": VELOCITY}).get_json()
    assert [c["sha"] for c in body["commits"]] == [moved.commit, first]
    assert body["commits"][0]["files"] == [{"status": "R", "path": VELOCITY, "old_path": SPEED}]


@pytest.mark.parametrize("limit", ["0", "101", "ten", "-1", "5.5"])
def test_history_limit_must_be_between_1_and_100(
    client: Any, school: dict[str, Any], limit: str
) -> None:
    response = client.get(f"{API}/history", query_string={"limit": limit})
    assert response.status_code == 400
    assert "from 1 to 100" in response.get_json()["message"]


@pytest.mark.parametrize(
    "query", [{"after": "zzz"}, {"after": "d" * 40}, {"path": "../etc/passwd"}, {"path": "no.md"}]
)
def test_history_with_a_bad_cursor_or_path_is_404_json(
    client: Any, school: dict[str, Any], query: dict[str, str]
) -> None:
    response = client.get(f"{API}/history", query_string=query)
    assert response.status_code == 404
    assert response.get_json()["status"] == "error" and response.get_json()["message"]


def test_compare_returns_unified_diffs_per_file(client: Any, school: dict[str, Any]) -> None:
    course, member = school["course"], school["member"]
    old = commit_files(course, member, {SPEED: lesson_file("Speed", "Roll it.\n")}, "Add")
    commit_files(course, member, {SPEED: lesson_file("Speed", "Push it.\n"), "a.png": b"\0\1"})
    body = client.get(f"{API}/compare/{old}...main").get_json()
    assert body["base"] == old and body["head"] == git(course, "rev-parse", "main").strip()
    files = {f["path"]: f for f in body["files"]}
    assert files["a.png"]["binary"] is True and files["a.png"]["status"] == "A"
    speed = files[SPEED]
    assert (speed["status"], speed["additions"], speed["deletions"]) == ("M", 1, 1)
    assert "-Roll it.\n+Push it." in speed["diff"] and speed["diff"].startswith("@@")
    only = client.get(f"{API}/compare/{old}...main", query_string={"path": SPEED}).get_json()
    assert [f["path"] for f in only["files"]] == [SPEED]


def test_compare_with_an_unknown_revision_is_404_json(client: Any, school: dict[str, Any]) -> None:
    for url in [f"{API}/compare/zzz...main", f"{API}/compare/main...{'e' * 40}"]:
        response = client.get(url)
        assert response.status_code == 404 and response.get_json()["status"] == "error"


def test_commit_returns_its_files_with_diffs(client: Any, school: dict[str, Any]) -> None:
    sha = commit_files(school["course"], school["member"], {SPEED: lesson_file("Speed")}, "Add")
    body = client.get(f"{API}/commits/{sha}").get_json()
    assert body["sha"] == sha and len(body["parents"]) == 1
    assert [(f["path"], f["status"]) for f in body["files"]] == [(SPEED, "A")]
    assert client.get(f"{API}/commits/nope").status_code == 404


def test_course_index_lists_units_and_lessons_in_course_order(
    client: Any, school: dict[str, Any]
) -> None:
    files = {
        "course.yaml": COURSE_YAML,
        SPEED: lesson_file("Speed and velocity", duration=45, standards=["HS-PS2-1"]),
        "units/motion/lessons/acceleration.md": lesson_file("Speeding up"),
        "units/energy/lessons/heat.md": lesson_file("Heat flow"),
    }
    sha = commit_files(school["course"], school["member"], files, "Outline")
    body = client.get(API).get_json()
    assert body["commit"] == sha and body["title"] == "Physics in Motion"
    units = [(u["slug"], [(x["slug"], x["status"]) for x in u["lessons"]]) for u in body["units"]]
    assert units[:2] == [
        ("motion", [("speed", "listed"), ("acceleration", "listed"), ("ghost", "missing")]),
        ("energy", [("heat", "listed")]),
    ]
    speed = body["units"][0]["lessons"][0]
    assert speed["title"] == "Speed and velocity" and speed["duration"] == 45
    assert speed["standards"] == ["HS-PS2-1"]
    assert speed["url"].endswith("/api/v1/n/school/physics/lessons/motion/speed")
