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

    from .services import activity, history, notifications

    def digest(ctx: Any, base_url: str = "") -> None:
        notifications.send_digest(ctx, base_url or app.config.get("PUBLIC_URL") or "")

    jobs = jobs_of(app)
    jobs.register("mail.send", send_mail)
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
    watch_commits()

    @app.after_request
    def announce_committed(response: Response) -> Response:
        announce(app)
        return response


def follow_network_life(app: Flask) -> None:
    """Return nothing; have threads, replies, cycle phases, invitations and join requests
    recorded in the activity feeds and told to the people concerned, as jobs."""
    from .events import (
        Invited,
        JoinRequested,
        RequestChanged,
        ResourceOffered,
        StudyMoved,
        ThreadPosted,
    )
    from .jobs import jobs_of
    from .runtime import event_bus

    jobs = jobs_of(app)

    def base_url() -> str:
        from flask import has_request_context, request

        configured = app.config.get("PUBLIC_URL")
        if configured:
            return str(configured).rstrip("/")
        return request.host_url.rstrip("/") if has_request_context() else ""

    def posted(event: ThreadPosted) -> None:
        where = {
            "thread_id": event.thread_id,
            "comment_id": event.comment_id,
            "actor_id": event.actor_id,
            "opened": event.opened,
        }
        jobs.enqueue("activity.thread", **where)
        jobs.enqueue("notify.thread", **where, base_url=base_url())

    def moved(event: StudyMoved) -> None:
        jobs.enqueue(
            "activity.study",
            study_id=event.study_id,
            actor_id=event.actor_id,
            to_phase=event.to_phase,
        )
        jobs.enqueue(
            "notify.study",
            study_id=event.study_id,
            actor_id=event.actor_id,
            from_phase=event.from_phase,
            to_phase=event.to_phase,
            base_url=base_url(),
        )

    def invited(event: Invited) -> None:
        jobs.enqueue(
            "notify.invited",
            network_id=event.network_id,
            invitation_id=event.invitation_id,
            actor_id=event.actor_id,
            email=event.email,
            base_url=base_url(),
        )

    def asked(event: JoinRequested) -> None:
        jobs.enqueue(
            "notify.join_requested",
            network_id=event.network_id,
            user_id=event.user_id,
            base_url=base_url(),
        )

    def request_changed(event: RequestChanged) -> None:
        jobs.enqueue(
            "notify.request",
            network_id=event.network_id,
            request_id=event.request_id,
            actor_id=event.actor_id,
            action=event.action,
            base_url=base_url(),
        )

    def offered(event: ResourceOffered) -> None:
        jobs.enqueue("activity.resource", resource_id=event.resource_id, actor_id=event.actor_id)

    bus = event_bus(app)
    bus.subscribe(RequestChanged, request_changed)
    bus.subscribe(ResourceOffered, offered)
    bus.subscribe(ThreadPosted, posted)
    bus.subscribe(StudyMoved, moved)
    bus.subscribe(Invited, invited)
    bus.subscribe(JoinRequested, asked)


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
