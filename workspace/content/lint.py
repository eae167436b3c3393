"""Checks the lesson editor shows while a teacher writes: things that render, but badly."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import Problem
from .links import link_kind
from .render import build_parser
from .sections import ALIASES, CONTAINER, SECTIONS, section_label, section_name


@cache
def _parser() -> MarkdownIt:
    # Accepts every link target, so that refused ones can be reported rather than vanish.
    return build_parser(safe_links=False)


def _line(token: Token, offset: int) -> int | None:
    return token.map[0] + 1 + offset if token.map else None


def _inline_problems(inline: Token, line: int | None) -> list[Problem]:
    problems = []
    for child in inline.children or []:
        if child.type == "image":
            src = str(child.attrGet("src") or "")
            if link_kind(src) not in ("web", "relative"):
                problems.append(
                    Problem("body", f"The image \u201c{src}\u201d cannot be shown: images must "
                            "be web addresses (https://) or files in the course.", line)
                )  # fmt: skip
            elif not "".join(c.content for c in child.children or []).strip():
                problems.append(
                    Problem("body", f"The image \u201c{src}\u201d has no alt text: describe it "
                            "for readers who cannot see it, as in ![a beaker of ice](...).", line)
                )  # fmt: skip
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            if link_kind(href) is None:
                problems.append(
                    Problem("body", f"The link \u201c{href}\u201d will be shown as plain text: "
                            "links must be web addresses, email addresses or course files.", line)
                )  # fmt: skip
    return problems


def lint_lesson(body: str, *, line_offset: int = 0) -> list[Problem]:
    """Return the problems in a lesson body, with 1-based line numbers.

    `line_offset` is the number of lines before the body (the front matter), so the numbers
    match the whole file.
    """
    problems: list[Problem] = []
    for token in _parser().parse(body, {}):
        line = _line(token, line_offset)
        if token.type == "inline":
            problems += _inline_problems(token, line)
        elif token.type == f"container_{CONTAINER}_open":
            name = (section_name(token.info) or ("", ""))[0]
            if name in SECTIONS or name in ALIASES:
                continue
            known = ", ".join(SECTIONS)
            label = section_label(name)[0]
            problems.append(
                Problem("body", f"\u201c::: {name}\u201d is not a kind of box the course knows "
                        f"(they are {known}); it is shown as a box labelled \u201c{label}\u201d.",
                        line)
            )  # fmt: skip
    return problems


def image_sources(body: str) -> list[tuple[str, int | None]]:
    """Return the relative image targets of a lesson body with their 1-based lines."""
    found = []
    for token in _parser().parse(body, {}):
        if token.type != "inline":
            continue
        line = _line(token, 0)
        for child in token.children or []:
            if child.type == "image":
                src = str(child.attrGet("src") or "")
                if link_kind(src) == "relative":
                    found.append((src, line))
    return found
