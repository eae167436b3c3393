"""What an upload holds: the lessons to import, the images beside them, and suggested units.

`gather` reads every file once, when the upload arrives: Word files are converted to
Markdown (the slow part), the images are kept aside, and each lesson is remembered as its
text (or its raw bytes, when it is not UTF-8 and the person must say how to read it). Where a
lesson goes, what it is named and how its images are rewritten is decided later, by the plan
(`_plan.py`), each time the preview is shown, so a changed choice never re-reads an upload.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...content.carpentries import episode_order, lesson_set_title
from ...content.paths import title_from_slug
from ..editing import image_kind
from ._archive import Entry, ImportRefused, upload_name

MARKDOWN = (".md", ".markdown", ".rmd")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".svgz")
# Pages of a lesson repository that are about the repository, not lessons.
_BOILERPLATE = {
    "readme",
    "license",
    "licence",
    "code_of_conduct",
    "contributing",
    "citation",
    "authors",
    "changelog",
    "news",
}
_EPISODES = re.compile(r"^(?P<root>(?:.*/)?)(?P<folder>episodes|_episodes|_episodes_rmd)/[^/]+$")
_NUMBERED = re.compile(r"^\d+[-_. ]+")

WordReader = Callable[[bytes, str], Any]


@dataclass
class Source:
    """One lesson to import, as found in the upload."""

    source: str  # "shell-novice.zip: episodes/01-intro.md", how the person knows it
    upload: str
    path: str  # inside its upload; images resolve from its folder
    kind: str  # "markdown" or "word"
    unit: str  # key of the suggested unit (see Gathered.units)
    text: str | None = None  # None while its encoding is undecided
    raw: str | None = None  # blob key of the undecoded bytes
    detected: str | None = None  # the encoding it looks like
    title: str = ""  # from the Word document (Markdown titles come from the text)
    jekyll: bool = False  # the older Carpentries format, to convert
    root: str = ".."  # `{{ page.root }}` as seen from the file

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Gathered:
    """Everything kept of an upload until the import is committed or expires."""

    sources: list[Source] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)  # key -> suggested title
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # "upload\0path" -> image
    blobs: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def keep(self, data: bytes) -> str:
        """Return the key under which `data` is kept."""
        key = f"b{len(self.blobs) + 1}"
        self.blobs[key] = data
        return key

    def image(self, upload: str, path: str, data: bytes) -> None:
        kind = image_kind(data)
        self.files[file_key(upload, path)] = {
            "key": self.keep(data) if kind else None,
            "kind": kind or ("svg" if path.lower().endswith((".svg", ".svgz")) else "other"),
            "size": len(data),
        }


def file_key(upload: str, path: str) -> str:
    return f"{upload}\0{path}"


def gather(entries: list[Entry], read_word: WordReader) -> Gathered:
    """Return the lessons, images and suggested units of the uploaded entries."""
    found = Gathered()
    by_upload: dict[str, list[Entry]] = {}
    for entry in entries:
        by_upload.setdefault(entry.upload, []).append(entry)
    for upload, group in by_upload.items():
        for entry in group:
            if entry.path.lower().endswith(IMAGE_EXTENSIONS):
                found.image(upload, entry.path, entry.data)
        lessons = _carpentries(upload, group, found)
        if lessons is None:
            lessons = _plain(upload, group, found)
        for entry, unit in lessons:
            _add(found, entry, unit, read_word)
    if not found.sources:
        raise ImportRefused(
            "The upload holds no lessons: import Markdown (.md) files, Word (.docx) files, or "
            "a .zip of them."
        )
    return found


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


def _title_of_name(name: str) -> str:
    words = _NUMBERED.sub("", _stem(posixpath.basename(name))).replace("_", "-")
    return title_from_slug(words.lower()) if words else "Imported lessons"


def _carpentries(
    upload: str, group: list[Entry], found: Gathered
) -> list[tuple[Entry, str]] | None:
    """Return the episodes of a Carpentries lesson, in order, or None if it is not one."""
    episodes: dict[str, list[Entry]] = {}
    for entry in group:
        match = _EPISODES.match(entry.path)
        if match and entry.path.lower().endswith(MARKDOWN):
            episodes.setdefault(match.group("folder"), []).append(entry)
    if not episodes:
        return None
    folder = next(name for name in ("episodes", "_episodes", "_episodes_rmd") if name in episodes)
    chosen = episodes[folder]
    root = _EPISODES.match(chosen[0].path).group("root")  # type: ignore[union-attr]
    files = {entry.path: entry for entry in group}
    config = files.get(root + "config.yaml") or files.get(root + "_config.yml")
    config_text = config.data.decode("utf-8", "replace") if config else ""
    order = episode_order(config_text) if folder == "episodes" else None
    if order:
        named = {posixpath.basename(entry.path): entry for entry in chosen}
        chosen = [named[name] for name in order if name in named]
    else:
        chosen.sort(key=lambda entry: entry.path)
    title = lesson_set_title(config_text) or _title_of_name(upload)
    key = f"{upload}\0carpentries"
    found.units[key] = title
    other = sum(
        1
        for entry in group
        if entry.path.lower().endswith(MARKDOWN)
        and entry not in chosen
        and _stem(posixpath.basename(entry.path)).lower() not in _BOILERPLATE
    )
    pages = f"its {other} other page{'s' if other != 1 else ''} (setup, reference, notes)"
    found.notes.append(
        f"\u201c{upload}\u201d is a Carpentries-style lesson: its {len(chosen)} episodes "
        + (f"become lessons; {pages} are left out." if other else "become lessons.")
    )
    return [(entry, key) for entry in chosen]


def _plain(upload: str, group: list[Entry], found: Gathered) -> list[tuple[Entry, str]]:
    """Return the lesson files of an upload that is not a Carpentries lesson."""
    lessons = [
        entry for entry in group if entry.path.lower().endswith((*MARKDOWN, ".docx", ".doc"))
    ]
    useful = [
        entry
        for entry in lessons
        if _stem(posixpath.basename(entry.path)).lower() not in _BOILERPLATE
    ]
    if useful:
        lessons = useful
    lessons.sort(key=lambda entry: entry.path)
    folders = {posixpath.dirname(entry.path) for entry in lessons}
    common = posixpath.commonpath(list(folders)) if folders and "" not in folders else ""
    if len(folders) == 1:
        common = posixpath.dirname(common) if common else ""
    picked = []
    for entry in lessons:
        inner = entry.path[len(common) :].lstrip("/") if common else entry.path
        folder = inner.split("/", 1)[0] if "/" in inner else ""
        if folder:
            key, title = f"{upload}\0{folder}", _title_of_name(folder)
        elif upload.lower().endswith(".zip") or "/" in entry.path:
            base = entry.path.split("/", 1)[0] if "/" in entry.path else upload
            key, title = f"{upload}\0", _title_of_name(base)
        else:
            key, title = "", ""  # a single file: the course's first unit, or a new one
        found.units.setdefault(key, title)
        picked.append((entry, key))
    return picked


def _add(found: Gathered, entry: Entry, unit: str, read_word: WordReader) -> None:
    inside = entry.path in (entry.upload, f"{entry.upload}/") or entry.path.startswith(
        f"{entry.upload}/"
    )
    source = entry.path if inside else f"{entry.upload}: {entry.path}"
    name = posixpath.basename(entry.path)
    lower = name.lower()
    if lower.endswith(".doc"):
        found.notes.append(
            f"\u201c{name}\u201d is an older Word file (.doc). Open it in Word or Google Docs, "
            "save it as .docx and import that."
        )
        return
    if lower.endswith(".docx"):
        document = read_word(entry.data, name)
        for ref, data in document.images.items():
            found.image(entry.upload, posixpath.join(posixpath.dirname(entry.path), ref), data)
        title = document.title or _title_of_name(name)
        item = Source(source, entry.upload, entry.path, "word", unit, title=title)
        item.text = document.markdown
        found.notes.extend(f"\u201c{name}\u201d: {problem}" for problem in document.problems)
        found.sources.append(item)
        return
    depth = entry.path.count("/")
    item = Source(
        source,
        entry.upload,
        entry.path,
        "markdown",
        unit,
        jekyll="_episodes" in entry.path.split("/"),
        root="/".join([".."] * depth) if depth else ".",
    )
    text, detected = decoded(entry.data)
    if text is None:
        item.raw = found.keep(entry.data)
        item.detected = detected
    else:
        item.text = text
    found.sources.append(item)


def decoded(data: bytes) -> tuple[str | None, str | None]:
    """Return (text, None) for UTF-8 bytes, else (None, the encoding they look like)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, "utf-16"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return None, "latin-1"
    return None, "cp1252"


ENCODINGS = {
    "cp1252": "Windows-1252 (Western European, from Word on Windows)",
    "latin-1": "Latin-1 (ISO 8859-1)",
    "utf-16": "UTF-16",
    "mac-roman": "Mac Roman (older Macs)",
}


def decode_as(data: bytes, encoding: str) -> str:
    """Return `data` read as `encoding` (one of ENCODINGS); refuse bytes it cannot read."""
    if encoding not in ENCODINGS:
        raise ImportRefused(f"\u201c{encoding}\u201d is not an encoding the import reads.")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ImportRefused(
            f"The file cannot be read as {ENCODINGS[encoding]}; choose another encoding."
        ) from None


__all__ = [
    "ENCODINGS",
    "Gathered",
    "Source",
    "decode_as",
    "decoded",
    "file_key",
    "gather",
    "upload_name",
]
