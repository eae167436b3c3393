"""The course's Organize page: add, rename, move, reorder and delete lessons and units.

Plain forms that work without JavaScript; each action is one commit (services.organizing,
services.units) and comes back to the page with what happened, or why it could not.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request
from werkzeug.wrappers import Response

from ...extensions import db
from ...services import editing, reading
from ...services.context import LessonRef
from ...services.editing import EditError, SaveConflict, title_in
from ._views import Target, course_target, head_text, lesson_target, render_page

Page = str | tuple[str, int] | Response


def _back(t: Target, anchor: str = "") -> Response:
    return redirect(t.url("editor.organize") + (f"#{anchor}" if anchor else ""), 303)


def _done(t: Target, attempt: Any, success: str, anchor: str = "") -> Response:
    """Run one edit; flash what happened (or why not) and go back to the Organize page."""
    try:
        attempt()
    except EditError as exc:
        flash(exc.message, "error")
    else:
        flash(success, "success")
    return _back(t, anchor)


def organize(net: str, course: str) -> Page:
    """Show the course's units and lessons with the actions that reorganize them."""
    t = course_target(net, course)
    view = reading.course_page(t.ctx, t.course)
    units = list(view.index.units)
    own_drafts = editing.user_drafts(db.session, t.user, t.course)
    return render_page("editing/organize.html", t, view=view, units=units, drafts=own_drafts)


def _direction() -> int:
    return -1 if request.form.get("direction") == "up" else 1


def new_lesson(net: str, course: str) -> Response:
    """Add a lesson to a unit and open it in the editor."""
    t = course_target(net, course)
    unit, title = request.form.get("unit", ""), request.form.get("title", "").strip()
    try:
        result = editing.create_lesson(t.ctx, t.course, unit, title=title)
    except EditError as exc:
        flash(exc.message, "error")
        return _back(t, f"unit-{unit}")
    lesson = result.path.rsplit("/", 1)[-1].removesuffix(".md")
    flash(f"Lesson \u201c{title}\u201d added. Write it here; every save is a commit.", "success")
    return redirect(t.url("editor.edit", unit=unit, lesson=lesson), 303)


def new_unit(net: str, course: str) -> Response:
    """Add a unit at the end of the course."""
    t = course_target(net, course)
    title = request.form.get("title", "")
    slug = request.form.get("slug", "").strip() or None
    return _done(
        t,
        lambda: editing.create_unit(t.ctx, t.course, title, slug),
        f"Unit \u201c{title}\u201d added.",
    )


def step_lesson(net: str, course: str, unit: str, lesson: str) -> Response:
    """Move a lesson one place up or down in its unit."""
    t = course_target(net, course)
    offset = _direction()
    return _done(
        t,
        lambda: editing.move_lesson_step(t.ctx, LessonRef(t.course, unit, lesson), offset),
        "Lesson moved.",
        f"lesson__{unit}__{lesson}",
    )


def move_lesson(net: str, course: str, unit: str, lesson: str) -> Response:
    """Rename a lesson and/or move it to another unit."""
    t = course_target(net, course)
    to_unit = request.form.get("to_unit", unit).strip() or unit
    new_slug = request.form.get("new_slug", lesson).strip() or lesson
    return _done(
        t,
        lambda: editing.move_lesson(t.ctx, LessonRef(t.course, unit, lesson), to_unit, new_slug),
        f"Lesson is now {to_unit}/{new_slug}.",
        f"lesson__{to_unit}__{new_slug}",
    )


def step_unit(net: str, course: str, unit: str) -> Response:
    """Move a unit one place up or down."""
    t = course_target(net, course)
    offset = _direction()
    return _done(
        t,
        lambda: editing.move_unit_step(t.ctx, t.course, unit, offset),
        "Unit moved.",
        f"unit-{unit}",
    )


def rename_unit(net: str, course: str, unit: str) -> Response:
    """Change a unit's name (its folder) and/or its title."""
    t = course_target(net, course)
    slug = request.form.get("slug", "").strip() or None
    title = request.form.get("title", "").strip() or None
    return _done(
        t,
        lambda: editing.rename_unit(t.ctx, t.course, unit, slug, title),
        "Unit renamed.",
        f"unit-{slug or unit}",
    )


def delete_unit(net: str, course: str, unit: str) -> Response:
    """Delete an empty unit."""
    t = course_target(net, course)
    return _done(
        t,
        lambda: editing.delete_unit(t.ctx, t.course, unit),
        f"Unit \u201c{unit}\u201d deleted.",
    )


def delete_lesson(net: str, course: str, unit: str, lesson: str) -> Page:
    """Confirm, then delete a lesson (history keeps it; it can be restored)."""
    t = lesson_target(net, course, unit, lesson)
    head, text = head_text(t)
    title = title_in(text, lesson)
    if request.method == "GET":
        return render_page("editing/delete.html", t, title=title, head=head)
    base = request.form.get("base_commit") or head
    try:
        editing.delete_lesson(t.ctx, LessonRef(t.course, unit, lesson), base)
    except SaveConflict as exc:
        flash(exc.message, "error")
        return redirect(t.lesson_url, 303)
    except EditError as exc:
        flash(exc.message, "error")
        return redirect(t.url("editor.delete_lesson"), 303)
    flash(
        f"Lesson \u201c{title}\u201d deleted. Its history is kept; it can be restored.", "success"
    )
    return _back(t, f"unit-{unit}")


def restore_lesson(net: str, course: str, unit: str, lesson: str) -> Response:
    """Make the lesson's text what it was at `rev`, as a new commit."""
    t = lesson_target(net, course, unit, lesson)
    rev = request.form.get("rev", "")
    try:
        editing.restore_lesson(t.ctx, t.ref, rev, request.form.get("base_commit") or None)
    except EditError as exc:
        flash(exc.message, "error")
        return redirect(t.url("history.lesson_history"), 303)
    flash(f"Restored the lesson as it was in version {rev[:10]}.", "success")
    return redirect(t.lesson_url, 303)


def register(bp: Blueprint) -> None:
    """Add these views to the editor blueprint."""
    post = {"methods": ["POST"]}
    rules = [
        ("/organize", "organize", organize, {"methods": ["GET"]}),
        ("/organize/lessons/new", "new_lesson", new_lesson, post),
        ("/organize/units/new", "new_unit", new_unit, post),
        ("/organize/lessons/<unit>/<lesson>/step", "step_lesson", step_lesson, post),
        ("/organize/lessons/<unit>/<lesson>/move", "move_lesson", move_lesson, post),
        ("/organize/units/<unit>/step", "step_unit", step_unit, post),
        ("/organize/units/<unit>/rename", "rename_unit", rename_unit, post),
        ("/organize/units/<unit>/delete", "delete_unit", delete_unit, post),
        (
            "/edit/<unit>/<lesson>/delete",
            "delete_lesson",
            delete_lesson,
            {"methods": ["GET", "POST"]},
        ),
        ("/edit/<unit>/<lesson>/restore", "restore_lesson", restore_lesson, post),
    ]
    for rule, endpoint, view, options in rules:
        bp.add_url_rule(rule, endpoint, view, **options)
