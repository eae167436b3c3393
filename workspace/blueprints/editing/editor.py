"""The lesson editor: a plain form of front matter fields and Markdown that works without JS.

Saving applies the changed front matter fields to the file as it was at the base version and
replaces the body; the save then merges with whatever others saved since (services.editing).
A save that does not land (a conflict, a problem in the front matter) re-renders the page
with the teacher's text and keeps it as a draft, so nothing typed is lost. JavaScript adds a
toolbar, live preview, autosaved drafts and presence (editor_live); the conflict screen
(editor_resolve) and the Organize page (organize) register their views on this blueprint too.
"""

from __future__ import annotations

from flask import Blueprint, flash, request
from werkzeug.wrappers import Response

from ...content.errors import ContentError
from ...extensions import db
from ...forms.editing import LessonForm, apply_fields, fields_of
from ...git import GitStoreError
from ...models.editing import Draft
from ...services import editing, threads
from ...services.editing import EditError, SaveConflict, SaveResult
from ..reading.lessons import git_error_page
from . import live, organize, resolve
from ._views import (
    Target,
    head_text,
    keep_draft,
    lesson_target,
    render_editor,
    save_text,
    saved_message,
)
from .resolve import follow, landed, render_resolution, resolution_from_draft

bp = Blueprint("editor", __name__, url_prefix="/n/<net>/<course>")
bp.register_error_handler(GitStoreError, git_error_page)
live.register(bp)
resolve.register(bp)
organize.register(bp)

Page = str | tuple[str, int] | Response


def _offered(draft: Draft | None, text: str) -> Draft | None:
    """Return the draft if it holds something other than the lesson's current text."""
    if draft is None:
        return None
    view = editing.view_of(draft)
    if view.content != text:
        return draft
    try:
        current = fields_of(text)
    except ContentError:
        return None
    return draft if view.fields is not None and view.fields != current else None


@bp.route("/edit/<unit>/<lesson>", methods=["GET", "POST"])
def edit(net: str, course: str, unit: str, lesson: str) -> Page:
    """Show the lesson editor; save, preview, or upload an image from it."""
    t = lesson_target(net, course, unit, lesson)
    if request.method == "POST":
        return _post(t)
    head, text = head_text(t)
    draft = editing.get_draft(db.session, t.user, t.course, t.path)
    restoring = draft is not None and request.args.get("draft") == "restore"
    if restoring and draft is not None and draft.mode == "resolve":
        return resolution_from_draft(t, draft)
    values: dict[str, str] | None = None
    source, base, message = text, head, ""
    if restoring and draft is not None:
        view = editing.view_of(draft)
        source, base, message, values = view.content, view.base_commit, view.message, view.fields
    raw = False
    if values is None:
        try:
            values = fields_of(source)
        except ContentError as exc:
            raw, values = True, {"body": source}
            flash(
                f"The front matter cannot be shown as fields: {exc.message} "
                "Edit the whole file below.",
                "warning",
            )
    editing.heartbeat(db.session, t.user, t.course, t.path)
    form = LessonForm(formdata=None, data={**values, "message": message, "base_commit": base})
    offer = None if restoring else _offered(draft, text)
    return render_editor(t, form, raw=raw, offer=offer, restored=restoring, head=head)


def _compose(base_text: str, fields: dict[str, str]) -> str:
    """Return the file the fields describe; as much of it as can be made from invalid fields."""
    try:
        return apply_fields(base_text, fields)
    except (ContentError, ValueError):
        keep = {**fields_of_safe(base_text), "body": fields.get("body", "")}
        try:
            return apply_fields(base_text, keep)
        except (ContentError, ValueError):
            return fields.get("body", "")


def fields_of_safe(text: str) -> dict[str, str]:
    """Return the field values of a file, or empty fields when its front matter is broken."""
    try:
        return fields_of(text)
    except ContentError:
        return {}


def _post(t: Target) -> Page:
    form = LessonForm()
    raw = request.form.get("mode") == "raw"
    action = request.form.get("action", "save")
    fields = form.draft_fields()
    start = editing.edit_start(t.ctx, t.ref, t.path, form.base_commit.data)
    if start.problem is not None:
        content = fields["body"] if raw else _compose(start.text, fields)
        keep_draft(t, start.base, content, None if raw else fields, form.message.data or "")
        problem = start.problem
        return render_editor(t, form, problem.http_status, raw=raw, error=problem.message)
    base, base_text = start.base, start.text
    content = fields["body"] if raw else _compose(base_text, fields)
    message = form.message.data or ""
    if action == "upload":
        return live.upload_without_script(t, form, raw, base, content, None if raw else fields)
    # A whole-file draft has no fields: restoring it reads the fields from its text.
    keep_draft(t, base, content, None if raw else fields, message)
    if action == "preview":
        return render_editor(
            t,
            form,
            raw=raw,
            preview=live.preview_of(t, content if raw else fields["body"], raw),
        )
    if not raw and not form.validate():
        return render_editor(
            t,
            form,
            422,
            raw=raw,
            error="The lesson was not saved: correct the fields marked below. "
            "Your text is kept as a draft.",
        )
    try:
        result = save_text(t, content, base, message)
    except SaveConflict as conflict:
        _move_draft(t, follow(t, conflict.path), conflict, content, base, message)
        return render_resolution(
            t, conflict.head, conflict.base_commit or base, conflict, yours=content, message=message
        )
    except EditError as exc:
        return render_editor(
            t, form, exc.http_status, raw=raw, error=f"{exc.message} Your text is kept as a draft."
        )
    _answer_threads(t, result, message)
    return landed(t, result)


def _answer_threads(t: Target, result: SaveResult, message: str) -> None:
    """Record the saved change on the threads the teacher ticked as answered by it."""
    chosen = [int(v) for v in request.form.getlist("answers") if v.isdigit()]
    if not chosen or result.unchanged or not result.commit:
        return
    note = message.strip() or saved_message(result)
    if threads.record_answers(t.ctx, t.ref, t.access, chosen, result.commit, note):
        db.session.commit()


def _move_draft(
    t: Target, moved: Target, conflict: SaveConflict, content: str, base: str, message: str
) -> None:
    """Keep the teacher's text as a draft of the lesson's new name when others renamed it."""
    if moved is t:
        return
    fields = {"yours": content, "conflict_base": conflict.base_commit or base}
    keep_draft(moved, conflict.head, content, fields, message, mode="resolve")
    if editing.get_draft(db.session, t.user, t.course, moved.path) is not None:
        editing.drop_draft(db.session, t.user, t.course, t.path, commit=True)
