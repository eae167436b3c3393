"""File names and revision names are checked before they come near git."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gitengine_support import ANA, COURSE_FILES, LESSON

from workspace.git import (
    CourseRepo,
    InvalidPath,
    InvalidRevision,
    RepoStore,
    Write,
    check_read_path,
    normalize_path,
    validate_rev,
)

HOSTILE_PATHS = [
    "",
    "/etc/passwd",
    "../outside.md",
    "units/../../outside.md",
    "units/./lesson.md",
    "units//lesson.md",
    "units/lesson.md/",
    ".git/config",
    "units/.git/hooks/post-update",
    ".GIT/config",
    ".Git/HEAD",
    ".git./config",
    ".git /config",
    ".git . ./x",
    "git~1/config",
    ".g\u200cit/config",
    ".git\u200f/config",
    ".git::$INDEX_ALLOCATION/x",
    "units\\lesson.md",
    "units/lesson\0.md",
    "units/lesson\n.md",
    "units/lesson\x1b[31m.md",
    "units/\u202egnp.md",
    "lesson.md ",
    " lesson.md",
    "lesson.",
    "a:b.md",
    "what?.md",
    "con",
    "units/AUX.md",
    "lpt1.txt",
    "a" * 256 + ".md",
    "/".join(["folder"] * 200),
    "units/\udcff.md",
    "-rf",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_are_refused_with_a_reason(path: str):
    with pytest.raises(InvalidPath) as info:
        normalize_path(path)
    assert "not a valid file name" in info.value.message


@pytest.mark.parametrize(
    "path",
    [
        "course.yaml",
        "units/energy/lessons/transfer.md",
        "units/énergie/lessons/transfert d'énergie.md",
        "studies/2024 spring/report.md",
        ".gitignore",
        ".github/workflows/ci.yml",
        "units/a/lessons/images/photo 1.png",
        "a" * 255,
        "数学/教案.md",
    ],
)
def test_ordinary_paths_pass_unchanged(path: str):
    assert normalize_path(path) == path


@pytest.mark.parametrize("path", ["aux.md", "a:b.md", "notes/what?.md"])
def test_reading_allows_names_that_only_windows_refuses(path: str):
    assert check_read_path(path) == path


@pytest.mark.parametrize(
    "path", ["", "/abs", "../x", "a/../b", "a//b", ".git/config", ".GIT/HEAD", "a\0b"]
)
def test_reading_refuses_escapes_and_the_repository_directory(path: str):
    with pytest.raises(InvalidPath):
        check_read_path(path)


@pytest.mark.parametrize(
    ("rev", "expected"),
    [
        ("main", "main"),
        ("refs/heads/main", "main"),
        ("HEAD", "HEAD"),
        ("ABCDEF12", "abcdef12"),
        ("0123456789abcdef0123456789abcdef01234567", "0123456789abcdef0123456789abcdef01234567"),
    ],
)
def test_commit_ids_and_the_main_branch_are_valid_revisions(rev: str, expected: str):
    assert validate_rev(rev) == expected


HOSTILE_REVS = [
    "",
    "-n",
    "--output=/tmp/x",
    "--upload-pack=touch /tmp/pwned",
    "main..other",
    "HEAD~1",
    "main^",
    "main:course.yaml",
    "main@{1}",
    "refs/heads/other",
    "other",
    "abc",
    "g" * 40,
    "abcd ef",
    "abcdef\n",
    "abcd\0",
    "HEAD\t",
    "@",
    "*",
    ":/fix",
]


@pytest.mark.parametrize("rev", HOSTILE_REVS)
def test_hostile_revisions_are_refused(rev: str):
    with pytest.raises(InvalidRevision) as info:
        validate_rev(rev)
    assert "is not a valid version" in info.value.message


@pytest.fixture(scope="module")
def shared_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CourseRepo]:
    """Return one course for the whole module: these tests only read or are refused."""
    store = RepoStore(tmp_path_factory.mktemp("hostile") / "repos", gc_every=0)
    store.create(1, COURSE_FILES, ANA, "")
    with store.open(1) as course_repo:
        yield course_repo
    store.close()


@pytest.mark.parametrize("rev", HOSTILE_REVS[:8])
def test_every_read_refuses_hostile_revisions(shared_repo: CourseRepo, rev: str):
    repo = shared_repo
    for call in (
        lambda: repo.resolve(rev),
        lambda: repo.read_file(LESSON, rev),
        lambda: repo.list_tree(rev),
        lambda: repo.history(rev),
        lambda: repo.diff(rev, "main"),
        lambda: repo.blame(LESSON, rev),
        lambda: repo.archive_zip(rev),
    ):
        with pytest.raises(InvalidRevision):
            call()


@pytest.mark.parametrize("path", HOSTILE_PATHS[:12] + ["-rf", "--output=x"])
def test_saving_to_a_hostile_path_is_refused_and_writes_nothing(shared_repo: CourseRepo, path: str):
    repo = shared_repo
    head = repo.head()
    loose_before = sorted(p.name for p in (repo.path / "objects").rglob("*"))
    with pytest.raises(InvalidPath):
        repo.commit([Write(path, b"x")], ANA, "", base=head)
    assert repo.head() == head
    assert sorted(p.name for p in (repo.path / "objects").rglob("*")) == loose_before
