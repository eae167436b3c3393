"""course.yaml: the course's description and the order of its units and lessons.

```yaml
title: Chemistry in Context
subject: Chemistry
grade_band: "9-12"
license: CC-BY-4.0
units:
  - slug: energy
    title: Energy and matter     # optional; the title in unit.md wins when present
    lessons: [energy-transfer, calorimetry]
```

Order lives here rather than in file names, so reordering never renames a file (threads, cycles
and history stay attached). `outline_with_tree` matches the outline against the files present:
lessons listed without a file are "missing", lesson files not listed are "unlisted" and still
shown. Reading lives in `outline`, editing in `course_edit`; this module gathers both.
"""

from __future__ import annotations

from .course_edit import (
    add_lesson,
    add_unit,
    move_lesson,
    remove_lesson,
    remove_unit,
    rename_lesson,
    rename_unit,
    reorder_lessons,
    reorder_units,
    set_unit_title,
    update_course_fields,
)
from .errors import CourseEditError, CourseFileError
from .outline import (
    CourseIndex,
    CourseOutline,
    LessonEntry,
    LessonStatus,
    UnitEntry,
    UnitOutline,
    outline_with_tree,
    parse_course,
)
from .paths import (
    lesson_path,
    parse_lesson_path,
    parse_unit_path,
    slugify,
    unique_slug,
    unit_path,
    validate_slug,
)

__all__ = [
    "CourseEditError",
    "CourseFileError",
    "CourseIndex",
    "CourseOutline",
    "LessonEntry",
    "LessonStatus",
    "UnitEntry",
    "UnitOutline",
    "add_lesson",
    "add_unit",
    "lesson_path",
    "move_lesson",
    "outline_with_tree",
    "parse_course",
    "parse_lesson_path",
    "parse_unit_path",
    "remove_lesson",
    "remove_unit",
    "rename_lesson",
    "rename_unit",
    "reorder_lessons",
    "reorder_units",
    "set_unit_title",
    "slugify",
    "unique_slug",
    "unit_path",
    "update_course_fields",
    "validate_slug",
]
