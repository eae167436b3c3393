"""Small helpers over pandoc's document tree (its JSON form): nodes are `{"t": type, "c":
contents}`; blocks hold inlines or other blocks in places that depend on the type."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Node = dict[str, Any]
Attr = list[Any]  # [identifier, [classes], [[key, value], ...]]

NO_ATTR: Attr = ["", [], []]


def node(kind: str, contents: Any = None) -> Node:
    """Return a tree node (contents left out for nodes that have none, like Space)."""
    return {"t": kind} if contents is None else {"t": kind, "c": contents}


def words(text: str) -> list[Node]:
    """Return inlines for plain text: words and the spaces between them."""
    out: list[Node] = []
    for index, word in enumerate(text.split()):
        if index:
            out.append(node("Space"))
        out.append(node("Str", word))
    return out


def para(inlines: list[Node]) -> Node:
    """Return a paragraph of `inlines`."""
    return node("Para", inlines)


def div(blocks: list[Node], *, classes: list[str] | None = None, style: str = "") -> Node:
    """Return a Div of `blocks`; `style` becomes pandoc's custom-style (a Word style name)."""
    pairs = [["custom-style", style]] if style else []
    return node("Div", [["", classes or [], pairs], blocks])


def attr_value(attr: Attr, key: str) -> str | None:
    """Return the value of attribute `key`, or None."""
    return next((value for name, value in attr[2] if name == key), None)


def text_of(inlines: list[Node]) -> str:
    """Return the plain text of inlines, as a reader would say it."""
    parts: list[str] = []
    for item in inlines:
        kind, contents = item["t"], item.get("c")
        if kind == "Str":
            parts.append(contents)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Code", "Math"):
            parts.append(contents[1])
        elif kind in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps"):
            parts.append(text_of(contents))
        elif kind in ("Superscript", "Subscript"):
            parts.append(text_of(contents))
        elif kind in ("Quoted", "Cite", "Link", "Image", "Span"):
            parts.append(text_of(contents[1]))
    return " ".join("".join(parts).split())


# Where each block type keeps its child blocks: a function from contents to lists of blocks.
_CHILD_BLOCKS: dict[str, Callable[[Any], list[list[Node]]]] = {
    "BlockQuote": lambda c: [c],
    "BulletList": lambda c: c,
    "OrderedList": lambda c: c[1],
    "Div": lambda c: [c[1]],
    "Figure": lambda c: [c[1][1], c[2]],
    "DefinitionList": lambda c: [blocks for _term, defs in c for blocks in defs],
    "Note": lambda c: [c],
}


def child_block_lists(block: Node) -> list[list[Node]]:
    """Return the lists of blocks directly inside `block` (list items, a quote, a div...)."""
    kind = block["t"]
    if kind == "Table":
        return [block["c"][1][1], *(cell[4] for cell in table_cells(block))]
    found = _CHILD_BLOCKS.get(kind)
    return found(block["c"]) if found else []


def table_rows(table: Node) -> Iterator[list[Any]]:
    """Yield every row of a table: head, bodies (their head rows and rows), foot."""
    _attr, _caption, _specs, head, bodies, foot = table["c"]
    yield from head[1]
    for body in bodies:
        yield from body[2]
        yield from body[3]
    yield from foot[1]


def table_cells(table: Node) -> Iterator[list[Any]]:
    """Yield every cell of a table: [attr, alignment, rowspan, colspan, blocks]."""
    for row in table_rows(table):
        yield from row[1]


def inline_lists(block: Node) -> list[list[Node]]:
    """Return the lists of inlines directly in `block` (a paragraph's text, a heading's...)."""
    kind, contents = block["t"], block.get("c")
    if kind in ("Para", "Plain"):
        return [contents]
    if kind == "Header":
        return [contents[2]]
    if kind == "LineBlock":
        return contents
    if kind == "DefinitionList":
        return [term for term, _defs in contents]
    if kind in ("Table", "Figure"):
        short = contents[1][0]  # a caption's short form, rarely given
        return [short] if short else []
    return []


def walk_inlines(blocks: list[Node], visit: Callable[[list[Node]], list[Node]]) -> None:
    """Replace, in place, every list of inlines under `blocks` by `visit(inlines)`; `visit`
    sees the innermost lists first (the text of a link before the paragraph holding it)."""
    for block in blocks:
        for inlines in inline_lists(block):
            inlines[:] = _visit_inlines(inlines, visit)
        for child in child_block_lists(block):
            walk_inlines(child, visit)


def _visit_inlines(inlines: list[Node], visit: Callable[[list[Node]], list[Node]]) -> list[Node]:
    for item in inlines:
        kind, contents = item["t"], item.get("c")
        if kind in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps"):
            contents[:] = _visit_inlines(contents, visit)
        elif kind in ("Superscript", "Subscript"):
            contents[:] = _visit_inlines(contents, visit)
        elif kind in ("Quoted", "Link", "Image", "Span", "Cite"):
            contents[1][:] = _visit_inlines(contents[1], visit)
        elif kind == "Note":
            walk_inlines(contents, visit)
    return visit(inlines)


def shift_headings(blocks: list[Node], top: int) -> list[Node]:
    """Return blocks (changed in place) with headings moved so the highest is at level `top`."""
    found: list[Node] = []

    def collect(items: list[Node]) -> None:
        for block in items:
            if block["t"] == "Header":
                found.append(block)
            for child in child_block_lists(block):
                collect(child)

    collect(blocks)
    if found:
        delta = top - min(block["c"][0] for block in found)
        for block in found:
            block["c"][0] = max(1, min(6, block["c"][0] + delta))
    return blocks
