"""History use cases: pages of history, one commit, comparisons and blame, by Ctx and course.

Each opens the course's repository, reads what its page needs and gives it back before
returning plain dataclasses. Revisions and cursors go through the storage engine's
validation, so a bad or unknown one raises InvalidRevision or RevisionNotFound (a 404 at the
web edge), never reaches git as an option.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from ...content.checks import lesson_title
from ...git import CommitInfo, CourseRepo, InvalidRevision, RevisionNotFound
from ...git.runner import GitFailure
from ...models import Course
from .. import history
from ..context import Ctx, LessonRef
from ._caches import Caches
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
from ._history_words import described_entries
from ._history_words import lesson_title as title_of_lesson
from ._titles import VersionTitles
from ._words import message_label


def course_history_page(
    ctx: Ctx,
    course: Course,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    path: str | None = None,
    *,
    words: bool = False,
    caches: Caches | None = None,
) -> HistoryView:
    """Return one page of the course's history, newest first, from cursor `after`.

    With `path`, only the commits that changed that file, following its renames (PathNotFound
    when the file never existed). With `words`, each entry also holds its note and changes in
    teachers' words (remembered in `caches` per version).
    """
    with ctx.store.open(course.id) as repo:
        if path is None:
            page = course_history(repo, after=after, limit=limit)
        else:
            page = _file_history(ctx, repo, course.id, path, after, limit)
        if not words:
            return page
        entries = described_entries(
            ctx.session, repo, course, page.entries, caches or Caches(), focus=path
        )
    return HistoryView(entries, page.next_after)


@dataclass(frozen=True)
class LessonHistory:
    """A page of one lesson's history, whether the lesson is in the course today, and its
    title (today's, or its last one when it was deleted)."""

    path: str
    page: HistoryView
    exists: bool
    title: str = ""


def lesson_history_page(
    ctx: Ctx,
    ref: LessonRef,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    *,
    words: bool = False,
    caches: Caches | None = None,
) -> LessonHistory:
    """Return one page of the lesson's history, following renames, from cursor `after`;
    with `words`, each entry also says in words what that version did to the lesson.

    Raises ContentError for names no lesson can have, PathNotFound for a lesson that never was.
    """
    path = ref.path
    caches = caches or Caches()
    with ctx.store.open(ref.course.id) as repo:
        page = _file_history(ctx, repo, ref.course.id, path, after, limit)
        exists = repo.exists(path)
        entries = page.entries
        if words:
            entries = described_entries(ctx.session, repo, ref.course, entries, caches, path)
        title = title_of_lesson(ctx.session, repo, path, exists, entries, caches)
    return LessonHistory(path, HistoryView(entries, page.next_after), exists, title)


def _file_history(
    ctx: Ctx, repo: CourseRepo, course_id: int, path: str, after: str | None, limit: int
) -> HistoryView:
    """Return a page of a file's history from the path-history index, or from a walk of
    git while the index cannot answer it (behind main, or a cursor it does not hold yet)."""
    indexed = history.file_history(ctx, repo, course_id, path, after, limit)
    return lesson_history(repo, path, after=after, limit=limit, indexed=indexed)


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


def version_info(ctx: Ctx, course: Course, rev: str) -> CommitInfo:
    """Return the version `rev` names (who, when, its note); raise InvalidRevision or
    RevisionNotFound when it names none."""
    with ctx.store.open(course.id) as repo:
        return repo.commit_info(rev)


@dataclass(frozen=True)
class PickedVersions:
    """Two versions picked for a comparison, the earlier first, or why they cannot be."""

    old: str
    new: str
    problems: list[str]


def pick_versions(ctx: Ctx, course: Course, old: str, new: str) -> PickedVersions:
    """Return the two revisions as given, swapped when `old` came after `new` (someone picked
    "From" on the newer one), or the problems with them in words."""
    problems = revision_problems(ctx, course, (old, new))
    if problems:
        return PickedVersions(old, new, problems)
    with ctx.store.open(course.id) as repo:
        first, second = repo.resolve(old), repo.resolve(new)
        try:
            # The later of two versions has the earlier in its past (dates can be set wrong).
            swap = (
                first != second
                and repo.git(["merge-base", first, second]).decode().strip() == second
            )
        except GitFailure:  # no common past: go by the dates
            swap = repo.commit_info(first).committed_at > repo.commit_info(second).committed_at
    return PickedVersions(new, old, []) if swap else PickedVersions(old, new, [])


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
    version: CommitInfo | None = None  # the version shown
    title: str = ""  # the lesson's title in that version
    labels: dict[str, str] = field(default_factory=dict)  # each group's note, by commit id
    passages: list[BlameGroup] = field(default_factory=list)  # groups without the `---` lines


def blame_page(
    ctx: Ctx, ref: LessonRef, rev: str = "main", *, caches: Caches | None = None
) -> BlameView:
    """Return who last changed each run of the lesson's lines at `rev`, with each version's
    note in teachers' words and the lesson's title then.

    Raises ContentError for names no lesson can have, PathNotFound for a lesson not in `rev`.
    """
    path = ref.path
    with ctx.store.open(ref.course.id) as repo:
        version = repo.commit_info(rev)
        lines = history.blame_lines(ctx, repo, ref.course.id, path, version.sha)
        groups = blame_groups(repo, path, version.sha, lines)
        titles = VersionTitles(ctx.session, repo, caches or Caches())
        labels = {
            sha: message_label(repo.commit_info(sha), [], titles)[0]
            for sha in dict.fromkeys(group.sha for group in groups)
        }
    text = "\n".join(line.text for group in groups for line in group.lines)
    title = lesson_title(text) or ref.lesson.replace("-", " ").capitalize()
    passages = _without_fences(groups)
    return BlameView(path, version.sha, groups, version, title, labels, passages)


def _without_fences(groups: list[BlameGroup]) -> list[BlameGroup]:
    """Return the groups without the `---` lines around the front matter (nobody wrote them
    as text), and without groups that held nothing else."""
    lines = [line for group in groups for line in group.lines]
    fences: set[int] = set()
    if lines and lines[0].text.strip() == "---":
        closing = next((n for n in lines[1:] if n.text.strip() in ("---", "...")), None)
        if closing is not None:
            fences = {lines[0].line_no, closing.line_no}
    kept = [replace(g, lines=[n for n in g.lines if n.line_no not in fences]) for g in groups]
    return [group for group in kept if group.lines]
