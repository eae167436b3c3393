"""Time the Word downloads of a 30-lesson course (5 units of 6 lessons, each with boxes, a
table and a picture): the whole course as a .zip of Word documents, one unit, one lesson.

    python -m benchmarks.exchange [--rounds N]

Each download is made from scratch (nothing is cached): pandoc runs once to read each lesson
and once to write each document, two at a time for the course.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.imports import noise_png  # noqa: E402
from workspace import create_app  # noqa: E402
from workspace.extensions import db  # noqa: E402
from workspace.git import Write  # noqa: E402
from workspace.models import Membership, Network, User  # noqa: E402
from workspace.runtime import ctx, repo_store, settings  # noqa: E402
from workspace.services.courses import CourseFields, create_course  # noqa: E402

UNITS, LESSONS_PER_UNIT, IMAGE_SIDE = 5, 6, 128

LESSON = """---
title: "Lesson {n}: carts on a ramp"
duration: 50
grade_band: "9-12"
standards: [HS-PS2-1]
objectives:
  - Predict which cart goes further
---
## Warm up

{paragraphs}

![A cart](images/cart-{n}.png){{alt='The cart used in lesson {n}'}}

::: instructor
Learners confuse mass and weight.
:::

::::: challenge
## Which goes further?

- the heavy cart
- the light cart

:::: solution
The lighter one.
::::
:::::

## Data

| Mass (kg) | Distance (m) |
|-----------|--------------|
| 1         | 2.5          |
| 2         | 1.4          |

::: keypoints
- Mass matters.
:::
"""


def course_files(rng: random.Random) -> list[Write]:
    paragraph = "Students record each reading in the table and compare with their partner. " * 6
    outline = ["title: Word benchmark", "units:"]
    files: list[Write] = []
    n = 0
    for u in range(1, UNITS + 1):
        slugs = []
        for _ in range(LESSONS_PER_UNIT):
            n += 1
            slugs.append(f"lesson-{n}")
            text = LESSON.format(n=n, paragraphs="\n\n".join([paragraph] * 4))
            files.append(Write(f"units/unit-{u}/lessons/lesson-{n}.md", text.encode()))
            image = noise_png(rng, IMAGE_SIDE)
            files.append(Write(f"units/unit-{u}/lessons/images/cart-{n}.png", image))
        files.append(
            Write(f"units/unit-{u}/unit.md", f"---\ntitle: Unit {u}\n---\nAbout.\n".encode())
        )
        outline += [f"  - slug: unit-{u}", f"    lessons: [{', '.join(slugs)}]"]
    files.append(Write("course.yaml", ("\n".join(outline) + "\n").encode()))
    return files


def cpu_seconds() -> float:
    """Return the CPU time used so far by this process and the pandoc processes it ran."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(client: object, url: str, rounds: int) -> tuple[list[float], float, bytes]:
    """Return the wall times of `rounds` downloads of `url`, their median CPU, the last body."""
    times, cpu, data = [], [], b""
    for _ in range(rounds):
        started, used = time.perf_counter(), cpu_seconds()
        response = client.get(url)  # type: ignore[attr-defined]
        data = response.data
        times.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - used)
        assert response.status_code == 200, response.status_code
    return times, statistics.median(cpu), data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="word-bench-"))
    app = create_app(
        {
            "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'bench.sqlite3'}",
            "REPOS_ROOT": str(work / "repos"),
            "NOREPLY_DOMAIN": "example.org",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = User(username="bench", email="bench@example.org", display_name="Bench")
        user.set_password("benchmark-password", method="pbkdf2:sha256:1000")
        network = Network(slug="physics", name="Physics", purpose="Benchmarks", visibility="public")
        db.session.add_all([user, network, Membership(network=network, user=user, role="member")])
        db.session.commit()
        fields = CourseFields(
            title="Word benchmark", slug="word", subject="Physics", grade_band="9-12"
        )
        course = create_course(ctx(user), network, fields)
        with repo_store().open(course.id) as repo:
            repo.commit(
                course_files(random.Random(7)), settings().author(user), "Bench", base=repo.head()
            )
        client = app.test_client()
        base = "/n/physics/word"
        try:
            lesson, lesson_cpu, _ = timed(
                client, f"{base}/lessons/unit-1/lesson-1.docx", args.rounds
            )
            unit, unit_cpu, _ = timed(client, f"{base}/units/unit-1.docx", args.rounds)
            whole, whole_cpu, data = timed(client, f"{base}/course.docx.zip", args.rounds)
        finally:
            repo_store().close()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    lessons = UNITS * LESSONS_PER_UNIT
    load = os.getloadavg()[0]
    print(f"Word export of a {lessons}-lesson course ({UNITS} units, a picture per lesson)")
    print(f"(load average {load:.1f}; CPU is this process and its pandoc runs)")
    print(
        f"  one lesson (.docx):   median {statistics.median(lesson) * 1000:.0f} ms, "
        f"CPU {lesson_cpu * 1000:.0f} ms"
    )
    print(
        f"  one unit of {LESSONS_PER_UNIT} lessons: median {statistics.median(unit):.2f} s, "
        f"CPU {unit_cpu:.2f} s"
    )
    print(
        f"  whole course (.zip of {len(names)} documents, {len(data) / 1e6:.1f} MB): "
        f"median {statistics.median(whole):.2f} s, worst {max(whole):.2f} s, CPU {whole_cpu:.2f} s"
    )


if __name__ == "__main__":
    main()
