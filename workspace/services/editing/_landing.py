"""What every editing use case shares: reading the course for an edit, and landing it.

Each use case opens a CourseEdit (open_edit) and ends with its `land()`, the one place an edit
becomes a commit: it commits as the acting user, turns the storage engine's errors into
errors a teacher can act on, records an Activity row and drops the user's drafts of the
files once the save has landed. Views check permissions first
(access.require_course with Access.WRITE); nothing here asks again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ...content.errors import ContentError, CourseFileError, Problem
from ...content.frontmatter import parse_lesson
from ...content.lesson import validate_lesson
from ...content.outline import parse_course
from ...content.paths import COURSE_FILE, lesson_path, validate_slug
from ...git import (
    Author,
    BaseNotInHistory,
    Change,
    ConcurrentUpdateError,
    ConflictError,
    CourseRepo,
    InvalidPath,
    InvalidRevision,
    PathExists,
    PathNotFound,
    RepoStore,
    RevisionNotFound,
    Write,
)
from ...models import Activity, Course, User
from ..courses import commit_author
from . import _drafts as drafts
from ._conflicts import save_conflict
from ._errors import (
    CourseBusy,
    EditError,
    LessonInvalid,
    LessonNotFound,
    NameTaken,
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


@dataclass(frozen=True)
class Landing:
    """What an edit records once committed: its Activity line and the drafts it settles."""

    verb: str
    summary: str
    path: str | None = None
    settles: Iterable[str] = ()


@dataclass(frozen=True)
class CourseEdit:
    """One edit under way: the session, the course's open repository and the acting user."""

    session: Session
    repo: CourseRepo
    user: User
    course: Course

    def land(
        self,
        changes: Sequence[Change],
        *,
        message: str,
        base: str | None,
        landing: Landing,
        co_authors: Sequence[Author] = (),
        conflict_message: str | None = None,
    ) -> SaveResult:
        """Return the result of committing `changes` as the user on top of `base`.

        Records the Activity, drops the user's drafts of `landing.settles` and commits the
        session. Raises SaveConflict, StaleBase, NameTaken, LessonNotFound, CourseBusy or
        EditError; nothing is written to the course then.
        """
        author = commit_author(self.user)
        try:
            result = self.repo.commit(changes, author, message, base, co_authors)
        except ConflictError as exc:
            raise save_conflict(self.repo, exc, landing.path or "", conflict_message) from None
        except (BaseNotInHistory, InvalidRevision, RevisionNotFound) as exc:
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
            self.session.add(
                Activity(
                    network_id=self.course.network_id,
                    course_id=self.course.id,
                    actor_id=self.user.id,
                    verb=landing.verb,
                    summary=landing.summary[:300],
                    path=landing.path,
                    commit=result.commit,
                )
            )
        for path in landing.settles:
            drafts.drop_draft(self.session, self.user, self.course, path)
        self.session.commit()
        return SaveResult(
            result.status,
            result.commit,
            list(result.merged_with),
            landing.path or "",
            result.unchanged,
        )


@contextmanager
def open_edit(
    session: Session, store: RepoStore, user: User, course: Course
) -> Iterator[CourseEdit]:
    """Yield the user's edit of `course`, its repository open until the block ends."""
    with store.open(course.id) as repo:
        yield CourseEdit(session, repo, user, course)


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


def outline_write(change: Callable[..., str], *args: object) -> Write:
    """Return the write of course.yaml edited by one of the content.course functions."""
    return Write(COURSE_FILE, edited_outline(change, *args))


def require_unit(repo: CourseRepo, rev: str, unit: str, listed: dict[str, list[str]]) -> None:
    """Return None if course.yaml lists the unit or the course has a folder for it.

    Raises UnitNotFound otherwise.
    """
    if unit not in listed and not repo.exists(f"units/{unit}", rev):
        raise unit_missing(unit)


def unit_missing(unit: str) -> UnitNotFound:
    """Return the error for a unit the course does not have."""
    return UnitNotFound(f"This course has no unit \u201c{unit}\u201d.")


def lesson_missing(unit: str, lesson: str) -> LessonNotFound:
    """Return the error for a lesson its unit does not have."""
    return LessonNotFound(f"The unit \u201c{unit}\u201d has no lesson \u201c{lesson}\u201d.")


def lesson_text(repo: CourseRepo, path: str, rev: str, unit: str, lesson: str) -> str:
    """Return the text of the lesson at `path` at `rev`; raise LessonNotFound if it is not there."""
    text = read_text(repo, path, rev)
    if text is None:
        raise lesson_missing(unit, lesson)
    return text


def lesson_files(repo: CourseRepo, rev: str, unit: str) -> set[str]:
    """Return the names of the lesson files in a unit's lessons folder at `rev`."""
    folder = f"units/{unit}/lessons"
    if not repo.exists(folder, rev):
        return set()
    return {
        entry.path.rsplit("/", 1)[-1].removesuffix(".md")
        for entry in repo.list_tree(rev, prefix=folder, recursive=False)
        if entry.kind == "blob" and entry.path.endswith(".md")
    }


def lesson_slugs(repo: CourseRepo, rev: str, unit: str, listed: dict[str, list[str]]) -> set[str]:
    """Return the lesson names in use in a unit: files present and names course.yaml lists."""
    return lesson_files(repo, rev, unit) | set(listed.get(unit, []))


def title_in(text: str | None, fallback: str) -> str:
    """Return the title in a lesson text, or `fallback` when it has none or does not parse."""
    if text is None:
        return fallback
    try:
        title = parse_lesson(text).front_matter.get("title")
    except ContentError:
        return fallback
    return title.strip() if isinstance(title, str) and title.strip() else fallback
