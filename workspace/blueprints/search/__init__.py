"""The search area's pages: `/search` (lessons and threads the visitor may read) and each
network's standards page, both read from the search index."""

from __future__ import annotations

from ._asked import Asked, read_search, result_url
from .views import bp

__all__ = ["Asked", "bp", "read_search", "result_url"]
