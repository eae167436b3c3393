"""Time the reading pages on a large course: lesson page (warm and cold caches) and course home.

The course has 50 units of 20 lessons and 10,000 commits (benchmarks/synthetic.py), served by
a real app (SQLite in a temporary folder, or a schema of its own in PostgreSQL with
--database) through the Flask test client, signed in as a member of a private network, so
every request pays for the permission check, the repository reads, the caches and templates.

"Warm" is a lesson viewed before at the same head commit. "Unseen" is a lesson nobody opened
yet in a worker that already served the course at this head: its Markdown is rendered, its
neighbours summarized and its last change looked up, all stored again. "Cold" empties every
cache (process and SQL) before each request, as after a restart: the page also parses
course.yaml and lists the course's files.

    python benchmarks/pages.py [--repo-cache DIR] [--database URL] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.webapp import signed_in_app  # noqa: E402
from workspace.content import parse_lesson_path  # noqa: E402
from workspace.extensions import db  # noqa: E402
from workspace.git import Author, Write  # noqa: E402
from workspace.models import (  # noqa: E402
    LessonSummary,
    RenderedBlob,
)
from workspace.runtime import repo_store  # noqa: E402
from workspace.services.reading import reading_cache  # noqa: E402

TARGETS = {"lesson, warm": 15.0, "lesson, unseen": 60.0, "lesson, cold": 60.0}


def _real_outline(course_id: int) -> list[tuple[str, str]]:
    """Commit a course.yaml that lists every unit and lesson; return the (unit, lesson) list."""
    with repo_store().open(course_id) as repo:
        head = repo.head()
        lessons = sorted(
            found
            for entry in repo.list_tree(head, "units")
            if (found := parse_lesson_path(entry.path)) is not None
        )
        units: dict[str, list[str]] = {}
        for unit, lesson in lessons:
            units.setdefault(unit, []).append(lesson)
        lines = ["title: Synthetic physics", "subject: Physics", "grade_band: 9-12", "units:"]
        for unit, names in units.items():
            lines += [f"  - slug: {unit}", "    lessons:"] + [f"      - {n}" for n in names]
        author = Author("Benchmark", "bench@users.noreply.example.org")
        data = ("\n".join(lines) + "\n").encode()
        repo.commit([Write("course.yaml", data)], author, "List every lesson", base=head)
    return lessons


def _time(
    label: str,
    rounds: int,
    request: Callable[[int], None],
    prepare: Callable[[], None] | None = None,
) -> None:
    """Print the median and 95th percentile of `request`; `prepare` runs untimed before each.

    Also prints the mean CPU time per request (this process plus the git commands it ran):
    unlike wall time, it barely moves when other work shares the machine.
    """
    samples = []
    cpu = 0.0
    for number in range(rounds):
        if prepare is not None:
            prepare()
        before, cpu_before = time.perf_counter(), _cpu()
        request(number)
        samples.append((time.perf_counter() - before) * 1000)
        cpu += _cpu() - cpu_before
    samples.sort()
    median = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    target = TARGETS.get(label)
    verdict = ""
    if target is not None:
        verdict = f"  (target p95 < {target:.0f} ms: {'met' if p95 < target else 'MISSED'})"
    print(
        f"{label:<18} median {median:7.2f} ms  p95 {p95:7.2f} ms  "
        f"cpu {cpu / rounds * 1000:6.2f} ms  n={rounds}{verdict}"
    )


def _cpu() -> float:
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo-cache", type=Path, help="keep the built repository here")
    parser.add_argument(
        "--database",
        help="PostgreSQL URL; the benchmark works in its own schema and drops it afterwards "
        "(default: SQLite in a temporary folder)",
    )
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    schema = f"pages_benchmark_{os.getpid()}"
    try:
        uri = _schema_url(args.database, schema) if args.database else None
        run(work, args.repo_cache, uri, args.rounds)
    finally:
        if args.database:
            _drop_schema(args.database, schema)
        shutil.rmtree(work, ignore_errors=True)


def _schema_url(database: str, schema: str) -> str:
    """Return a URL whose connections work in a new, empty schema of `database`."""
    url = make_url(database).set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _drop_schema(database: str, schema: str) -> None:
    engine = create_engine(make_url(database).set(drivername="postgresql+psycopg"))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def run(work: Path, repo_cache: Path | None, database: str | None, rounds: int) -> None:
    with signed_in_app(work, repo_cache, database) as (client, course_id):
        lessons = _real_outline(course_id)
        with repo_store().open(course_id) as repo:
            count = len(repo.git(["rev-list", "main"]).split())
        print(f"course: {len(lessons)} lessons, {count} commits")

        rng = random.Random(1)
        urls = [f"/n/physics/synthetic/lessons/{u}/{lesson}" for u, lesson in lessons]
        picked = rng.sample(urls, 50)

        def get(url: str) -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")

        def empty_tables() -> None:
            db.session.execute(db.delete(RenderedBlob))
            db.session.execute(db.delete(LessonSummary))
            db.session.commit()

        def cold() -> None:
            reading_cache(client.application).clear()
            empty_tables()

        def unseen_lesson() -> None:
            # A lesson nobody opened yet, in a worker that has served the course at this head.
            reading_cache(client.application).clear(["html", "content", "summary", "last"])
            empty_tables()

        for url in picked:
            get(url)
        _time("lesson, warm", rounds, lambda n: get(picked[n % len(picked)]))
        _time("lesson, unseen", rounds, lambda n: get(urls[n % len(urls)]), prepare=unseen_lesson)
        _time("lesson, cold", rounds, lambda n: get(urls[n % len(urls)]), prepare=cold)
        home = "/n/physics/synthetic/"
        get(home)
        _time("course home, warm", max(20, rounds // 4), lambda n: get(home))
        _time("course home, cold", max(10, rounds // 20), lambda n: get(home), prepare=cold)
        repo_store().close()


if __name__ == "__main__":
    main()
