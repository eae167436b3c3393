"""Adapting lessons from other courses: copies that remember their original (`based_on`),
compare with it, and bring in its later changes with the merge of concurrent saves."""

from __future__ import annotations

from ._adapting import (
    Adapted,
    AdaptError,
    BasedOn,
    Original,
    Pulled,
    adapt,
    adaptations_of,
    based_on,
    bring_in,
    course_key,
    follow_rename,
    forget_copy,
    marked,
    original_of,
    tracked_paths,
    writable_courses,
)

__all__ = [
    "AdaptError",
    "Adapted",
    "BasedOn",
    "Original",
    "Pulled",
    "adapt",
    "adaptations_of",
    "based_on",
    "bring_in",
    "course_key",
    "forget_copy",
    "marked",
    "follow_rename",
    "original_of",
    "tracked_paths",
    "writable_courses",
]
