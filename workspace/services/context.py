"""What every use case is given: the context it acts in and references to what it acts on.

A view, a background job, a git hook's bookkeeping or a live-editing room builds a `Ctx` and
calls the same use case; nothing in `workspace.services` reads Flask's globals. `Settings` is a
read-only copy of the configuration values use cases need, typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Protocol

from sqlalchemy.orm import Session

from ..content.paths import lesson_path
from ..events import EventBus
from ..git import Author, RepoStore
from ..models import Course, User


@dataclass(frozen=True)
class Settings:
    """The configuration use cases read, with the defaults of a single-machine install."""

    noreply_domain: str = "workspace.invalid"
    max_upload_bytes: int = 5 * 1024 * 1024
    site_name: str = "Lesson Study Workspace"
    # Everything else in the app's configuration, read-only, for the rarer settings; never
    # in a repr, since it holds the secret key.
    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> Settings:
        """Return the settings found in a Flask-style configuration mapping."""
        return cls(
            noreply_domain=str(config.get("NOREPLY_DOMAIN") or cls.noreply_domain),
            max_upload_bytes=int(config.get("MAX_UPLOAD_BYTES") or cls.max_upload_bytes),
            site_name=str(config.get("SITE_NAME") or cls.site_name),
            values=MappingProxyType(dict(config)),
        )

    def get(self, name: str, default: Any = None) -> Any:
        """Return the configuration value `name` (as in WORKSPACE_<name>), or `default`."""
        return self.values.get(name, default)

    def author(self, user: User) -> Author:
        """Return the commit author for a user: display name and a private no-reply address."""
        email = f"{user.username}@users.noreply.{self.noreply_domain}"
        return Author(name=user.display_name or user.username, email=email)


class JobQueue(Protocol):
    """Where use cases queue work that can wait (workspace/jobs.py runs it)."""

    def enqueue(self, name: str, /, **arguments: Any) -> None: ...


class NoJobs:
    """The queue of a context built without an app: queuing work there is a mistake."""

    def enqueue(self, name: str, /, **arguments: Any) -> None:
        raise LookupError(f"This context has no job queue for {name!r}.")


@dataclass(frozen=True)
class Ctx:
    """One use case's world: the database session, the course repositories, the settings and
    who is acting (None for the system itself, such as a job with no person behind it)."""

    session: Session
    store: RepoStore
    settings: Settings
    user: User | None = None
    # Where use cases announce what they changed; the app's bus has its subscribers.
    events: EventBus = field(default_factory=EventBus, repr=False)
    # Where use cases queue work that can wait (email, indexing, fan-out).
    jobs: JobQueue = field(default_factory=NoJobs, repr=False)

    def acting(self, user: User | None) -> Ctx:
        """Return the same context with another acting user."""
        return replace(self, user=user)

    @property
    def actor(self) -> User:
        """Return the acting user; raise for a use case that needs one and was given none."""
        if self.user is None:
            raise LookupError("This use case needs an acting user.")
        return self.user


@dataclass(frozen=True)
class LessonRef:
    """A lesson of a course, by its unit and lesson names (the file units/<unit>/lessons/...)."""

    course: Course
    unit: str
    lesson: str

    @property
    def path(self) -> str:
        """Return the lesson's file path; raise ContentError for names no lesson can have."""
        return lesson_path(self.unit, self.lesson)

    def moved(self, unit: str, lesson: str) -> LessonRef:
        """Return the reference to the same course's lesson `unit`/`lesson`."""
        return replace(self, unit=unit, lesson=lesson)
