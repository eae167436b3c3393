"""The search index in SQL: one row per searchable thing, the standards lessons address, and
how far each course's index has read its history.

`search_documents` holds the text of a lesson (at its course's newest version), a review
thread (its quote and comments) or, later, a partner resource, split into the fields search
weighs differently. Who may find a row is decided at query time from `network_id` through
the permission function (access.py); `notes` holds what only the network's own people read
(instructor notes), matched for them alone.

The full-text index itself is made per database beside this table, outside the models:

- SQLite: an FTS5 table `search_fts` over the text fields (external content: the rows live
  here once), kept in step by triggers;
- PostgreSQL: a generated `search_vector` column (title weight A, standards and objectives B,
  notes C, body D) with a GIN index.

`FULL_TEXT_DDL` makes them; `create_all` runs it after creating the table (the tests) and the
migration runs the same statements. `managed_by_models` tells Alembic's comparison to leave
them alone.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow


class DocumentKind(enum.StrEnum):
    LESSON = "lesson"
    THREAD = "thread"
    RESOURCE = "resource"


class SearchDocument(db.Model):
    """One searchable thing, in the fields search weighs: a lesson, a thread or a resource.

    `ref` names it within its kind: "<course id>:<path>" for a lesson, the thread's id, the
    resource's id. `label` is what a result is called (not searched).
    """

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "ref"),
        Index("ix_search_documents_course_kind", "course_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(1100))
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str | None] = mapped_column(String(1024))
    unit: Mapped[str] = mapped_column(String(64), default="")
    unit_title: Mapped[str] = mapped_column(String(300), default="")
    label: Mapped[str] = mapped_column(String(300), default="")
    grade_band: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    standards: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    blob_id: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    codes: Mapped[list[LessonStandard]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind} {self.ref}>"


class LessonStandard(db.Model):
    """A standards code a lesson lists in its front matter (normalized), for the standards
    pages and the search filter."""

    __tablename__ = "lesson_standards"
    __table_args__ = (UniqueConstraint("document_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("search_documents.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64), index=True)

    document: Mapped[SearchDocument] = relationship(back_populates="codes")


class SearchIndexState(db.Model):
    """The course version its search index was last brought up to (None: never indexed)."""

    __tablename__ = "search_index_states"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    commit: Mapped[str] = mapped_column(String(40))
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# The text fields in the order the full-text index holds them (FTS5 column numbers).
TEXT_FIELDS = ("title", "standards", "objectives", "body", "notes")
_FIELDS = ", ".join(TEXT_FIELDS)
_NEW = ", ".join(f"new.{name}" for name in TEXT_FIELDS)
_OLD = ", ".join(f"old.{name}" for name in TEXT_FIELDS)

# Built from the constant field names above only (no outside text), hence the noqa marks.
SQLITE_FTS_DDL: Sequence[str] = (
    f"CREATE VIRTUAL TABLE search_fts USING fts5({_FIELDS}, content='search_documents', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_documents BEGIN "  # noqa: S608
    f"INSERT INTO search_fts(rowid, {_FIELDS}) VALUES (new.id, {_NEW}); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_documents BEGIN "  # noqa: S608
    f"INSERT INTO search_fts(search_fts, rowid, {_FIELDS}) VALUES ('delete', old.id, {_OLD}); "
    "END",
    f"CREATE TRIGGER search_fts_update AFTER UPDATE OF {_FIELDS} ON search_documents BEGIN "  # noqa: S608
    f"INSERT INTO search_fts(search_fts, rowid, {_FIELDS}) VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO search_fts(rowid, {_FIELDS}) VALUES (new.id, {_NEW}); END",
)


def _pg_words(field: str, weight: str) -> str:
    # Punctuation splits words as SQLite's tokenizer does (HS-PS1-2, 7.RP.A.2, Newton's), so a
    # query means the same on both databases.
    text = f"regexp_replace(coalesce({field}, ''), '[^[:alnum:][:space:]]+', ' ', 'g')"
    return f"setweight(to_tsvector('english', {text}), '{weight}')"


PG_WEIGHTS = {"title": "A", "standards": "B", "objectives": "B", "notes": "C", "body": "D"}
POSTGRES_FTS_DDL: Sequence[str] = (
    "ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    + " || ".join(_pg_words(name, PG_WEIGHTS[name]) for name in TEXT_FIELDS)
    + ") STORED",
    "CREATE INDEX ix_search_documents_vector ON search_documents USING gin (search_vector)",
)
FULL_TEXT_DDL = {"sqlite": SQLITE_FTS_DDL, "postgresql": POSTGRES_FTS_DDL}

for _dialect, _statements in FULL_TEXT_DDL.items():
    for _statement in _statements:
        event.listen(
            SearchDocument.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect)
        )
event.listen(
    SearchDocument.__table__,
    "before_drop",
    DDL("DROP TABLE IF EXISTS search_fts").execute_if(dialect="sqlite"),
)

# What the full-text index adds beside the models, by kind of database object.
OUTSIDE_THE_MODELS = {
    "table": ("search_fts",),  # and its shadow tables, search_fts_data, ...
    "column": ("search_vector",),
    "index": ("ix_search_documents_vector",),
}


def managed_by_models(name: str | None, type_: str, parent_names: object = None) -> bool:
    """Return False for the full-text objects made per database beside the models (Alembic's
    `include_name`: comparing and autogenerating leave them alone)."""
    if name is None:
        return True
    outside = OUTSIDE_THE_MODELS.get(type_, ())
    if type_ == "table":
        return not any(name == t or name.startswith(f"{t}_") for t in outside)
    return name not in outside
