"""The plan of an import: where each lesson goes, what it is named, how its images move, and
what the one lesson check says about it, worked out from the upload and the person's choices
against the course as it is now.

Each lesson comes out as a valid lesson file, or says exactly why it cannot (a file that is
not UTF-8 waits for the person to choose how to read it). What the course cannot hold is
turned into something it can, and said: an older Carpentries box becomes a fenced div, a
front matter block that cannot be read is kept as text at the top of the lesson, an image
that is missing or is an SVG drawing is replaced by its description in the text. The
lesson's own words are never dropped.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from ...content.carpentries import from_jekyll
from ...content.checks import check_lesson, missing_images
from ...content.errors import ContentError
from ...content.frontmatter import compose_lesson, parse_lesson, update_front_matter
from ...content.lint import image_sources, lint_lesson
from ...content.paths import is_slug, slugify, unique_slug
from ..editing import clean_alt, image_name
from ._sources import ENCODINGS, decode_as, file_key

MAX_TITLE = 200
_FIRST_HEADING = re.compile(r"\A\s*#(?!#)[ \t]+(.+?)[ \t#]*(?:\n|\Z)")
_ATTRIBUTE_LINE = re.compile(r"^\s*\{:", re.MULTILINE)
_IMAGE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]\n]|\[[^\]\n]*\])*)\]\(\s*(?P<target><[^>\n]*>|[^\s)]+)"
    r"(?P<title>\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)(?P<attrs>\{[^}\n]*\})?"
)
_DEFINITION = re.compile(r"^(?P<lead> {0,3}\[[^\]\n]+\]:[ \t]*)(?P<target><[^>\n]*>|\S+)", re.M)
_ALT_ATTRIBUTE = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")


@dataclass(frozen=True)
class Problem:
    """Something to know about a planned lesson; an "error" keeps it out of the commit."""

    message: str
    severity: str = "warning"
    line: int | None = None
    field: str = "body"

    def as_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "severity": self.severity,
            "line": self.line,
            "field": self.field,
        }


@dataclass(frozen=True)
class PlannedImage:
    source: str  # as the lesson wrote it
    path: str  # where it will live in the course
    name: str
    size: int
    key: str


@dataclass(frozen=True)
class PlannedLesson:
    source: str
    include: bool
    title: str
    unit: str
    unit_title: str
    unit_is_new: bool
    slug: str
    path: str
    text: str | None
    images: list[PlannedImage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None  # chosen, for a file that is not UTF-8
    detected: str | None = None  # suggested, while undecided
    origin: str = ""  # for people: "introduction.md in shell-novice.zip"

    @property
    def blocked(self) -> bool:
        return any(problem.severity == "error" for problem in self.problems)


@dataclass(frozen=True)
class CourseState:
    """What the plan needs of the course at its head."""

    units: dict[str, str]  # slug -> title: course.yaml's order, then unlisted unit folders
    lessons: dict[str, set[str]]  # unit -> lesson slugs (listed or present)
    exists: Callable[[str], bool]
    listed: frozenset[str] = frozenset()  # the units course.yaml lists


@dataclass(frozen=True)
class Plan:
    lessons: list[PlannedLesson]
    new_units: dict[str, str]  # slug -> title, in first-use order
    notes: list[str]
    course_units: dict[str, str] = field(default_factory=dict)  # slug -> title, course order

    @property
    def included(self) -> list[PlannedLesson]:
        return [lesson for lesson in self.lessons if lesson.include]

    @property
    def ready(self) -> bool:
        return bool(self.included) and not any(lesson.blocked for lesson in self.included)


def make_plan(
    gathered: Mapping[str, Any],
    choices: Mapping[str, Mapping[str, Any]],
    course: CourseState,
    blob: Callable[[str], bytes],
) -> Plan:
    """Return the plan for `gathered` (the upload, as `_sources.Gathered` kept it in JSON)."""
    suggested = _suggested_units(gathered["units"], course)
    new_units: dict[str, str] = {}
    taken = {unit: set(slugs) for unit, slugs in course.lessons.items()}
    images_taken: dict[str, set[str]] = {}
    placed: dict[tuple[str, str], str] = {}  # (unit, blob key) -> image name
    lessons = []
    for source in gathered["sources"]:
        choice = choices.get(source["source"], {})
        unit = choice.get("unit") or suggested[source["unit"]]
        if unit in course.units:
            unit_title, is_new = course.units[unit], False
        else:
            unit_title = (
                new_units.get(unit)
                or choice.get("unit_title")
                or _new_unit_title(unit, gathered["units"], suggested)
            )
            is_new = True
        lesson = _plan_lesson(
            source,
            choice,
            unit,
            unit_title,
            is_new,
            taken,
            images_taken,
            placed,
            gathered,
            course,
            blob,
        )
        if lesson.include and is_new:
            new_units.setdefault(unit, unit_title)
        lessons.append(lesson)
    return Plan(lessons, new_units, list(gathered.get("notes", [])), dict(course.units))


def _suggested_units(units: Mapping[str, str], course: CourseState) -> dict[str, str]:
    """Return the unit slug each suggested unit key goes to."""
    chosen: dict[str, str] = {}
    used = set(course.units)
    for key, title in units.items():
        if key == "" and course.units:
            chosen[key] = next(iter(course.units))
            continue
        slug = unique_slug(slugify(title or "Imported lessons"), used)
        used.add(slug)
        chosen[key] = slug
    return chosen


def _new_unit_title(slug: str, units: Mapping[str, str], suggested: Mapping[str, str]) -> str:
    for key, chosen in suggested.items():
        if chosen == slug and units.get(key):
            return units[key]
    return slug.replace("-", " ").capitalize() if slug != "" else "Imported lessons"


def _plan_lesson(
    source: Mapping[str, Any],
    choice: Mapping[str, Any],
    unit: str,
    unit_title: str,
    is_new: bool,
    taken: dict[str, set[str]],
    images_taken: dict[str, set[str]],
    placed: dict[tuple[str, str], str],
    gathered: Mapping[str, Any],
    course: CourseState,
    blob: Callable[[str], bytes],
) -> PlannedLesson:
    problems: list[Problem] = []
    include = choice.get("include", True) is not False
    encoding = choice.get("encoding")
    text = source.get("text")
    if text is None and source.get("raw"):
        if encoding:
            text = decode_as(blob(source["raw"]), encoding)
        else:
            detected = source.get("detected") or "cp1252"
            problems.append(
                Problem(
                    f"This file is not written in UTF-8. It looks like {ENCODINGS[detected]}: "
                    "choose to read it that way (or leave it out).",
                    "error",
                    field="encoding",
                )
            )
    title = source.get("title") or ""
    if text is not None:
        text, title = _lesson_text(source, text, problems)
    title = title or _fallback_title(source["path"])
    slug = _slug(choice.get("slug"), title, source["path"], taken.setdefault(unit, set()), problems)
    path = f"units/{unit}/lessons/{slug}.md"
    name = posixpath.basename(source["path"])
    alone = source["upload"] in (name, source["path"])
    shown = re.sub(r"\.(md|markdown|rmd)$", "", name, flags=re.I)  # pages show no file types
    origin = f"\u201c{shown}\u201d" + ("" if alone else f" in {source['upload']}")
    planned = PlannedLesson(
        source["source"], include, title, unit, unit_title, is_new, slug, path, text,
        problems=problems, encoding=encoding, detected=source.get("detected"), origin=origin,
    )  # fmt: skip
    if text is None:
        return planned
    text, images = _images(
        source, text, unit, images_taken.setdefault(unit, set()), placed, gathered, course, problems
    )
    problems.extend(_checked(text, path, images, course))
    if include:
        taken[unit].add(slug)
    return PlannedLesson(
        planned.source, include, title, unit, unit_title, is_new, slug, path, text, images,
        problems, encoding, planned.detected, origin,
    )  # fmt: skip


def _fallback_title(path: str) -> str:
    stem = posixpath.basename(path).rsplit(".", 1)[0]
    words = re.sub(r"^\d+[-_. ]+", "", stem).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else "Imported lesson"


def _lesson_text(source: Mapping[str, Any], text: str, problems: list[Problem]) -> tuple[str, str]:
    """Return (the lesson file to write, its title), noting every change made to fit."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    title = (source.get("title") or "").strip()
    try:
        doc = parse_lesson(text)
        front, opening, front_text, closing, body = (
            doc.front_matter, doc.opening, doc.front_matter_text, doc.closing, doc.body,
        )  # fmt: skip
    except ContentError as exc:
        end = text.find("\n---", 3)
        raw = text[: end + 4] if end > 0 else ""
        body = text[len(raw) :].lstrip("\n")
        problems.append(
            Problem(
                f"Its front matter could not be read ({exc.message}); it is kept as text at "
                "the top of the lesson for you to fix.",
                field="front_matter",
            )
        )
        body = "```yaml\n" + raw.strip("-\n") + "\n```\n\n" + body
        front, opening, front_text, closing = {}, "", "", ""
    if source.get("jekyll") or _ATTRIBUTE_LINE.search(body):
        converted = from_jekyll(body, source.get("root") or "..")
        body = converted.body
        if converted.boxes:
            problems.append(
                Problem(
                    f"{converted.boxes} boxes (challenges, solutions, notes) were written in "
                    "the older Carpentries format and now use the boxes this course shows."
                )
            )
    heading = _FIRST_HEADING.match(body)
    named = front.get("title") if isinstance(front.get("title"), str) else None
    if named and named.strip():
        title = named.strip()
    elif heading and not title:
        title = heading.group(1).strip()
    if heading and title and heading.group(1).strip() == title:
        body = body[heading.end() :].lstrip("\n")  # the page shows the title above the body
    title = title[:MAX_TITLE]
    if opening:
        whole = opening + front_text + closing + body
        if not (named and named.strip()) and title:
            whole = update_front_matter(whole, {"title": title})
        return whole, title
    return compose_lesson({"title": title or "Imported lesson", **front}, body), title


def _slug(wanted: object, title: str, path: str, taken: set[str], problems: list[Problem]) -> str:
    if isinstance(wanted, str) and wanted.strip():
        slug = wanted.strip()
        if not is_slug(slug):
            problems.append(
                Problem(
                    f"\u201c{slug}\u201d cannot name a lesson: use lowercase letters, digits "
                    "and dashes.",
                    "error",
                    field="slug",
                )
            )
            return slugify(slug)
        if slug in taken:
            problems.append(
                Problem(
                    f"The unit already has a lesson named \u201c{slug}\u201d; choose another name.",
                    "error",
                    field="slug",
                )
            )
        return slug
    base = slugify(title) if title else slugify(_fallback_title(path))
    slug = unique_slug(base, taken)
    if slug != base:
        problems.append(
            Problem(
                f"Named \u201c{slug}\u201d because the unit already has a lesson "
                f"\u201c{base}\u201d.",
                field="slug",
            )
        )
    return slug


def _resolve(
    source: Mapping[str, Any], src: str, files: Mapping[str, Any]
) -> dict[str, Any] | None:
    """Return the uploaded image a reference points at, or None."""
    target = unquote(src.split("#", 1)[0].split("?", 1)[0])
    folder = posixpath.dirname(source["path"])
    joined = posixpath.normpath(posixpath.join(folder, target))
    found = files.get(file_key(source["upload"], joined))
    if found is not None:
        return found
    name = posixpath.basename(target)
    prefix = source["upload"] + "\0"
    same = [
        image
        for key, image in files.items()
        if key.startswith(prefix) and posixpath.basename(key) == name
    ]
    return same[0] if len(same) == 1 else None


def _images(
    source: Mapping[str, Any],
    text: str,
    unit: str,
    taken: set[str],
    placed: dict[tuple[str, str], str],
    gathered: Mapping[str, Any],
    course: CourseState,
    problems: list[Problem],
) -> tuple[str, list[PlannedImage]]:
    """Return the text with its images' references rewritten, and the images to write."""
    doc = parse_lesson(text)
    folder = f"units/{unit}/lessons"
    images: list[PlannedImage] = []
    moves: dict[str, str | None] = {}
    for src, _line in image_sources(doc.body):
        if unquote(src) in moves:
            continue
        found = _resolve(source, src, gathered["files"])
        name = posixpath.basename(unquote(src.split("#", 1)[0].split("?", 1)[0]))
        if found is not None and found.get("key"):
            if (unit, found["key"]) not in placed:
                placed[(unit, found["key"])] = _free_name(
                    image_name(name, found["kind"]), folder, taken, course
                )
            chosen = placed[(unit, found["key"])]
            moves[unquote(src)] = f"images/{chosen}"
            images.append(
                PlannedImage(src, f"{folder}/images/{chosen}", chosen, found["size"], found["key"])
            )
            continue
        already = posixpath.normpath(posixpath.join(folder, unquote(src)))
        if found is None and course.exists(already):
            continue  # the course has it where the lesson points
        moves[unquote(src)] = None
        if found is not None and found.get("kind") == "svg":
            why = (
                f"The drawing \u201c{name}\u201d is an SVG file, which a course cannot hold "
                "(SVG can carry scripts): its description is shown in its place. Export it as "
                "PNG and add it with \u201cAdd an image\u201d."
            )
        elif found is not None:
            why = (
                f"\u201c{name}\u201d is not a PNG, JPEG, GIF or WebP image: its description "
                "is shown in its place."
            )
        else:
            why = (
                f"The image \u201c{name}\u201d is not in the upload: its description is "
                "shown in its place."
            )
        problems.append(Problem(why))
    if not moves:
        return text, images
    body = _rewritten(doc.body, moves)
    return doc.opening + doc.front_matter_text + doc.closing + body, images


def _free_name(name: str, folder: str, taken: set[str], course: CourseState) -> str:
    stem, extension = name.rsplit(".", 1)
    candidate, number = name, 2
    while candidate in taken or course.exists(f"{folder}/images/{candidate}"):
        candidate = f"{stem}-{number}.{extension}"
        number += 1
    taken.add(candidate)
    return candidate


def _rewritten(body: str, moves: Mapping[str, str | None]) -> str:
    """Return `body` with each moved image pointing at its new place, or replaced by its
    description where it could not come along."""

    def image(match: re.Match[str]) -> str:
        target = match.group("target").strip("<>")
        if unquote(target) not in moves:
            return match.group(0)
        new = moves[unquote(target)]
        alt = match.group("alt")
        attrs = match.group("attrs") or ""
        if new is None:
            described = _ALT_ATTRIBUTE.search(attrs)
            words = next((g for g in described.groups() if g), "") if described else ""
            shown = clean_alt(words or alt) or posixpath.basename(unquote(target))
            return f"*(Image not imported: {shown})*"
        return f"![{alt}]({new}{match.group('title') or ''}){attrs}"

    def definition(match: re.Match[str]) -> str:
        target = match.group("target").strip("<>")
        new = moves.get(unquote(target))
        return match.group("lead") + new if new else match.group(0)

    return _DEFINITION.sub(definition, _IMAGE.sub(image, body))


def _checked(
    text: str, path: str, images: list[PlannedImage], course: CourseState
) -> list[Problem]:
    """Return what the one lesson check says, and the editor's notes about images."""
    found = [Problem(p.message, "error", p.line, p.field) for p in check_lesson(text)]
    planned = {image.path for image in images}
    found += [
        Problem(p.message, "error", p.line, p.field)
        for p in missing_images(text, path, lambda name: name in planned or course.exists(name))
    ]
    try:
        doc = parse_lesson(text)
    except ContentError:
        return found
    offset = doc.body_line - 1
    found += [
        Problem(p.message, "warning", p.line, p.field)
        for p in lint_lesson(doc.body, line_offset=offset)
        if "alt text" in p.message
    ]
    return found
