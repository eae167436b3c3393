"""Lessons in the Carpentries format render with their meaning: every fenced-div kind is a
labelled box, a challenge's solution and hints are folded, nested divs of any colon count
work, Pandoc attributes give images their alt text and size and are never shown, and an
episode's teaching and exercise minutes become its duration."""

from __future__ import annotations

import pytest
from hostile_markdown import assert_inert
from test_content_render import tree

from workspace.content import parse_lesson, render_body
from workspace.content.lesson import lesson_meta
from workspace.content.lint import lint_lesson

EPISODE = """---
title: "Navigating Files and Directories"
teaching: 30
exercises: 10
---

:::::::::::::::::::::::::::::::::::::: questions

- How can I move around on my computer?

::::::::::::::::::::::::::::::::::::::::::::::::

::::::::::::::::::::::::::::::::::::::: objectives

- Explain the similarities and differences between a file and a directory.

::::::::::::::::::::::::::::::::::::::::::::::::

![](fig/filesystem.svg){alt='The file system is made up of a root directory with sub-directories'}

::::::::::::::::::::::::::::::::::::::: challenge

## Exploring More `ls` Options

What does the command `ls` do when used with the `-l` option?

:::::::::::::::: solution

## Solution

The `-l` option makes `ls` use a long listing format.

:::::::::::::::::::::::::

::::::::::::::::: hint

Try `ls --help`.

:::::::::::::::::::::::::

::::::::::::::::::::::::::::::::::::::::::::::::

::: callout

## Home Directory Variation

The home directory path will look different on different operating systems.

:::

::: instructor

Learners often confuse the root directory with their home directory.

:::

::: discussion
Why do directories nest?
:::

::: checklist
- [ ] Open a terminal
:::

::: prereq
A terminal.
:::

::: testimonial
"I finally understood paths."
:::

::: spoiler
The answer is `/`.
:::

:::::::::::::::::::::::::::::::::::::::: keypoints

- The file system is responsible for managing information on the disk.

::::::::::::::::::::::::::::::::::::::::::::::::
"""

BOXES = {
    "questions": ("section", "Questions"),
    "objectives": ("section", "Objectives"),
    "challenge": ("section", "Challenge"),
    "callout": ("aside", "Note"),
    "instructor": ("aside", "Instructor notes"),
    "discussion": ("section", "Discussion"),
    "checklist": ("section", "Checklist"),
    "prereq": ("aside", "Prerequisites"),
    "testimonial": ("aside", "Testimonial"),
    "keypoints": ("section", "Key points"),
}
FOLDED = {"solution": "Show the solution", "hint": "Show a hint", "spoiler": "Show more"}


def body() -> str:
    return parse_lesson(EPISODE).body


def test_every_kind_is_a_labelled_box_and_no_colons_are_left() -> None:
    root = tree(body())
    for kind, (element, label) in BOXES.items():
        [box] = [
            n
            for n in root.all(element)
            if f"lesson-section--{kind}" in (n.attrs.get("class") or "")
        ]
        assert box.all("h2")[0].content() == label, kind
    text = root.content()
    assert ":::" not in text and "{alt=" not in text


def test_a_challenge_folds_its_solution_and_hint_inside_it() -> None:
    root = tree(body())
    [challenge] = [
        n
        for n in root.all("section")
        if "lesson-section--challenge" in (n.attrs.get("class") or "")
    ]
    folded = challenge.all("details")
    assert [d.one("summary").content() for d in folded] == ["Show the solution", "Show a hint"]
    assert all("open" not in d.attrs for d in folded)  # closed until a reader opens them
    assert "long listing format" in folded[0].content()
    [spoiler] = [
        d for d in root.all("details") if "lesson-section--spoiler" in (d.attrs.get("class") or "")
    ]
    assert spoiler.one("summary").content() == FOLDED["spoiler"]


def test_pandoc_attributes_give_images_their_alt_text_and_size_never_shown() -> None:
    [image] = tree(body()).all("img")
    assert image.attrs["alt"].startswith("The file system is made up of a root directory")
    sized = tree('![Cats](fig/b.png){width=320 height="200px" style="x" onerror="y" .big}')
    [cat] = sized.all("img")
    assert cat.attrs["width"] == "320" and cat.attrs["height"] == "200"
    assert "style" not in cat.attrs and "onerror" not in cat.attrs and "class" not in cat.attrs
    assert sized.content().strip() == ""
    linked = tree('[The shell](https://example.org){target="_blank"} works')
    assert linked.content().strip() == "The shell works"
    assert "{plain braces}" in tree("Text with {plain braces} stays").content()


def test_the_alt_text_from_attributes_counts_for_the_lesson_check() -> None:
    assert lint_lesson("![](fig/a.svg){alt='A diagram of folders'}\n") == []
    [problem] = lint_lesson("![](fig/a.svg)\n")
    assert "has no alt text" in problem.message


def test_teaching_and_exercise_minutes_become_the_duration() -> None:
    meta = lesson_meta(parse_lesson(EPISODE).front_matter)
    assert meta.duration == 40 and meta.title == "Navigating Files and Directories"


@pytest.mark.parametrize(
    "hostile",
    [
        "![x](a.png){alt='\"><script>alert(1)</script>'}",
        "![x](a.png){width='1 onerror=alert(1)'}",
        "[x](https://ok.example){href='javascript:alert(1)'}",
        "::: onload=alert(1)\nx\n:::",
    ],
)
def test_attributes_and_kinds_stay_inert(hostile: str) -> None:
    assert_inert(hostile, render_body(hostile))
