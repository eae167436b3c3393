"""A Word document's tree brought to what a lesson page renders.

Images are kept by their place in the file (`media/image1.png`), with their descriptions;
links only to web pages and mail addresses; equations as code (their TeX); superscript and
subscript digits as Unicode (m/s², CO₂); tables as pipe tables can hold them (one header
row, one line per cell, merged cells split); lists tight when each item is one paragraph.
Everything the teacher should know about is counted in a Report.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import Any

from ..links import link_kind
from ._ast import Node, child_block_lists, node, para, table_rows, text_of, walk_inlines, words

_BROWSER_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
_SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


@dataclass
class Report:
    """What cleaning kept (the images) and what the teacher should hear about."""

    images: dict[str, bytes] = field(default_factory=dict)
    no_description: int = 0
    odd_formats: set[str] = field(default_factory=set)
    odd_images: int = 0
    web_images: int = 0
    lost_images: int = 0
    equations: int = 0
    merged_tables: int = 0

    def problems(self) -> list[str]:
        """Return what the teacher should know, in their words."""
        out = []
        if self.no_description:
            out.append(_number(self.no_description, "image has", "images have"))
            out[-1] += " no description (alt text)"
        if self.odd_images:
            kinds = ", ".join(sorted(self.odd_formats))
            out.append(_number(self.odd_images, "image is", "images are"))
            out[-1] += f" in a format web browsers cannot show ({kinds}): use PNG or JPEG"
        if self.web_images:
            out.append(_number(self.web_images, "image was", "images were"))
            out[-1] += " linked from the web rather than kept in the document: each became a link"
        if self.lost_images:
            out.append(_number(self.lost_images, "image is", "images are"))
            out[-1] += " missing from the document file and left out (the description is kept)"
        if self.equations:
            out.append(_number(self.equations, "equation was", "equations were"))
            out[-1] += " kept as text (TeX)"
        if self.merged_tables:
            out.append(_number(self.merged_tables, "table had", "tables had"))
            out[-1] += " merged cells, now split: check the result"
        return out


def _number(count: int, one: str, many: str) -> str:
    return f"1 {one}" if count == 1 else f"{count} {many}"


def _image(item: Node, archive: zipfile.ZipFile, report: Report) -> list[Node]:
    _attr, alt, (src, title) = item["c"]
    if link_kind(src) == "web":
        report.web_images += 1
        return [node("Link", [["", [], []], alt or words("Image"), [src, ""]])]
    names = set(archive.namelist())
    stored = next((n for n in (f"word/{src}", src) if n in names), None)
    if stored is None:
        report.lost_images += 1
        return [node("Emph", alt)] if alt else []
    report.images[src] = archive.read(stored)
    if not text_of(alt):
        report.no_description += 1
    extension = src.rsplit(".", 1)[-1].lower() if "." in src else src
    if f".{extension}" not in _BROWSER_IMAGES:
        report.odd_images += 1
        report.odd_formats.add(f".{extension}")
    return [node("Image", [["", [], []], alt, [src, title]])]


def _scripted(inlines: list[Node], table: dict[int, str]) -> list[Node]:
    text = text_of(inlines)
    if text and all(ord(char) in table for char in text):
        return [node("Str", text.translate(table))]
    return inlines


def _clean_inlines(archive: zipfile.ZipFile, report: Report) -> Any:
    def visit(inlines: list[Node]) -> list[Node]:
        out: list[Node] = []
        for item in inlines:
            kind, contents = item["t"], item.get("c")
            if kind == "Image":
                out += _image(item, archive, report)
            elif kind == "Link":
                if link_kind(contents[2][0]) in ("web", "mailto"):
                    out.append(node("Link", [["", [], []], contents[1], contents[2]]))
                else:
                    out += contents[1]  # bookmarks inside the document, tables of contents
            elif kind in ("Underline", "SmallCaps"):
                out += contents
            elif kind in ("Span", "Cite"):
                out += contents[1]
            elif kind == "Superscript":
                out += _scripted(contents, _SUPERSCRIPT)
            elif kind == "Subscript":
                out += _scripted(contents, _SUBSCRIPT)
            elif kind == "Math":
                report.equations += 1
                out.append(node("Code", [["", [], []], contents[1]]))
            elif kind == "Quoted":
                mark = "\u201c\u201d" if contents[0]["t"] == "DoubleQuote" else "\u2018\u2019"
                out += [node("Str", mark[0]), *contents[1], node("Str", mark[1])]
            elif kind != "RawInline":
                out.append(item)
        return out

    return visit


def _cell_inlines(blocks: list[Node]) -> list[Node]:
    """Return a table cell's content as one line: pipe tables hold no paragraphs or lists."""
    out: list[Node] = []
    for block in blocks:
        if block["t"] in ("Para", "Plain", "Header"):
            inlines = block["c"][2] if block["t"] == "Header" else block["c"]
        else:
            inlines = []
            for child in child_block_lists(block):
                part = _cell_inlines(child)
                if part:
                    inlines += [*([node("Str", ";"), node("Space")] if inlines else []), *part]
        if inlines:
            out += [*([node("Space")] if out else []), *inlines]
    return out


def _cell(inlines: list[Node]) -> list[Any]:
    return [["", [], []], {"t": "AlignDefault"}, 1, 1, [node("Plain", inlines)] if inlines else []]


def _simple_table(table: Node, report: Report) -> list[Node]:
    """Return a table as a pipe table can write it (one header row, no merged cells), then its
    caption as a paragraph."""
    attr, caption, specs, head, _bodies, _foot = table["c"]
    columns = len(specs)
    grid: list[list[list[Any]]] = []
    waiting: dict[int, int] = {}  # column -> rows a cell above still covers
    merged = False
    for row in table_rows(table):
        cells: list[list[Any]] = []
        queue = list(row[1])
        while len(cells) < columns and (queue or any(c >= len(cells) for c in waiting)):
            column = len(cells)
            if waiting.get(column, 0) > 0:
                waiting[column] -= 1
                cells.append(_cell([]))
                continue
            if not queue:
                cells.append(_cell([]))
                continue
            _a, _align, rows, cols, blocks = queue.pop(0)
            merged = merged or rows > 1 or cols > 1
            for offset in range(max(1, cols)):
                waiting[column + offset] = rows - 1
                cells.append(_cell(_cell_inlines(blocks) if offset == 0 else []))
        while len(cells) < columns:
            cells.append(_cell([]))
        grid.append(cells[:columns])
    report.merged_tables += merged
    header = grid[:1] if head[1] else []
    body = grid[1:] if head[1] else grid
    specs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in range(columns)]
    rows = [[["", [], []], cells] for cells in body]
    simple = node(
        "Table",
        [
            ["", [], []],
            [None, []],
            specs,
            [["", [], []], [[["", [], []], cells] for cells in header]],
            [[["", [], []], 0, [], rows]],
            [["", [], []], []],
        ],
    )
    return [simple, *caption[1]]


def _tight(block: Node) -> Node:
    """Return a list whose items are one paragraph each (and maybe a sublist) as a tight one."""
    items = child_block_lists(block)
    sublist = ("BulletList", "OrderedList")
    if all(
        item and item[0]["t"] == "Para" and all(b["t"] in sublist for b in item[1:])
        for item in items
    ):
        for item in items:
            item[0] = node("Plain", item[0]["c"])
    return block


def _clean_blocks(blocks: list[Node], report: Report) -> list[Node]:
    out: list[Node] = []
    for block in blocks:
        kind = block["t"]
        if kind == "RawBlock" or (kind in ("Para", "Plain") and not block["c"]):
            continue
        if kind == "Figure":
            out += _clean_blocks(block["c"][2] + block["c"][1][1], report)
            continue
        if kind == "DefinitionList":
            for term, definitions in block["c"]:
                out.append(para([node("Strong", term)]))
                out += _clean_blocks([b for d in definitions for b in d], report)
            continue
        if kind == "LineBlock":
            joined: list[Node] = []
            for line in block["c"]:
                joined += [node("LineBreak"), *line] if joined else line
            out.append(para(joined))
            continue
        if kind == "Header":
            block["c"][1] = ["", [], []]
        if kind == "Div" and not block["c"][0][1]:
            out += _clean_blocks(block["c"][1], report)
            continue
        for child in child_block_lists(block):
            child[:] = _clean_blocks(child, report)
        if kind == "Table":
            out += _simple_table(block, report)
            continue
        out.append(_tight(block) if kind in ("BulletList", "OrderedList") else block)
    return out


def clean(blocks: list[Node], archive: zipfile.ZipFile, report: Report) -> list[Node]:
    walk_inlines(blocks, _clean_inlines(archive, report))
    return _clean_blocks(blocks, report)
