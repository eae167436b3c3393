"""What a version changed, in teachers' words: lessons and units by their titles at the time.

"Edited the lesson “Calorimetry”", "Added the unit “Energy and change”", "Renamed the lesson
“Calorimetry” in “Energy and change”", "Moved the lesson “Speed” to “Motion”", "Reordered the
lessons in “Motion”", "Changed the course’s title from “A” to “B”". Nothing names a file, an
id or Git: those are for the sections for Git users. Pure functions over the storage engine's
FileChange lists and a TitleSource (see _words); _history_words reads the titles.

A version that changes more than MAX_TITLED lessons and units (a course's first version, an
import) is told in counts ("Added 1,000 lessons"), so describing it reads no titles at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ...content.paths import COURSE_FILE, parse_unit_path, unit_path
from ...git import CommitInfo, FileChange
from ._file_changes import (
    candidate,
    fixed,
    images_change,
    kind_of,
    lesson_change,
    page_change,
    unit_change,
)
from ._outline_changes import outline_changes, settings_changes
from ._words import (
    GROUP_COURSE,
    GROUP_IMAGES,
    GROUP_LESSONS,
    GROUP_OTHER,
    GROUP_UNITS,
    Candidate,
    Described,
    Key,
    Rev,
    TitleSource,
    message_label,
    on_day,
    people,
    plural,
    q,
    sides,
)

MAX_LISTED = 8  # changes listed per version on history pages; the rest are counted
MAX_TITLED = 12  # lesson and unit files named by title; beyond, changes are counted
_VERBS = {"A": "added", "M": "edited", "T": "edited", "D": "deleted", "R": "moved or renamed"}
_UNIT_VERBS = {"A": "added", "M": "edited the overviews of", "T": "edited the overviews of"}


@dataclass(frozen=True)
class VersionWords:
    """A version in words: its note as teachers see it, and what it changed."""

    label: str  # the author's note ("Saved without a note" when there is none)
    changes: tuple[Described, ...]
    more: int = 0  # changes left out of `changes`
    original: str | None = None  # the note as written, when `label` differs (for Git users)


def _counting(files: Sequence[FileChange], titled: int) -> bool:
    named = sum(1 for f in files if kind_of(f.path)[0] in ("lesson", "unit"))
    return named > titled


def titles_needed(
    files: Sequence[FileChange], before: Rev, after: Rev, titled: int = MAX_TITLED
) -> list[tuple[str, str]]:
    """Return the (version, path) of every file whose title describe_changes will ask for."""
    counting = _counting(files, titled)
    need: list[tuple[Rev, str]] = []
    for change in files:
        kind = kind_of(change.path)
        old_path = change.old_path or change.path
        side = before if change.status == "D" else after
        if kind[0] in ("lesson", "unit") and not counting:
            if change.status != "D":
                need.append((after, change.path))
            if change.status != "A":
                need.append((before, old_path))
            need += [(after, COURSE_FILE), (before, COURSE_FILE)]
            need.append((side, unit_path(kind[1])))
        elif kind[0] == "report":
            need.append((side, change.path))
        elif kind[0] == "image":
            need += [(side, COURSE_FILE), (side, unit_path(kind[1]))]
        elif kind[0] == "outline":
            need += [(before, COURSE_FILE), (after, COURSE_FILE)]
    return [(rev, path) for rev, path in dict.fromkeys(need) if rev is not None]


def describe_changes(
    files: Sequence[FileChange],
    before: Rev,
    after: Rev,
    titles: TitleSource,
    course_title: str,
    titled: int = MAX_TITLED,
) -> list[Described]:
    """Return what changed from `before` to `after` in words, the course first, then units,
    lessons, pages, images and other files; each change told once."""
    if _counting(files, titled):
        return _choose(_counted(files, before, after, titles, course_title))
    moved_units: dict[str, str] = {}
    for change in files:
        if change.status == "R" and change.old_path:
            old, new = parse_unit_path(change.old_path), parse_unit_path(change.path)
            if old and new:
                moved_units[old] = new
    found: list[Candidate] = []
    renamed = dict(moved_units)
    images: dict[tuple[str, str, Rev], list[str]] = {}
    others = 0
    for change in files:
        kind = kind_of(change.path)
        if kind[0] == "outline":
            told, renamed = _outline(change, before, after, titles, course_title, moved_units)
            found += told
        elif kind[0] == "image":
            side = before if change.status == "D" else after
            images.setdefault((change.status, kind[1], side), []).append(kind[2])
        elif kind[0] == "other":
            others += 1
    for change in files:
        kind = kind_of(change.path)
        if kind[0] == "lesson":
            found += lesson_change(change, kind[1], kind[2], before, after, titles, renamed)
        elif kind[0] == "unit":
            found += unit_change(change, kind[1], before, after, titles)
        elif kind[0] in ("readme", "report"):
            found.append(page_change(change, kind, before, after, titles))
    found += [images_change(key, names, titles) for key, names in images.items()]
    if others:
        text = f"Changed {plural(others, 'other file')}"
        found.append(Candidate(GROUP_OTHER, (("other",),), 1, fixed(text, text.lower())))
    return _choose(found)


def _choose(found: Iterable[Candidate]) -> list[Described]:
    """Return the changes to tell: for each key the heaviest told (the first of equals)."""
    listed = list(found)
    best: dict[Key, tuple[int, int]] = {}
    for index, told in enumerate(listed):
        for key in told.keys:
            if key not in best or told.weight > best[key][0]:
                best[key] = (told.weight, index)
    kept = [
        (told.group, index, told)
        for index, told in enumerate(listed)
        if all(best[key][1] == index for key in told.keys)
    ]
    kept.sort(key=lambda item: (item[0], item[1]))
    return [said for _, _, told in kept if (said := told.make()) is not None]


def _outline(
    change: FileChange,
    before: Rev,
    after: Rev,
    titles: TitleSource,
    course_title: str,
    moved_units: dict[str, str],
) -> tuple[list[Candidate], dict[str, str]]:
    key: tuple[Key, ...] = (("outline",),)
    if change.status == "A" and before is None:
        outline = titles.outline(after)
        title = outline.title if outline else course_title
        said = fixed(f"Started the course {q(title)}", f"started the course {q(title)}")
        return [candidate(GROUP_COURSE, key, 3, said)], moved_units
    if change.status in ("A", "D"):
        verb = "Added" if change.status == "A" else "Removed"
        said = fixed(f"{verb} the course outline", f"{verb.lower()} the course outline")
        return [candidate(GROUP_COURSE, key, 1, said)], moved_units
    old, new = titles.outline(before), titles.outline(after)
    if old is None or new is None:
        said = fixed("Changed the course outline", "changed the course outline")
        return [candidate(GROUP_COURSE, key, 1, said)], moved_units
    told, renamed = outline_changes(old, new, before, after, titles, moved_units)
    if not told:
        said = fixed("Tidied the course outline", "tidied the course outline")
        told = [candidate(GROUP_COURSE, key, 1, said)]
    return told, renamed


def _counted(
    files: Sequence[FileChange], before: Rev, after: Rev, titles: TitleSource, course_title: str
) -> list[Candidate]:
    """Return a big version's changes in counts: "Added 1,000 lessons", "Added 50 units"."""
    lessons: Counter[str] = Counter()
    units: Counter[str] = Counter()
    rest: list[FileChange] = []
    for change in files:
        kind = kind_of(change.path)[0]
        if kind == "lesson":
            lessons[change.status] += 1
        elif kind == "unit":
            units[change.status] += 1
        else:
            rest.append(change)
    found: list[Candidate] = []
    outline = next((change for change in rest if change.path == COURSE_FILE), None)
    if outline is not None:
        old, new = titles.outline(before), titles.outline(after)
        if outline.status == "A" and before is None:
            found += _outline(outline, before, after, titles, course_title, {})[0]
        elif old is not None and new is not None:
            found += settings_changes(old, new)
        if not (outline.status == "A" and before is None):
            said = fixed("Changed the course outline", "changed the course outline")
            found.append(candidate(GROUP_COURSE, (("outline",),), 1, said))
    for status, count in units.items():
        verb = _UNIT_VERBS.get(status, _VERBS.get(status, "changed"))
        text = f"{verb} {plural(count, 'unit')}"
        said = fixed(text[0].upper() + text[1:], text)
        found.append(candidate(GROUP_UNITS, (("units", status),), 1, said))
    for status, count in lessons.items():
        text = f"{_VERBS.get(status, 'changed')} {plural(count, 'lesson')}"
        said = fixed(text[0].upper() + text[1:], text)
        found.append(candidate(GROUP_LESSONS, (("lessons", status),), 1, said))
    found += _rest([c for c in rest if c.path != COURSE_FILE], before, after, titles)
    return found


def _rest(files: list[FileChange], before: Rev, after: Rev, titles: TitleSource) -> list[Candidate]:
    """Return the pages, images and other files of a big version, in words."""
    found = []
    others = 0
    images = 0
    for change in files:
        kind = kind_of(change.path)
        if kind[0] in ("readme", "report"):
            found.append(page_change(change, kind, before, after, titles))
        elif kind[0] == "image":
            images += 1
        else:
            others += 1
    if images:
        text = f"Changed {plural(images, 'image')}"
        found.append(candidate(GROUP_IMAGES, (("images",),), 1, fixed(text, text.lower())))
    if others:
        text = f"Changed {plural(others, 'other file')}"
        found.append(candidate(GROUP_OTHER, (("other",),), 1, fixed(text, text.lower())))
    return found


def version_words(
    info: CommitInfo,
    files: Sequence[FileChange],
    titles: TitleSource,
    course_title: str,
    listed: int = MAX_LISTED,
    titled: int = MAX_TITLED,
) -> VersionWords:
    """Return a version's note and its changes in words, `listed` of them and a count."""
    before, after = sides(info)
    changes = describe_changes(files, before, after, titles, course_title, titled)
    label, original = message_label(info, files, titles)
    return VersionWords(label, tuple(changes[:listed]), max(0, len(changes) - listed), original)


def headline(info: CommitInfo, words: VersionWords, now: datetime | None = None) -> str:
    """Return a version's title: "Priya Shah edited “Calorimetry” on 3 December 2026"."""
    who, day = people(info), on_day(info.authored_at, now)
    total = len(words.changes) + words.more
    if not words.changes:
        merged = len(info.parents) > 1
        return f"{who} {'combined two lines of work' if merged else 'saved a version'} {day}"
    first = words.changes[0].short
    if total == 1:
        return f"{who} {first} {day}"
    return f"{who} {first} and made {plural(total - 1, 'more change')} {day}"
