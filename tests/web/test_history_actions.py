"""Comparing versions, blame ("who wrote this paragraph") and restoring an earlier version."""

from __future__ import annotations

from typing import Any

import pytest
from courses_support import commit_files, git, lesson_file, make_course, make_school
from unchanged import FORM_EXPIRED, NOT_ALLOWED, unchanged

from workspace.extensions import db
from workspace.git import Rename
from workspace.models import Activity
from workspace.runtime import repo_store, settings
from workspace.services.reading import MAX_WORD_BLOCK, collapse_unchanged, prose_diff

SPEED = "units/motion/lessons/speed.md"
VELOCITY = "units/motion/lessons/velocity.md"
BASE = "/n/school/physics"
V1 = lesson_file("Speed", "Students roll a cart.\n\nThey time it twice.\n")
V2 = lesson_file("Speed", "Students roll a cart.\n\nThey time it three times.\n")
V3 = lesson_file("Speed", "Students push a cart.\n\nThey time it three times.\n")


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network)
    course = make_course(data["network"], data["lead"])
    data["course"] = course
    data["v1"] = commit_files(course, data["member"], {SPEED: V1}, "Add speed")
    data["v2"] = commit_files(course, data["lead"], {SPEED: V2}, "Time it three times")
    data["other"] = commit_files(course, data["lead"], {"README.md": "# Physics\n"}, "Readme")
    data["v3"] = commit_files(course, data["partner"], {SPEED: V3}, "Push, not roll")
    return data


def _text(response: Any) -> str:
    return response.get_data(as_text=True)


def _head(school: dict[str, Any]) -> str:
    return git(school["course"], "rev-parse", "main").strip()


# Compare -----------------------------------------------------------------------------------


def test_compare_two_versions_of_a_lesson_word_by_word(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["reader"])
    url = f"{BASE}/compare/{school['v1']}...{school['v3']}?path={SPEED}"
    html = _text(client.get(url))
    teachers, for_git = html.split('<details class="for-git">')
    assert "Changes to \u201cSpeed\u201d" in teachers
    assert "<del>roll</del><ins>push</ins>" in teachers
    assert "<del>twice</del><ins>three times</ins>" in teachers
    assert "README.md" not in html  # limited to the lesson
    assert '<del class="del">-They time it twice.</del>' in for_git


def test_compare_the_whole_course_lists_every_changed_file(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    html = _text(client.get(f"{BASE}/compare/{school['v1']}...main"))
    assert f"<code>{SPEED}</code>" in html and "<code>README.md</code>" in html
    assert "2 files changed" in html


def test_compare_of_identical_versions_says_they_are_the_same(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    url = f"{BASE}/compare/{school['v3']}...{school['other']}?path=units/motion/unit.md"
    html = _text(client.get(url))
    assert "These versions are the same for this part of the course." in html


def test_compare_form_lists_recent_versions_and_goes_to_the_comparison(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    html = _text(client.get(f"{BASE}/compare"))
    assert f'<option value="{school["v2"]}">' in html  # the by-id form, for Git users
    # Everyone else picks From and To among the versions, labelled by their notes.
    assert f'name="from" value="{school["v2"]}" form="compare-versions"' in html
    assert f'name="to" value="{school["v3"]}" form="compare-versions" checked' in html
    assert "Time it three times" in html
    response = client.get(
        f"{BASE}/compare", query_string={"from": school["v1"], "to": "main", "path": SPEED}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/compare/{school['v1']}...main?path={SPEED}"


def test_compare_form_explains_a_version_that_does_not_exist(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    response = client.get(f"{BASE}/compare", query_string={"from": "main~2", "to": "f" * 12})
    assert response.status_code == 200
    html = _text(response)
    assert "“main~2” is not a valid version of the course." in html
    assert "This course has no version “ffffffffffff”." in html


# Blame -------------------------------------------------------------------------------------


def test_blame_groups_lines_by_the_commit_that_last_changed_them(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    html = _text(client.get(f"{BASE}/blame/motion/speed"))
    rows = html.split('<tr class="blame-group">')[1:]
    by_line = {}
    for row in rows:
        for sha in (school["v1"], school["v2"], school["v3"]):
            if f"/commit/{sha}" in row:
                by_line.update(dict.fromkeys(row.split('class="blame-line"')[1:], sha))
    push = next(sha for text, sha in by_line.items() if "Students push a cart." in text)
    times = next(sha for text, sha in by_line.items() if "three times" in text)
    title = next(sha for text, sha in by_line.items() if "title: Speed" in text)
    assert (push, times, title) == (school["v3"], school["v2"], school["v1"])
    assert "Partner" in html and "Lead" in html and "Member" in html


def test_blame_at_an_earlier_version(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["reader"])
    html = _text(client.get(f"{BASE}/blame/motion/speed?rev={school['v1']}"))
    assert "twice" in html and "three times" not in html
    assert f"/commit/{school['v2']}" not in html


def test_blame_of_a_missing_lesson_is_not_found(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["reader"])
    assert client.get(f"{BASE}/blame/motion/nothing").status_code == 404


# Restore -----------------------------------------------------------------------------------


def test_restoring_a_version_makes_a_new_commit_with_its_content(
    client: Any, school: dict[str, Any]
) -> None:
    course = school["course"]
    before = git(course, "rev-list", "main").split()
    client.login_as(school["member"])
    response = client.post(f"{BASE}/restore/motion/speed", data={"rev": school["v1"]})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/lessons/motion/speed"
    after = git(course, "rev-list", "main").split()
    assert after[1:] == before  # one new commit on top; nothing rewritten
    assert git(course, "show", f"main:{SPEED}") == V1
    assert git(course, "log", "-1", "--format=%an|%s", "main").startswith("Member|Restore lesson")
    verbs = db.session.scalars(db.select(Activity.verb).filter_by(course_id=course.id)).all()
    assert "restored" in verbs
    page = _text(client.get(f"{BASE}/lessons/motion/speed"))
    assert "Restored the lesson as it was in the version of" in page


def test_restoring_a_lesson_under_its_earlier_name_keeps_the_current_name(
    client: Any, school: dict[str, Any]
) -> None:
    course, member = school["course"], school["member"]
    with repo_store().open(course.id) as repo:
        repo.commit(
            [Rename(SPEED, VELOCITY)], settings().author(member), "Rename", base=repo.head()
        )
    client.login_as(member)
    history = _text(client.get(f"{BASE}/history/motion/velocity"))
    assert f'name="from" value="{SPEED}"' in history  # earlier versions post their old name
    response = client.post(
        f"{BASE}/restore/motion/velocity", data={"rev": school["v1"], "from": SPEED}
    )
    assert response.status_code == 302
    assert git(course, "show", f"main:{VELOCITY}") == V1
    assert SPEED not in git(course, "ls-tree", "-r", "--name-only", "main")


def test_restoring_a_deleted_lesson_brings_it_back(client: Any, school: dict[str, Any]) -> None:
    course = school["course"]
    client.login_as(school["member"])
    response = client.delete(
        "/api/v1/n/school/physics/lessons/motion/speed", json={"base_commit": _head(school)}
    )
    assert response.status_code == 200, response.get_json()
    history = _text(client.get(f"{BASE}/history/motion/speed"))
    assert "Deleted: restore an earlier version" in history
    assert (
        client.post(f"{BASE}/restore/motion/speed", data={"rev": school["v3"]}).status_code == 302
    )
    assert git(course, "show", f"main:{SPEED}") == V3


@pytest.mark.parametrize(
    "who, button, csrf, status, message",
    [
        pytest.param("reader", False, True, 403, NOT_ALLOWED, id="reader"),
        pytest.param("member", True, False, 400, FORM_EXPIRED, id="member-without-form-token"),
    ],
)
def test_a_refused_restore_changes_nothing_and_says_why(
    app: Any,
    client: Any,
    school: dict[str, Any],
    who: str,
    button: bool,
    csrf: bool,
    status: int,
    message: str,
) -> None:
    client.login_as(school[who])
    shown = "Restore this version" in _text(client.get(f"{BASE}/history/motion/speed"))
    assert shown is button  # readers see no restore button
    head = _head(school)
    with unchanged(app, course=school["course"]):
        response = client.post(
            f"{BASE}/restore/motion/speed", data={"rev": school["v1"]}, csrf=csrf
        )
    assert response.status_code == status
    assert message in _text(response)
    assert _head(school) == head


def test_restoring_a_version_in_which_the_lesson_did_not_exist_explains_why(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    first = git(school["course"], "rev-list", "--max-parents=0", "main").strip()
    client.login_as(school["member"])
    with unchanged(app, course=school["course"]):
        response = client.post(f"{BASE}/restore/motion/speed", data={"rev": first})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/history/motion/speed"
    page = _text(client.get(response.headers["Location"]))
    assert "This lesson was not part of the course in the version of" in page


def test_prose_diff_compares_changed_lines_word_by_word_and_long_rewrites_whole() -> None:
    old = "Launch.\nStudents roll a cart.\nDiscuss.\n"
    new = "Launch.\nStudents push a cart.\nDiscuss.\nReflect.\n"
    assert prose_diff(old, new) == [
        ("equal", "Launch.\nStudents "),
        ("delete", "roll"),
        ("insert", "push"),
        ("equal", " a cart.\nDiscuss.\n"),
        ("insert", "Reflect.\n"),
    ]
    long_old = "word " * (MAX_WORD_BLOCK // 5) + "\nmore\n"
    long_new = "other " * (MAX_WORD_BLOCK // 6) + "\n"
    assert prose_diff("Title\n" + long_old, "Title\n" + long_new) == [
        ("equal", "Title\n"),
        ("delete", long_old),
        ("insert", long_new),
    ]


def test_long_unchanged_stretches_fold_to_three_lines_of_context() -> None:
    lines = [f"Line {n}.\n" for n in range(1, 21)]
    changed = lines[:10] + ["Line 11, revised.\n"] + lines[11:]
    runs = collapse_unchanged(prose_diff("".join(lines), "".join(changed)))
    assert runs == [
        ("skip", "7"),
        ("equal", "Line 8.\nLine 9.\nLine 10.\nLine 11"),
        ("insert", ", revised"),
        ("equal", ".\nLine 12.\nLine 13.\nLine 14.\n"),
        ("skip", "6"),
    ]
