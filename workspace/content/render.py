"""Markdown rendering for lesson bodies.

CommonMark with raw HTML off, plus tables, strikethrough, task lists, footnotes, heading anchors
and the lesson sections `::: objectives`, `::: anticipated-responses` and `::: teacher-notes`.
Links and images may only point at http, https, mailto or relative targets; anything else stays
plain text. The web layer caches the HTML by blob id and RENDERER_VERSION, so bump the version
whenever the same Markdown would render differently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .links import is_safe_url, link_kind
from .sections import add_sections, heading_slug

RENDERER_VERSION = "6"
CONTAINER_OPEN = "container_section_open"

LinkResolver = Callable[[str], str]

EXTERNAL_REL = "noopener noreferrer nofollow"


class Heading(NamedTuple):
    """A heading in a rendered lesson, for the table of contents: (level, text, anchor)."""

    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class RenderedLesson:
    """A lesson body rendered to HTML, with its headings."""

    html: str
    headings: list[Heading]


def _resolve(url: str, env: dict[str, Any]) -> str:
    resolver: LinkResolver | None = env.get("resolve_link")
    if resolver is None:
        return url
    resolved = resolver(url)
    # The resolver belongs to the web layer; still, never let it reintroduce a bad scheme.
    return resolved if is_safe_url(resolved) else ""


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    kind = link_kind(href)
    if kind is None:
        token.attrs.pop("href", None)
    elif kind == "web":
        token.attrSet("rel", EXTERNAL_REL)
    elif kind == "relative":
        token.attrSet("href", _resolve(href, env))
    return str(self.renderToken(tokens, idx, options, env))


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    kind = link_kind(src)
    if kind not in ("web", "relative"):
        # Not an image anyone may load: show its description instead.
        return escapeHtml(self.renderInlineAsText(token.children, options, env))
    if kind == "relative":
        token.attrSet("src", _resolve(src, env))
    token.attrSet("loading", "lazy")
    return str(self.image(tokens, idx, options, env))


def build_parser(*, safe_links: bool = True) -> MarkdownIt:
    """Return a new parser with the lesson syntax; `safe_links=False` is for linting only."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    if safe_links:
        md.validateLink = is_safe_url  # type: ignore[method-assign]
    else:
        md.validateLink = lambda url: True  # type: ignore[method-assign]
    tasklists_plugin(md, enabled=False, label=True)  # each checkbox labelled by its text
    footnote_plugin(md)
    anchors_plugin(md, min_level=1, max_level=6, slug_func=heading_slug)
    add_sections(md)
    md.core.ruler.push("pandoc_attributes", pandoc_attributes)
    return md


# Pandoc's attributes after an image or a link: {alt='...' width=300 .class #id}.
_ATTRIBUTES = re.compile(r"\{([^{}\n]*)\}")
_PAIR = re.compile(r"""([A-Za-z][\w-]*)=("[^"]*"|'[^']*'|[^\s"'}]+)""")
_PIXELS = re.compile(r"\d{1,5}(px)?")


def _attribute_values(text: str) -> dict[str, str]:
    return {key.lower(): value.strip("'\"") for key, value in _PAIR.findall(text)}


def _apply_attributes(target: Token, values: dict[str, str]) -> None:
    """Apply what is safe and meaningful of Pandoc's attributes: an image's alt text and its
    size in pixels. Everything else (classes, ids, styles, events) is dropped."""
    if target.type != "image":
        return
    alt = values.get("alt")
    if alt is not None:
        text = Token("text", "", 0)
        text.content = alt
        target.children = [text]
        target.content = alt
    for name in ("width", "height"):
        value = values.get(name, "")
        if _PIXELS.fullmatch(value):
            target.attrSet(name, value.removesuffix("px"))


def pandoc_attributes(state: Any) -> None:
    """A core rule: after an image or a link, `{...}` attributes are applied, never shown."""
    for block in state.tokens:
        children = block.children or []
        for index, child in enumerate(children[:-1]):
            if child.type not in ("image", "link_close"):
                continue
            after = children[index + 1]
            if after.type != "text":
                continue
            match = _ATTRIBUTES.match(after.content)
            if match is None:
                continue
            target = child
            if child.type == "link_close":
                target = next(
                    (t for t in reversed(children[:index]) if t.type == "link_open"), child
                )
            _apply_attributes(target, _attribute_values(match.group(1)))
            after.content = after.content[match.end() :]


@cache
def markdown() -> MarkdownIt:
    """Return the shared Markdown renderer (built once; it holds no per-document state)."""
    md = build_parser()
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    return md


def _headings(tokens: Sequence[Token]) -> list[Heading]:
    headings = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        text = "".join(
            child.content
            for child in inline.children or []
            if child.type in ("text", "code_inline")
        )
        headings.append(Heading(int(token.tag[1]), text, str(token.attrGet("id") or "")))
    return headings


def render_markdown(
    body: str, resolve_link: LinkResolver | None = None, first_line: int | None = None
) -> RenderedLesson:
    """Return the lesson body rendered to safe HTML, with its headings.

    `resolve_link` maps relative targets (`images/diagram.png`, `../energy/heat`) to the URLs
    the page should use; fragment, web and mailto targets are left alone. With `first_line`
    (the file's line the body starts on), each top-level block says which lines of the file
    it comes from (`data-line`, `data-end-line`), so review threads can be shown beside them.
    """
    md = markdown()
    env: dict[str, Any] = {"resolve_link": resolve_link}
    tokens = md.parse(body, env)
    headings = _headings(tokens)
    _demote_headings(tokens)
    if first_line is not None:
        _mark_lines(tokens, first_line)
    return RenderedLesson(md.renderer.render(tokens, md.options, env), headings)


def _mark_lines(tokens: Sequence[Token], first_line: int) -> None:
    """Give each outermost block (inside lesson sections too) the file lines it was written
    on: data-line and data-end-line, 1-based and inclusive."""
    open_blocks: list[str] = []
    for token in tokens:
        if not token.block:
            continue
        outermost = all(kind == CONTAINER_OPEN for kind in open_blocks)
        if token.nesting == -1:
            if open_blocks:
                open_blocks.pop()
            continue
        if outermost and token.map and token.type != CONTAINER_OPEN:
            start, end = token.map
            token.attrSet("data-line", str(first_line + start))
            token.attrSet("data-end-line", str(first_line + max(start, end - 1)))
        if token.nesting == 1:
            open_blocks.append(token.type)


def _demote_headings(tokens: Sequence[Token]) -> None:
    """Render body headings one level down: the page around a lesson owns its <h1>."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def render_body(
    body: str, resolve_link: LinkResolver | None = None, first_line: int | None = None
) -> str:
    """Return the lesson body rendered to safe HTML (blocks marked with their lines when
    `first_line` is given, see render_markdown)."""
    return render_markdown(body, resolve_link, first_line).html


_BOX_TAG = re.compile(r"<(/?)(section|aside|details)\b[^>]*>")


def without_sections(html: str, kinds: tuple[str, ...]) -> str:
    """Return rendered lesson HTML without its boxes of `kinds` (for readers they are not
    for, such as instructor notes for visitors, or solutions in a student copy)."""
    if not kinds or not any(f"lesson-section--{k}" in html for k in kinds):
        return html
    out: list[str] = []
    at, skipping, depth = 0, False, 0
    for match in _BOX_TAG.finditer(html):
        closing = match.group(1) == "/"
        if not skipping:
            classes = re.search(r'class="([^"]*)"', match.group(0))
            names = classes.group(1).split() if classes else []
            if not closing and any(f"lesson-section--{k}" in names for k in kinds):
                out.append(html[at : match.start()])
                skipping, depth = True, 1
            continue
        depth += -1 if closing else 1
        if depth == 0:
            skipping = False
            at = match.end()
            if html[at : at + 1] == "\n":
                at += 1
    if not skipping:
        out.append(html[at:])
    return "".join(out)
