"""Anchoring review threads: a thread follows its quoted lines, or says they are outdated."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workspace.services.threads import (
    NEARBY_LINES,
    WHOLE_LESSON,
    Anchor,
    AnchorError,
    Position,
    anchor_at,
    follow,
    follow_through,
    lines_of,
    quote_of,
)

LESSON = """\
---
title: Density and buoyancy
grade_band: 6-8
duration: 50
objectives:
  - Predict whether an object sinks or floats from its density
  - Measure mass and volume to compute density
---

# Density and buoyancy

## Launch

Show a can of regular soda and a can of diet soda.
Ask: what do you notice? What do you wonder?
Students predict which can will float.

## Explore

Groups measure the mass of each object on the scale.
They find the volume by water displacement.
Ask: what do you notice? What do you wonder?
Record both numbers in the table.

## Discuss

Each group shares one surprising result.
Connect density to the soda cans from the launch.

## Exit ticket

Will a 2 kg block of wax float? Explain with density.
"""


def current(start: int, end: int) -> Position:
    return Position("current", start, end)


OUTDATED = Position("outdated")


def at(text: str, start: int, end: int) -> Anchor:
    return anchor_at(text, start, end)


def test_quote_is_the_exact_text_of_the_lines_joined_with_newlines():
    assert quote_of(LESSON, 14, 15) == (
        "Show a can of regular soda and a can of diet soda.\n"
        "Ask: what do you notice? What do you wonder?"
    )
    assert quote_of(LESSON, 1, 1) == "---"


def test_lines_outside_the_lesson_are_refused_in_teachers_words():
    text = "a\nb\nc\nd\ne\nf\ng\n"
    with pytest.raises(
        AnchorError, match=r"^Lines 5 to 9 are outside the lesson, which has 7 lines\.$"
    ):
        quote_of(text, 5, 9)
    with pytest.raises(AnchorError, match=r"^Line 8 is outside the lesson, which has 7 lines\.$"):
        quote_of(text, 8, 8)
    with pytest.raises(AnchorError, match="which has 1 line\\."):
        quote_of("only\n", 1, 2)
    with pytest.raises(AnchorError, match="which is empty"):
        quote_of("", 1, 1)
    with pytest.raises(AnchorError, match="numbered from 1"):
        quote_of(text, 0, 2)
    with pytest.raises(AnchorError, match="first line must come first"):
        quote_of(text, 4, 2)
    with pytest.raises(AnchorError, match="whole numbers"):
        quote_of(text, True, 2)  # type: ignore[arg-type]


def test_anchor_outside_the_old_text_raises_value_error():
    with pytest.raises(ValueError, match="outside the lesson"):
        follow("a\nb\n", Anchor(3, 4, "c\nd"), "a\nb\nc\nd\n")


def test_anchor_whose_quote_is_not_in_the_old_text_raises_value_error():
    with pytest.raises(ValueError, match="quote is not the text of lines 1 to 1"):
        follow("a\nb\n", Anchor(1, 1, "b"), "a\nb\n")


def test_unchanged_text_keeps_the_thread_where_it_was():
    assert follow(LESSON, at(LESSON, 14, 16), LESSON) == current(14, 16)


def test_insert_above_moves_the_thread_down():
    new = LESSON.replace("## Launch\n", "## Launch\n\nMaterials: two cans, a tub of water.\n")
    assert follow(LESSON, at(LESSON, 14, 16), new) == current(16, 18)


def test_insert_in_the_front_matter_moves_the_thread_down():
    new = LESSON.replace("duration: 50\n", "duration: 50\nauthor: R. Okafor\n")
    assert follow(LESSON, at(LESSON, 20, 21), new) == current(21, 22)


def test_insert_below_keeps_the_thread_in_place():
    new = LESSON + "\n## Extension\n\nTry salt water.\n"
    assert follow(LESSON, at(LESSON, 14, 16), new) == current(14, 16)


def test_insert_right_after_the_lines_keeps_the_thread_in_place():
    new = LESSON.replace("will float.\n", "will float.\nThey write the prediction down.\n")
    assert follow(LESSON, at(LESSON, 14, 16), new) == current(14, 16)


def test_edit_inside_the_lines_makes_the_thread_outdated():
    new = LESSON.replace("Students predict", "Pairs predict")
    assert follow(LESSON, at(LESSON, 14, 16), new) == OUTDATED


def test_line_inserted_inside_the_lines_makes_the_thread_outdated():
    new = LESSON.replace("diet soda.\n", "diet soda.\nLet them hold the cans.\n")
    assert follow(LESSON, at(LESSON, 14, 16), new) == OUTDATED


def test_deleting_the_lines_makes_the_thread_outdated():
    new = LESSON.replace("Show a can of regular soda and a can of diet soda.\n", "")
    assert follow(LESSON, at(LESSON, 14, 14), new) == OUTDATED


def test_deleting_part_of_the_lines_makes_the_thread_outdated():
    new = LESSON.replace("Students predict which can will float.\n", "")
    assert follow(LESSON, at(LESSON, 14, 16), new) == OUTDATED


def test_moving_the_paragraph_keeps_the_thread_current_at_its_new_place():
    launch = (
        "Show a can of regular soda and a can of diet soda.\n"
        "Ask: what do you notice? What do you wonder?\n"
        "Students predict which can will float.\n"
    )
    discuss = "Each group shares one surprising result.\n"
    new = LESSON.replace(launch, "").replace(discuss, discuss + launch)
    start = lines_of(new).index("Show a can of regular soda and a can of diet soda.") + 1
    assert start > 16
    assert follow(LESSON, at(LESSON, 14, 16), new) == current(start, start + 2)


def test_quote_far_away_is_not_taken_for_the_moved_lines():
    steps = [f"Step {i}." for i in range(NEARBY_LINES + 50)]
    old = "\n".join(["Intro.", "The key idea.", "Outro.", *steps])
    far = "\n".join(["Intro.", "Outro.", *steps, "The key idea."])
    assert follow(old, at(old, 2, 2), far) == OUTDATED
    near = "\n".join(["Intro.", "Outro.", *steps[:40], "The key idea.", *steps[40:]])
    assert follow(old, at(old, 2, 2), near) == current(43, 43)


def test_rewritten_quote_goes_to_the_nearest_exact_copy_the_earlier_on_a_tie():
    old = "A1\nA2\nA3\nQ\nB1\nB2\nB3\n"
    # Q (line 4) is rewritten to X; copies stand outside the unchanged runs around it.
    before = "Q\nA1\nA2\nA3\nX\nB1\nB2\nB3\nB4\nQ\n"
    assert follow(old, at(old, 4, 4), before) == current(1, 1)
    after = "Q\nZ\nA1\nA2\nA3\nX\nB1\nB2\nB3\nQ\n"
    assert follow(old, at(old, 4, 4), after) == current(10, 10)
    tie = "Q\nA1\nA2\nA3\nX\nB1\nB2\nB3\nQ\n"
    assert follow(old, at(old, 4, 4), tie) == current(1, 1)


def test_duplicating_a_paragraph_keeps_the_thread_on_an_exact_copy():
    para = "Groups measure the mass of each object on the scale.\n"
    new = LESSON.replace(para, para + para)
    moved = follow(LESSON, at(LESSON, 20, 20), new)
    assert moved.state == "current" and moved.start_line in (20, 21)


def test_crlf_and_lf_versions_of_the_same_lines_match():
    crlf = LESSON.replace("\n", "\r\n")
    anchor = at(crlf, 14, 16)
    assert "\r" not in anchor.quote
    assert anchor.quote == quote_of(LESSON, 14, 16)
    assert follow(crlf, anchor, LESSON) == current(14, 16)
    assert follow(LESSON, at(LESSON, 14, 16), "\r\n" + crlf) == current(15, 17)


def test_adding_or_removing_the_final_newline_keeps_the_last_line_current():
    without = LESSON.rstrip("\n")
    last = len(lines_of(LESSON))
    assert follow(LESSON, at(LESSON, last, last), without) == current(last, last)
    assert follow(without, at(without, last, last), LESSON) == current(last, last)
    assert len(lines_of(without)) == last


def test_empty_files():
    assert lines_of("") == []
    assert lines_of("\n") == [""]
    assert follow("a\n", at("a\n", 1, 1), "") == OUTDATED
    with pytest.raises(AnchorError, match="which is empty"):
        anchor_at("", 1, 1)


def test_thread_on_the_whole_lesson_is_always_current_without_lines():
    assert anchor_at(LESSON) == WHOLE_LESSON
    assert follow(LESSON, WHOLE_LESSON, "") == Position("current")
    assert follow("", WHOLE_LESSON, LESSON) == Position("current")
    assert follow_through([LESSON, "", LESSON], WHOLE_LESSON) == Position("current")
    with pytest.raises(ValueError):
        Anchor(None, None, "some words")
    with pytest.raises(ValueError):
        Anchor(3, None, "")
    with pytest.raises(AnchorError):
        anchor_at(LESSON, 3, None)


def test_follow_through_maps_version_by_version_and_stays_outdated():
    v1 = LESSON
    v2 = v1.replace("## Launch\n", "## Launch\n\nMaterials: two cans.\n")
    v3 = v2.replace("# Density and buoyancy\n", "# Density\n\nA 50-minute lesson.\n")
    assert follow_through([v1, v2, v3], at(v1, 14, 16)) == current(18, 20)
    assert follow_through([v1], at(v1, 14, 16)) == current(14, 16)
    v4 = v3.replace("Students predict", "Pairs predict")
    # Once outdated it stays outdated, even if a later version brings the words back.
    assert follow_through([v1, v4, v3], at(v1, 14, 16)) == OUTDATED
    with pytest.raises(ValueError):
        follow_through([], at(v1, 14, 16))


# --- Property: many random edits in a row, several threads followed after each ---------------

POOL = [
    "",
    "Ask: what do you notice? What do you wonder?",
    "Record both numbers in the table.",
    "Students work in pairs.",
    "Check for understanding before moving on.",
    "## Notes",
    "- a beaker of water",
    "Give students two minutes to think alone.",
]
MAX_LINES = NEARBY_LINES  # every copy of a quote is then within reach of the fallback
_ids = itertools.count()


class Lesson:
    """The lesson as lines, each with an identity that an edit keeps or replaces."""

    def __init__(self, text: str) -> None:
        self.lines = [(next(_ids), line) for line in lines_of(text)]
        self.ending, self.final_ending = "\n", True

    @property
    def text(self) -> str:
        text = self.ending.join(line for _, line in self.lines)
        # Without a final line ending, a last blank line would not be a line at all.
        if self.lines and (self.final_ending or not self.lines[-1][1]):
            text += self.ending
        return text

    def ids(self, start: int, end: int) -> list[int]:
        return [i for i, _ in self.lines[start - 1 : end]]

    def where(self, ids: list[int]) -> int | None:
        """Return the 1-based line where these lines are, in order and together, if they are."""
        order = [i for i, _ in self.lines]
        if ids[0] not in order:
            return None
        at = order.index(ids[0])
        return at + 1 if order[at : at + len(ids)] == ids else None

    def paragraphs(self) -> list[tuple[int, int]]:
        """Return 0-based [start, end) spans of the runs of non-blank lines."""
        spans, start = [], None
        for n, (_, line) in enumerate([*self.lines, (-1, "")]):
            if line and start is None:
                start = n
            elif not line and start is not None:
                spans.append((start, n))
                start = None
        return spans

    def apply(self, edit: tuple, threads: list[tuple[int, int]]) -> None:
        kind, a, b, c, words = edit
        size = len(self.lines)
        new = [(next(_ids), word) for word in words]
        if kind == "line_endings":  # saved from another editor: no line's text changes
            self.ending, self.final_ending = ("\n", "\r\n")[a % 2], bool(b % 2)
        elif kind in ("insert_inside", "edit_inside") and threads:
            start, end = threads[a % len(threads)]
            pos = start - 1 + b % (end - start + 1)
            if kind == "insert_inside" and size + len(new) <= MAX_LINES:
                self.lines[pos + 1 : pos + 1] = new
            elif kind == "edit_inside":
                self.lines[pos] = (next(_ids), self.lines[pos][1] + " (revised)")
        elif kind == "insert" and size + len(new) <= MAX_LINES:
            pos = a % (size + 1)
            self.lines[pos:pos] = new
        elif kind == "delete" and size:
            pos = a % size
            del self.lines[pos : pos + 1 + b % 4]
        elif kind == "edit" and size:
            pos = a % size
            self.lines[pos] = (next(_ids), words[0] if words else "Changed.")
        elif kind in ("move", "duplicate") and self.paragraphs():
            spans = self.paragraphs()
            start, end = spans[a % len(spans)]
            block = self.lines[start:end]
            if kind == "move":
                del self.lines[start:end]
                target = c % (len(self.lines) + 1)
                self.lines[target:target] = [(next(_ids), ""), *block]
            elif size + len(block) <= MAX_LINES:
                target = c % (size + 1)
                self.lines[target:target] = [(next(_ids), line) for _, line in block]


edits = st.tuples(
    st.sampled_from(
        [
            "insert",
            "insert",
            "delete",
            "edit",
            "move",
            "duplicate",
            "insert_inside",
            "edit_inside",
            "line_endings",
        ]
    ),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.lists(st.sampled_from(POOL), min_size=1, max_size=4),
)


@dataclass
class Followed:
    """A thread as the test follows it: where it opened, where it is now, the versions since."""

    opened: Anchor
    now: Anchor
    ids: list[int]
    history: list[str]


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    steps=st.lists(edits, min_size=25, max_size=40),
    picks=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 3)), min_size=12),
)
def test_threads_are_current_on_their_exact_quote_or_outdated(steps, picks):
    lesson = Lesson(LESSON)
    picks_left = iter(picks)
    threads: list[Followed] = []

    def open_threads() -> None:
        lines = lines_of(lesson.text)
        while len(threads) < 4 and lines:
            first, extra = next(picks_left, (len(threads) * 7, 1))
            start = 1 + first % len(lines)
            end = min(len(lines), start + extra)
            anchor = anchor_at(lesson.text, start, end)
            threads.append(Followed(anchor, anchor, lesson.ids(start, end), [lesson.text]))

    open_threads()
    for step in steps:
        old_text = lesson.text
        lesson.apply(step, [(t.now.start_line, t.now.end_line) for t in threads])
        new_text, new_lines = lesson.text, lines_of(lesson.text)
        kept = []
        for thread in threads:
            position = follow(old_text, thread.now, new_text)
            quote = thread.now.quote.split("\n")
            if position.state == "current":
                assert position.start_line is not None and position.end_line is not None
                assert new_lines[position.start_line - 1 : position.end_line] == quote
            else:
                assert position == Position("outdated")
            truth = lesson.where(thread.ids)
            if truth is not None:
                # The edit left the quoted lines alone: the thread must still be current, and
                # exactly there when no other copy of the quote could be meant.
                assert position.state == "current", (step, thread.now)
                copies = [
                    n for n in range(len(new_lines)) if new_lines[n : n + len(quote)] == quote
                ]
                if len(copies) == 1:
                    assert position.start_line == truth
            thread.history.append(new_text)
            assert follow_through(thread.history, thread.opened) == position
            if position.start_line is not None and position.end_line is not None:
                thread.now = Anchor(position.start_line, position.end_line, thread.now.quote)
                thread.ids = lesson.ids(position.start_line, position.end_line)
                kept.append(thread)
        threads[:] = kept
        open_threads()
