"""`git_words(html)`: what on a page a teacher would meet that belongs to Git, not to teaching.

Everyday pages speak of lessons, units, versions, authors and dates. Git's words (and Git
itself), hex ids,
file paths and conflict markers may appear only inside a section clearly labelled for Git
users: a `<details class="for-git">` element (its summary says "For Git users"). Only what a
reader sees is checked: text, alt text, titles and labels; not URLs, hidden inputs or scripts.

    assert git_words(page) == []
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Words a teacher should not need (whole words, any case).
WORDS = (
    "commit",
    "commits",
    "committed",
    "sha",
    "hash",
    "branch",
    "repository",
    "repo",
    "yaml",
    "front matter",
    "diff",
    "blob",
    "rebase",
    "checkout",
    "git",
)
_WORD = re.compile(r"\b(" + "|".join(re.escape(w) for w in WORDS) + r")\b", re.IGNORECASE)
# Git's name for the latest commit, as written (a lesson may well mention a head).
_HEAD = re.compile(r"\bHEAD\b")
# Conflict markers as git writes them.
_MARKER = re.compile(r"^(<{7}|\|{7}|={7}|>{7})", re.MULTILINE)
# A commit id or its abbreviation: 7 to 40 hex digits with at least one digit and one letter.
_HEX = re.compile(r"\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")
# A file path of the course: course.yaml, units/..., or anything ending in .md or .yaml.
_PATH = re.compile(r"(\bcourse\.ya?ml\b|\bunits/[\w./-]+|\b[\w-]+(?:/[\w.-]+)*\.(?:md|ya?ml)\b)")
_SKIP = {"script", "style", "template", "noscript"}
_SHOWN_ATTRS = ("alt", "title", "aria-label", "placeholder")


class _Visible(HTMLParser):
    """Collect the visible text outside `<details class="for-git">` sections."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[str] = []
        self._skip = 0
        self._git = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "source", "area"):
            self._attrs(attrs)
            return
        self._stack.append(tag)
        classes = (dict(attrs).get("class") or "").split()
        if tag == "details" and "for-git" in classes or self._git:
            self._git += 1
        if tag in _SKIP or self._skip:
            self._skip += 1
        self._attrs(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._stack:
            return
        while self._stack:
            open_tag = self._stack.pop()
            if self._git:
                self._git -= 1
            if self._skip:
                self._skip -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._git:
            self.parts.append(data)

    def _attrs(self, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip or self._git:
            return
        found = dict(attrs)
        if found.get("type") == "hidden":
            return
        for name in _SHOWN_ATTRS:
            if found.get(name):
                self.parts.append(str(found[name]))


def visible_text(html: str) -> str:
    """Return the text a reader of `html` sees, outside the sections for Git users."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def git_words(html: str) -> list[str]:
    """Return each Git word, hex id, file path or conflict marker a reader of `html` meets
    outside the sections for Git users (empty when the page speaks the teachers' language)."""
    text = visible_text(html)
    found = [m.group(0) for m in _WORD.finditer(text)]
    found += [m.group(0) for m in _HEAD.finditer(text)]
    found += [m.group(0) for m in _MARKER.finditer(text)]
    found += [m.group(0) for m in _HEX.finditer(text)]
    found += [m.group(0) for m in _PATH.finditer(text)]
    return found
