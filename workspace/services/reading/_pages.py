"""Reading use cases for a course and its lessons: each opens the course's repository itself.

A view, a job or a test calls these with a Ctx and what it wants to read; they give back plain
dataclasses (an iterator for the zip download) and raise the storage engine's InvalidRevision or
RevisionNotFound for a version that is not one of the course, LessonNotFound for a lesson
address that names no lesson. `caches` is where derived values are kept (see _caches); without
it, nothing is kept in memory beyond the call and new cache rows are stored at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ...content.outline import LessonEntry
from ...git import CommitInfo, CourseRepo
from ...models import Course
from ..context import Ctx, LessonRef
from ._caches import Caches
from ._files import CourseView, course_files, course_view, find_lesson_path
from ._history import HistoryEntry, course_history
from ._history_words import described_entries
from ._lesson_view import (
    LessonContent,
    LessonView,
    lesson_view,
    printed_lessons,
    unit_title_in,
)
from ._rendering import CourseLinks

RECENT_CHANGES = 10


def unit_title(ctx: Ctx, ref: LessonRef, caches: Caches | None = None) -> str:
    """Return what the unit of `ref` is called in the newest version of the course."""
    caches = caches or Caches()
    course = ref.course
    with ctx.store.open(course.id) as repo:
        files = course_files(repo, course.id, repo.resolve("main"), course.title, caches)
        return unit_title_in(ctx.session, repo, files, ref.unit, caches)


def lesson_page(
    ctx: Ctx,
    ref: LessonRef,
    rev: str = "main",
    *,
    links: CourseLinks,
    caches: Caches | None = None,
) -> LessonView:
    """Return the lesson at `rev`: its facts, body as HTML, last change and neighbours.

    On warm caches this reads no git object: only the branch's head, to know the commit.
    """
    caches = caches or Caches()
    course = ref.course
    with ctx.store.open(course.id) as repo:
        commit = repo.resolve(rev)
        return lesson_view(
            ctx.session,
            repo,
            course_id=course.id,
            course_title=course.title,
            unit=ref.unit,
            lesson=ref.lesson,
            commit=commit,
            links=links.lesson(ref.unit, rev, commit),
            caches=caches,
        )


@dataclass(frozen=True)
class LessonFile:
    """A lesson's whole file as stored at one commit (for the API and for people who clone)."""

    path: str
    commit: str
    content: str


def lesson_file(ctx: Ctx, ref: LessonRef, rev: str = "main") -> LessonFile:
    """Return the lesson's file at `rev`; raise LessonNotFound, InvalidRevision or
    RevisionNotFound when there is no such lesson or version."""
    with ctx.store.open(ref.course.id) as repo:
        commit = repo.resolve(rev)
        path = find_lesson_path(repo, commit, ref.unit, ref.lesson)
        content = repo.read_file(path, commit).decode("utf-8", "replace")
    return LessonFile(path, commit, content)


def version_of(ctx: Ctx, course: Course, rev: str) -> str:
    """Return the full id of the course's version `rev` names; raise InvalidRevision or
    RevisionNotFound when it names none."""
    with ctx.store.open(course.id) as repo:
        return repo.resolve(rev)


def course_page(
    ctx: Ctx, course: Course, rev: str = "main", *, caches: Caches | None = None
) -> CourseView:
    """Return the course's units and lessons at `rev` in course.yaml order, a card per lesson."""
    with ctx.store.open(course.id) as repo:
        return course_view(ctx.session, repo, course.id, rev, course.title, caches or Caches())


@dataclass(frozen=True)
class CourseHome:
    """What a course's home page shows: its outline at head and the latest changes."""

    view: CourseView
    recent: list[CommitInfo]
    # The same changes in teachers' words (lessons by title, outline changes), for the page.
    recent_words: list[HistoryEntry] = field(default_factory=list)


def course_home(ctx: Ctx, course: Course, *, caches: Caches | None = None) -> CourseHome:
    """Return the course at head with its RECENT_CHANGES newest commits."""
    caches = caches or Caches()
    with ctx.store.open(course.id) as repo:
        view = course_view(ctx.session, repo, course.id, "main", course.title, caches)
        recent = _recent_changes(repo, course.id, view.commit, caches)
        key = ("recent-words", course.id, view.commit)
        words = caches.memory.get(key)
        if words is None:
            page = course_history(repo, limit=RECENT_CHANGES, rev=view.commit)
            words = described_entries(ctx.session, repo, course, page.entries, caches)
            caches.memory.put(key, words)
    return CourseHome(view, recent, words)


def _recent_changes(
    repo: CourseRepo, course_id: int, commit: str, caches: Caches
) -> list[CommitInfo]:
    """Return the newest commits up to `commit` (cached: a commit's past never changes)."""
    key = ("recent", course_id, commit)
    found = caches.memory.get(key)
    if found is None:
        found = repo.history(commit, limit=RECENT_CHANGES).commits
        caches.memory.put(key, found)
    return found


@dataclass(frozen=True)
class PrintedCourse:
    """Every lesson of a course at one commit, in page order, with its content."""

    view: CourseView
    lessons: list[tuple[LessonEntry, LessonContent]]
    version: CommitInfo | None = None  # the version printed: its date goes on the cover


def printed_course(
    ctx: Ctx,
    course: Course,
    rev: str = "main",
    *,
    links: CourseLinks,
    caches: Caches | None = None,
) -> PrintedCourse:
    """Return the course at `rev` with every lesson's content, for printing."""
    caches = caches or Caches()
    with ctx.store.open(course.id) as repo:
        commit = repo.resolve(rev)
        view = course_view(ctx.session, repo, course.id, commit, course.title, caches)
        lessons = printed_lessons(
            ctx.session, repo, view, lambda unit: links.lesson(unit, rev, commit), caches
        )
        version = repo.commit_info(commit)
    return PrintedCourse(view, lessons, version)


@dataclass(frozen=True)
class CourseFile:
    """One file of the course at one commit, as stored (images, attachments, any file)."""

    path: str
    commit: str
    blob_id: str
    data: bytes


def course_file(ctx: Ctx, course: Course, rev: str, path: str) -> CourseFile:
    """Return the file at `path` in `rev`; raise PathNotFound or InvalidPath when there is none."""
    with ctx.store.open(course.id) as repo:
        commit = repo.resolve(rev)
        blob_id = repo.blob_id(path, commit)
        return CourseFile(path, commit, blob_id, repo.reader.read(blob_id)[1])


class ArchiveChunks(Iterator[bytes]):
    """The bytes of a zip download, holding the course's repository until closed.

    Close it when the download is over, read to the end or not (a WSGI server closes the
    response body it was given, which closes this): that gives the repository back.
    """

    def __init__(self, repo: CourseRepo, chunks: Iterator[bytes]) -> None:
        self._repo = repo
        self._chunks = chunks

    def __iter__(self) -> ArchiveChunks:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except BaseException:
            self.close()  # the end (or a failure): no need to wait for the server
            raise

    def close(self) -> None:
        """Stop the archive (its git process) and give the repository back; safe to repeat."""
        try:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()
        finally:
            self._repo.close()


@dataclass(frozen=True)
class CourseArchive:
    """A zip of the whole course at one commit, made as it is sent."""

    name: str  # <course>-<short commit>: the file's name without .zip, and its top folder
    commit: str
    chunks: ArchiveChunks


def course_archive(ctx: Ctx, course: Course, rev: str = "main") -> CourseArchive:
    """Return the course at `rev` as a streaming zip; the caller closes `chunks` when done."""
    repo = ctx.store.open(course.id)
    try:
        commit = repo.resolve(rev)
        name = f"{course.slug}-{commit[:10]}"
        chunks = repo.iter_archive_zip(commit, prefix=f"{name}/")
    except BaseException:
        repo.close()
        raise
    return CourseArchive(name, commit, ArchiveChunks(repo, chunks))
