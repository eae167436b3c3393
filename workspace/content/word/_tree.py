"""A lesson body as pandoc's document tree, made safe for a Word file.

The body is read by pandoc's Markdown reader with what a lesson page does not do turned off
(raw HTML and LaTeX, raw Word XML, citations, smart quotes, tables and lists the page does not
know), so the Word file says what the page says. The lesson's `:::` boxes are found by the
page's own parser first and handed to pandoc in a form it reads the same way. Then the tree is
cleaned: raw blocks are dropped, links keep only web and mail targets, and images are either
embedded from the bytes given or replaced by their description.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from ..links import link_kind
from ..render import build_parser
from ._ast import Node, attr_value, child_block_lists, node, walk_inlines, words
from ._pandoc import read_json

_OFF = (
    "raw_html raw_attribute raw_tex latex_macros tex_math_dollars markdown_in_html_blocks "
    "native_divs native_spans yaml_metadata_block pandoc_title_block citations smart "
    "implicit_figures implicit_header_references example_lists simple_tables "
    "multiline_tables grid_tables subscript superscript definition_lists fancy_lists "
    "line_blocks inline_notes blank_before_header blank_before_blockquote"
).split()
READER = "markdown" + "".join(f"-{name}" for name in _OFF) + "+lists_without_preceding_blankline"

_CONTAINER_OPEN = "container_section_open"
_OPENER = re.compile(r"(:{3,})[ \t]*[A-Za-z0-9_-]+.*$")
_SIZE = re.compile(r"\d{1,5}(px|%|in|cm|mm)?")
_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def box_fences(body: str) -> tuple[str, dict[str, str]]:
    """Return the body with each `:::` box opening rewritten for pandoc, and the text written
    after each box's name, by box number.

    The page's parser decides what is a box (`::: challenge Ohm's law` is one; pandoc would
    not read it as one), so both see the same boxes; a box left open is closed where the page
    closes it.
    """
    lines = body.split("\n")
    extras: dict[str, str] = {}
    inserts: list[tuple[int, int, str]] = []
    for token in build_parser(safe_links=False).parse(body, {}):
        if token.type != _CONTAINER_OPEN or not token.map:
            continue
        start, end = token.map
        parts = token.info.strip().split(None, 1)
        number = str(len(extras) + 1)
        extras[number] = parts[1].strip() if len(parts) > 1 else ""
        found = _OPENER.search(lines[start])
        if found is None:
            continue
        prefix, colons = lines[start][: found.start()], found.group(1)
        lines[start] = f"{prefix}{colons} {{.{parts[0].lower()} box={number}}}"
        closing = lines[end].strip() if end < len(lines) else ""
        if not (closing.startswith(colons) and set(closing) <= {":", " ", "\t"}):
            # Inner boxes close first: at one line, the outer box's fence goes in first.
            inserts.append((end, -token.level, prefix + colons))
    for at, _outer_first, fence in sorted(inserts, reverse=True):
        lines.insert(at, fence)
    return "\n".join(lines), extras


def read_body(body: str, *, timeout: float) -> dict[str, Any]:
    """Return pandoc's tree of a lesson body (boxes marked, see box_fences) and the extras."""
    text, extras = box_fences(body)
    tree = read_json(["-f", READER], text.encode("utf-8"), timeout=timeout)
    tree["extras"] = extras
    return tree


def image_type(data: bytes) -> str | None:
    """Return the media type of an image Word can show (PNG, JPEG, GIF, SVG), else None."""
    for magic, kind in _IMAGE_TYPES:
        if data.startswith(magic):
            return kind
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    return None


def _image_bytes(src: str, images: Mapping[str, bytes]) -> bytes | None:
    for key in (src, unquote(src), src.removeprefix("./")):
        if key in images:
            return images[key]
    return None


def _image(item: Node, images: Mapping[str, bytes]) -> list[Node]:
    attr, alt, (src, _title) = item["c"]
    described = attr_value(attr, "alt")
    if described is not None:
        alt = words(described)
    data = _image_bytes(src, images)
    kind = image_type(data) if data is not None else None
    if data is not None and kind is not None:
        sizes = [[k, v] for k, v in attr[2] if k in ("width", "height") and _SIZE.fullmatch(v)]
        uri = f"data:{kind};base64," + base64.b64encode(data).decode("ascii")
        return [node("Image", [["", [], sizes], alt, [uri, ""]])]
    text = alt or words("(image)")
    if link_kind(src) == "web":
        return [node("Link", [["", [], []], text, [src, ""]])]
    return [node("Emph", text)]


def _clean_inlines(images: Mapping[str, bytes]) -> Any:
    def visit(inlines: list[Node]) -> list[Node]:
        out: list[Node] = []
        for item in inlines:
            kind = item["t"]
            if kind == "RawInline":
                continue
            if kind == "Image":
                out += _image(item, images)
            elif kind == "Link":
                _attr, text, (url, title) = item["c"]
                if link_kind(url) in ("web", "mailto", "fragment"):
                    out.append(node("Link", [["", [], []], text, [url, title]]))
                else:
                    out += text  # a link to the course's pages means nothing on paper
            elif kind == "Span":
                out += item["c"][1]
            else:
                out.append(item)
        return out

    return visit


def _clean_blocks(blocks: list[Node]) -> list[Node]:
    out: list[Node] = []
    for block in blocks:
        kind = block["t"]
        if kind == "RawBlock":
            continue
        if kind == "Figure":
            out += _clean_blocks(block["c"][2]) + _clean_blocks(block["c"][1][1])
            continue
        if kind == "Header":
            block["c"][1] = [block["c"][1][0], [], []]
        for child in child_block_lists(block):
            child[:] = _clean_blocks(child)
        out.append(block)
    return out


def safe_blocks(blocks: list[Node], images: Mapping[str, bytes]) -> list[Node]:
    """Return the blocks with nothing active left: no raw Word XML, HTML or LaTeX; links only
    to web pages, mail addresses and headings; images embedded from `images` (by reference as
    written) or, when not given, their description."""
    cleaned = _clean_blocks(blocks)
    walk_inlines(cleaned, _clean_inlines(images))
    return cleaned
