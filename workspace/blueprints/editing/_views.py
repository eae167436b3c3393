"""Helpers shared by the editor's views: the lesson being edited, its pages, saves and errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, jsonify, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...access import Access
from ...content.errors import ContentError
from ...content.paths import lesson_path
from ...extensions import db, login_manager
from ...forms.editing import LessonForm
from ...git import Author
from ...models import Course, Network, User
from ...runtime import ctx
from ...services import editing, reading, threads
from ...services.context import Ctx, LessonRef
from ...services.editing import (
    EditError,
    SaveResult,
    file_size,
    lesson_missing,
)
from .._guards import require_course
from ..reading import reading_caches

ARCHIVED = "This course is archived, so it is read-only. A leader can unarchive it in its settings."


@dataclass(frozen=True)
class Target:
    """The course (and lesson) a view edits, with the acting user."""

    network: Network
    course: Course
    access: Access
    user: User
    unit: str = ""
    lesson: str = ""
    path: str = ""

    def url(self, endpoint: str, **values: Any) -> str:
        """Return the URL of an editor endpoint for this lesson."""
        if self.lesson:
            values = {"unit": self.unit, "lesson": self.lesson, **values}
        return url_for(endpoint, net=self.network.slug, course=self.course.slug, **values)

    @property
    def ctx(self) -> Ctx:
        """Return the context the editing use cases run in, acting as this target's user."""
        return ctx(self.user)

    @property
    def ref(self) -> LessonRef:
        """Return the reference to the lesson edited."""
        return LessonRef(self.course, self.unit, self.lesson)

    @property
    def lesson_url(self) -> str:
        """Return the lesson's reading page."""
        return self.url("lessons.lesson")


def course_target(net: str, course: str) -> Target:
    """Return the course to edit, or abort: 404 unseen, 403 without write access or archived."""
    network, row, access = require_course(net, course, Access.READ)
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if row.is_archived:
        abort(403, description=ARCHIVED)
    if Access.WRITE not in access:
        abort(403, description="Your role in this network lets you read this course, not edit it.")
    return Target(network, row, access, current_user)  # type: ignore[arg-type]


def lesson_target(net: str, course: str, unit: str, lesson: str) -> Target:
    """Return the lesson to edit, or abort like course_target (404 for impossible names)."""
    target = course_target(net, course)
    try:
        path = lesson_path(unit, lesson)
    except ContentError as exc:
        abort(404, description=exc.message)
    return Target(target.network, target.course, target.access, target.user, unit, lesson, path)


def render_page(template: str, t: Target, **context: Any) -> str:
    """Return an editing page: `template` with the target, its network, course and access."""
    return render_template(
        template, t=t, network=t.network, course=t.course, access=t.access, **context
    )


def head_text(t: Target) -> tuple[str, str]:
    """Return (head commit, lesson text at head), or abort 404 when the lesson is gone."""
    head, text = editing.text_at_head(t.ctx, t.ref, t.path)
    if text is None:
        abort(404, description=lesson_missing(t.unit, t.lesson).message)
    return head, text


def save_text(
    t: Target, content: str, base: str, message: str, co_authors: Sequence[Author] = ()
) -> SaveResult:
    """Return the result of saving `content` as the target lesson, edited from `base`."""
    return editing.save_lesson(t.ctx, t.ref, content, base, message or None, co_authors)


def json_error(error: EditError, **extra: Any) -> tuple[Response, int]:
    """Return the JSON answer for an edit that did not land."""
    return jsonify({"status": "error", "message": error.message, **extra}), error.http_status


def saved_message(result: SaveResult) -> str:
    """Return what the page says after a save landed."""
    if result.unchanged:
        return "Nothing to save: the lesson already has this text."
    if result.status == "merged" and result.merged_with:
        return f"Saved. Merged with changes by {', '.join(result.merged_with)}."
    return "Saved."


def keep_draft(
    t: Target,
    base: str,
    content: str,
    fields: dict[str, str] | None,
    message: str = "",
    mode: str = "edit",
) -> None:
    """Store the teacher's text as their draft (a draft too long to keep is reported)."""
    try:
        editing.save_draft(
            db.session,
            t.user,
            t.course,
            t.path,
            base_commit=base or "",
            content=content,
            fields=fields,
            message=message,
            mode=mode,
        )
    except editing.DraftRefused as exc:
        flash(exc.message, "warning")


def user_email(t: Target) -> str:
    """Return the commit email of the acting user (to leave them out of co-authors)."""
    return t.ctx.settings.author(t.user).email


def render_editor(
    t: Target, form: LessonForm, status: int = 200, **context: Any
) -> tuple[str, int]:
    """Return the editor page for `form` (fields, or the whole file when `raw` is set)."""
    others = editing.others_present(db.session, t.user, t.course, t.path)
    limit = file_size(t.ctx.settings.max_upload_bytes)
    unit_title = reading.unit_title(t.ctx, t.ref, reading_caches())
    page = render_page(
        "editing/edit.html",
        t,
        form=form,
        others=others,
        upload_limit=limit,
        unit_title=unit_title,
        lesson_threads=threads.lesson_threads(t.ctx, t.ref),
        members=threads.member_names(t.ctx, t.network),
        **context,
    )
    return page, status
