"""Lesson summaries for course pages: title, duration and standards of each lesson file.

A course home lists every lesson with facts from its front matter. Reading a thousand files
per page view would cost the page its speed, so summaries are cached by blob id (see
_caches.cached_summaries) and the files no cache has are read in one batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ...content.errors import FrontMatterError
from ...content.frontmatter import parse_lesson
from ...content.lesson import lesson_meta
from ...git import CourseRepo
from ...git.errors import GitStoreError
from ...git.paths import is_full_sha
from ...git.records import TreeEntry
from ._caches import Caches, cached_summaries


@dataclass(frozen=True)
class LessonCard:
    """What the course page shows of a lesson: its title, length and standards."""

    title: str | None
    duration: int | None = None
    standards: list[tuple[str, str]] = field(default_factory=list)  # (code, display)
    error: str | None = None


def summarize(data: bytes) -> dict[str, Any]:
    """Return the JSON summary of a lesson or unit file (what the course page shows)."""
    try:
        front_matter = parse_lesson(data.decode("utf-8", "replace")).front_matter
    except FrontMatterError as exc:
        return {"title": None, "duration": None, "standards": [], "error": exc.message}
    meta = lesson_meta(front_matter, fallback_title="")
    return {
        "title": meta.title or None,
        "duration": meta.duration,
        "standards": [[s.code, s.display] for s in meta.standards],
        "error": None,
    }


def read_blobs(repo: CourseRepo, blob_ids: list[str]) -> dict[str, bytes]:
    """Return the content of many blobs, read in one `git cat-file --batch` run."""
    if len(blob_ids) < 8:
        return {blob_id: repo.reader.read(blob_id)[1] for blob_id in blob_ids}
    if not all(is_full_sha(blob_id) for blob_id in blob_ids):
        raise ValueError("blob ids must be full object ids")
    out = repo.git(["cat-file", "--batch"], input="\n".join(blob_ids).encode() + b"\n")
    found: dict[str, bytes] = {}
    position = 0
    for blob_id in blob_ids:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        if len(header) != 3:
            raise GitStoreError(f"The course repository is missing object {blob_id[:10]}.")
        size = int(header[2])
        found[blob_id] = out[header_end + 1 : header_end + 1 + size]
        position = header_end + 1 + size + 1
    return found


def lesson_cards(
    session: Session, repo: CourseRepo, entries: list[TreeEntry], caches: Caches
) -> dict[str, LessonCard]:
    """Return the card of each file, reading only files no cache has summarized."""

    def summarize_all(blob_ids: list[str]) -> dict[str, dict[str, Any]]:
        return {blob_id: summarize(data) for blob_id, data in read_blobs(repo, blob_ids).items()}

    summaries = cached_summaries(session, (e.blob_id for e in entries), summarize_all, caches)
    cards = {}
    for entry in entries:
        data = summaries[entry.blob_id]
        standards = [(code, display) for code, display in data.get("standards", [])]
        cards[entry.path] = LessonCard(
            data.get("title"), data.get("duration"), standards, data.get("error")
        )
    return cards
