"""What the editor's JavaScript talks to: preview, drafts, presence and image uploads.

Each endpoint is also usable without JavaScript where that makes sense (discarding a draft,
uploading an image from the editor form). All are POSTs checked for CSRF by the app (the
script sends the token in the X-CSRFToken header) and need write access to the course.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, request
from markupsafe import Markup
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from ...content.errors import ContentError
from ...content.frontmatter import parse_lesson
from ...content.lesson import validate_lesson
from ...content.lint import lint_lesson
from ...content.render import render_body
from ...extensions import db
from ...forms.editing import DRAFT_FIELDS, LessonForm, apply_fields
from ...services import editing
from ...services.editing import (
    EditError,
    ImageRejected,
    ImageTooLarge,
    ImageUpload,
    upload_image,
)
from ..reading.lessons import course_links
from ._views import Target, json_error, keep_draft, lesson_target, render_editor


@dataclass(frozen=True)
class Preview:
    """The rendered body and the problems a teacher should know about before saving."""

    html: Markup
    problems: list[str]


def preview_of(t: Target, text: str, whole_file: bool) -> Preview:
    """Return the preview of a lesson body, or of a whole lesson file with its front matter."""
    problems: list[str] = []
    body, offset = text, 0
    if whole_file:
        try:
            doc = parse_lesson(text)
            body, offset = doc.body, doc.body_line - 1
            problems += [p.message for p in validate_lesson(doc.front_matter)]
        except ContentError as exc:
            problems.append(exc.message)
    links = course_links(t.network, t.course, t.unit, "main", "main")
    html = Markup(render_body(body, links.resolve))  # noqa: S704 (markdown-it, raw HTML off)
    for problem in lint_lesson(body, line_offset=offset):
        problems.append(
            f"Line {problem.line}: {problem.message}" if problem.line else problem.message
        )
    return Preview(html, problems)


def _upload(t: Target, file: FileStorage | None, alt: str) -> ImageUpload:
    """Return the uploaded image, committed to the lesson's unit; raise EditError if refused."""
    limit = t.ctx.settings.max_upload_bytes
    name, data = "", b""
    if isinstance(file, FileStorage):
        # One byte over the limit is enough to refuse it without reading a huge file.
        name, data = file.filename or "", file.stream.read(limit + 1)
    return upload_image(t.ctx, t.course, t.unit, name, data, alt)


def upload_without_script(
    t: Target, form: LessonForm, raw: bool, base: str, content: str, fields: dict[str, str] | None
) -> Any:
    """Return the editor page after uploading the form's image; the text stays as typed."""
    keep_draft(t, base, content, fields, form.message.data or "")
    try:
        upload = _upload(t, form.image.data, form.alt.data or "")
    except (ImageRejected, ImageTooLarge) as exc:
        form.image.errors = [exc.message]
        return render_editor(t, form, exc.http_status, raw=raw)
    except EditError as exc:
        return render_editor(t, form, exc.http_status, raw=raw, error=exc.message)
    form.alt.data = ""
    return render_editor(t, form, raw=raw, upload=upload)


def preview(net: str, course: str, unit: str, lesson: str) -> Response:
    """Return the rendered preview of the posted text as JSON: {html, problems}."""
    t = lesson_target(net, course, unit, lesson)
    mode = request.form.get("mode")
    field = "content" if mode == "resolve" else "body"
    text = (request.form.get(field) or "").replace("\r\n", "\n")
    found = preview_of(t, text, whole_file=mode in ("raw", "resolve"))
    return jsonify({"html": str(found.html), "problems": found.problems})


def save_draft(net: str, course: str, unit: str, lesson: str) -> tuple[Response, int]:
    """Keep the posted editor text as the user's draft; answer JSON {status, saved_at}."""
    t = lesson_target(net, course, unit, lesson)
    form = request.form
    mode = form.get("mode", "fields")
    base = form.get("base_commit", "")
    message = form.get("message", "")
    fields: dict[str, str] | None
    if mode == "resolve":
        content = form.get("content", "").replace("\r\n", "\n")
        fields = {"yours": form.get("yours", ""), "conflict_base": form.get("conflict_base", "")}
    else:
        typed = {name: form.get(name, "").replace("\r\n", "\n") for name in DRAFT_FIELDS}
        content = typed["body"] if mode == "raw" else _composed(t, base, typed)
        fields = None if mode == "raw" else typed
    try:
        draft = editing.save_draft(
            db.session,
            t.user,
            t.course,
            t.path,
            base_commit=base,
            content=content,
            fields=fields,
            message=message,
            mode="resolve" if mode == "resolve" else "edit",
        )
    except editing.DraftRefused as exc:
        return jsonify({"status": "error", "message": exc.message}), 413
    return jsonify({"status": "saved", "saved_at": draft.updated_at.isoformat()}), 200


def _composed(t: Target, base: str, fields: dict[str, str]) -> str:
    """Return the lesson file the fields make on top of the base text (best effort)."""
    # A version that is not one of the course starts from the newest one's text.
    base_text = editing.edit_start(t.ctx, t.ref, t.path, base).text
    try:
        return apply_fields(base_text, fields)
    except (ContentError, ValueError):
        return fields.get("body", "")


def discard_draft(net: str, course: str, unit: str, lesson: str) -> Response:
    """Delete the user's draft of this lesson and reopen the editor on the current text."""
    t = lesson_target(net, course, unit, lesson)
    dropped = editing.drop_draft(db.session, t.user, t.course, t.path, commit=True)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"status": "discarded", "dropped": dropped})
    flash("Your draft was discarded." if dropped else "There was no draft to discard.", "info")
    return redirect(t.url("editor.edit"))


def heartbeat(net: str, course: str, unit: str, lesson: str) -> Response:
    """Record that the user has the lesson open; answer who else does and whether it changed.

    JSON: {present: [{name, typing}], head, blob, changed, changed_by}. `changed` is true when
    the lesson file at head differs from the one at the posted base_commit; `changed_by` names
    who changed it unless the request says `names: false`.
    """
    t = lesson_target(net, course, unit, lesson)
    payload = request.get_json(silent=True)
    data = payload if isinstance(payload, dict) else request.form
    typing = str(data.get("typing", "")).lower() in ("1", "true", "yes")
    editing.heartbeat(db.session, t.user, t.course, t.path, typing=typing)
    others = editing.others_present(db.session, t.user, t.course, t.path)
    base = str(data.get("base_commit") or "")
    # Naming who changed it costs a `git log`: only when the page has not shown it yet.
    wanted = str(data.get("names", "1")).lower() not in ("0", "false")
    found = editing.changes_since(t.ctx, t.ref, t.path, base, with_names=wanted)
    head, changed, names = found.head, found.changed, found.names
    return jsonify(
        {
            "present": [{"name": p.name, "typing": p.typing} for p in others],
            "head": head,
            "changed": changed,
            "changed_by": names,
        }
    )


def leave(net: str, course: str, unit: str, lesson: str) -> tuple[str, int]:
    """Forget that the user has the lesson open (sent when the tab closes)."""
    t = lesson_target(net, course, unit, lesson)
    editing.leave(db.session, t.user, t.course, t.path)
    return "", 204


def images(net: str, course: str, unit: str, lesson: str) -> tuple[Response, int]:
    """Commit an uploaded image; answer JSON {snippet, path, name, url} to insert it."""
    t = lesson_target(net, course, unit, lesson)
    try:
        upload = _upload(t, request.files.get("image"), request.form.get("alt", ""))
    except EditError as exc:
        return json_error(exc)
    url = course_links(t.network, t.course, t.unit, "main", "main").resolve(f"images/{upload.name}")
    return jsonify(
        {
            "status": "uploaded",
            "snippet": upload.snippet,
            "path": upload.path,
            "name": upload.name,
            "alt": upload.alt,
            "url": url,
        }
    ), 201


def register(bp: Blueprint) -> None:
    """Add these views to the editor blueprint."""
    base = "/edit/<unit>/<lesson>"
    bp.add_url_rule(f"{base}/preview", "preview", preview, methods=["POST"])
    bp.add_url_rule(f"{base}/draft", "draft", save_draft, methods=["POST"])
    bp.add_url_rule(f"{base}/draft/discard", "discard_draft", discard_draft, methods=["POST"])
    bp.add_url_rule(f"{base}/presence", "presence", heartbeat, methods=["POST"])
    bp.add_url_rule(f"{base}/presence/leave", "leave", leave, methods=["POST"])
    bp.add_url_rule(f"{base}/images", "images", images, methods=["POST"])
