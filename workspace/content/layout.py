"""Where a file may sit in a course: the layout of DESIGN's content format, and nothing else.

```
course.yaml                                   the course's settings and outline
README.md
units/<unit>/unit.md                          a unit's overview
units/<unit>/lessons/<lesson>.md              a lesson
units/<unit>/lessons/images/<image>.<ext>     an image, named as the web's upload names it
studies/<study>/report.md                     a published lesson-study report
.gitignore, .gitattributes                    at the top only, for people who clone
```

Unit, lesson, study and image names are slugs (lowercase letters, digits, dashes); images
end in .png, .jpg, .gif or .webp, exactly what the editor's image upload writes. The two
dotfiles are allowed because someone working in a clone often needs them (to keep editor
backups out, or to say how line endings are stored); the server never reads them.
"""

from __future__ import annotations

from .errors import InvalidSlug, Problem
from .paths import COURSE_FILE, is_slug, slugify, validate_slug

TOP_FILES = (COURSE_FILE, "README.md")
DOTFILES = (".gitignore", ".gitattributes")
IMAGE_EXTENSIONS = ("png", "jpg", "gif", "webp")
# How people often spell the extensions the upload writes.
_IMAGE_SPELLINGS = {"jpeg": "jpg", "jpe": "jpg"}
_FORMAT = (
    "A course holds course.yaml, README.md, units/<unit>/unit.md, "
    "units/<unit>/lessons/<lesson>.md with images in units/<unit>/lessons/images/, and "
    "studies/<study>/report.md; see the README's course format."
)


def check_layout(path: str) -> Problem | None:
    """Return why `path` cannot be part of a course, or None when it fits the layout.

    `path` is a '/'-separated repository path that is already a safe file name (see
    workspace.git.normalize_path); this only says whether the course format has a place for it.
    """
    parts = path.split("/")
    if len(parts) == 1:
        return None if path in TOP_FILES or path in DOTFILES else _outside(path)
    if parts[0] == "units":
        return _unit_problem(path, parts[1:])
    if parts[0] == "studies":
        if len(parts) == 3 and parts[2] == "report.md":
            return _slug_problem(path, parts[1], "study name")
        return _problem(path, "a study's folder holds only its report, studies/<study>/report.md.")
    return _outside(path)


def _unit_problem(path: str, parts: list[str]) -> Problem | None:
    """Return the problem of a path under units/, given its parts after "units"."""
    if len(parts) < 2:
        return _problem(path, "units/ holds one folder per unit, such as units/forces/unit.md.")
    unit, rest = parts[0], parts[1:]
    if (problem := _slug_problem(path, unit, "unit name")) is not None:
        return problem
    if rest == ["unit.md"]:
        return None
    if rest[0] != "lessons" or len(rest) == 1:
        return _problem(
            path,
            f"a unit's folder holds unit.md and lessons/; put lessons in units/{unit}/lessons/.",
        )
    if len(rest) == 2:
        name = rest[1]
        if not name.endswith(".md"):
            return _problem(
                path,
                f"lessons are Markdown files (.md) in units/{unit}/lessons/, and images go "
                f"in units/{unit}/lessons/images/.",
            )
        return _slug_problem(path, name.removesuffix(".md"), "lesson name")
    if rest[1] == "images" and len(rest) == 3:
        return _image_problem(path, rest[2])
    return _problem(
        path,
        f"units/{unit}/lessons/ holds lesson .md files and one images/ folder, "
        "without further folders.",
    )


def _image_problem(path: str, name: str) -> Problem | None:
    """Return the problem of an image's file name, or None when the upload could have made it."""
    stem, dot, extension = name.rpartition(".")
    if dot and extension in IMAGE_EXTENSIONS and is_slug(stem):
        return None
    wanted = _IMAGE_SPELLINGS.get(extension.lower(), extension.lower())
    if not dot or wanted not in IMAGE_EXTENSIONS:
        return _problem(path, "images must be PNG, JPEG (.jpg), GIF or WebP files.")
    suggestion = f"{slugify(stem)}.{wanted}"
    return _problem(
        path,
        "image names use lowercase letters, digits and dashes and end in .png, .jpg, .gif or "
        f".webp; try \u201c{suggestion}\u201d.",
    )


def _slug_problem(path: str, value: str, what: str) -> Problem | None:
    """Return the problem of a folder or file name that must be a slug, or None."""
    try:
        validate_slug(value, what=what)
    except InvalidSlug as exc:
        reason = exc.message[:1].lower() + exc.message[1:]
        return Problem("path", f"\u201c{path}\u201d is not part of a course because {reason}")
    return None


def _outside(path: str) -> Problem:
    return Problem("path", f"\u201c{path}\u201d is not part of a course. {_FORMAT}")


def _problem(path: str, reason: str) -> Problem:
    return Problem("path", f"\u201c{path}\u201d is not part of a course: {reason}")
