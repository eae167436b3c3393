"""Linking a resource changes the lesson's `resources:` list and not one other byte: comments,
quoting, key order, odd spacing, CRLF line ends and the body stay as written."""

from __future__ import annotations

import pytest

from workspace.content import parse_lesson
from workspace.content.resource_links import LinkEntry, link_resource, unlink_resource

ENTRY = LinkEntry(7, "Yes: a dataset", "https://lab.example/data?x=1#top")

HAND_WRITTEN = """---
# Hand warmers, as we teach them
title:   "Hand warmers"   # the short title
duration: 50

resources:
    -   id: 3
        title: 'Old data'    # still good
        url: https://a.example/x
standards: [HS-PS3-4]
extra: {a: 1}
---

Body with a --- line and `resources:` in it.
"""


def lines_added(before: str, after: str) -> list[str]:
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    for i, line in enumerate(old):
        if new[i] != line:
            break
    else:
        i = len(old)
    added = len(new) - len(old)
    assert new[:i] == old[:i] and new[i + added :] == old[i:], "only an insertion"
    return new[i : i + added]


def test_a_link_adds_only_the_entry_s_lines_after_the_last_one() -> None:
    linked = link_resource(HAND_WRITTEN, ENTRY)
    assert lines_added(HAND_WRITTEN, linked) == [
        "    -   id: 7\n",
        "        title: 'Yes: a dataset'\n",
        "        url: https://lab.example/data?x=1#top\n",
    ]
    assert parse_lesson(linked).front_matter["resources"][-1] == ENTRY.as_dict()


def test_linking_twice_changes_nothing_and_unlinking_gives_the_file_back_byte_for_byte() -> None:
    linked = link_resource(HAND_WRITTEN, ENTRY)
    assert link_resource(linked, ENTRY) == linked
    assert unlink_resource(linked, 7) == HAND_WRITTEN
    assert unlink_resource(HAND_WRITTEN, 99) == HAND_WRITTEN


def test_the_first_link_adds_the_key_at_the_end_and_the_last_unlink_removes_it() -> None:
    text = "---\ntitle: Ramps  # ours\nduration: 45\n---\n\nRoll the ball.\n"
    linked = link_resource(text, ENTRY)
    assert linked.startswith("---\ntitle: Ramps  # ours\nduration: 45\nresources:\n  - id: 7\n")
    assert linked.endswith("---\n\nRoll the ball.\n")
    assert unlink_resource(linked, 7) == text


def test_crlf_files_and_flow_style_entries_keep_their_style() -> None:
    text = "---\r\ntitle: X\r\nresources:\r\n- {id: 1, title: A, url: 'http://a.example'}\r\n---\r\nB\r\n"
    linked = link_resource(text, ENTRY)
    assert linked == text.replace(
        "---\r\nB",
        '- {id: 7, title: "Yes: a dataset", url: "https://lab.example/data?x=1#top"}\r\n---\r\nB',
    )
    assert unlink_resource(linked, 7) == text


def test_a_list_on_one_line_is_rewritten_alone() -> None:
    text = "---\ntitle: X  # t\nresources: [{id: 1, title: A, url: 'http://a.b'}]\nz: 1\n---\nB\n"
    linked = link_resource(text, ENTRY)
    assert linked.startswith("---\ntitle: X  # t\nresources:\n")
    assert linked.endswith("z: 1\n---\nB\n")
    assert [r["id"] for r in parse_lesson(linked).front_matter["resources"]] == [1, 7]


@pytest.mark.parametrize("middle", [1, 2])
def test_unlinking_one_of_several_takes_out_its_lines_only(middle: int) -> None:
    text = HAND_WRITTEN
    for number in (1, 2):
        text = link_resource(text, LinkEntry(10 + number, f"R{number}", "https://r.example"))
    gone = unlink_resource(text, 10 + middle)
    assert [r["id"] for r in parse_lesson(gone).front_matter["resources"]] == [
        3,
        *([12] if middle == 1 else [11]),
    ]
    assert gone == text.replace(
        f"    -   id: {10 + middle}\n        title: R{middle}\n        url: https://r.example\n", ""
    )
