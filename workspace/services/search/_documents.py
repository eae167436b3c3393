"""What the index holds of a lesson file and of a review thread: the fields search weighs."""

from __future__ import annotations

from dataclasses import dataclass

from ...content import FrontMatterError, lesson_meta, parse_lesson
from ...content.paths import title_from_slug
from ...content.plaintext import clean, plain_lesson
from ...models import Comment, DocumentKind, Thread, ThreadKind

MAX_FIELD_CHARS = 200_000  # a lesson is at most a few hundred kilobytes; more is not read
KIND_WORDS = {
    ThreadKind.QUESTION.value: "Question",
    ThreadKind.SUGGESTION.value: "Suggestion",
    ThreadKind.EVIDENCE.value: "Evidence",
    ThreadKind.NOTE.value: "Note",
}


@dataclass(frozen=True)
class LessonFields:
    """A lesson file read for the index (its standards codes normalized)."""

    title: str
    grade_band: str
    standards: tuple[str, ...]
    standards_text: str
    objectives: str
    body: str
    notes: str


def lesson_ref(course_id: int, path: str) -> str:
    """Return a lesson's `ref` in the index."""
    return f"{course_id}:{path}"


def lesson_fields(data: bytes, lesson: str) -> LessonFields:
    """Return the searchable fields of a lesson file; a file whose front matter does not
    parse is still searched, by its words."""
    text = data.decode("utf-8", "replace")[:MAX_FIELD_CHARS]
    try:
        doc = parse_lesson(text)
        front, body = doc.front_matter, doc.body
    except FrontMatterError:
        front, body = {}, text
    meta = lesson_meta(front, fallback_title=title_from_slug(lesson))
    plain = plain_lesson(body)
    codes = tuple(s.code for s in meta.standards)
    shown = " ".join(dict.fromkeys(word for s in meta.standards for word in (s.code, s.display)))
    return LessonFields(
        title=clean(meta.title)[:300],
        grade_band=(meta.grade_band or "")[:20],
        standards=codes,
        standards_text=shown,
        objectives=clean("\n".join(meta.objectives)),
        body=plain.text,
        notes=plain.notes,
    )


@dataclass(frozen=True)
class ThreadFields:
    """A review thread read for the index: what it is called and its words."""

    label: str
    body: str


def thread_fields(thread: Thread, lesson_title: str) -> ThreadFields:
    """Return the searchable words of a thread: its quote and its comments as plain words
    (deleted comments are gone from it)."""
    comments: list[Comment] = [c for c in thread.comments if c.deleted_at is None]
    words = [plain_lesson(text).text for text in (thread.quote, *(c.body for c in comments))]
    kind = KIND_WORDS.get(thread.kind, "Thread")
    return ThreadFields(
        label=f"{kind} on {lesson_title}"[:300],
        body=clean("\n\n".join(w for w in words if w))[:MAX_FIELD_CHARS],
    )


THREAD = DocumentKind.THREAD.value
LESSON = DocumentKind.LESSON.value
