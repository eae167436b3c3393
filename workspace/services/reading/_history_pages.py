"""History use cases: pages of history, one commit, comparisons and blame, by Ctx and course.

Each opens the course's repository, reads what its page needs and gives it back before
returning plain dataclasses. Revisions and cursors go through the storage engine's
validation, so a bad or unknown one raises InvalidRevision or RevisionNotFound (a 404 at the
web edge), never reaches git as an option.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...git import CommitInfo, InvalidRevision, RevisionNotFound
from ...models import Course
from ..context import Ctx, LessonRef
from ._history import (
    PAGE_SIZE,
    BlameGroup,
    ChangeView,
    HistoryView,
    blame_groups,
    commit_changes,
    compare,
    course_history,
    lesson_history,
    message_body,
)


def course_history_page(
    ctx: Ctx,
    course: Course,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    path: str | None = None,
) -> HistoryView:
    """Return one page of the course's history, newest first, from cursor `after`.

    With `path`, only the commits that changed that file, following its renames (PathNotFound
    when the file never existed).
    """
    with ctx.store.open(course.id) as repo:
        if path is None:
            return course_history(repo, after=after, limit=limit)
        return lesson_history(repo, path, after=after, limit=limit)


@dataclass(frozen=True)
class LessonHistory:
    """A page of one lesson's history, and whether the lesson is in the course today."""

    path: str
    page: HistoryView
    exists: bool


def lesson_history_page(
    ctx: Ctx, ref: LessonRef, after: str | None = None, limit: int = PAGE_SIZE
) -> LessonHistory:
    """Return one page of the lesson's history, following renames, from cursor `after`.

    Raises ContentError for names no lesson can have, PathNotFound for a lesson that never was.
    """
    path = ref.path
    with ctx.store.open(ref.course.id) as repo:
        page = lesson_history(repo, path, after=after, limit=limit)
        exists = repo.exists(path)
    return LessonHistory(path, page, exists)


@dataclass(frozen=True)
class CommitView:
    """One commit and what it changed against its first parent."""

    info: CommitInfo
    changes: ChangeView

    @property
    def body(self) -> str:
        """Return the message after its first line, without Co-authored-by trailers."""
        return message_body(self.info)


def commit_page(ctx: Ctx, course: Course, sha: str, words: bool = True) -> CommitView:
    """Return the commit `sha` names with each file's changes (word by word for prose when
    `words`; unified text is always there)."""
    with ctx.store.open(course.id) as repo:
        info, changes = commit_changes(repo, repo.resolve(sha), words=words)
    return CommitView(info, changes)


@dataclass(frozen=True)
class CompareView:
    """The changes between two versions, and those two versions' commits."""

    changes: ChangeView
    old: CommitInfo
    new: CommitInfo


def compare_page(
    ctx: Ctx,
    course: Course,
    a: str,
    b: str,
    path: str | Sequence[str] | None = None,
    words: bool = True,
) -> CompareView:
    """Return what changed from version `a` to version `b`, of the whole course or of `path`
    (several names: a lesson's name then and its name now, to show a rename as one file)."""
    with ctx.store.open(course.id) as repo:
        old, new = repo.resolve(a), repo.resolve(b)
        changes = compare(repo, old, new, path, words=words)
        infos = {sha: repo.commit_info(sha) for sha in {old, new}}
    return CompareView(changes, infos[old], infos[new])


def revision_problems(ctx: Ctx, course: Course, revs: Iterable[str]) -> list[str]:
    """Return, for each of `revs` that names no version of the course, why (in words)."""
    problems = []
    with ctx.store.open(course.id) as repo:
        for rev in revs:
            try:
                repo.resolve(rev)
            except (InvalidRevision, RevisionNotFound) as exc:
                problems.append(exc.message)
    return problems


@dataclass(frozen=True)
class BlameView:
    """A lesson's lines at one commit, grouped by the commit that last changed them."""

    path: str
    commit: str
    groups: list[BlameGroup]


def blame_page(ctx: Ctx, ref: LessonRef, rev: str = "main") -> BlameView:
    """Return who last changed each run of the lesson's lines at `rev`.

    Raises ContentError for names no lesson can have, PathNotFound for a lesson not in `rev`.
    """
    path = ref.path
    with ctx.store.open(ref.course.id) as repo:
        commit = repo.resolve(rev)
        return BlameView(path, commit, blame_groups(repo, path, commit))
