"""Use cases run with no Flask app and no request: a job, a git hook's bookkeeping or a
live-editing room builds a context from a plain SQLAlchemy session and calls them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import Session

from workspace.events import CourseChanged, EventBus, LessonRenamed, LessonSaved
from workspace.extensions import db
from workspace.git import RepoStore
from workspace.models import Activity, Membership, Network, Role, User
from workspace.services import editing
from workspace.services.context import Ctx, LessonRef, Settings
from workspace.services.courses import CourseFields, create_course

LESSON = "---\ntitle: Energy transfer\nduration: 50\n---\n\nIce melts in warm water.\n"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Ctx, list[CourseChanged]]]:
    """Return a context on a fresh SQLite file and repos folder, and the events it emitted."""
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
    db.metadata.create_all(engine)
    heard: list[CourseChanged] = []
    bus = EventBus()
    bus.subscribe(CourseChanged, heard.append)
    with Session(engine) as session:
        ana = User(username="ana", email="ana@school.example", display_name="Ana Lima")
        ana.set_password("correct horse battery", method="pbkdf2:sha256:1000")
        network = Network(slug="physics", name="Physics", purpose="Teach physics together.")
        session.add_all([ana, network, Membership(network=network, user=ana, role=Role.LEADER)])
        session.commit()
        settings = Settings(noreply_domain="plain.example")
        yield Ctx(session, RepoStore(tmp_path / "repos"), settings, ana, bus), heard
    engine.dispose()


def test_saving_and_renaming_a_lesson_need_no_flask(world: tuple[Ctx, list[CourseChanged]]):
    import flask

    assert not flask.has_app_context()
    ctx, heard = world
    network = ctx.session.scalars(select(Network)).one()
    course = create_course(
        ctx, network, CourseFields(title="Mechanics", slug="mechanics", grade_band="9-12")
    )
    unit = editing.create_unit(ctx, course, "Energy", "energy")
    created = editing.create_lesson(ctx, course, "energy", "transfer", content=LESSON)
    ref = LessonRef(course, "energy", "transfer")
    saved = editing.save_lesson(ctx, ref, LESSON.replace("Ice", "Snow"), created.commit)
    renamed = editing.rename_lesson(ctx, ref, "heat-transfer")

    with ctx.store.open(course.id) as repo:
        assert repo.head() == renamed.commit
        text = repo.read_file("units/energy/lessons/heat-transfer.md").decode()
        info = repo.commit_info(saved.commit)
    assert "Snow melts" in text
    assert (info.author_name, info.author_email) == ("Ana Lima", "ana@users.noreply.plain.example")
    verbs = ctx.session.scalars(select(Activity.verb).order_by(Activity.id)).all()
    assert verbs == ["created", "created", "created", "edited", "renamed"]
    assert [type(e) for e in heard][-3:] == [LessonSaved, LessonSaved, LessonRenamed]
    assert heard[-1] == LessonRenamed(
        course.id,
        renamed.commit,
        ctx.actor.id,
        "units/energy/lessons/transfer.md",
        "units/energy/lessons/heat-transfer.md",
    )
    assert unit.commit in {e.commit for e in heard}
