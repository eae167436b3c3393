"""Search: lessons (title, standards, objectives, text) and review threads (their quote and
comments), for whoever may read them, with the matched words marked; and the standards a
network's lessons address.

    page = search.search(ctx, "energy transfer", search.Filters(network=net), page=1)
    for result in page.results: result.label, result.title.html, result.passage.html

The index lives in SQL (models/search.py): SQLite FTS5 or PostgreSQL full-text search behind
one interface (_engines.py). It is kept current by jobs: `index_course` after every change of
a course (web or push: it compares the version it last indexed with the newest), and
`index_thread` after every change of a thread. `reindex` rebuilds it.

Partner resources: the index takes `kind="resource"` documents (network-wide, `course_id`
None, `ref` the resource's id). The partners area adds an approved resource with
`put_document` and takes a retired one out with `remove_document`; the web edge then needs
only a link for them (blueprints/search/views.py, `result_url`).
"""

from __future__ import annotations

from ._documents import KIND_WORDS, LessonFields, lesson_fields, lesson_ref
from ._indexing import Indexed, index_course, index_thread, reindex
from ._query import MAX_QUERY_CHARS, MAX_TERMS, Query, parse_query, to_fts5, to_tsquery
from ._resources import put_document, remove_document
from ._searching import (
    MAX_PAGE,
    PER_PAGE,
    Filters,
    Passage,
    Result,
    ResultsPage,
    SearchError,
    course_units,
    search,
)
from ._standards import StandardLesson, StandardUse, network_standards

KINDS = ("lesson", "thread", "resource")

__all__ = [
    "KINDS",
    "KIND_WORDS",
    "MAX_PAGE",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "PER_PAGE",
    "Filters",
    "Indexed",
    "LessonFields",
    "Passage",
    "Query",
    "Result",
    "ResultsPage",
    "SearchError",
    "StandardLesson",
    "StandardUse",
    "course_units",
    "index_course",
    "index_thread",
    "lesson_fields",
    "lesson_ref",
    "network_standards",
    "parse_query",
    "put_document",
    "reindex",
    "remove_document",
    "search",
    "to_fts5",
    "to_tsquery",
]
