"""Lesson files: a YAML front matter block between `---` lines, then a Markdown body.

`parse_lesson` keeps every byte of the file in its parts, so joining them gives the file back
exactly. `update_front_matter` edits top-level keys by replacing only the lines of the keys it
changes: comments, quoting, key order, blank lines and the body stay exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from .errors import FrontMatterError
from .yamlio import compose_yaml, dump_yaml, load_yaml

_OPENING = re.compile(r"\A(\ufeff?)---[ \t]*\r?\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_SEQUENCE_ITEM = re.compile(r"^( *)- ", re.MULTILINE)

# Keys of a new lesson's front matter come in this order; any others follow as given.
KEY_ORDER = (
    "title",
    "duration",
    "grade_band",
    "standards",
    "objectives",
    "materials",
    "resources",
    "based_on",
)


@dataclass(frozen=True)
class LessonDoc:
    """A lesson file split into its parts; `text` joins them back byte for byte."""

    front_matter: dict[str, Any]
    front_matter_text: str
    body: str
    opening: str = ""
    closing: str = ""
    _lines_before_body: int = field(default=0, repr=False)

    @property
    def has_front_matter(self) -> bool:
        """Return True when the file starts with a front matter block."""
        return bool(self.opening)

    @property
    def text(self) -> str:
        """Return the whole file, identical to the text that was parsed when untouched."""
        return self.opening + self.front_matter_text + self.closing + self.body

    @property
    def body_line(self) -> int:
        """Return the 1-based line number in the file where the body starts."""
        return self._lines_before_body + 1


def _count_lines(text: str) -> int:
    return text.count("\n")


def parse_lesson(text: str) -> LessonDoc:
    """Return the lesson split into front matter and body; raise FrontMatterError if unreadable."""
    opening = _OPENING.match(text)
    if opening is None:
        return LessonDoc(front_matter={}, front_matter_text="", body=text)
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        raise FrontMatterError(
            "The front matter that starts on line 1 is never closed: "
            "add a line with --- where it ends.",
            line=1,
        )
    yaml_text = text[opening.end() : closing.start()]
    data = load_yaml(yaml_text, what="The front matter", line_offset=1, error=FrontMatterError)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise FrontMatterError(
            f"The front matter must be a set of \u201ckey: value\u201d lines, but it is {kind}.",
            line=2,
        )
    bad_keys = [key for key in data if not isinstance(key, str)]
    if bad_keys:
        raise FrontMatterError(
            f"Front matter keys must be words; \u201c{bad_keys[0]}\u201d is not.", line=2
        )
    head = text[: closing.end()]
    return LessonDoc(
        front_matter=data,
        front_matter_text=yaml_text,
        body=text[closing.end() :],
        opening=opening.group(0),
        closing=closing.group(0),
        _lines_before_body=_count_lines(head),
    )


def _ordered(front_matter: dict[str, Any]) -> dict[str, Any]:
    known = {key: front_matter[key] for key in KEY_ORDER if key in front_matter}
    rest = {key: value for key, value in front_matter.items() if key not in known}
    return known | rest


def compose_lesson(front_matter: dict[str, Any], body: str) -> str:
    """Return a new lesson file: clean front matter in the usual key order, then the body."""
    yaml_text = dump_yaml(_ordered(front_matter)) if front_matter else ""
    if body and not body.endswith("\n"):
        body += "\n"
    separator = "\n" if body and not body.startswith("\n") else ""
    return f"---\n{yaml_text}---\n{separator}{body}"


def _same(a: Any, b: Any) -> bool:
    """Return True when two YAML values are equal with the same types (1 is not True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _value_end(node: Node) -> int:
    """Return where a value's own text ends (block collections end at their last item)."""
    if isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _value_end(last[1] if isinstance(node, MappingNode) else last)
    return node.end_mark.index


def _key_spans(yaml_text: str) -> dict[str, tuple[int, int, int]] | None:
    """Return, per top-level key, (start of its first line, end of its value, end of its lines).

    None means the block is not a plain block mapping (say `{title: x}`) and must be rewritten.
    """
    root = compose_yaml(yaml_text)
    if root is None:
        return {}
    if not isinstance(root, MappingNode) or root.flow_style:
        return None
    spans: dict[str, tuple[int, int, int]] = {}
    for key_node, value_node in root.value:
        start = yaml_text.rfind("\n", 0, key_node.start_mark.index) + 1
        value_end = max(_value_end(value_node), key_node.end_mark.index)
        # Trailing blank lines belong to whatever follows, not to this value.
        last_char = len(yaml_text[:value_end].rstrip(" \t\r\n"))
        value_end = max(min(value_end, last_char), key_node.end_mark.index)
        line_end = yaml_text.find("\n", value_end)
        spans[str(key_node.value)] = (
            start,
            value_end,
            len(yaml_text) if line_end == -1 else line_end + 1,
        )
    return spans


def _snippet(key: str, value: Any, indent_sequences: bool, newline: str) -> str:
    return dump_yaml({key: value}, indent_sequences=indent_sequences).replace("\n", newline)


def _trailing_comment(yaml_text: str, value_end: int, line_end: int) -> str:
    rest = yaml_text[value_end:line_end].rstrip("\r\n")
    return rest if rest.strip().startswith("#") else ""


def _replace_key(yaml_text: str, span: tuple[int, int, int], snippet: str) -> str:
    start, value_end, line_end = span
    old_lines = yaml_text[start:value_end].count("\n")
    comment = _trailing_comment(yaml_text, value_end, line_end)
    if comment and old_lines == 0 and snippet.count("\n") == 1:
        # A one-line value keeps the note written after it (`duration: 50  # two periods`).
        newline = "\r\n" if snippet.endswith("\r\n") else "\n"
        snippet = snippet.removesuffix(newline) + comment + newline
    return yaml_text[:start] + snippet + yaml_text[line_end:]


def update_front_matter(text: str, changes: dict[str, object | None]) -> str:
    """Return the file with top-level front matter keys set, or removed where the value is None.

    Only the lines of changed keys are rewritten; new keys are added at the end of the block.
    A file without front matter gets one.
    """
    doc = parse_lesson(text)
    current = doc.front_matter
    wanted: dict[str, Any] = {
        key: value
        for key, value in changes.items()
        if (value is None and key in current)
        or (value is not None and (key not in current or not _same(current[key], value)))
    }
    if not wanted:
        return text
    if not doc.has_front_matter:
        newline = "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"
        added = {key: value for key, value in wanted.items() if value is not None}
        yaml_text = dump_yaml(_ordered(added)).replace("\n", newline)
        return f"---{newline}{yaml_text}---{newline}{text}"

    newline = "\r\n" if doc.opening.endswith("\r\n") else "\n"
    merged = {k: v for k, v in (current | wanted).items() if v is not None}
    spliced = _splice(doc.front_matter_text, wanted, newline)
    if spliced is not None:
        result = doc.opening + spliced + doc.closing + doc.body
        if _reads_as(result, load_yaml(dump_yaml(merged), what="", error=FrontMatterError)):
            return result
    # Rare layouts (a `{...}` block, anchors shared between keys) are rewritten whole instead.
    return doc.opening + dump_yaml(merged).replace("\n", newline) + doc.closing + doc.body


def _reads_as(text: str, expected: dict[str, Any]) -> bool:
    """Return True when `text` parses to exactly `expected` (the splice kept its meaning)."""
    try:
        return _same(parse_lesson(text).front_matter, expected)
    except FrontMatterError:
        return False


def _splice(yaml_text: str, wanted: dict[str, Any], newline: str) -> str | None:
    """Return the YAML block with the lines of `wanted` keys replaced, or None if it cannot."""
    spans = _key_spans(yaml_text)
    if spans is None:
        return None
    item = _SEQUENCE_ITEM.search(yaml_text)
    indent_sequences = item is None or len(item.group(1)) > 0
    # Replace from the bottom up so earlier positions stay valid.
    for key in sorted((k for k in wanted if k in spans), key=lambda k: spans[k][0], reverse=True):
        start, _value_end, line_end = spans[key]
        line_newline = "\r\n" if yaml_text[:line_end].endswith("\r\n") else newline
        value = wanted[key]
        snippet = "" if value is None else _snippet(key, value, indent_sequences, line_newline)
        yaml_text = _replace_key(yaml_text, spans[key], snippet)
    for key, value in wanted.items():
        if key not in spans and value is not None:
            if yaml_text and not yaml_text.endswith("\n"):
                yaml_text += newline
            yaml_text += _snippet(key, value, indent_sequences, newline)
    return yaml_text
