"""The lesson editor: a plain form that works without JavaScript, and the conflict screen.

Saving applies the changed front matter fields to the file as it was at the base version and
replaces the body; the save then merges with whatever others saved since (services.editing).
A save that does not land (a conflict, a problem in the front matter) re-renders the page
with the teacher's text and keeps it as a draft, so nothing typed is lost. JavaScript adds a
toolbar, live preview, autosaved drafts and presence (editor_live), and the Organize page
lives in `organize`; both register their views on this blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from ..content.errors import ContentError
from ..extensions import db
from ..forms.editing import LessonForm, ResolveForm, apply_fields, fields_of
from ..git import GitStoreError
from ..models.editing import Draft
from ..services import drafts, editing, presence
from ..services.conflicts import conflict_markers, side_by_side
from ..services.edit_errors import EditError, SaveConflict, SaveResult
from ..services.edit_support import authors_since, read_text, resolve_base
from ..storage import repo_store
from . import editor_live, organize
from .editor_support import Target, lesson_target
from .lessons import git_error_page

bp = Blueprint("editor", __name__, url_prefix="/n/<net>/<course>")
bp.register_error_handler(GitStoreError, git_error_page)
editor_live.register(bp)
organize.register(bp)

Page = str | tuple[str, int] | Response


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
        drafts.save_draft(
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
    except drafts.DraftRefused as exc:
        flash(exc.message, "warning")


def _head_text(t: Target) -> tuple[str, str]:
    """Return (head commit, lesson text at head), or abort 404 when the lesson is gone."""
    with repo_store().open(t.course.id) as repo:
        head = resolve_base(repo, None)
        text = read_text(repo, t.path, head)
    if text is None:
        abort(
            404, description=f"The unit \u201c{t.unit}\u201d has no lesson \u201c{t.lesson}\u201d."
        )
    return head, text


def _offered(draft: Draft | None, text: str) -> Draft | None:
    """Return the draft if it holds something other than the lesson's current text."""
    if draft is None:
        return None
    view = drafts.view_of(draft)
    if view.content != text:
        return draft
    try:
        current = fields_of(text)
    except ContentError:
        return None
    return draft if view.fields is not None and view.fields != current else None


def render_editor(t: Target, form: LessonForm, status: int = 200, **context: Any) -> Page:
    """Return the editor page for `form` (fields, or the whole file when `raw` is set)."""
    others = presence.others_present(db.session, t.user, t.course, t.path)
    page = render_template(
        "editor/edit.html",
        t=t,
        network=t.network,
        course=t.course,
        access=t.access,
        form=form,
        others=others,
        **context,
    )
    return page, status


@bp.route("/edit/<unit>/<lesson>", methods=["GET", "POST"])
def edit(net: str, course: str, unit: str, lesson: str) -> Page:
    """Show the lesson editor; save, preview, or upload an image from it."""
    t = lesson_target(net, course, unit, lesson)
    if request.method == "POST":
        return _post(t)
    head, text = _head_text(t)
    draft = drafts.get_draft(db.session, t.user, t.course, t.path)
    restoring = draft is not None and request.args.get("draft") == "restore"
    if restoring and draft is not None and draft.mode == "resolve":
        return _resolution_from_draft(t, draft)
    values: dict[str, str] | None = None
    source, base, message = text, head, ""
    if restoring and draft is not None:
        view = drafts.view_of(draft)
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
    presence.heartbeat(db.session, t.user, t.course, t.path)
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
    with repo_store().open(t.course.id) as repo:
        try:
            base = resolve_base(repo, form.base_commit.data)
        except EditError as exc:
            head = resolve_base(repo, None)
            keep_draft(t, head, fields["body"] if raw else "", fields, form.message.data or "")
            return render_editor(t, form, 409, raw=raw, error=exc.message)
        base_text = read_text(repo, t.path, base) or read_text(repo, t.path, "main") or ""
    content = fields["body"] if raw else _compose(base_text, fields)
    message = form.message.data or ""
    if action == "upload":
        return editor_live.upload_without_script(t, form, raw, base, content, fields)
    keep_draft(t, base, content, fields, message)
    if action == "preview":
        return render_editor(
            t,
            form,
            raw=raw,
            preview=editor_live.preview_of(t, content if raw else fields["body"], raw),
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
        result = editing.save_lesson(
            db.session,
            repo_store(),
            t.user,
            t.course,
            t.unit,
            t.lesson,
            content,
            base,
            message or None,
        )
    except SaveConflict as conflict:
        return render_resolution(
            t, conflict.head, conflict.base_commit or base, conflict, yours=content, message=message
        )
    except EditError as exc:
        return render_editor(
            t, form, exc.http_status, raw=raw, error=f"{exc.message} Your text is kept as a draft."
        )
    flash(saved_message(result), "success")
    return redirect(t.lesson_url)


def render_resolution(
    t: Target,
    head: str,
    conflict_base: str,
    conflict: SaveConflict | None,
    *,
    yours: str,
    message: str = "",
    combined: str | None = None,
    error: str | None = None,
    status: int = 409,
) -> Page:
    """Return the conflict screen: their version and yours side by side, and the combined text."""
    with repo_store().open(t.course.id) as repo:
        theirs = conflict.theirs if conflict else read_text(repo, t.path, head)
        authors = conflict.authors if conflict else authors_since(repo, conflict_base, head, t.path)
    if combined is None:
        combined = (conflict.merged if conflict else None) or yours
    form = ResolveForm(
        formdata=None,
        data={
            "content": combined,
            "yours": yours,
            "base_commit": head,
            "conflict_base": conflict_base,
            "message": message,
        },
    )
    names = ", ".join(a.name for a in authors if a.email != _email(t)) or "Someone else"
    deleted = theirs is None
    page = render_template(
        "editor/resolve.html",
        t=t,
        network=t.network,
        course=t.course,
        access=t.access,
        form=form,
        view=side_by_side(theirs, yours),
        names=names,
        deleted=deleted,
        summary=conflict.message if conflict else None,
        error=error,
    )
    return page, status


def _email(t: Target) -> str:
    from ..services.courses import commit_author

    return commit_author(t.user).email


def _resolution_from_draft(t: Target, draft: Draft) -> Page:
    view = drafts.view_of(draft)
    fields = view.fields or {}
    return render_resolution(
        t,
        view.base_commit,
        fields.get("conflict_base", view.base_commit),
        None,
        yours=fields.get("yours", view.content),
        message=view.message,
        combined=view.content,
        status=200,
    )


@bp.post("/edit/<unit>/<lesson>/resolve")
def resolve(net: str, course: str, unit: str, lesson: str) -> Page:
    """Save the combined text of a conflict, crediting the other authors as co-authors."""
    t = lesson_target(net, course, unit, lesson)
    form = ResolveForm()
    content, yours = form.content.data or "", form.yours.data or ""
    head, conflict_base = form.base_commit.data or "", form.conflict_base.data or ""
    message = form.message.data or ""
    keep_draft(
        t, head, content, {"yours": yours, "conflict_base": conflict_base}, message, mode="resolve"
    )
    markers = conflict_markers(content)
    if markers:
        lines = ", ".join(str(n) for n in markers[:8])
        error = (
            f"The combined text still has conflict markers (line {lines}). Delete the "
            "lines that start with <<<<<<<, |||||||, ======= or >>>>>>> and keep the "
            "words you want; then save again."
        )
        return render_resolution(
            t,
            head,
            conflict_base,
            None,
            yours=yours,
            message=message,
            combined=content,
            error=error,
            status=422,
        )
    with repo_store().open(t.course.id) as repo:
        others = authors_since(repo, conflict_base, head, t.path) if head else []
    co_authors = [a for a in others if a.email != _email(t)]
    try:
        result = editing.save_lesson(
            db.session,
            repo_store(),
            t.user,
            t.course,
            t.unit,
            t.lesson,
            content,
            head,
            message or None,
            co_authors,
        )
    except SaveConflict as again:
        return render_resolution(
            t, again.head, conflict_base, again, yours=content, message=message
        )
    except EditError as exc:
        return render_resolution(
            t,
            head,
            conflict_base,
            None,
            yours=yours,
            message=message,
            combined=content,
            error=exc.message,
            status=exc.http_status,
        )
    flash(saved_message(result), "success")
    return redirect(t.lesson_url)
