"""Resolving a conflict paragraph by paragraph: the three-way merge behind the web screen.

resolve_paragraphs() merges the version both teachers started from (base), the current one
(theirs) and the teacher's (yours) in two parts. Front matter is merged key by key: a key
changed on one side takes that change, a key changed differently on both sides is a field
conflict, shown by its label ("Duration"). The body is merged block by block, a block being
the lines between blank lines (a fenced code block stays whole): edits of different blocks
combine, edits of the same blocks that differ are a paragraph conflict, identical edits are
no conflict. compose() builds the file from one Choice per conflict: "mine", "theirs",
"both" or "edit" (the teacher's own text).

Texts are compared with LF line ends and written back with the current version's (CRLF
stays CRLF). Blank lines between blocks are kept as each block had them; a block placed
next to new neighbours gets one blank line. A front matter block that does not parse on
some side is merged as part of the body, as text. Nothing here reads a repository.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ...content.errors import ContentError
from ...content.frontmatter import parse_lesson, update_front_matter
from ...git import CourseRepo

OPTIONS = ("mine", "theirs", "both", "edit")
LABELS = {
    "title": "Title",
    "duration": "Duration",
    "grade_band": "Grade band",
    "standards": "Standards",
    "objectives": "Objectives",
    "materials": "Materials",
    "resources": "Partner resources",
    "based_on": "Based on",
}
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LEAD = re.compile(r"\A(?:[ \t]*\n)*")
_MISSING: Any = object()

Change = Literal["changed", "added", "removed_mine", "removed_theirs"]


@dataclass(frozen=True)
class Choice:
    """What the teacher chose for one conflict; `text` is their own version for "edit"."""

    option: str
    text: str = ""


@dataclass(frozen=True)
class Conflict:
    """One paragraph (or run of paragraphs) or one front matter field changed on both sides.

    `mine` and `theirs` are what the screen shows (Markdown for paragraphs, plain text for
    fields; "" where that side removed it), `both` the text "Keep both" keeps (None when it
    is not offered), `prefill` what the edit box starts with, `words` the word runs from
    theirs to mine ("equal", "delete": only theirs, "insert": only mine).
    """

    id: str
    kind: Literal["paragraph", "field"]
    label: str
    change: Change
    mine: str
    theirs: str
    both: str | None
    prefill: str
    editable: bool
    plural: bool = False
    key: str | None = None
    words: tuple[tuple[str, str], ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def options(self) -> tuple[str, ...]:
        """Return the choices this conflict offers, in the order the screen shows them."""
        return tuple(
            o
            for o in OPTIONS
            if (o != "both" or self.both is not None) and (o != "edit" or self.editable)
        )


@dataclass(frozen=True)
class Settled:
    """Blocks of the body that need no choice: unchanged, or changed on one side only."""

    blocks: tuple[str, ...]

    @property
    def text(self) -> str:
        """Return the blocks as Markdown."""
        return "\n\n".join(self.blocks)


@dataclass(frozen=True)
class Choices:
    """The choices read from a form: by conflict id, and the conflicts left without one."""

    chosen: dict[str, Choice]
    missing: tuple[Conflict, ...] = ()
    invalid: tuple[Conflict, ...] = ()

    @property
    def complete(self) -> bool:
        """Return True when every conflict has a valid choice."""
        return not self.missing and not self.invalid


@dataclass(frozen=True)
class Resolution:
    """The merge: field conflicts, then the body as settled runs and paragraph conflicts."""

    fields: tuple[Conflict, ...]
    pieces: tuple[Settled | Conflict, ...]
    front: str = ""
    lead: str = ""
    newline: str = "\n"
    gaps: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        """Return every conflict, fields first, in the order of the file."""
        return self.fields + tuple(p for p in self.pieces if isinstance(p, Conflict))

    @property
    def fingerprint(self) -> str:
        """Return a short digest of the conflicts, so a form's choices are known to be for
        the same conflicts as the screen showed."""
        digest = hashlib.sha256()
        for c in self.conflicts:
            digest.update("\0".join((c.id, c.mine, c.theirs, "")).encode())
        return digest.hexdigest()[:16]

    def compose(self, choices: Mapping[str, Choice], default: str = "mine") -> str:
        """Return the lesson file made of the settled parts and the chosen texts.

        A conflict without a choice takes `default`.
        """
        front = self.front
        changes = {
            c.key: _field_value(c, choices.get(c.id, Choice(default)))
            for c in self.fields
            if c.key is not None
        }
        if changes:
            front = update_front_matter(front, changes)
        blocks: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, Settled):
                blocks += piece.blocks
            else:
                blocks += _paragraph_blocks(piece, choices.get(piece.id, Choice(default)))
        text = front + (self.lead + _join(blocks, self.gaps) if blocks else "")
        return text.replace("\n", self.newline) if self.newline != "\n" else text


def read_choices(resolution: Resolution, form: Mapping[str, str]) -> Choices:
    """Return the choices a form sent (`choice-<id>` and `text-<id>` fields).

    An edit box changed without a choice counts as choosing "edit".
    """
    chosen: dict[str, Choice] = {}
    missing: list[Conflict] = []
    invalid: list[Conflict] = []
    for conflict in resolution.conflicts:
        option = (form.get(f"choice-{conflict.id}") or "").strip()
        text = _lf(form.get(f"text-{conflict.id}") or "")
        typed = f"text-{conflict.id}" in form and text.strip() != conflict.prefill.strip()
        if not option and typed and conflict.editable:
            option = "edit"
        if not option:
            missing.append(conflict)
        elif option not in conflict.options:
            invalid.append(conflict)
        else:
            chosen[conflict.id] = Choice(option, text)
    return Choices(chosen, tuple(missing), tuple(invalid))


def resolve_paragraphs(base: str | None, theirs: str, yours: str) -> Resolution:
    """Return the paragraph-by-paragraph merge of `yours` and `theirs`, both from `base`."""
    newline = "\r\n" if "\r\n" in (theirs or yours) else "\n"
    texts = [_lf(base or ""), _lf(theirs), _lf(yours)]
    try:
        docs = [parse_lesson(text) for text in texts]
    except ContentError:
        pieces, gaps = _merge_bodies(texts)
        return Resolution((), pieces, newline=newline, gaps=gaps)
    front, fields = _merge_front(docs)
    bodies = [doc.body for doc in docs]
    pieces, gaps = _merge_bodies(bodies)
    lead = _LEAD.match(docs[1].body).group(0)  # type: ignore[union-attr]
    return Resolution(fields, pieces, front, lead, newline, gaps)


# Front matter ------------------------------------------------------------------------------


def _front_text(doc: Any) -> str:
    return str(doc.opening + doc.front_matter_text + doc.closing)


def _merge_front(docs: Sequence[Any]) -> tuple[str, tuple[Conflict, ...]]:
    """Return the front matter with the changes of one side applied, and the field conflicts."""
    base, theirs, yours = docs
    if _front_text(theirs) == _front_text(base):
        return _front_text(yours), ()
    if _front_text(yours) == _front_text(base) or _front_text(yours) == _front_text(theirs):
        return _front_text(theirs), ()
    b, t, y = (doc.front_matter for doc in docs)
    changes: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    for key in [*t, *(k for k in y if k not in t), *(k for k in b if k not in t and k not in y)]:
        old, current, mine = b.get(key, _MISSING), t.get(key, _MISSING), y.get(key, _MISSING)
        if _equal(current, mine) or _equal(mine, old):
            continue
        if _equal(current, old):
            changes[key] = None if mine is _MISSING else mine
        else:
            conflicts.append(_field_conflict(f"f{len(conflicts) + 1}", key, old, current, mine))
    front = _front_text(theirs)
    return (update_front_matter(front, changes) if changes else front), tuple(conflicts)


def _field_conflict(id_: str, key: str, old: Any, theirs: Any, mine: Any) -> Conflict:
    listy = isinstance(theirs, list) or isinstance(mine, list)
    scalars = all(
        v is _MISSING or _plain(v) or (isinstance(v, list) and all(_plain(item) for item in v))
        for v in (theirs, mine)
    )
    both: Any = _MISSING
    if listy and all(v is _MISSING or isinstance(v, list) for v in (theirs, mine)):
        mine_items = [] if mine is _MISSING else mine
        theirs_items = [] if theirs is _MISSING else theirs
        both = mine_items + [item for item in theirs_items if item not in mine_items]
        if _equal(both, mine) or _equal(both, theirs):
            both = _MISSING
    shown_mine, shown_theirs = _shown(mine), _shown(theirs)
    prefill = _shown(both) if both is not _MISSING else (shown_mine or shown_theirs)
    if old is _MISSING:
        change: Change = "added"
    elif mine is _MISSING:
        change = "removed_mine"
    elif theirs is _MISSING:
        change = "removed_theirs"
    else:
        change = "changed"
    return Conflict(
        id=id_,
        kind="field",
        label=LABELS.get(key, key.replace("_", " ").strip().capitalize() or key),
        change=change,
        mine=shown_mine,
        theirs=shown_theirs,
        both=None if both is _MISSING else _shown(both),
        prefill=prefill,
        editable=scalars,
        key=key,
        words=tuple(CourseRepo.word_diff(shown_theirs, shown_mine)),
        values={
            "mine": mine,
            "theirs": theirs,
            "both": both,
            "listy": listy,
            "numeric": any(isinstance(v, int) and not isinstance(v, bool) for v in (theirs, mine)),
        },
    )


def _field_value(conflict: Conflict, choice: Choice) -> Any:
    """Return the front matter value a choice keeps (None removes the key)."""
    if choice.option == "edit":
        text = _lf(choice.text).strip()
        if not text:
            return None
        if conflict.values["listy"]:
            return [line.strip() for line in text.split("\n") if line.strip()]
        if conflict.values["numeric"] and text.isdigit():
            return int(text)
        return text
    value = conflict.values.get(choice.option, _MISSING)
    return None if value is _MISSING else value


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _equal(a: Any, b: Any) -> bool:
    """Return True when two YAML values are equal with the same types (1 is not True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _shown(value: Any) -> str:
    """Return a front matter value as a teacher reads it: lists one item a line."""
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_shown(item) for item in value)
    if isinstance(value, dict):
        if "title" in value:
            url = value.get("url")
            return f"{value['title']} ({url})" if url else str(value["title"])
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# Body --------------------------------------------------------------------------------------


def blocks_of(body: str) -> tuple[list[str], dict[str, int]]:
    """Return the blocks of a body (lines between blank lines; a fence stays whole) and the
    number of blank lines after each block, by its text."""
    blocks: list[str] = []
    gaps: dict[str, int] = {}
    current: list[str] = []
    fence: str | None = None
    blank = 0
    for line in _lf(body).split("\n"):
        if fence is None and not line.strip():
            if current:
                blocks.append("\n".join(current))
                current = []
                blank = 0
            blank += 1
            if blocks:
                gaps[blocks[-1]] = blank
            continue
        current.append(line)
        marker = _FENCE.match(line)
        if marker and fence is None:
            fence = marker.group(1)
        elif fence is not None and line.strip() and set(line.strip()) == {fence[0]}:
            fence = None if len(line.strip()) >= len(fence) else fence
    if current:
        blocks.append("\n".join(current))
    return blocks, gaps


@dataclass(frozen=True)
class _Edit:
    i1: int
    i2: int
    j1: int
    j2: int
    side: str


def _edits(base: list[str], other: list[str], side: str) -> list[_Edit]:
    """Return one side's edits of the base blocks, a changed block paired with its new text
    (so a paragraph added next to a changed one is an edit of its own)."""
    edits: list[_Edit] = []
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace" or i2 - i1 == j2 - j1:
            edits += [] if tag == "equal" else [_Edit(i1, i2, j1, j2, side)]
            continue
        j = j1
        for i in range(i1, i2):
            words = base[i].split()
            scores = [
                (difflib.SequenceMatcher(None, words, other[k].split()).ratio(), -k)
                for k in range(j, j2)
            ]
            score, best = max(scores, default=(0.0, 0))
            if score < 0.5:
                edits.append(_Edit(i, i + 1, j, j, side))  # removed
                continue
            if -best > j:
                edits.append(_Edit(i, i, j, -best, side))  # added before it
            edits.append(_Edit(i, i + 1, -best, -best + 1, side))
            j = -best + 1
        if j < j2:
            edits.append(_Edit(i2, i2, j, j2, side))
    return edits


def _overlap(a: _Edit, b: _Edit) -> bool:
    """Return True when two edits touch the same base blocks (or insert at the same place)."""
    if a.i1 == a.i2 == b.i1 == b.i2:
        return True
    return a.i1 < b.i2 and b.i1 < a.i2


def _apply(base: list[str], lo: int, hi: int, edits: list[_Edit], other: list[str]) -> list[str]:
    out: list[str] = []
    at = lo
    for edit in edits:
        out += base[at : edit.i1] + other[edit.j1 : edit.j2]
        at = edit.i2
    return out + base[at:hi]


def _merge_bodies(bodies: Sequence[str]) -> tuple[tuple[Settled | Conflict, ...], dict[str, int]]:
    """Return the body as settled runs and paragraph conflicts, and the blank lines to keep."""
    (base, base_gaps), (theirs, their_gaps), (mine, my_gaps) = (blocks_of(b) for b in bodies)
    gaps = {**base_gaps, **my_gaps, **their_gaps}
    edits = sorted(
        _edits(base, theirs, "theirs") + _edits(base, mine, "mine"), key=lambda e: (e.i1, e.i2)
    )
    clusters: list[list[_Edit]] = []
    for edit in edits:
        if clusters and any(_overlap(edit, other) for other in clusters[-1]):
            clusters[-1].append(edit)
        else:
            clusters.append([edit])
    out: list[Settled | Conflict] = []
    settled: list[str] = []
    count = 0  # blocks before the next conflict, reading every conflict as "mine"
    at = 0
    for cluster in clusters:
        lo, hi = min(e.i1 for e in cluster), max(e.i2 for e in cluster)
        settled += base[at:lo]
        at = hi
        now = _apply(base, lo, hi, [e for e in cluster if e.side == "theirs"], theirs)
        yours = _apply(base, lo, hi, [e for e in cluster if e.side == "mine"], mine)
        if now == yours or all(e.side == "theirs" for e in cluster):
            settled += now
            continue
        if all(e.side == "mine" for e in cluster):
            settled += yours
            continue
        if settled:
            out.append(Settled(tuple(settled)))
            count += len(settled)
            settled = []
        out.append(_paragraph_conflict(f"p{count + 1}", count, base[lo:hi], now, yours))
        count += len(yours)
    settled += base[at:]
    if settled:
        out.append(Settled(tuple(settled)))
    return tuple(out), gaps


def _paragraph_conflict(
    id_: str, before: int, base: list[str], theirs: list[str], mine: list[str]
) -> Conflict:
    both = mine + [block for block in theirs if block not in mine]
    offered = both not in (mine, theirs)
    first, size = before + 1, max(len(mine), 1)
    label = f"Paragraphs {first}\u2013{first + size - 1}" if size > 1 else f"Paragraph {first}"
    if not base:
        change: Change = "added"
    elif not mine:
        change = "removed_mine"
    elif not theirs:
        change = "removed_theirs"
    else:
        change = "changed"
    mine_text, theirs_text = "\n\n".join(mine), "\n\n".join(theirs)
    return Conflict(
        id=id_,
        kind="paragraph",
        label=label,
        change=change,
        mine=mine_text,
        theirs=theirs_text,
        both="\n\n".join(both) if offered else None,
        prefill="\n\n".join(both if offered else (mine or theirs)),
        editable=True,
        plural=max(len(mine), len(theirs)) > 1,
        words=tuple(CourseRepo.word_diff(theirs_text, mine_text)),
        values={"mine": tuple(mine), "theirs": tuple(theirs), "both": tuple(both)},
    )


def _paragraph_blocks(conflict: Conflict, choice: Choice) -> list[str]:
    if choice.option == "edit":
        text = _lf(choice.text).strip("\n")
        return [text] if text.strip() else []
    return list(conflict.values.get(choice.option, conflict.values["mine"]))


def _join(blocks: list[str], gaps: Mapping[str, int]) -> str:
    """Return the blocks as a body: each followed by its blank lines (at least one)."""
    parts = [block + "\n" * (1 + max(1, gaps.get(block, 1))) for block in blocks[:-1]]
    return "".join(parts) + blocks[-1] + "\n"


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
