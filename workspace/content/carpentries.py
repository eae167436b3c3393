"""Lessons written for the Carpentries' two formats, made into this product's lesson dialect.

The current format (the Workbench, `episodes/*.md`) already writes its boxes as fenced divs
(`::: challenge`), which render as they are. The older one (`_episodes/*.md`, built by Jekyll)
writes them as block quotes followed by a kramdown attribute line:

```
> ## Sum the list
> Write a loop that adds the numbers.
>
> > ## Solution
> > ~~~
> > total = sum(numbers)
> > ~~~
> > {: .language-python}
> {: .solution}
{: .challenge}
```

`from_jekyll` turns those into nested fenced divs (the outer fence longer than the inner, so
either format's reader agrees where each box ends), moves `{: .language-x}` onto the code fence
above it, and drops the template lines (`{% include links.md %}`) that only Jekyll understood.
Nothing else of the text changes. Pure functions: no app, no Flask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

_QUOTE = re.compile(r"^ {0,3}> ?")
_ATTRIBUTE = re.compile(r"^ {0,3}\{:\s*([^}]*)\}\s*$")
_CLASS = re.compile(r"\.([A-Za-z][\w-]*)")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_TEMPLATE_LINE = re.compile(r"^\s*\{%-?\s*(include|comment|endcomment|raw|endraw)\b[^%]*-?%\}\s*$")
_PAGE_ROOT = re.compile(r"\{\{\s*(?:page|site)\.(?:root|baseurl)\s*\}\}/?")


@dataclass(frozen=True)
class Converted:
    """A lesson body in the product's dialect, and how many old-format pieces changed."""

    body: str
    boxes: int = 0
    template_lines: int = 0


def from_jekyll(body: str, root: str = "..") -> Converted:
    """Return `body` with the older Carpentries format's boxes as fenced divs.

    `root` replaces `{{ page.root }}` (the lesson's top folder, as seen from the file).
    """
    body = _PAGE_ROOT.sub(lambda _: root.rstrip("/") + "/" if root else "", body)
    kept: list[str] = []
    dropped = 0
    for line in body.split("\n"):
        if _TEMPLATE_LINE.match(line):
            dropped += 1
            continue
        kept.append(line)
    lines, _, boxes = _convert(kept)
    return Converted("\n".join(lines), boxes, dropped)


def _convert(lines: list[str]) -> tuple[list[str], int, int]:
    """Return (converted lines, longest fence written, boxes made)."""
    out: list[str] = []
    longest = 0
    boxes = 0
    fence: tuple[str, int] | None = None  # (marker, index of the opening line in `out`)
    i = 0
    while i < len(lines):
        line = lines[i]
        marker = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if marker and _closes(marker, fence[0]):
                opening, fence = fence[1], None
                language = _attribute_class(lines, i + 1)
                if language is not None:
                    out[opening] = _with_language(out[opening], language)
                    i += 1
            i += 1
            continue
        if marker:
            fence = (marker.group(2), len(out))
            out.append(line)
            i += 1
            continue
        if _QUOTE.match(line):
            end = i
            while end < len(lines) and _QUOTE.match(lines[end]):
                end += 1
            kind = _attribute_class(lines, end)
            if kind is None:
                out.extend(lines[i:end])
                i = end
                continue
            inner, inner_longest, inner_boxes = _convert(
                [_QUOTE.sub("", quoted, count=1) for quoted in lines[i:end]]
            )
            colons = max(3, inner_longest + 1)
            out.append(":" * colons + " " + kind)
            out.extend(inner)
            out.append(":" * colons)
            longest = max(longest, colons)
            boxes += inner_boxes + 1
            i = end + 1
            continue
        if _ATTRIBUTE.match(line):
            i += 1  # an attribute line with nothing to attach to is markup, never content
            continue
        out.append(line)
        i += 1
    return out, longest, boxes


def _closes(marker: re.Match[str], opening: str) -> bool:
    mark = marker.group(2)
    return mark[0] == opening[0] and len(mark) >= len(opening) and not marker.group(3).strip()


def _attribute_class(lines: list[str], index: int) -> str | None:
    """Return the first class of the kramdown attribute line at `index`, or None."""
    if index >= len(lines):
        return None
    match = _ATTRIBUTE.match(lines[index])
    if match is None:
        return None
    found = _CLASS.search(match.group(1))
    return found.group(1) if found else None


def _with_language(opening: str, language: str) -> str:
    match = _FENCE.match(opening)
    if match is None or match.group(3).strip():
        return opening
    language = language.removeprefix("language-")
    return f"{match.group(1)}{match.group(2)}{language}"


def episode_order(config_text: str) -> list[str] | None:
    """Return the episode file names a Workbench lesson's config.yaml lists, in order."""
    try:
        data: Any = yaml.safe_load(config_text)
    except yaml.YAMLError:  # a broken config costs only the order: files are sorted by name
        return None
    if not isinstance(data, dict):
        return None
    episodes = data.get("episodes")
    if not isinstance(episodes, list):
        return None
    return [name for name in episodes if isinstance(name, str) and name.endswith(".md")]


def lesson_set_title(config_text: str) -> str | None:
    """Return the `title:` of a Carpentries lesson's config.yaml (`_config.yml` of old)."""
    try:
        data: Any = yaml.safe_load(config_text)
    except yaml.YAMLError:
        return None
    title = data.get("title") if isinstance(data, dict) else None
    return title.strip() if isinstance(title, str) and title.strip() else None
