"""Things that happened, for the parts of the app that follow along.

A use case that moved a course's `main` emits exactly one event once its commit has landed
(and its database work is committed): a web save, a merge, a restore, a rename, a deletion or a
push. Search, activity, notifications, thread re-anchoring and live rooms subscribe to the
events they care about in `create_app`; nobody calls them from the save path. A refused write
emits nothing.

Use cases that only change rows and leave the commit to their caller (networks: someone
joined) `defer` their event on the session instead; the app moves it to "ready" when the
session commits, drops it when the session rolls back, and announces what is ready after each
request (runtime.announce; a job or a command calls that itself after committing).

Subscribers run in the emitting thread, after the fact: one that fails is logged and does not
undo the change nor stop the other subscribers. Work that takes time belongs in a job that the
subscriber enqueues. This module imports nothing of the app.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Something that happened; subclasses say what."""


@dataclass(frozen=True)
class CourseChanged(Event):
    """A course's main moved to `commit` (None `actor_id`: nobody known, such as a hook)."""

    course_id: int
    commit: str
    actor_id: int | None


@dataclass(frozen=True)
class LessonSaved(CourseChanged):
    """A lesson's text was saved: `change` says how ("edited", "created", "restored") and
    `status` whether it was "merged" with others' changes."""

    path: str
    change: Literal["edited", "created", "restored"] = "edited"
    status: Literal["committed", "merged"] = "committed"


@dataclass(frozen=True)
class LessonRenamed(CourseChanged):
    """A lesson was renamed or moved to another unit: its file went from `old_path` to `path`."""

    old_path: str
    path: str


@dataclass(frozen=True)
class LessonDeleted(CourseChanged):
    """A lesson's file was deleted (history keeps it)."""

    path: str


@dataclass(frozen=True)
class OutlineChanged(CourseChanged):
    """The course's outline or settings changed (order, units, course.yaml, an image)."""

    summary: str


@dataclass(frozen=True)
class LessonsImported(CourseChanged):
    """Lessons were imported (from Word, Markdown or a Carpentries lesson) as one commit that
    created `paths`, with their images, units and course.yaml entries."""

    paths: tuple[str, ...]


@dataclass(frozen=True)
class StudyReported(CourseChanged):
    """A lesson-study cycle closed and its report was committed to studies/<id>/report.md."""

    study_id: int


@dataclass(frozen=True)
class CoursePushed(CourseChanged):
    """A `git push` moved main from `old` (None: the first push) to `commit`."""

    old: str | None
    commits: int


@dataclass(frozen=True)
class MemberJoined(Event):
    """A person became a member of a network with `role`."""

    network_id: int
    user_id: int
    role: str


@dataclass(frozen=True)
class ThreadPosted(Event):
    """Someone opened a review thread (`opened`) or replied in one: comment `comment_id`."""

    course_id: int
    thread_id: int
    comment_id: int
    actor_id: int
    opened: bool


@dataclass(frozen=True)
class StudyMoved(Event):
    """A lesson-study cycle moved from one phase to the next."""

    course_id: int
    study_id: int
    actor_id: int
    from_phase: str
    to_phase: str


@dataclass(frozen=True)
class Invited(Event):
    """A leader invited someone, by email address, to join a network."""

    network_id: int
    invitation_id: int
    actor_id: int
    email: str


@dataclass(frozen=True)
class JoinRequested(Event):
    """Someone asked to join a public network; its leaders decide."""

    network_id: int
    user_id: int


@dataclass(frozen=True)
class RequestChanged(Event):
    """A request to a partner moved: "asked", "accepted", "declined" or "wrote" (a message)."""

    network_id: int
    request_id: int
    actor_id: int
    action: str


@dataclass(frozen=True)
class ResourceOffered(Event):
    """A leader approved a partner's resource: teachers of the network may use it now."""

    network_id: int
    resource_id: int
    actor_id: int


@dataclass(frozen=True)
class ThreadChanged(Event):
    """A review thread was opened, answered, edited, resolved or reopened, or a comment of it
    deleted (deferred until the session that changed it commits)."""

    course_id: int
    thread_id: int


E = TypeVar("E", bound=Event)
Handler = Callable[[E], None]


class EventBus:
    """Who listens to which events; `emit` tells each subscriber of the event's class or of
    any class it derives from (subscribe to CourseChanged to hear every change of a course)."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Callable[[Event], None]]] = {}
        self._lock = threading.Lock()

    def subscribe(self, kind: type[E], handler: Callable[[E], None]) -> None:
        """Return nothing; call `handler` for every event of `kind` from now on."""
        with self._lock:
            self._handlers.setdefault(kind, []).append(handler)  # type: ignore[arg-type]

    def unsubscribe(self, kind: type[E], handler: Callable[[E], None]) -> None:
        """Return nothing; stop calling `handler` for `kind` (a no-op if it was not there)."""
        with self._lock:
            handlers = self._handlers.get(kind, [])
            if handler in handlers:
                handlers.remove(handler)  # type: ignore[arg-type]

    def emit(self, event: Event) -> None:
        """Return nothing, after every subscriber to `event` has been called."""
        with self._lock:
            handlers = [h for kind in type(event).__mro__ for h in self._handlers.get(kind, ())]
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                log.exception("A subscriber to %s failed: %r", type(event).__name__, handler)


def log_change(event: CourseChanged) -> None:
    """Return nothing; note in the log that a course changed (a subscriber of every app)."""
    log.info("%s: course %s is at %s", type(event).__name__, event.course_id, event.commit)


_DEFERRED = "workspace.events.deferred"
_READY = "workspace.events.ready"


def defer(info: MutableMapping[str, Any], event: Event) -> None:
    """Return nothing; keep `event` in a session's `info` until that session commits."""
    info.setdefault(_DEFERRED, []).append(event)


def committed(info: MutableMapping[str, Any]) -> None:
    """Return nothing; the session of `info` committed: its deferred events are ready."""
    info.setdefault(_READY, []).extend(info.pop(_DEFERRED, []))


def rolled_back(info: MutableMapping[str, Any]) -> None:
    """Return nothing; the session of `info` rolled back: its deferred events never happened."""
    info.pop(_DEFERRED, None)


def take_ready(info: MutableMapping[str, Any]) -> list[Event]:
    """Return the committed events of the session of `info`, forgetting them there."""
    return info.pop(_READY, [])
