"""The reading area's pages: lessons, standards, history, commits, comparisons and blame.

Also the web side of the reading caches, for every area whose views read courses:
`reading_caches()` gives a request the app's in-process cache and a batch for the cache rows
its pages make, and `store_cache_rows` (an after-request hook, registered with the lessons
blueprint) stores that batch in one transaction once the response is ready.
"""

from __future__ import annotations

from flask import g
from werkzeug.wrappers import Response

from ...extensions import db
from ...runtime import reading_cache
from ...services.reading import Caches, PendingRows


def reading_caches() -> Caches:
    """Return this request's caches: the app's in-process cache and the request's row batch."""
    found: Caches | None = g.get("reading_caches")
    if found is None:
        found = g.reading_caches = Caches(reading_cache(), PendingRows())
    return found


def store_cache_rows(response: Response) -> Response:
    """Store the cache rows this request's pages made (nothing when it read no course)."""
    found: Caches | None = g.pop("reading_caches", None)
    if found is not None and found.pending is not None:
        found.pending.flush(db.session)
    return response
