"""Where course content lives in the repository, and the slugs that name units and lessons.

Layout: `course.yaml`, `units/<unit>/unit.md`, `units/<unit>/lessons/<lesson>.md`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from typing import TypeGuard

from .errors import InvalidSlug

COURSE_FILE = "course.yaml"
MAX_SLUG_LENGTH = 64

_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_LESSON_PATH = re.compile(r"units/([^/]+)/lessons/([^/]+)\.md")
_UNIT_PATH = re.compile(r"units/([^/]+)/unit\.md")


def is_slug(value: object) -> TypeGuard[str]:
    """Return True when `value` can name a unit or lesson in paths and URLs."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_SLUG_LENGTH
        and _SLUG.fullmatch(value) is not None
    )


def validate_slug(value: str, *, what: str = "name") -> str:
    """Return `value` when it is a valid slug; raise InvalidSlug saying what to change."""
    if not isinstance(value, str) or not value:
        raise InvalidSlug(f"The {what} cannot be empty.")
    if is_slug(value):
        return value
    shown = f"\u201c{value}\u201d"
    if len(value) > MAX_SLUG_LENGTH:
        reason = f"it is longer than {MAX_SLUG_LENGTH} characters"
    elif value != value.lower():
        reason = "it uses capital letters"
    elif value.startswith("-") or value.endswith("-"):
        reason = "it starts or ends with a dash"
    else:
        reason = "only lowercase letters, digits and dashes are allowed"
    suggestion = slugify(value)
    hint = f"; try \u201c{suggestion}\u201d" if suggestion != value else ""
    raise InvalidSlug(f"The {what} {shown} cannot be used: {reason}{hint}.")


def slugify(title: str) -> str:
    """Return a slug made from a title: "Energy & Heat: Part 2" gives "energy-heat-part-2"."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_SLUG_LENGTH].rstrip("-")
    return slug or "untitled"


def unique_slug(base: str, taken: Collection[str]) -> str:
    """Return `base`, or `base-2`, `base-3`, ... whichever is not in `taken`."""
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def title_from_slug(slug: str) -> str:
    """Return a title for a file that has none: "energy-transfer" gives "Energy transfer"."""
    words = slug.replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else slug


def lesson_path(unit: str, lesson: str) -> str:
    """Return the repository path of a lesson file."""
    validate_slug(unit, what="unit name")
    validate_slug(lesson, what="lesson name")
    return f"units/{unit}/lessons/{lesson}.md"


def unit_path(unit: str) -> str:
    """Return the repository path of a unit's overview file."""
    validate_slug(unit, what="unit name")
    return f"units/{unit}/unit.md"


def parse_lesson_path(path: str) -> tuple[str, str] | None:
    """Return (unit, lesson) for a lesson file path, or None for any other path."""
    match = _LESSON_PATH.fullmatch(path)
    if match is None or not is_slug(match.group(1)) or not is_slug(match.group(2)):
        return None
    return match.group(1), match.group(2)


def parse_unit_path(path: str) -> str | None:
    """Return the unit for a `units/<unit>/unit.md` path, or None for any other path."""
    match = _UNIT_PATH.fullmatch(path)
    if match is None or not is_slug(match.group(1)):
        return None
    return match.group(1)
