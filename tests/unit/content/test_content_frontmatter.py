"""Lesson files: front matter parsing, byte-for-byte round trips, key-preserving edits."""

from __future__ import annotations

import pytest

from workspace.content import (
    FrontMatterError,
    compose_lesson,
    parse_lesson,
    update_front_matter,
)

ODD_FILES = {
    "plain": "---\ntitle: Energy transfer\nduration: 50\n---\n# Energy\n\nBody.\n",
    "comments": (
        "---\n# Working draft, do not teach yet\ntitle: Energy   # short title\n"
        "standards:\n  - HS-PS3-1  # main one\n  # - HS-PS3-2\n---\nBody\n"
    ),
    "quoting": (
        '---\ntitle: \'Energy: the "big" idea\'\ngrade_band: "9-12"\n'
        "note: >-\n  folded\n  text\n---\nBody\n"
    ),
    "crlf": "---\r\ntitle: Energy\r\nduration: 50\r\n---\r\nLine one\r\nLine two\r\n",
    "no trailing newline": "---\ntitle: Energy\n---\nLast line without newline",
    "closing at end of file": "---\ntitle: Energy\n---",
    "unicode": "---\ntitle: Énergie et chaleur — 热\nmaterials: [Bécher, 温度计]\n---\nCafé ☕\n",
    "byte order mark": "\ufeff---\ntitle: Energy\n---\nBody\n",
    "trailing spaces on fences": "---  \ntitle: Energy\n---\t\nBody\n",
    "dots as closing line": "---\ntitle: Energy\n...\nBody\n",
    "empty front matter": "---\n---\nBody\n",
    "only a comment": "---\n# nothing yet\n---\nBody\n",
    "no front matter": "# Just a body\n\nText.\n",
    "empty file": "",
    "thematic break is not front matter": "----\nBody\n",
    "blank lines in block": "---\ntitle: Energy\n\n\nduration: 50\n\n---\n\n\nBody\n",
}


@pytest.mark.parametrize("text", ODD_FILES.values(), ids=ODD_FILES.keys())
def test_untouched_lesson_joins_back_byte_for_byte(text: str):
    doc = parse_lesson(text)
    assert doc.text == text
    assert doc.opening + doc.front_matter_text + doc.closing + doc.body == text


@pytest.mark.parametrize("text", ODD_FILES.values(), ids=ODD_FILES.keys())
def test_update_with_no_changes_returns_the_same_bytes(text: str):
    assert update_front_matter(text, {}) == text
    doc = parse_lesson(text)
    if "title" in doc.front_matter:
        assert update_front_matter(text, {"title": doc.front_matter["title"]}) == text


def test_front_matter_values_are_read():
    doc = parse_lesson(ODD_FILES["quoting"])
    assert doc.front_matter == {
        "title": 'Energy: the "big" idea',
        "grade_band": "9-12",
        "note": "folded text",
    }
    assert doc.body == "Body\n"


def test_dates_stay_text_so_front_matter_converts_to_json():
    doc = parse_lesson("---\ntitle: A\ntaught_on: 2024-03-01\n---\n")
    assert doc.front_matter["taught_on"] == "2024-03-01"


def test_body_line_counts_the_front_matter_lines():
    assert parse_lesson("---\ntitle: A\nduration: 5\n---\nfirst body line\n").body_line == 5
    assert parse_lesson("no front matter\n").body_line == 1


def test_file_without_front_matter_has_empty_front_matter():
    doc = parse_lesson("# Title\n")
    assert not doc.has_front_matter
    assert doc.front_matter == {}
    assert doc.body == "# Title\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("---\ntitle: Energy\nduration: [50\n---\nBody\n", 4, "not valid YAML"),
        ("---\ntitle: Energy\n  bad: indent\n---\n", 3, "not valid YAML"),
        ("---\ntitle: A\nduration: 5\ntitle: B\n---\n", 4, "\u201ctitle\u201d appears twice"),
        ("---\n- a list\n- not a mapping\n---\n", 2, "is a list"),
        ("---\njust text\n---\n", 2, "a single value"),
        ("---\ntitle: Energy\nBody without a closing line\n", 1, "never closed"),
        ("---\n1: one\n---\n", 2, "keys must be words"),
    ],
)
def test_unreadable_front_matter_says_what_and_where(text: str, line: int, words: str):
    with pytest.raises(FrontMatterError) as caught:
        parse_lesson(text)
    assert caught.value.line == line
    assert words in caught.value.message
    if "YAML" in words:
        assert f"line {line}" in caught.value.message


COMMENTED = """---
# Lesson on energy: draft for the spring cycle
title: 'Energy transfer'   # working title
duration: 50  # two periods
grade_band: "9-12"
standards:
  - HS-PS3-1   # the main one
  - HS-PS3-2
resources:
  - id: 7
    title: Heat camera dataset
    url: https://example.org/heat

x-reviewer: Ms. Rivera   # unknown key, kept
---
# Energy transfer

Body with `---` and trailing spaces\u0020\u0020
"""


def test_replacing_a_key_keeps_every_other_line_as_written():
    updated = update_front_matter(COMMENTED, {"duration": 90})
    before, after = COMMENTED.splitlines(keepends=True), updated.splitlines(keepends=True)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("duration: 50  # two periods\n", "duration: 90  # two periods\n")]
    assert parse_lesson(updated).front_matter["duration"] == 90


def test_replacing_a_list_keeps_comments_around_it_and_the_body_bytes():
    updated = update_front_matter(COMMENTED, {"standards": ["HS-PS3-4", "MP4"]})
    assert "  - HS-PS3-4\n  - MP4\nresources:\n" in updated
    assert "# Lesson on energy: draft for the spring cycle\n" in updated
    assert "title: 'Energy transfer'   # working title\n" in updated
    assert "x-reviewer: Ms. Rivera   # unknown key, kept\n" in updated
    assert updated.endswith("---\n# Energy transfer\n\nBody with `---` and trailing spaces  \n")
    assert parse_lesson(updated).body == parse_lesson(COMMENTED).body


def test_removing_a_key_removes_only_its_lines():
    updated = update_front_matter(COMMENTED, {"resources": None, "x-missing": None})
    expected = COMMENTED.replace(
        "resources:\n  - id: 7\n    title: Heat camera dataset\n    url: https://example.org/heat\n",
        "",
    )
    assert updated == expected


def test_new_keys_go_at_the_end_in_the_order_given():
    updated = update_front_matter(
        COMMENTED, {"materials": ["Cups", "Ice"], "based_on": "OpenSciEd"}
    )
    data = parse_lesson(updated).front_matter
    assert list(data)[-2:] == ["materials", "based_on"]
    assert updated.startswith(COMMENTED.split("---\n# Energy")[0])


def test_update_keeps_key_order_and_unknown_keys():
    updated = update_front_matter(COMMENTED, {"title": "Heat flow", "grade_band": "HS"})
    data = parse_lesson(updated).front_matter
    assert list(data) == list(parse_lesson(COMMENTED).front_matter)
    assert data["title"] == "Heat flow"
    assert data["x-reviewer"] == "Ms. Rivera"


def test_update_follows_flush_list_style_of_the_file():
    text = "---\ntitle: A\nmaterials:\n- cups\n---\n"
    updated = update_front_matter(text, {"objectives": ["Explain heat"]})
    assert updated == "---\ntitle: A\nmaterials:\n- cups\nobjectives:\n- Explain heat\n---\n"


def test_update_keeps_crlf_line_endings():
    text = ODD_FILES["crlf"]
    updated = update_front_matter(text, {"duration": 45, "materials": ["Cups"]})
    assert "\n" not in updated.replace("\r\n", "")
    assert parse_lesson(updated).front_matter == {
        "title": "Energy",
        "duration": 45,
        "materials": ["Cups"],
    }


def test_update_creates_front_matter_when_the_file_has_none():
    updated = update_front_matter("# Energy\n\nBody\n", {"title": "Energy", "duration": None})
    assert updated == "---\ntitle: Energy\n---\n# Energy\n\nBody\n"


def test_update_quotes_values_that_yaml_would_misread():
    updated = update_front_matter("---\ntitle: A\n---\n", {"title": "yes", "grade_band": "7"})
    assert parse_lesson(updated).front_matter == {"title": "yes", "grade_band": "7"}


def test_update_distinguishes_true_from_one():
    updated = update_front_matter("---\ntitle: A\nflag: 1\n---\n", {"flag": True})
    assert parse_lesson(updated).front_matter["flag"] is True


def test_update_of_a_flow_mapping_block_rewrites_it_correctly():
    updated = update_front_matter("---\n{title: A, duration: 5}\n---\nBody\n", {"title": "B"})
    assert parse_lesson(updated).front_matter == {"title": "B", "duration": 5}
    assert updated.endswith("---\nBody\n")


def test_update_with_shared_anchors_stays_valid():
    text = "---\ntitle: &t Energy\nshort_title: *t\n---\n"
    updated = update_front_matter(text, {"title": "Heat"})
    assert parse_lesson(updated).front_matter == {"title": "Heat", "short_title": "Energy"}


def test_update_of_a_block_scalar_keeps_blank_line_after_it():
    text = "---\ntitle: A\nnotes: |\n  one\n  two\n\nduration: 5\n---\n"
    updated = update_front_matter(text, {"notes": "changed"})
    assert updated == "---\ntitle: A\nnotes: changed\n\nduration: 5\n---\n"


def test_multi_line_text_is_written_as_a_block():
    updated = update_front_matter("---\ntitle: A\n---\n", {"summary": "Line one\nLine two\n"})
    assert "summary: |\n  Line one\n  Line two\n" in updated
    assert parse_lesson(updated).front_matter["summary"] == "Line one\nLine two\n"


def test_update_refuses_unreadable_front_matter():
    with pytest.raises(FrontMatterError):
        update_front_matter("---\ntitle: [\n---\n", {"title": "A"})


def test_compose_orders_keys_and_reads_back():
    front_matter = {
        "x-custom": 1,
        "objectives": ["Explain heat"],
        "title": "Energy",
        "standards": ["HS-PS3-1"],
        "duration": 50,
    }
    text = compose_lesson(front_matter, "# Energy\n\nBody")
    assert text.startswith("---\ntitle: Energy\nduration: 50\nstandards:\n  - HS-PS3-1\n")
    doc = parse_lesson(text)
    assert doc.front_matter == front_matter
    assert list(doc.front_matter) == ["title", "duration", "standards", "objectives", "x-custom"]
    assert doc.body == "\n# Energy\n\nBody\n"
