"""Prose diffs for the commit and compare pages: word by word within changed lines.

Lines are matched first and only changed lines are compared word by word (pairwise when as
many lines were replaced as replaced them), so the cost follows the size of the change, not of
the file. Long unchanged stretches are then folded to a few lines of context around changes.
"""

from __future__ import annotations

import difflib

from ...git import CourseRepo

MAX_WORD_BLOCK = 4_000  # characters of changed text compared word by word at once
CONTEXT_LINES = 3

Runs = list[tuple[str, str]]


def prose_diff(old_text: str, new_text: str) -> Runs:
    """Return ("equal" | "insert" | "delete", text) runs, word by word within changed lines."""
    old_lines, new_lines = old_text.splitlines(True), new_text.splitlines(True)
    runs: Runs = []

    def add(parts: Runs) -> None:
        for op, text in parts:
            if not text:
                continue
            if runs and runs[-1][0] == op:
                runs[-1] = (op, runs[-1][1] + text)
            else:
                runs.append((op, text))

    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = old_lines[i1:i2], new_lines[j1:j2]
        if tag == "equal":
            add([("equal", "".join(before))])
        elif tag == "replace" and len(before) == len(after):
            for old_line, new_line in zip(before, after, strict=True):
                add(_words(old_line, new_line))
        else:
            add(_words("".join(before), "".join(after)))
    return runs


def _words(old: str, new: str) -> Runs:
    """Return the word diff of two short texts; long ones are shown as removed and added."""
    if not old or not new or len(old) + len(new) > MAX_WORD_BLOCK:
        return [("delete", old), ("insert", new)]
    return CourseRepo.word_diff(old, new)


def collapse_unchanged(runs: Runs, context: int = CONTEXT_LINES) -> Runs:
    """Return `runs` with long unchanged stretches folded into ("skip", "<line count>") runs.

    `context` lines stay before and after each change; a change inside a line keeps that line
    whole, because the equal text around it belongs to the same line.
    """
    folded: Runs = []
    last = len(runs) - 1
    for index, (op, text) in enumerate(runs):
        if op != "equal":
            folded.append((op, text))
            continue
        lines = text.splitlines(True)
        keep_head = 0 if index == 0 else context + 1
        keep_tail = 0 if index == last else context + 1
        if len(lines) <= keep_head + keep_tail + 1:
            folded.append((op, text))
            continue
        if keep_head:
            folded.append(("equal", "".join(lines[:keep_head])))
        folded.append(("skip", str(len(lines) - keep_head - keep_tail)))
        if keep_tail:
            folded.append(("equal", "".join(lines[-keep_tail:])))
    return folded
