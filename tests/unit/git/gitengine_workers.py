"""Code run in separate processes by the concurrency tests (importable by spawn)."""

from __future__ import annotations

from pathlib import Path

from workspace.git import Author, ConflictError, RepoStore, Write

SHARED = "units/energy/lessons/shared.md"


def worker_lesson(worker: str) -> str:
    """Return the path of the lesson only `worker` edits."""
    return f"units/energy/lessons/{worker}.md"


def shared_text(edits: dict[int, str], size: int) -> bytes:
    """Return the shared lesson with line n replaced by edits[n]."""
    return "".join(f"{edits.get(n, f'line {n}')}\n" for n in range(size)).encode()


def save_many(root: str, course_id: int, worker: str, slot: int, size: int, count: int) -> int:
    """Return the number of saves made: edits of the worker's own lesson and its shared line.

    Each save names the head it read as its base, which is usually stale by the time it
    lands, so these saves exercise merging as well as locking.
    """
    store = RepoStore(Path(root), gc_every=0)
    author = Author(f"Teacher {worker}", f"{worker}@users.noreply.example.test")
    saved = 0
    try:
        for n in range(count):
            with store.open(course_id) as repo:
                base = repo.head()
                text = repo.read_file(SHARED, base).decode().splitlines()
                text[slot] = f"{worker} edit {n}"
                changes = [
                    Write(worker_lesson(worker), f"{worker} version {n}\n".encode()),
                    Write(SHARED, ("\n".join(text) + "\n").encode()),
                ]
                try:
                    repo.commit(changes, author, f"{worker} save {n}", base)
                except ConflictError as exc:  # would mean a lost edit: report it loudly
                    raise AssertionError(f"{worker}: unexpected conflict {exc.conflicts}") from exc
                saved += 1
    finally:
        store.close()
    return saved


def run_in_process(args: tuple, results) -> None:  # noqa: ANN001 (a multiprocessing queue)
    """Run save_many and put (worker, saves or error text) on the results queue."""
    try:
        results.put((args[2], save_many(*args)))
    except BaseException as exc:  # report every failure to the parent test
        results.put((args[2], repr(exc)))
