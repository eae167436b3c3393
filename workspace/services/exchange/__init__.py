"""Lessons in and out of a course: imports (Markdown, Word, Carpentries-style lessons), with a
preview kept server-side until the person confirms it as one commit; and Word exports of a
lesson, a unit or the whole course."""

from __future__ import annotations

from ._archive import ImportRefused, Limits, Upload
from ._export import (
    DOCX_TYPE,
    WordArchive,
    WordFile,
    course_docx,
    file_name,
    lesson_docx,
    unit_docx,
    word_choice,
)
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
    "DOCX_TYPE",
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
    "WordArchive",
    "WordFile",
    "change_import",
    "commit_import",
    "copy_lessons",
    "course_docx",
    "file_name",
    "import_preview",
    "lesson_docx",
    "start_import",
    "unit_docx",
    "word_choice",
]
