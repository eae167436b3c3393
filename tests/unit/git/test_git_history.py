"""History pages: cursor paging without gaps or duplicates, and file history across renames."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from gitengine_support import ANA, BO, COURSE_FILES, CY, LESSON, Clone, lines, run_git

from workspace.git import CourseRepo, InvalidRevision, Rename, Write


def _all_pages(repo: CourseRepo, limit: int, path: str | None = None, rev: str = "main"):
    """Return every commit id of the history, reading page after page."""
    seen: list[str] = []
    after = None
    for _ in range(1000):
        page = repo.history(rev, path=path, after=after, limit=limit)
        assert len(page.commits) <= limit
        seen += [c.sha for c in page.commits]
        if page.next_after is None:
            return seen
        assert len(page.commits) == limit
        after = page.next_after
    raise AssertionError("history paging never ended")


def _edits(repo: CourseRepo, count: int, start: str, path: str = LESSON) -> str:
    head = start
    for n in range(count):
        head = repo.commit([Write(path, lines((n % 20 + 1, f"edit {n}")))], ANA, "", head).commit
    return head


def test_history_lists_newest_first_with_commit_details(repo: CourseRepo, first_commit: str):
    head = repo.commit([Write(LESSON, lines((1, "x")))], BO, "Launch", first_commit).commit
    page = repo.history()
    assert [c.sha for c in page.commits] == [head, first_commit]
    assert page.commits[0].summary == "Launch"
    assert page.commits[0].author_name == BO.name
    assert page.next_after is None


@pytest.mark.parametrize("limit", [1, 2, 5, 7, 50])
def test_cursor_pages_cover_a_linear_history_exactly_once(
    repo: CourseRepo, first_commit: str, limit: int
):
    _edits(repo, 11, first_commit)
    expected = run_git(repo.path, "rev-list", "main").split()
    assert _all_pages(repo, limit) == expected


def test_a_cursor_is_the_last_commit_shown(repo: CourseRepo, first_commit: str):
    _edits(repo, 4, first_commit)
    page = repo.history(limit=2)
    assert page.next_after == page.commits[-1].sha
    later = repo.history(after=page.next_after, limit=2)
    expected = run_git(repo.path, "rev-list", "--skip=2", "-n2", "main").split()
    assert [c.sha for c in later.commits] == expected


def test_cursor_pages_cover_merged_branches_and_skewed_clocks_exactly_once(
    repo: CourseRepo, first_commit: str, tmp_path: Path
):
    base = 1_700_000_000
    clone = Clone(repo.path, tmp_path / "clone")
    clone.git("checkout", "-q", "-b", "side")
    for n in range(6):  # a side branch whose clock runs a day ahead of main
        clone.commit({f"side/{n}.md": b"s\n"}, f"side {n}", when=base + 86400 + n)
    clone.git("checkout", "-q", "main")
    for n in range(5):
        clone.commit({f"main/{n}.md": b"m\n"}, f"main {n}", when=base + 10 * n)
    clone.git("merge", "-q", "--no-ff", "-m", "merge side", "side", when=base + 100)
    clone.commit({"after.md": b"a\n"}, "after", when=base + 50)  # older than its parent
    clone.push()
    repo.commit([Write(LESSON, lines((1, "web")))], ANA, "", repo.head())

    expected = run_git(repo.path, "rev-list", "main").split()
    for limit in (1, 2, 3, 4, 50):
        pages = _all_pages(repo, limit)
        assert len(pages) == len(set(pages)), f"duplicates at limit {limit}"
        assert set(pages) == set(expected), f"gaps at limit {limit}"
        position = {sha: i for i, sha in enumerate(pages)}
        for sha in pages:  # every commit comes after all its children
            for parent in repo.commit_info(sha).parents:
                assert position[parent] > position[sha]


def test_file_history_lists_only_commits_that_touched_the_file(repo: CourseRepo, first_commit: str):
    head = _edits(repo, 3, first_commit)
    head = repo.commit([Write("README.md", b"other\n")], ANA, "", head).commit
    expected = run_git(repo.path, "rev-list", "main", "--", LESSON).split()
    assert len(expected) == 4
    assert [c.sha for c in repo.history(path=LESSON).commits] == expected
    assert _all_pages(repo, 1, path=LESSON) == expected
    assert [c.sha for c in repo.history(path="README.md").commits] == [head, first_commit]


def test_file_history_follows_renames(repo: CourseRepo, first_commit: str):
    middle = "units/energy/lessons/energy-transfer.md"
    final = "units/power/lessons/energy-transfer.md"
    head = _edits(repo, 2, first_commit)
    head = repo.commit([Rename(LESSON, middle)], BO, "", head).commit
    head = _edits(repo, 2, head, path=middle)
    head = repo.commit([Rename(middle, final, lines((20, "moved")))], CY, "", head).commit
    head = _edits(repo, 1, head, path=final)
    head = repo.commit([Write("README.md", b"unrelated\n")], ANA, "", head).commit

    expected = run_git(repo.path, "log", "--follow", "--format=%H", "main", "--", final).split()
    assert len(expected) == 8  # created, 2 edits, rename, 2 edits, rename with edit, edit
    assert [c.sha for c in repo.history(path=final).commits] == expected
    for limit in (1, 2, 3, 5):
        assert _all_pages(repo, limit, path=final) == expected
    # The old name's history stops where it was renamed away.
    assert repo.history(path=LESSON).commits[0].summary == f"Rename {LESSON} to {middle}"


def test_file_history_from_an_older_revision(repo: CourseRepo, first_commit: str):
    old = _edits(repo, 2, first_commit)
    _edits(repo, 2, old)
    shas = [c.sha for c in repo.history(old, path=LESSON).commits]
    assert shas == run_git(repo.path, "rev-list", old, "--", LESSON).split()


def test_history_of_a_file_that_never_existed_is_empty(repo: CourseRepo):
    page = repo.history(path="units/none.md")
    assert (page.commits, page.next_after) == ([], None)


def test_page_size_is_capped(repo: CourseRepo, first_commit: str):
    _edits(repo, 3, first_commit)
    assert len(repo.history(limit=0).commits) == 1
    assert len(repo.history(limit=10_000).commits) == 4


@pytest.mark.parametrize("cursor", ["zz", "0123456789" * 4 + ".nothex", "--all", "main..x"])
def test_a_damaged_cursor_is_refused(repo: CourseRepo, cursor: str):
    with pytest.raises(InvalidRevision):
        repo.history(after=cursor)


def _pages_with_files(repo: CourseRepo, limit: int, path: str | None = None):
    """Return every commit of the history read `with_files`, page after page."""
    found = []
    after = None
    while True:
        page = repo.history(path=path, after=after, limit=limit, with_files=True)
        found += page.commits
        if page.next_after is None:
            return found
        after = page.next_after


def test_history_with_files_lists_each_commits_changes_and_details(
    repo: CourseRepo, first_commit: str, tmp_path: Path
):
    clone = Clone(repo.path, tmp_path / "clone")
    clone.git("checkout", "-q", "-b", "side")
    clone.commit({"side/notes.md": b"s\n"}, "side notes")
    clone.git("checkout", "-q", "main")
    clone.commit({"main/notes.md": b"m\n"}, "main notes")
    clone.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    clone.push()
    head = repo.commit([Rename(LESSON, "units/energy/lessons/moved.md")], BO, "", repo.head())
    repo.commit(
        [Write(LESSON, b"new\n")], CY, "Body\n\nCo-authored-by: Ana <a@x.test>\n", head.commit
    )

    plain = [c.sha for c in repo.history(limit=50).commits]
    for limit in (1, 3, 50):
        commits = _pages_with_files(repo, limit)
        assert [c.sha for c in commits] == plain
        for commit in commits:
            assert commit.files == repo.changed_files(commit.sha)
            assert replace(commit, files=None) == repo.commit_info(commit.sha)
    merge = next(c for c in commits if c.summary == "merge side")
    assert [f.path for f in merge.files or []] == ["side/notes.md"]
    assert {f.path for f in commits[-1].files or []} == set(COURSE_FILES)
    assert all(c.files is None for c in repo.history(limit=50).commits)


def test_file_history_with_files_shows_the_files_change_under_each_name(
    repo: CourseRepo, first_commit: str
):
    middle = "units/energy/lessons/energy-transfer.md"
    final = "units/power/lessons/energy-transfer.md"
    head = _edits(repo, 2, first_commit)
    head = repo.commit([Rename(LESSON, middle)], BO, "", head).commit
    head = _edits(repo, 1, head, path=middle)
    head = repo.commit([Rename(middle, final, lines((20, "moved")))], CY, "", head).commit
    head = repo.commit([Write(final, b"x\n"), Write("README.md", b"y\n")], ANA, "", head).commit

    expected = [
        ("M", final, None),
        ("R", final, middle),
        ("M", middle, None),
        ("R", middle, LESSON),
        ("M", LESSON, None),
        ("M", LESSON, None),
        ("A", LESSON, None),
    ]
    plain = [c.sha for c in repo.history(path=final).commits]
    for limit in (1, 2, 3, 50):
        commits = _pages_with_files(repo, limit, path=final)
        assert [c.sha for c in commits] == plain
        assert [(f.status, f.path, f.old_path) for c in commits for f in c.files or []] == expected
        for commit in commits:  # the commits' own parents, not the file's simplified ones
            assert replace(commit, files=None) == repo.commit_info(commit.sha)
