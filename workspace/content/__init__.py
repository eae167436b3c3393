"""The lesson content format: front matter, course.yaml, standards codes, Markdown rendering.

Pure functions over text; this package imports neither Flask, the models nor the git layer, so
the web, the API and git hooks all read content the same way.
"""

from .course import (
    CourseIndex,
    CourseOutline,
    LessonEntry,
    UnitEntry,
    UnitOutline,
    add_lesson,
    add_unit,
    move_lesson,
    outline_with_tree,
    parse_course,
    remove_lesson,
    remove_unit,
    rename_lesson,
    rename_unit,
    reorder_lessons,
    reorder_units,
    set_unit_title,
    update_course_fields,
)
from .errors import (
    ContentError,
    CourseEditError,
    CourseFileError,
    FrontMatterError,
    InvalidSlug,
    InvalidStandard,
    Problem,
)
from .frontmatter import LessonDoc, compose_lesson, parse_lesson, update_front_matter
from .lesson import LessonMeta, ResourceLink, is_grade_band, lesson_meta, validate_lesson
from .lint import lint_lesson
from .paths import (
    COURSE_FILE,
    lesson_path,
    parse_lesson_path,
    parse_unit_path,
    slugify,
    title_from_slug,
    unique_slug,
    unit_path,
    validate_slug,
)
from .render import RENDERER_VERSION, Heading, RenderedLesson, render_body, render_markdown
from .scaffold import new_course_files
from .standards import Standard, describe, is_valid_standard, normalize_standard

__all__ = [
    "COURSE_FILE",
    "RENDERER_VERSION",
    "ContentError",
    "CourseEditError",
    "CourseFileError",
    "CourseIndex",
    "CourseOutline",
    "FrontMatterError",
    "Heading",
    "InvalidSlug",
    "InvalidStandard",
    "LessonDoc",
    "LessonEntry",
    "LessonMeta",
    "Problem",
    "RenderedLesson",
    "ResourceLink",
    "Standard",
    "UnitEntry",
    "UnitOutline",
    "add_lesson",
    "add_unit",
    "compose_lesson",
    "describe",
    "is_grade_band",
    "is_valid_standard",
    "lesson_meta",
    "lesson_path",
    "lint_lesson",
    "move_lesson",
    "new_course_files",
    "normalize_standard",
    "outline_with_tree",
    "parse_course",
    "parse_lesson",
    "parse_lesson_path",
    "parse_unit_path",
    "remove_lesson",
    "remove_unit",
    "rename_lesson",
    "rename_unit",
    "render_body",
    "render_markdown",
    "reorder_lessons",
    "reorder_units",
    "set_unit_title",
    "slugify",
    "title_from_slug",
    "unique_slug",
    "unit_path",
    "update_course_fields",
    "update_front_matter",
    "validate_lesson",
    "validate_slug",
]
