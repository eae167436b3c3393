"""The paragraph-by-paragraph merge behind the conflict screen: what needs a choice, what is
already combined, and the file each set of choices makes."""

from __future__ import annotations

from workspace.services.editing import (
    Choice,
    Conflict,
    Settled,
    read_choices,
    resolve_paragraphs,
)

BASE = """---
title: Speed
duration: 50  # one period
objectives:
  - Measure speed
---

# Launch

Students roll a ball down a ramp.

# Explore

They time the ball with a stopwatch.

# Discuss

Compare the groups' times.
"""


def edit(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return text


def paragraphs(resolution) -> list[Conflict]:
    return [p for p in resolution.pieces if isinstance(p, Conflict)]


def test_two_conflicting_paragraphs_each_get_a_choice_and_the_rest_is_combined():
    theirs = edit(BASE, ("a ball down", "a marble down"), ("a stopwatch", "a phone"))
    yours = edit(
        BASE, ("a ball down", "a toy car down"), ("a stopwatch", "a timer"), ("groups'", "teams'")
    )

    resolution = resolve_paragraphs(BASE, theirs, yours)

    first, second = paragraphs(resolution)
    assert resolution.fields == ()
    assert (first.label, first.change) == ("Paragraph 2", "changed")
    assert first.mine == "Students roll a toy car down a ramp."
    assert first.theirs == "Students roll a marble down a ramp."
    assert first.options == ("mine", "theirs", "both", "edit")
    assert ("delete", "marble") in first.words and ("insert", "toy car") in first.words
    assert second.label == "Paragraph 4" and second.theirs.endswith("a phone.")
    settled = [p.text for p in resolution.pieces if isinstance(p, Settled)]
    assert settled[-1] == "# Discuss\n\nCompare the teams' times."  # only mine changed it

    text = resolution.compose({first.id: Choice("mine"), second.id: Choice("theirs")})
    assert text == edit(
        BASE,
        ("a ball down", "a toy car down"),
        ("a stopwatch", "a phone"),
        (
            "groups'",
            "teams'",
        ),
    )


def test_keep_both_and_writing_it_yourself_compose_as_chosen():
    theirs = edit(BASE, ("a ball down", "a marble down"))
    yours = edit(BASE, ("a ball down", "a toy car down"))
    resolution = resolve_paragraphs(BASE, theirs, yours)
    (conflict,) = paragraphs(resolution)
    assert conflict.prefill == conflict.both  # the edit box starts from both versions

    both = resolution.compose({conflict.id: Choice("both")})
    assert "Students roll a toy car down a ramp.\n\nStudents roll a marble down a ramp.\n" in both
    own = resolution.compose({conflict.id: Choice("edit", "Students roll a marble or a car.\r\n")})
    assert "\n\nStudents roll a marble or a car.\n\n# Explore" in own
    removed = resolution.compose({conflict.id: Choice("edit", "  \n")})
    assert "Students roll" not in removed and "# Launch\n\n# Explore" in removed


def test_a_paragraph_added_on_one_side_is_combined_without_a_choice():
    theirs = edit(BASE, ("a ball down", "a marble down"))
    yours = edit(
        BASE,
        ("a ball down", "a toy car down"),
        ("# Explore", "Predict which one is faster.\n\n# Explore"),
    )
    resolution = resolve_paragraphs(BASE, theirs, yours)

    (conflict,) = paragraphs(resolution)
    assert conflict.label == "Paragraph 2"
    text = resolution.compose({conflict.id: Choice("theirs")})
    assert text == edit(theirs, ("# Explore", "Predict which one is faster.\n\n# Explore"))


def test_paragraphs_added_at_the_same_place_on_both_sides_conflict_as_added():
    theirs = BASE + "\nExit ticket: one sentence.\n"
    yours = BASE + "\nHomework: page 12.\n"
    (conflict,) = paragraphs(resolve_paragraphs(BASE, theirs, yours))
    assert conflict.change == "added" and conflict.label == "Paragraph 7"


def test_a_paragraph_one_side_removed_and_the_other_changed_conflicts():
    theirs = edit(BASE, ("# Discuss\n\nCompare the groups' times.\n", ""))
    yours = edit(BASE, ("groups'", "teams'"))
    resolution = resolve_paragraphs(BASE, theirs.rstrip("\n") + "\n", yours)
    (conflict,) = paragraphs(resolution)
    assert conflict.change == "removed_theirs" and conflict.plural is True
    assert conflict.theirs == "" and conflict.both is None
    assert resolution.compose({conflict.id: Choice("theirs")}).endswith("a stopwatch.\n")


def test_different_paragraphs_next_to_each_other_combine():
    theirs = edit(BASE, ("# Launch", "# Launch (10 minutes)"))
    yours = edit(BASE, ("a ball down", "a toy car down"))
    resolution = resolve_paragraphs(BASE, theirs, yours)
    assert resolution.conflicts == ()
    assert resolution.compose({}) == edit(theirs, ("a ball down", "a toy car down"))


def test_a_field_changed_on_both_sides_is_one_choice_by_its_label():
    theirs = edit(BASE, ("duration: 50", "duration: 45"), ("title: Speed", "title: Speed and time"))
    yours = edit(BASE, ("duration: 50", "duration: 60"), ("  - Measure speed", "  - Measure it"))

    resolution = resolve_paragraphs(BASE, theirs, yours)

    (duration,) = resolution.fields
    assert (duration.label, duration.kind, duration.key) == ("Duration", "field", "duration")
    assert (duration.mine, duration.theirs) == ("60", "45")
    assert duration.options == ("mine", "theirs", "edit")  # no "both" for one number
    assert paragraphs(resolution) == []
    mine = resolution.compose({duration.id: Choice("mine")})
    assert "duration: 60  # one period\n" in mine  # the note written after it stays
    assert "title: Speed and time\n" in mine and "  - Measure it\n" in mine
    own = resolution.compose({duration.id: Choice("edit", "55")})
    assert "duration: 55  # one period\n" in own


def test_a_list_field_changed_on_both_sides_can_keep_both_lists():
    theirs = edit(BASE, ("  - Measure speed", "  - Measure speed\n  - Graph distance"))
    yours = edit(BASE, ("  - Measure speed", "  - Measure speed\n  - Explain speed"))
    (objectives,) = resolve_paragraphs(BASE, theirs, yours).fields
    assert objectives.label == "Objectives"
    assert objectives.both == "Measure speed\nExplain speed\nGraph distance"
    assert objectives.options == ("mine", "theirs", "both", "edit")
    text = resolve_paragraphs(BASE, theirs, yours).compose({objectives.id: Choice("both")})
    assert "  - Measure speed\n  - Explain speed\n  - Graph distance\n" in text
    edited = resolve_paragraphs(BASE, theirs, yours).compose(
        {objectives.id: Choice("edit", "Measure speed\n\nGraph it\n")}
    )
    assert "objectives:\n  - Measure speed\n  - Graph it\n" in edited


def test_both_sides_making_the_identical_change_is_no_conflict():
    same = edit(BASE, ("a ball down", "a marble down"), ("duration: 50", "duration: 45"))
    resolution = resolve_paragraphs(BASE, same, same)
    assert resolution.conflicts == ()
    assert resolution.compose({}) == same
    theirs = edit(same, ("# Discuss", "# Discuss together"))
    assert resolve_paragraphs(BASE, theirs, same).compose({}) == theirs


def test_windows_line_endings_merge_and_stay():
    crlf = BASE.replace("\n", "\r\n")
    theirs = edit(crlf, ("a ball down", "a marble down"), ("duration: 50", "duration: 45"))
    yours = edit(crlf, ("a ball down", "a toy car down"), ("duration: 50", "duration: 60"))

    resolution = resolve_paragraphs(crlf, theirs, yours)

    field, paragraph = resolution.conflicts
    assert "\r" not in paragraph.mine + paragraph.prefill
    text = resolution.compose({field.id: Choice("theirs"), paragraph.id: Choice("edit", "A\r\nB")})
    assert "\n" not in text.replace("\r\n", "")
    assert "duration: 45" in text and "\r\n\r\nA\r\nB\r\n\r\n# Explore" in text


def test_one_side_with_windows_line_endings_does_not_conflict_everywhere():
    theirs = edit(BASE, ("a ball down", "a marble down")).replace("\n", "\r\n")
    yours = edit(BASE, ("a stopwatch", "a timer"))
    resolution = resolve_paragraphs(BASE, theirs, yours)
    assert resolution.conflicts == ()
    assert resolution.compose({}) == edit(theirs, ("a stopwatch", "a timer"))


def test_a_fenced_code_block_with_blank_lines_is_one_paragraph():
    base = "---\ntitle: Code\n---\n\nIntro.\n\n```python\nx = 1\n\ny = 2\n```\n\nEnd.\n"
    theirs = edit(base, ("y = 2", "y = 3"))
    yours = edit(base, ("y = 2", "y = 4"))
    (conflict,) = paragraphs(resolve_paragraphs(base, theirs, yours))
    assert conflict.mine == "```python\nx = 1\n\ny = 4\n```" and conflict.label == "Paragraph 2"


def test_front_matter_that_does_not_parse_is_merged_as_text():
    broken = edit(BASE, ("duration: 50  # one period", "duration: [50"))
    resolution = resolve_paragraphs(BASE, broken, edit(BASE, ("a ball", "a cart")))
    assert resolution.fields == ()
    assert "duration: [50" in resolution.compose({}) and "a cart" in resolution.compose({})


def test_choices_are_read_from_the_form_and_missing_or_wrong_ones_named():
    theirs = edit(BASE, ("a ball down", "a marble down"), ("duration: 50", "duration: 45"))
    yours = edit(BASE, ("a ball down", "a toy car down"), ("duration: 50", "duration: 60"))
    resolution = resolve_paragraphs(BASE, theirs, yours)
    field, paragraph = resolution.conflicts

    read = read_choices(resolution, {f"choice-{field.id}": "both"})
    assert not read.complete
    assert read.invalid == (field,) and read.missing == (paragraph,)

    typed = read_choices(
        resolution,
        {f"choice-{field.id}": "theirs", f"text-{paragraph.id}": "Students roll anything."},
    )
    assert typed.complete  # an edit box changed without a choice counts as writing it yourself
    assert typed.chosen[paragraph.id] == Choice("edit", "Students roll anything.")
    untouched = read_choices(
        resolution, {f"choice-{field.id}": "mine", f"text-{paragraph.id}": paragraph.prefill}
    )
    assert untouched.missing == (paragraph,)
