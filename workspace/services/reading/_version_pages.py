"""The version page and the comparison page in teachers' words.

A version (one commit) is told by who made it, when and what it changed, lessons and units by
their titles then, each lesson's changes as text (see _text_changes); the ids, file names and
unified diffs stay in the view for Git users (`changes`, the same ChangeView the JSON API
gives). A comparison of any two versions is told the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ...content import render_body
from ...content.paths import parse_lesson_path, title_from_slug
from ...git import CommitInfo, CourseRepo, FileChange
from ...models import Course
from ..context import Ctx
from ._caches import Caches
from ._describe import VersionWords, describe_changes, headline, kind_of, titles_needed
from ._history import MAX_FILES_WITH_DIFF, MAX_WORD_DIFF_BYTES, ChangeView, compare, message_body
from ._rendering import CourseLinks
from ._text_changes import Render, TextChange, text_change
from ._titles import VersionTitles
from ._words import Described, Rev, message_label, q, sides

PAGE_TITLED = MAX_FILES_WITH_DIFF  # a version page names this many lessons and units by title


@dataclass(frozen=True)
class VersionView:
    """One version: who, when, its note, what it changed in words and as text."""

    info: CommitInfo
    words: VersionWords
    texts: list[TextChange]
    changes: ChangeView  # for Git users: ids, file names and unified diffs

    @property
    def body(self) -> str:
        """Return the note after its first line, without Co-authored-by trailers."""
        return message_body(self.info)

    def headline(self, now: datetime | None = None) -> str:
        """Return "Priya Shah edited “Calorimetry” on 3 December 2026"."""
        return headline(self.info, self.words, now)


@dataclass(frozen=True)
class ComparisonView:
    """What changed between two versions, in words and as text, and the two versions."""

    old: CommitInfo
    new: CommitInfo
    old_label: str
    new_label: str
    described: list[Described]
    texts: list[TextChange]
    changes: ChangeView  # for Git users
    title: str | None = None  # the lesson compared, when the comparison is of one lesson


def _renderer(links: CourseLinks | None, path: str, rev: Rev) -> Render:
    """Return how to render a file's Markdown, its links pointing into version `rev`."""
    names = parse_lesson_path(path)
    if links is None or names is None or rev is None:
        return render_body
    resolve = links.lesson(names[0], rev, rev).resolve
    return lambda text: render_body(text, resolve)


def _heading(change: FileChange, titles: VersionTitles, before: Rev, after: Rev) -> str | None:
    side = before if change.status == "D" else after
    kind = kind_of(change.path)
    if kind[0] == "lesson":
        return f"The lesson {q(titles.lesson(side, kind[1], kind[2]))}"
    if kind[0] == "unit":
        return f"The overview of the unit {q(titles.unit(side, kind[1]))}"
    if kind[0] == "readme":
        return "The course\u2019s introduction"
    if kind[0] == "report":
        title = titles.file_title(side, change.path) or title_from_slug(kind[1])
        return f"The lesson-study report {q(title)}"
    if change.path.endswith(".md"):
        return f"The page {q(title_from_slug(change.path.rsplit('/', 1)[-1][:-3]))}"
    return None


def text_changes(
    changes: ChangeView, titles: VersionTitles, links: CourseLinks | None
) -> list[TextChange]:
    """Return the changes of every Markdown file shown, as text."""
    before, after = changes.old, changes.new
    found = []
    for view in changes.files:
        diff = view.diff
        change = FileChange(diff.status, diff.path, diff.old_path)
        heading = _heading(change, titles, before, after)
        if heading is None or diff.binary:
            continue
        if not view.shown:
            continue  # the page says how many files it leaves out
        old_path = diff.old_path or diff.path
        old = "" if diff.status == "A" else titles.text(before, old_path, MAX_WORD_DIFF_BYTES)
        new = "" if diff.status == "D" else titles.text(after, diff.path, MAX_WORD_DIFF_BYTES)
        lesson = parse_lesson_path(diff.path) if diff.status != "D" else None
        found.append(
            text_change(
                heading,
                old,
                new,
                _renderer(links, old_path, before),
                _renderer(links, diff.path, after),
                lesson=lesson,
                rev=after,
            )
        )
    return found


def _compared_title(titles: VersionTitles, names: list[str], old: str, new: str) -> str | None:
    """Return the title of the lesson compared (its current name comes last), if it is one."""
    lessons = [(name, found) for name in names if (found := parse_lesson_path(name))]
    for rev, (name, lesson) in [(new, item) for item in lessons[::-1]] + [
        (old, item) for item in lessons
    ]:
        if titles.blob(rev, name) is not None:
            return titles.lesson(rev, *lesson)
    return title_from_slug(lessons[-1][1][1]) if lessons else None


def _as_rename(changes: ChangeView, names: list[str]) -> ChangeView:
    """Return the changes with one lesson's removal and addition under two of its `names`
    seen as the rename it is (git sees a rename only when the text stayed much the same)."""
    files = changes.files
    if len(names) < 2 or len(files) != 2 or {f.diff.status for f in files} != {"A", "D"}:
        return changes
    gone, came = sorted(files, key=lambda f: f.diff.status != "D")
    if gone.diff.path not in names or came.diff.path not in names:
        return changes
    diff = replace(
        came.diff,
        status="R",
        old_path=gone.diff.path,
        additions=came.diff.additions,
        deletions=gone.diff.deletions,
    )
    return replace(changes, files=[replace(came, diff=diff)])


def _files(changes: ChangeView) -> list[FileChange]:
    return [FileChange(f.diff.status, f.diff.path, f.diff.old_path) for f in changes.files]


def _titles(ctx: Ctx, repo: CourseRepo, caches: Caches | None) -> VersionTitles:
    return VersionTitles(ctx.session, repo, caches or Caches())


def version_page(
    ctx: Ctx,
    course: Course,
    sha: str,
    *,
    links: CourseLinks | None = None,
    caches: Caches | None = None,
) -> VersionView:
    """Return the version `sha` names, what it changed (against its first parent) in words
    and as text; `links` says where rendered lessons' links and images point."""
    with ctx.store.open(course.id) as repo:
        info = repo.commit_info(sha)
        before, after = sides(info)
        changes = compare(repo, before, after, words=False)
        files = _files(changes)
        titles = _titles(ctx, repo, caches)
        titles.want(titles_needed(files, before, after, PAGE_TITLED))
        titles.fetch()
        described = describe_changes(files, before, after, titles, course.title, PAGE_TITLED)
        label, original = message_label(info, files, titles)
        texts = text_changes(changes, titles, links)
    return VersionView(info, VersionWords(label, tuple(described), 0, original), texts, changes)


def comparison_page(
    ctx: Ctx,
    course: Course,
    a: str,
    b: str,
    path: str | Sequence[str] | None = None,
    *,
    links: CourseLinks | None = None,
    caches: Caches | None = None,
) -> ComparisonView:
    """Return what changed from version `a` to version `b`, of the whole course or of `path`
    (several names: a lesson's name then and its name now), in words and as text."""
    with ctx.store.open(course.id) as repo:
        old, new = repo.commit_info(a), repo.commit_info(b)
        changes = compare(repo, old.sha, new.sha, path, words=False)
        names = [path] if isinstance(path, str) else list(path or [])
        told = _as_rename(changes, names)
        files = _files(told)
        titles = _titles(ctx, repo, caches)
        titles.want(titles_needed(files, old.sha, new.sha, PAGE_TITLED))
        titles.fetch()
        described = describe_changes(files, old.sha, new.sha, titles, course.title, PAGE_TITLED)
        texts = text_changes(told, titles, links)
        title = _compared_title(titles, names, old.sha, new.sha)
        old_label = message_label(old, [], titles)[0]
        new_label = message_label(new, [], titles)[0]
    return ComparisonView(old, new, old_label, new_label, described, texts, changes, title)
