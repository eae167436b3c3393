"""A school with a lesson to review: every role, the lesson at a known text, and clients."""

from __future__ import annotations

from typing import Any

from courses_support import commit_files, git, lesson_file, make_course, make_school

PATH = "units/motion/lessons/ramps.md"
LESSON = "motion/ramps"
API = "/api/v1/n/school/physics/threads"
LESSON_API = "/api/v1/n/school/physics/lessons/motion/ramps"
PAGE = "/n/school/physics/lessons/motion/ramps"
BODY = """# Launch

Students roll a ball down a ramp.
They describe its motion in words.

# Explore

Groups time the ball over one metre.

# Discuss

Compare the groups' times.
"""
TEXT = lesson_file("Rolling down ramps", BODY)
# The file's lines: 1 "---", 2 title, 3 "---", 4 "# Launch", 5 "", 6 "Students roll...",
# 7 "They describe...", 8 "", 9 "# Explore", 10 "", 11 "Groups time...".
QUOTED = "Students roll a ball down a ramp.\nThey describe its motion in words."


def make_lesson_school(make_user: Any, make_network: Any, public: bool = False) -> dict[str, Any]:
    data = make_school(make_user, make_network, public=public)
    data["course"] = make_course(data["network"], data["lead"])
    unit = "---\ntitle: Motion\n---\n"
    commit_files(
        data["course"], data["lead"], {PATH: TEXT, "units/motion/unit.md": unit}, "Add ramps"
    )
    return data


def head(data: dict[str, Any]) -> str:
    return git(data["course"], "rev-parse", "main").strip()


def text_now(data: dict[str, Any]) -> str:
    return git(data["course"], "show", f"main:{PATH}")


def client_as(app: Any, user: Any) -> Any:
    client = app.test_client()
    client.login_as(user)
    return client


def save(client: Any, content: str) -> Any:
    base = client.get(LESSON_API).get_json()["commit"]
    response = client.put(LESSON_API, json={"content": content, "base_commit": base})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def open_on_quote(client: Any, commit: str, kind: str = "question", body: str = "Why?") -> Any:
    return client.post(
        API,
        json={
            "path": LESSON,
            "commit": commit,
            "start_line": 6,
            "end_line": 7,
            "kind": kind,
            "body": body,
        },
    )


def threads_at(client: Any, at: str | None = None) -> list[dict[str, Any]]:
    url = f"{API}?path={LESSON}" + (f"&at={at}" if at else "")
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["threads"]
