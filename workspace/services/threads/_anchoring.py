"""Anchoring review threads: where a thread's quoted lines are in another version of a lesson.

A thread quotes lines start..end of one version of a lesson file. follow() carries it to another
version the way code review tools carry comments across patch sets: the lines are mapped through
the line diff between the two texts and, where the diff says they changed or moved, the exact
quote is looked for nearby. A thread is current only at lines that hold exactly its quote;
otherwise it is outdated, and keeps its anchor. Pure: texts in, positions out.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

# How far (in lines, from where the diff puts the thread) the exact quote may be found again.
# Farther away, a copy of the same words is more likely another passage than the one discussed.
NEARBY_LINES = 200
# A stretch of only repeated lines up to this many old x new lines is diffed line by line.
_SMALL_STRETCH = 4_000

State = Literal["current", "outdated"]
Run = tuple[int, int, int]  # old index, new index, number of unchanged lines in a row


class AnchorError(ValueError):
    """Lines a thread cannot be anchored to, said in words a teacher can act on."""


@dataclass(frozen=True)
class Anchor:
    """Lines start_line..end_line (1-based, inclusive) of one version, and their exact text.

    No lines (both None, empty quote) is a thread on the whole lesson.
    """

    start_line: int | None = None
    end_line: int | None = None
    quote: str = ""

    def __post_init__(self) -> None:
        if (self.start_line is None) != (self.end_line is None):
            raise ValueError("An anchor has both a start and an end line, or neither.")
        if self.start_line is None and self.quote:
            raise ValueError("A thread on the whole lesson quotes no lines.")

    @property
    def whole_lesson(self) -> bool:
        """Return whether the thread is on the whole lesson rather than on some lines."""
        return self.start_line is None


@dataclass(frozen=True)
class Position:
    """Where a thread is in a version: current at start_line..end_line, or outdated.

    Outdated has no lines; so has a thread on the whole lesson, which is always current.
    """

    state: State
    start_line: int | None = None
    end_line: int | None = None


WHOLE_LESSON = Anchor()
_OUTDATED = Position("outdated")


def lines_of(text: str) -> list[str]:
    """Return the text's lines without their line endings (LF or CRLF, final one optional)."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


def quote_of(text: str, start_line: int, end_line: int) -> str:
    """Return the text of lines start_line..end_line joined with "\\n", or raise AnchorError."""
    lines = lines_of(text)
    _check_range(start_line, end_line, len(lines))
    return "\n".join(lines[start_line - 1 : end_line])


def anchor_at(text: str, start_line: int | None = None, end_line: int | None = None) -> Anchor:
    """Return the anchor on those lines of the text (no lines: on the whole lesson)."""
    if start_line is None and end_line is None:
        return WHOLE_LESSON
    if start_line is None or end_line is None:
        raise AnchorError("Choose both the first and the last line, or no lines for the lesson.")
    return Anchor(start_line, end_line, quote_of(text, start_line, end_line))


def follow(old_text: str, anchor: Anchor, new_text: str) -> Position:
    """Return where the anchor on old_text is in new_text: current at lines, or outdated."""
    if anchor.whole_lesson:
        return Position("current")
    old = lines_of(old_text)
    start, end = _check_anchor(anchor, old)
    new = old if new_text == old_text else lines_of(new_text)
    return _follow_lines(old, start, end, new)


def follow_through(texts: Sequence[str], anchor: Anchor) -> Position:
    """Return where the anchor on texts[0] is in texts[-1], following it version by version."""
    if not texts:
        raise ValueError("follow_through() needs at least the text at the anchor's version.")
    if anchor.whole_lesson:
        return Position("current")
    old = lines_of(texts[0])
    start, end = _check_anchor(anchor, old)
    for text in texts[1:]:
        new = lines_of(text)
        position = _follow_lines(old, start, end, new)
        if position.start_line is None or position.end_line is None:
            return position
        old, start, end = new, position.start_line - 1, position.end_line
    return Position("current", start + 1, end)


def _check_range(start_line: int | None, end_line: int | None, count: int) -> tuple[int, int]:
    """Return the 0-based slice start..end of the lines, or raise AnchorError saying why not."""
    if type(start_line) is not int or type(end_line) is not int:  # not bool, not None
        raise AnchorError("Line numbers are whole numbers, starting at 1.")
    if start_line < 1:
        raise AnchorError(f"There is no line {start_line}: lines are numbered from 1.")
    if start_line > end_line:
        raise AnchorError(
            f"The lines run from {start_line} to {end_line}: the first line must come first."
        )
    if end_line > count:
        if start_line == end_line:
            lines = f"Line {end_line} is"
        else:
            lines = f"Lines {start_line} to {end_line} are"
        size = "is empty" if count == 0 else f"has {count} line{'' if count == 1 else 's'}"
        raise AnchorError(f"{lines} outside the lesson, which {size}.")
    return start_line - 1, end_line


def _check_anchor(anchor: Anchor, old: list[str]) -> tuple[int, int]:
    """Return the anchor's 0-based slice of the old lines, checking that it holds the quote."""
    start, end = _check_range(anchor.start_line, anchor.end_line, len(old))
    if "\n".join(old[start:end]) != anchor.quote:
        raise ValueError(
            f"The anchor's quote is not the text of lines {anchor.start_line} to "
            f"{anchor.end_line}: the old text must be the one at the anchor's version."
        )
    return start, end


def _follow_lines(old: list[str], start: int, end: int, new: list[str]) -> Position:
    """Return where old[start:end] is in the new lines: current at lines, or outdated."""
    quote = old[start:end]
    if old is new:
        found: int | None = start
    else:
        runs = _unchanged_runs(old, new, start, end)
        found = _map_range(runs, start, end)
        if found is None:
            found = _nearest(new, quote, _map_near(runs, start, len(new)))
    # The one rule that matters: never current on lines that do not hold exactly the quote.
    if found is None or new[found : found + len(quote)] != quote:
        return _OUTDATED
    return Position("current", found + 1, found + len(quote))


def _unchanged_runs(old: list[str], new: list[str], start: int, end: int) -> list[Run]:
    """Return the runs of unchanged lines that bear on old[start:end], in order, maximal.

    A patience diff, as review tools use: the common head and tail are cut off, lines found
    exactly once on each side are matched in order, and the stretches between them are worked
    on the same way. Only the stretches that hold the thread's lines are looked into: the rest
    cannot change where those lines go, and skipping them keeps a long lesson fast.
    """
    runs: list[Run] = []
    todo = [(0, len(old), 0, len(new))]
    while todo:
        a_lo, a_hi, b_lo, b_hi = todo.pop()
        if a_hi <= start or a_lo >= end:
            continue
        head = _same_head(old, a_lo, new, b_lo, min(a_hi - a_lo, b_hi - b_lo))
        if head:
            runs.append((a_lo, b_lo, head))
            a_lo, b_lo = a_lo + head, b_lo + head
        tail = _same_tail(old, a_hi, new, b_hi, min(a_hi - a_lo, b_hi - b_lo))
        if tail:
            runs.append((a_hi - tail, b_hi - tail, tail))
            a_hi, b_hi = a_hi - tail, b_hi - tail
        if a_lo == a_hi or b_lo == b_hi:
            continue
        pairs = _unique_in_order(old[a_lo:a_hi], new[b_lo:b_hi])
        if pairs:
            # Only the matched lines around the thread's lines, and the stretches between them.
            first = max(bisect_left(pairs, (start - a_lo,)) - 1, 0)
            last = min(bisect_left(pairs, (end - a_lo,)), len(pairs) - 1)
            gap_a, gap_b = a_lo, b_lo
            if first:
                gap_a, gap_b = a_lo + pairs[first - 1][0] + 1, b_lo + pairs[first - 1][1] + 1
            for a, b in pairs[first : last + 1]:
                runs.append((a_lo + a, b_lo + b, 1))
                todo.append((gap_a, a_lo + a, gap_b, b_lo + b))
                gap_a, gap_b = a_lo + a + 1, b_lo + b + 1
            if last == len(pairs) - 1:
                todo.append((gap_a, a_hi, gap_b, b_hi))
        elif (a_hi - a_lo) * (b_hi - b_lo) <= _SMALL_STRETCH:
            # Only repeated lines (blank lines, copies): a small stretch is diffed outright; a
            # large one is left as changed, and the quote is then looked for nearby instead.
            matcher = difflib.SequenceMatcher(None, old[a_lo:a_hi], new[b_lo:b_hi], autojunk=False)
            runs.extend(
                (a_lo + a, b_lo + b, size) for a, b, size in matcher.get_matching_blocks() if size
            )
    runs.sort()
    merged: list[Run] = []
    for a, b, size in runs:
        if merged and merged[-1][0] + merged[-1][2] == a and merged[-1][1] + merged[-1][2] == b:
            a, b, size = merged[-1][0], merged[-1][1], merged.pop()[2] + size
        merged.append((a, b, size))
    return merged


def _same_head(old: list[str], a: int, new: list[str], b: int, limit: int) -> int:
    """Return how many lines from old[a] and new[b] on are the same (at most limit)."""
    same, differ = 0, limit + 1  # old[a:a+same] == new[b:b+same]; differ: first known not
    while same + 1 < differ:
        # Slices compare in C: halving the unknown part beats a line-by-line loop.
        mid = (same + differ) // 2
        if old[a + same : a + mid] == new[b + same : b + mid]:
            same = mid
        else:
            differ = mid
    return same


def _same_tail(old: list[str], a_end: int, new: list[str], b_end: int, limit: int) -> int:
    """Return how many lines before old[a_end] and new[b_end] are the same (at most limit)."""
    same, differ = 0, limit + 1
    while same + 1 < differ:
        mid = (same + differ) // 2
        if old[a_end - mid : a_end - same] == new[b_end - mid : b_end - same]:
            same = mid
        else:
            differ = mid
    return same


def _unique_in_order(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """Return the longest in-order list of (old, new) indexes of lines found once on each side."""
    seen_old = Counter(old)
    seen_new = Counter(new)
    where_new = {line: b for b, line in enumerate(new) if seen_new[line] == 1}
    pairs = [
        (a, where_new[line])
        for a, line in enumerate(old)
        if seen_old[line] == 1 and line in where_new
    ]
    news = [b for _, b in pairs]
    if news == sorted(news):  # nothing moved: the usual case, and a quick one to see
        return pairs
    # Longest increasing run of new indexes (patience sorting), pairs already in old order.
    tops: list[int] = []  # the new index ending the best chain of each length
    ends: list[int] = []  # which pair ends it
    before = [-1] * len(pairs)
    for k, (_, b) in enumerate(pairs):
        length = bisect_left(tops, b)
        before[k] = ends[length - 1] if length else -1
        if length == len(tops):
            tops.append(b)
            ends.append(k)
        else:
            tops[length], ends[length] = b, k
    chain, k = [], ends[-1] if ends else -1
    while k >= 0:
        chain.append(pairs[k])
        k = before[k]
    return chain[::-1]


def _run_before(runs: list[Run], index: int) -> int:
    return bisect_right(runs, index, key=lambda run: run[0]) - 1


def _map_range(runs: list[Run], start: int, end: int) -> int | None:
    """Return where old[start:end] is in the new text if it lies in one unchanged run."""
    i = _run_before(runs, start)
    if i < 0:
        return None
    a, b, size = runs[i]
    return b + (start - a) if end <= a + size else None


def _map_near(runs: list[Run], index: int, n_new: int) -> int:
    """Return the new index where the diff puts old line `index`, changed or not."""
    i = _run_before(runs, index)
    if i >= 0 and index < runs[i][0] + runs[i][2]:
        return runs[i][1] + index - runs[i][0]
    # In a changed stretch: as far into the new stretch as the line was into the old one.
    old_from, new_from = (runs[i][0] + runs[i][2], runs[i][1] + runs[i][2]) if i >= 0 else (0, 0)
    new_to = runs[i + 1][1] if i + 1 < len(runs) else n_new
    return new_from + min(index - old_from, max(new_to - new_from - 1, 0))


def _nearest(new: list[str], quote: list[str], near: int) -> int | None:
    """Return the start of the copy of the quote nearest to `near` (ties: the earlier)."""
    first, size = quote[0], len(quote)
    at, last = max(near - NEARBY_LINES, 0), min(near + NEARBY_LINES, len(new) - size)
    best = None
    while at <= last:
        try:
            at = new.index(first, at, last + 1)
        except ValueError:
            break
        if new[at : at + size] == quote and (best is None or abs(at - near) < abs(best - near)):
            best = at
        at += 1
    return best
