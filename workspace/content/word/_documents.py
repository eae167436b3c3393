"""Lessons, units and courses as Word documents, written by pandoc with the boxes' styles.

A lesson's document: its title (Word's Title), which copy it is, its facts, then its body,
headings from Heading 1, and its Solutions section. A unit's: the unit's title and overview,
then each lesson under a Heading 1 of its title, its headings one level down and its
solutions at its end. A course: one document per lesson and one per unit, each lesson read
once, written two at a time (pandoc runs as a process each time).
"""

from __future__ import annotations

import copy
import io
import re
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._ast import Node, para, shift_headings, words
from ._lessons import LessonSource, Part, copy_line, heading, lesson_part
from ._pandoc import PANDOC_TIMEOUT, PandocFailed, WordExportFailed, api_version, write_from_json
from ._styles import reference_docx

VERSIONS = ("student", "teacher")
SOLUTIONS = ("end", "omit", "inline")
UNTITLED = "Untitled lesson"
WORKERS = 2  # pandoc processes at once for a course


@dataclass(frozen=True)
class UnitSource:
    """A unit for a course's Word files: its slug and title, its unit.md (may be empty) with
    the images that refers to, and its lessons by slug in course order."""

    slug: str
    title: str
    text: str = ""
    images: Mapping[str, bytes] = field(default_factory=dict)
    lessons: Sequence[tuple[str, LessonSource]] = ()


def _check(version: str, solutions: str) -> None:
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {', '.join(VERSIONS)}, not {version!r}")
    if solutions not in SOLUTIONS:
        raise ValueError(f"solutions must be one of {', '.join(SOLUTIONS)}, not {solutions!r}")


def _blocks(part: Part, top: int) -> list[Node]:
    """Return a part's facts, body and Solutions section, its headings from level `top`."""
    body = shift_headings(copy.deepcopy(part.body), top)
    blocks = [*part.facts, *body]
    if part.solutions:
        blocks += [heading(top, "Solutions"), *part.solutions]
    return blocks


def _lesson_document(part: Part, version: str) -> tuple[str, list[Node]]:
    return part.title, [copy_line(version), *_blocks(part, 1)]


def _unit_document(unit: Part, lessons: Sequence[Part], version: str) -> tuple[str, list[Node]]:
    blocks = [copy_line(version)]
    if unit.summary:
        blocks.append(para(words(unit.summary)))
    blocks += _blocks(unit, 1)
    for lesson in lessons:
        blocks += [heading(1, lesson.title), *_blocks(lesson, 2)]
    return unit.title, blocks


def markdown_to_docx(
    lesson_text: str,
    *,
    images: Mapping[str, bytes],
    version: str = "teacher",
    solutions: str = "end",
    timeout: float = PANDOC_TIMEOUT,
) -> bytes:
    """Return a lesson file (front matter and body) as a Word document: the title, the copy
    it is (student or teacher), its facts, then the body with boxes as styled sections.

    `images` maps image references as the lesson writes them to their bytes; those are
    embedded, any other image is replaced by its description. `version="student"` leaves out
    the notes for teachers; `solutions` puts the answers at the "end", keeps them "inline" or
    "omit"s them. Raises ValueError for another version or solutions value.
    """
    _check(version, solutions)
    part = lesson_part(LessonSource(lesson_text, images), version, solutions, timeout, UNTITLED)
    return _write_docx(*_lesson_document(part, version), timeout)


def unit_to_docx(
    unit_text: str,
    lessons: Sequence[LessonSource],
    *,
    title: str,
    images: Mapping[str, bytes] | None = None,
    version: str = "teacher",
    solutions: str = "end",
    timeout: float = PANDOC_TIMEOUT,
) -> bytes:
    """Return one Word document for a unit: its overview (unit.md, whose title wins over
    `title`), then each lesson in the order given, titled, with its facts and its solutions
    at its end. `version` and `solutions` as for markdown_to_docx."""
    _check(version, solutions)
    unit = lesson_part(LessonSource(unit_text, images or {}), version, solutions, timeout, title)
    parts = [lesson_part(s, version, solutions, timeout, UNTITLED) for s in lessons]
    return _write_docx(*_unit_document(unit, parts, version), timeout)


def course_to_docx(
    units: Sequence[UnitSource],
    *,
    version: str = "teacher",
    solutions: str = "end",
    timeout: float = PANDOC_TIMEOUT,
) -> Iterator[tuple[str, bytes]]:
    """Yield (file name, Word document) for a course: `<unit>.docx` for each unit (as
    unit_to_docx) and `<unit>/<lesson>.docx` for each of its lessons (as markdown_to_docx),
    in course order."""
    _check(version, solutions)
    with ThreadPoolExecutor(WORKERS) as pool:

        def part(source: LessonSource, fallback: str) -> Future[Part]:
            return pool.submit(lesson_part, source, version, solutions, timeout, fallback)

        parts = [
            (
                unit,
                part(LessonSource(unit.text, unit.images), unit.title),
                [(slug, part(source, UNTITLED)) for slug, source in unit.lessons],
            )
            for unit in units
        ]
        files: list[tuple[str, Future[bytes]]] = []
        for unit, overview, lessons in parts:
            done = [(slug, future.result()) for slug, future in lessons]
            document = _unit_document(overview.result(), [p for _slug, p in done], version)
            files.append((f"{unit.slug}.docx", pool.submit(_write_docx, *document, timeout)))
            for slug, lesson in done:
                document = _lesson_document(lesson, version)
                name = f"{unit.slug}/{slug}.docx"
                files.append((name, pool.submit(_write_docx, *document, timeout)))
        for name, future in files:
            yield name, future.result()


_DATA_DESCR = re.compile(rb'(<pic:cNvPr\b[^>]*?\bdescr=")data:[^"]*(")')


def _write_docx(title: str, blocks: list[Node], timeout: float) -> bytes:
    tree: dict[str, Any] = {
        "pandoc-api-version": api_version(),
        "meta": {"title": {"t": "MetaInlines", "c": words(title)}},
        "blocks": blocks,
    }
    with tempfile.TemporaryDirectory(prefix="word-") as folder:
        reference = Path(folder) / "reference.docx"
        reference.write_bytes(reference_docx())
        args = ["-t", "docx", "--reference-doc", str(reference), "-o", "-"]
        try:
            data = write_from_json(tree, args, timeout=timeout)
        except PandocFailed as exc:
            raise WordExportFailed(
                f"The Word document for \u201c{title}\u201d could not be made ({exc.reason})."
            ) from None
    return _without_image_sources(data)


def _without_image_sources(data: bytes) -> bytes:
    """Return the document without the copy of each image pandoc leaves in its XML (an
    embedded image's source is its whole content, written again as text)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("word/") and info.filename.endswith(".xml"):
                content = _DATA_DESCR.sub(rb"\1\2", content)
            target.writestr(info, content)
    return out.getvalue()
