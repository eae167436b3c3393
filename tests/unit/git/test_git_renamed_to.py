"""renamed_to: the name a file has at a later revision after others renamed or moved it."""

from __future__ import annotations

import pytest
from gitengine_support import ANA, BO, LESSON, LESSON_TEXT, lines

from workspace.git import CourseRepo, Delete, InvalidPath, InvalidRevision, Rename, Write

MOVED = "units/waves/lessons/transfer-of-energy.md"


def test_a_renamed_file_is_found_under_its_new_name(repo: CourseRepo, first_commit: str):
    repo.commit([Rename(LESSON, MOVED)], BO, "", first_commit)

    assert repo.renamed_to(LESSON, first_commit, "main") == MOVED


def test_a_file_renamed_with_edits_and_then_renamed_again_is_followed_to_its_last_name(
    repo: CourseRepo, first_commit: str
):
    middle = "units/energy/lessons/energy.md"
    step = repo.commit([Rename(LESSON, middle, lines((3, "edited")))], BO, "", first_commit)
    repo.commit([Rename(middle, MOVED)], ANA, "", step.commit)

    assert repo.renamed_to(LESSON, first_commit, "main") == MOVED
    assert repo.renamed_to(middle, step.commit, "main") == MOVED


def test_a_deleted_file_has_no_new_name(repo: CourseRepo, first_commit: str):
    repo.commit([Delete(LESSON)], BO, "", first_commit)

    assert repo.renamed_to(LESSON, first_commit, "main") is None


def test_a_file_still_in_place_has_no_new_name(repo: CourseRepo, first_commit: str):
    repo.commit([Write(LESSON, lines((2, "edited")))], BO, "", first_commit)
    copy = "units/energy/lessons/copy.md"
    repo.commit([Write(copy, LESSON_TEXT)], BO, "", "main")

    assert repo.renamed_to(LESSON, first_commit, "main") is None
    assert repo.renamed_to(LESSON, first_commit, first_commit) is None


def test_a_file_absent_at_the_base_has_no_new_name(repo: CourseRepo, first_commit: str):
    repo.commit([Rename(LESSON, MOVED)], BO, "", first_commit)

    assert repo.renamed_to("units/energy/lessons/nothing.md", first_commit, "main") is None


def test_revisions_and_paths_from_users_are_validated(repo: CourseRepo, first_commit: str):
    with pytest.raises(InvalidRevision):
        repo.renamed_to(LESSON, "--output=/tmp/x", "main")
    with pytest.raises(InvalidPath):
        repo.renamed_to("../outside.md", first_commit, "main")
