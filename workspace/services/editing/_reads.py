"""What the editor's pages read before they write: the text an edit starts from, who is
changing the lesson meanwhile, and where a lesson went. Each opens the repository itself, so
views never touch one (DESIGN: only services open repositories).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...git import Author, GitStoreError, PathNotFound
from ..context import Ctx, LessonRef
from ._conflicts import authors_since
from ._errors import EditError
from ._landing import read_text, resolve_base


@dataclass(frozen=True)
class EditStart:
    """The version an edit started from and the lesson's text there.

    When the version is not one of the course (`problem` says why), `base` and `text` are the
    newest version's instead, so what was typed can be kept as a draft on top of it.
    """

    base: str
    text: str
    problem: EditError | None = None


def edit_start(ctx: Ctx, ref: LessonRef, path: str, base_commit: str | None) -> EditStart:
    """Return the version an edit of the lesson at `path` started from, with its text."""
    with ctx.store.open(ref.course.id) as repo:
        try:
            base = resolve_base(repo, base_commit)
        except EditError as exc:
            head = resolve_base(repo, None)
            return EditStart(head, read_text(repo, path, head) or "", exc)
        text = read_text(repo, path, base) or read_text(repo, path, "main") or ""
    return EditStart(base, text)


def text_at_head(ctx: Ctx, ref: LessonRef, path: str) -> tuple[str, str | None]:
    """Return (newest version, the lesson's text there or None when it is gone)."""
    with ctx.store.open(ref.course.id) as repo:
        head = resolve_base(repo, None)
        return head, read_text(repo, path, head)


@dataclass(frozen=True)
class Changes:
    """What happened to a lesson since an editor opened it: the newest version, whether the
    lesson's text differs from the version the editor started from, and who changed it."""

    head: str
    changed: bool
    names: list[str]


def changes_since(ctx: Ctx, ref: LessonRef, path: str, base: str, with_names: bool) -> Changes:
    """Return what changed in the lesson since `base` (names only when `with_names`: naming
    them costs a walk of the log)."""
    with ctx.store.open(ref.course.id) as repo:
        head = resolve_base(repo, None)

        def blob(rev: str) -> str | None:
            try:
                return str(repo.blob_id(path, rev))
            except PathNotFound:
                return None

        now = blob(head)
        try:
            before = blob(resolve_base(repo, base)) if base else now
        except EditError:
            before = None
        changed = before != now
        names = []
        if changed and with_names:
            names = [a.name for a in authors_since(repo, base, head, path)]
    return Changes(head, changed, names)


@dataclass(frozen=True)
class Whereabouts:
    """Where a lesson stands at the newest version, seen from `since`: its text there (None
    if gone), the new path if it was renamed or moved, and who changed it meanwhile."""

    head: str
    text: str | None
    moved_to: str | None
    authors: list[Author]


def whereabouts(
    ctx: Ctx, ref: LessonRef, path: str, since: str, at: str | None = None
) -> Whereabouts:
    """Return where the lesson at `path` stands at `at` (default: the newest version), and
    who changed it since `since` (under its old and its new name)."""
    with ctx.store.open(ref.course.id) as repo:
        head = at or resolve_base(repo, None)
        text = read_text(repo, path, head)
        authors = authors_since(repo, since, head, path) if since else []
        moved = None
        if text is None and since:
            try:
                moved = repo.renamed_to(path, since, head)
            except GitStoreError:  # a damaged form value: treat the lesson as not renamed
                moved = None
        if moved is not None:
            text = read_text(repo, moved, head)
            authors = [*authors, *authors_since(repo, since, head, moved)]
    return Whereabouts(head, text, moved, authors)


def authors_between(ctx: Ctx, ref: LessonRef, path: str, since: str, at: str) -> list[Author]:
    """Return who changed the lesson at `path` after `since`, up to `at`."""
    with ctx.store.open(ref.course.id) as repo:
        return authors_since(repo, since, at, path)
