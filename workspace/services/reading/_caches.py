"""Caches for what reading pages derive from lesson files: rendered HTML and lesson summaries.

Two layers: a small in-process LRU (ReadingCache, one per app, so tests and workers never share
one) in front of SQL tables shared by every worker. Keys are content addresses (a blob id plus
the version of the code that derived the value, plus for HTML where its relative links point),
so entries are never invalidated, only superseded.

A use case is handed a `Caches`: the in-process cache to use and, when the caller wants a page's
new rows stored together, a PendingRows batch the caller flushes once the page is done (the web
edge does so after each request). Without a batch, rows are stored as they are made.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ...models import LessonSummary, RenderedBlob

# Bump when what a summary holds changes; old rows are then simply not read.
SUMMARY_VERSION = "1"
LRU_SIZE = 4096
_SQL_CHUNK = 500
APP_EXTENSION = "reading_cache"  # where an app keeps its ReadingCache

log = logging.getLogger(__name__)

Rows = list[tuple[type, list[dict[str, Any]]]]


@dataclass
class ReadingCache:
    """The in-process cache of one app, with counters that tests and benchmarks read."""

    size: int = LRU_SIZE
    renders: int = 0  # lesson bodies actually rendered (cache misses at every level)
    summaries_parsed: int = 0  # lesson files read to make a summary
    _items: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: Hashable) -> Any | None:
        """Return the cached value, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        """Remember a value, forgetting the least recently used beyond `size`."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self, kinds: Iterable[str] | None = None) -> None:
        """Forget everything in this process, or only entries of the given kinds (the first
        part of their key: "html", "content", "summary", "last", "files", ...); the SQL
        tables stay."""
        with self._lock:
            if kinds is None:
                self._items.clear()
                return
            doomed = set(kinds)
            for key in [k for k in self._items if isinstance(k, tuple) and k[0] in doomed]:
                del self._items[key]


def reading_cache(app: Any) -> ReadingCache:
    """Return the in-process reading cache an app keeps in its `extensions`, made on first use.

    `app` is anything with an `extensions` dict (a Flask app); the web edge asks
    workspace.runtime.reading_cache, which gives the same object, and scripts that hold an app
    (benchmarks/pages.py) may ask here.
    """
    found = app.extensions.get(APP_EXTENSION)
    if found is None:
        found = app.extensions.setdefault(APP_EXTENSION, ReadingCache())
    return found  # type: ignore[no-any-return]


class PendingRows:
    """Cache rows made while building a page, stored together (one transaction) by flush()."""

    def __init__(self) -> None:
        self._batches: Rows = []

    def __len__(self) -> int:
        return sum(len(rows) for _model, rows in self._batches)

    def add(self, model: type, rows: list[dict[str, Any]]) -> None:
        """Keep rows of `model` for the next flush."""
        self._batches.append((model, rows))

    def flush(self, session: Session) -> None:
        """Store every kept row, skipping those another worker stored first; keep none."""
        batches, self._batches = self._batches, []
        if batches:
            store_rows(session, batches)


@dataclass(frozen=True)
class Caches:
    """The caches a reading use case reads and fills: the in-process one and, when given, the
    batch its new SQL rows wait in (None: each is stored at once)."""

    memory: ReadingCache = field(default_factory=ReadingCache)
    pending: PendingRows | None = None

    def store(self, session: Session, model: type, rows: list[dict[str, Any]]) -> None:
        """Store new cache rows now, or in the batch when there is one."""
        if not rows:
            return
        if self.pending is None:
            store_rows(session, [(model, rows)])
        else:
            self.pending.add(model, rows)


def store_rows(session: Session, batches: Rows) -> None:
    """Insert rows in one transaction, skipping those another worker inserted first."""
    engine = session.get_bind()
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    try:
        # Its own short transaction: a GET request's session stays untouched (nothing expires).
        with engine.begin() as connection:
            for model, rows in batches:
                for start in range(0, len(rows), _SQL_CHUNK):
                    chunk = rows[start : start + _SQL_CHUNK]
                    connection.execute(insert(model).values(chunk).on_conflict_do_nothing())
    except SQLAlchemyError:
        # A cache that cannot be written (read-only replica, locked database) only costs time.
        count = sum(len(rows) for _model, rows in batches)
        log.warning("Could not store %d cache rows", count, exc_info=True)


def cached_html(
    session: Session,
    blob_id: str,
    renderer_version: str,
    context: str,
    render: Callable[[], str],
    caches: Caches,
) -> str:
    """Return the HTML for a blob in a link context, rendering only if no cache has it."""
    cache = caches.memory
    key = ("html", blob_id, renderer_version, context)
    html = cache.get(key)
    if html is not None:
        return html
    html = session.scalar(
        select(RenderedBlob.html).filter_by(
            blob_id=blob_id, renderer_version=renderer_version, context=context
        )
    )
    if html is None:
        html = render()
        cache.renders += 1
        row = {
            "blob_id": blob_id,
            "renderer_version": renderer_version,
            "context": context,
            "html": html,
        }
        caches.store(session, RenderedBlob, [row])
    cache.put(key, html)
    return html


def cached_summaries(
    session: Session,
    blob_ids: Iterable[str],
    make: Callable[[list[str]], dict[str, dict[str, Any]]],
    caches: Caches,
) -> dict[str, dict[str, Any]]:
    """Return the summary of each blob id, making (and storing) only the ones no cache has.

    `make(blob_ids)` returns a JSON-serializable summary for each of those blobs; it is called
    once, with every missing id, so it can read them in one batch.
    """
    cache = caches.memory
    found: dict[str, dict[str, Any]] = {}
    wanted: list[str] = []
    for blob_id in dict.fromkeys(blob_ids):
        value = cache.get(("summary", blob_id, SUMMARY_VERSION))
        if value is None:
            wanted.append(blob_id)
        else:
            found[blob_id] = value
    for start in range(0, len(wanted), _SQL_CHUNK):
        chunk = wanted[start : start + _SQL_CHUNK]
        rows = session.execute(
            select(LessonSummary.blob_id, LessonSummary.data).where(
                LessonSummary.version == SUMMARY_VERSION, LessonSummary.blob_id.in_(chunk)
            )
        )
        for blob_id, data in rows:
            found[blob_id] = json.loads(data)
    missing = [blob_id for blob_id in wanted if blob_id not in found]
    if missing:
        made = make(missing)
        cache.summaries_parsed += len(missing)
        found.update(made)
        new_rows = [
            {"blob_id": blob_id, "version": SUMMARY_VERSION, "data": json.dumps(made[blob_id])}
            for blob_id in missing
        ]
        caches.store(session, LessonSummary, new_rows)
    for blob_id in wanted:
        cache.put(("summary", blob_id, SUMMARY_VERSION), found[blob_id])
    return found
