"""Lessons in and out of a course: imports (Markdown, Word, Carpentries-style lessons), with a
preview kept server-side until the person confirms it as one commit."""

from __future__ import annotations

from ._archive import ImportRefused, Limits, Upload
from ._imports import (
    PREVIEW_HOURS,
    Copied,
    ImportNotFound,
    ImportView,
    change_import,
    commit_import,
    copy_lessons,
    import_preview,
    start_import,
)
from ._plan import Plan, PlannedImage, PlannedLesson, Problem
from ._sources import ENCODINGS

__all__ = [
    "ENCODINGS",
    "PREVIEW_HOURS",
    "ImportNotFound",
    "ImportRefused",
    "Copied",
    "ImportView",
    "Limits",
    "Plan",
    "PlannedImage",
    "PlannedLesson",
    "Problem",
    "Upload",
    "change_import",
    "commit_import",
    "copy_lessons",
    "import_preview",
    "start_import",
]
