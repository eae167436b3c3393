"""The curriculum and lesson-study workspace: create_app() builds the Flask application."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
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

    from .services import activity, history, notifications, search

    def digest(ctx: Any, base_url: str = "") -> None:
        notifications.send_digest(ctx, base_url or app.config.get("PUBLIC_URL") or "")

    jobs = jobs_of(app)
    jobs.register("mail.send", send_mail)
    jobs.register("search.index_course", search.index_course)
    jobs.register("search.index_thread", search.index_thread)
    jobs.register("activity.thread", activity.record_thread)
    jobs.register("activity.study", activity.record_study)
    jobs.register("notify.thread", notifications.on_thread_posted)
    jobs.register("notify.study", notifications.on_study_moved)
    jobs.register("notify.invited", notifications.on_invited)
    jobs.register("notify.join_requested", notifications.on_join_requested)
    jobs.register("notify.request", notifications.on_request_changed)
    jobs.register("activity.resource", activity.record_resource)
    jobs.register("notify.digest", digest)
    jobs.register("history.backfill", history.backfill)
    jobs.register(
        "repo.housekeep",
        lambda ctx, course_id, kind: ctx.store.housekeep_now(course_id, kind),
    )


def subscribe(app: Flask) -> None:
    """Return nothing; register the app's subscribers to what happens to its courses."""
    from .events import CourseChanged, log_change
    from .runtime import announce, event_bus, watch_commits

    bus = event_bus(app)
    bus.subscribe(CourseChanged, log_change)
    index_history(app)
    follow_lessons_with_threads(app)
    follow_network_life(app)
    index_resource_links(app)
    keep_search_current(app)
    watch_commits()

    @app.after_request
    def announce_committed(response: Response) -> Response:
        announce(app)
        return response


# What each event of network life becomes: the jobs that record it in the activity feeds and
# tell the people concerned. A job takes the event's fields it names (and `base_url`, the
# address emails link to).
NETWORK_LIFE = {
    "ThreadPosted": ("activity.thread", "notify.thread"),
    "StudyMoved": ("activity.study", "notify.study"),
    "Invited": ("notify.invited",),
    "JoinRequested": ("notify.join_requested",),
    "RequestChanged": ("notify.request",),
    "ResourceOffered": ("activity.resource",),
}


def follow_network_life(app: Flask) -> None:
    """Return nothing; have threads, replies, cycle phases, invitations, join and resource
    requests and offered resources recorded in the activity feeds and told to the people
    concerned, as jobs (NETWORK_LIFE)."""
    import inspect
    from dataclasses import asdict

    from . import events
    from .jobs import jobs_of
    from .runtime import event_bus

    jobs = jobs_of(app)

    def base_url() -> str:
        from flask import has_request_context, request

        configured = app.config.get("PUBLIC_URL")
        if configured:
            return str(configured).rstrip("/")
        return request.host_url.rstrip("/") if has_request_context() else ""

    def relay(names: tuple[str, ...]) -> Callable[[events.Event], None]:
        wanted = {
            name: set(inspect.signature(jobs.registry[name]).parameters) - {"ctx"} for name in names
        }

        def enqueue(event: events.Event) -> None:
            fields = {**asdict(event), "base_url": base_url()}
            for name, takes in wanted.items():
                jobs.enqueue(name, **{k: v for k, v in fields.items() if k in takes})

        return enqueue

    bus = event_bus(app)
    for kind, names in NETWORK_LIFE.items():
        bus.subscribe(getattr(events, kind), relay(names))


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
    """Return nothing; make review threads, lesson-study cycles and adaptation records move
    with their lesson when it is renamed or moved, in the browser or by a push (threads'
    positions in the text are worked out when shown); a deleted copy is no adaptation."""
    from .events import CoursePushed, LessonDeleted, LessonRenamed
    from .extensions import db
    from .runtime import ctx, event_bus
    from .services import adapting, reading, studies, threads

    def follow(course_id: int, moves: dict[str, str]) -> None:
        context, moved = ctx(app=app), 0
        for old, new in moves.items():
            moved += threads.follow_rename(context, course_id, old, new)
            moved += studies.follow_rename(context, course_id, old, new)
            moved += adapting.follow_rename(context, course_id, old, new)
        if moved:
            db.session.commit()

    def deleted(event: LessonDeleted) -> None:
        if adapting.forget_copy(ctx(app=app), event.course_id, event.path):
            db.session.commit()

    def renamed(event: LessonRenamed) -> None:
        follow(event.course_id, {event.old_path: event.path})

    def pushed(event: CoursePushed) -> None:
        if event.old is None:
            return
        context = ctx(app=app)
        paths = threads.tracked_paths(context, event.course_id)
        paths |= studies.tracked_paths(context, event.course_id)
        paths |= adapting.tracked_paths(context, event.course_id)
        if paths:
            moves = reading.renamed_between(
                context, event.course_id, paths, event.old, event.commit
            )
            follow(event.course_id, moves)

    bus = event_bus(app)
    bus.subscribe(LessonRenamed, renamed)
    bus.subscribe(LessonDeleted, deleted)
    bus.subscribe(CoursePushed, pushed)


def index_resource_links(app: Flask) -> None:
    """Return nothing; keep the index of which lessons link which partner resources at each
    course's newest version, whatever changed the course (a save, a rename, a push...)."""
    from .events import CourseChanged
    from .extensions import db
    from .runtime import ctx, event_bus
    from .services import partners

    def changed(event: CourseChanged) -> None:
        try:
            partners.index_course(ctx(app=app), event.course_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise

    event_bus(app).subscribe(CourseChanged, changed)


def index_history(app: Flask) -> None:
    """Return nothing; keep each course's path-history index at its main after every change
    (a web save, a restore, a push...), so lesson histories and blame read it instead of
    walking git. A subscriber, not part of each door's transaction: the index keeps its own
    watermark and catches up from it, so a change it missed (a crash in between, a commit
    made outside the app) is indexed by the next one, and pages walk git until then."""
    from .events import CourseChanged
    from .extensions import db
    from .runtime import ctx, event_bus
    from .services import history

    def changed(event: CourseChanged) -> None:
        try:
            history.follow_change(ctx(app=app), event.course_id)
        except Exception:
            db.session.rollback()
            raise

    event_bus(app).subscribe(CourseChanged, changed)
