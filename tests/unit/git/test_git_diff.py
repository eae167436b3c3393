"""Comparing revisions: file diffs, word diffs for prose, and blame."""

from __future__ import annotations

import pytest
from gitengine_support import ANA, BO, COURSE_FILES, LESSON, LESSON_TEXT, lines

from workspace.git import CourseRepo, Delete, PathNotFound, Rename, Write

IMAGE = "units/energy/lessons/images/diagram.png"


def test_diff_reports_each_changed_file_with_hunks_and_counts(repo: CourseRepo, first_commit: str):
    head = repo.commit(
        [
            Write(LESSON, lines((3, "third line, revised"))),
            Write("units/energy/lessons/new.md", b"one\ntwo\n"),
            Delete("README.md"),
            Write(IMAGE, b"\x89PNG changed\0"),
        ],
        ANA,
        "",
        first_commit,
    ).commit
    diffs = {d.path: d for d in repo.diff(first_commit, head)}
    assert set(diffs) == {LESSON, "units/energy/lessons/new.md", "README.md", IMAGE}

    edit = diffs[LESSON]
    assert (edit.status, edit.binary, edit.additions, edit.deletions) == ("M", False, 1, 1)
    assert edit.text.startswith("@@ -1,6 +1,6 @@")
    assert "\n-line 3\n+third line, revised\n" in edit.text

    added = diffs["units/energy/lessons/new.md"]
    assert (added.status, added.additions, added.deletions) == ("A", 2, 0)
    assert added.text == "@@ -0,0 +1,2 @@\n+one\n+two"
    assert (diffs["README.md"].status, diffs["README.md"].deletions) == ("D", 1)
    image = diffs[IMAGE]
    assert (image.status, image.binary, image.text) == ("M", True, "")


def test_diff_detects_renames_and_can_be_limited_to_one_file(repo: CourseRepo, first_commit: str):
    new = "units/energy/lessons/energy-transfer.md"
    head = repo.commit(
        [Rename(LESSON, new, lines((20, "last"))), Write("README.md", b"x\n")],
        ANA,
        "",
        first_commit,
    ).commit
    renamed = next(d for d in repo.diff(first_commit, head) if d.status == "R")
    assert (renamed.path, renamed.old_path) == (new, LESSON)
    assert (renamed.additions, renamed.deletions) == (1, 1)
    only = repo.diff(first_commit, head, path="README.md")
    assert [d.path for d in only] == ["README.md"]


def test_diff_from_nothing_shows_the_whole_first_version(repo: CourseRepo, first_commit: str):
    diffs = repo.diff(None, first_commit)
    assert {d.path for d in diffs} == set(COURSE_FILES)
    assert all(d.status == "A" for d in diffs)
    lesson = next(d for d in diffs if d.path == LESSON)
    assert lesson.additions == 20


def test_diff_of_identical_revisions_is_empty(repo: CourseRepo, first_commit: str):
    assert repo.diff(first_commit, "main") == []


def test_word_diff_marks_changed_words_in_prose():
    old = "Students measure the speed of a cart on a ramp."
    new = "Pairs of students measure the final speed of a cart on a steep ramp!"
    runs = CourseRepo.word_diff(old, new)
    assert "".join(text for op, text in runs if op != "insert") == old
    assert "".join(text for op, text in runs if op != "delete") == new
    assert ("delete", "Students") in runs
    assert ("insert", "Pairs of students") in runs
    assert [text.strip() for op, text in runs if op == "insert"][1:3] == ["final", "steep"]
    assert ("delete", ".") in runs and ("insert", "!") in runs
    assert all(op in ("equal", "insert", "delete") for op, _ in runs)


def test_word_diff_of_equal_or_empty_texts():
    assert CourseRepo.word_diff("same text", "same text") == [("equal", "same text")]
    assert CourseRepo.word_diff("", "new words") == [("insert", "new words")]
    assert CourseRepo.word_diff("old", "") == [("delete", "old")]


def test_blame_names_the_commit_and_author_of_every_line(repo: CourseRepo, first_commit: str):
    bo = repo.commit([Write(LESSON, lines((4, "bo's four")))], BO, "Bo edits", first_commit)
    ana = repo.commit(
        [Write(LESSON, lines((4, "bo's four"), (9, "ana's nine")))], ANA, "Ana edits", bo.commit
    )
    blame = repo.blame(LESSON)
    assert [b.line_no for b in blame] == list(range(1, 21))
    assert blame[3].text == "bo's four"
    assert (blame[3].sha, blame[3].author_name, blame[3].summary) == (
        bo.commit,
        BO.name,
        "Bo edits",
    )
    assert (blame[8].sha, blame[8].author_name) == (ana.commit, ANA.name)
    assert blame[0].sha == first_commit
    assert blame[0].authored_at == repo.commit_info(first_commit).authored_at
    old = repo.blame(LESSON, first_commit)
    assert {b.sha for b in old} == {first_commit}
    assert [b.text for b in old] == LESSON_TEXT.decode().splitlines()


def test_blame_of_a_missing_file_raises_path_not_found(repo: CourseRepo):
    with pytest.raises(PathNotFound):
        repo.blame("units/none.md")
    with pytest.raises(PathNotFound):
        repo.blame("units/energy")


def test_diff_limited_to_old_and_new_names_shows_the_rename(repo: CourseRepo, first_commit: str):
    new = "units/energy/lessons/energy-transfer.md"
    head = repo.commit([Rename(LESSON, new, lines((20, "last")))], ANA, "", first_commit).commit
    head = repo.commit([Write("README.md", b"x\n")], ANA, "", head).commit
    assert [d.status for d in repo.diff(first_commit, head, path=new)] == ["A"]
    both = repo.diff(first_commit, head, path=[LESSON, new])
    assert [(d.status, d.path, d.old_path) for d in both] == [("R", new, LESSON)]
    assert (both[0].additions, both[0].deletions) == (1, 1)
    assert "+last" in both[0].text
