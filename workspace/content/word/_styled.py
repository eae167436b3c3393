"""Boxes read back from a Word file's styles: a "<Kind> Title" paragraph starts a box, the
paragraphs in the kind's style ("Challenge") fill it, as this product's export writes them.

Other styles are only how a paragraph looks: their wrappers are removed.
"""

from __future__ import annotations

import re

from ..paths import slugify
from ..sections import ANSWERS
from ._ast import Node, attr_value, child_block_lists, node, text_of
from ._styles import COPY_LINES, FACTS_STYLE, GENERIC_STYLE, TITLE_SUFFIX, box_style, known_styles


def _style_of(block: Node) -> str | None:
    if block["t"] == "Div":
        return attr_value(block["c"][0], "custom-style")
    if block["t"] in ("BulletList", "OrderedList"):
        styles = {_style_of(item[0]) if item else None for item in child_block_lists(block)}
        return styles.pop() if len(styles) == 1 else None
    return None


def _label_extra(label: str, look_label: str) -> str:
    pattern = rf"{re.escape(look_label)}(?:\s+\d+|\s+(?:to|for)\s+challenge\s+\d+)?(?::\s*(.*))?"
    found = re.fullmatch(pattern, label, re.I)
    return label if found is None else (found.group(1) or "")


def _new_box(kind: str, extra: str) -> Node:
    pairs = [["title", extra]] if extra else []
    return node("Div", [["", [kind], pairs], []])


def _box_title(style: str | None, kinds: dict[str, str]) -> str | None:
    """Return the box style whose label paragraph style `style` is, or None."""
    if not style or not style.endswith(TITLE_SUFFIX):
        return None
    base = style[: -len(TITLE_SUFFIX)]
    return base if base in kinds or base == GENERIC_STYLE else None


def boxes_from_styles(blocks: list[Node]) -> list[Node]:
    """Return blocks with the boxes this product exports (labelled, styled paragraphs) as
    `:::` boxes again: an answer right after a challenge's text goes back inside it."""
    kinds = known_styles()
    out: list[Node] = []
    stack: list[tuple[str, str, Node]] = []  # the open boxes: (style, kind, Div)
    for block in blocks:
        style = _style_of(block)
        base = _box_title(style, kinds)
        if base is not None:
            label = text_of(_inlines_of(block))
            if base == GENERIC_STYLE:
                kind, extra = slugify(label), ""
            else:
                kind = kinds[base]
                extra = _label_extra(label, box_style(kind).label)
            box = _new_box(kind, extra)
            if kind in ANSWERS and stack and stack[0][1] == "challenge":
                del stack[1:]
                stack[0][2]["c"][1].append(box)
            else:
                stack = []
                out.append(box)
            stack.append((base, kind, box))
            continue
        if style is not None and (style in kinds or style == GENERIC_STYLE):
            while stack and stack[-1][0] != style:
                stack.pop()
            if not stack:  # a box's text without its label: a box all the same
                box = _new_box(kinds.get(style, "note"), "")
                out.append(box)
                stack.append((style, kinds.get(style, "note"), box))
            if not _is_pointer(block):
                stack[-1][2]["c"][1].append(block)
            continue
        stack = []
        if style == FACTS_STYLE and text_of(_inlines_of(block)) in COPY_LINES.values():
            continue
        out.append(block)
    return out


def _inlines_of(block: Node) -> list[Node]:
    found: list[Node] = []
    for inner in child_block_lists(block) or [[block]]:
        for item in inner:
            if item["t"] in ("Para", "Plain"):
                found += [*item["c"], node("Space")]
            elif item["t"] == "Div":
                found += _inlines_of(item)
    return found


def _is_pointer(block: Node) -> bool:
    text = text_of(_inlines_of(block))
    return text in {
        f"{box_style(kind).label}: at the end of the lesson, under Solutions." for kind in ANSWERS
    }


def unwrap_styles(blocks: list[Node]) -> list[Node]:
    """Return blocks without pandoc's style wrappers (a Div per styled paragraph)."""
    out: list[Node] = []
    for block in blocks:
        if block["t"] == "Div" and attr_value(block["c"][0], "custom-style") is not None:
            out += unwrap_styles(block["c"][1])
            continue
        for child in child_block_lists(block):
            child[:] = unwrap_styles(child)
        out.append(block)
    return out
