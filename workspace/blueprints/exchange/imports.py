"""The "Import lessons" pages: upload files, look at the preview, adjust it, confirm it.

Works without JavaScript (a plain upload form, then a plain preview form); with it, the
upload shows its progress. Nothing reaches the course before "Import".
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from ...access import Access
from ...extensions import db
from ...models import Course, Network
from ...runtime import ctx
from ...services import exchange
from ...services.editing import EditError, LessonInvalid, file_size
from ...services.exchange import ENCODINGS, ImportRefused, ImportView, Upload
from .._guards import require_course

bp = Blueprint("imports", __name__, url_prefix="/n/<net>/<course>")


def uploads_of_request() -> list[Upload]:
    """Return the files of the request's `files` fields (both pickers of the page)."""
    return [
        Upload(storage.filename or "", storage.read())
        for storage in request.files.getlist("files")
        if storage.filename
    ]


def limit_upload() -> None:
    """Refuse (413) an upload larger than an import may be, before reading it.

    Bodies without a length are held to the app's MAX_CONTENT_LENGTH while they are read.
    """
    most = int(current_app.config["IMPORT_MAX_BYTES"])
    if (request.content_length or 0) > most:
        raise ImportRefused(
            f"The upload is larger than {file_size(most)}, the most one import may be. Nothing "
            "was saved; import the lessons in smaller parts.",
            413,
        )


def _page(
    network: Network, row: Course, view: ImportView | None = None, status: int = 200
) -> ResponseReturnValue:
    units = []
    if view is not None and not view.committed:
        seen: dict[str, str] = {}
        for lesson in view.plan.lessons:
            seen.setdefault(lesson.unit, lesson.unit_title)
        units = _unit_choices(view, seen)
    return (
        render_template(
            "exchange/import.html",
            network=network,
            course=row,
            view=view,
            units=units,
            encodings=ENCODINGS,
            max_bytes=int(current_app.config["IMPORT_MAX_BYTES"]),
        ),
        status,
    )


def _unit_choices(view: ImportView, planned: dict[str, str]) -> list[tuple[str, str]]:
    """Return (unit, label) choices: the course's units, then the new ones the import makes."""
    existing = list(view.plan.course_units.items())
    known = {slug for slug, _ in existing}
    new = [(slug, f"New unit: {title}") for slug, title in planned.items() if slug not in known]
    return existing + new


@bp.get("/import")
@login_required
def start(net: str, course: str) -> ResponseReturnValue:
    """Show the upload form."""
    network, row, _ = require_course(net, course, Access.WRITE)
    return _page(network, row)


@bp.post("/import")
@login_required
def upload(net: str, course: str) -> ResponseReturnValue:
    """Read the uploaded files and show the preview of what they would add."""
    network, row, _ = require_course(net, course, Access.WRITE)
    try:
        limit_upload()
        view = exchange.start_import(ctx(), row, uploads_of_request())
    except ImportRefused as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _page(network, row, status=exc.status)
    return redirect(url_for(".preview", net=network.slug, course=row.slug, import_id=view.id))


@bp.get("/import/<import_id>")
@login_required
def preview(net: str, course: str, import_id: str) -> ResponseReturnValue:
    """Show an import's preview, or what it imported once it is done."""
    network, row, _ = require_course(net, course, Access.WRITE)
    try:
        view = exchange.import_preview(ctx(), row, import_id)
    except ImportRefused as exc:
        if exc.status == 404 and "expired" not in exc.message:
            abort(404)
        flash(exc.message, "error")
        return redirect(url_for(".start", net=network.slug, course=row.slug))
    return _page(network, row, view)


def _choices_of_form(view: ImportView) -> list[dict[str, object]]:
    changes: list[dict[str, object]] = []
    for number, lesson in enumerate(view.plan.lessons):
        if request.form.get(f"source-{number}") != lesson.source:
            continue  # the form is from another version of the preview
        change: dict[str, object] = {
            "source": lesson.source,
            "include": request.form.get(f"include-{number}") == "yes",
        }
        if f"unit-{number}" in request.form:
            change["unit"] = request.form[f"unit-{number}"].strip()
        if f"slug-{number}" in request.form:
            slug = request.form[f"slug-{number}"].strip()
            change["slug"] = "" if slug == lesson.slug else slug
        if f"encoding-{number}" in request.form:
            change["encoding"] = request.form[f"encoding-{number}"]
        changes.append(change)
    return changes


@bp.post("/import/<import_id>")
@login_required
def decide(net: str, course: str, import_id: str) -> ResponseReturnValue:
    """Record the choices of the preview form; with "Import", commit the lessons."""
    network, row, _ = require_course(net, course, Access.WRITE)
    here = url_for(".preview", net=network.slug, course=row.slug, import_id=import_id)
    try:
        view = exchange.import_preview(ctx(), row, import_id)
        if view.committed:
            return redirect(here)
        view = exchange.change_import(ctx(), row, import_id, _choices_of_form(view))
        if request.form.get("action") != "import":
            flash("The preview shows your choices. Nothing is in the course yet.", "success")
            return redirect(here)
        view = exchange.commit_import(ctx(), row, import_id)
    except ImportRefused as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        flash(exc.message, "error")
        return redirect(here)
    except LessonInvalid as exc:
        db.session.rollback()
        listed = " ".join(problem.message for problem in exc.problems)
        flash(f"Nothing was imported yet. {listed}", "error")
        return redirect(here)
    except EditError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(here)
    count = len(view.committed_paths)
    flash(
        f"Imported {count} lesson{'s' if count != 1 else ''}. Open each one to check it.",
        "success",
    )
    return redirect(here)
