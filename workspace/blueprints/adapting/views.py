"""Adapting pages: copy a lesson (or a whole course) into a course I can change; on a copy,
compare with the original and bring in what changed there since, choosing where both
changed the same place."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...access import Access
from ...content.errors import ContentError
from ...content.paths import lesson_path, parse_lesson_path
from ...content.render import render_body
from ...extensions import db
from ...models import Course, Network
from ...runtime import ctx, repo_store
from ...services import adapting, reading
from ...services.adapting import AdaptError
from ...services.context import LessonRef
from ...services.editing import EditError, SaveConflict, read_choices, read_text
from .._guards import require_course

bp = Blueprint("adapting", __name__, url_prefix="/n/<net>/<course>")


def _lesson_url(course: Course, path: str) -> str:
    unit, lesson = parse_lesson_path(path) or ("", "")
    return url_for(
        "lessons.lesson", net=course.network.slug, course=course.slug, unit=unit, lesson=lesson
    )


def _target(choices: list[Course]) -> Course:
    value = request.form.get("target", "")
    found = next((c for c in choices if str(c.id) == value), None)
    if found is None:
        raise AdaptError("Choose a course you may change to adapt into.")
    return found


def _form(
    network: Network, row: Course, ref: LessonRef | None, title: str, status: int = 200
) -> ResponseReturnValue:
    user = current_user._get_current_object()
    choices = adapting.writable_courses(ctx(), user)
    return (
        render_template(
            "adapting/adapt.html",
            network=network,
            course=row,
            ref=ref,
            title=title,
            choices=choices,
        ),
        status,
    )


def _lesson_ref(row: Course, unit: str, lesson: str) -> LessonRef:
    try:
        lesson_path(unit, lesson)
    except ContentError:
        abort(404)
    return LessonRef(row, unit, lesson)


def _title_of(row: Course, path: str) -> str:
    return reading.title_now(ctx(), row, path)


@bp.route("/lessons/<unit>/<lesson>/adapt", methods=["GET", "POST"])
@login_required
def adapt_lesson(net: str, course: str, unit: str, lesson: str) -> ResponseReturnValue:
    """Copy this lesson into a course I can change."""
    network, row, _ = require_course(net, course, Access.READ)
    ref = _lesson_ref(row, unit, lesson)
    title = _title_of(row, ref.path)
    if request.method == "GET":
        return _form(network, row, ref, title)
    user = current_user._get_current_object()
    try:
        target = _target(adapting.writable_courses(ctx(), user))
        done = adapting.adapt(ctx(), row, target, [(unit, lesson)])
    except EditError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _form(network, row, ref, title, 422)
    flash(
        f"\u201c{title}\u201d is now in \u201c{target.title}\u201d too, as your adaptation. "
        "Change it as you like: it remembers its original.",
        "success",
    )
    return redirect(_lesson_url(target, done.paths[0]))


@bp.route("/adapt", methods=["GET", "POST"])
@login_required
def adapt_course(net: str, course: str) -> ResponseReturnValue:
    """Copy every lesson of this course into a course I can change."""
    network, row, _ = require_course(net, course, Access.READ)
    if request.method == "GET":
        return _form(network, row, None, row.title)
    user = current_user._get_current_object()
    try:
        target = _target(adapting.writable_courses(ctx(), user))
        if target.id == row.id:
            raise AdaptError("Choose another course: this is the course itself.")
        done = adapting.adapt(ctx(), row, target)
    except EditError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _form(network, row, None, row.title, 422)
    count = len(done.paths)
    flash(
        f"Adapted {count} lesson{'s' if count != 1 else ''} of \u201c{row.title}\u201d into "
        f"\u201c{target.title}\u201d.",
        "success",
    )
    return redirect(url_for("courses.home", net=target.network.slug, course=target.slug))


def _copy_state(row: Course, ref: LessonRef) -> tuple[str, str]:
    with repo_store().open(row.id) as repo:
        head = repo.head()
        text = read_text(repo, ref.path, head) if head else None
    if head is None or text is None:
        abort(404)
    return head, text


@bp.get("/lessons/<unit>/<lesson>/original")
def original(net: str, course: str, unit: str, lesson: str) -> ResponseReturnValue:
    """Compare an adapted lesson with its original, and offer to bring in its changes."""
    network, row, access = require_course(net, course, Access.READ)
    ref = _lesson_ref(row, unit, lesson)
    head, text = _copy_state(row, ref)
    mark = adapting.based_on(text)
    if mark is None:
        abort(404, description="This lesson is not adapted from another one.")
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    found = adapting.original_of(ctx(), mark, viewer)
    since = differs = None
    if found.course is not None and found.current_text is not None:
        if found.changed:
            since = reading.text_change(
                "What changed in the original since it was adapted",
                found.copied_text or "",
                found.current_text,
                render_body,
                render_body,
            )
        differs = reading.text_change(
            "How this adaptation differs from the original now",
            found.current_text,
            text,
            render_body,
            render_body,
        )
    return render_template(
        "adapting/original.html",
        network=network,
        course=row,
        access=access,
        ref=ref,
        title=_title_of(row, ref.path),
        found=found,
        since=since,
        differs=differs,
        head=head,
        original_url=_lesson_url(found.course, found.path) if found.course else None,
    )


@bp.post("/lessons/<unit>/<lesson>/original")
@login_required
def bring_in(net: str, course: str, unit: str, lesson: str) -> ResponseReturnValue:
    """Bring the original's changes into the adaptation (choosing where both changed)."""
    network, row, access = require_course(net, course, Access.WRITE)
    ref = _lesson_ref(row, unit, lesson)
    base = request.form.get("base_commit", "").strip()
    here = url_for(".original", net=network.slug, course=row.slug, unit=unit, lesson=lesson)
    if not base:
        return redirect(here)
    try:
        first = adapting.bring_in(ctx(), ref, base)
        if first.status == "choose" and "conflicts" in request.form:
            assert first.resolution is not None  # noqa: S101 (status "choose" carries it)
            chosen = read_choices(first.resolution, request.form)
            if chosen.complete:
                first = adapting.bring_in(
                    ctx(), ref, base, chosen.chosen, request.form.get("conflicts")
                )
    except SaveConflict:
        db.session.rollback()
        flash(
            "Someone saved this lesson while you were choosing. Nothing was lost: look at "
            "the changes again.",
            "error",
        )
        return redirect(here)
    except EditError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(here)
    if first.status == "current":
        flash("The original has not changed since: there is nothing to bring in.", "success")
        return redirect(here)
    if first.status == "choose":
        return render_template(
            "adapting/bring_in.html",
            network=network,
            course=row,
            access=access,
            ref=ref,
            title=_title_of(row, ref.path),
            found=first.original,
            resolution=first.resolution,
            base=base,
            render=render_body,
            names="the original",
            who="the original",
            choices=None,
            posted=_Posted(dict(request.form)),
            problems=set(),
        ), 409
    flash("The original's changes are in your adaptation now.", "success")
    return redirect(_lesson_url(row, first.result.path if first.result else ref.path))


class _Posted:
    """What the choice form sent, for filling it in again."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
