"""Drafts: a teacher's unsaved text, kept in the database until a save of it lands.

The editor sends the form every few seconds while the teacher types, when the tab is hidden
or closed, and whenever a save does not land (a conflict, a problem in the front matter), so
closing the tab, losing the network or a server restart loses nothing. There is one draft
per (user, course, file); saving a new one replaces the old.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import Course, User
from ...models._base import utcnow
from ...models.editing import Draft

MAX_DRAFT_CHARS = 1_000_000
MODES = ("edit", "resolve")


class DraftRefused(Exception):
    """A draft that cannot be kept (too long, unknown mode); `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DraftView:
    """A draft as the editor offers it back."""

    base_commit: str
    content: str
    fields: dict[str, str] | None
    message: str
    mode: str
    updated_at: datetime


def get_draft(session: Session, user: User, course: Course, path: str) -> Draft | None:
    """Return the user's draft of `path` in `course`, or None."""
    return session.scalar(select(Draft).filter_by(user_id=user.id, course_id=course.id, path=path))


def view_of(draft: Draft) -> DraftView:
    """Return the draft's values, with its form fields decoded."""
    fields: dict[str, str] | None = None
    if draft.fields:
        try:
            loaded = json.loads(draft.fields)
        except ValueError:
            loaded = None
        if isinstance(loaded, dict):
            fields = {str(k): str(v) for k, v in loaded.items() if v is not None}
    return DraftView(
        draft.base_commit, draft.content, fields, draft.message, draft.mode, draft.updated_at
    )


def save_draft(
    session: Session,
    user: User,
    course: Course,
    path: str,
    *,
    base_commit: str,
    content: str,
    fields: dict[str, str] | None = None,
    message: str = "",
    mode: str = "edit",
) -> Draft:
    """Return the user's draft of `path` after storing this text in it (commits the session)."""
    if mode not in MODES:
        raise DraftRefused(f"Unknown editor mode \u201c{mode}\u201d.")
    size = len(content) + sum(len(v) for v in (fields or {}).values())
    if size > MAX_DRAFT_CHARS:
        raise DraftRefused("This text is too long to keep as a draft.")
    values = {
        "base_commit": base_commit[:40],
        "content": content,
        "fields": json.dumps(fields) if fields is not None else None,
        "message": message[:500],
        "mode": mode,
        "updated_at": utcnow(),
    }
    for attempt in range(2):
        draft = get_draft(session, user, course, path)
        if draft is None:
            draft = Draft(user_id=user.id, course_id=course.id, path=path, **values)
            session.add(draft)
        else:
            for name, value in values.items():
                setattr(draft, name, value)
        try:
            session.commit()
            return draft
        except IntegrityError:
            # Two saves of the same draft raced (two tabs, a retry): the other one inserted
            # first, so update its row instead.
            session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


def drop_draft(
    session: Session, user: User, course: Course, path: str, *, commit: bool = False
) -> bool:
    """Return True if the user had a draft of `path`, after deleting it."""
    result = session.execute(
        delete(Draft).filter_by(user_id=user.id, course_id=course.id, path=path),
        execution_options={"synchronize_session": False},
    )
    if commit:
        session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def user_drafts(session: Session, user: User, course: Course) -> list[Draft]:
    """Return the user's drafts in a course, newest first (for the course's Organize page)."""
    return list(
        session.scalars(
            select(Draft)
            .filter_by(user_id=user.id, course_id=course.id)
            .order_by(Draft.updated_at.desc())
        )
    )
