"""Time a lesson page with 50 review threads opened across 200 revisions of the lesson.

The course is the synthetic one (benchmarks/synthetic.py: 1,000 lessons, 10,000 commits); one
of its lessons then gets 200 revisions (paragraphs inserted, edited, moved and deleted), and
50 threads are opened on lines of revisions spread over that history, so at the newest
version some threads have moved, some are outdated. "Warm" is the page viewed again at the
same version (thread positions known); "positions unknown" empties thread_positions before
each request, so every thread is placed again from the texts, as right after a save.

    python -m benchmarks.threads [--repo-cache DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import pages  # noqa: E402
from benchmarks.pages import _real_outline, _time  # noqa: E402
from benchmarks.webapp import signed_in_app  # noqa: E402
from workspace.access import Access  # noqa: E402
from workspace.extensions import db  # noqa: E402
from workspace.git import Author, Write  # noqa: E402
from workspace.models import Course, ThreadPosition, User  # noqa: E402
from workspace.runtime import ctx, repo_store  # noqa: E402
from workspace.services import threads  # noqa: E402
from workspace.services.context import LessonRef  # noqa: E402

REVISIONS, THREADS = 200, 50
TARGETS = {"lesson with 50 threads, warm": 30.0}


def _revise(rng: random.Random, paragraphs: list[str], n: int) -> list[str]:
    changed = list(paragraphs)
    at = rng.randrange(len(changed))
    step = rng.choice(["insert", "edit", "move", "delete"] if len(changed) > 12 else ["insert"])
    if step == "insert":
        changed.insert(at, f"Revision {n} adds a new step for the groups to try.")
    elif step == "edit":
        changed[at] = changed[at].rstrip(".") + f", revised in {n}."
    elif step == "move":
        changed.insert(rng.randrange(len(changed)), changed.pop(at))
    else:
        del changed[at]
    return changed


def _text(paragraphs: list[str]) -> str:
    return "---\ntitle: Much revised\n---\n\n" + "\n\n".join(paragraphs) + "\n"


def build(course_id: int, unit: str, lesson: str, rng: random.Random) -> list[str]:
    """Commit REVISIONS versions of the lesson; return their commit ids, oldest first."""
    path = f"units/{unit}/lessons/{lesson}.md"
    paragraphs = [f"Step {n}: students observe and record what happens." for n in range(20)]
    author = Author("Benchmark", "bench@users.noreply.example.org")
    commits = []
    with repo_store().open(course_id) as repo:
        for n in range(REVISIONS):
            paragraphs = _revise(rng, paragraphs, n)
            data = _text(paragraphs).encode()
            head = repo.head()
            commits.append(
                repo.commit([Write(path, data)], author, f"Revise {n}", base=head).commit
            )
    return commits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo-cache", type=Path, help="keep the built repository here")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="threads-bench-"))
    try:
        run(work, args.repo_cache, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, repo_cache: Path | None, rounds: int) -> None:
    with signed_in_app(work, repo_cache, None) as (client, course_id):
        pages.TARGETS.update(TARGETS)
        outline = _real_outline(course_id)
        unit, lesson = outline[0]
        other = "/n/physics/synthetic/lessons/{}/{}".format(*outline[1])
        rng = random.Random(7)
        commits = build(course_id, unit, lesson, rng)
        course = db.session.get(Course, course_id)
        user = db.session.scalar(db.select(User))
        ref = LessonRef(course, unit, lesson)
        for n in range(THREADS):
            commit = commits[n * (REVISIONS // THREADS)]
            with repo_store().open(course_id) as repo:
                count = repo.read_file(ref.path, commit).decode().count("\n")
            start = rng.randrange(5, count - 2)
            new = threads.NewThread("question", f"Thread {n}?", commit, start, start + 1)
            threads.open_thread(ctx(user), ref, Access.READ | Access.COMMENT, new)
        db.session.commit()
        url = f"/n/physics/synthetic/lessons/{unit}/{lesson}"
        page = client.get(url)
        assert page.status_code == 200, page.status_code
        placed = threads.lesson_threads(ctx(user), ref)
        outdated = sum(1 for v in placed.threads if v.position.state == "outdated")
        print(
            f"lesson: {REVISIONS} revisions, {THREADS} threads; at the newest version "
            f"{THREADS - outdated} current, {outdated} outdated"
        )

        def get(_n: int) -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")

        def forget_positions() -> None:
            db.session.execute(db.delete(ThreadPosition))
            db.session.commit()

        _time("lesson with 50 threads, warm", rounds, get)
        _time("positions unknown", max(20, rounds // 5), get, prepare=forget_positions)
        client.get(other)
        _time("lesson, no threads", rounds, lambda n: client.get(other))
        repo_store().close()


if __name__ == "__main__":
    main()
