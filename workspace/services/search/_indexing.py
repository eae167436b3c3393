"""Keeping the index current: a course's lessons follow its newest version, threads follow
their comments.

`index_course` brings a course's lessons from the version it last indexed to the course's
newest one by comparing the two versions' files (only changed folders are read), whatever
happened between them: one save, a rename, a deletion, an import, a push of many commits.
The documents it changes and the version it reached are committed in one transaction, so the
index never claims a version it does not hold. It runs as a job after every change of a
course (see create_app); `reindex` rebuilds from nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ...content import ContentError, parse_course, parse_lesson
from ...content.paths import COURSE_FILE, parse_lesson_path, parse_unit_path, title_from_slug
from ...git import CourseRepo, GitStoreError
from ...models import Course, LessonStandard, SearchDocument, SearchIndexState, Thread
from ..context import Ctx
from ._documents import LESSON, THREAD, LessonFields, lesson_fields, lesson_ref, thread_fields

log = logging.getLogger(__name__)
ATTEMPTS = 3


@dataclass
class Indexed:
    """What one run did to a course's index: the version it reached and the lessons it
    added, changed and removed."""

    course_id: int
    commit: str | None = None
    added: int = 0
    changed: int = 0
    removed: int = 0
    threads: int = 0

    @property
    def lessons(self) -> int:
        return self.added + self.changed + self.removed


@dataclass
class _UnitTitles:
    """Unit titles at one version, read when first asked: unit.md, then course.yaml, then
    the unit's name."""

    repo: CourseRepo
    commit: str
    _found: dict[str, str] = field(default_factory=dict)
    _outline: dict[str, str] | None = None

    def _listed(self) -> dict[str, str]:
        if self._outline is None:
            self._outline = {}
            try:
                text = self.repo.read_file(COURSE_FILE, self.commit).decode("utf-8", "replace")
                outline = parse_course(text)
                self._outline = {u.slug: u.title for u in outline.units if u.title}
            except (GitStoreError, ContentError):
                pass
        return self._outline

    def __call__(self, unit: str) -> str:
        if unit not in self._found:
            title = None
            try:
                data = self.repo.read_file(f"units/{unit}/unit.md", self.commit)
                found = parse_lesson(data.decode("utf-8", "replace")).front_matter.get("title")
                title = str(found).strip() if isinstance(found, str | int | float) else None
            except (GitStoreError, ContentError):
                pass
            self._found[unit] = (title or self._listed().get(unit) or title_from_slug(unit))[:300]
        return self._found[unit]


def _fill(doc: SearchDocument, fields: LessonFields, unit_title: str, blob: str) -> None:
    doc.title = doc.label = fields.title
    doc.grade_band = fields.grade_band
    doc.standards = fields.standards_text
    doc.objectives = fields.objectives
    doc.body = fields.body
    doc.notes = fields.notes
    doc.unit_title = unit_title
    doc.blob_id = blob
    wanted = set(fields.standards)
    current = {row.code: row for row in doc.codes}
    for code, row in current.items():
        if code not in wanted:
            doc.codes.remove(row)
    doc.codes.extend(LessonStandard(code=c) for c in fields.standards if c not in current)


def _has_commit(repo: CourseRepo, commit: str) -> bool:
    try:
        repo.resolve(commit)
    except GitStoreError:
        return False
    return True


def _bring_up_to_date(ctx: Ctx, course_id: int, rebuild: bool) -> Indexed:
    session = ctx.session
    done = Indexed(course_id)
    course = session.get(Course, course_id)
    if course is None or not ctx.store.exists(course_id):
        return done
    # Two jobs for one course take turns (PostgreSQL); on SQLite one waits for the other's
    # write, and a clash on a new row is retried by index_course.
    state = session.get(SearchIndexState, course_id, with_for_update=True)
    with ctx.store.open(course_id) as repo:
        head = repo.head()
        done.commit = head
        if head is None or (state is not None and state.commit == head and not rebuild):
            return done
        old = state.commit if state is not None and not rebuild else None
        if old is not None and not _has_commit(repo, old):
            old = None
        if old is None:
            session.execute(delete(SearchDocument).filter_by(course_id=course_id, kind=LESSON))
        changes = repo.changed_paths(old, head)
        _index_lessons(ctx, course, repo, head, changes, done)
    if state is None:
        session.add(SearchIndexState(course_id=course_id, commit=head))
    else:
        state.commit = head
    _follow_thread_paths(ctx, course_id)
    session.commit()
    return done


def _index_lessons(
    ctx: Ctx,
    course: Course,
    repo: CourseRepo,
    head: str,
    changes: list[tuple[str, str | None, str | None]],
    done: Indexed,
) -> None:
    session = ctx.session
    titles = _UnitTitles(repo, head)
    lessons = {path: parsed for path, _, _ in changes if (parsed := parse_lesson_path(path))}
    refs = [lesson_ref(course.id, path) for path in lessons]
    existing: dict[str, SearchDocument] = {}
    for start in range(0, len(refs), 500):
        query = select(SearchDocument).filter(
            SearchDocument.kind == LESSON, SearchDocument.ref.in_(refs[start : start + 500])
        )
        existing |= {doc.path or "": doc for doc in session.scalars(query)}
    for path, _before, after in changes:
        parsed = lessons.get(path)
        if parsed is None:
            continue
        doc = existing.get(path)
        if after is None:
            if doc is not None:
                session.delete(doc)
                done.removed += 1
            continue
        if doc is not None and doc.blob_id == after:
            continue
        fields = lesson_fields(repo.read_blob(after), parsed[1])
        if doc is None:
            doc = SearchDocument(
                kind=LESSON,
                ref=lesson_ref(course.id, path),
                network_id=course.network_id,
                course_id=course.id,
                path=path,
                unit=parsed[0],
            )
            session.add(doc)
            done.added += 1
        else:
            done.changed += 1
        _fill(doc, fields, titles(parsed[0]), after)
    _retitle_units(ctx, course, changes, titles, set(lessons))


def _retitle_units(
    ctx: Ctx,
    course: Course,
    changes: list[tuple[str, str | None, str | None]],
    titles: _UnitTitles,
    lessons: set[str],
) -> None:
    """Give the course's other lessons their unit's new title when course.yaml or a unit.md
    changed (the lessons just indexed have it already)."""
    paths = [path for path, _, _ in changes]
    units = {unit for path in paths if (unit := parse_unit_path(path))}
    if COURSE_FILE not in paths and not units:
        return
    query = select(SearchDocument).filter_by(course_id=course.id, kind=LESSON)
    if COURSE_FILE not in paths:
        query = query.filter(SearchDocument.unit.in_(units))
    for doc in ctx.session.scalars(query):
        if doc.path not in lessons:
            title = titles(doc.unit)
            if doc.unit_title != title:
                doc.unit_title = title


def _follow_thread_paths(ctx: Ctx, course_id: int) -> None:
    """Return nothing; threads' documents take their lesson's new place after a rename
    (services.threads moves the threads themselves)."""
    moved = ctx.session.execute(
        select(SearchDocument, Thread.path)
        .join(Thread, Thread.id == SearchDocument.thread_id)
        .filter(SearchDocument.course_id == course_id, SearchDocument.kind == THREAD)
        .filter(SearchDocument.path != Thread.path)
    )
    for doc, path in moved:
        doc.path = path
        doc.unit = (parse_lesson_path(path) or ("", ""))[0]


def index_course(ctx: Ctx, course_id: int, *, rebuild: bool = False) -> Indexed:
    """Return what bringing the course's lessons in the index to its newest version did
    (`rebuild`: from nothing). Safe to run twice at once: the second finds nothing to do."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _bring_up_to_date(ctx, course_id, rebuild)
        except (IntegrityError, OperationalError):
            ctx.session.rollback()
            if attempt == ATTEMPTS:
                raise
            log.info("Indexing course %s met another indexing run; trying again", course_id)
    raise AssertionError("unreachable")


def _lesson_title(ctx: Ctx, course_id: int, path: str) -> str:
    found = ctx.session.scalar(
        select(SearchDocument.label).filter_by(kind=LESSON, ref=lesson_ref(course_id, path))
    )
    parsed = parse_lesson_path(path)
    return found or title_from_slug(parsed[1] if parsed else path.rsplit("/", 1)[-1])


def _put_thread(ctx: Ctx, thread_id: int) -> None:
    session = ctx.session
    ref = str(thread_id)
    doc = session.scalar(select(SearchDocument).filter_by(kind=THREAD, ref=ref))
    thread = session.get(Thread, thread_id)
    if thread is None:
        if doc is not None:
            session.delete(doc)
        return
    course = thread.course
    fields = thread_fields(thread, _lesson_title(ctx, course.id, thread.path))
    if doc is None:
        doc = SearchDocument(kind=THREAD, ref=ref, thread_id=thread.id)
        session.add(doc)
    doc.network_id, doc.course_id = course.network_id, course.id
    doc.path = thread.path
    doc.unit = (parse_lesson_path(thread.path) or ("", ""))[0]
    doc.label = fields.label
    doc.body = fields.body


def index_thread(ctx: Ctx, thread_id: int) -> None:
    """Return nothing, once the thread's words in the index are its current ones (or gone
    with the thread)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            _put_thread(ctx, thread_id)
            ctx.session.commit()
            return
        except (IntegrityError, OperationalError):
            ctx.session.rollback()
            if attempt == ATTEMPTS:
                raise


def reindex(ctx: Ctx, course_id: int | None = None) -> list[Indexed]:
    """Return what rebuilding the index did, course by course (one course, or all)."""
    query = select(Course.id).order_by(Course.id)
    if course_id is not None:
        query = query.filter(Course.id == course_id)
    done = []
    for cid in list(ctx.session.scalars(query)):
        indexed = index_course(ctx, cid, rebuild=True)
        ids = list(ctx.session.scalars(select(Thread.id).filter_by(course_id=cid)))
        for thread_id in ids:  # a deleted thread's document went with it
            _put_thread(ctx, thread_id)
        ctx.session.commit()
        indexed.threads = len(ids)
        done.append(indexed)
    return done
