"""Review threads: comments on lines of a lesson that follow the text as the lesson changes."""

from __future__ import annotations

# --- Anchoring: where a thread's quoted lines are in another version (pure, texts only) ---
from ._anchoring import (
    NEARBY_LINES,
    WHOLE_LESSON,
    Anchor,
    AnchorError,
    Position,
    anchor_at,
    follow,
    follow_through,
    lines_of,
    quote_of,
)

# --- Threads and comments: the use cases, where threads sit, mentions ---
from ._mentions import comment_html, member_names, mentioned
from ._positions import (
    CourseThreads,
    HistoryMarks,
    LessonThreads,
    ThreadView,
    course_threads,
    history_marks,
    lesson_threads,
    place,
    place_thread,
)
from ._threads import (
    KINDS,
    MAX_BODY,
    NewThread,
    ThreadError,
    answered_by,
    delete_comment,
    edit_comment,
    find_thread,
    follow_rename,
    lesson_of,
    may_resolve,
    open_thread,
    record_answers,
    reply,
    set_status,
    tracked_paths,
)

__all__ = [
    # --- Anchoring ---
    "NEARBY_LINES",
    "WHOLE_LESSON",
    "Anchor",
    "AnchorError",
    "Position",
    "anchor_at",
    "follow",
    "follow_through",
    "lines_of",
    "quote_of",
    # --- Threads and comments ---
    "KINDS",
    "MAX_BODY",
    "CourseThreads",
    "HistoryMarks",
    "LessonThreads",
    "NewThread",
    "ThreadError",
    "ThreadView",
    "answered_by",
    "comment_html",
    "course_threads",
    "delete_comment",
    "edit_comment",
    "find_thread",
    "follow_rename",
    "history_marks",
    "lesson_of",
    "lesson_threads",
    "may_resolve",
    "member_names",
    "mentioned",
    "open_thread",
    "place",
    "place_thread",
    "record_answers",
    "reply",
    "set_status",
    "tracked_paths",
]
