"""Time search on 10,000 lessons across 20 courses, and indexing one commit.

Ten networks (five public, five private) hold two courses each, of 25 units of 20 lessons (2
to 4 KB of text, standards, objectives, some instructor notes) drawn from a vocabulary of a few
thousand words, common ones far more often than rare ones, as in real text. The searcher is a
member of three networks (one public, two private), so every search mixes what they read as
the network's people and as a visitor; a visitor who is not signed in searches too.

The courses and the index are built once and kept (`--cache`, default bench-out/search/; on
PostgreSQL the schema `bench_search` is kept too), since building takes a minute or two.

Timed: searches through the use case (query, permission conditions, ranking, passages) and
through the JSON API (the same plus the request), for words common and rare, phrases,
alternatives, left-out words and filters; then indexing after one saved lesson (the job that
runs after every commit).

    python -m benchmarks.search [--database URL] [--cache DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from workspace import create_app  # noqa: E402
from workspace.extensions import db  # noqa: E402
from workspace.git import Author, Write  # noqa: E402
from workspace.models import Course, Membership, Network, SearchDocument, User  # noqa: E402
from workspace.runtime import ctx, repo_store  # noqa: E402
from workspace.services import search  # noqa: E402

NETWORKS, COURSES_PER_NETWORK, UNITS, LESSONS_PER_UNIT = 10, 2, 25, 20
LESSONS = NETWORKS * COURSES_PER_NETWORK * UNITS * LESSONS_PER_UNIT
AUTHOR = Author("Benchmark", "bench@users.noreply.example.org")
SCHEMA = "bench_search"
TARGETS = {"search": 50.0, "index one commit": 20.0}
SCIENCE = (
    "energy force motion wave circuit current voltage resistance charge field mass "
    "acceleration velocity momentum friction gravity orbit planet photon electron atom "
    "molecule reaction equilibrium temperature pressure density volume model evidence "
    "claim reasoning data graph slope rate ratio proportion function variable algorithm "
    "students observe predict explain compare measure record discuss share revise test "
    "group pairs table sensor cart ramp spring pendulum battery bulb magnet coil lens "
    "photosynthesis enzyme cell membrane diffusion osmosis ecosystem population genetics"
).split()
STANDARDS = ["HS-PS1-2", "HS-PS2-1", "HS-PS3-3", "MS-PS2-2", "MS-LS1-6", "7.RP.A.2", "MP4"]
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("energy", {}),  # in most lessons
    ("students measure", {}),
    ("momentum cart", {}),
    ('"specific heat"', {}),
    ("photosynthesis enzyme", {}),
    ("pendulum OR spring", {}),
    ("orbit -planet", {}),
    ("zorvak", {}),  # a rare word
    ("quellin drabmor", {}),
    ("HS-PS3-3", {}),
    ("energy", {"net": "net-1"}),
    ("voltage", {"net": "net-6", "course": "course-11"}),
    ("density", {"kind": "lesson", "grade": "9-12"}),
    ("graph", {"standard": "MS-LS1-6"}),
    ("", {"standard": "HS-PS2-1", "net": "net-7"}),
]


COMMON = "the a of and to in is that for on with as are by this it be from at or".split()


class Vocabulary:
    """Words with Zipf-Mandelbrot frequencies (the science words first, then thousands of
    rarer made-up ones), interleaved with common English words as in real prose."""

    def __init__(self, rng: random.Random) -> None:
        syllables = ["ka", "lo", "mi", "zor", "vak", "quel", "lin", "drab", "mor", "te", "su"]
        made = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(8000)}
        self.words = SCIENCE + sorted(made - set(SCIENCE))
        total, self.weights = 0.0, []
        for rank in range(1, len(self.words) + 1):
            total += 1 / (rank + 15) ** 1.05
            self.weights.append(total)

    def __call__(self, rng: random.Random, count: int) -> str:
        words = rng.choices(self.words, cum_weights=self.weights, k=count)
        return " ".join(rng.choice(COMMON) if rng.random() < 0.4 else w for w in words)


def _lesson(rng: random.Random, words: Vocabulary, title: str) -> str:
    standards = rng.sample(STANDARDS, rng.randint(0, 2))
    lines = ["---", f"title: {title}", "duration: 50"]
    if standards:
        lines += ["standards:"] + [f"  - {code}" for code in standards]
    lines += ["objectives:", f"  - {words(rng, 8).capitalize()}", "---", ""]
    for heading in ("Launch", "Explore", "Explain"):
        lines += [f"# {heading}", "", words(rng, rng.randint(80, 160)) + ".", ""]
    if rng.random() < 0.3:
        lines += ["::: instructor", words(rng, 30) + ".", ":::", ""]
    return "\n".join(lines)


def _course_files(rng: random.Random, words: Vocabulary, number: int) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    outline = [f"title: Course {number}", "grade_band: 9-12", "units:"]
    for unit in range(UNITS):
        slug = f"unit-{unit:02d}"
        outline += [f"  - slug: {slug}", f"    title: Unit {unit}", "    lessons:"]
        for lesson in range(LESSONS_PER_UNIT):
            name = f"lesson-{lesson:02d}"
            outline.append(f"      - {name}")
            title = f"{words(rng, 3).title()} {unit}.{lesson}"
            path = f"units/{slug}/lessons/{name}.md"
            files[path] = _lesson(rng, words, title).encode()
    files["course.yaml"] = ("\n".join(outline) + "\n").encode()
    return files


def _database(url: str | None, cache: Path) -> str:
    if url is None:
        return f"sqlite:///{cache / 'bench.sqlite3'}"
    found = make_url(url)
    if found.drivername in ("postgresql", "postgres"):
        found = found.set(drivername="postgresql+psycopg")
    engine = create_engine(found)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
    engine.dispose()
    found = found.update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    return found.render_as_string(hide_password=False)


def _build(cache: Path) -> None:
    """Make the people, networks, courses and repositories (once), then the index."""
    db.create_all()
    if db.session.scalar(select(func.count(SearchDocument.id))) == LESSONS:
        for course_id in db.session.scalars(select(Course.id)):
            search.index_course(ctx(), course_id)  # a round left midway, caught up
        return
    started = time.perf_counter()
    db.session.rollback()  # its read would hold PostgreSQL's lock that dropping tables waits for
    db.drop_all()
    db.create_all()
    rng = random.Random(12)
    words = Vocabulary(rng)
    member = User(username="member", email="member@example.org", display_name="Member")
    member.set_password("benchmark-password", method="pbkdf2:sha256:1000")
    db.session.add(member)
    number = 0
    store = repo_store()
    for n in range(1, NETWORKS + 1):
        network = Network(
            slug=f"net-{n}", name=f"Network {n}", purpose="Benchmarks",
            visibility="public" if n <= NETWORKS // 2 else "private",
        )  # fmt: skip
        db.session.add(network)
        if n in (1, 6, 7):
            db.session.add(Membership(network=network, user=member, role="member"))
        for _ in range(COURSES_PER_NETWORK):
            number += 1
            course = Course(
                id=number,
                network=network,
                slug=f"course-{number}",
                title=f"Course {number}",
                grade_band="9-12",
            )
            db.session.add(course)
            db.session.commit()
            if not store.exists(course.id):
                store.create(course.id, _course_files(rng, words, number), AUTHOR, "Create")
    built = time.perf_counter()
    for course_id in range(1, number + 1):
        search.index_course(ctx(), course_id)
    done = time.perf_counter()
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))  # as autovacuum (PostgreSQL) would after a bulk load
    print(
        f"built {LESSONS:,} lessons in {built - started:.0f} s; "
        f"indexed them in {done - built:.1f} s ({(done - built) / number:.2f} s per course)"
    )


def _report(label: str, timings: list[float], target: float | None = None) -> None:
    timings = sorted(timings)
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    goal = f"   target p95 < {target:.0f} ms" if target else ""
    print(f"{label:<46} median {statistics.median(timings):7.2f} ms   p95 {p95:7.2f} ms{goal}")


def _time(rounds: int, call: Callable[[], Any]) -> list[float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _filters(args: dict[str, str]) -> search.Filters:
    network = course = None
    if "net" in args:
        network = db.session.scalar(select(Network).filter_by(slug=args["net"]))
    if "course" in args:
        course = db.session.scalar(select(Course).filter_by(slug=args["course"]))
    return search.Filters(
        network, course, "", args.get("grade", ""),
        search_code(args.get("standard", "")), args.get("kind", ""),
    )  # fmt: skip


def search_code(code: str) -> str:
    from workspace.content import normalize_standard

    return normalize_standard(code).code if code else ""


def run(database: str | None, cache: Path, rounds: int) -> None:
    cache = cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": _database(database, cache),
            "REPOS_ROOT": str(cache / "repos"),
            "NOREPLY_DOMAIN": "example.org",
            "JOBS_MODE": "inline",
        }
    )
    with app.app_context():
        _build(cache)
        member = db.session.scalar(select(User).filter_by(username="member"))
        db.session.commit()
        print(f"{db.engine.name}: {LESSONS:,} lessons in 20 courses, {rounds} rounds per search")
        everything: list[float] = []
        for who, user in (("member", member), ("visitor", None)):
            for query, args in QUERIES:
                filters = _filters(args)
                if who == "visitor" and filters.network and not filters.network.is_public:
                    continue
                context = ctx(user)
                search.search(context, query, filters)  # warm the database's caches
                timings = _time(
                    rounds, lambda c=context, q=query, f=filters: search.search(c, q, f)
                )
                everything += timings
                shown = query or "(no words)"
                if args:
                    shown += " " + " ".join(f"{k}={v}" for k, v in args.items())
                _report(f"  {who}: {shown}"[:46], timings)
                db.session.rollback()
        _report("search, every query above (use case)", everything, TARGETS["search"])

        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = member.get_id()
            session["_fresh"] = True
        db.session.commit()
        requests: list[float] = []
        for query, args in QUERIES:
            params = {"q": query, **args}
            client.get("/api/v1/search", query_string=params)
            requests += _time(
                max(3, rounds // 2), lambda p=params: client.get("/api/v1/search", query_string=p)
            )
        _report("search through the JSON API, signed in", requests, TARGETS["search"])

        rng = random.Random(7)
        indexing: list[float] = []
        with repo_store().open(1) as repo:
            paths = [e.path for e in repo.list_tree("main", "units") if e.path.endswith(".md")]
        for _ in range(rounds):
            path = rng.choice(paths)
            with repo_store().open(1) as repo:
                data = repo.read_file(path) + f"\nRevised once more ({rng.random()}).\n".encode()
                repo.commit([Write(path, data)], AUTHOR, "Edit", base=repo.head())
            started = time.perf_counter()
            indexed = search.index_course(ctx(), 1)
            indexing.append((time.perf_counter() - started) * 1000)
            assert indexed.changed == 1, indexed
        _report("index one commit (one lesson changed)", indexing, TARGETS["index one commit"])
        repo_store().close()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite in the cache)")
    parser.add_argument("--cache", type=Path, default=Path("bench-out/search"))
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    run(args.database, args.cache, args.rounds)


if __name__ == "__main__":
    main()
