"""Reading a course: course.yaml and the lesson files at one commit, and the course outline.

Everything here is derived from one commit and cached under that commit id or a blob id, so the
cost of a page does not grow with the history: a course with 10,000 commits reads the same few
objects as one with ten. Functions take the session, an open CourseRepo and the caches to use,
and return plain dataclasses; the use cases (_pages) open the repository and views turn their
results into HTML. One lesson's page is built in _lesson_view.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ...content.errors import ContentError, CourseFileError
from ...content.outline import (
    CourseIndex,
    CourseOutline,
    outline_with_tree,
    parse_course,
)
from ...content.paths import (
    COURSE_FILE,
    lesson_path,
    parse_lesson_path,
    parse_unit_path,
)
from ...git import CourseRepo
from ...git.errors import PathNotFound
from ...git.records import TreeEntry
from ._caches import Caches
from ._summaries import LessonCard, lesson_cards


class LessonNotFound(Exception):
    """A lesson URL that names no lesson file; `message` says which part is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CourseFiles:
    """course.yaml and the files under units/ in one commit."""

    course_id: int
    commit: str
    outline: CourseOutline
    outline_error: str | None
    entries: dict[str, TreeEntry]  # lesson and unit files by path
    lessons: dict[str, tuple[str, str]]  # (unit, lesson) of each lesson file, by path


@dataclass(frozen=True)
class CourseView:
    """A course as its home page shows it at one commit."""

    commit: str
    index: CourseIndex
    cards: dict[str, LessonCard]  # by file path
    outline_error: str | None
    blob_ids: dict[str, str]  # by file path


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _outline(
    repo: CourseRepo, commit: str, fallback_title: str, caches: Caches
) -> tuple[CourseOutline, str | None]:
    """Return course.yaml read leniently (and the problem with it), cached by its blob id."""
    try:
        blob_id = repo.blob_id(COURSE_FILE, commit)
    except PathNotFound:
        return CourseOutline(title=fallback_title), f"The course has no {COURSE_FILE}."
    cache = caches.memory
    key = ("outline", blob_id, fallback_title)
    found = cache.get(key)
    if found is None:
        try:
            found = (parse_course(_text(repo.reader.read(blob_id)[1])), None)
        except CourseFileError as exc:
            found = (CourseOutline(title=fallback_title), exc.message)
        cache.put(key, found)
    return found


def course_files(
    repo: CourseRepo, course_id: int, commit: str, fallback_title: str, caches: Caches
) -> CourseFiles:
    """Return course.yaml read (leniently) and the lesson and unit files at `commit`."""
    cache = caches.memory
    key = ("files", course_id, commit)
    found = cache.get(key)
    if found is not None:
        return found
    outline, error = _outline(repo, commit, fallback_title, caches)
    try:
        tree = repo.list_tree(commit, prefix="units", recursive=True)
    except PathNotFound:
        tree = []
    entries: dict[str, TreeEntry] = {}
    lessons: dict[str, tuple[str, str]] = {}
    for entry in tree:
        if entry.kind != "blob":
            continue
        if (names := parse_lesson_path(entry.path)) is not None:
            entries[entry.path] = entry
            lessons[entry.path] = names
        elif parse_unit_path(entry.path) is not None:
            entries[entry.path] = entry
    files = CourseFiles(course_id, commit, outline, error, entries, lessons)
    cache.put(key, files)
    return files


def reading_order(files: CourseFiles, caches: Caches) -> list[tuple[str, str]]:
    """Return (unit, lesson) of every lesson file in page order, as outline_with_tree orders
    them: course.yaml's units and lessons, a unit's unlisted lessons after its listed ones,
    then units course.yaml does not list. Cheaper than the full index for one lesson page."""
    cache = caches.memory
    key = ("order", files.course_id, files.commit)
    found = cache.get(key)
    if found is not None:
        return found
    present: dict[str, set[str]] = {}
    for unit, lesson in files.lessons.values():
        present.setdefault(unit, set()).add(lesson)
    order: list[tuple[str, str]] = []
    for outline_unit in files.outline.units:
        have = present.get(outline_unit.slug, set())
        order += [(outline_unit.slug, s) for s in outline_unit.lessons if s in have]
        order += [(outline_unit.slug, s) for s in sorted(have - set(outline_unit.lessons))]
    for unit in sorted(set(present) - {u.slug for u in files.outline.units}):
        order += [(unit, lesson) for lesson in sorted(present[unit])]
    cache.put(key, order)
    return order


def course_view(
    session: Session,
    repo: CourseRepo,
    course_id: int,
    rev: str,
    fallback_title: str,
    caches: Caches | None = None,
) -> CourseView:
    """Return the course's units and lessons in course.yaml order, with a card per lesson.

    For callers that already hold the repository open; others ask reading.course_page. Without
    `caches`, nothing is kept in memory beyond this call (the SQL summaries still are).
    """
    caches = caches or Caches()
    commit = repo.resolve(rev)
    cache = caches.memory
    key = ("course", course_id, commit)
    found = cache.get(key)
    if found is not None:
        return found
    files = course_files(repo, course_id, commit, fallback_title, caches)
    cards = lesson_cards(session, repo, list(files.entries.values()), caches)
    titles = {path: card.title for path, card in cards.items() if card.title}
    index = outline_with_tree(files.outline, files.entries, titles)
    blob_ids = {path: entry.blob_id for path, entry in files.entries.items()}
    view = CourseView(commit, index, cards, files.outline_error, blob_ids)
    cache.put(key, view)
    return view


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
