"""Reading files, folders and commits of a course at any revision."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from gitengine_support import ANA, BO, COURSE_FILES, LESSON, LESSON_TEXT, git_env, lines, run_git

from workspace.git import (
    Author,
    CourseRepo,
    Delete,
    PathNotFound,
    RepoStore,
    RevisionNotFound,
    Write,
)

IMAGE = "units/energy/lessons/images/diagram.png"


def test_head_and_resolve_name_the_latest_commit(repo: CourseRepo, first_commit: str):
    assert repo.head() == first_commit
    assert repo.resolve("main") == first_commit
    assert repo.resolve("HEAD") == first_commit
    assert repo.resolve("refs/heads/main") == first_commit
    assert repo.resolve(first_commit[:8].upper()) == first_commit


def test_resolve_refuses_ids_of_unknown_commits_and_of_non_commits(repo: CourseRepo):
    with pytest.raises(RevisionNotFound) as info:
        repo.resolve("deadbeef" * 5)
    assert "no version" in info.value.message
    blob = repo.blob_id(LESSON)
    with pytest.raises(RevisionNotFound):
        repo.resolve(blob)


def test_a_course_without_commits_has_no_head(store: RepoStore):
    from workspace.git.housekeeping import init_repository

    store.root.mkdir(parents=True)
    init_repository(store.path_for(5))
    with store.open(5) as repo:
        assert repo.head() is None
        with pytest.raises(RevisionNotFound, match="no saved versions"):
            repo.read_file("course.yaml")
        result = repo.commit([Write("course.yaml", b"title: x\n")], ANA, "", base=None)
        assert repo.head() == result.commit
        assert repo.commit_info("main").parents == []


def test_read_file_returns_exact_bytes_at_any_revision(repo: CourseRepo, first_commit: str):
    second = repo.commit([Write(LESSON, lines((3, "changed")))], BO, "", first_commit).commit
    assert repo.read_file(LESSON) == lines((3, "changed"))
    assert repo.read_file(LESSON, second) == lines((3, "changed"))
    assert repo.read_file(LESSON, first_commit) == LESSON_TEXT
    assert repo.read_file(IMAGE) == COURSE_FILES[IMAGE]


def test_reading_a_missing_file_or_a_folder_raises_path_not_found(repo: CourseRepo):
    with pytest.raises(PathNotFound) as info:
        repo.read_file("units/energy/lessons/missing.md")
    assert "no file" in info.value.message
    with pytest.raises(PathNotFound, match="is a folder"):
        repo.read_file("units/energy")
    with pytest.raises(PathNotFound):
        repo.read_file("course.yaml/inside")
    with pytest.raises(PathNotFound):
        repo.blob_id("nope.md")


def test_a_file_deleted_later_is_still_readable_at_older_revisions(
    repo: CourseRepo, first_commit: str
):
    repo.commit([Delete(LESSON)], ANA, "", first_commit)
    assert not repo.exists(LESSON)
    assert repo.exists(LESSON, first_commit)
    assert repo.read_file(LESSON, first_commit) == LESSON_TEXT


def test_blob_id_is_gits_object_id_and_changes_only_with_content(
    repo: CourseRepo, first_commit: str
):
    blob = repo.blob_id(LESSON)
    assert blob == run_git(repo.path, "rev-parse", f"main:{LESSON}").strip()
    repo.commit([Write("README.md", b"# Physics!\n")], ANA, "", first_commit)
    assert repo.blob_id(LESSON) == blob
    assert repo.blob_id("README.md") != repo.blob_id("README.md", first_commit)


def test_exists_sees_files_and_folders(repo: CourseRepo):
    assert repo.exists(LESSON)
    assert repo.exists("units/energy")
    assert not repo.exists("units/energy/lessons/other.md")
    assert not repo.exists("units/energy/unit.md/x")


def test_list_tree_lists_every_file_with_mode_kind_size_and_id(repo: CourseRepo):
    entries = repo.list_tree()
    assert [e.path for e in entries] == sorted(COURSE_FILES)
    by_path = {e.path: e for e in entries}
    for path, data in COURSE_FILES.items():
        entry = by_path[path]
        assert (entry.kind, entry.mode, entry.size) == ("blob", "100644", len(data))
        assert entry.blob_id == repo.blob_id(path)


def test_list_tree_under_a_folder_and_one_level_deep(repo: CourseRepo):
    deep = repo.list_tree(prefix="units/energy/lessons")
    assert [e.path for e in deep] == [IMAGE, LESSON]
    shallow = repo.list_tree(prefix="units/energy/", recursive=False)
    assert [(e.path, e.kind) for e in shallow] == [
        ("units/energy/lessons", "tree"),
        ("units/energy/unit.md", "blob"),
    ]
    assert shallow[0].size is None
    with pytest.raises(PathNotFound):
        repo.list_tree(prefix="units/missing")
    with pytest.raises(PathNotFound):
        repo.list_tree(prefix="course.yaml")


def test_commit_info_reports_author_committer_message_and_co_authors(
    repo: CourseRepo, first_commit: str
):
    cy = Author("Cy Okafor", "cy@users.noreply.example.test")
    result = repo.commit(
        [Write(LESSON, lines((1, "x")))],
        BO,
        "Tighten the launch\n\nMore detail.",
        first_commit,
        co_authors=[ANA, cy],
    )
    info = repo.commit_info(result.commit)
    assert info.sha == result.commit
    assert info.parents == [first_commit]
    assert (info.author_name, info.author_email) == (BO.name, BO.email)
    assert (info.committer_name, info.committer_email) == (BO.name, BO.email)
    assert info.authored_at.tzinfo is not None
    assert info.summary == "Tighten the launch"
    assert info.message.startswith("Tighten the launch\n\nMore detail.\n\nCo-authored-by: Ana")
    assert info.co_authors == [ANA, cy]
    assert run_git(repo.path, "log", "-1", "--format=%an|%cn|%ae|%ce").strip() == (
        f"{BO.name}|{BO.name}|{BO.email}|{BO.email}"
    )


def test_changed_files_reports_additions_edits_deletions_and_renames(
    repo: CourseRepo, first_commit: str
):
    result = repo.commit(
        [
            Write("units/energy/lessons/new.md", b"new lesson\n"),
            Write("README.md", b"# Physics, revised\n"),
            Delete("units/energy/unit.md"),
        ],
        ANA,
        "",
        first_commit,
    )
    changes = {(c.status, c.path, c.old_path) for c in repo.changed_files(result.commit)}
    assert changes == {
        ("A", "units/energy/lessons/new.md", None),
        ("M", "README.md", None),
        ("D", "units/energy/unit.md", None),
    }
    from workspace.git import Rename

    moved = repo.commit(
        [Rename(LESSON, "units/energy/lessons/energy-transfer.md")], ANA, "", result.commit
    )
    assert [(c.status, c.path, c.old_path) for c in repo.changed_files(moved.commit)] == [
        ("R", "units/energy/lessons/energy-transfer.md", LESSON)
    ]
    first = {(c.status, c.path) for c in repo.changed_files(first_commit)}
    assert first == {("A", path) for path in COURSE_FILES}


def test_binary_files_round_trip_unchanged(repo: CourseRepo, first_commit: str):
    data = bytes(range(256)) * 40
    repo.commit([Write("units/energy/lessons/images/noise.bin", data)], ANA, "", first_commit)
    assert repo.read_file("units/energy/lessons/images/noise.bin") == data
    entry = next(e for e in repo.list_tree() if e.path.endswith("noise.bin"))
    assert entry.size == len(data)


def test_archive_zip_holds_the_course_at_the_requested_revision(
    repo: CourseRepo, first_commit: str
):
    repo.commit([Write(LESSON, b"later\n")], ANA, "", first_commit)
    with zipfile.ZipFile(io.BytesIO(repo.archive_zip(first_commit, prefix="physics"))) as z:
        names = {n for n in z.namelist() if not n.endswith("/")}
        assert names == {f"physics/{p}" for p in COURSE_FILES}
        assert z.read(f"physics/{LESSON}") == LESSON_TEXT
    with zipfile.ZipFile(io.BytesIO(repo.archive_zip())) as z:
        assert z.read(LESSON) == b"later\n"


def test_archive_stream_can_be_abandoned_midway(repo: CourseRepo):
    stream = repo.iter_archive_zip("main")
    assert next(stream)[:2] == b"PK"
    stream.close()  # the git process is stopped, nothing is left running


def _git_listing(repo: CourseRepo) -> list[tuple]:
    out = run_git(repo.path, "ls-tree", "-r", "-l", "-z", "main")
    rows = []
    for record in filter(None, out.split("\0")):
        meta, path = record.split("\t", 1)
        mode, kind, sha, size = meta.split()
        rows.append((path, mode, kind, int(size), sha))
    return rows


def test_cached_listings_match_git_after_saves_anywhere_in_the_tree(
    repo: CourseRepo, first_commit: str
):
    def listing() -> list[tuple]:
        return [(e.path, e.mode, e.kind, e.size, e.blob_id) for e in repo.list_tree()]

    assert listing() == _git_listing(repo)
    head = first_commit
    for n, path in enumerate(
        ["units/energy/lessons/images/new.png", "units/waves/lessons/a.md", "z.md", LESSON]
    ):
        head = repo.commit([Write(path, b"v%d\n" % n)], ANA, "", head).commit
        assert listing() == _git_listing(repo)
    head = repo.commit([Delete("units/waves/lessons/a.md")], ANA, "", head).commit
    assert listing() == _git_listing(repo)
    assert [e.path for e in repo.list_tree(first_commit)] == sorted(COURSE_FILES)


def test_a_submodule_entry_is_not_a_file_anywhere(repo: CourseRepo):
    """A tree may hold a submodule entry (only a push made before the push rules could add
    one): reading it as a file is a clear PathNotFound, never a crash."""
    head = repo.head()
    tree = run_git(repo.path, "rev-parse", f"{head}^{{tree}}").strip()
    listing = run_git(repo.path, "ls-tree", tree)
    listing += f"160000 commit {head}\tvendored\n"
    made = subprocess.run(
        ["git", f"--git-dir={repo.path}", "mktree"],
        input=listing.encode(),
        capture_output=True,
        env=git_env(),
        check=True,
    )
    new_tree = made.stdout.decode().strip()
    commit = run_git(
        repo.path,
        *("-c", "user.name=Ana", "-c", "user.email=ana@example.test"),
        *("commit-tree", new_tree, "-p", head, "-m", "Add a submodule"),
    )
    for read in (repo.read_file, repo.blob_id):
        with pytest.raises(PathNotFound):
            read("vendored", commit.strip())
