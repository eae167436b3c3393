"""Time importing a 50-lesson Carpentries-style lesson (.zip of about 5 MB with 100 images)
through the API, as the import page sends it: the upload and its preview, then the commit.

    python -m benchmarks.imports [--rounds N] [--database URL]

Each round imports the same zip into a new course. Target: the whole import under 10 s.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import struct
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workspace import create_app  # noqa: E402
from workspace.extensions import db  # noqa: E402
from workspace.models import Membership, Network, TokenScope, User  # noqa: E402
from workspace.runtime import ctx, repo_store  # noqa: E402
from workspace.services.accounts import issue_token  # noqa: E402
from workspace.services.courses import CourseFields, create_course  # noqa: E402

LESSONS, IMAGES_PER_LESSON, IMAGE_SIDE = 50, 2, 128
TARGET_SECONDS = 10.0

EPISODE = """---
title: "Episode {n}: measuring things"
teaching: 20
exercises: 10
---

:::::::::::::::::::::::::::::::::::::: questions

- What does episode {n} measure?

::::::::::::::::::::::::::::::::::::::::::::::::

## Measuring

{paragraphs}

![](fig/episode-{n}-a.png){{alt='The apparatus for episode {n}'}}

::::::::::::::::::::::::::::::::::::: challenge

## Try it

Measure it three times and average.

:::::::::::::::::::::::: solution

The average of three readings.

::::::::::::::::::::::::

:::::::::::::::::::::::::::::::::::::::::::::::

![A graph of the readings in episode {n}](fig/episode-{n}-b.png)
"""


def noise_png(rng: random.Random, side: int) -> bytes:
    """Return a real PNG of random pixels (they do not compress: the zip stays large)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\0" + rng.randbytes(3 * side) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def lesson_zip(rng: random.Random) -> bytes:
    paragraph = "Students record each reading in the table and compare with their partner. " * 6
    buffer = io.BytesIO()
    names = [f"episode-{n:02d}.md" for n in range(1, LESSONS + 1)]
    config = "title: Benchmark lesson\nepisodes:\n" + "".join(f"- {name}\n" for name in names)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bench-lesson-main/config.yaml", config)
        for n in range(1, LESSONS + 1):
            text = EPISODE.format(n=n, paragraphs="\n\n".join([paragraph] * 8))
            archive.writestr(f"bench-lesson-main/episodes/episode-{n:02d}.md", text)
            for part in "ab"[:IMAGES_PER_LESSON]:
                image = noise_png(rng, IMAGE_SIDE)
                archive.writestr(f"bench-lesson-main/episodes/fig/episode-{n}-{part}.png", image)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", help="a database URL (default: SQLite in a temp folder)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    data = lesson_zip(random.Random(7))
    app = create_app(
        {
            "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": args.database or f"sqlite:///{work / 'bench.sqlite3'}",
            "REPOS_ROOT": str(work / "repos"),
            "IMPORTS_ROOT": str(work / "imports"),
            "NOREPLY_DOMAIN": "example.org",
        }
    )
    previews, commits, totals = [], [], []
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = User(username="bench", email="bench@example.org", display_name="Bench")
        user.set_password("benchmark-password", method="pbkdf2:sha256:1000")
        network = Network(slug="physics", name="Physics", purpose="Benchmarks")
        db.session.add_all([user, network, Membership(network=network, user=user, role="member")])
        db.session.commit()
        raw, _ = issue_token(db.session, user, "benchmark", scope=TokenScope.WRITE.value)
        db.session.commit()
        client = app.test_client()
        token = {"Authorization": f"Bearer {raw}"}
        try:
            for n in range(args.rounds):
                fields = CourseFields(
                    title=f"Course {n}", slug=f"course-{n}", subject="Physics", grade_band="9-12"
                )
                course = create_course(ctx(user), network, fields)
                url = f"/api/v1/n/physics/{course.slug}/imports"
                started = time.perf_counter()
                answer = client.post(
                    url,
                    data={"files": [(io.BytesIO(data), "bench-lesson.zip")]},
                    content_type="multipart/form-data",
                    headers=token,
                )
                previewed = time.perf_counter()
                assert answer.status_code == 201, answer.get_json()
                preview = answer.get_json()
                assert len(preview["lessons"]) == LESSONS and preview["ready"], preview["notes"]
                done = client.post(f"{url}/{preview['id']}/commit", headers=token)
                finished = time.perf_counter()
                assert done.status_code == 200, done.get_json()
                previews.append(previewed - started)
                commits.append(finished - previewed)
                totals.append(finished - started)
        finally:
            repo_store().close()
    images = LESSONS * IMAGES_PER_LESSON
    print(f"import of {LESSONS} lessons, {images} images, a {len(data) / 1e6:.1f} MB zip")
    print(f"  upload and preview: median {statistics.median(previews):.2f} s")
    print(f"  commit:             median {statistics.median(commits):.2f} s")
    worst = max(totals)
    verdict = "ok" if worst < TARGET_SECONDS else "OVER TARGET"
    print(
        f"  whole import:       median {statistics.median(totals):.2f} s, worst {worst:.2f} s "
        f"(target < {TARGET_SECONDS:.0f} s: {verdict})"
    )


if __name__ == "__main__":
    main()
