"""Time lesson history, blame and "what changed since" with and without the path-history index.

Builds the synthetic course (benchmarks/synthetic.py: 1,000 lessons, renames along the way) at
10,000 and 100,000 commits, once per cache folder, then for each size:

- backfills the index (the job's work, progress printed) and times it;
- times the first page (50) of a lesson's history for the most often and a rarely edited
  lesson: the git walk the pages used before, then the index read they use now (both with
  each commit's details, as the page needs them);
- times a lesson's blame: `git blame`, the cached blame, and the blame of a version saved a
  moment ago (built from the cached one with one diff);
- times "what changed since": a lesson's name 5,000 commits back through the index, and the
  diff between the two versions;
- times a save through the editing service (what the editor and the API call), with the
  index written after each save and without it, for the save's p95.

    python -m benchmarks.flat_history [--repo-cache DIR] [--rounds N] [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import build_course  # noqa: E402
from workspace import create_app  # noqa: E402
from workspace.events import CourseChanged  # noqa: E402
from workspace.extensions import db  # noqa: E402
from workspace.models import Course, Membership, Network, PathChange, User  # noqa: E402
from workspace.runtime import ctx, event_bus, repo_store  # noqa: E402
from workspace.services import editing, history  # noqa: E402
from workspace.services.context import LessonRef  # noqa: E402

ROWS: list[tuple[str, float, float]] = []


def _time(label: str, rounds: int, action: Callable[[], object]) -> None:
    """Print and keep the median and p95 of `action` in ms (after two warm-up calls)."""
    action()
    action()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    median = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    ROWS.append((label, median, p95))
    print(f"{label:<64} median {median:7.2f} ms  p95 {p95:7.2f} ms", flush=True)


def _repository(cache: Path, commits: int) -> Path:
    built = cache / f"synthetic-{commits}.git"
    if not built.exists():
        started = time.perf_counter()
        build_course(built, commits=commits)
        print(f"built {commits:,} commits in {time.perf_counter() - started:.0f} s", flush=True)
    return built


def _app(work: Path, source: Path) -> tuple[object, int, User]:
    app = create_app(
        {
            "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'bench.sqlite3'}",
            "REPOS_ROOT": str(work / "repos"),
            "NOREPLY_DOMAIN": "example.org",
            "JOBS_MODE": "inline",
        }
    )
    context = app.app_context()
    context.push()
    db.create_all()
    user = User(username="bench", email="bench@example.org", display_name="Bench")
    user.set_password("benchmark-password", method="pbkdf2:sha256:1000")
    network = Network(slug="physics", name="Physics", purpose="Benchmarks")
    db.session.add_all([user, network, Membership(network=network, user=user, role="member")])
    db.session.flush()
    course = Course(network_id=network.id, slug="synthetic", title="Synthetic physics")
    db.session.add(course)
    db.session.commit()
    shutil.copytree(source, repo_store().path_for(course.id))
    return app, course.id, user


def _lessons(course_id: int) -> tuple[str, str, str]:
    """Return the most often edited lesson, one edited rarely and never renamed, and the
    lesson renamed last (its history continues under its earlier name)."""
    renamed = set(
        db.session.scalars(db.select(PathChange.path).filter_by(course_id=course_id, kind="R"))
    )
    counts = db.session.execute(
        db.select(PathChange.path, db.func.count())
        .where(PathChange.course_id == course_id, PathChange.path.like("units/%/lessons/%"))
        .group_by(PathChange.path)
        .order_by(db.func.count().desc())
    ).all()
    with repo_store().open(course_id) as repo:
        present = {e.path for e in repo.list_tree("main", "units")}
    counts = [(path, n) for path, n in counts if path in present]
    often = counts[0]
    rare = min((row for row in counts if row[0] not in renamed), key=lambda row: row[1])
    last = db.session.scalars(
        db.select(PathChange.path)
        .filter_by(course_id=course_id, kind="R")
        .order_by(PathChange.seq.desc())
        .limit(1)
    ).one()
    print(f"often edited: {often[0]} ({often[1]} versions); rarely: {rare[0]} ({rare[1]})")
    return often[0], rare[0], last


def run_size(cache: Path, commits: int, rounds: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="flat-history-"))
    try:
        app, course_id, user = _app(work, _repository(cache, commits))
        course = db.session.get(Course, course_id)
        assert course is not None
        print(f"\n== {commits:,} commits; load average {os.getloadavg()[0]:.1f}", flush=True)
        started = time.perf_counter()

        def report(found: history.Progress) -> None:
            print(f"  backfill: {found.indexed:,} of {found.total:,} ({found.percent}%)")

        history.catch_up(ctx(user), course_id, report=report)
        backfill = time.perf_counter() - started
        print(f"backfill of {commits:,} commits: {backfill:.1f} s", flush=True)
        ROWS.append((f"backfill ({commits:,} commits)", backfill * 1000, backfill * 1000))
        often, rare, renamed = _lessons(course_id)
        label = f"{commits // 1000}k"
        with repo_store().open(course_id) as repo:
            lessons = (("often edited", often), ("rarely edited", rare), ("renamed", renamed))
            for name, path in lessons:
                _time(
                    f"{label} lesson history, {name}: git walk",
                    max(5, rounds // 4) if commits > 50_000 else rounds,
                    lambda p=path: repo.history("main", path=p, limit=50, with_files=True),
                )
                _time(
                    f"{label} lesson history, {name}: index",
                    rounds,
                    lambda p=path: history.file_history(ctx(user), repo, course_id, p, None, 50),
                )
            _time(f"{label} blame: git blame", max(5, rounds // 4), lambda: repo.blame(often))
            head = repo.head() or ""
            history.blame_lines(ctx(user), repo, course_id, often, head)  # the first walks once
            _time(
                f"{label} blame: cached",
                rounds,
                lambda: history.blame_lines(ctx(user), repo, course_id, often, head),
            )
        _blame_after_save(label, course, user, often, rounds)
        _changes_since(label, course_id, user, often, rounds)
        _saves(label, course, user, rare, rounds)
        app_context_pop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def app_context_pop() -> None:
    """Leave the benchmark app's context (its repositories closed)."""
    from flask import globals as flask_globals

    repo_store().close()
    db.session.remove()
    flask_globals.app_ctx.pop()


def _save(course: Course, user: User, path: str, n: int) -> str:
    unit, lesson = path.split("/")[1], path.rsplit("/", 1)[1][:-3]
    ref = LessonRef(course, unit, lesson)
    with repo_store().open(course.id) as repo:
        head = repo.head() or ""
        text = repo.read_file(path).decode()
    result = editing.save_lesson(ctx(user), ref, text + f"\nA note {n}.\n", head, "Note")
    return result.commit


def _blame_after_save(label: str, course: Course, user: User, path: str, rounds: int) -> None:
    samples = []
    for n in range(rounds):
        commit = _save(course, user, path, n)
        with repo_store().open(course.id) as repo:
            started = time.perf_counter()
            found = history.blame_lines(ctx(user), repo, course.id, path, commit)
            samples.append((time.perf_counter() - started) * 1000)
            assert found is not None
    samples.sort()
    median, p95 = statistics.median(samples), samples[round(0.95 * (len(samples) - 1))]
    ROWS.append((f"{label} blame of a version just saved (one diff)", median, p95))
    print(f"{label + ' blame of a version just saved (one diff)':<64} median {median:7.2f} ms  "
          f"p95 {p95:7.2f} ms", flush=True)  # fmt: skip


def _changes_since(label: str, course_id: int, user: User, path: str, rounds: int) -> None:
    with repo_store().open(course_id) as repo:
        now = repo.head() or ""
        then = repo.git(["rev-list", "--skip=5000", "-n1", "main"]).decode().strip()

        def changes() -> None:
            old = history.name_at(ctx(user), repo, course_id, path, now, then) or path
            repo.diff(then, now, list(dict.fromkeys([old, path])))

        _time(f"{label} what changed since, 5,000 commits apart", rounds, changes)


def _saves(label: str, course: Course, user: User, path: str, rounds: int) -> None:
    counter = iter(range(10_000, 20_000))
    _time(
        f"{label} save, index written after it",
        rounds,
        lambda: _save(course, user, path, next(counter)),
    )
    bus = event_bus()
    handlers = bus._handlers.get(CourseChanged, [])  # noqa: SLF001 (the benchmark's switch)
    kept = list(handlers)
    index = [h for h in kept if getattr(h, "__qualname__", "").startswith("index_history")]
    for handler in index:
        bus.unsubscribe(CourseChanged, handler)
    _time(f"{label} save, no index", rounds, lambda: _save(course, user, path, next(counter)))
    for handler in index:
        bus.subscribe(CourseChanged, handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--repo-cache", type=Path, default=Path(tempfile.gettempdir()) / "flat-history-cache"
    )
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    args.repo_cache.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",")):
        run_size(args.repo_cache, size, args.rounds)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
