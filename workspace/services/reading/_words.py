"""The vocabulary of history pages in teachers' words: changes, names, people and dates.

A `Described` is one change said as a sentence ("Edited the lesson “Calorimetry”") and as a
phrase that follows a name ("edited “Calorimetry”"). A `TitleSource` knows what lessons and
units were called at a version (_titles.VersionTitles reads that through the caches; tests
give a dictionary). Dates are shown in the author's own time zone, the one the version
recorded: "today at 14:05", "yesterday at 9:30", "3 Dec 2026, 14:05".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from ...content.outline import CourseOutline
from ...git import CommitInfo, FileChange

Rev = str | None  # a commit id; None: before the course's first version
Key = tuple[str, ...]  # what a change is about: ("lesson", unit, slug), ("unit", slug), ...


class TitleSource(Protocol):
    """What lessons and units were called at a version, and the course outline then."""

    def lesson(self, rev: Rev, unit: str, lesson: str) -> str:
        """Return the lesson's title at `rev` (made from its name when it has none)."""
        ...

    def unit(self, rev: Rev, unit: str) -> str:
        """Return the unit's title at `rev`: course.yaml's, else its overview's, else its name."""
        ...

    def file_title(self, rev: Rev, path: str) -> str | None:
        """Return the `title` in the front matter of the file at `path` in `rev`, if any."""
        ...

    def outline(self, rev: Rev) -> CourseOutline | None:
        """Return course.yaml at `rev` read as an outline, None when absent or unreadable."""
        ...


@dataclass(frozen=True)
class Described:
    """One change in words: `text` stands alone, `short` follows a person's name."""

    text: str  # "Edited the lesson “Calorimetry”"
    short: str  # "edited “Calorimetry”"
    lesson: tuple[str, str] | None = None  # (unit, lesson) the change leaves, for links


Make = Callable[[], "Described | None"]
# Where a change comes in a version's list: the course, its units, lessons, lesson order, ...
GROUP_COURSE, GROUP_UNITS, GROUP_LESSONS, GROUP_ORDER = 0, 1, 2, 3
GROUP_PAGES, GROUP_IMAGES, GROUP_OTHER = 4, 5, 6


@dataclass(frozen=True)
class Candidate:
    """A change that may be told: several can tell the same story (a lesson's file and its
    line in course.yaml); for each key the heaviest is kept, and made into words only then."""

    group: int  # where it comes in the list: the course, units, lessons, other files
    keys: tuple[Key, ...]
    weight: int
    make: Make


def q(title: str) -> str:
    """Return a title in quotation marks, as the pages quote names."""
    return f"\u201c{title}\u201d"


def plural(count: int, one: str, many: str | None = None) -> str:
    """Return "1 lesson", "1,000 lessons"."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def people(info: CommitInfo) -> str:
    """Return who made a version: "Priya Shah", "Priya Shah and Rosa Diaz", "A, B and C"."""
    names = list(dict.fromkeys([info.author_name, *(co.name for co in info.co_authors)]))
    names = [name for name in names if name] or ["Someone"]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _now(when: datetime, now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(when.tzinfo)


def exact_time(when: datetime) -> str:
    """Return "3 Dec 2026, 14:05": for text that stays (a version's note), never "today"."""
    return f"{when.day} {when:%b %Y}, {when:%H:%M}"


def human_time(when: datetime, now: datetime | None = None) -> str:
    """Return "today at 14:05", "yesterday at 09:30" or "3 Dec 2026, 14:05"."""
    days = (_now(when, now).date() - when.date()).days
    if days == 0:
        return f"today at {when:%H:%M}"
    if days == 1:
        return f"yesterday at {when:%H:%M}"
    return exact_time(when)


def on_day(when: datetime, now: datetime | None = None) -> str:
    """Return "today", "yesterday" or "on 3 December 2026", to end a sentence with."""
    days = (_now(when, now).date() - when.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"on {when.day} {when:%B %Y}"


def sides(info: CommitInfo) -> tuple[Rev, str]:
    """Return the versions a version's changes are between: its first parent and itself."""
    return (info.parents[0] if info.parents else None), info.sha


_RESTORE_NOTE = re.compile(r"\s*\(as of [0-9a-f]{7,40}(?:, then named [^)]*)?\)")
_LESSON_FILE = re.compile(r"\bunits/([a-z0-9-]+)/lessons/([a-z0-9-]+)\.md\b")
_UNIT_FILE = re.compile(r"\bunits/([a-z0-9-]+)/unit\.md\b")
_COURSE_FILE = re.compile(r"\bcourse\.ya?ml\b")
_README = re.compile(r"\bREADME\.md\b")


def message_label(
    info: CommitInfo, files: Sequence[FileChange], titles: TitleSource
) -> tuple[str, str | None]:
    """Return a version's note as teachers see it, and the note as written when that differs.

    The note is the author's own words, kept as written, except what the app or git wrote
    there for Git users: lesson and unit files named by their titles, course.yaml as the
    outline, an id in "(as of ...)" left out, a merge of git histories said as such.
    """
    summary = info.summary
    if len(info.parents) > 1 and summary.lower().startswith("merge"):
        shown = "Combined two lines of work"
    else:
        before, after = sides(info)
        earlier = {f.path for f in files if f.status == "D"}
        earlier |= {f.old_path for f in files if f.old_path}

        def lesson(match: re.Match[str]) -> str:
            side = before if match.group(0) in earlier else after
            return q(titles.lesson(side, match.group(1), match.group(2)))

        shown = _RESTORE_NOTE.sub("", summary)
        shown = _LESSON_FILE.sub(lesson, shown)
        shown = _UNIT_FILE.sub(lambda match: q(titles.unit(after, match.group(1))), shown)
        shown = _COURSE_FILE.sub("the course outline", shown)
        shown = _README.sub("the course introduction", shown)
    shown = shown.strip() or "Saved without a note"
    return shown, (summary if shown != summary else None)
