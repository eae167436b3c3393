"""Reading a course's history: pages of commits with their files, one commit, comparisons, blame.

A history page costs the same at any history length: the storage engine's `git log` walk from
the cursor, which also lists the files every commit on the page changed. Nothing here counts
the whole log.

Functions take an open CourseRepo and return plain dataclasses; the use cases in _history_pages
open the repository for them (restore, which commits, takes the session, the repo store and the
acting user). Views call the use cases and turn the results into HTML or JSON.
Revisions from URLs go through the engine's validation (`repo.resolve`), which raises
InvalidRevision or RevisionNotFound for anything that is not a version of the course.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ...content.paths import parse_lesson_path, title_from_slug
from ...git import (
    BlameLine,
    CommitInfo,
    CourseRepo,
    FileChange,
    FileDiff,
    HistoryPage,
    PathNotFound,
)
from ...models import Course
from ..context import Ctx, LessonRef
from ..editing import LessonNotFound, SaveResult, read_text, restore_lesson, save_lesson, title_in
from ._describe import VersionWords
from ._history_diff import collapse_unchanged, prose_diff
from ._words import exact_time

PAGE_SIZE = 50
API_MAX_PAGE = 100
# Beyond these, a page lists files without their diffs: a course's first commit or a sweeping
# comparison can touch a thousand lessons, and nobody reads that many diffs on one page.
MAX_FILES_WITH_DIFF = 40
MAX_WORD_DIFF_BYTES = 200_000
PROSE_SUFFIXES = (".md", ".markdown", ".txt", ".yaml", ".yml")


@dataclass(frozen=True)
class HistoryEntry:
    """One commit on a history page with the files it changed (for a lesson: that file), and
    (when the page asked for them) its note and changes in teachers' words."""

    commit: CommitInfo
    files: list[FileChange]
    words: VersionWords | None = None

    @property
    def lesson(self) -> tuple[str, str] | None:
        """Return (unit, lesson) of the lesson file this entry changed, if it is one."""
        for change in self.files:
            if change.status != "D" and (found := parse_lesson_path(change.path)):
                return found
        return None

    def compare_paths(self, current: str) -> list[str]:
        """Return the names to compare this version with the file now called `current`.

        The file's name at this version comes first when it differs, so a comparison limited
        to these names shows the rename instead of a file added from nothing.
        """
        then = [c.path for c in self.files if c.status != "D"][:1]
        return [*(name for name in then if name != current), current]


@dataclass(frozen=True)
class HistoryView:
    """A page of history, newest first; `next_after` is the cursor of the older page."""

    entries: list[HistoryEntry]
    next_after: str | None


@dataclass(frozen=True)
class FileView:
    """One file's change as the commit and compare pages show it.

    `words` holds the word-by-word runs for prose files (None for binary files, non-prose
    files, files too large, or files beyond MAX_FILES_WITH_DIFF); `diff.text` holds the
    unified hunks. `shown` is False when the diff was left out to keep the page small.
    """

    diff: FileDiff
    words: list[tuple[str, str]] | None = None
    shown: bool = True


@dataclass(frozen=True)
class ChangeView:
    """The changes between two revisions (or one commit and its first parent)."""

    old: str | None
    new: str
    files: list[FileView] = field(default_factory=list)

    @property
    def additions(self) -> int:
        """Return how many lines were added across all files."""
        return sum(f.diff.additions for f in self.files)

    @property
    def deletions(self) -> int:
        """Return how many lines were removed across all files."""
        return sum(f.diff.deletions for f in self.files)


@dataclass(frozen=True)
class BlameGroup:
    """Consecutive lines of a file last changed by the same commit."""

    sha: str
    author_name: str
    authored_at: datetime
    summary: str
    lines: list[BlameLine]


def course_history(
    repo: CourseRepo, after: str | None = None, limit: int = PAGE_SIZE, rev: str = "main"
) -> HistoryView:
    """Return one page of the course's history with the files each commit changed."""
    page = repo.history(rev, after=after, limit=limit, with_files=True)
    entries = [HistoryEntry(c, c.files or []) for c in page.commits]
    return HistoryView(entries, page.next_after)


def lesson_history(
    repo: CourseRepo,
    path: str,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    indexed: HistoryPage | None = None,
) -> HistoryView:
    """Return one page of a file's history, following renames; each entry holds its change.

    `indexed` is the page as the path-history index gave it; without it git's log is walked.
    Raises PathNotFound when the file has no history at all (it never existed).
    """
    page = indexed or repo.history("main", path=path, after=after, limit=limit, with_files=True)
    if not page.commits and after is None:
        raise PathNotFound(path, repo.resolve("main"))
    entries = [HistoryEntry(c, (c.files or [])[:1]) for c in page.commits]
    return HistoryView(entries, page.next_after)


def is_prose(path: str) -> bool:
    """Return True for files read as prose (lessons, READMEs, course.yaml)."""
    return path.lower().endswith(PROSE_SUFFIXES)


def _text_at(repo: CourseRepo, path: str | None, rev: str | None) -> str | None:
    if path is None or rev is None:
        return ""
    try:
        data = repo.read_file(path, rev)
    except PathNotFound:
        return ""
    if len(data) > MAX_WORD_DIFF_BYTES:
        return None
    return data.decode("utf-8", "replace")


def _word_runs(
    repo: CourseRepo, diff: FileDiff, old: str | None, new: str
) -> list[tuple[str, str]] | None:
    """Return the word diff of one prose file, or None when it is not shown word by word."""
    if diff.binary or not is_prose(diff.path) or not diff.text:
        return None
    before = _text_at(repo, diff.old_path or diff.path, old) if diff.status != "A" else ""
    after = _text_at(repo, diff.path, new) if diff.status != "D" else ""
    if before is None or after is None:
        return None
    return collapse_unchanged(prose_diff(before, after))


def compare(
    repo: CourseRepo,
    old: str | None,
    new: str,
    path: str | Sequence[str] | None = None,
    words: bool = True,
) -> ChangeView:
    """Return the per-file changes from `old` (None: the empty course) to `new`.

    `path` limits the comparison to one file, or to several: pass a lesson's name then and its
    name now (see HistoryEntry.compare_paths) to see a rename as one renamed file rather than
    an added one. `words` adds word-by-word runs for prose.
    """
    old_sha = repo.resolve(old) if old is not None else None
    new_sha = repo.resolve(new)
    files = []
    for number, diff in enumerate(repo.diff(old_sha, new_sha, path)):
        shown = number < MAX_FILES_WITH_DIFF
        runs = _word_runs(repo, diff, old_sha, new_sha) if shown and words else None
        files.append(FileView(diff, runs, shown))
    return ChangeView(old_sha, new_sha, files)


def commit_changes(repo: CourseRepo, sha: str, words: bool = True) -> tuple[CommitInfo, ChangeView]:
    """Return a commit and its changes against its first parent (everything, for the first)."""
    info = repo.commit_info(sha)
    return info, compare(repo, info.parents[0] if info.parents else None, info.sha, words=words)


def message_body(commit: CommitInfo) -> str:
    """Return the commit message after its first line, without Co-authored-by trailers."""
    rest = commit.message.strip().partition("\n")[2]
    kept = [line for line in rest.splitlines() if not line.lower().startswith("co-authored-by:")]
    return "\n".join(kept).strip()


def blame_groups(
    repo: CourseRepo, path: str, rev: str = "main", lines: list[BlameLine] | None = None
) -> list[BlameGroup]:
    """Return the file's lines at `rev` (`lines`, when the caller has them: git blames
    otherwise), grouped into runs last changed by the same commit."""
    groups: list[BlameGroup] = []
    for line in repo.blame(path, rev) if lines is None else lines:
        if groups and groups[-1].sha == line.sha:
            groups[-1].lines.append(line)
        else:
            groups.append(
                BlameGroup(line.sha, line.author_name, line.authored_at, line.summary, [line])
            )
    return groups


def restore(
    ctx: Ctx,
    course: Course,
    path: str,
    source_path: str,
    source: str,
) -> SaveResult:
    """Return the result of a new commit putting the lesson at `path` back as it was at `source`.

    `source_path` is the lesson's file at `source`: when the lesson has been renamed since, its
    text then is saved under its current name. Nothing is rewritten: the old text becomes the
    newest version, and its note says (by date, in words) which version it brings back.
    Raises LessonNotFound when the lesson was not in that version.
    """
    unit, lesson = parse_lesson_path(path) or ("", "")
    ref = LessonRef(course, unit, lesson)
    with ctx.store.open(course.id) as repo:
        info = repo.commit_info(source)
        text = read_text(repo, source_path, info.sha)
        head = repo.resolve("main")
    when = exact_time(info.authored_at)
    if text is None:
        raise LessonNotFound(f"This lesson was not part of the course in the version of {when}.")
    title = title_in(text, title_from_slug(lesson))
    message = f"Restore lesson: {title} (as it was on {when})"
    if source_path == path:
        return restore_lesson(ctx, ref, info.sha, message=message)
    return save_lesson(ctx, ref, text, head, message)


def renamed_between(
    ctx: Ctx, course_id: int, paths: Iterable[str], old: str, new: str
) -> dict[str, str]:
    """Return {path in `old`: its new name in `new`} for those of `paths` renamed or moved
    between the two versions (one repository open for them all)."""
    found: dict[str, str] = {}
    with ctx.store.open(course_id) as repo:
        for path in sorted(paths):
            renamed = repo.renamed_to(path, old, new)
            if renamed and renamed != path:
                found[path] = renamed
    return found
