"""Saves made on an older base merge with what landed since, or conflict without writing."""

from __future__ import annotations

import pytest
from gitengine_support import ANA, BO, CY, LESSON, LESSON_TEXT, Clone, fsck, lines, run_git

from workspace.git import ConflictError, CourseRepo, Delete, Rename, Write

IMAGE = "units/energy/lessons/images/diagram.png"


def _loose_objects(repo: CourseRepo) -> set[str]:
    """Return the ids of the repository's loose objects."""
    folder = repo.path / "objects"
    return {p.parent.name + p.name for p in folder.glob("??/*") if len(p.name) == 38}


def test_a_save_whose_files_nobody_touched_commits_on_the_new_head(
    repo: CourseRepo, first_commit: str
):
    other = repo.commit([Write("README.md", b"# New readme\n")], BO, "", first_commit).commit
    result = repo.commit([Write(LESSON, lines((2, "mine")))], ANA, "", first_commit)

    assert (result.status, result.merged_with) == ("committed", [])
    assert repo.commit_info(result.commit).parents == [other]
    assert repo.read_file("README.md") == b"# New readme\n"
    assert repo.read_file(LESSON) == lines((2, "mine"))


def test_concurrent_saves_to_different_lines_merge(repo: CourseRepo, first_commit: str):
    theirs = repo.commit([Write(LESSON, lines((2, "bo's line")))], BO, "", first_commit).commit
    result = repo.commit([Write(LESSON, lines((15, "ana's line")))], ANA, "", first_commit)

    assert result.status == "merged"
    assert result.merged_with == [BO.name]
    assert repo.read_file(LESSON) == lines((2, "bo's line"), (15, "ana's line"))
    info = repo.commit_info(result.commit)
    assert info.parents == [theirs]
    assert info.author_name == ANA.name
    fsck(repo.path)


def test_merged_with_names_every_author_who_touched_the_file_once(
    repo: CourseRepo, first_commit: str
):
    head = repo.commit([Write(LESSON, lines((1, "b1")))], BO, "", first_commit).commit
    head = repo.commit([Write(LESSON, lines((1, "b1"), (5, "c5")))], CY, "", head).commit
    head = repo.commit([Write(LESSON, lines((1, "b2"), (5, "c5")))], BO, "", head).commit
    repo.commit([Write("README.md", b"unrelated\n")], ANA, "", head)
    result = repo.commit([Write(LESSON, lines((18, "a18")))], ANA, "", first_commit)
    assert result.status == "merged"
    assert sorted(result.merged_with) == sorted([BO.name, CY.name])
    assert repo.read_file(LESSON) == lines((1, "b2"), (5, "c5"), (18, "a18"))


def test_concurrent_saves_to_the_same_line_conflict_and_write_nothing(
    repo: CourseRepo, first_commit: str
):
    theirs = repo.commit([Write(LESSON, lines((7, "bo's seven")))], BO, "", first_commit).commit
    objects_before = _loose_objects(repo)
    reflog_before = (repo.path / "logs/refs/heads/main").read_text()
    with pytest.raises(ConflictError) as info:
        repo.commit(
            [Write(LESSON, lines((7, "ana's seven"))), Write("README.md", b"also\n")],
            ANA,
            "",
            first_commit,
        )

    error = info.value
    assert (error.head, error.base) == (theirs, first_commit)
    assert "Nothing was lost" in error.message
    [conflict] = error.conflicts
    assert conflict.path == LESSON
    assert conflict.reason == "edit"
    assert conflict.base == LESSON_TEXT.decode()
    assert conflict.theirs == lines((7, "bo's seven")).decode()
    assert conflict.yours == lines((7, "ana's seven")).decode()
    assert "<<<<<<< your version\nana's seven\n" in conflict.merged
    assert "||||||| version you started from\nline 7\n" in conflict.merged
    assert "=======\nbo's seven\n>>>>>>> current version\n" in conflict.merged
    assert conflict.merged.startswith("line 1\n")
    # Nothing landed: main, the other file and the reflog are as they were.
    assert repo.head() == theirs
    assert repo.read_file("README.md") == b"# Physics\n"
    assert (repo.path / "logs/refs/heads/main").read_text() == reflog_before
    for sha in _loose_objects(repo) - objects_before:  # at most your text, kept unreferenced
        assert run_git(repo.path, "cat-file", "-t", sha).strip() == "blob"
    fsck(repo.path)


def test_deleting_a_file_someone_edited_meanwhile_is_a_conflict(
    repo: CourseRepo, first_commit: str
):
    theirs = repo.commit([Write(LESSON, lines((3, "edited")))], BO, "", first_commit).commit
    with pytest.raises(ConflictError) as info:
        repo.commit([Delete(LESSON)], ANA, "", first_commit)
    [conflict] = info.value.conflicts
    assert (conflict.reason, conflict.yours) == ("delete", None)
    assert conflict.theirs == lines((3, "edited")).decode()
    assert repo.head() == theirs
    assert repo.exists(LESSON)


def test_editing_a_file_someone_deleted_meanwhile_is_a_conflict(
    repo: CourseRepo, first_commit: str
):
    theirs = repo.commit([Delete(LESSON)], BO, "", first_commit).commit
    with pytest.raises(ConflictError) as info:
        repo.commit([Write(LESSON, lines((3, "mine")))], ANA, "", first_commit)
    [conflict] = info.value.conflicts
    assert (conflict.reason, conflict.theirs) == ("delete", None)
    assert conflict.yours == lines((3, "mine")).decode()
    assert conflict.base == LESSON_TEXT.decode()
    assert repo.head() == theirs
    assert not repo.exists(LESSON)


def test_deleting_what_someone_else_already_deleted_is_fine(repo: CourseRepo, first_commit: str):
    theirs = repo.commit([Delete(LESSON)], BO, "", first_commit).commit
    result = repo.commit([Delete(LESSON), Write("README.md", b"x\n")], ANA, "", first_commit)
    assert result.status == "committed"
    assert repo.commit_info(result.commit).parents == [theirs]


def test_the_same_edit_made_twice_is_not_a_conflict(repo: CourseRepo, first_commit: str):
    repo.commit([Write(LESSON, lines((4, "same")))], BO, "", first_commit)
    result = repo.commit([Write(LESSON, lines((4, "same")))], ANA, "", first_commit)
    assert result.unchanged
    assert repo.read_file(LESSON) == lines((4, "same"))


def test_two_people_creating_the_same_file_differently_conflict(
    repo: CourseRepo, first_commit: str
):
    path = "units/energy/lessons/new.md"
    repo.commit([Write(path, b"bo's lesson\n")], BO, "", first_commit)
    with pytest.raises(ConflictError) as info:
        repo.commit([Write(path, b"ana's lesson\n")], ANA, "", first_commit)
    [conflict] = info.value.conflicts
    assert (conflict.reason, conflict.base) == ("add", None)
    assert (conflict.theirs, conflict.yours) == ("bo's lesson\n", "ana's lesson\n")


def test_binary_files_changed_on_both_sides_conflict(repo: CourseRepo, first_commit: str):
    repo.commit([Write(IMAGE, b"\x89PNG bo\0\1\2")], BO, "", first_commit)
    with pytest.raises(ConflictError) as info:
        repo.commit([Write(IMAGE, b"\x89PNG ana\0\3\4")], ANA, "", first_commit)
    [conflict] = info.value.conflicts
    assert conflict.binary and conflict.reason == "binary"
    assert conflict.base is conflict.theirs is conflict.yours is conflict.merged is None


def test_a_binary_file_changed_only_by_you_saves_over_others_text_edits(
    repo: CourseRepo, first_commit: str
):
    repo.commit([Write(LESSON, lines((1, "text edit")))], BO, "", first_commit)
    result = repo.commit([Write(IMAGE, b"\x89PNG new\0")], ANA, "", first_commit)
    assert result.status == "committed"
    assert repo.read_file(IMAGE) == b"\x89PNG new\0"
    assert repo.read_file(LESSON) == lines((1, "text edit"))


def test_renaming_a_file_someone_edited_carries_their_edit_to_the_new_name(
    repo: CourseRepo, first_commit: str
):
    repo.commit([Write(LESSON, lines((9, "bo's edit")))], BO, "", first_commit)
    new = "units/energy/lessons/energy-transfer.md"
    result = repo.commit([Rename(LESSON, new)], ANA, "", first_commit)
    assert result.status == "committed"
    assert repo.read_file(new) == lines((9, "bo's edit"))
    assert not repo.exists(LESSON)


def test_renaming_and_editing_merges_with_their_edit(repo: CourseRepo, first_commit: str):
    repo.commit([Write(LESSON, lines((2, "bo's edit")))], BO, "", first_commit)
    new = "units/energy/lessons/energy-transfer.md"
    result = repo.commit([Rename(LESSON, new, lines((19, "ana's edit")))], ANA, "", first_commit)
    assert result.status == "merged"
    assert repo.read_file(new) == lines((2, "bo's edit"), (19, "ana's edit"))


def test_renaming_a_file_someone_deleted_is_a_conflict(repo: CourseRepo, first_commit: str):
    theirs = repo.commit([Delete(LESSON)], BO, "", first_commit).commit
    with pytest.raises(ConflictError) as info:
        repo.commit([Rename(LESSON, "units/x.md")], ANA, "", first_commit)
    assert info.value.conflicts[0].reason == "delete"
    assert repo.head() == theirs


def test_one_conflicting_file_blocks_the_whole_save(repo: CourseRepo, first_commit: str):
    theirs = repo.commit([Write(LESSON, lines((1, "bo")))], BO, "", first_commit).commit
    with pytest.raises(ConflictError):
        repo.commit(
            [Write("units/energy/unit.md", b"fine\n"), Write(LESSON, lines((1, "ana")))],
            ANA,
            "",
            first_commit,
        )
    assert repo.head() == theirs
    assert repo.read_file("units/energy/unit.md") == b"---\ntitle: Energy\n---\n"


def test_resolving_a_conflict_saves_on_the_head_it_was_shown(repo: CourseRepo, first_commit: str):
    repo.commit([Write(LESSON, lines((7, "bo")))], BO, "", first_commit)
    with pytest.raises(ConflictError) as info:
        repo.commit([Write(LESSON, lines((7, "ana")))], ANA, "", first_commit)
    resolved = lines((7, "ana and bo"))
    result = repo.commit([Write(LESSON, resolved)], ANA, "Resolve", info.value.head)
    assert result.status == "committed"
    assert repo.read_file(LESSON) == resolved


def test_merged_with_finds_authors_on_branches_merged_by_a_push(
    repo: CourseRepo, first_commit: str, tmp_path
):
    base = repo.commit([Write("README.md", b"# Web edit\n")], ANA, "", first_commit).commit
    clone = Clone(repo.path, tmp_path / "laptop")
    clone.git("checkout", "-q", "-b", "side", first_commit)
    clone.commit({LESSON: lines((3, "from a branch"))}, "branch edit", who=CY)
    clone.git("checkout", "-q", "main")
    clone.git("merge", "-q", "--no-ff", "-m", "merge side", "side", who=CY)
    clone.push()

    result = repo.commit([Write(LESSON, lines((18, "web edit")))], BO, "", base)

    assert result.status == "merged"
    assert result.merged_with == [CY.name]
    assert repo.read_file(LESSON) == lines((3, "from a branch"), (18, "web edit"))
