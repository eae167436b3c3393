"""Word downloads: a lesson, a unit (one document) or the whole course (a .zip of documents).

Every view first asks require_course, as the lesson page does (a cycle's invited guest gets
the lesson they are invited to). The copy is decided by exchange.word_choice: the teacher copy
(with the notes for teachers) only for those who see those notes on the lesson page; anyone
else asking for it gets the student copy. `?solutions=end|omit|inline` places the answers.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from flask import Blueprint, render_template, request, send_file
from werkzeug.wrappers import Response

from ...access import Access
from ...content.word import WordExportFailed
from ...extensions import db
from ...git import GitStoreError
from ...runtime import ctx
from ...services import exchange
from ...services.context import LessonRef
from .._guards import require_course
from ..reading.lessons import git_error_page, guest_for, version_or_404

bp = Blueprint("export", __name__, url_prefix="/n/<net>/<course>")
CHUNK_BYTES = 256 * 1024
bp.register_error_handler(GitStoreError, git_error_page)


@bp.errorhandler(WordExportFailed)
def export_failed(error: WordExportFailed) -> tuple[str, int]:
    """Say that the Word document could not be made, and what to try."""
    db.session.rollback()
    message = f"{error.message} Try again in a moment, or download a single lesson."
    page = render_template(
        "errors/error.html", code=503, title="The Word document could not be made", message=message
    )
    return page, 503


def _choice(access: Access) -> tuple[str, str]:
    return exchange.word_choice(
        request.args.get("version"),
        request.args.get("solutions"),
        sees_teacher_notes=bool(access & Access.COMMENT),
    )


def _rev() -> str:
    return request.args.get("rev") or "main"


def _send(data: IO[bytes], name: str, mimetype: str) -> Response:
    response = send_file(data, mimetype=mimetype, as_attachment=True, download_name=name)
    # The body is read in chunks, and the file closed once sent, read to its end or not.
    response.response = _chunks(data)
    response.call_on_close(data.close)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _chunks(data: IO[bytes]) -> Iterator[bytes]:
    with data:
        while chunk := data.read(CHUNK_BYTES):
            yield chunk


@bp.get("/lessons/<unit>/<lesson>.docx")
def lesson_docx(net: str, course: str, unit: str, lesson: str) -> Response:
    """Send a lesson as a Word document (at `?rev=`, main by default)."""
    _network, row, access = require_course(net, course, guest=guest_for(unit, lesson))
    version, solutions = _choice(access)
    with version_or_404():
        found = exchange.lesson_docx(
            ctx(), LessonRef(row, unit, lesson), version=version, solutions=solutions, rev=_rev()
        )
    return _send(io.BytesIO(found.data), found.name, exchange.DOCX_TYPE)


@bp.get("/units/<unit>.docx")
def unit_docx(net: str, course: str, unit: str) -> Response:
    """Send a unit as one Word document: its overview, then its lessons in course order."""
    _network, row, access = require_course(net, course)
    version, solutions = _choice(access)
    with version_or_404():
        found = exchange.unit_docx(
            ctx(), row, unit, version=version, solutions=solutions, rev=_rev()
        )
    return _send(io.BytesIO(found.data), found.name, exchange.DOCX_TYPE)


@bp.get("/course.docx.zip")
def course_docx(net: str, course: str) -> Response:
    """Send the whole course as a .zip of Word documents, one per unit and one per lesson."""
    _network, row, access = require_course(net, course)
    version, solutions = _choice(access)
    with version_or_404():
        found = exchange.course_docx(ctx(), row, version=version, solutions=solutions, rev=_rev())
    return _send(found.file, found.name, "application/zip")
