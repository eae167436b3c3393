"""History entries in teachers' words, remembered per version.

What a version changed, and what its lessons and units were called then, never changes, so a
version's words are kept in the in-process cache under its id. A page of history reads titles
only for the versions no earlier page described, all in one batch (see _titles): a warm page
reads nothing, a cold one one `git cat-file --batch-check` run and one query for summaries.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from ...content.paths import parse_lesson_path, title_from_slug
from ...git import CourseRepo
from ...models import Course
from ._caches import Caches
from ._describe import titles_needed, version_words
from ._history import HistoryEntry
from ._titles import VersionTitles
from ._words import sides

WORDS_VERSION = "1"  # bump when the wording changes, so remembered words are not reused


def described_entries(
    session: Session,
    repo: CourseRepo,
    course: Course,
    entries: list[HistoryEntry],
    caches: Caches,
    focus: str | None = None,
) -> list[HistoryEntry]:
    """Return the entries with their words: the course's changes, or the changes to the file
    `focus` (a lesson's history, whose entries hold only that file)."""
    memory = caches.memory
    keys = {e.commit.sha: ("words", WORDS_VERSION, course.id, e.commit.sha, focus) for e in entries}
    found = {sha: memory.get(key) for sha, key in keys.items()}
    missing = [e for e in entries if found[e.commit.sha] is None]
    if missing:
        titles = VersionTitles(session, repo, caches)
        for entry in missing:
            titles.want(titles_needed(entry.files, *sides(entry.commit)))
        titles.fetch()
        for entry in missing:
            words = version_words(entry.commit, entry.files, titles, course.title)
            memory.put(keys[entry.commit.sha], words)
            found[entry.commit.sha] = words
    return [replace(entry, words=found[entry.commit.sha]) for entry in entries]


def lesson_title(
    session: Session,
    repo: CourseRepo,
    path: str,
    exists: bool,
    entries: list[HistoryEntry],
    caches: Caches,
) -> str:
    """Return the lesson's title now, or (deleted) its title in its newest version."""
    unit, lesson = parse_lesson_path(path) or ("", "")
    titles = VersionTitles(session, repo, caches)
    if exists:
        return titles.lesson(repo.resolve("main"), unit, lesson)
    for entry in entries[:1]:
        change = entry.files[0] if entry.files else None
        before, after = sides(entry.commit)
        if change is not None and (names := parse_lesson_path(change.path)):
            return titles.lesson(before if change.status == "D" else after, *names)
    return title_from_slug(lesson)
