"""Word export of a lesson, a unit or a whole course, at one version of the course.

The use cases read the files (and the images the lessons show) from the course's repository
and hand them to content.word; they return the document with a file name for people,
"Carts on a ramp (student copy).docx". Who gets which copy is decided once, in
`word_choice`: the teacher copy (with the notes for teachers) is for those who may see those
notes on the lesson page, everyone else gets the student copy.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO
from urllib.parse import unquote

from ...content.checks import image_references, lesson_title
from ...content.outline import UnitEntry
from ...content.paths import lesson_path, title_from_slug, unit_path
from ...content.word import (
    SOLUTIONS,
    LessonSource,
    UnitSource,
    course_to_docx,
    markdown_to_docx,
    unit_to_docx,
)
from ...git import CourseRepo, GitStoreError
from ...models import Course
from ..context import Ctx, LessonRef
from ..reading import Caches, LessonNotFound, course_view, find_lesson_path

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


@dataclass(frozen=True)
class WordFile:
    """A Word document to download: its file name for people and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class WordArchive:
    """A .zip of Word documents to download, in a temporary file the caller closes."""

    name: str
    file: IO[bytes]


def word_choice(
    version: str | None, solutions: str | None, *, sees_teacher_notes: bool
) -> tuple[str, str]:
    """Return the (version, solutions) to export for what was asked: the teacher copy only for
    someone who may see the notes for teachers (others get the student copy); answers at the
    end of a teacher copy and left out of a student copy unless asked otherwise."""
    teacher = sees_teacher_notes and version != "student"
    chosen = "teacher" if teacher else "student"
    if solutions not in SOLUTIONS:
        solutions = "end" if teacher else "omit"
    return chosen, str(solutions)


def file_name(title: str, version: str, extension: str) -> str:
    """Return a download's file name made from a title: no path or control characters."""
    shown = " ".join(_UNSAFE_NAME.sub(" ", title).split())[:80].strip(" .") or "Lesson"
    return f"{shown} ({version} copy).{extension}"


def _images(repo: CourseRepo, commit: str, path: str, text: str) -> dict[str, bytes]:
    """Return the images the file at `path` shows that are in the course, by reference."""
    folder = posixpath.dirname(path)
    found: dict[str, bytes] = {}
    for src, _relative, _line in image_references(text):
        target = src.split("#", 1)[0].split("?", 1)[0]
        for candidate in dict.fromkeys((unquote(target), target)):
            where = posixpath.normpath(posixpath.join(folder, candidate))
            if not candidate or where.startswith("../") or where == "..":
                continue
            try:
                data = repo.read_file(where, commit)
            except GitStoreError:
                continue
            found[src] = found[unquote(src)] = data
            break
    return found


def _source(repo: CourseRepo, commit: str, path: str) -> LessonSource:
    try:
        text = repo.read_file(path, commit).decode("utf-8", "replace")
    except GitStoreError:
        text = ""  # a unit without unit.md
    return LessonSource(text, _images(repo, commit, path, text) if text else {})


def lesson_docx(
    ctx: Ctx, ref: LessonRef, *, version: str, solutions: str, rev: str = "main"
) -> WordFile:
    """Return the lesson at `rev` as a Word document; raise LessonNotFound, InvalidRevision
    or RevisionNotFound when there is no such lesson or version."""
    with ctx.store.open(ref.course.id) as repo:
        commit = repo.resolve(rev)
        path = find_lesson_path(repo, commit, ref.unit, ref.lesson)
        source = _source(repo, commit, path)
    data = markdown_to_docx(source.text, images=source.images, version=version, solutions=solutions)
    title = lesson_title(source.text) or title_from_slug(ref.lesson)
    return WordFile(file_name(title, version, "docx"), data)


def _units(ctx: Ctx, repo: CourseRepo, course: Course, commit: str) -> list[UnitEntry]:
    return course_view(ctx.session, repo, course.id, commit, course.title, Caches()).index.units


def _unit_source(repo: CourseRepo, commit: str, unit: UnitEntry) -> UnitSource:
    overview = _source(repo, commit, unit_path(unit.slug)) if unit.has_file else LessonSource("")
    lessons = [
        (entry.slug, _source(repo, commit, lesson_path(entry.unit, entry.slug)))
        for entry in unit.lessons
        if entry.status != "missing"
    ]
    return UnitSource(unit.slug, unit.title, overview.text, overview.images, lessons)


def unit_docx(
    ctx: Ctx, course: Course, unit: str, *, version: str, solutions: str, rev: str = "main"
) -> WordFile:
    """Return a unit at `rev` as one Word document: its overview, then its lessons in course
    order; raise LessonNotFound for a unit the course does not have."""
    with ctx.store.open(course.id) as repo:
        commit = repo.resolve(rev)
        entry = next((u for u in _units(ctx, repo, course, commit) if u.slug == unit), None)
        if entry is None:
            raise LessonNotFound(f"This course has no unit \u201c{unit}\u201d.")
        source = _unit_source(repo, commit, entry)
    data = unit_to_docx(
        source.text,
        [lesson for _slug, lesson in source.lessons],
        title=source.title,
        images=source.images,
        version=version,
        solutions=solutions,
    )
    return WordFile(file_name(entry.title, version, "docx"), data)


def course_docx(
    ctx: Ctx, course: Course, *, version: str, solutions: str, rev: str = "main"
) -> WordArchive:
    """Return the course at `rev` as a .zip of Word documents: `<unit>.docx` for each unit and
    `<unit>/<lesson>.docx` for each lesson, in course order."""
    with ctx.store.open(course.id) as repo:
        commit = repo.resolve(rev)
        units = [_unit_source(repo, commit, unit) for unit in _units(ctx, repo, course, commit)]
        when = repo.commit_info(commit).authored_at
    files = course_to_docx(units, version=version, solutions=solutions)
    archive = _zip(files, when.timetuple()[:6])
    return WordArchive(file_name(course.title, version, "zip"), archive)


def _zip(files: Iterable[tuple[str, bytes]], when: tuple[int, ...]) -> IO[bytes]:
    """Return a temporary file holding a zip of `files` (already compressed: stored as is)."""
    out = tempfile.TemporaryFile()  # handed to the caller, who closes it
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for name, data in files:
                info = zipfile.ZipInfo(name, date_time=when)  # type: ignore[arg-type]
                archive.writestr(info, data)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
