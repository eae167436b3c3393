"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector), behind one interface.

An engine answers two questions about a Query: which documents match and how well (`ranked`,
a SELECT of `id` and `score`, higher is better, within the caller's conditions), and, for the
few documents of one page, the matching words marked in their title and in a passage
(`passages`). The engine is chosen by the session's database (`engine_for`).

Ranking costs time for every document ranked, so a search that matches very many documents
ranks the newest CANDIDATES of them (documents are numbered as they are first indexed): a
word found in most lessons then still answers in a few milliseconds, and a more precise
search (another word, a filter) ranks everything it finds.

Each search is asked once per *audience*: the network's own people match every field, a
visitor matches only what visitors read (instructor notes are left out, see
content.plaintext), so a visitor never finds a lesson by words they cannot see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from ...content.plaintext import MARK_END, MARK_START
from ...models import SearchDocument
from ._query import Query, to_fts5, to_tsquery

# Fields a visitor's search may match and show, and the extra one for the network's people.
VISITOR_FIELDS = ("title", "standards", "objectives", "body")
PEOPLE_FIELDS = (*VISITOR_FIELDS, "notes")
# Where a result's passage comes from, by preference (its title is shown on its own).
PASSAGE_FIELDS = ("body", "objectives", "notes", "standards")
PASSAGE_WORDS = 28
CANDIDATES = 1000


@dataclass(frozen=True)
class Marked:
    """A document's title and passage with the matched words between MARK_START/MARK_END."""

    title: str
    passage: str


class Engine(Protocol):
    """What search needs of a database's full-text index."""

    def ranked(
        self, query: Query, people: bool, conditions: Sequence[ColumnElement[bool]]
    ) -> Select[tuple[int, float]]: ...

    def passages(
        self, session: Session, query: Query, ids: Iterable[int], people: set[int]
    ) -> dict[int, Marked]: ...


def _has_mark(text: str | None) -> bool:
    return bool(text) and MARK_START in text  # type: ignore[operator]


def _choose(fields: dict[str, str | None], allowed: Sequence[str]) -> str:
    """Return the passage of the first field with a match, else of the body."""
    for name in PASSAGE_FIELDS:
        if name in allowed and _has_mark(fields.get(name)):
            return fields[name] or ""
    return fields.get("body") or ""


class SqliteEngine:
    """FTS5: bm25 ranks with per-field weights; snippet() and highlight() mark the words."""

    # bm25 weights, in the index's field order: title, standards, objectives, body, notes.
    WEIGHTS = (10.0, 5.0, 4.0, 1.0, 1.0)
    _fts = table("search_fts")
    _columns = {"title": 0, "standards": 1, "objectives": 2, "body": 3, "notes": 4}

    def _match(self, query: Query, people: bool) -> str:
        return to_fts5(query, None if people else VISITOR_FIELDS)

    def ranked(
        self, query: Query, people: bool, conditions: Sequence[ColumnElement[bool]]
    ) -> Select[tuple[int, float]]:
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        score = literal_column(f"-bm25(search_fts, {weights})").label("score")
        rowid = literal_column("search_fts.rowid")
        match = literal_column("search_fts").op("MATCH")(
            bindparam(None, self._match(query, people))
        )
        # FTS5 walks the matches newest first, so the scan stops at CANDIDATES.
        newest = (
            select(SearchDocument.id.label("id"), score)
            .select_from(self._fts)
            .join(SearchDocument, SearchDocument.id == rowid)
            .where(match, *conditions)
            .order_by(rowid.desc())
            .limit(CANDIDATES)
            .subquery()
        )
        return select(newest.c.id, newest.c.score)

    def passages(
        self, session: Session, query: Query, ids: Iterable[int], people: set[int]
    ) -> dict[int, Marked]:
        found: dict[int, Marked] = {}
        wanted = list(ids)
        for audience in (True, False):
            chosen = [i for i in wanted if (i in people) == audience]
            if chosen:
                found |= self._marked(session, query, chosen, audience)
        return found

    def _marked(
        self, session: Session, query: Query, ids: list[int], people: bool
    ) -> dict[int, Marked]:
        marks = f"'{MARK_START}', '{MARK_END}'"
        fields = PEOPLE_FIELDS if people else VISITOR_FIELDS
        snippets = ", ".join(
            f"snippet(search_fts, {self._columns[name]}, {marks}, '…', {PASSAGE_WORDS})"
            for name in PASSAGE_FIELDS
            if name in fields
        )
        names = [name for name in PASSAGE_FIELDS if name in fields]
        statement = text(
            # Only constants are joined in; the query's words are a bound parameter.
            f"SELECT rowid, highlight(search_fts, 0, {marks}), {snippets} FROM search_fts "  # noqa: S608
            "WHERE search_fts MATCH :match AND rowid IN :ids"
        ).bindparams(bindparam("ids", expanding=True))
        rows = session.execute(statement, {"match": self._match(query, people), "ids": ids})
        found = {}
        for row in rows:
            by_field = dict(zip(names, row[2:], strict=True))
            found[row[0]] = Marked(row[1] or "", _choose(by_field, fields))
        return found


class PostgresEngine:
    """tsvector with weights (title A, standards and objectives B, notes C, body D): ts_rank
    ranks; ts_headline marks the words. A visitor's search filters the vector to A, B and D."""

    _vector = literal_column("search_documents.search_vector")
    _options = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={PASSAGE_WORDS}, MinWords=12, "
        "ShortWord=2"
    )
    _title_options = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"

    @staticmethod
    def _tsquery(query: Query) -> object:
        return func.to_tsquery(
            literal_column("'english'::regconfig"), bindparam(None, to_tsquery(query))
        )

    @staticmethod
    def _weights(letters: str) -> ColumnElement[Any]:
        return literal_column(f"'{{{letters}}}'::\"char\"[]")

    def ranked(
        self, query: Query, people: bool, conditions: Sequence[ColumnElement[bool]]
    ) -> Select[tuple[int, float]]:
        tsquery = self._tsquery(query)
        # The index finds the matches without reading them; only the newest CANDIDATES are
        # read, to rank them (and, for a visitor, to leave out matches in notes alone).
        newest = (
            select(SearchDocument.id)
            .where(self._vector.op("@@")(tsquery), *conditions)
            .order_by(SearchDocument.id.desc())
            .limit(CANDIDATES)
            .scalar_subquery()
        )
        vector = self._vector if people else func.ts_filter(self._vector, self._weights("a,b,d"))
        statement = select(SearchDocument.id, func.ts_rank(vector, tsquery).label("score"))
        statement = statement.where(SearchDocument.id.in_(newest))
        if not people:
            statement = statement.where(vector.op("@@")(tsquery))
        return statement

    def passages(
        self, session: Session, query: Query, ids: Iterable[int], people: set[int]
    ) -> dict[int, Marked]:
        tsquery = self._tsquery(query)
        english = literal_column("'english'::regconfig")
        options = bindparam("options", self._options)
        title_options = bindparam("title_options", self._title_options)
        doc = SearchDocument

        def has(letters: str) -> ColumnElement[bool]:
            return func.ts_filter(self._vector, self._weights(letters)).op("@@")(tsquery)

        def headline(text: Any) -> ColumnElement[str]:
            return func.ts_headline(english, text, tsquery, options)

        # One passage per document, from the first field that matches (headlines re-read
        # the text, so only the one shown is made).
        insider = doc.id.in_(sorted(people) or [0])
        passage = case(
            (has("d"), headline(doc.body)),
            (has("b"), headline(func.concat_ws(" … ", doc.objectives, doc.standards))),
            (and_(insider, has("c")), headline(doc.notes)),
            else_=func.left(doc.body, 240),
        )
        title = case(
            (has("a"), func.ts_headline(english, doc.title, tsquery, title_options)),
            else_=doc.title,
        )
        statement = select(doc.id, title, passage).where(doc.id.in_(list(ids)))
        return {row[0]: Marked(row[1] or "", row[2] or "") for row in session.execute(statement)}


def engine_for(session: Session) -> Engine:
    """Return the full-text engine of the session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return PostgresEngine()
    if name == "sqlite":
        return SqliteEngine()
    raise LookupError(f"Search needs SQLite or PostgreSQL, not {name}.")
