"""Lesson sections (`::: objectives` ... `:::`) rendered as labelled blocks, and heading ids."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

# name -> (label shown to readers, element). Teacher and instructor notes are asides: not
# lesson content. The lesson formats teachers bring (the Carpentries' fenced divs) have their
# meaning: a challenge is an exercise box, its solution and hints are folded (<details>), so a
# projected lesson does not give the answer away.
SECTIONS: dict[str, tuple[str, str]] = {
    "objectives": ("Objectives", "section"),
    "anticipated-responses": ("Anticipated student responses", "section"),
    "teacher-notes": ("Teacher notes", "aside"),
    "challenge": ("Challenge", "section"),
    "solution": ("Show the solution", "details"),
    "hint": ("Show a hint", "details"),
    "spoiler": ("Show more", "details"),
    "callout": ("Note", "aside"),
    "discussion": ("Discussion", "section"),
    "checklist": ("Checklist", "section"),
    "prereq": ("Prerequisites", "aside"),
    "testimonial": ("Testimonial", "aside"),
    "keypoints": ("Key points", "section"),
    "questions": ("Questions", "section"),
    "instructor": ("Instructor notes", "aside"),
}
ALIASES = {"objective": "objectives", "keypoint": "keypoints", "question": "questions"}

# What is for teachers only, and the answers: a student copy (print or Word) leaves out both,
# a Word export can put the answers at the end instead.
TEACHER_ONLY = ("instructor", "teacher-notes", "anticipated-responses")
ANSWERS = ("solution", "hint")
STUDENT_COPY_HIDES = TEACHER_ONLY + ANSWERS


def section_label(name: str) -> tuple[str, str]:
    """Return (label, element) for a section name; an unknown kind is a plain labelled box
    ("Safety note" for `::: safety-note`), never raw colons."""
    found = SECTIONS.get(ALIASES.get(name, name))
    if found is not None:
        return found
    words = name.replace("_", " ").replace("-", " ").strip()
    return (words[:1].upper() + words[1:] if words else "Note", "section")


# One container rule handles every name (one rule per name would slow every line's parsing);
# names other than the ones above are labelled by their name.
CONTAINER = "section"

_NAME = re.compile(r"\s*([A-Za-z0-9_-]+)(.*)")


def section_name(params: str) -> tuple[str, str] | None:
    """Return (name, extra text) from what follows `:::`, or None when no name is given."""
    match = _NAME.fullmatch(params.strip())
    if match is None:
        return None
    return match.group(1).lower(), match.group(2).strip()


def heading_slug(text: str) -> str:
    """Return the anchor for a heading: lowercase words joined by single dashes."""
    slug = re.sub(r"[^\w]+", "-", text.lower()).strip("-_")
    return slug or "section"


def _is_section_start(params: str, *_: Any) -> bool:
    return section_name(params) is not None


def _render_section(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    # Closing tokens carry no name; sections nest, so a stack pairs them with their opening.
    stack: list[str] = env.setdefault("lesson_section_stack", [])
    if token.nesting == 1:
        name, extra = section_name(token.info) or ("", "")
        stack.append(name)
    else:
        name, extra = (stack.pop() if stack else ""), ""
    if not name:
        return ""
    label, element = section_label(name)
    name = ALIASES.get(name, name)
    if token.nesting != 1:
        return f"</{element}>\n"
    if element == "details":
        shown = f"{label}: {extra}" if extra else label
        return (
            f'<details class="lesson-section lesson-section--{name}">\n'
            f'<summary class="lesson-section__label">{escapeHtml(shown)}</summary>\n'
        )
    number = env.get("lesson_sections", 0) + 1
    env["lesson_sections"] = number
    # A double dash never comes out of heading_slug, so these ids cannot clash with headings.
    label_id = f"lesson-section--{number}"
    shown = f"{label}: {extra}" if extra else label
    # The block is a landmark named by its label, and landmarks need different names: a label
    # used again ("Teacher notes" twice) is numbered for screen readers only.
    seen: dict[str, int] = env.setdefault("lesson_section_labels", {})
    seen[shown] = repeat = seen.get(shown, 0) + 1
    number_note = f'<span class="visually-hidden"> {repeat}</span>' if repeat > 1 else ""
    return (
        f'<{element} class="lesson-section lesson-section--{name}" '
        f'aria-labelledby="{label_id}">\n'
        f'<h2 class="lesson-section__label" id="{label_id}">{escapeHtml(shown)}{number_note}</h2>\n'
    )


def add_sections(md: MarkdownIt) -> None:
    """Teach `md` the lesson sections, known kinds and unknown ones alike."""
    container_plugin(md, CONTAINER, validate=_is_section_start, render=_render_section)
