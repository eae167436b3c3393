"""The conflict resolution screen: one choice per paragraph (or field) both teachers changed.

A save that overlaps someone else's lands here with nothing written. What only one side
changed is already combined and shown rendered; for each paragraph or front matter field
both changed, the teacher keeps theirs, the other version, both, or writes their own (radio
buttons and a text box, no JavaScript needed). Saving composes the file from the choices on
the server (services.editing.resolve_paragraphs) and commits it against the version the
conflict was found at, crediting the other authors with Co-authored-by trailers; a lesson
changed again meanwhile merges or comes back here, never overwritten. The teacher's text
stays in their draft, choices included, until the combined version lands. Git users may
instead edit the whole marked file ("For Git users"); text with markers left in is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from flask import Blueprint, flash, jsonify, redirect, request
from markupsafe import Markup
from werkzeug.wrappers import Response

from ...content.errors import ContentError
from ...content.frontmatter import parse_lesson
from ...content.paths import parse_lesson_path
from ...content.render import render_body
from ...forms.editing import ResolveForm
from ...git import CourseRepo, GitStoreError
from ...models.editing import Draft
from ...runtime import repo_store
from ...services import editing
from ...services.editing import (
    Choices,
    EditError,
    Resolution,
    SaveConflict,
    SaveResult,
    authors_since,
    conflict_markers,
    marked_text,
    read_choices,
    read_text,
    resolve_base,
    resolve_paragraphs,
    title_in,
)
from ..reading.lessons import course_links
from ._views import (
    Target,
    keep_draft,
    lesson_target,
    render_page,
    save_text,
    saved_message,
    user_email,
)
from .live import preview_of

Page = str | tuple[str, int] | Response


@dataclass(frozen=True)
class Posted:
    """What the screen carries from one request to the next (hidden fields and choices).

    `head` is the version the screen compares against, `conflict_base` the one the teacher
    started from (everyone since is credited), `ancestor` the text both sides started from,
    `values` the choice and text fields as sent, `content` the whole file a Git user typed.
    """

    head: str
    conflict_base: str
    yours: str
    ancestor: str | None = None
    message: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    content: str | None = None

    def draft_fields(self, raw: bool = False) -> dict[str, str]:
        """Return what the teacher's draft keeps to show this screen again."""
        kept = {"yours": self.yours, "conflict_base": self.conflict_base, **self.values}
        if self.ancestor is not None:
            kept["ancestor"] = self.ancestor
        return {**kept, "raw": "1"} if raw else kept


@dataclass(frozen=True)
class Versions:
    """The other side of the conflict: its text (None if deleted), who wrote it, its name."""

    theirs: str | None
    ancestor: str | None
    names: list[str]
    renamed: Target | None = None


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


def moved_to(repo: CourseRepo, path: str, base: str, head: str) -> str | None:
    """Return where the lesson at `path` in `base` went by `head`, None if not renamed."""
    if not base:
        return None
    try:
        return repo.renamed_to(path, base, head)
    except GitStoreError:  # a damaged form value: treat the lesson as not renamed
        return None


def versions(t: Target, posted: Posted, conflict: SaveConflict | None) -> Versions:
    """Return the other side of the conflict as the screen shows it (at `posted.head`)."""
    me = user_email(t)
    with repo_store().open(t.course.id) as repo:
        head, since = posted.head, posted.conflict_base
        theirs = conflict.theirs if conflict else read_text(repo, t.path, head)
        authors = conflict.authors if conflict else authors_since(repo, since, head, t.path)
        ancestor = posted.ancestor
        if ancestor is None:
            ancestor = conflict.base if conflict else since and read_text(repo, t.path, since)
        renamed: Target | None = None
        if theirs is None:
            new = moved_to(repo, t.path, since, head)
            renamed = follow(t, new) if new else None
        if renamed is not None:
            theirs = read_text(repo, renamed.path, head)
            authors = [*authors, *authors_since(repo, since, head, renamed.path)]
    names = list(dict.fromkeys(a.name for a in authors if a.email != me))
    return Versions(theirs, ancestor or None, names, renamed)


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
    """Return the conflict screen for a save that did not land (`combined`: the whole file)."""
    posted = Posted(head, conflict_base, yours, message=message, content=combined)
    return screen(t, posted, conflict, error=error, status=status)


def screen(
    t: Target,
    posted: Posted,
    conflict: SaveConflict | None,
    *,
    error: str | None = None,
    notice: str | None = None,
    raw_error: str | None = None,
    problems: frozenset[str] = frozenset(),
    status: int = 409,
    preview: bool = False,
) -> Page:
    """Return the conflict screen: settled parts rendered, a fieldset per conflict.

    A conflict found in a lesson others renamed is shown (and saved) under the new name.
    """
    t = follow(t, conflict.path) if conflict else t
    found = versions(t, posted, conflict)
    resolution, choices = _resolution(found, posted)
    composed = resolution.compose(choices.chosen) if resolution and choices else posted.yours
    raw = posted.content
    if raw is None:
        merged = conflict.merged if conflict else None
        theirs = found.theirs
        raw = merged or (marked_text(found.ancestor, theirs, posted.yours) if theirs else None)
    form = ResolveForm(
        formdata=None,
        data={
            "content": raw or posted.yours,
            "yours": posted.yours,
            "base_commit": posted.head,
            "conflict_base": posted.conflict_base,
            "message": posted.message,
        },
    )
    links = course_links(t.network, t.course, t.unit, "main", "main")
    page = render_page(
        "editing/resolve.html",
        t,
        form=form,
        posted=posted,
        resolution=resolution,
        choices=choices,
        problems=problems,
        ancestor=found.ancestor or "",
        names=", ".join(found.names) or "Someone else",
        who=", ".join(found.names) or "someone else",
        deleted=found.theirs is None,
        renamed=found.renamed,
        yours_body=_body(posted.yours),
        summary=conflict.message if conflict else None,
        title=title_in(found.theirs or posted.yours, t.lesson),
        error=error,
        notice=notice,
        raw_error=raw_error,
        raw_open=raw_error is not None or (posted.content is not None and conflict is None),
        preview=preview_of(t, composed, whole_file=True) if preview else None,
        render=lambda text: Markup(render_body(text, links.resolve)),  # noqa: S704 (safe renderer)
    )
    return page, status


def _resolution(found: Versions, posted: Posted) -> tuple[Resolution | None, Choices | None]:
    if found.theirs is None:
        return None, None
    resolution = resolve_paragraphs(found.ancestor, found.theirs, posted.yours)
    return resolution, read_choices(resolution, posted.values)


def _body(text: str) -> str:
    """Return the Markdown body of a lesson text (all of it if its front matter is broken)."""
    try:
        return parse_lesson(text).body
    except ContentError:
        return text


def resolution_from_draft(t: Target, draft: Draft) -> Page:
    """Return the conflict screen as the teacher left it, from their draft."""
    view = editing.view_of(draft)
    fields = view.fields or {}
    # An older draft kept the whole marked file as typed: show it in the view for Git users.
    whole = bool(fields.get("raw")) or "ancestor" not in fields
    posted = Posted(
        view.base_commit,
        fields.get("conflict_base", view.base_commit),
        fields.get("yours", view.content),
        fields.get("ancestor"),
        view.message,
        {k: v for k, v in fields.items() if k.startswith(("choice-", "text-"))},
        view.content if whole and view.content != fields.get("yours") else None,
    )
    return screen(t, posted, None, status=200)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def posted_form() -> Posted:
    """Return the screen's state as the browser sent it."""
    form = request.form
    values = {k: _lf(v) for k, v in form.items() if k.startswith(("choice-", "text-"))}
    ancestor, content = form.get("ancestor"), form.get("content")
    return Posted(
        form.get("base_commit", ""),
        form.get("conflict_base", ""),
        _lf(form.get("yours", "")),
        None if ancestor is None else _lf(ancestor),
        form.get("message", "").strip()[:300],
        values,
        None if content is None else _lf(content),
    )


def resolve(net: str, course: str, unit: str, lesson: str) -> Page:
    """Save the combined text of a conflict, crediting the other authors as co-authors."""
    t = lesson_target(net, course, unit, lesson)
    posted, action = posted_form(), request.form.get("action", "save")
    raw = action == "raw"
    resolution, choices = _resolution(versions(t, posted, None), posted)
    if raw:
        content = posted.content or ""
    elif resolution is not None and choices is not None:
        content = resolution.compose(choices.chosen)
    else:
        content = posted.yours
    shown = request.form.get("conflicts")
    if not raw and resolution is not None and shown and shown != resolution.fingerprint:
        # Choices made for other conflicts than these (a screen from before an update):
        # nothing is composed from them; the teacher's text is still "yours" and their draft.
        posted = replace(posted, values={})
        note = "This screen was out of date, so nothing was saved: please choose again below."
        return screen(t, posted, None, notice=note)
    if action == "preview":
        if _current_head(t) == posted.head:  # a preview landing after the save keeps nothing
            keep_draft(t, posted.head, content, posted.draft_fields(), posted.message, "resolve")
        return _preview(t, posted, content)
    keep_draft(t, posted.head, content, posted.draft_fields(raw), posted.message, mode="resolve")
    if raw and conflict_markers(content):
        lines = ", ".join(str(n) for n in conflict_markers(content)[:8])
        why = (
            f"The whole file still has conflict markers (line {lines}). Delete the lines that "
            "start with <<<<<<<, |||||||, ======= or >>>>>>> and keep the words you want."
        )
        return screen(t, posted, None, raw_error=why, status=422)
    if not raw and choices is not None and not choices.complete:
        unchosen = frozenset(c.id for c in choices.missing + choices.invalid)
        return screen(t, posted, None, error=_unchosen(choices), problems=unchosen, status=400)
    return _save(t, posted, content, raw)


def _current_head(t: Target) -> str:
    with repo_store().open(t.course.id) as repo:
        return resolve_base(repo, None)


def _preview(t: Target, posted: Posted, content: str) -> Page:
    """Return the combined lesson as chosen so far (JSON for the script), nothing saved."""
    if request.accept_mimetypes.best == "application/json":
        found = preview_of(t, content, whole_file=True)
        return jsonify({"html": str(found.html), "problems": found.problems})
    return screen(t, posted, None, status=200, preview=True)


def _unchosen(choices: Choices) -> str:
    """Return why the combined version was not saved: the conflicts without a valid choice."""
    labels = [c.label for c in choices.missing + choices.invalid]
    named = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return (
        f"Nothing was saved yet: choose what to keep for {named}. "
        "Your choices so far are kept, here and in your draft."
    )


def _save(t: Target, posted: Posted, content: str, raw: bool) -> Page:
    """Return where the combined text landed, or the screen again if it did not."""
    head, since = posted.head, posted.conflict_base
    with repo_store().open(t.course.id) as repo:
        others = authors_since(repo, since, head, t.path) if head else []
        current = resolve_base(repo, None)
        gone = not repo.exists(t.path, current)
        renamed = moved_to(repo, t.path, since, current) if gone else None
    co_authors = [a for a in others if a.email != user_email(t)]
    try:
        if renamed is not None:
            # Saved from the version the conflict began at, so it merges into the new name.
            result = save_text(t, content, since, posted.message, co_authors)
        elif gone:
            result = save_again(t, content, posted.message)
        else:
            result = save_text(t, content, head, posted.message, co_authors)
    except SaveConflict as again:
        # Changed again while the teacher chose: what they combined is now "yours".
        posted = Posted(again.head, since, content, again.base, posted.message)
        note = (
            "The lesson changed again while you were combining. Nothing was lost: your "
            "combined version is below; choose again where it overlaps the newest changes."
        )
        return screen(t, posted, again, notice=note)
    except EditError as exc:
        if raw:
            return screen(t, posted, None, raw_error=exc.message, status=exc.http_status)
        return screen(t, posted, None, error=exc.message, status=exc.http_status)
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
