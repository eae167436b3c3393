"""The reading use cases run with a plain SQLAlchemy session and a repo store: no Flask app, no
request, as a job, a git hook or a script would call them."""

from __future__ import annotations

import ast
import io
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from workspace.extensions import db
from workspace.git import Author, RepoStore, RevisionNotFound, Write
from workspace.models import Course, Network, RenderedBlob
from workspace.services import reading
from workspace.services.context import Ctx, LessonRef, Settings
from workspace.services.reading import Caches, CourseLinks, PendingRows, ReadingCache

READING = Path(__file__).resolve().parents[2] / "workspace" / "services" / "reading"
LINKS = CourseLinks(raw_base="/n/school/physics/raw", lesson_base="/n/school/physics/lessons")
ANA = Author("Ana Lima", "ana@users.noreply.example.test")
BEN = Author("Ben Okafor", "ben@users.noreply.example.test")

COURSE_YAML = """\
title: Physics in Motion
units:
  - slug: motion
    title: Motion
    lessons: [speed, acceleration]
"""
SPEED = """\
---
title: Speed and velocity
duration: 50
standards: [HS-PS2-1]
---
Students time a cart over **one metre**.

![The cart on its track](images/cart.png)
"""
ACCELERATION = "---\ntitle: Acceleration\n---\nFaster and faster.\n"
SPEED_PATH = "units/motion/lessons/speed.md"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = create_engine(f"sqlite:///{tmp_path / 'reading.sqlite3'}")
    db.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RepoStore]:
    store = RepoStore(tmp_path / "repos")
    yield store
    store.close()  # stops the pooled git readers


@pytest.fixture
def course(session: Session, store: RepoStore) -> Course:
    network = Network(slug="school", name="School", purpose="Teach physics together.")
    course = Course(network=network, slug="physics", title="Physics in Motion")
    session.add(course)
    session.commit()
    files = {
        "course.yaml": COURSE_YAML.encode(),
        SPEED_PATH: SPEED.encode(),
        "units/motion/lessons/acceleration.md": ACCELERATION.encode(),
        "units/motion/lessons/images/cart.png": b"\x89PNG not really\n",
    }
    store.create(course.id, files, ANA, "Create course: Physics in Motion")
    return course


@pytest.fixture
def ctx(session: Session, store: RepoStore) -> Ctx:
    return Ctx(session, store, Settings())


def _edit(store: RepoStore, course: Course, text: str, message: str) -> str:
    with store.open(course.id) as repo:
        return repo.commit([Write(SPEED_PATH, text.encode())], BEN, message, repo.head()).commit


def test_no_module_of_the_reading_services_imports_flask() -> None:
    for path in sorted(READING.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )  # fmt: skip
            for name in names:
                assert name.split(".")[0] not in ("flask", "flask_login", "werkzeug"), path.name


def test_a_teacher_reads_a_lesson_without_any_flask_app(ctx: Ctx, course: Course) -> None:
    assert not flask.has_app_context()
    view = reading.lesson_page(ctx, LessonRef(course, "motion", "speed"), links=LINKS)
    assert view.content.title == "Speed and velocity"
    assert view.content.meta is not None and view.content.meta.duration == 50
    assert "Students time a cart over <strong>one metre</strong>." in view.content.html
    assert 'src="/n/school/physics/raw/main/units/motion/lessons/images/cart.png"' in (
        view.content.html
    )
    assert view.is_head and view.status == "listed"
    assert view.previous is None
    assert view.next is not None and view.next.title == "Acceleration"
    assert view.last_change is not None and view.last_change.author_name == "Ana Lima"


def test_an_earlier_version_links_into_that_version(
    ctx: Ctx, course: Course, store: RepoStore
) -> None:
    first = reading.course_history_page(ctx, course).entries[0].commit.sha
    _edit(store, course, SPEED.replace("one metre", "two metres"), "Longer track")
    ref = LessonRef(course, "motion", "speed")
    now = reading.lesson_page(ctx, ref, links=LINKS)
    then = reading.lesson_page(ctx, ref, first[:10], links=LINKS)
    assert "two metres" in now.content.html and now.last_change.author_name == "Ben Okafor"
    assert "one metre" in then.content.html and not then.is_head
    assert f"/n/school/physics/raw/{first}/units/motion/lessons/images/cart.png" in (
        then.content.html
    )
    with pytest.raises(RevisionNotFound):
        reading.lesson_page(ctx, ref, "beef" * 10, links=LINKS)
    with pytest.raises(reading.LessonNotFound, match="no lesson"):
        reading.lesson_page(ctx, LessonRef(course, "motion", "ghost"), links=LINKS)


def test_a_warm_lesson_page_renders_nothing_again_and_rows_wait_for_the_flush(
    ctx: Ctx, course: Course
) -> None:
    memory, pending = ReadingCache(), PendingRows()
    caches = Caches(memory, pending)
    ref = LessonRef(course, "motion", "speed")
    first = reading.lesson_page(ctx, ref, links=LINKS, caches=caches)
    stored = select(func.count()).select_from(RenderedBlob)
    assert memory.renders == 1 and len(pending) > 0
    assert ctx.session.scalar(stored) == 0  # nothing written until the caller flushes
    pending.flush(ctx.session)
    assert ctx.session.scalar(stored) == 1
    again = reading.lesson_page(ctx, ref, links=LINKS, caches=caches)
    assert again.content == first.content and memory.renders == 1 and len(pending) == 0
    # Another process: nothing in memory, the table has the HTML.
    other = ReadingCache()
    reading.lesson_page(ctx, ref, links=LINKS, caches=Caches(other))
    assert other.renders == 0


def test_history_commit_compare_and_blame_without_flask(
    ctx: Ctx, course: Course, store: RepoStore
) -> None:
    edit = _edit(store, course, SPEED.replace("one metre", "two metres"), "Longer track")
    history = reading.course_history_page(ctx, course)
    assert [e.commit.summary for e in history.entries] == [
        "Longer track",
        "Create course: Physics in Motion",
    ]
    assert history.next_after is None
    older = reading.course_history_page(ctx, course, limit=1)
    assert older.next_after == edit
    lesson = reading.lesson_history_page(ctx, LessonRef(course, "motion", "speed"))
    assert lesson.exists and lesson.path == SPEED_PATH
    assert [e.commit.sha for e in lesson.page.entries][0] == edit
    commit = reading.commit_page(ctx, course, edit[:12])
    assert commit.info.sha == edit and [f.diff.path for f in commit.changes.files] == [SPEED_PATH]
    words = commit.changes.files[0].words
    assert words is not None and ("delete", "one") in words and ("insert", "two") in words
    compared = reading.compare_page(ctx, course, history.entries[1].commit.sha, "main")
    assert compared.new.sha == edit and compared.changes.additions == 1
    blame = reading.blame_page(ctx, LessonRef(course, "motion", "speed"))
    assert blame.commit == edit
    assert {g.author_name for g in blame.groups} == {"Ana Lima", "Ben Okafor"}
    assert reading.revision_problems(ctx, course, ["main", "nope!"]) != []


def test_course_home_print_files_and_zip_without_flask(ctx: Ctx, course: Course) -> None:
    home = reading.course_home(ctx, course)
    assert [(e.unit, e.slug, e.title) for e in home.view.index.lessons] == [
        ("motion", "speed", "Speed and velocity"),
        ("motion", "acceleration", "Acceleration"),
    ]
    assert home.view.cards[SPEED_PATH].duration == 50
    assert [c.summary for c in home.recent] == ["Create course: Physics in Motion"]
    printed = reading.printed_course(ctx, course, links=LINKS)
    assert [content.title for _entry, content in printed.lessons] == [
        "Speed and velocity",
        "Acceleration",
    ]
    image = reading.course_file(ctx, course, "main", "units/motion/lessons/images/cart.png")
    assert image.data == b"\x89PNG not really\n"
    archive = reading.course_archive(ctx, course)
    try:
        data = b"".join(archive.chunks)
    finally:
        archive.chunks.close()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert f"{archive.name}/{SPEED_PATH}" in names
    assert archive.name == f"physics-{archive.commit[:10]}"


def test_an_unread_zip_gives_its_repository_back_when_closed(
    ctx: Ctx, course: Course, store: RepoStore
) -> None:
    store.close()  # an empty pool, so what comes back is the download's reader
    archive = reading.course_archive(ctx, course)
    assert not any(entry[0] == course.id for entry in store._pool)
    archive.chunks.close()
    assert any(entry[0] == course.id for entry in store._pool)


def test_cache_rows_that_cannot_be_stored_are_logged_not_raised(
    tmp_path: Path, caplog: Any
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no tables at all
    pending = PendingRows()
    row = {"blob_id": "b", "renderer_version": "1", "context": "c", "html": "<p></p>"}
    pending.add(RenderedBlob, [row])
    with Session(engine) as session, caplog.at_level(logging.WARNING):
        pending.flush(session)
    engine.dispose()
    assert "Could not store 1 cache rows" in caplog.text
