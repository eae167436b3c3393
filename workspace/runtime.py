"""The app's runtime objects for the web edge: its repository store, settings and the context
a request's use cases run in."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from flask_login import current_user
from sqlalchemy import event as sa_event

from .events import EventBus, committed, rolled_back, take_ready
from .extensions import db

if TYPE_CHECKING:
    from .git import RepoStore
    from .models import User
    from .services.context import Ctx, Settings
    from .services.reading import ReadingCache

_lock = threading.Lock()


def _app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


def repo_store(app: Flask | None = None) -> RepoStore:
    """Return the app's RepoStore (one per app, made on first use)."""
    app = app or _app()
    store = app.extensions.get("repo_store")
    if store is None:
        with _lock:
            store = app.extensions.get("repo_store")
            if store is None:
                from .git import RepoStore

                store = RepoStore(Path(app.config["REPOS_ROOT"]), schedule=_housekeeping(app))
                app.extensions["repo_store"] = store
    return store


def _housekeeping(app: Flask) -> Any:
    """Return where the store queues housekeeping: the shared Redis queue when there is one
    (any server's worker may do it), else None (a thread of this process does it)."""
    jobs = app.extensions.get("jobs")
    if jobs is None or jobs.mode != "redis":
        return None

    def schedule(course_id: int, kind: str) -> None:
        jobs.enqueue("repo.housekeep", course_id=course_id, kind=kind)

    return schedule


def settings(app: Flask | None = None) -> Settings:
    """Return the app's settings for use cases (read once, after configuration)."""
    app = app or _app()
    found = app.extensions.get("settings")
    if found is None:
        from .services.context import Settings

        found = app.extensions["settings"] = Settings.from_mapping(app.config)
    return found


def ctx(user: User | None = None, app: Flask | None = None) -> Ctx:
    """Return the context for use cases: this app's session, store and settings, acting as
    `user` (default: the signed-in user, or nobody)."""
    from .services.context import Ctx

    if user is None and current_user and current_user.is_authenticated:
        user = current_user._get_current_object()  # type: ignore[attr-defined]
    app = app or _app()
    return Ctx(
        db.session, repo_store(app), settings(app), user, event_bus(app), app.extensions["jobs"]
    )


def event_bus(app: Flask | None = None) -> EventBus:
    """Return the app's event bus (its subscribers are registered in create_app)."""
    app = app or _app()
    return app.extensions.setdefault("events", EventBus())


def announce(app: Flask | None = None) -> None:
    """Return nothing, after emitting the events the app's session has committed since the
    last call (see events.defer); runs after every request, and a job calls it itself."""
    ready = take_ready(db.session.info)
    if ready:
        bus = event_bus(app)
        for event in ready:
            bus.emit(event)


def watch_commits() -> None:
    """Return nothing; make the app's sessions keep deferred events until they commit."""
    if not sa_event.contains(db.session, "after_commit", _after_commit):
        sa_event.listen(db.session, "after_commit", _after_commit)
        sa_event.listen(db.session, "after_rollback", _after_rollback)


def _after_commit(session: object) -> None:
    committed(session.info)  # type: ignore[attr-defined]


def _after_rollback(session: object) -> None:
    rolled_back(session.info)  # type: ignore[attr-defined]


def reading_cache(app: Flask | None = None) -> ReadingCache:
    """Return the app's in-process reading cache (one per app, made on first use); the
    request's batch of cache rows is kept by blueprints.reading.reading_caches."""
    from .services.reading import reading_cache as app_cache

    return app_cache(app or _app())
