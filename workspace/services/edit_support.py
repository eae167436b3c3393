"""What every editing use case shares: its errors, its result, and landing a commit.

`land()` is the one place an edit becomes a commit: it commits as the acting user, turns the
storage engine's errors into errors a teacher can act on, records an Activity row and drops
the user's drafts of the files once the save has landed. Views check permissions first
(access.require_course with Access.WRITE); nothing here asks again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..content.errors import ContentError, CourseFileError, Problem
from ..content.frontmatter import parse_lesson
from ..content.lesson import validate_lesson
from ..content.outline import parse_course
from ..content.paths import COURSE_FILE, lesson_path, validate_slug
from ..git import (
    Author,
    BaseNotInHistory,
    Change,
    ConcurrentUpdateError,
    ConflictError,
    CourseRepo,
    GitStoreError,
    InvalidPath,
    InvalidRevision,
    PathExists,
    PathNotFound,
    RevisionNotFound,
    TreeEntry,
)
from ..models import Activity, Course, User
from . import drafts
from .courses import commit_author
from .edit_errors import (
    CourseBusy,
    EditError,
    LessonInvalid,
    LessonNotFound,
    NameTaken,
    SaveConflict,
    SaveResult,
    StaleBase,
    UnitNotFound,
)

MAX_LESSON_BYTES = 1_000_000


def text_of(data: bytes, path: str) -> str:
    """Return a file's text; raise EditError for files that are not UTF-8 text."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise EditError(
            f"\u201c{path}\u201d is not UTF-8 text, so it cannot be edited in the browser."
        ) from None


def path_of_lesson(unit: str, lesson: str) -> str:
    """Return the lesson's file path; raise LessonNotFound for names no lesson can have."""
    try:
        return lesson_path(unit, lesson)
    except ContentError as exc:
        raise LessonNotFound(exc.message) from None


def valid_slug(value: str, what: str) -> str:
    """Return `value` if it can name a lesson or unit; raise EditError saying why not."""
    try:
        return validate_slug(value, what=what)
    except ContentError as exc:
        raise EditError(exc.message) from None


def checked_lesson(content: str) -> str:
    """Return the lesson's title after checking its front matter; raise LessonInvalid if bad."""
    if len(content.encode("utf-8")) > MAX_LESSON_BYTES:
        limit = MAX_LESSON_BYTES // 1000
        raise LessonInvalid([Problem("content", f"The lesson is longer than {limit} kB.")])
    try:
        front_matter = parse_lesson(content).front_matter
    except ContentError as exc:
        raise LessonInvalid([Problem("front_matter", exc.message, exc.line)]) from None
    problems = validate_lesson(front_matter)
    if problems:
        raise LessonInvalid(problems)
    return str(front_matter["title"]).strip()


def resolve_base(repo: CourseRepo, base_commit: str | None) -> str:
    """Return the full id of the version an edit started from (head when None)."""
    try:
        return repo.resolve(base_commit or "main")
    except (InvalidRevision, RevisionNotFound) as exc:
        raise StaleBase(
            f"The version \u201c{(base_commit or '')[:12]}\u201d you started from is not a "
            "version of this course. Reload the editor to start from the current version."
        ) from exc


def read_text(repo: CourseRepo, path: str, rev: str) -> str | None:
    """Return the text of `path` at `rev`, or None when the file does not exist there."""
    try:
        return text_of(repo.read_file(path, rev), path)
    except PathNotFound:
        return None


def authors_since(repo: CourseRepo, base: str | None, head: str, path: str) -> list[Author]:
    """Return the authors of the commits after `base` up to `head` that changed `path`."""
    if not base or base == head:
        return []
    try:
        out = repo.git(
            ["log", "-z", "-n", "50", "--format=%an%x1f%ae", f"{base}..{head}", "--", path]
        )
    except GitStoreError:
        return []
    found: list[Author] = []
    for record in out.decode("utf-8", "replace").split("\0"):
        name, _, email = record.strip().partition("\x1f")
        if name and all(a.email != email for a in found):
            found.append(Author(name, email))
    return found


def _conflict(
    repo: CourseRepo, error: ConflictError, path: str, message: str | None
) -> SaveConflict:
    chosen = next((c for c in error.conflicts if c.path == path), error.conflicts[0])
    authors = authors_since(repo, error.base, error.head, chosen.path)
    names = ", ".join(a.name for a in authors) or "Someone else"
    if chosen.binary:
        default = f"{names} replaced \u201c{chosen.path}\u201d while you were working."
    elif chosen.reason == "delete" and chosen.theirs is None:
        default = f"{names} deleted this lesson while you were editing it."
    else:
        default = (
            f"{names} changed the same part of this lesson while you were editing. "
            "Nothing was lost: here are both versions to combine."
        )
    return SaveConflict(
        message or default,
        path=chosen.path,
        head=error.head,
        base_commit=error.base,
        base=chosen.base,
        theirs=chosen.theirs,
        yours=chosen.yours,
        merged=chosen.merged,
        reason=chosen.reason,
        authors=authors,
    )


@dataclass(frozen=True)
class Landing:
    """What an edit records once committed: its Activity line and the drafts it settles."""

    verb: str
    summary: str
    path: str | None = None
    settles: Iterable[str] = ()


def land(
    session: Session,
    repo: CourseRepo,
    user: User,
    course: Course,
    changes: Sequence[Change],
    *,
    message: str,
    base: str | None,
    landing: Landing,
    co_authors: Sequence[Author] = (),
    conflict_message: str | None = None,
) -> SaveResult:
    """Return the result of committing `changes` as `user` on top of `base`.

    Records the Activity, drops the user's drafts of `landing.settles` and commits the session.
    Raises SaveConflict, StaleBase, NameTaken, LessonNotFound, CourseBusy or EditError;
    nothing is written to the course then.
    """
    try:
        result = repo.commit(changes, commit_author(user), message, base, co_authors)
    except ConflictError as exc:
        raise _conflict(repo, exc, landing.path or "", conflict_message) from None
    except BaseNotInHistory as exc:
        raise StaleBase(exc.message) from None
    except (InvalidRevision, RevisionNotFound) as exc:
        raise StaleBase(exc.message) from None
    except ConcurrentUpdateError as exc:
        raise CourseBusy(exc.message) from None
    except PathExists as exc:
        raise NameTaken(exc.message) from None
    except PathNotFound as exc:
        raise LessonNotFound(exc.message) from None
    except InvalidPath as exc:
        raise EditError(exc.message) from None
    if not result.unchanged:
        session.add(
            Activity(
                network_id=course.network_id,
                course_id=course.id,
                actor_id=user.id,
                verb=landing.verb,
                summary=landing.summary[:300],
                path=landing.path,
                commit=result.commit,
            )
        )
    for path in landing.settles:
        drafts.drop_draft(session, user, course, path)
    session.commit()
    return SaveResult(
        result.status, result.commit, list(result.merged_with), landing.path or "", result.unchanged
    )


def course_outline(repo: CourseRepo, rev: str) -> tuple[str | None, dict[str, list[str]]]:
    """Return course.yaml's text at `rev` and each unit's lesson list.

    Without a course.yaml the text is None and no unit is listed, so `unit in listed` also
    says that there is a course.yaml to edit.
    """
    text = read_text(repo, COURSE_FILE, rev)
    if text is None:
        return None, {}
    try:
        outline = parse_course(text)
    except CourseFileError as exc:
        raise EditError(f"{exc.message} Fix {COURSE_FILE} first.") from None
    return text, {unit.slug: list(unit.lessons) for unit in outline.units}


def edited_outline(change: Callable[..., str], *args: object) -> bytes:
    """Return course.yaml edited by one of the content.course functions; refuse clearly."""
    try:
        return change(*args).encode("utf-8")
    except ContentError as exc:
        raise EditError(exc.message) from None


def require_unit(repo: CourseRepo, rev: str, unit: str, listed: dict[str, list[str]]) -> None:
    """Return None if course.yaml lists the unit or the course has a folder for it.

    Raises UnitNotFound otherwise.
    """
    if unit not in listed and not repo.exists(f"units/{unit}", rev):
        raise UnitNotFound(f"This course has no unit \u201c{unit}\u201d.")


def lesson_missing(unit: str, lesson: str) -> LessonNotFound:
    """Return the error for a lesson its unit does not have."""
    return LessonNotFound(f"The unit \u201c{unit}\u201d has no lesson \u201c{lesson}\u201d.")


def lesson_text(repo: CourseRepo, path: str, rev: str, unit: str, lesson: str) -> str:
    """Return the text of the lesson at `path` at `rev`; raise LessonNotFound if it is not there."""
    text = read_text(repo, path, rev)
    if text is None:
        raise lesson_missing(unit, lesson)
    return text


def lesson_files(repo: CourseRepo, rev: str, unit: str) -> list[TreeEntry]:
    """Return the tree entries of the lesson files of a unit at `rev`."""
    folder = f"units/{unit}/lessons"
    if not repo.exists(folder, rev):
        return []
    return [
        entry
        for entry in repo.list_tree(rev, prefix=folder, recursive=False)
        if entry.kind == "blob" and entry.path.endswith(".md")
    ]


def lesson_slugs(repo: CourseRepo, rev: str, unit: str, listed: dict[str, list[str]]) -> set[str]:
    """Return the lesson names in use in a unit: files present and names course.yaml lists."""
    names = {
        entry.path.rsplit("/", 1)[-1].removesuffix(".md") for entry in lesson_files(repo, rev, unit)
    }
    return names | set(listed.get(unit, []))


def title_in(text: str | None, fallback: str) -> str:
    """Return the title in a lesson text, or `fallback` when it has none or does not parse."""
    if text is None:
        return fallback
    try:
        title = parse_lesson(text).front_matter.get("title")
    except ContentError:
        return fallback
    return title.strip() if isinstance(title, str) and title.strip() else fallback
