"""Reading a course: lesson pages, the course home, print and zip, history, commits,
comparisons and blame. Nothing here writes to a repository (except `restore`, a new commit).

The use cases take a Ctx and what to read (a Course, or a LessonRef), open the repository
themselves and return plain dataclasses:

    view = reading.lesson_page(ctx, LessonRef(course, "motion", "speed"), "main", links=links)

`links` (CourseLinks) says where the course's pages and files are on the site; `caches` (Caches)
the in-process cache to use and the batch new cache rows wait in. The web edge makes both
(blueprints/reading) and stores the batch after each request; elsewhere both may be left out.

`course_view` and `find_lesson_path` take an open repository, for the callers that still hold
one; new code uses the use cases.
"""

from __future__ import annotations

from ._caches import (
    LRU_SIZE,
    SUMMARY_VERSION,
    Caches,
    PendingRows,
    ReadingCache,
    cached_html,
    cached_summaries,
    reading_cache,
)
from ._describe import (
    MAX_LISTED,
    MAX_TITLED,
    VersionWords,
    describe_changes,
    headline,
    titles_needed,
    version_words,
)
from ._files import (
    CourseFiles,
    CourseView,
    LessonNotFound,
    course_view,
    find_lesson_path,
    reading_order,
)
from ._history import (
    API_MAX_PAGE,
    MAX_FILES_WITH_DIFF,
    MAX_WORD_DIFF_BYTES,
    PAGE_SIZE,
    PROSE_SUFFIXES,
    BlameGroup,
    ChangeView,
    FileView,
    HistoryEntry,
    HistoryView,
    is_prose,
    message_body,
    renamed_between,
    restore,
)
from ._history_diff import (
    CONTEXT_LINES,
    MAX_WORD_BLOCK,
    Runs,
    collapse_unchanged,
    prose_diff,
)
from ._history_pages import (
    BlameView,
    CommitView,
    CompareView,
    LessonHistory,
    PickedVersions,
    blame_page,
    commit_page,
    compare_page,
    course_history_page,
    lesson_history_page,
    pick_versions,
    revision_problems,
    version_info,
)
from ._lesson_view import LessonContent, LessonView
from ._pages import (
    RECENT_CHANGES,
    ArchiveChunks,
    CourseArchive,
    CourseFile,
    CourseHome,
    LessonFile,
    PrintedCourse,
    course_archive,
    course_file,
    course_home,
    course_page,
    lesson_file,
    lesson_page,
    printed_course,
    unit_title,
    version_of,
)
from ._rendering import CourseLinks, LessonLinks, context_key
from ._summaries import LessonCard, read_blobs, summarize
from ._text_changes import Passage, TextChange, blocks, fact_changes, plain_text, text_change
from ._titles import VersionTitles, title_now
from ._version_pages import ComparisonView, VersionView, comparison_page, version_page
from ._words import Described, TitleSource, exact_time, human_time, message_label, on_day, people

__all__ = [
    "API_MAX_PAGE",
    "ArchiveChunks",
    "BlameGroup",
    "BlameView",
    "CONTEXT_LINES",
    "Caches",
    "ChangeView",
    "CommitView",
    "CompareView",
    "ComparisonView",
    "CourseArchive",
    "CourseFile",
    "CourseFiles",
    "CourseHome",
    "CourseLinks",
    "CourseView",
    "Described",
    "FileView",
    "HistoryEntry",
    "HistoryView",
    "LRU_SIZE",
    "LessonCard",
    "LessonContent",
    "LessonFile",
    "LessonHistory",
    "LessonLinks",
    "LessonNotFound",
    "LessonView",
    "MAX_FILES_WITH_DIFF",
    "MAX_LISTED",
    "MAX_TITLED",
    "MAX_WORD_BLOCK",
    "MAX_WORD_DIFF_BYTES",
    "PAGE_SIZE",
    "PROSE_SUFFIXES",
    "Passage",
    "PendingRows",
    "PickedVersions",
    "PrintedCourse",
    "RECENT_CHANGES",
    "ReadingCache",
    "Runs",
    "SUMMARY_VERSION",
    "TextChange",
    "TitleSource",
    "VersionTitles",
    "VersionView",
    "VersionWords",
    "blame_page",
    "blocks",
    "cached_html",
    "cached_summaries",
    "collapse_unchanged",
    "commit_page",
    "compare_page",
    "comparison_page",
    "context_key",
    "course_archive",
    "course_file",
    "course_history_page",
    "course_home",
    "course_page",
    "course_view",
    "describe_changes",
    "exact_time",
    "fact_changes",
    "find_lesson_path",
    "headline",
    "human_time",
    "is_prose",
    "lesson_file",
    "lesson_history_page",
    "lesson_page",
    "title_now",
    "unit_title",
    "message_body",
    "renamed_between",
    "message_label",
    "on_day",
    "people",
    "pick_versions",
    "plain_text",
    "printed_course",
    "prose_diff",
    "read_blobs",
    "reading_cache",
    "reading_order",
    "restore",
    "revision_problems",
    "summarize",
    "text_change",
    "titles_needed",
    "version_info",
    "version_of",
    "version_page",
    "version_words",
]
