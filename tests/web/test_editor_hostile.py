"""Hostile input to the editor's endpoints: revisions that try to become git options, bodies
of the wrong shape. Nothing is written anywhere, and every answer is a clear one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from courses_support import make_course, make_school
from unchanged import unchanged

LESSON = "/n/school/physics/edit/getting-started/first-lesson"


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network)
    data["course"] = make_course(data["network"], data["lead"])
    return data


def option_values(target: Path) -> list[str]:
    return [f"--output={target}", f"--output={target}/..", "-p", "--all", "--exec=touch x"]


def test_revisions_that_look_like_git_options_never_reach_git(
    app: Any, client: Any, school: dict[str, Any], tmp_path: Path
) -> None:
    client.login_as(school["member"])
    target = tmp_path / "written-by-git"
    for hostile in option_values(target):
        with unchanged(app, course=school["course"]):
            response = client.post(
                f"{LESSON}/resolve",
                data={
                    "content": "---\ntitle: First\n---\n\nText.\n",
                    "yours": "Text.",
                    "base_commit": hostile,
                    "conflict_base": hostile,
                    "message": "",
                },
            )
        assert response.status_code < 500, hostile
        assert "is not a valid version of the course." in response.get_data(as_text=True), hostile
        beat = client.post(f"{LESSON}/presence", json={"base_commit": hostile})
        assert beat.status_code == 200, hostile
    assert not any(tmp_path.glob("written-by-git*")), "a revision was read as a git option"
    assert not list(Path.cwd().glob("x")) and not list(Path("/").glob("written-by-git*"))


@pytest.mark.parametrize("body", [[1, 2], "text", 42, None])
def test_presence_answers_bodies_of_any_shape(client: Any, school: dict[str, Any], body: Any):
    client.login_as(school["member"])
    response = client.post(f"{LESSON}/presence", json=body)
    assert response.status_code == 200
    assert "present" in response.get_json()
