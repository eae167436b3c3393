"""A lesson's changes as a teacher reads them: its details in words, its text by passages.

For a lesson (and a unit's overview, the course's introduction, a study report) the front
matter is compared field by field ("Changed the length from 45 to 50 minutes", "Added the
standard HS-PS3-1") and the body block by block, as markdown-it splits it (paragraphs,
headings, lists, sections): added and removed passages are rendered as on the lesson page,
changed ones shown word by word on their plain text, unchanged ones counted.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Literal

from ...content.errors import FrontMatterError
from ...content.frontmatter import parse_lesson
from ...content.lesson import lesson_meta
from ...content.render import markdown
from ._history_diff import prose_diff
from ._words import q

Render = Callable[[str], str]  # Markdown to safe HTML, links pointing into the version shown
PassageKind = Literal["same", "added", "removed", "changed", "restyled"]
KNOWN_KEYS = (
    "title",
    "duration",
    "grade_band",
    "standards",
    "objectives",
    "materials",
    "resources",
    "based_on",
    "summary",
)
MIN_LIKENESS = 0.3  # below this, a changed passage reads better as removed and added
_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "div", "pre", "blockquote"}


@dataclass(frozen=True)
class Passage:
    """A stretch of a lesson's text: unchanged (`count` blocks), added or removed (`html`),
    changed (`runs`, word by word) or with only its formatting changed (`html`)."""

    kind: PassageKind
    html: str = ""
    runs: tuple[tuple[str, str], ...] = ()
    count: int = 0


@dataclass(frozen=True)
class TextChange:
    """One file's changes for the version and compare pages."""

    heading: str  # "The lesson “Calorimetry”"
    facts: tuple[str, ...] = ()
    passages: tuple[Passage, ...] = ()
    note: str | None = None  # why the text is not shown, when it is not
    lesson: tuple[str, str] | None = None  # (unit, lesson) in the newer version, for links
    rev: str | None = None  # the newer version

    @property
    def unchanged_text(self) -> bool:
        """Return True when the text is the same in both versions (only details changed)."""
        return all(passage.kind == "same" for passage in self.passages)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "img" and (alt := dict(attrs).get("alt")):
            self.parts.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """Return the words of rendered HTML, a line per paragraph or list item."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = re.sub(r"[ \t]*\n[ \t\n]*", "\n", "".join(parser.parts))
    return text.strip() + "\n"


def blocks(body: str) -> list[str]:
    """Return the body's top-level blocks (paragraphs, headings, lists, sections) as written."""
    lines = body.splitlines(keepends=True)
    found = []
    for token in markdown().parse(body):
        if token.level == 0 and token.nesting >= 0 and token.map:
            start, end = token.map
            if token.type.startswith("container_") and end < len(lines):
                end += lines[end].strip().startswith(":::")  # markdown-it leaves out the close
            text = "".join(lines[start:end]).strip("\n")
            if text.strip():
                found.append(text)
    return found


def _split(text: str) -> tuple[dict[str, Any] | None, str]:
    """Return (front matter, or None when unreadable; body) of a file."""
    try:
        doc = parse_lesson(text)
    except FrontMatterError:
        return None, text
    return doc.front_matter, doc.body


def _listed(
    facts: list[str], old: list[str], new: list[str], added: str, removed: str, quote: bool = True
) -> None:
    shown = q if quote else str
    facts += [added.format(shown(item)) for item in new if item not in old]
    facts += [removed.format(shown(item)) for item in old if item not in new]


def fact_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Return how a file's details changed, in words."""
    a, b = lesson_meta(old, fallback_title=""), lesson_meta(new, fallback_title="")
    facts: list[str] = []
    if a.title != b.title:
        facts.append(
            f"Changed the title from {q(a.title)} to {q(b.title)}"
            if a.title and b.title
            else (f"Gave it the title {q(b.title)}" if b.title else "Removed its title")
        )
    if a.duration != b.duration:
        facts.append(
            f"Changed the length from {a.duration} to {b.duration} minutes"
            if a.duration and b.duration
            else (f"Set the length to {b.duration} minutes" if b.duration else "Removed the length")
        )
    if a.grade_band != b.grade_band:
        facts.append(
            f"Changed the grade band to {b.grade_band}"
            if b.grade_band
            else "Removed the grade band"
        )
    _listed(
        facts,
        [s.display for s in a.standards],
        [s.display for s in b.standards],
        "Added the standard {}",
        "Removed the standard {}",
        quote=False,
    )
    _listed(facts, a.objectives, b.objectives, "Added the objective {}", "Removed the objective {}")
    _listed(
        facts,
        a.materials,
        b.materials,
        "Added {} to the materials",
        "Removed {} from the materials",
    )
    before = {r.id: r.title for r in a.resources}
    after = {r.id: r.title for r in b.resources}
    facts += [
        f"Linked the resource {q(title)}" for rid, title in after.items() if rid not in before
    ]
    facts += [
        f"Unlinked the resource {q(title)}" for rid, title in before.items() if rid not in after
    ]
    if a.based_on != b.based_on:
        facts.append("Changed where it was adapted from")
    if old.get("summary") != new.get("summary"):
        facts.append("Changed the summary")
    for key in sorted((set(old) | set(new)) - set(KNOWN_KEYS)):
        if old.get(key) != new.get(key):
            facts.append(f"Changed the detail {q(key)}")
    return facts


def _norm(block: str) -> str:
    return " ".join(block.split())


def _changed(old: str, new: str, render_old: Render, render_new: Render) -> list[Passage]:
    old_html, new_html = render_old(old), render_new(new)
    old_words, new_words = plain_text(old_html), plain_text(new_html)
    if old_words == new_words:
        return [Passage("restyled", html=new_html)]
    likeness = difflib.SequenceMatcher(None, old_words.split(), new_words.split()).ratio()
    if likeness < MIN_LIKENESS:
        return [Passage("removed", html=old_html), Passage("added", html=new_html)]
    return [Passage("changed", runs=tuple(prose_diff(old_words, new_words)))]


def passages(old_body: str, new_body: str, render_old: Render, render_new: Render) -> list[Passage]:
    """Return the body's changes passage by passage."""
    old_blocks, new_blocks = blocks(old_body), blocks(new_body)
    matcher = difflib.SequenceMatcher(
        None, [_norm(b) for b in old_blocks], [_norm(b) for b in new_blocks], autojunk=False
    )
    found: list[Passage] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            found.append(Passage("same", count=i2 - i1))
            continue
        removed, added = old_blocks[i1:i2], new_blocks[j1:j2]
        if tag == "replace" and len(removed) == len(added):
            for old, new in zip(removed, added, strict=True):
                found += _changed(old, new, render_old, render_new)
            continue
        if removed:
            found.append(Passage("removed", html=render_old("\n\n".join(removed))))
        if added:
            found.append(Passage("added", html=render_new("\n\n".join(added))))
    return found


def text_change(
    heading: str,
    old_text: str | None,
    new_text: str | None,
    render_old: Render,
    render_new: Render,
    *,
    lesson: tuple[str, str] | None = None,
    rev: str | None = None,
) -> TextChange:
    """Return a file's changes from `old_text` to `new_text` ("" for a file that was not
    there, None for one too long to compare)."""
    if old_text is None or new_text is None:
        note = "This is too long to compare here; open the two versions side by side instead."
        return TextChange(heading, note=note, lesson=lesson, rev=rev)
    old_front, old_body = _split(old_text)
    new_front, new_body = _split(new_text)
    if not old_text:
        shown = (Passage("added", html=render_new(new_body)),) if new_body.strip() else ()
        return TextChange(heading, passages=shown, lesson=lesson, rev=rev)
    if not new_text:
        shown = (Passage("removed", html=render_old(old_body)),) if old_body.strip() else ()
        return TextChange(heading, passages=shown, lesson=lesson, rev=rev)
    if old_front is None or new_front is None:
        facts = ["Its details (title, length, standards) could not be read in one of the versions"]
    else:
        facts = fact_changes(old_front, new_front)
    found = passages(old_body, new_body, render_old, render_new)
    return TextChange(heading, tuple(facts), tuple(found), lesson=lesson, rev=rev)
