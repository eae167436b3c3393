"""A lesson body as plain words, for search: what every reader sees, and what only the
network's own people see (instructor notes), kept apart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from .render import CONTAINER_OPEN, markdown
from .sections import ALIASES, section_name

# Boxes only the network's people read: the lesson page leaves them out for visitors.
NETWORK_ONLY_SECTIONS = ("instructor",)
_SPACE = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n{3,}")
# Characters search uses to mark matched words in passages: never part of indexed text.
MARK_START, MARK_END = "\ue000", "\ue001"


@dataclass(frozen=True)
class PlainLesson:
    """The words of a lesson body: `text` for every reader, `notes` for the network's people."""

    text: str
    notes: str


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def clean(text: str) -> str:
    """Return `text` with runs of spaces folded and search's mark characters removed."""
    text = text.replace(MARK_START, "").replace(MARK_END, "")
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _LINES.sub("\n\n", "\n".join(lines)).strip()


def plain_lesson(body: str) -> PlainLesson:
    """Return the words of a lesson body (Markdown), instructor notes apart."""
    tokens = markdown().parse(body, {})
    return _collect(tokens)


def _collect(tokens: Sequence[Token]) -> PlainLesson:
    shown: list[str] = []
    hidden: list[str] = []
    sections: list[str] = []
    for token in tokens:
        if token.type == CONTAINER_OPEN:
            name = (section_name(token.info) or ("", ""))[0]
            sections.append(ALIASES.get(name, name))
            continue
        if token.type == "container_section_close":
            if sections:
                sections.pop()
            continue
        if token.type == "inline":
            words = _inline_text(token)
        elif token.type in ("fence", "code_block"):
            words = token.content
        else:
            continue
        target = hidden if any(s in NETWORK_ONLY_SECTIONS for s in sections) else shown
        target.append(words)
    return PlainLesson(clean("\n".join(shown)), clean("\n".join(hidden)))
