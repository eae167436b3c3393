"""Concurrent writers: web saves in threads and processes, and git pushes racing them."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from gitengine_support import ANA, BO, COURSE_FILES, LESSON, Clone, fsck, lines, run_git
from gitengine_workers import SHARED, run_in_process, save_many, shared_text, worker_lesson

from workspace.git import ConflictError, CourseRepo, RepoStore, Write


def _push_during_next_save(monkeypatch: pytest.MonkeyPatch, clone: Clone, files: dict) -> list:
    """Make a real push land just before the next save moves main; return the pushed ids."""
    pushed: list[str] = []
    real_swap = CourseRepo.swap_main

    def push_then_swap(repo: CourseRepo, new: str, old: str | None) -> bool:
        if not pushed:
            clone.git("pull", "-q", "--ff-only")
            pushed.append(clone.commit(files, "pushed from a laptop"))
            clone.push()
        return real_swap(repo, new, old)

    monkeypatch.setattr(CourseRepo, "swap_main", push_then_swap)
    return pushed


def test_a_push_landing_mid_save_is_kept_and_the_save_lands_on_top(
    repo: CourseRepo, first_commit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    clone = Clone(repo.path, tmp_path / "laptop")
    pushed = _push_during_next_save(monkeypatch, clone, {"README.md": b"# Pushed\n"})

    result = repo.commit([Write(LESSON, lines((1, "web edit")))], ANA, "", first_commit)

    assert result.status == "committed"
    assert repo.commit_info(result.commit).parents == pushed
    assert repo.read_file("README.md") == b"# Pushed\n"
    assert repo.read_file(LESSON) == lines((1, "web edit"))
    fsck(repo.path)


def test_a_push_to_the_same_lesson_mid_save_is_merged(
    repo: CourseRepo, first_commit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    clone = Clone(repo.path, tmp_path / "laptop")
    pushed = _push_during_next_save(monkeypatch, clone, {LESSON: lines((2, "pushed line"))})

    result = repo.commit([Write(LESSON, lines((19, "web line")))], ANA, "", first_commit)

    assert (result.status, result.merged_with) == ("merged", [BO.name])
    assert repo.commit_info(result.commit).parents == pushed
    assert repo.read_file(LESSON) == lines((2, "pushed line"), (19, "web line"))


def test_a_conflicting_push_mid_save_wins_and_the_save_reports_the_conflict(
    repo: CourseRepo, first_commit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    clone = Clone(repo.path, tmp_path / "laptop")
    pushed = _push_during_next_save(monkeypatch, clone, {LESSON: lines((5, "pushed five"))})

    with pytest.raises(ConflictError) as info:
        repo.commit([Write(LESSON, lines((5, "web five")))], ANA, "", first_commit)

    assert info.value.head == pushed[0] == repo.head()
    assert info.value.conflicts[0].theirs == lines((5, "pushed five")).decode()
    assert info.value.conflicts[0].yours == lines((5, "web five")).decode()


def test_pushes_and_web_saves_racing_for_real_lose_nothing(
    store: RepoStore, first_commit: str, tmp_path: Path
):
    clone = Clone(store.path_for(1), tmp_path / "laptop")
    pushed: list[str] = []

    def keep_pushing() -> None:
        for n in range(8):
            for _attempt in range(20):  # a web save may land between pull and push
                clone.git("pull", "-q", "--rebase")
                clone.commit({f"pushed/{n}.md": b"from git\n"}, f"push {n}")
                try:
                    clone.push()
                except RuntimeError:
                    clone.git("reset", "-q", "--hard", "HEAD~1")
                    continue
                pushed.append(clone.git("rev-parse", "HEAD").strip())
                break

    pusher = threading.Thread(target=keep_pushing)
    pusher.start()
    saves = []
    with store.open(1) as repo:
        for n in range(15):
            base = repo.head()
            path = f"web/{n}.md"
            saves.append((path, repo.commit([Write(path, b"from web\n")], ANA, "", base)))
    pusher.join()

    with store.open(1) as repo:
        assert len(pushed) == 8
        for sha in pushed:
            run_git(repo.path, "merge-base", "--is-ancestor", sha, "main")
        for path, result in saves:
            assert repo.read_file(path) == b"from web\n"
            run_git(repo.path, "merge-base", "--is-ancestor", result.commit, "main")
        assert all(repo.exists(f"pushed/{n}.md") for n in range(8))
    fsck(store.path_for(1))


@pytest.mark.slow
def test_many_threads_and_processes_saving_at_once_lose_nothing(tmp_path: Path):
    root = tmp_path / "repos"
    store = RepoStore(root, gc_every=0)
    workers = [f"t{n}" for n in range(6)] + ["p0", "p1"]
    size = 3 * len(workers) + 2
    files = dict(COURSE_FILES)
    files[SHARED] = shared_text({}, size)
    store.create(1, files, ANA, "")
    saves_each = 6

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [
        context.Process(
            target=run_in_process,
            args=((str(root), 1, worker, 3 * slot + 1, size, saves_each), results),
        )
        for slot, worker in enumerate(workers)
        if worker.startswith("p")
    ]
    for process in processes:
        process.start()
    outcomes: dict[str, object] = {}

    def thread_saves(slot: int, worker: str) -> None:
        try:
            outcomes[worker] = save_many(str(root), 1, worker, 3 * slot + 1, size, saves_each)
        except BaseException as exc:
            outcomes[worker] = repr(exc)

    threads = [
        threading.Thread(target=thread_saves, args=(slot, worker))
        for slot, worker in enumerate(workers)
        if worker.startswith("t")
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
        for _ in processes:
            worker, outcome = results.get(timeout=60)
            outcomes[worker] = outcome
        for process in processes:
            process.join(timeout=30)
            assert process.exitcode == 0
    finally:
        for process in processes:  # a failed run leaves no saving process behind
            if process.is_alive():
                process.kill()
                process.join(timeout=5)

    assert outcomes == dict.fromkeys(workers, saves_each)
    path = store.path_for(1)
    assert run_git(path, "rev-list", "--count", "main").strip() == str(
        1 + len(workers) * saves_each
    )
    with store.open(1) as repo:
        last = saves_each - 1
        for worker in workers:
            assert repo.read_file(worker_lesson(worker)) == f"{worker} version {last}\n".encode()
        expected = {3 * slot + 1: f"{w} edit {last}" for slot, w in enumerate(workers)}
        assert repo.read_file(SHARED) == shared_text(expected, size)
        messages = [c.summary for c in repo.history(limit=100).commits]
    for worker in workers:
        assert sorted(m for m in messages if m.startswith(f"{worker} ")) == sorted(
            f"{worker} save {n}" for n in range(saves_each)
        )
    fsck(path)
    assert not list(path.rglob("tmp_*"))
    store.close()


def test_saves_keep_working_while_housekeeping_packs_the_repository(
    store: RepoStore, first_commit: str
):
    # Repacking removes packed loose objects and their emptied folders while saves are
    # writing new objects into those folders.
    done = threading.Event()
    failures: list[str] = []

    def keep_housekeeping() -> None:
        while not done.is_set():
            try:
                store.gc(1)
            except Exception as exc:  # reported below
                failures.append(getattr(exc, "stderr", "") or repr(exc))

    housekeeper = threading.Thread(target=keep_housekeeping)
    housekeeper.start()
    try:
        with store.open(1) as repo:
            head = first_commit
            for n in range(60):
                change = Write(f"units/energy/lessons/l{n % 7}.md", f"version {n}\n".encode())
                head = repo.commit([change], ANA, "", head).commit
    finally:
        done.set()
        housekeeper.join()
    assert failures == []
    with store.open(1) as repo:
        assert repo.read_file("units/energy/lessons/l1.md") == b"version 57\n"
        assert int(run_git(repo.path, "rev-list", "--count", "main")) == 61
    fsck(store.path_for(1))
