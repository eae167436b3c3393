"""Images for lessons: checked, named safely and committed into the unit's images/ folder.

A lesson at `units/<unit>/lessons/<lesson>.md` shows `![alt](images/name.png)` from
`units/<unit>/lessons/images/name.png`, so a clone of the course shows the same pictures.
Only PNG, JPEG, GIF and WebP are accepted, recognised by their first bytes rather than their
file name. SVG is refused: it can carry scripts, and the lesson page serves course files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...content.paths import is_slug, slugify
from ...git import Write
from ...models import Course
from ..context import Ctx
from ._errors import EditError, SaveConflict
from ._landing import (
    Landing,
    course_outline,
    open_edit,
    require_unit,
    resolve_base,
    unit_missing,
)

MAX_ALT_LENGTH = 300
MAX_NAME_LENGTH = 60
_ATTEMPTS = 3


class ImageRejected(EditError):
    """An upload that is not an image this product accepts, or lacks alt text."""


class ImageTooLarge(EditError):
    """An upload larger than the configured limit."""

    http_status = 413


@dataclass(frozen=True)
class ImageUpload:
    """A committed image: where it is, and the Markdown that shows it in the lesson."""

    path: str
    name: str
    alt: str
    snippet: str
    commit: str


def image_kind(data: bytes) -> str | None:
    """Return "png", "jpeg", "gif" or "webp" from an image's first bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


_EXTENSIONS = {"png": "png", "jpeg": "jpg", "gif": "gif", "webp": "webp"}


def _looks_like_svg(filename: str, data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return filename.lower().endswith((".svg", ".svgz")) or head.startswith((b"<svg", b"<?xml"))


def clean_alt(alt: str) -> str:
    """Return alt text fit for `![alt](...)`: one line, no brackets that would end it."""
    text = re.sub(r"\s+", " ", alt).strip()
    return text.replace("[", "(").replace("]", ")").replace("\\", "/")[:MAX_ALT_LENGTH]


def image_name(filename: str, kind: str) -> str:
    """Return a safe file name for an upload: a slug of its name and the real extension."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    slug = slugify(stem)[:MAX_NAME_LENGTH].strip("-")
    if slug in ("", "untitled"):
        slug = "image"
    return f"{slug}.{_EXTENSIONS[kind]}"


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    stem, extension = name.rsplit(".", 1)
    number = 2
    while f"{stem}-{number}.{extension}" in taken:
        number += 1
    return f"{stem}-{number}.{extension}"


def file_size(size: int) -> str:
    """Return a size for people: "5 MB", "200 kB" or "812 bytes"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.3g} MB"
    if size >= 1_000:
        return f"{size / 1_000:.3g} kB"
    return f"{size} bytes"


def check_image(filename: str, data: bytes, alt: str, max_bytes: int) -> tuple[str, str]:
    """Return (kind, alt text) for an acceptable upload; raise ImageRejected or ImageTooLarge."""
    if len(data) > max_bytes:
        raise ImageTooLarge(
            f"The image is larger than {file_size(max_bytes)}, the most an image may be. Make "
            "it smaller (for example, save it as JPEG at a lower size) and upload it again."
        )
    if not data:
        raise ImageRejected("Choose an image file to upload.")
    if _looks_like_svg(filename, data):
        raise ImageRejected(
            "SVG images are not accepted because they can contain scripts. Export the "
            "drawing as PNG and upload that instead."
        )
    kind = image_kind(data)
    if kind is None:
        raise ImageRejected(
            f"\u201c{filename or 'The file'}\u201d is not a PNG, JPEG, GIF or WebP image."
        )
    text = clean_alt(alt)
    if not text:
        raise ImageRejected(
            "Describe the image in the alt text (for example \u201cthermometer in ice "
            "water reading 0 \u00b0C\u201d), so readers who cannot see it know what it shows."
        )
    return kind, text


def upload_image(
    ctx: Ctx,
    course: Course,
    unit: str,
    filename: str,
    data: bytes,
    alt: str,
) -> ImageUpload:
    """Return the committed image, added to the unit's images folder as its own commit.

    The name is made from the uploaded file's name and made unique in the folder, so an
    upload never replaces another image.
    """
    kind, alt_text = check_image(filename, data, alt, ctx.settings.max_upload_bytes)
    if not is_slug(unit):
        raise unit_missing(unit)
    wanted = image_name(filename, kind)
    folder = f"units/{unit}/lessons/images"
    with open_edit(ctx, course) as edit:
        for attempt in range(_ATTEMPTS):
            head = resolve_base(edit.repo, None)
            _, listed = course_outline(edit.repo, head)
            require_unit(edit.repo, head, unit, listed)
            taken: set[str] = set()
            if edit.repo.exists(folder, head):
                taken = {
                    e.path.rsplit("/", 1)[-1] for e in edit.repo.list_tree(head, prefix=folder)
                }
            name = _unique(wanted, taken)
            path = f"{folder}/{name}"
            try:
                result = edit.land(
                    [Write(path, data)],
                    message=f"Add image: {name}",
                    base=head,
                    landing=Landing("uploaded", f"added image {name} to unit {unit}", path),
                )
            except SaveConflict:
                # Someone uploaded an image of the same name at the same moment: pick again.
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            snippet = f"![{alt_text}](images/{name})"
            return ImageUpload(path, name, alt_text, snippet, result.commit)
    raise AssertionError("unreachable")
