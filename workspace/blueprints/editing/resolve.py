"""The conflict resolution screen: both versions side by side and the combined text to save.

A save that overlaps someone else's lands here with nothing written. The teacher edits the
marked merge; saving it commits against the version the conflict was found at, crediting the
other authors with Co-authored-by trailers. Text with conflict markers left in is refused, and
the teacher's text stays in their draft until the combined version lands.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect
from werkzeug.wrappers import Response

from ...content.paths import parse_lesson_path
from ...forms.editing import ResolveForm
from ...models.editing import Draft
from ...services import editing
from ...services.editing import (
    EditError,
    SaveConflict,
    SaveResult,
    conflict_markers,
    side_by_side,
    title_in,
)
from ._views import (
    Target,
    keep_draft,
    lesson_target,
    render_page,
    save_text,
    saved_message,
    user_email,
)

Page = str | tuple[str, int] | Response


def follow(t: Target, path: str) -> Target:
    """Return the target for the lesson at `path` (where a renamed lesson went), else `t`."""
    found = parse_lesson_path(path) if path and path != t.path else None
    if found is None:
        return t
    return replace(t, unit=found[0], lesson=found[1], path=path)


def landed(t: Target, result: SaveResult) -> Response:
    """Return the redirect to the lesson a save landed in, saying so if it was renamed."""
    moved = follow(t, result.path)
    note = saved_message(result)
    if moved is not t:
        note += (
            f" The lesson was renamed to \u201c{moved.unit}/{moved.lesson}\u201d while you "
            "were editing it; your changes are saved there."
        )
    flash(note, "success")
    return redirect(moved.lesson_url)


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
    """Return the conflict screen: their version and yours side by side, and the combined text.

    A conflict found in a lesson others renamed is shown (and saved) under the new name.
    """
    t = follow(t, conflict.path) if conflict else t
    renamed: Target | None = None
    if conflict:
        theirs, authors = conflict.theirs, conflict.authors
    else:
        where = editing.whereabouts(t.ctx, t.ref, t.path, conflict_base, at=head)
        theirs, authors = where.text, where.authors
        renamed = follow(t, where.moved_to) if where.moved_to else None
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
    names = ", ".join(a.name for a in authors if a.email != user_email(t)) or "Someone else"
    deleted = theirs is None and renamed is None
    page = render_page(
        "editing/resolve.html",
        t,
        form=form,
        view=side_by_side(theirs, yours),
        names=names,
        deleted=deleted,
        renamed=renamed,
        summary=conflict.message if conflict else None,
        title=title_in(theirs or yours, t.lesson),
        error=error,
    )
    return page, status


def resolution_from_draft(t: Target, draft: Draft) -> Page:
    view = editing.view_of(draft)
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

    def refused(error: str, status: int) -> Page:
        """Return the same conflict screen with the combined text as typed and why it failed."""
        return render_resolution(
            t,
            head,
            conflict_base,
            None,
            yours=yours,
            message=message,
            combined=content,
            error=error,
            status=status,
        )

    markers = conflict_markers(content)
    if markers:
        lines = ", ".join(str(n) for n in markers[:8])
        return refused(
            f"The combined text still has conflict markers (line {lines}). Delete the "
            "lines that start with <<<<<<<, |||||||, ======= or >>>>>>> and keep the "
            "words you want; then save again.",
            422,
        )
    others = editing.authors_between(t.ctx, t.ref, t.path, conflict_base, head) if head else []
    now = editing.whereabouts(t.ctx, t.ref, t.path, conflict_base)
    renamed, gone = now.moved_to, now.moved_to is not None or now.text is None
    co_authors = [a for a in others if a.email != user_email(t)]
    try:
        if renamed is not None:
            # Saved from the version the conflict began at, so it merges into the new name.
            result = save_text(t, content, conflict_base, message, co_authors)
        elif gone:
            result = save_again(t, content, message)
        else:
            result = save_text(t, content, head, message, co_authors)
    except SaveConflict as again:
        return render_resolution(
            t, again.head, conflict_base, again, yours=content, message=message
        )
    except EditError as exc:
        return refused(exc.message, exc.http_status)
    return landed(t, result)


def save_again(t: Target, content: str, message: str) -> SaveResult:
    """Return the result of bringing a deleted lesson back with the teacher's text."""
    title = title_in(content, t.lesson)
    return editing.create_lesson(
        t.ctx,
        t.course,
        t.unit,
        t.lesson,
        content=content,
        message=message or f"Restore lesson: {title} (edited while it was deleted)",
    )


def register(bp: Blueprint) -> None:
    """Add the resolution view to the editor blueprint."""
    bp.add_url_rule("/edit/<unit>/<lesson>/resolve", "resolve", resolve, methods=["POST"])
