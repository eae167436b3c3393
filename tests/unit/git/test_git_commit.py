"""Saving writes, deletions and renames as commits by the acting teacher."""

from __future__ import annotations

import pytest
from gitengine_support import ANA, BO, LESSON, LESSON_TEXT, fsck, lines, run_git

from workspace.git import (
    BaseNotInHistory,
    CourseRepo,
    Delete,
    InvalidPath,
    PathExists,
    PathNotFound,
    Rename,
    RevisionNotFound,
    Write,
)

NEW_LESSON = "units/energy/lessons/power.md"


def test_a_save_on_head_commits_with_the_author_as_author_and_committer(
    repo: CourseRepo, first_commit: str
):
    result = repo.commit([Write(LESSON, lines((5, "new line five")))], BO, "Edit", first_commit)

    assert (result.status, result.merged_with, result.unchanged) == ("committed", [], False)
    assert repo.head() == result.commit
    info = repo.commit_info(result.commit)
    assert info.parents == [first_commit]
    assert (info.author_name, info.committer_name) == (BO.name, BO.name)
    assert repo.read_file(LESSON) == lines((5, "new line five"))
    fsck(repo.path)


def test_writes_deletes_and_renames_land_in_one_commit(repo: CourseRepo, first_commit: str):
    result = repo.commit(
        [
            Write(NEW_LESSON, b"# Power\n"),
            Delete("README.md"),
            Rename(LESSON, "units/energy/lessons/energy-transfer.md", b"moved and edited\n"),
        ],
        ANA,
        "Reorganize energy",
        first_commit,
    )
    assert repo.commit_info(result.commit).parents == [first_commit]
    assert repo.read_file(NEW_LESSON) == b"# Power\n"
    assert not repo.exists("README.md")
    assert not repo.exists(LESSON)
    assert repo.read_file("units/energy/lessons/energy-transfer.md") == b"moved and edited\n"
    fsck(repo.path)


def test_a_rename_without_data_keeps_the_content(repo: CourseRepo, first_commit: str):
    repo.commit([Rename(LESSON, "units/power/lessons/transfer.md")], ANA, "", first_commit)
    assert repo.read_file("units/power/lessons/transfer.md") == LESSON_TEXT
    assert not repo.exists(LESSON)


def test_deleting_the_last_file_of_a_folder_removes_the_folder(repo: CourseRepo, first_commit: str):
    repo.commit([Delete("units/energy/unit.md")], ANA, "", first_commit)
    head = repo.head()
    repo.commit([Delete("units/energy/lessons/images/diagram.png")], ANA, "", head)
    assert not repo.exists("units/energy/lessons/images")
    assert repo.exists("units/energy/lessons")
    fsck(repo.path)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ([Write(LESSON, b"x\n")], f"Edit {LESSON}"),
        ([Write(NEW_LESSON, b"x\n")], f"Add {NEW_LESSON}"),
        ([Delete(LESSON)], f"Delete {LESSON}"),
        ([Rename(LESSON, NEW_LESSON)], f"Rename {LESSON} to {NEW_LESSON}"),
        ([Write(LESSON, b"x\n"), Write("README.md", b"y\n")], f"Edit {LESSON} and 1 other file"),
        (
            [Write(NEW_LESSON, b"x\n"), Delete(LESSON), Delete("README.md")],
            f"Change {NEW_LESSON} and 2 other files",
        ),
        (
            [Rename(LESSON, NEW_LESSON), Delete("README.md")],
            f"Change {NEW_LESSON} and 1 other file",
        ),
    ],
)
def test_an_empty_message_becomes_a_description_of_the_changes(
    repo: CourseRepo, first_commit: str, changes: list, expected: str
):
    result = repo.commit(changes, ANA, "  \n ", first_commit)
    assert repo.commit_info(result.commit).message == expected + "\n"


def test_co_authors_are_credited_once_and_never_the_author_again(
    repo: CourseRepo, first_commit: str
):
    result = repo.commit([Write(LESSON, b"x\n")], ANA, "Pair edit", first_commit, [BO, ANA, BO])
    info = repo.commit_info(result.commit)
    assert info.message == f"Pair edit\n\nCo-authored-by: {BO.name} <{BO.email}>\n"
    assert info.co_authors == [BO]


def test_identity_characters_git_would_refuse_are_removed(repo: CourseRepo, first_commit: str):
    from workspace.git import Author

    odd = Author("Eve <script>\nInjected", "eve@example.test>\nx")
    result = repo.commit([Write(LESSON, b"x\n")], odd, "", first_commit)
    info = repo.commit_info(result.commit)
    assert "<" not in info.author_name and "\n" not in info.author_name
    assert info.author_email == "eve@example.testx"
    fsck(repo.path)


def test_a_save_that_changes_nothing_makes_no_commit(repo: CourseRepo, first_commit: str):
    result = repo.commit([Write(LESSON, LESSON_TEXT)], ANA, "", first_commit)
    assert result.unchanged
    assert (result.status, result.commit) == ("committed", first_commit)
    assert repo.head() == first_commit


def test_an_executable_bit_survives_an_edit(repo: CourseRepo, first_commit: str, tmp_path):
    clone = tmp_path / "clone"
    run_git(None, "clone", "-q", str(repo.path), str(clone))
    (clone / "run.sh").write_text("echo hi\n")
    (clone / "run.sh").chmod(0o755)
    run_git(None, "-C", str(clone), "add", "run.sh")
    run_git(
        None, "-C", str(clone), "-c", "user.name=A", "-c", "user.email=a@x", "commit", "-qm", "x"
    )
    run_git(None, "-C", str(clone), "push", "-q", "origin", "main")
    repo.commit([Write("run.sh", b"echo bye\n")], ANA, "", repo.head())
    assert run_git(repo.path, "ls-tree", "main", "run.sh").split()[0] == "100755"


def test_deleting_a_file_that_never_existed_raises_path_not_found(
    repo: CourseRepo, first_commit: str
):
    with pytest.raises(PathNotFound):
        repo.commit([Delete("units/none.md")], ANA, "", first_commit)
    with pytest.raises(PathNotFound):
        repo.commit([Rename("units/none.md", "units/b.md")], ANA, "", first_commit)
    assert repo.head() == first_commit


def test_renaming_onto_an_existing_file_or_over_folders_is_refused(
    repo: CourseRepo, first_commit: str
):
    with pytest.raises(PathExists):
        repo.commit([Rename(LESSON, "README.md")], ANA, "", first_commit)
    with pytest.raises(PathExists):
        repo.commit([Write("units/energy", b"x")], ANA, "", first_commit)
    with pytest.raises(PathExists):
        repo.commit([Write("README.md/inside.md", b"x")], ANA, "", first_commit)
    assert repo.head() == first_commit


def test_malformed_saves_are_refused(repo: CourseRepo, first_commit: str):
    with pytest.raises(InvalidPath, match="at least one"):
        repo.commit([], ANA, "", first_commit)
    with pytest.raises(InvalidPath, match="twice"):
        repo.commit([Write(LESSON, b"a"), Delete(LESSON)], ANA, "", first_commit)
    with pytest.raises(InvalidPath, match="own name"):
        repo.commit([Rename(LESSON, LESSON)], ANA, "", first_commit)


def test_an_unknown_base_raises_revision_not_found(repo: CourseRepo):
    with pytest.raises(RevisionNotFound):
        repo.commit([Write(LESSON, b"x")], ANA, "", "0123456789" * 4)


def test_a_base_outside_the_history_raises_base_not_in_history(
    repo: CourseRepo, first_commit: str, tmp_path
):
    # A commit that exists in the object database but is not an ancestor of main.
    tree = run_git(repo.path, "rev-parse", f"{first_commit}^{{tree}}").strip()
    stray = run_git(
        repo.path, "-c", "user.name=X", "-c", "user.email=x@x", "commit-tree", tree, "-m", "s"
    ).strip()
    with pytest.raises(BaseNotInHistory) as info:
        repo.commit([Write(LESSON, b"x")], ANA, "", stray)
    assert "not part of this course's history" in info.value.message
    assert repo.head() == first_commit


def test_commits_chain_and_leave_no_temporary_files(repo: CourseRepo, first_commit: str):
    head = first_commit
    for n in range(5):
        head = repo.commit([Write(LESSON, lines((n + 1, f"edit {n}")))], ANA, "", head).commit
    assert run_git(repo.path, "rev-list", "--count", "main").strip() == "6"
    assert not list(repo.path.rglob("tmp_*"))
    assert not list(repo.path.rglob("*.lock"))
    assert not (repo.path / "index").exists()
    fsck(repo.path)
