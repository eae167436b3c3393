"""Courses: create one with its repository, change its settings, archive, delete."""

from __future__ import annotations

from ._courses import (
    COURSE_FILE,
    GRADE_BANDS,
    LICENSES,
    RESERVED_SLUGS,
    SLUG_PATTERN,
    CourseError,
    CourseFields,
    CourseSlugError,
    check_course_slug,
    create_course,
    delete_course,
    network_courses,
    set_archived,
    update_course,
)

__all__ = [
    "COURSE_FILE",
    "CourseError",
    "CourseFields",
    "CourseSlugError",
    "GRADE_BANDS",
    "LICENSES",
    "RESERVED_SLUGS",
    "SLUG_PATTERN",
    "check_course_slug",
    "create_course",
    "delete_course",
    "network_courses",
    "set_archived",
    "update_course",
]
