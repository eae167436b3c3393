"""One lesson as its page shows it: facts, rendered body, last change and neighbours.

Built on reading.course_files (the course at one commit, cached by commit id) and the render
cache (by blob id), so a lesson page costs the same at any history length: on a warm cache it
reads no git object at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from ...content import RENDERER_VERSION
from ...content.errors import ContentError, FrontMatterError
from ...content.frontmatter import parse_lesson
from ...content.lesson import LessonMeta, lesson_meta
from ...content.outline import LessonEntry
from ...content.paths import lesson_path, title_from_slug
from ...git import CourseRepo
from ...git.records import CommitInfo
from .. import history
from ._caches import Caches
from ._files import CourseFiles, CourseView, LessonNotFound, course_files, reading_order
from ._rendering import LessonLinks, render_lesson_html
from ._summaries import lesson_cards

_OBJECTIVES_SECTION = re.compile(r"^ {0,3}:{3,}\s*objectives\b", re.MULTILINE | re.IGNORECASE)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


@dataclass(frozen=True)
class LessonView:
    """A lesson as its page shows it at one commit."""

    unit: str
    slug: str
    path: str
    commit: str
    is_head: bool
    content: LessonContent
    last_change: CommitInfo | None
    status: str  # listed | unlisted
    previous: LessonEntry | None = None
    next: LessonEntry | None = None
    unit_title: str = ""


def _neighbours(
    session: Session, repo: CourseRepo, files: CourseFiles, unit: str, lesson: str, caches: Caches
) -> tuple[LessonEntry | None, LessonEntry | None, str, str]:
    """Return the previous and next lessons (titled), whether this one is listed, and the
    title of its unit."""
    order = reading_order(files, caches)
    try:
        position = order.index((unit, lesson))
    except ValueError:
        position = None
    near = {
        "before": order[position - 1] if position is not None and position > 0 else None,
        "after": order[position + 1]
        if position is not None and position + 1 < len(order)
        else None,
    }
    # Only the two neighbours' and the unit's titles are needed: not the whole course's.
    paths = {name: lesson_path(*pair) for name, pair in near.items() if pair is not None}
    unit_file = unit_file_path(unit)
    wanted = [files.entries[path] for path in paths.values()]
    if unit_file in files.entries:
        wanted.append(files.entries[unit_file])
    # The unit's title comes with the neighbours' in one read of summaries.
    cards = lesson_cards(session, repo, wanted, caches)
    unit_title = unit_title_in(session, repo, files, unit, caches, cards)

    def entry(name: str) -> LessonEntry | None:
        if name not in paths:
            return None
        path = paths[name]
        pair = files.lessons[path]
        title = cards[path].title or title_from_slug(pair[1])
        return LessonEntry(pair[0], pair[1], path, title, _status(files, *pair))

    return entry("before"), entry("after"), _status(files, unit, lesson), unit_title


def _status(files: CourseFiles, unit: str, lesson: str) -> str:
    outline_unit = files.outline.unit(unit)
    return "listed" if outline_unit is not None and lesson in outline_unit.lessons else "unlisted"


def unit_file_path(unit: str) -> str:
    return f"units/{unit}/unit.md"


def unit_title_in(
    session: Session,
    repo: CourseRepo,
    files: CourseFiles,
    unit: str,
    caches: Caches,
    cards: dict[str, Any] | None = None,
) -> str:
    """Return what a unit is called in `files`: the title in its unit.md, else in the course
    outline, else one made from its slug (`cards`: summaries already read, by path)."""
    path = unit_file_path(unit)
    title = None
    if path in files.entries:
        if cards is None or path not in cards:
            cards = lesson_cards(session, repo, [files.entries[path]], caches)
        title = cards[path].title
    outline_unit = files.outline.unit(unit)
    return title or (outline_unit.title if outline_unit else None) or title_from_slug(unit)


def last_change(
    session: Session, repo: CourseRepo, course_id: int, commit: str, path: str, caches: Caches
) -> CommitInfo | None:
    """Return the newest commit up to `commit` that changed the file at `path` (from the
    path-history index, or by walking git while the index cannot say)."""
    cache = caches.memory
    key = ("last", course_id, commit, path)
    found = cache.get(key)
    if found is None:
        sha = history.last_version(session, repo, course_id, path, commit)
        if sha is not None:
            found = repo.commit_info(sha)
        else:
            page = repo.history(commit, path=path, limit=1)
            found = page.commits[0] if page.commits else False
        cache.put(key, found)
    return found or None


def lesson_file_path(files: CourseFiles, unit: str, lesson: str) -> str:
    """Return the file path of a lesson in `files`, or raise LessonNotFound saying why."""
    try:
        path = lesson_path(unit, lesson)
    except ContentError as exc:
        raise LessonNotFound(exc.message) from None
    if path in files.entries:
        return path
    if not any(name.startswith(f"units/{unit}/") for name in files.entries):
        raise LessonNotFound(f"This course has no unit \u201c{unit}\u201d.")
    raise LessonNotFound(f"The unit \u201c{unit}\u201d has no lesson \u201c{lesson}\u201d.")


@dataclass(frozen=True)
class LessonContent:
    """A lesson file read for display: facts, body HTML, or the raw text and the error."""

    title: str
    meta: LessonMeta | None
    html: Markup | None
    error: ContentError | None
    raw_text: str | None
    # The body has its own `::: objectives` section: the front matter's list is not repeated.
    objectives_in_body: bool = False


def lesson_content(
    session: Session,
    repo: CourseRepo,
    blob_id: str,
    slug: str,
    links: LessonLinks,
    caches: Caches,
) -> LessonContent:
    """Return a lesson file ready to show (cached by blob and link context).

    A file whose front matter cannot be read still gives content: `error` says what is wrong
    and `raw_text` holds the file as written.
    """
    cache = caches.memory
    key = ("content", blob_id, RENDERER_VERSION, links.context(), slug)
    found = cache.get(key)
    if found is not None:
        return found
    text = _text(repo.reader.read(blob_id)[1])
    try:
        doc = parse_lesson(text)
    except FrontMatterError as exc:
        content = LessonContent(slug, None, None, exc, text)
    else:
        meta = lesson_meta(doc.front_matter, fallback_title=title_from_slug(slug))
        html = render_lesson_html(session, blob_id, doc.body, links, caches, doc.body_line)
        in_body = _OBJECTIVES_SECTION.search(doc.body) is not None
        content = LessonContent(meta.title, meta, Markup(html), None, None, in_body)  # noqa: S704
    cache.put(key, content)
    return content


def lesson_view(
    session: Session,
    repo: CourseRepo,
    *,
    course_id: int,
    course_title: str,
    unit: str,
    lesson: str,
    commit: str,
    links: LessonLinks,
    caches: Caches,
) -> LessonView:
    """Return the lesson at `commit` (a resolved commit id): facts from its front matter, the
    body as HTML, the last change and its neighbours; raise LessonNotFound for a bad address."""
    files = course_files(repo, course_id, commit, course_title, caches)
    path = lesson_file_path(files, unit, lesson)
    content = lesson_content(session, repo, files.entries[path].blob_id, lesson, links, caches)
    previous, after, status, unit_title = _neighbours(session, repo, files, unit, lesson, caches)
    return LessonView(
        unit=unit,
        slug=lesson,
        path=path,
        commit=commit,
        is_head=commit == repo.head(),
        content=content,
        last_change=last_change(session, repo, course_id, commit, path, caches),
        status=status,
        previous=previous,
        next=after,
        unit_title=unit_title,
    )


def printed_lessons(
    session: Session,
    repo: CourseRepo,
    view: CourseView,
    links_for: Callable[[str], LessonLinks],
    caches: Caches,
) -> list[tuple[LessonEntry, LessonContent]]:
    """Return every lesson of the course in page order with its content (for printing)."""
    printed = []
    for entry in view.index.lessons:
        blob_id = view.blob_ids.get(entry.path)
        if blob_id is None:
            continue
        content = lesson_content(session, repo, blob_id, entry.slug, links_for(entry.unit), caches)
        printed.append((entry, content))
    return printed
