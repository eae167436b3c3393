"""Conflicts: what a save that overlaps others' changes raises, and the screen to resolve it.

save_conflict() turns the engine's refusal into a SaveConflict naming who changed the lesson.
The resolution screen resolves it paragraph by paragraph (see _resolution); marked_text()
gives the whole file with conflict markers for its view for Git users. side_by_side() lines
up two versions (lines matched first, then the words within changed lines, long runs of
identical lines folded) for any page that compares them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from ...content.paths import parse_lesson_path
from ...git import Author, ConflictError, CourseRepo, GitStoreError, merge_texts, normalize_path
from ._errors import SaveConflict

CONTEXT_LINES = 2
FOLD_AT = 2 * CONTEXT_LINES + 3
_MARKER = re.compile(r"^(?:<{7}|>{7})(?: |$)|^(?:={7}|\|{7})(?: |$)", re.MULTILINE)


def authors_since(repo: CourseRepo, base: str | None, head: str, path: str) -> list[Author]:
    """Return the authors of the commits after `base` up to `head` that changed `path`."""
    if not base or base == head:
        return []
    try:
        # Both revisions may come from a form or JSON: only validated, resolved ids reach git,
        # and --end-of-options stops anything from being read as an option.
        since, until, path = repo.resolve(base), repo.resolve(head), normalize_path(path)
        out = repo.git(
            [
                "log",
                "-z",
                "-n",
                "50",
                "--format=%an%x1f%ae",
                "--end-of-options",
                f"{since}..{until}",
                "--",
                path,
            ]
        )
    except GitStoreError:
        return []
    found: list[Author] = []
    for record in out.decode("utf-8", "replace").split("\0"):
        name, _, email = record.strip().partition("\x1f")
        if name and all(a.email != email for a in found):
            found.append(Author(name, email))
    return found


def save_conflict(
    repo: CourseRepo, error: ConflictError, path: str, message: str | None
) -> SaveConflict:
    """Return the SaveConflict for a commit the engine refused, showing the file at `path`.

    `message` replaces the default explanation, which names who made the other changes.
    """
    chosen = next((c for c in error.conflicts if c.path == path), error.conflicts[0])
    authors = authors_since(repo, error.base, error.head, chosen.path)
    names = ", ".join(a.name for a in authors) or "Someone else"
    if chosen.binary:
        default = f"{names} replaced \u201c{chosen.path}\u201d while you were working."
    elif chosen.reason == "delete" and chosen.theirs is None:
        default = f"{names} deleted this lesson while you were editing it."
    else:
        default = (
            f"{names} changed the same part of this lesson while you were editing. "
            "Nothing was lost: here are both versions to combine."
        )
    return SaveConflict(
        message or default,
        path=chosen.path,
        head=error.head,
        base_commit=error.base,
        base=chosen.base,
        theirs=chosen.theirs,
        yours=chosen.yours,
        merged=chosen.merged,
        reason=chosen.reason,
        authors=authors,
    )


def moved_conflict(
    old: str,
    new: str,
    head: str,
    base_commit: str,
    base: str,
    theirs: str,
    yours: str,
    merged: str,
    authors: list[Author],
) -> SaveConflict:
    """Return the SaveConflict for a save on `old` overlapping edits to the lesson now at `new`.

    The conflict is about `new`: combining the texts saves them there.
    """
    names = ", ".join(a.name for a in authors) or "Someone else"
    found = parse_lesson_path(new)
    called = f"{found[0]}/{found[1]}" if found else new  # as the lesson's address says it
    return SaveConflict(
        f"{names} renamed this lesson to \u201c{called}\u201d while you were editing it, and "
        "changed the same part. Nothing was lost: here are both versions to combine; the "
        "combined text is saved under the new name.",
        path=new,
        head=head,
        base_commit=base_commit,
        base=base,
        theirs=theirs,
        yours=yours,
        merged=merged,
        reason="moved",
        authors=authors,
    )


@dataclass(frozen=True)
class Segment:
    """A run of text on one side; `changed` when it is not in the other version."""

    text: str
    changed: bool = False


@dataclass(frozen=True)
class Row:
    """One row of the side-by-side view: a line of theirs and/or a line of yours.

    `kind` is "same" (identical lines), "changed" or "fold" (`folded` identical lines hidden).
    """

    kind: Literal["same", "changed", "fold"]
    left: list[Segment] | None = None
    right: list[Segment] | None = None
    left_no: int | None = None
    right_no: int | None = None
    folded: int = 0


@dataclass
class SideBySide:
    """The rows comparing two texts, and how many rows differ."""

    rows: list[Row] = field(default_factory=list)
    changes: int = 0


def marked_text(base: str | None, theirs: str, yours: str) -> str:
    """Return the whole file merged line by line, with markers where both sides changed it.

    The same merge (and the same marker labels) as the one a conflicting save reports, for
    the resolution screen's view for Git users when it is shown again without that report.
    """
    merged, _clean = merge_texts((base or "").encode(), theirs.encode(), yours.encode())
    return merged.decode("utf-8", "replace")


def conflict_markers(text: str) -> list[int]:
    """Return the 1-based line numbers of merge conflict markers left in `text`."""
    return [text.count("\n", 0, match.start()) + 1 for match in _MARKER.finditer(text)]


def _pair(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """Return the segments of a changed line on each side, words marked where they differ."""
    left: list[Segment] = []
    right: list[Segment] = []
    for op, text in CourseRepo.word_diff(old, new):
        if op in ("equal", "delete"):
            left.append(Segment(text, op == "delete"))
        if op in ("equal", "insert"):
            right.append(Segment(text, op == "insert"))
    return left, right


def side_by_side(theirs: str | None, yours: str | None) -> SideBySide:
    """Return the rows showing `theirs` (left) against `yours` (right)."""
    old = (theirs or "").splitlines()
    new = (yours or "").splitlines()
    view = SideBySide()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _same_rows(view, old, i1, i2, j1)
            continue
        view.changes += 1
        for offset in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + offset, j1 + offset
            left_text = old[i] if i < i2 else None
            right_text = new[j] if j < j2 else None
            if left_text is not None and right_text is not None:
                left, right = _pair(left_text, right_text)
            else:
                left = [Segment(left_text, True)] if left_text is not None else None
                right = [Segment(right_text, True)] if right_text is not None else None
            view.rows.append(
                Row(
                    "changed",
                    left,
                    right,
                    i + 1 if left_text is not None else None,
                    j + 1 if right_text is not None else None,
                )
            )
    return view


def _same_rows(view: SideBySide, old: list[str], start: int, end: int, other_start: int) -> None:
    """Append identical lines, folding the middle of long runs."""
    count = end - start
    first = 0 < start
    last = end < len(old)

    def row(index: int) -> Row:
        segment = [Segment(old[index])]
        return Row("same", segment, segment, index + 1, other_start + index - start + 1)

    if count < FOLD_AT:
        view.rows.extend(row(index) for index in range(start, end))
        return
    head = CONTEXT_LINES if first else 0
    tail = CONTEXT_LINES if last else 0
    view.rows.extend(row(index) for index in range(start, start + head))
    view.rows.append(Row("fold", folded=count - head - tail))
    view.rows.extend(row(index) for index in range(end - tail, end))
