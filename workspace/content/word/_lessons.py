"""One lesson (or unit overview) made ready for a Word document: its facts, then its body with
each box as a labelled, styled section (see _styles).

Who the copy is for decides what is in it: a student copy leaves out what is for teachers
(content.sections.TEACHER_ONLY); the answers (solutions and hints) go to a "Solutions" section
at the end of the lesson, numbered after their challenge, or stay where they are, or are left
out. Headings inside a box become bold text (a heading would split the box in Word), except a
box's first heading, which names the box, as in the Carpentries' lessons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import FrontMatterError
from ..frontmatter import parse_lesson
from ..lesson import LessonMeta, lesson_meta
from ..sections import ALIASES, ANSWERS, TEACHER_ONLY
from ._ast import Node, attr_value, child_block_lists, div, node, para, text_of, words
from ._pandoc import PandocFailed, WordExportFailed
from ._styles import COPY_LINES, FACTS_STYLE, box_style
from ._tree import read_body, safe_blocks


@dataclass(frozen=True)
class LessonSource:
    """A lesson file for a Word document, with the images it refers to (by reference as
    written in the lesson, such as `images/circuit.png`)."""

    text: str
    images: Mapping[str, bytes] = field(default_factory=dict)


@dataclass
class _Boxes:
    """What is decided while turning one lesson's boxes into Word sections."""

    hidden: tuple[str, ...]
    solutions: str
    extras: dict[str, str]
    challenges: list[int] = field(default_factory=list)  # the open challenges' numbers
    count: int = 0
    last: int | None = None
    moved: list[Node] = field(default_factory=list)  # answers for the Solutions section


def _box(kind: str, label: str, blocks: list[Node]) -> list[Node]:
    look = box_style(kind)
    title = div([para(words(label))], style=look.title_style)
    if not blocks:
        return [title]
    return [title, div(_loosened(blocks), style=look.style)]


def _loosened(blocks: list[Node]) -> list[Node]:
    """Return blocks whose list items are paragraphs: Word gives a box's style to those only."""
    for block in blocks:
        if block["t"] in ("BulletList", "OrderedList"):
            for item in child_block_lists(block):
                item[:] = [node("Para", b["c"]) if b["t"] == "Plain" else b for b in item]
                _loosened(item)
        elif block["t"] in ("BlockQuote", "Div"):
            _loosened(child_block_lists(block)[0])
    return blocks


def _headings_to_text(blocks: list[Node]) -> list[Node]:
    """Return blocks with headings as bold paragraphs: a heading would split a box in Word."""
    out = []
    for block in blocks:
        if block["t"] == "Header":
            block = para([node("Strong", block["c"][2])])
        for child in child_block_lists(block):
            child[:] = _headings_to_text(child)
        out.append(block)
    return out


def _div(block: Node, state: _Boxes) -> list[Node]:
    attr, inner = block["c"]
    if not attr[1]:
        return _sections(inner, state)
    kind = ALIASES.get(attr[1][0], attr[1][0])
    if kind in state.hidden or (kind in ANSWERS and state.solutions == "omit"):
        return []
    extra = state.extras.get(attr_value(attr, "box") or "", "")
    if not extra and inner and inner[0]["t"] == "Header":
        extra, inner = text_of(inner[0]["c"][2]), inner[1:]  # the Carpentries' box titles
    look = box_style(kind)
    if kind in ANSWERS and state.solutions == "end":
        number = state.challenges[-1] if state.challenges else state.last
        what = "to" if kind == "solution" else "for"
        label = f"{look.label} {what} challenge {number}" if number else look.label
        content = _headings_to_text(_sections(inner, state))
        state.moved += _box(kind, f"{label}: {extra}" if extra else label, content)
        pointer = f"{look.label}: at the end of the lesson, under Solutions."
        return [para([node("Emph", words(pointer))])]
    label = look.label
    if kind == "challenge":
        state.count += 1
        state.challenges.append(state.count)
        label = f"{label} {state.count}"
    content = _headings_to_text(_sections(inner, state))
    if kind == "challenge":
        state.last = state.challenges.pop()
    return _box(kind, f"{label}: {extra}" if extra else label, content)


def _sections(blocks: list[Node], state: _Boxes) -> list[Node]:
    """Return blocks with each box (a Div) as its Word section, or left out."""
    out: list[Node] = []
    for block in blocks:
        if block["t"] == "Div":
            out += _div(block, state)
            continue
        for child in child_block_lists(block):
            child[:] = _sections(child, state)
        out.append(block)
    return out


def heading(level: int, text: str) -> Node:
    return node("Header", [level, ["", [], []], words(text)])


def copy_line(version: str) -> Node:
    """Return the line saying which copy a document is."""
    return div([para(words(COPY_LINES[version]))], style=FACTS_STYLE)


def _facts(meta: LessonMeta) -> list[Node]:
    """Return the lesson's facts (duration, grades, standards...) and its objectives box."""
    lines = []
    if meta.duration:
        lines.append(words(f"Duration: {meta.duration} minutes"))
    if meta.grade_band:
        lines.append(words(f"Grades: {meta.grade_band}"))
    if meta.standards:
        lines.append(words("Standards: " + ", ".join(s.display for s in meta.standards)))
    if meta.materials:
        lines.append(words("Materials: " + "; ".join(meta.materials)))
    links: list[Node] = []
    for resource in meta.resources:
        if links:
            links += [node("Str", ";"), node("Space")]
        text = words(resource.title)
        links += [node("Link", [["", [], []], text, [resource.url, ""]])] if resource.url else text
    if links:
        lines.append([*words("Resources:"), node("Space"), *links])
    blocks = [div([para(line) for line in lines], style=FACTS_STYLE)] if lines else []
    if meta.objectives:
        items = [[node("Plain", words(text))] for text in meta.objectives]
        blocks += _box("objectives", box_style("objectives").label, [node("BulletList", items)])
    return blocks


@dataclass(frozen=True)
class Part:
    """A lesson or unit overview ready to be placed in a document."""

    title: str
    summary: str  # a unit's summary line (lessons have none)
    facts: list[Node]
    body: list[Node]
    solutions: list[Node]  # the boxes of its Solutions section


def lesson_part(
    source: LessonSource, version: str, solutions: str, timeout: float, fallback: str
) -> Part:
    """Return a lesson file (or unit.md) read by pandoc, with its boxes as Word sections."""
    try:
        doc = parse_lesson(source.text)
        front, body = doc.front_matter, doc.body
    except FrontMatterError:
        front, body = {}, source.text
    meta = lesson_meta(front, fallback_title=fallback)
    try:
        tree = read_body(body, timeout=timeout)
    except PandocFailed as exc:
        raise WordExportFailed(
            f"The Word document for \u201c{meta.title}\u201d could not be made ({exc.reason})."
        ) from None
    hidden = TEACHER_ONLY if version == "student" else ()
    state = _Boxes(hidden, solutions, tree["extras"])
    blocks = _sections(safe_blocks(tree["blocks"], source.images), state)
    summary = front.get("summary")
    summary = str(summary).strip() if isinstance(summary, str | int | float) else ""
    return Part(meta.title, summary, _facts(meta), blocks, state.moved)
