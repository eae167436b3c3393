"""History pages: course and lesson history by cursor, commits, comparisons, blame, restore."""

from __future__ import annotations

import re
from typing import Any

import pytest
from courses_support import commit_files, git, lesson_file, make_course, make_school

from workspace.git import Rename, Write
from workspace.runtime import ctx, repo_store, settings
from workspace.services import reading as history
from workspace.services.context import LessonRef

SPEED = "units/motion/lessons/speed.md"
VELOCITY = "units/motion/lessons/velocity.md"
BASE = "/n/school/physics"
COMMIT_LINK = re.compile(
    r'class="history-entry__summary" href="/n/school/physics/commit/([0-9a-f]{40})"'
)
OLDER_LINK = re.compile(r'rel="next" href="([^"]+)"')


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network)
    data["course"] = make_course(data["network"], data["lead"])
    return data


def _text(response: Any) -> str:
    return response.get_data(as_text=True)


def _unescape(url: str) -> str:
    return url.replace("&amp;", "&")


def _walk_history(client: Any, url: str) -> tuple[list[str], int]:
    """Return every commit id listed by following "Older" links, and how many pages it took."""
    seen: list[str] = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html = _text(response)
        seen += COMMIT_LINK.findall(html)
        pages += 1
        older = OLDER_LINK.search(html)
        url = _unescape(older.group(1)) if older else ""
    return seen, pages


# Course history ----------------------------------------------------------------------------


def test_course_history_pages_by_cursor_without_gaps_or_duplicates(
    client: Any, school: dict[str, Any]
) -> None:
    course, author = school["course"], settings().author(school["member"])
    with repo_store().open(course.id) as repo:
        for number in range(120):
            change = Write(f"units/motion/lessons/l{number % 7}.md", f"# Draft {number}\n".encode())
            repo.commit([change], author, f"Edit number {number}", base=repo.head())
    client.login_as(school["reader"])
    seen, pages = _walk_history(client, f"{BASE}/history")
    expected = git(course, "rev-list", "--topo-order", "main").split()
    assert len(expected) == 121
    assert seen == expected
    assert pages == 3


def test_course_history_entry_shows_author_message_and_the_change_by_title(
    client: Any, school: dict[str, Any]
) -> None:
    sha = commit_files(
        school["course"], school["member"], {SPEED: lesson_file("Speed")}, "Add the speed lesson"
    )
    client.login_as(school["reader"])
    html = _text(client.get(f"{BASE}/history"))
    entry = next(e for e in html.split('<li class="history-entry">') if f"/commit/{sha}" in e)
    assert "Add the speed lesson" in entry and "Member" in entry
    assert "Added the lesson \u201cSpeed\u201d to \u201cMotion\u201d" in entry
    # The file's name and the id are there for Git users only.
    for_git = entry.split('<details class="for-git">')[1]
    assert f"<code>{SPEED}</code>" in for_git and f"<code>{sha}</code>" in for_git
    assert 'rel="next"' not in html  # two commits fit on one page: no "Older" link


def test_history_of_a_course_in_a_private_network_is_hidden_from_outsiders(
    client: Any, school: dict[str, Any]
) -> None:
    assert client.get(f"{BASE}/history").status_code == 404
    client.login_as(school["outsider"])
    assert client.get(f"{BASE}/history").status_code == 404
    assert client.get(f"{BASE}/history/getting-started/first-lesson").status_code == 404


def test_history_of_a_public_course_is_open_to_anonymous_readers(
    client: Any, make_user: Any, make_network: Any
) -> None:
    data = make_school(make_user, make_network, public=True)
    make_course(data["network"], data["lead"])
    response = client.get(f"{BASE}/history")
    assert response.status_code == 200
    assert "Create course: Physics in Motion" in _text(response)
    assert "Restore this version" not in _text(
        client.get(f"{BASE}/history/getting-started/first-lesson")
    )


# Lesson history ----------------------------------------------------------------------------


def _renamed_lesson(school: dict[str, Any]) -> dict[str, str]:
    """Commit: add speed, edit it, rename it to velocity, edit velocity; return the ids."""
    course, member = school["course"], school["member"]
    ids = {"add": commit_files(course, member, {SPEED: lesson_file("Speed", "Fast.\n")}, "Add")}
    ids["edit"] = commit_files(course, member, {SPEED: lesson_file("Speed", "Faster.\n")}, "Edit")
    commit_files(course, member, {"units/motion/unit.md": "---\ntitle: Motion\n---\n"}, "Unit")
    with repo_store().open(course.id) as repo:
        ids["rename"] = repo.commit(
            [Rename(SPEED, VELOCITY)], settings().author(member), "Rename", base=repo.head()
        ).commit
    ids["after"] = commit_files(
        course, school["lead"], {VELOCITY: lesson_file("Velocity", "Faster.\n")}, "Retitle"
    )
    return ids


def test_lesson_history_follows_a_rename_and_links_each_version(
    client: Any, school: dict[str, Any]
) -> None:
    ids = _renamed_lesson(school)
    client.login_as(school["reader"])
    html = _text(client.get(f"{BASE}/history/motion/velocity"))
    assert COMMIT_LINK.findall(html) == [ids["after"], ids["rename"], ids["edit"], ids["add"]]
    assert f"(was <code>{SPEED}</code>)" in html
    # Versions from before the rename open the lesson under its name at the time.
    assert f"{BASE}/lessons/motion/speed?rev={ids['edit']}" in html
    assert f"{BASE}/lessons/motion/velocity?rev={ids['after']}" in html
    # "Compare with current" names the lesson both ways, so the comparison shows the rename.
    both = f"path={SPEED}&amp;path={VELOCITY}"
    assert f"{BASE}/compare/{ids['add']}...main?{both}" in html
    # From a version similar enough for git to see the rename, the comparison shows it.
    compared = _text(
        client.get(f"{BASE}/compare/{ids['edit']}...main?{both.replace('&amp;', '&')}")
    )
    assert f"(was <code>{SPEED}</code>)" in compared
    assert both in compared  # the view tabs keep both names
    assert f"{BASE}/compare/{ids['after']}...main?path={VELOCITY}" in html


def test_comparing_a_version_from_before_a_rename_with_both_names_shows_the_rename(
    app: Any, school: dict[str, Any]
) -> None:
    ids = _renamed_lesson(school)
    course = school["course"]
    with app.app_context():
        found = history.lesson_history_page(ctx(), LessonRef(course, "motion", "velocity"))
        assert found.path == VELOCITY and found.exists
        entry = next(e for e in found.page.entries if e.commit.sha == ids["edit"])
        assert entry.compare_paths(VELOCITY) == [SPEED, VELOCITY]
        assert found.page.entries[0].compare_paths(VELOCITY) == [VELOCITY]
        compared = history.compare_page(ctx(), course, ids["edit"], "main", [SPEED, VELOCITY])
        assert [(f.diff.status, f.diff.path, f.diff.old_path) for f in compared.changes.files] == [
            ("R", VELOCITY, SPEED)
        ]
        assert (compared.old.sha, compared.new.sha) == (ids["edit"], ids["after"])
        only_new = history.compare_page(ctx(), course, ids["edit"], "main", VELOCITY)
        assert [f.diff.status for f in only_new.changes.files] == ["A"]


def test_lesson_created_with_the_course_shows_as_added_in_the_first_commit(
    client: Any, school: dict[str, Any]
) -> None:
    first = git(school["course"], "rev-list", "--max-parents=0", "main").strip()
    path = "units/getting-started/lessons/first-lesson.md"
    client.login_as(school["reader"])
    html = _text(client.get(f"{BASE}/history/getting-started/first-lesson"))
    assert COMMIT_LINK.findall(html) == [first]
    assert f'change-status--a">added</span> <code>{path}</code>' in html
    assert f"{BASE}/lessons/getting-started/first-lesson?rev={first}" in html


def test_lesson_history_pages_follow_renames_across_pages(
    client: Any, school: dict[str, Any]
) -> None:
    course, author = school["course"], settings().author(school["member"])
    with repo_store().open(course.id) as repo:
        for number in range(30):
            repo.commit([Write(SPEED, f"v{number}\n".encode())], author, "Speed", repo.head())
        repo.commit([Rename(SPEED, VELOCITY)], author, "Rename", base=repo.head())
        for number in range(30):
            repo.commit([Write(VELOCITY, f"w{number}\n".encode())], author, "Vel", repo.head())
    client.login_as(school["reader"])
    seen, pages = _walk_history(client, f"{BASE}/history/motion/velocity")
    expected = git(course, "log", "--format=%H", "--follow", "main", "--", VELOCITY).split()
    assert seen == expected and len(seen) == 61
    assert pages == 2


def test_lesson_history_of_an_unknown_or_misnamed_lesson_is_not_found(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    assert client.get(f"{BASE}/history/motion/nothing").status_code == 404
    assert client.get(f"{BASE}/history/Motion/..%2Fx").status_code == 404


# Commit page -------------------------------------------------------------------------------


def test_commit_page_shows_prose_changes_word_by_word_and_unified_text_for_git_users(
    client: Any, school: dict[str, Any]
) -> None:
    course, member = school["course"], school["member"]
    text = "Students roll a cart down a ramp and time it.\n"
    commit_files(course, member, {SPEED: lesson_file("Speed", text)}, "Add")
    changed = text.replace("roll a cart", "push a heavy cart")
    sha = commit_files(course, school["lead"], {SPEED: lesson_file("Speed", changed)}, "Heavier")
    client.login_as(school["reader"])
    html = _text(client.get(f"{BASE}/commit/{sha}"))
    teachers, for_git = html.split('<details class="for-git">')
    assert "Heavier" in teachers and "Lead edited \u201cSpeed\u201d today" in teachers
    assert "<del>roll</del><ins>push</ins> a<ins> heavy</ins> cart" in teachers
    assert '<del class="del">-Students roll a cart down a ramp and time it.</del>' in for_git
    assert '<ins class="add">+Students push a heavy cart down a ramp and time it.</ins>' in for_git
    assert '<span class="hunk">@@' in for_git


def test_commit_page_lists_parents_co_authors_and_binary_files(
    client: Any, school: dict[str, Any]
) -> None:
    course = school["course"]
    parent = git(course, "rev-parse", "main").strip()
    message = "Add a diagram\n\nDrawn in class.\n\nCo-authored-by: Rosa Diaz <rosa@example.org>\n"
    sha = commit_files(
        course, school["member"], {"units/motion/lessons/images/d.png": b"\x89PNG\0\1\2"}, message
    )
    client.login_as(school["reader"])
    html = _text(client.get(f"{BASE}/commit/{sha}"))
    assert "Rosa Diaz" in html and "Drawn in class." in html
    assert f'href="{BASE}/commit/{parent}"' in html
    assert "Binary file: its contents cannot be shown as text." in html


def test_first_commit_shows_the_course_started_and_every_file_added_for_git_users(
    client: Any, school: dict[str, Any]
) -> None:
    first = git(school["course"], "rev-list", "--max-parents=0", "main").strip()
    client.login_as(school["reader"])
    html = _text(client.get(f"{BASE}/commit/{first}"))
    teachers, for_git = html.split('<details class="for-git">')
    assert "This is the first version of the course." in teachers
    assert "Lead started the course \u201cPhysics in Motion\u201d and made 3 more changes" in html
    assert "Added the unit \u201cGetting started\u201d" in teachers
    assert "Added the course\u2019s introduction" in teachers
    assert "<code>course.yaml</code>" in for_git
    assert for_git.count('class="change-status change-status--a"') == 4


HOSTILE_REVS = [
    "zzz",
    "a" * 40,
    "main~1",
    "HEAD^",
    "--output=x",
    "main..HEAD",
    "@{-1}",
    "%00",
    "ab",
    "refs%2Fheads%2Fother",
]


def test_hostile_or_unknown_revisions_are_not_found_with_a_clear_message(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["member"])
    lesson = "getting-started/first-lesson"
    for rev in HOSTILE_REVS:
        for url in [
            f"{BASE}/commit/{rev}",
            f"{BASE}/compare/{rev}...main",
            f"{BASE}/compare/main...{rev}",
            f"{BASE}/blame/{lesson}?rev={rev}",
            f"{BASE}/history?after={rev}",
            f"{BASE}/history/{lesson}?after={rev}",
        ]:
            response = client.get(url)
            assert response.status_code == 404, url
            # The engine's message ("not a valid version", "has no version", "link is damaged"),
            # or the general one where the URL does not reach the view ("%2F" is a "/").
            said = re.search(
                r"valid version|has no version|link is damaged|nothing here", _text(response)
            )
            assert said is not None, url
        response = client.post(f"{BASE}/restore/{lesson}", data={"rev": rev})
        assert response.status_code == 404, rev


def test_a_damaged_history_cursor_is_not_found(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["member"])
    head = git(school["course"], "rev-parse", "main").strip()
    for after in [f"{head}.zzz", f"{head}:../../etc/passwd", f"{head}.{'b' * 40}"]:
        assert client.get(f"{BASE}/history", query_string={"after": after}).status_code == 404
