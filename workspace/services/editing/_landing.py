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

from ...content.checks import check_lesson, lesson_title
from ...content.errors import ContentError, CourseFileError, Problem
from ...content.frontmatter import parse_lesson
from ...content.outline import parse_course
from ...content.paths import COURSE_FILE, lesson_path, parse_lesson_path, validate_slug
from ...events import (
    CourseChanged,
    LessonDeleted,
    LessonRenamed,
    LessonSaved,
    LessonsImported,
    OutlineChanged,
)
from ...git import (
    Author,
    BaseNotInHistory,
    Change,
    CommitResult,
    ConcurrentUpdateError,
    ConflictError,
    CourseRepo,
    InvalidPath,
    InvalidRevision,
    PathExists,
    PathNotFound,
    RevisionNotFound,
    Write,
)
from ...models import Activity, Course
from ..context import Ctx
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
    """Return the lesson's title after the one check every door uses (content.checks);
    raise LessonInvalid with every problem if the lesson is refused."""
    problems = check_lesson(content)
    title = lesson_title(content) if not problems else None
    if problems or title is None:
        raise LessonInvalid(problems or [Problem("title", "The lesson needs a title.")])
    return title


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
    """What an edit records once committed: its Activity line, the drafts it settles and the
    event it announces.

    `verb` says what happened to `path`: "edited", "created", "restored" (a LessonSaved),
    "renamed" or "moved" from `moved_from` (a LessonRenamed), "deleted" (a LessonDeleted),
    "imported" (a LessonsImported of the `imported` lessons), or
    anything else for the outline (an OutlineChanged).
    """

    verb: str
    summary: str
    path: str | None = None
    settles: Iterable[str] = ()
    moved_from: str | None = None
    imported: tuple[str, ...] = ()

    def event(self, course_id: int, result: CommitResult, actor_id: int) -> CourseChanged:
        """Return the event announcing this landing as the commit `result`."""
        where = (course_id, result.commit, actor_id)
        lesson = self.path is not None and parse_lesson_path(self.path) is not None
        if lesson and self.verb in ("edited", "created", "restored"):
            return LessonSaved(*where, self.path, self.verb, result.status)  # type: ignore[arg-type]
        if lesson and self.verb in ("renamed", "moved") and self.moved_from:
            return LessonRenamed(*where, self.moved_from, self.path)  # type: ignore[arg-type]
        if self.verb == "imported":
            return LessonsImported(*where, self.imported)
        if lesson and self.verb == "deleted":
            return LessonDeleted(*where, self.path)  # type: ignore[arg-type]
        return OutlineChanged(*where, self.summary)


@dataclass(frozen=True)
class CourseEdit:
    """One edit under way: the use case's context, the course and its open repository."""

    ctx: Ctx
    repo: CourseRepo
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
        """Return the result of committing `changes` as the acting user on top of `base`.

        Records the Activity, drops the user's drafts of `landing.settles`, commits the
        session, then emits the landing's event (not when nothing changed). Raises
        SaveConflict, StaleBase, NameTaken, LessonNotFound, CourseBusy or EditError; nothing
        is written to the course then.
        """
        session, user = self.ctx.session, self.ctx.actor
        try:
            result = self.repo.commit(
                changes, self.ctx.settings.author(user), message, base, co_authors
            )
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
            session.add(
                Activity(
                    network_id=self.course.network_id,
                    course_id=self.course.id,
                    actor_id=user.id,
                    verb=landing.verb,
                    summary=landing.summary[:300],
                    path=landing.path,
                    commit=result.commit,
                )
            )
        for path in landing.settles:
            drafts.drop_draft(session, user, self.course, path)
        session.commit()
        if not result.unchanged:
            self.ctx.events.emit(landing.event(self.course.id, result, user.id))
        return SaveResult(
            result.status,
            result.commit,
            list(result.merged_with),
            landing.path or "",
            result.unchanged,
        )


@contextmanager
def open_edit(ctx: Ctx, course: Course) -> Iterator[CourseEdit]:
    """Yield the acting user's edit of `course`, its repository open until the block ends."""
    with ctx.store.open(course.id) as repo:
        yield CourseEdit(ctx, repo, course)


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
    """Return course.yaml edited by one of the content.course_edit functions; refuse clearly."""
    try:
        return change(*args).encode("utf-8")
    except ContentError as exc:
        raise EditError(exc.message) from None


def outline_write(change: Callable[..., str], *args: object) -> Write:
    """Return the write of course.yaml edited by one of the content.course_edit functions."""
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
