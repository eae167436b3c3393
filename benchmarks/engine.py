"""Time the storage engine on large synthetic courses and print median and p95 per operation.

Usage: python -m benchmarks.engine [--quick] [--keep DIR]

Builds a 10,000-commit and a 1,000-commit course (1,000 lessons in 50 units) with
benchmarks.synthetic, then measures saves, merges, reads, tree listings, history pages and
concurrent saving from 8 threads and 2 processes. Targets (p95): save 40 ms, merging save
60 ms, read 5 ms, tree listing 20 ms, history page 30 ms at any history length, and at
least 50 concurrent saves per second with none lost.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.synthetic import build_course
from workspace.git import Author, RepoStore, Write
from workspace.git.loose import write_loose_batch
from workspace.git.planning import plan_save
from workspace.git.runner import git_env

BIG, SMALL = 1, 2
AUTHOR = Author("Benchmark Teacher", "bench@users.noreply.example.org")
RESULTS: list[tuple[str, float, float, float | None]] = []


def lessons_of(store: RepoStore, course: int) -> list[str]:
    """Return the paths of every lesson at head (some were renamed in the history)."""
    with store.open(course) as repo:
        return [e.path for e in repo.list_tree(prefix="units") if "/lessons/" in e.path]


def measure(name: str, runs: int, action: Callable[[], object], target: float | None) -> None:
    """Run `action` `runs` times (after 3 warm-ups) and record median and p95 in ms."""
    for _ in range(3):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    report(name, times, target)


def report(name: str, times: list[float], target: float | None) -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    median = statistics.median(times)
    RESULTS.append((name, median, p95, target))
    verdict = "" if target is None else ("  ok" if p95 < target else f"  MISSED (< {target})")
    print(f"{name:<58} median {median:7.2f} ms   p95 {p95:7.2f} ms{verdict}", flush=True)


def edited(data: bytes, line: int, text: str) -> bytes:
    """Return `data` with one line replaced (counting from the end when negative)."""
    lines = data.decode().split("\n")
    lines[line] = text
    return "\n".join(lines).encode()


def bench_saves(store: RepoStore, runs: int) -> None:
    rng = random.Random(1)
    lessons = lessons_of(store, BIG)
    counter = iter(range(10**9))

    def save_at_head() -> None:
        with store.open(BIG) as repo:
            path = rng.choice(lessons)
            base = repo.head()
            data = edited(repo.read_file(path, base), 14, f"Edit {next(counter)} {time.time_ns()}.")
            repo.commit([Write(path, data)], AUTHOR, "", base)

    measure("save one lesson edit (open, read, commit)", runs, save_at_head, 40)

    merge_times = []
    for n in range(runs + 3):
        with store.open(BIG) as repo:
            path = rng.choice(lessons)
            base = repo.head()
            original = repo.read_file(path, base)
            theirs = edited(original, 14, f"Theirs {n} {time.time_ns()}.")
            repo.commit([Write(path, theirs)], AUTHOR, "", base)
            mine = edited(original, -3, f"Mine {n} {time.time_ns()}.")
            started = time.perf_counter()
            result = repo.commit([Write(path, mine)], AUTHOR, "", base)
            merge_times.append((time.perf_counter() - started) * 1000)
            assert result.status == "merged", result
    report("save needing a clean three-way merge", merge_times[3:], 60)


def bench_reads(store: RepoStore, runs: int) -> None:
    rng = random.Random(2)
    lessons = lessons_of(store, BIG)

    def read_lesson() -> None:
        with store.open(BIG) as repo:
            repo.read_file(rng.choice(lessons))

    measure("read a lesson at head (open, read, close)", runs * 5, read_lesson, 5)

    def list_tree() -> None:
        with store.open(BIG) as repo:
            assert len(repo.list_tree()) > 1000

    measure("list the whole course tree (1,050+ files)", runs, list_tree, 20)

    after_save = []
    for n in range(runs // 4):
        with store.open(BIG) as repo:
            path = rng.choice(lessons)
            data = edited(repo.read_file(path), 14, f"Listing {n} {time.time_ns()}.")
            repo.commit([Write(path, data)], AUTHOR, "", repo.head())
            started = time.perf_counter()
            assert len(repo.list_tree()) > 1000
            after_save.append((time.perf_counter() - started) * 1000)
    report("list the whole course tree right after a save", after_save, 20)

    def cold_list_tree() -> None:
        fresh = RepoStore(store.root, gc_every=0, graph_every=0)
        with fresh.open(BIG) as repo:
            assert len(repo.list_tree()) > 1000
        fresh.close()

    measure(
        "list the tree in a fresh store (nothing cached, git started)",
        runs // 4,
        cold_list_tree,
        20,
    )


def bench_history(store: RepoStore, runs: int) -> None:
    for course, label in ((BIG, "10,000"), (SMALL, "1,000")):
        lessons = lessons_of(store, course)
        renamed = next(path for path in lessons if "-v" in path.rsplit("/", 1)[1])
        plain = next(path for path in lessons if "-v" not in path.rsplit("/", 1)[1])

        def course_page(course: int = course) -> None:
            with store.open(course) as repo:
                assert len(repo.history(limit=50).commits) == 50

        def lesson_page(course: int = course, path: str = plain) -> None:
            with store.open(course) as repo:
                assert repo.history(path=path, limit=50).commits

        def renamed_page(course: int = course, path: str = renamed) -> None:
            with store.open(course) as repo:
                assert repo.history(path=path, limit=50).commits

        measure(f"course history, first 50, {label} commits", runs, course_page, 30)
        measure(f"lesson history, first 50, {label} commits", runs, lesson_page, 30)
        measure(f"renamed lesson history (follows), {label} commits", runs, renamed_page, 30)

    with store.open(BIG) as repo:
        page = repo.history(limit=50)
        for _ in range(20):
            page = repo.history(after=page.next_after, limit=50)
        cursor = page.next_after

    def deep_page() -> None:
        with store.open(BIG) as repo:
            assert len(repo.history(after=cursor, limit=50).commits) == 50

    measure("course history, page 22 (by cursor), 10,000 commits", runs, deep_page, 30)


def bench_index_alternative(store: RepoStore, runs: int) -> None:
    """Time one new file's tree change via a temporary index and built directly, both cold.

    Every run adds a file under a new name, so every tree on its path is new to both.
    """
    path = store.path_for(BIG)
    counter = iter(range(10**9))
    with store.open(BIG) as repo:
        blob = repo.blob_id(lessons_of(store, BIG)[0])
    with tempfile.TemporaryDirectory() as tmp:
        env = git_env({"GIT_INDEX_FILE": str(Path(tmp) / "index")})

        def index_tree() -> None:
            name = f"units/unit-07/lessons/new-{next(counter)}-{time.time_ns()}.md"
            for args in (
                ["read-tree", "main"],
                ["update-index", "--add", "--cacheinfo", f"100644,{blob},{name}"],
                ["write-tree"],
            ):
                subprocess.run(
                    ["git", f"--git-dir={path}", *args], env=env, check=True, capture_output=True
                )

        measure("(comparison) one file's tree change via a temporary index", runs, index_tree, None)

    with store.open(BIG) as repo:

        def direct_tree() -> None:
            name = f"units/unit-07/lessons/new-{next(counter)}-{time.time_ns()}.md"
            plan = plan_save(repo, [Write(name, b"")], {name: blob}, None, repo.head())
            write_loose_batch(repo.path / "objects", plan.objects)

        measure("(engine) the same change built directly, trees written", runs, direct_tree, None)


def concurrent_saver(
    root: str, course: int, worker: str, lessons: list[str], count: int, token: str
) -> int:
    """Save `count` edits round-robin over `lessons`; return how many landed."""
    store = RepoStore(Path(root))
    author = Author(f"Teacher {worker}", f"{worker}@users.noreply.example.org")
    landed = 0
    for n in range(count):
        path = lessons[n % len(lessons)]
        with store.open(course) as repo:
            base = repo.head()
            data = edited(repo.read_file(path, base), 14, f"{worker} edit {n} ({token})")
            repo.commit([Write(path, data)], author, f"{worker} save {n} ({token})", base)
            landed += 1
    store.wait_for_housekeeping()
    store.close()
    return landed


def _process_main(args: tuple, results: multiprocessing.Queue, go: threading.Event) -> None:
    results.put(("ready", 0))  # imports done; wait so start-up is not timed
    go.wait()
    results.put((args[2], concurrent_saver(*args)))


def bench_concurrency(store: RepoStore, saves_each: int) -> None:
    """Print the rate of 8 threads and 2 processes saving at once, and check nothing is lost."""
    workers = [f"thread{n}" for n in range(8)] + [f"process{n}" for n in range(2)]
    every = lessons_of(store, BIG)
    lessons = {w: every[100 + 3 * i : 103 + 3 * i] for i, w in enumerate(workers)}
    token = str(time.time_ns())
    with store.open(BIG) as repo:
        before = int(repo.git(["rev-list", "--count", "main"]))
    root = str(store.root)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    go = context.Event()
    landed: dict[str, int] = {}
    processes = [
        context.Process(
            target=_process_main,
            args=((root, BIG, w, lessons[w], saves_each, token), results, go),
        )
        for w in workers
        if w.startswith("process")
    ]
    for process in processes:
        process.start()
    for _ in processes:
        assert results.get(timeout=60)[0] == "ready"
    started = time.perf_counter()
    go.set()

    def run(worker: str) -> None:
        landed[worker] = concurrent_saver(root, BIG, worker, lessons[worker], saves_each, token)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers if w.startswith("thread")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for _ in processes:
        worker, count = results.get()
        landed[worker] = count
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    total = sum(landed.values())
    with store.open(BIG) as repo:
        added = int(repo.git(["rev-list", "--count", "main"])) - before
        log = repo.git(["log", "--format=%s", f"-n{total}", "main"]).decode().splitlines()
        expected = {f"{w} save {n} ({token})" for w in workers for n in range(saves_each)}
        missing = expected - set(log)
        for w in workers:  # the last edit of every lesson is in the final text
            for k, path in enumerate(lessons[w]):
                last = max(n for n in range(saves_each) if n % 3 == k)
                line = repo.read_file(path).decode().split("\n")[14]
                if line != f"{w} edit {last} ({token})":
                    missing.add(f"{w} final text of {path}")
    rate = total / elapsed
    print(
        f"{'8 threads + 2 processes saving different lessons':<58} {total} saves in "
        f"{elapsed:.2f} s = {rate:.0f} saves/s; "
        f"commits added {added}; lost {len(missing)}{'  ok' if rate >= 50 else '  MISSED'}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller history")
    parser.add_argument("--keep", type=Path, help="build the courses in this folder and keep them")
    options = parser.parse_args()
    runs = 40 if options.quick else 200
    workdir = options.keep or Path(tempfile.mkdtemp(prefix="engine-bench-"))
    root = workdir / "repos"
    root.mkdir(parents=True, exist_ok=True)
    for course, commits in ((BIG, 2_000 if options.quick else 10_000), (SMALL, 1_000)):
        if not (root / f"{course}.git").exists():
            started = time.perf_counter()
            build_course(root / f"{course}.git", commits=commits)
            print(
                f"built course {course}: {commits} commits in {time.perf_counter() - started:.1f} s"
            )
    store = RepoStore(root)
    try:
        bench_reads(store, runs)
        bench_history(store, runs // 2)
        bench_saves(store, runs)
        bench_index_alternative(store, runs // 4)
        store.wait_for_housekeeping()
        bench_concurrency(store, saves_each=10 if options.quick else 40)
    finally:
        store.wait_for_housekeeping()
        store.close()
        if options.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
