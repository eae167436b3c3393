"""Course repositories are created, configured, pooled, cleaned up and deleted safely."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from gitengine_support import ANA, COURSE_FILES, LESSON, fsck, lines, run_git

from workspace.git import (
    RepositoryExists,
    RepositoryMissing,
    RepoStore,
    Write,
)
from workspace.git.runner import git_env

# Everything a bare course repository may contain: no sample hooks, no temp files.
ALLOWED_TOP_LEVEL = {"HEAD", "config", "objects", "refs", "logs", "packed-refs", "info", "hooks"}


def test_create_makes_a_bare_repository_on_main_with_one_commit(store: RepoStore):
    sha = store.create(7, COURSE_FILES, ANA, "Create the course")

    path = store.path_for(7)
    assert path == store.root / "7.git"
    assert store.exists(7)
    assert run_git(path, "rev-parse", "--is-bare-repository").strip() == "true"
    assert run_git(path, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert run_git(path, "rev-parse", "refs/heads/main").strip() == sha
    assert run_git(path, "rev-list", "--count", "main").strip() == "1"
    with store.open(7) as repo:
        assert {e.path for e in repo.list_tree()} == set(COURSE_FILES)
    fsck(path)


def test_new_repositories_refuse_rewrites_and_deletions_and_serve_pushes(store: RepoStore):
    store.create(1, COURSE_FILES, ANA, "")
    path = store.path_for(1)
    for key in ("receive.denyNonFastForwards", "receive.denyDeletes", "http.receivepack"):
        assert run_git(path, "config", "--bool", key).strip() == "true"
    assert run_git(path, "config", "core.logAllRefUpdates").strip() == "true"


def test_new_repository_holds_no_stray_files(store: RepoStore):
    store.create(1, COURSE_FILES, ANA, "")
    path = store.path_for(1)
    assert {p.name for p in path.iterdir()} <= ALLOWED_TOP_LEVEL
    assert not list(path.rglob("*.sample"))
    assert not list(path.rglob("tmp_*"))
    # The lock file lives beside the repository, never inside it.
    assert store.lock_path_for(1) == store.root / "1.lock"
    assert sorted(p.name for p in store.root.iterdir()) == ["1.git", "1.lock"]


def test_creating_an_existing_course_is_refused(store: RepoStore):
    store.create(1, COURSE_FILES, ANA, "")
    with pytest.raises(RepositoryExists):
        store.create(1, {"x.md": b"x"}, ANA, "")
    assert sorted(p.name for p in store.root.iterdir()) == ["1.git", "1.lock"]


def test_a_failed_create_leaves_nothing_behind(store: RepoStore):
    with pytest.raises(Exception, match="not a valid file name"):
        store.create(2, {"../escape.md": b"x"}, ANA, "")
    assert not store.exists(2)
    assert [p.name for p in store.root.iterdir() if p.name.endswith(".git")] == []
    assert not any(p.name.startswith(".") for p in store.root.iterdir())


def test_opening_or_deleting_a_missing_course_raises_repository_missing(store: RepoStore):
    with pytest.raises(RepositoryMissing) as info:
        store.open(99)
    assert "99" in info.value.message
    with pytest.raises(RepositoryMissing):
        store.delete(99)
    assert not store.exists(99)


@pytest.mark.parametrize("bad_id", [-1, "1", "../1", True, 1.5])
def test_course_ids_must_be_non_negative_integers(store: RepoStore, bad_id: object):
    with pytest.raises(ValueError, match="course ids"):
        store.path_for(bad_id)  # type: ignore[arg-type]


def test_delete_removes_the_repository_and_pooled_readers(store: RepoStore):
    store.create(1, COURSE_FILES, ANA, "")
    with store.open(1) as repo:
        repo.read_file(LESSON)
    store.delete(1)
    assert not store.exists(1)
    assert list(store.root.iterdir()) == []
    with pytest.raises(RepositoryMissing):
        store.open(1)
    # A course created again under the same id never sees the old repository's objects.
    store.create(1, {"x.md": b"new"}, ANA, "")
    with store.open(1) as repo:
        assert [e.path for e in repo.list_tree()] == ["x.md"]


def _git_children() -> list[str]:
    """Return the command lines of this process's long-running git children (readers, updaters)."""
    found = []
    for task in Path("/proc").iterdir():
        if not task.name.isdigit():
            continue
        try:
            stat = (task / "stat").read_text()
            cmdline = (task / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and ("cat-file" in cmdline or "update-ref" in cmdline):
            found.append(cmdline)
    return found


def test_readers_are_pooled_and_closing_the_store_stops_their_git_processes(tmp_path: Path):
    store = RepoStore(tmp_path / "repos", gc_every=0, pool_size=2)
    for course_id in (1, 2, 3):
        store.create(course_id, COURSE_FILES, ANA, "")
    for _ in range(5):
        for course_id in (1, 2, 3):
            with store.open(course_id) as repo:
                repo.read_file(LESSON)
    # At most pool_size readers stay open, each with its cat-file process.
    assert 0 < len(_git_children()) <= 2
    with store.open(1) as repo:
        repo.commit([Write(LESSON, b"saved\n")], ANA, "", repo.head())
    assert any("update-ref" in line for line in _git_children())
    first = store.open(1)
    first.read_file(LESSON)
    first.close()
    second = store.open(1)
    assert second.reader is first.reader  # reused, not restarted
    second.close()
    store.close()
    assert _git_children() == []


def test_a_repo_opened_without_the_store_stops_its_processes_on_close(store: RepoStore):
    from workspace.git import CourseRepo

    store.create(1, COURSE_FILES, ANA, "")
    store.close()
    with CourseRepo(store.path_for(1)) as repo:
        repo.commit([Write(LESSON, b"saved\n")], ANA, "", repo.head())
        assert len(_git_children()) == 3  # object reader, header reader, ref updater
    assert _git_children() == []


def _graph_commits(path: Path) -> int:
    """Return how many commits the repository's commit-graph holds (0 without one)."""
    command = ["git", f"--git-dir={path}", "commit-graph", "verify", "--progress"]
    proc = subprocess.run(command, capture_output=True, env=git_env(), check=False)
    found = re.findall(rb"Verifying commits in commit graph: 100% \((\d+)/", proc.stderr)
    return int(found[-1]) if found and proc.returncode == 0 else 0


def _loose_count(path: Path) -> int:
    return int(run_git(path, "count-objects").split()[0])


def test_housekeeping_packs_loose_objects_and_writes_a_commit_graph(store: RepoStore):
    head = store.create(1, COURSE_FILES, ANA, "")
    with store.open(1) as repo:
        for n in range(3):
            head = repo.commit([Write(LESSON, lines((1, f"edit {n}")))], ANA, "", head).commit
        assert _loose_count(repo.path) > 0
        repo.housekeep()
        assert repo.read_file(LESSON) == lines((1, "edit 2"))  # the pooled reader still reads
    path = store.path_for(1)
    assert _loose_count(path) == 0
    assert _graph_commits(path) == 4
    fsck(path)


def test_saves_keep_the_commit_graph_and_packs_current_in_the_background(tmp_path: Path):
    store = RepoStore(tmp_path / "repos", graph_every=3, gc_every=6)
    head = store.create(1, COURSE_FILES, ANA, "")  # the first commit is save 1
    path = store.path_for(1)

    def save(n: int) -> None:
        nonlocal head
        with store.open(1) as repo:
            head = repo.commit([Write(LESSON, lines((2, f"edit {n}")))], ANA, "", head).commit
        store.wait_for_housekeeping(timeout=30)

    save(2)
    assert _graph_commits(path) == 0
    save(3)
    assert _graph_commits(path) == 3  # a graph layer, objects still loose
    assert _loose_count(path) > 0
    save(4)
    save(5)
    assert _graph_commits(path) == 3
    save(6)
    assert _graph_commits(path) == 6
    assert _loose_count(path) == 0  # packed
    # The count is kept beside the repository, so every server process sees it.
    assert int(store.lock_path_for(1).read_text()) == 6
    fsck(path)
    store.close()


def test_the_engine_imports_neither_flask_nor_models_nor_content(tmp_path: Path):
    # Load workspace.git without running workspace/__init__.py (which builds the Flask app)
    # and with Flask, the models and the content package made unimportable.
    root = Path(__file__).resolve().parents[3]
    script = textwrap.dedent(
        f"""
        import importlib.abc, sys, types
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "flask" or name.startswith(
                    ("workspace.models", "workspace.content", "sqlalchemy")
                ):
                    raise ImportError("blocked " + name)
        sys.meta_path.insert(0, Block())
        package = types.ModuleType("workspace")
        package.__path__ = [{str(root / "workspace")!r}]
        sys.modules["workspace"] = package
        import workspace.git
        from workspace.git import RepoStore, Author, Write
        store = RepoStore(__import__("pathlib").Path({str(tmp_path / "r")!r}))
        store.create(1, {{"a.md": b"x"}}, Author("A", "a@x"), "")
        with store.open(1) as repo:
            repo.history()
        store.close()
        assert not any(m.split(".")[0] == "flask" for m in sys.modules)
        print("ok")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_repositories_dropped_without_close_stop_their_git_quietly(store: RepoStore):
    import gc

    from workspace.git import CourseRepo

    store.create(1, COURSE_FILES, ANA, "")
    for _ in range(2):
        repo = CourseRepo(store.path_for(1))
        repo.commit([Write(LESSON, os.urandom(8).hex().encode())], ANA, "", repo.head())
        del repo
    dropped = RepoStore(store.root, gc_every=0, graph_every=0)
    with dropped.open(1) as pooled:
        pooled.commit([Write(LESSON, b"pooled\n")], ANA, "", pooled.head())
    del dropped, pooled
    gc.collect()  # warnings are errors: an unclosed process or pipe would fail the test
    assert _git_children() == []
