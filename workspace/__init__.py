"""The curriculum and lesson-study workspace: create_app() builds the Flask application."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask, Response


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Return the app, configured from defaults, instance config.py, WORKSPACE_* env, tests."""
    # Imported here, not at module level: git hooks import this package and must start fast.
    from flask import Flask

    from . import config

    app = Flask(
        __name__,
        # Production installs may keep the instance folder (database, secret key) elsewhere.
        instance_path=os.environ.get("WORKSPACE_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    app.config.from_object(config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("WORKSPACE")
    if test_config is not None:
        app.config.from_mapping(test_config)
    config.finalize(app)

    from . import models  # noqa: F401  (registers the tables with the metadata)
    from .extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    Path(app.config["REPOS_ROOT"]).mkdir(parents=True, exist_ok=True)

    from . import web
    from .blueprints import register_blueprints
    from .cli import register_commands

    register_jobs(app)  # the job queue, before anything subscribes work to it
    subscribe(app)
    web.init_app(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_jobs(app: Flask) -> None:
    """Return nothing; make the app's job queue and name the jobs it can run."""
    from .jobs import jobs_of
    from .mail import Message, send

    def send_mail(ctx: Any, to: str, subject: str, body: str) -> None:
        send(ctx.settings, Message(to, subject, body))

    from .services import search

    jobs = jobs_of(app)
    jobs.register("mail.send", send_mail)
    jobs.register("search.index_course", search.index_course)
    jobs.register("search.index_thread", search.index_thread)


def subscribe(app: Flask) -> None:
    """Return nothing; register the app's subscribers to what happens to its courses."""
    from .events import CourseChanged, log_change
    from .runtime import announce, event_bus, watch_commits

    bus = event_bus(app)
    bus.subscribe(CourseChanged, log_change)
    follow_lessons_with_threads(app)
    keep_search_current(app)
    watch_commits()

    @app.after_request
    def announce_committed(response: Response) -> Response:
        announce(app)
        return response


def keep_search_current(app: Flask) -> None:
    """Return nothing; make every change of a course (web or push) and of a review thread
    queue the job that brings the search index up to date (after threads have followed a
    renamed lesson, which subscribed first)."""
    from .events import CourseChanged, ThreadChanged
    from .jobs import jobs_of
    from .runtime import event_bus

    jobs = jobs_of(app)

    def course_changed(event: CourseChanged) -> None:
        jobs.enqueue("search.index_course", course_id=event.course_id)

    def thread_changed(event: ThreadChanged) -> None:
        jobs.enqueue("search.index_thread", thread_id=event.thread_id)

    bus = event_bus(app)
    bus.subscribe(CourseChanged, course_changed)
    bus.subscribe(ThreadChanged, thread_changed)


def follow_lessons_with_threads(app: Flask) -> None:
    """Return nothing; make review threads and lesson-study cycles move with their lesson
    when it is renamed or moved, in the browser or by a push (threads' positions in the text
    are worked out when shown)."""
    from .events import CoursePushed, LessonRenamed
    from .extensions import db
    from .runtime import ctx, event_bus
    from .services import reading, studies, threads

    def follow(course_id: int, moves: dict[str, str]) -> None:
        context, moved = ctx(app=app), 0
        for old, new in moves.items():
            moved += threads.follow_rename(context, course_id, old, new)
            moved += studies.follow_rename(context, course_id, old, new)
        if moved:
            db.session.commit()

    def renamed(event: LessonRenamed) -> None:
        follow(event.course_id, {event.old_path: event.path})

    def pushed(event: CoursePushed) -> None:
        if event.old is None:
            return
        context = ctx(app=app)
        paths = threads.tracked_paths(context, event.course_id)
        paths |= studies.tracked_paths(context, event.course_id)
        if paths:
            moves = reading.renamed_between(
                context, event.course_id, paths, event.old, event.commit
            )
            follow(event.course_id, moves)

    bus = event_bus(app)
    bus.subscribe(LessonRenamed, renamed)
    bus.subscribe(CoursePushed, pushed)
