"""Time the history pages on a large course: course history and lesson history, by cursor.

The course has 50 units of 20 lessons and 10,000 commits (benchmarks/synthetic.py), served by
a real app (SQLite in a temporary folder, or PostgreSQL with --database) through the Flask test
client, signed in as a member of a private network, so every request pays for the permission
check, the history walk, the files each commit changed and the template.

Pages: the newest 50 commits of the course; 50 commits from the middle of the history (the
cursor of commit 5,000, showing that a page costs the same however deep it is); a lesson's
history (a lesson renamed along the way, and an ordinary one); the JSON API's history page.

    python benchmarks/history.py [--repo-cache DIR] [--database URL] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.webapp import signed_in_app  # noqa: E402
from workspace.content import parse_lesson_path  # noqa: E402
from workspace.runtime import repo_store  # noqa: E402

TARGET_MS = 40.0
BASE = "/n/physics/synthetic"


def _cpu_seconds() -> float:
    """Return the CPU time of this process and of its finished git subprocesses."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _time(label: str, rounds: int, request: Callable[[], None]) -> None:
    """Print the median and 95th percentile of `request` over `rounds` calls, and its CPU time.

    CPU time (this process plus the git commands it ran) does not grow when other programs
    compete for the machine, so it tells a busy machine from a slow page.
    """
    samples = []
    cpu_before = _cpu_seconds()
    for _ in range(rounds):
        started = time.perf_counter()
        request()
        samples.append((time.perf_counter() - started) * 1000)
    cpu = (_cpu_seconds() - cpu_before) * 1000 / rounds
    samples.sort()
    median = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    verdict = "met" if p95 < TARGET_MS else "MISSED"
    print(
        f"{label:<32} median {median:6.1f} ms  p95 {p95:6.1f} ms  cpu {cpu:5.1f} ms  "
        f"n={rounds}  (target p95 < {TARGET_MS:.0f} ms: {verdict})"
    )


def _lessons(course_id: int) -> tuple[tuple[str, str], tuple[str, str], str]:
    """Return a lesson renamed in the history, an ordinary lesson, and the 5,000th commit."""
    with repo_store().open(course_id) as repo:
        out = repo.git(["log", "--diff-filter=R", "--name-status", "--format=", "-1", "main"])
        renamed = parse_lesson_path(out.decode().split()[-1])
        ordinary = parse_lesson_path("units/unit-07/lessons/lesson-03.md")
        middle = repo.git(["rev-list", "--skip=5000", "-n1", "main"]).decode().strip()
        count = len(repo.git(["rev-list", "main"]).split())
        files = len(repo.list_tree("main", "units"))
    assert renamed is not None and ordinary is not None
    print(f"course: {files} files under units/, {count} commits")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return renamed, ordinary, middle


def run(work: Path, repo_cache: Path | None, database: str | None, rounds: int) -> None:
    with signed_in_app(work, repo_cache, database) as (client, course_id):
        renamed, ordinary, middle = _lessons(course_id)

        def get(url: str, entries: int | None = 50) -> Callable[[], None]:
            def request() -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                found = response.get_data(as_text=True).count('"history-entry"')
                if entries is not None and "/api/" not in url and found != entries:
                    raise SystemExit(f"{url} listed {found} commits, not {entries}")

            return request

        renamed_url = f"{BASE}/history/{renamed[0]}/{renamed[1]}"
        ordinary_url = f"{BASE}/history/{ordinary[0]}/{ordinary[1]}"
        pages = [
            ("course history, newest page", get(f"{BASE}/history")),
            ("course history, page at 5,000", get(f"{BASE}/history?after={middle}")),
            ("lesson history, renamed lesson", get(renamed_url, None)),
            ("lesson history, ordinary lesson", get(ordinary_url, None)),
            ("API history, newest 50", get(f"/api/v1{BASE}/history?limit=50")),
        ]
        for label, request in pages:
            request()  # the first request pays for starting git's object reader
            _time(label, rounds, request)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo-cache", type=Path, help="keep the built repository here")
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite in a temp folder)")
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="history-bench-"))
    try:
        run(work, args.repo_cache, args.database, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
