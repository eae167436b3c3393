"""The path-history index: lesson histories and blame that cost the same at any history length.

Every commit of a course's main gets a number (parents first) and a row per file it changed
(models/history.py). `catch_up` brings a course's index up to its main, whatever moved it
(the app calls it after every change of a course, and the "history.backfill" job for a long
way to go, such as an existing course's first indexing); `progress` says how far it is.
`file_history` reads a page of a file's history from it and `blame_lines` a version's blame;
both return None when the index cannot answer exactly, and the reading pages walk git then,
so a page is right while the index is behind, only slower.
"""

from __future__ import annotations

from ._blame import MAX_STEPS, blame_lines, last_version
from ._index import (
    BATCH,
    INLINE_LIMIT,
    Progress,
    backfill,
    catch_up,
    follow_change,
    progress,
    state_of,
)
from ._reads import file_history, name_at

__all__ = [
    "BATCH",
    "INLINE_LIMIT",
    "MAX_STEPS",
    "Progress",
    "backfill",
    "blame_lines",
    "catch_up",
    "file_history",
    "follow_change",
    "last_version",
    "name_at",
    "progress",
    "state_of",
]
