"""Caches for what reading pages derive from lesson files: rendered HTML and lesson summaries.

Two layers: a small in-process LRU (per app, so tests and workers never share one) in front of
SQL tables shared by every worker. Keys are content addresses (a blob id plus the version of the
code that derived the value, plus for HTML where its relative links point), so entries are
never invalidated, only superseded.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from flask import Flask, Response, after_this_request, current_app, g, has_request_context
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ...content import RENDERER_VERSION, render_body
from ...content.paths import is_slug, parse_lesson_path
from ...models import LessonSummary, RenderedBlob

# Bump when what a summary holds changes; old rows are then simply not read.
SUMMARY_VERSION = "1"
LRU_SIZE = 4096
_SQL_CHUNK = 500


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


def reading_cache(app: Flask | None = None) -> ReadingCache:
    """Return the app's in-process reading cache, made on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.setdefault("reading_cache", ReadingCache())


def context_key(*parts: str) -> str:
    """Return a short fixed-size key for a link context (where relative links point)."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _insert_ignoring_duplicates(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Store cache rows: at the end of the request when there is one (all of a page's rows in
    one transaction), else now."""
    if not rows:
        return
    if not has_request_context():
        _write(session, [(model, rows)])
        return
    pending = g.setdefault("reading_cache_rows", [])
    if not pending:

        def flush(response: Response) -> Response:
            _write(session, g.pop("reading_cache_rows", []))
            return response

        after_this_request(flush)
    pending.append((model, rows))


def _write(session: Session, batches: list[tuple[type, list[dict[str, Any]]]]) -> None:
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
        current_app.logger.warning("Could not store %d cache rows", count, exc_info=True)


def cached_html(
    session: Session,
    blob_id: str,
    renderer_version: str,
    context: str,
    render: Callable[[], str],
) -> str:
    """Return the HTML for a blob in a link context, rendering only if no cache has it."""
    cache = reading_cache()
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
        _insert_ignoring_duplicates(session, RenderedBlob, [row])
    cache.put(key, html)
    return html


def cached_summaries(
    session: Session,
    blob_ids: Iterable[str],
    make: Callable[[list[str]], dict[str, dict[str, Any]]],
) -> dict[str, dict[str, Any]]:
    """Return the summary of each blob id, making (and storing) only the ones no cache has.

    `make(blob_ids)` returns a JSON-serializable summary for each of those blobs; it is called
    once, with every missing id, so it can read them in one batch.
    """
    cache = reading_cache()
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
        _insert_ignoring_duplicates(session, LessonSummary, new_rows)
    for blob_id in wanted:
        cache.put(("summary", blob_id, SUMMARY_VERSION), found[blob_id])
    return found


@dataclass(frozen=True)
class LessonLinks:
    """Where a lesson's relative links and images point on this site.

    Targets are read as paths in the repository relative to the lesson's folder (a leading
    `/` means the course root), as they work in a clone: `images/diagram.png` becomes a raw
    file URL, `../../energy/lessons/heat.md` a lesson page. Links written against page
    addresses (`../energy/heat` from a lesson page) also reach the lesson. A target that
    climbs out of the course becomes an inert `#`.
    """

    unit: str
    raw_base: str  # e.g. /n/net/course/raw/main (a commit id instead of main for old versions)
    lesson_base: str  # e.g. /n/net/course/lessons
    lesson_query: str = ""  # e.g. ?rev=<sha> so links stay in the version being viewed

    @property
    def folder(self) -> str:
        """Return the repository folder the lesson file is in."""
        return f"units/{self.unit}/lessons"

    def context(self) -> str:
        """Return the cache key part that captures every URL this resolver can produce."""
        return context_key(self.folder, self.raw_base, self.lesson_base, self.lesson_query)

    def _lesson_url(self, unit: str, lesson: str, fragment: str) -> str:
        return f"{self.lesson_base}/{unit}/{lesson}{self.lesson_query}{fragment}"

    def resolve(self, target: str) -> str:
        """Return the URL for a relative link or image target in this lesson."""
        cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
        raw_path, suffix = unquote(target[:cut]), target[cut:]
        fragment = suffix[suffix.find("#") :] if "#" in suffix else ""
        if not raw_path:
            return target
        if raw_path.startswith("/"):
            path = posixpath.normpath(raw_path.lstrip("/"))
        else:
            path = posixpath.normpath(posixpath.join(self.folder, raw_path))
        if path == "." or path.startswith("../") or path == "..":
            return "#"
        lesson = parse_lesson_path(path)
        if lesson is not None:
            return self._lesson_url(*lesson, fragment)
        if not posixpath.splitext(raw_path)[1] and not raw_path.startswith("/"):
            page = posixpath.normpath(posixpath.join(f"lessons/{self.unit}", raw_path))
            parts = page.split("/")
            if len(parts) == 3 and parts[0] == "lessons" and all(map(is_slug, parts[1:])):
                return self._lesson_url(parts[1], parts[2], fragment)
        return f"{self.raw_base}/{quote(path)}{fragment}"


def render_lesson_html(session: Session, blob_id: str, body: str, links: LessonLinks) -> str:
    """Return the lesson body as HTML, from a cache when this blob was rendered here before."""
    return cached_html(
        session,
        blob_id,
        RENDERER_VERSION,
        links.context(),
        lambda: render_body(body, links.resolve),
    )
