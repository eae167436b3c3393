"""Reading a course: its outline with lesson summaries, and one lesson as a page shows it.

Everything here is derived from one commit and cached under that commit id or a blob id, so the
cost of a page does not grow with the history: a course with 10,000 commits reads the same few
objects as one with ten. Functions take the session and an open CourseRepo and return plain
dataclasses; views turn them into HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from ..content.course import (
    CourseIndex,
    CourseOutline,
    LessonEntry,
    outline_with_tree,
    parse_course,
)
from ..content.errors import ContentError, CourseFileError, FrontMatterError
from ..content.frontmatter import parse_lesson
from ..content.lesson import LessonMeta, lesson_meta
from ..content.paths import COURSE_FILE, lesson_path, parse_lesson_path, parse_unit_path
from ..git import CourseRepo
from ..git.errors import PathNotFound
from ..git.records import CommitInfo, TreeEntry
from .rendering import LessonLinks, cached_summaries, reading_cache, render_lesson_html


class LessonNotFound(Exception):
    """A lesson URL that names no lesson file; `message` says which part is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LessonCard:
    """What the course page shows of a lesson: its title, length and standards."""

    title: str | None
    duration: int | None = None
    standards: list[tuple[str, str]] = field(default_factory=list)  # (code, display)
    error: str | None = None


@dataclass(frozen=True)
class CourseFiles:
    """course.yaml and the files under units/ in one commit."""

    commit: str
    outline: CourseOutline
    outline_error: str | None
    entries: dict[str, TreeEntry]  # lesson and unit files by path


@dataclass(frozen=True)
class CourseView:
    """A course as its home page shows it at one commit."""

    commit: str
    index: CourseIndex
    cards: dict[str, LessonCard]  # by file path
    outline_error: str | None
    blob_ids: dict[str, str]  # by file path


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


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def course_files(repo: CourseRepo, course_id: int, commit: str, fallback_title: str) -> CourseFiles:
    """Return course.yaml read (leniently) and the lesson and unit files at `commit`."""
    cache = reading_cache()
    key = ("files", course_id, commit)
    found = cache.get(key)
    if found is not None:
        return found
    error = None
    try:
        outline = parse_course(_text(repo.read_file(COURSE_FILE, commit)))
    except PathNotFound:
        outline, error = CourseOutline(title=fallback_title), f"The course has no {COURSE_FILE}."
    except CourseFileError as exc:
        outline, error = CourseOutline(title=fallback_title), exc.message
    try:
        tree = repo.list_tree(commit, prefix="units", recursive=True)
    except PathNotFound:
        tree = []
    entries = {
        entry.path: entry
        for entry in tree
        if entry.kind == "blob"
        and (parse_lesson_path(entry.path) is not None or parse_unit_path(entry.path) is not None)
    }
    files = CourseFiles(commit, outline, error, entries)
    cache.put(key, files)
    return files


def _summarize(data: bytes) -> dict[str, Any]:
    """Return the JSON summary of a lesson or unit file (what the course page shows)."""
    try:
        front_matter = parse_lesson(_text(data)).front_matter
    except FrontMatterError as exc:
        return {"title": None, "duration": None, "standards": [], "error": exc.message}
    meta = lesson_meta(front_matter, fallback_title="")
    return {
        "title": meta.title or None,
        "duration": meta.duration,
        "standards": [[s.code, s.display] for s in meta.standards],
        "error": None,
    }


def _cards(session: Session, repo: CourseRepo, entries: list[TreeEntry]) -> dict[str, LessonCard]:
    """Return the card of each file, reading only files no cache has summarized."""
    summaries = cached_summaries(
        session, (e.blob_id for e in entries), lambda blob: _summarize(repo.reader.read(blob)[1])
    )
    cards = {}
    for entry in entries:
        data = summaries[entry.blob_id]
        standards = [(code, display) for code, display in data.get("standards", [])]
        cards[entry.path] = LessonCard(
            data.get("title"), data.get("duration"), standards, data.get("error")
        )
    return cards


def course_view(
    session: Session, repo: CourseRepo, course_id: int, rev: str, fallback_title: str
) -> CourseView:
    """Return the course's units and lessons in course.yaml order, with a card per lesson."""
    commit = repo.resolve(rev)
    cache = reading_cache()
    key = ("course", course_id, commit)
    found = cache.get(key)
    if found is not None:
        return found
    files = course_files(repo, course_id, commit, fallback_title)
    cards = _cards(session, repo, list(files.entries.values()))
    titles = {path: card.title for path, card in cards.items() if card.title}
    index = outline_with_tree(files.outline, files.entries, titles)
    blob_ids = {path: entry.blob_id for path, entry in files.entries.items()}
    view = CourseView(commit, index, cards, files.outline_error, blob_ids)
    cache.put(key, view)
    return view


def _neighbours(
    session: Session, repo: CourseRepo, files: CourseFiles, unit: str, lesson: str
) -> tuple[LessonEntry | None, LessonEntry | None, str]:
    """Return the previous and next lessons (titled) and whether this one is listed."""
    cache = reading_cache()
    key = ("neighbours", files.commit, files.outline.title, unit, lesson)
    found = cache.get(key)
    if found is not None:
        return found
    index = outline_with_tree(files.outline, files.entries)
    entry = index.find(unit, lesson)
    before, after = index.neighbours(unit, lesson)
    near = [e for e in (before, after) if e is not None and e.path in files.entries]
    # Only the two neighbours' titles are needed: read two summaries, not the whole course.
    cards = _cards(session, repo, [files.entries[e.path] for e in near])

    def titled(e: LessonEntry | None) -> LessonEntry | None:
        if e is None or not (cards.get(e.path) and cards[e.path].title):
            return e
        return LessonEntry(e.unit, e.slug, e.path, cards[e.path].title or e.title, e.status)

    result = (titled(before), titled(after), entry.status if entry else "unlisted")
    cache.put(key, result)
    return result


def last_change(repo: CourseRepo, course_id: int, commit: str, path: str) -> CommitInfo | None:
    """Return the newest commit up to `commit` that changed the file at `path`."""
    cache = reading_cache()
    key = ("last", course_id, commit, path)
    found = cache.get(key)
    if found is None:
        page = repo.history(commit, path=path, limit=1)
        found = page.commits[0] if page.commits else False
        cache.put(key, found)
    return found or None


def find_lesson_path(repo: CourseRepo, commit: str, unit: str, lesson: str) -> str:
    """Return the file path of a lesson at `commit`, or raise LessonNotFound saying why."""
    try:
        path = lesson_path(unit, lesson)
    except ContentError as exc:
        raise LessonNotFound(exc.message) from None
    if repo.exists(path, commit):
        return path
    if not repo.exists(f"units/{unit}", commit):
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


def lesson_content(
    session: Session, repo: CourseRepo, blob_id: str, slug: str, links: LessonLinks
) -> LessonContent:
    """Return a lesson file ready to show; a file whose front matter cannot be read still
    gives content: `error` says what is wrong and `raw_text` holds the file as written."""
    text = _text(repo.reader.read(blob_id)[1])
    try:
        doc = parse_lesson(text)
    except FrontMatterError as exc:
        return LessonContent(slug, None, None, exc, text)
    meta = lesson_meta(doc.front_matter, fallback_title=slug.replace("-", " ").capitalize())
    html = render_lesson_html(session, blob_id, doc.body, links)
    return LessonContent(meta.title, meta, Markup(html), None, None)  # noqa: S704 (safe renderer)


def lesson_view(
    session: Session,
    repo: CourseRepo,
    *,
    course_id: int,
    course_title: str,
    unit: str,
    lesson: str,
    rev: str,
    links: LessonLinks,
) -> LessonView:
    """Return the lesson at `rev`: facts from its front matter, the body as HTML, last change."""
    commit = repo.resolve(rev)
    path = find_lesson_path(repo, commit, unit, lesson)
    content = lesson_content(session, repo, repo.blob_id(path, commit), lesson, links)
    files = course_files(repo, course_id, commit, course_title)
    previous, after, status = _neighbours(session, repo, files, unit, lesson)
    return LessonView(
        unit=unit,
        slug=lesson,
        path=path,
        commit=commit,
        is_head=commit == repo.head(),
        content=content,
        last_change=last_change(repo, course_id, commit, path),
        status=status,
        previous=previous,
        next=after,
    )


def printed_lessons(
    session: Session,
    repo: CourseRepo,
    view: CourseView,
    links_for: Callable[[str], LessonLinks],
) -> list[tuple[LessonEntry, LessonContent]]:
    """Return every lesson of the course in page order with its content (for printing)."""
    printed = []
    for entry in view.index.lessons:
        blob_id = view.blob_ids.get(entry.path)
        if blob_id is None:
            continue
        content = lesson_content(session, repo, blob_id, entry.slug, links_for(entry.unit))
        printed.append((entry, content))
    return printed
