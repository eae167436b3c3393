"""Word documents (.docx) read into the lesson dialect: title, Markdown body, images, notes.

Pandoc reads the document (with its paragraph styles, so a box exported by this product comes
back as a `:::` box); the tree is then brought to what a lesson page shows: headings starting
at `##`, tight lists, pipe tables (merged cells are split), images by their place in the file
(`media/image1.png`) with their descriptions, and nothing a lesson page would not render.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from ._ast import Node, para, shift_headings, text_of, words
from ._cleaning import Report, clean
from ._pandoc import PANDOC_TIMEOUT, PandocFailed, api_version, read_json, write_from_json
from ._styled import boxes_from_styles, unwrap_styles

MAX_DOCX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

_OFF = (
    "raw_html raw_attribute bracketed_spans attributes smart emoji subscript superscript "
    "tex_math_dollars alerts definition_lists fancy_lists implicit_header_references"
).split()
WRITER = "commonmark_x" + "".join(f"-{name}" for name in _OFF)
_FENCE = re.compile(r'^([ \t>]*:{3,}) \{\.([A-Za-z0-9_-]+)(?: title="((?:[^"\\]|\\.)*)")?\}$', re.M)


class NotAWordFile(ValueError):
    """The bytes are not a Word document that can be read; `message` says so to a teacher."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WordDocument:
    """A Word document as a lesson: its title, the body in the lesson dialect, the images the
    body refers to (by reference as written, such as `media/image1.png`) and notes for the
    teacher about what could not be kept as it was."""

    title: str
    markdown: str
    images: dict[str, bytes]
    problems: list[str]


def _open_docx(data: bytes, shown: str, max_bytes: int) -> zipfile.ZipFile:
    save_again = "Open it in Word (or Google Docs) and save it again as a .docx file."
    if len(data) > max_bytes:
        raise NotAWordFile(
            f"{shown} is larger than {max_bytes // (1024 * 1024)} MB. Make its images smaller "
            "or split it into several documents."
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotAWordFile(f"{shown} is an older Word file (.doc) or has a password. {save_again}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise NotAWordFile(f"{shown} is not a Word document (.docx). {save_again}") from None
    if "word/document.xml" not in names:
        raise NotAWordFile(f"{shown} is not a Word document (.docx). {save_again}")
    if unpacked > MAX_UNPACKED_BYTES:
        raise NotAWordFile(f"{shown} unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB.")
    return archive


def docx_to_markdown(
    data: bytes,
    *,
    name: str = "",
    max_bytes: int = MAX_DOCX_BYTES,
    timeout: float = PANDOC_TIMEOUT,
) -> WordDocument:
    """Return a .docx file as a lesson: title, Markdown body, images and problems.

    Raises NotAWordFile, with a message for the teacher who uploaded `name`, for bytes that are
    not a Word document, one larger than `max_bytes`, or one that cannot be read in `timeout`
    seconds.
    """
    shown = f"\u201c{name}\u201d" if name else "This file"
    archive = _open_docx(data, shown, max_bytes)
    try:
        tree = read_json(["-f", "docx+styles"], data, timeout=timeout)
        meta = tree.get("meta", {})
        title = _meta_text(meta.get("title"))
        blocks = unwrap_styles(boxes_from_styles(tree["blocks"]))
        blocks, title = _without_title(blocks, title)
        opening = [para(words(_meta_text(meta.get("subtitle"))))] if meta.get("subtitle") else []
        blocks = opening + _meta_blocks(meta.get("abstract")) + blocks
        report = Report()
        blocks = clean(blocks, archive, report)
        shift_headings(blocks, 2)
        markdown = _markdown(blocks, timeout)
    except PandocFailed as exc:
        if exc.timed_out:
            message = f"{shown} {exc.reason} to read: split it into smaller documents."
            raise NotAWordFile(message) from None
        raise NotAWordFile(
            f"{shown} could not be read as a Word document; it may be damaged. Open it in Word "
            "(or Google Docs) and save it again as a .docx file."
        ) from None
    return WordDocument(title, markdown, report.images, report.problems())


def _meta_text(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    if value.get("t") == "MetaInlines":
        return text_of(value["c"])
    if value.get("t") == "MetaString":
        return " ".join(str(value["c"]).split())
    if value.get("t") == "MetaBlocks":
        return " ".join(text_of(b["c"]) for b in value["c"] if b["t"] in ("Para", "Plain"))
    return ""


def _meta_blocks(value: Any) -> list[Node]:
    if isinstance(value, dict) and value.get("t") == "MetaBlocks":
        return list(value["c"])
    text = _meta_text(value)
    return [para(words(text))] if text else []


def _without_title(blocks: list[Node], title: str) -> tuple[list[Node], str]:
    """Return the body without its title heading, and the title (the Title paragraph, else
    the first level-1 heading)."""
    for index, block in enumerate(blocks):
        if block["t"] != "Header" or block["c"][0] != 1:
            continue
        heading = text_of(block["c"][2])
        if not title or (index == 0 and heading == title):
            return blocks[:index] + blocks[index + 1 :], title or heading
        break
    return blocks, title


def _markdown(blocks: list[Node], timeout: float) -> str:
    """Return blocks written in the lesson dialect (`::: challenge` boxes, pipe tables)."""
    tree = {"pandoc-api-version": api_version(), "meta": {}, "blocks": blocks}
    data = write_from_json(tree, ["-t", WRITER, "--wrap=none"], timeout=timeout)
    text = data.decode("utf-8")

    def fence(match: re.Match[str]) -> str:
        extra = re.sub(r"\\(.)", r"\1", match.group(3) or "")
        return f"{match.group(1)} {match.group(2)}" + (f" {extra}" if extra else "")

    text = _FENCE.sub(fence, text).strip()
    return text + "\n" if text else ""
