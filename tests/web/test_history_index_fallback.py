"""The path-history index while it is behind, across merged branches, and as it is filled:
pages stay right (walking git when the index cannot answer), cursors made by either reader
continue in the other, and web saves and pushes keep it at main."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from courses_support import commit_files, git, lesson_file, make_course, make_school
from sqlalchemy import select
from teacher_language import git_words

from workspace.git import Rename
from workspace.models import HistoryState, PathChange
from workspace.runtime import ctx, repo_store, settings
from workspace.services import history, reading
from workspace.services.context import LessonRef

SPEED = "units/motion/lessons/speed.md"
VELOCITY = "units/motion/lessons/velocity.md"


@pytest.fixture
def school(app: Any, make_user: Any, make_network: Any) -> Any:
    with app.app_context():
        data = make_school(make_user, make_network)
        data["course"] = make_course(data["network"], data["lead"])
        yield data


def _pages(course: Any, path: str, limit: int) -> list[str]:
    """Return every commit of the lesson's history through the reading use case, page by page."""
    seen: list[str] = []
    after = None
    while True:
        page = reading.course_history_page(ctx(), course, after, limit, path=path)
        seen += [e.commit.sha for e in page.entries]
        if page.next_after is None:
            return seen
        after = page.next_after


def _follow(course: Any, path: str) -> list[str]:
    return git(course, "log", "--follow", "--format=%H", "main", "--", path).split()


def _edits(course: Any, user: Any, count: int, path: str = SPEED) -> None:
    for n in range(count):
        commit_files(course, user, {path: lesson_file("Speed", f"Version {n}.\n")}, f"Edit {n}")


def test_a_course_made_in_the_app_is_indexed_from_its_first_commit(school: Any) -> None:
    course = school["course"]
    state = history.state_of(ctx(), course.id)
    assert state is not None and state.head == git(course, "rev-parse", "main").strip()
    assert history.progress(ctx(), course.id).current


def test_while_the_index_is_behind_pages_walk_git_and_stay_right(school: Any) -> None:
    course = school["course"]
    _edits(course, school["member"], 7)  # commits made outside the app: no events
    with repo_store().open(course.id) as repo:
        assert history.file_history(ctx(), repo, course.id, SPEED, None, 3) is None
    assert _pages(course, SPEED, 3) == _follow(course, SPEED)
    # Reading it queued the catch-up (inline in tests): now the index answers, the same.
    assert history.progress(ctx(), course.id).current
    with repo_store().open(course.id) as repo:
        assert history.file_history(ctx(), repo, course.id, SPEED, None, 3) is not None
    assert _pages(course, SPEED, 3) == _follow(course, SPEED)


def test_a_cursor_from_the_git_walk_continues_in_the_index_and_back(school: Any) -> None:
    course, author = school["course"], settings().author(school["member"])
    _edits(course, school["member"], 5)
    with repo_store().open(course.id) as repo:
        repo.commit([Rename(SPEED, VELOCITY)], author, "Rename", base=repo.head())
    _edits(course, school["member"], 5, VELOCITY)
    expected = _follow(course, VELOCITY)
    with repo_store().open(course.id) as repo:
        walked = repo.history("main", path=VELOCITY, limit=4)  # the index is behind
    history.catch_up(ctx(), course.id)
    rest = _pages_after(course, VELOCITY, walked.next_after, 4)
    assert [c.sha for c in walked.commits] + rest == expected
    # And a cursor the index made is followed by git, should the index not answer.
    with repo_store().open(course.id) as repo:
        page = history.file_history(ctx(), repo, course.id, VELOCITY, None, 7)
        assert page is not None and page.next_after is not None
        assert ":" + SPEED in page.next_after  # past the rename, the earlier name
        later = repo.history("main", path=VELOCITY, after=page.next_after, limit=50)
    assert [c.sha for c in page.commits + later.commits] == expected


def _pages_after(course: Any, path: str, after: str | None, limit: int) -> list[str]:
    seen: list[str] = []
    while after is not None:
        page = reading.course_history_page(ctx(), course, after, limit, path=path)
        seen += [e.commit.sha for e in page.entries]
        after = page.next_after
    return seen


def _clone(course: Any, where: Path) -> Any:
    origin = repo_store().path_for(course.id)
    subprocess.run(["git", "clone", "-q", str(origin), str(where)], check=True)

    def run(*args: str) -> str:
        env = {
            "GIT_AUTHOR_NAME": "Bo",
            "GIT_AUTHOR_EMAIL": "bo@example.test",
            "GIT_COMMITTER_NAME": "Bo",
            "GIT_COMMITTER_EMAIL": "bo@example.test",
            "PATH": "/usr/bin:/bin",
            "HOME": str(where),
        }
        done = subprocess.run(["git", "-C", str(where), *args], capture_output=True, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout.decode()

    return run


def _write(where: Path, name: str, text: str) -> None:
    (where / name).parent.mkdir(parents=True, exist_ok=True)
    (where / name).write_text(text)


def test_merged_branches_page_without_gaps_or_repeats_in_either_reader(
    school: Any, tmp_path: Path
) -> None:
    course = school["course"]
    commit_files(course, school["member"], {SPEED: lesson_file("Speed", "One.\n")}, "Add")
    where = tmp_path / "clone"
    run = _clone(course, where)
    run("checkout", "-q", "-b", "side")
    for n in range(4):
        _write(where, SPEED, lesson_file("Speed", f"One.\n\nSide {n}.\n"))
        run("commit", "-qam", f"side {n}")
    run("checkout", "-q", "main")
    for n in range(3):
        _write(where, "units/motion/unit.md", f"---\ntitle: Motion {n}\n---\n")
        run("add", "-A")
        run("commit", "-qm", f"main {n}")
        _write(where, SPEED, lesson_file("Speed", f"Top {n}.\n\nOne.\n"))
        run("commit", "-qam", f"main speed {n}")
    run("merge", "-q", "--no-edit", "side")
    _write(where, SPEED, lesson_file("Speed", "Top.\n\nOne.\n\nSide.\n\nAfter.\n"))
    run("commit", "-qam", "after the merge")
    run("push", "-q", "origin", "main")
    expected = git(course, "log", "--format=%H", "--full-history", "main", "--", SPEED).split()
    for limit in (1, 2, 3, 50):
        walked = _pages(course, SPEED, limit)  # the push came outside the app: git walks
        assert len(walked) == len(set(walked))
        history.catch_up(ctx(), course.id)
        indexed = _pages(course, SPEED, limit)
        assert len(indexed) == len(set(indexed))
        assert set(indexed) >= set(walked)
        # Every version that changed the lesson, the merge only if it made a new text.
        assert set(indexed) == set(expected) - _merges_taking_a_side(course, expected)
        position = {sha: n for n, sha in enumerate(indexed)}
        for sha in indexed:  # newer versions before older ones
            for parent in git(course, "log", "-1", "--format=%P", sha).split():
                if parent in position:
                    assert position[parent] > position[sha]


def _merges_taking_a_side(course: Any, shas: list[str]) -> set[str]:
    found = set()
    for sha in shas:
        parents = git(course, "log", "-1", "--format=%P", sha).split()
        if len(parents) > 1:
            mine = git(course, "rev-parse", f"{sha}:{SPEED}").strip()
            theirs = {git(course, "rev-parse", f"{p}:{SPEED}").strip() for p in parents}
            if mine in theirs:
                found.add(sha)
    return found


def test_a_web_save_keeps_the_index_at_main(school: Any, client: Any) -> None:
    course = school["course"]
    client.login_as(school["member"])
    head = git(course, "rev-parse", "main").strip()
    response = client.put(
        "/api/v1/n/school/physics/lessons/getting-started/first-lesson",
        json={"content": lesson_file("First", "Changed.\n"), "base_commit": head},
    )
    assert response.status_code == 200, response.get_json()
    state = history.state_of(ctx(), course.id)
    assert state is not None and state.head == response.get_json()["commit"]
    rows = (
        ctx()
        .session.scalars(select(PathChange).filter_by(course_id=course.id, commit=state.head))
        .all()
    )
    assert [(r.kind, r.path, r.parent) for r in rows] == [
        ("M", "units/getting-started/lessons/first-lesson.md", head)
    ]


def test_many_commits_at_once_go_to_the_backfill_job(school: Any) -> None:
    course = school["course"]
    for n in range(history.INLINE_LIMIT + 3):
        commit_files(course, school["member"], {SPEED: f"v{n}\n"}, f"Edit {n}")
    assert history.catch_up(ctx(), course.id, limit=history.INLINE_LIMIT) is None
    history.follow_change(ctx(), course.id)  # queues the job; tests run jobs inline
    assert history.progress(ctx(), course.id).current
    assert _pages(course, SPEED, 40) == _follow(course, SPEED)


def test_backfill_reports_progress_and_leaves_the_index_at_main(school: Any) -> None:
    course = school["course"]
    state = ctx().session.get(HistoryState, course.id)
    ctx().session.delete(state)
    ctx().session.commit()
    _edits(course, school["member"], 12)
    reports: list[history.Progress] = []
    before = history.progress(ctx(), course.id)
    assert not before.current and before.percent == 0
    original, history_batch = history.BATCH, 5
    try:
        import workspace.services.history._index as index_module

        index_module.BATCH = history_batch
        history.catch_up(ctx(), course.id, report=reports.append)
    finally:
        index_module.BATCH = original
    assert [r.indexed for r in reports] == [5, 10, 13]
    assert reports[-1].current and history.progress(ctx(), course.id).percent == 100
    assert _pages(course, SPEED, 4) == _follow(course, SPEED)


def test_blame_is_cached_and_built_one_diff_per_new_version(school: Any) -> None:
    course = school["course"]
    ref = LessonRef(course, "motion", "speed")
    commit_files(course, school["member"], {SPEED: lesson_file("Speed", "One.\nTwo.\n")}, "A")
    history.catch_up(ctx(), course.id)
    first = reading.blame_page(ctx(), ref)
    commit_files(course, school["lead"], {SPEED: lesson_file("Speed", "One.\n2.\n")}, "B")
    history.catch_up(ctx(), course.id)
    second = reading.blame_page(ctx(), ref)
    expected = git(course, "blame", "--porcelain", "main", "--", SPEED)
    shas = [raw.split()[0] for raw in expected.splitlines() if raw and not raw.startswith("\t")]
    shas = [sha for sha in shas if len(sha) == 40]
    assert [line.sha for g in second.groups for line in g.lines] == shas
    assert first.commit != second.commit
    cached = (
        ctx()
        .session.execute(
            PathChange.metadata.tables["blame_cache"]
            .select()
            .where(PathChange.metadata.tables["blame_cache"].c.course_id == course.id)
        )
        .all()
    )
    assert len(cached) == 2  # one per version, the second built from the first


def test_leaders_see_the_index_being_prepared_and_the_command_reports_it(
    school: Any, client: Any, app: Any
) -> None:
    course = school["course"]
    ctx().session.delete(ctx().session.get(HistoryState, course.id))
    ctx().session.commit()
    with repo_store().open(course.id) as repo:
        head = repo.head()
    ctx().session.add(HistoryState(course_id=course.id, seq=0, indexed=3, total=12))
    ctx().session.commit()
    client.login_as(school["lead"])
    page = client.get("/n/school/physics/history").get_data(as_text=True)
    assert "Preparing faster lesson histories: 3 of 12 versions read (25%)" in page
    assert git_words(page) == []
    client.login_as(school["member"])
    assert "Preparing" not in client.get("/n/school/physics/history").get_data(as_text=True)
    printed = app.test_cli_runner().invoke(args=["history-index"]).output
    assert f"Course {course.id}: 3 of 12 commits indexed (25%)." in printed
    built = app.test_cli_runner().invoke(args=["history-index", "--build"]).output
    assert f"Course {course.id}: current (1 commit)." in built
    assert "Every history index is current." in built
    assert history.state_of(ctx(), course.id).head == head  # type: ignore[union-attr]
