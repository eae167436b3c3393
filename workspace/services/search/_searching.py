"""Searching: the documents the acting user may read that match, best first, one page at a
time, each with its title and a passage, the matched words marked.

Who may find what is decided in SQL by the permission function's own conditions
(access.readable_networks, access.commenting_networks), never after the fact: a private
network's lesson is not among the rows counted, ranked or paged for someone who may not read
it. The network's own people match every field; a visitor of a public network matches only
what the lesson page shows visitors (no instructor notes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, and_, literal, or_, select, union_all
from sqlalchemy.orm import Session

from ...access import commenting_networks, readable_networks
from ...content.plaintext import MARK_END, MARK_START
from ...models import Course, LessonStandard, Network, SearchDocument, Thread
from ..context import Ctx
from ._documents import KIND_WORDS, LESSON, lesson_ref
from ._engines import engine_for
from ._query import Query, parse_query

PER_PAGE = 20
MAX_PAGE = 50  # 1,000 results; past that, a narrower search finds it faster
BROWSE_WORDS = 30
_SPACE = re.compile(r"\s+")
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


class SearchError(Exception):
    """A search that cannot be run as asked, with a message a teacher understands."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Filters:
    """What narrows a search: where (a network, one of its courses, a unit) and what (a
    grade band, a standards code, a kind of document). Empty values narrow nothing."""

    network: Network | None = None
    course: Course | None = None
    unit: str = ""
    grade_band: str = ""
    standard: str = ""  # a normalized code (content.normalize_standard)
    kind: str = ""

    @property
    def any(self) -> bool:
        """Return True when something narrows the search."""
        return bool(
            self.network or self.course or self.unit or self.grade_band or self.standard
        ) or bool(self.kind)


@dataclass(frozen=True)
class Passage:
    """Text with some words marked as matches: (text, matched) parts in order."""

    parts: tuple[tuple[str, bool], ...] = ()

    @property
    def text(self) -> str:
        """Return the text without marks."""
        return "".join(text for text, _ in self.parts)

    @property
    def html(self) -> Markup:
        """Return the text as escaped HTML, matched words in <mark>."""
        return Markup("").join(
            Markup("<mark>%s</mark>") % text if hit else escape(text) for text, hit in self.parts
        )

    @classmethod
    def from_marked(cls, marked: str) -> Passage:
        """Return the passage of a text whose matches are between MARK_START and MARK_END."""
        parts: list[tuple[str, bool]] = []
        hit = False
        for piece in _MARKS.split(marked or ""):
            if piece in (MARK_START, MARK_END):
                hit = piece == MARK_START
            elif piece:
                parts.append((_SPACE.sub(" ", piece), hit))
        return cls(tuple(parts))


@dataclass(frozen=True)
class Result:
    """One thing found: where it is, what it is called, and the passage that matched."""

    kind: str
    network: Network
    course: Course | None
    label: str
    title: Passage
    passage: Passage
    path: str | None = None
    unit: str = ""
    unit_title: str = ""
    standards: tuple[str, ...] = ()
    thread: Thread | None = None


@dataclass(frozen=True)
class ResultsPage:
    """One page of results, best first; `has_next` says whether another page follows (the
    results are never counted)."""

    text: str
    query: Query
    filters: Filters
    page: int
    results: list[Result] = field(default_factory=list)
    has_next: bool = False
    asked: bool = False


def _conditions(filters: Filters) -> list[ColumnElement[bool]]:
    doc = SearchDocument
    found: list[ColumnElement[bool]] = []
    if filters.network is not None:
        found.append(doc.network_id == filters.network.id)
    if filters.course is not None:
        found.append(doc.course_id == filters.course.id)
    if filters.kind:
        found.append(doc.kind == filters.kind)
    if filters.unit:
        found.append(doc.unit == filters.unit)
    if filters.grade_band:
        band = filters.grade_band
        courses = select(Course.id).filter(Course.grade_band == band)
        found.append(doc.kind == LESSON)
        found.append(
            or_(doc.grade_band == band, and_(doc.grade_band == "", doc.course_id.in_(courses)))
        )
    if filters.standard:
        tagged = select(LessonStandard.document_id).filter(LessonStandard.code == filters.standard)
        found.append(doc.kind == LESSON)
        found.append(doc.id.in_(tagged))
    return found


def search(
    ctx: Ctx,
    text: str,
    filters: Filters | None = None,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    token_scope: str | None = None,
) -> ResultsPage:
    """Return page `page` of what the acting user may read that matches `text` and
    `filters` (with no words, the filtered documents by title; with neither, nothing)."""
    filters = filters or Filters()
    query = parse_query(text)
    page = min(max(page, 1), MAX_PAGE)
    found = ResultsPage(text, query, filters, page)
    if query.is_empty and not filters.any:
        return found
    session = ctx.session
    # The networks are read first (a person's are few; for visitors, the public ones), so
    # the database plans the text search around two plain lists.
    readable_ids = set(session.scalars(select(Network.id).filter(readable_networks(ctx.user))))
    people_ids = set(
        session.scalars(select(Network.id).filter(commenting_networks(ctx.user, token_scope)))
    )
    if filters.network is not None:
        readable_ids &= {filters.network.id}
        people_ids &= {filters.network.id}
    visitor_ids = readable_ids - people_ids
    readable = SearchDocument.network_id.in_(sorted(readable_ids))
    people = SearchDocument.network_id.in_(sorted(people_ids))
    visitor = SearchDocument.network_id.in_(sorted(visitor_ids))
    conditions = _conditions(filters)
    offset = (page - 1) * per_page
    if query.is_empty:
        statement = (
            select(SearchDocument.id, literal(0.0).label("score"), literal(False).label("people"))
            .filter(readable, *conditions)
            .order_by(SearchDocument.label, SearchDocument.id)
        )
        rows = session.execute(statement.limit(per_page + 1).offset(offset)).all()
    else:
        engine = engine_for(session)
        parts = [
            engine.ranked(query, audience, [where, *conditions]).add_columns(
                literal(audience).label("people")
            )
            for audience, where, ids in ((True, people, people_ids), (False, visitor, visitor_ids))
            if ids
        ]
        rows = []
        if parts:
            matches = union_all(*parts).subquery()
            statement = select(matches.c.id, matches.c.score, matches.c.people).order_by(
                matches.c.score.desc(), matches.c.id
            )
            rows = session.execute(statement.limit(per_page + 1).offset(offset)).all()
    ids = [row.id for row in rows[:per_page]]
    marked = {}
    if ids and not query.is_empty:
        insiders = {row.id for row in rows[:per_page] if row.people}
        marked = engine_for(session).passages(session, query, ids, insiders)
    results = _results(session, ids, marked)
    return replace(found, results=results, has_next=len(rows) > per_page, asked=True)


def _results(session: Session, ids: list[int], marked: dict) -> list[Result]:
    """Return the results for documents `ids`, in that order."""
    if not ids:
        return []
    docs = {
        d.id: d for d in session.scalars(select(SearchDocument).filter(SearchDocument.id.in_(ids)))
    }
    courses = {
        c.id: c
        for c in session.scalars(
            select(Course).filter(Course.id.in_({d.course_id for d in docs.values()}))
        )
    }
    networks = {
        n.id: n
        for n in session.scalars(
            select(Network).filter(Network.id.in_({d.network_id for d in docs.values()}))
        )
    }
    threads = {
        t.id: t
        for t in session.scalars(
            select(Thread).filter(
                Thread.id.in_({d.thread_id for d in docs.values() if d.thread_id})
            )
        )
    }
    codes: dict[int, list[str]] = {}
    for document_id, code in session.execute(
        select(LessonStandard.document_id, LessonStandard.code)
        .filter(LessonStandard.document_id.in_(ids))
        .order_by(LessonStandard.id)
    ):
        codes.setdefault(document_id, []).append(code)
    lesson_titles = _lesson_titles(session, list(threads.values()))
    results = []
    for doc_id in ids:
        doc = docs[doc_id]
        thread = threads.get(doc.thread_id) if doc.thread_id else None
        label = doc.label
        if thread is not None:  # named by its lesson's title now, which may have changed
            lesson = lesson_titles.get(lesson_ref(thread.course_id, thread.path))
            if lesson:
                label = f"{KIND_WORDS.get(thread.kind, 'Thread')} on {lesson}"
        found = marked.get(doc_id)
        title = (
            Passage.from_marked(found.title)
            if found and found.title and doc.kind == LESSON
            else Passage(((label, False),))
        )
        if found is not None:
            passage = Passage.from_marked(found.passage)
        else:
            words = doc.body.split()
            passage = Passage(
                (
                    (
                        " ".join(words[:BROWSE_WORDS])
                        + (" …" if len(words) > BROWSE_WORDS else ""),
                        False,
                    ),
                )
            )
        results.append(
            Result(
                kind=doc.kind,
                network=networks[doc.network_id],
                course=courses.get(doc.course_id) if doc.course_id else None,
                label=label,
                title=title,
                passage=passage,
                path=thread.path if thread is not None else doc.path,
                unit=doc.unit,
                unit_title=doc.unit_title,
                standards=tuple(codes.get(doc_id, ())),
                thread=thread,
            )
        )
    return results


def _lesson_titles(session: Session, threads: list[Thread]) -> dict[str, str]:
    refs = [lesson_ref(t.course_id, t.path) for t in threads]
    if not refs:
        return {}
    rows = session.execute(
        select(SearchDocument.ref, SearchDocument.label).filter(
            SearchDocument.kind == LESSON, SearchDocument.ref.in_(refs)
        )
    )
    return {ref: label for ref, label in rows}  # noqa: C416  (rows are not pairs to dict())


def course_units(ctx: Ctx, course: Course) -> list[tuple[str, str]]:
    """Return the (unit, title) pairs of a course's indexed lessons, by title (the search
    page's unit filter)."""
    rows = ctx.session.execute(
        select(SearchDocument.unit, SearchDocument.unit_title)
        .filter_by(course_id=course.id, kind=LESSON)
        .distinct()
        .order_by(SearchDocument.unit_title, SearchDocument.unit)
    )
    return [(unit, title or unit) for unit, title in rows]
