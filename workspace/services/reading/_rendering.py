"""Where a lesson's links point on this site, and its body rendered to HTML (cached).

Rendered HTML is cached by blob id, renderer version and link context (see _caches), so the
same bytes are rendered once however many pages show them.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from urllib.parse import quote, unquote

from sqlalchemy.orm import Session

from ...content import RENDERER_VERSION, render_body
from ...content.paths import is_slug, parse_lesson_path
from ._caches import Caches, cached_html


def context_key(*parts: str) -> str:
    """Return a short fixed-size key for a link context (where relative links point)."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LessonLinks:
    """Where a lesson's relative links and images point on this site.

    Targets are read as paths in the repository relative to the lesson's folder (a leading
    `/` means the course root), as they work in a clone: `images/diagram.png` becomes a raw
    file URL, `../../energy/lessons/heat.md` a lesson page. Links written against page
    addresses (`../energy/heat` from a lesson page) also reach the lesson. A target that
    climbs out of the course becomes an inert `#`.
    """

    unit: str
    raw_base: str  # e.g. /n/net/course/raw/main (a commit id instead of main for old versions)
    lesson_base: str  # e.g. /n/net/course/lessons
    lesson_query: str = ""  # e.g. ?rev=<sha> so links stay in the version being viewed

    @property
    def folder(self) -> str:
        """Return the repository folder the lesson file is in."""
        return f"units/{self.unit}/lessons"

    def context(self) -> str:
        """Return the cache key part that captures every URL this resolver can produce."""
        return context_key(self.folder, self.raw_base, self.lesson_base, self.lesson_query)

    def _lesson_url(self, unit: str, lesson: str, fragment: str) -> str:
        return f"{self.lesson_base}/{unit}/{lesson}{self.lesson_query}{fragment}"

    def resolve(self, target: str) -> str:
        """Return the URL for a relative link or image target in this lesson."""
        cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
        raw_path, suffix = unquote(target[:cut]), target[cut:]
        fragment = suffix[suffix.find("#") :] if "#" in suffix else ""
        if not raw_path:
            return target
        if raw_path.startswith("/"):
            path = posixpath.normpath(raw_path.lstrip("/"))
        else:
            path = posixpath.normpath(posixpath.join(self.folder, raw_path))
        if path == "." or path.startswith("../") or path == "..":
            return "#"
        lesson = parse_lesson_path(path)
        if lesson is not None:
            return self._lesson_url(*lesson, fragment)
        if not posixpath.splitext(raw_path)[1] and not raw_path.startswith("/"):
            page = posixpath.normpath(posixpath.join(f"lessons/{self.unit}", raw_path))
            parts = page.split("/")
            if len(parts) == 3 and parts[0] == "lessons" and all(map(is_slug, parts[1:])):
                return self._lesson_url(parts[1], parts[2], fragment)
        return f"{self.raw_base}/{quote(path)}{fragment}"


@dataclass(frozen=True)
class CourseLinks:
    """Where a course's raw files and lesson pages are on this site, for links in lessons."""

    raw_base: str  # e.g. /n/net/course/raw (a revision and a file path follow)
    lesson_base: str  # e.g. /n/net/course/lessons

    def lesson(self, unit: str, rev: str, commit: str) -> LessonLinks:
        """Return where the links of a lesson in `unit` point when shown at `rev` (resolved to
        `commit`): the newest version links to `main`, so its rendered HTML stays valid (and
        cached) across commits; an older version pins its commit."""
        pinned = rev != "main"
        return LessonLinks(
            unit=unit,
            raw_base=f"{self.raw_base}/{commit if pinned else 'main'}",
            lesson_base=self.lesson_base,
            lesson_query=f"?rev={commit}" if pinned else "",
        )


def render_lesson_html(
    session: Session,
    blob_id: str,
    body: str,
    links: LessonLinks,
    caches: Caches,
    first_line: int | None = None,
) -> str:
    """Return the lesson body as HTML, from a cache when this blob was rendered here before;
    `first_line` (the file's line the body starts on) marks blocks with their lines."""
    return cached_html(
        session,
        blob_id,
        RENDERER_VERSION,
        links.context(),
        lambda: render_body(body, links.resolve, first_line),
        caches,
    )
