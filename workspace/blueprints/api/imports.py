"""API views on imports: upload files (multipart `files`), read and change the preview, commit.

See DESIGN.md, "Import and export (contract)". Only the person who uploaded sees an import.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from werkzeug.wrappers import Response

from ...access import Access
from ...extensions import db
from ...runtime import ctx
from ...services import exchange
from ...services.exchange import ImportRefused, ImportView
from ..exchange.imports import limit_upload, uploads_of_request
from . import acting_user, bp, course_for, error, json_body

IMPORTS_URL = "/n/<net>/<course>/imports"


@bp.errorhandler(ImportRefused)
def import_refused(exc: ImportRefused) -> tuple[Response, int]:
    """Answer an upload or change that cannot be imported, saying why."""
    db.session.rollback()
    return error(exc.status, exc.message)


def import_json(view: ImportView) -> dict[str, Any]:
    row = view.row
    if view.committed:
        return {
            "id": row.id,
            "status": "committed",
            "name": row.name,
            "commit": row.commit,
            "lessons": view.committed_paths,
        }
    plan = view.plan
    return {
        "id": row.id,
        "status": "preview",
        "name": row.name,
        "expires_at": row.expires_at.isoformat(),
        "ready": plan.ready,
        "notes": plan.notes,
        "new_units": [{"slug": slug, "title": title} for slug, title in plan.new_units.items()],
        "lessons": [
            {
                "source": lesson.source,
                "path": lesson.path,
                "title": lesson.title,
                "unit": lesson.unit,
                "unit_title": lesson.unit_title,
                "new_unit": lesson.unit_is_new,
                "slug": lesson.slug,
                "include": lesson.include,
                "encoding": lesson.encoding,
                "detected_encoding": lesson.detected,
                "images": [
                    {"source": image.source, "path": image.path, "size": image.size}
                    for image in lesson.images
                ],
                "problems": [problem.as_json() for problem in lesson.problems],
            }
            for lesson in plan.lessons
        ],
    }


@bp.post(IMPORTS_URL)
def create_import(net: str, course: str) -> tuple[Response, int]:
    """Read the uploaded files (.zip, .md, .docx) and answer the preview of the import."""
    _, row, _ = course_for(net, course, Access.WRITE)
    limit_upload()
    view = exchange.start_import(ctx(acting_user()), row, uploads_of_request())
    return jsonify(import_json(view)), 201


@bp.get(f"{IMPORTS_URL}/<import_id>")
def get_import(net: str, course: str, import_id: str) -> Response:
    """Answer the import's preview, planned against the course as it is now."""
    _, row, _ = course_for(net, course, Access.WRITE)
    return jsonify(import_json(exchange.import_preview(ctx(acting_user()), row, import_id)))


@bp.patch(f"{IMPORTS_URL}/<import_id>")
def change_import(net: str, course: str, import_id: str) -> Response:
    """Change the plan: `{lessons: [{source, unit?, slug?, include?, encoding?}]}`."""
    _, row, _ = course_for(net, course, Access.WRITE)
    changes = json_body().get("lessons")
    return jsonify(import_json(exchange.change_import(ctx(acting_user()), row, import_id, changes)))


@bp.post(f"{IMPORTS_URL}/<import_id>/commit")
def commit_import(net: str, course: str, import_id: str) -> Response:
    """Put the planned lessons into the course as one commit by the caller."""
    _, row, _ = course_for(net, course, Access.WRITE)
    view = exchange.commit_import(ctx(acting_user()), row, import_id)
    return jsonify({"commit": view.row.commit, "lessons": view.committed_paths})
