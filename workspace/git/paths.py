"""Validation of file paths and revision names before they come near a git command.

The rules are stricter than git's own so that every course checks out on Linux, macOS and
Windows clones alike, and so that no user text is ever read by git as an option.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidPath, InvalidRevision

MAX_COMPONENT_BYTES = 255
MAX_PATH_BYTES = 1024
BRANCH = "main"
BRANCH_REF = "refs/heads/main"

# Characters Windows refuses in file names; ':' also names NTFS alternate data streams.
_WINDOWS_FORBIDDEN = set('<>:"|?*\\')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
# Code points that HFS+ ignores when comparing names, so ".g\u200cit" is ".git" on a Mac.
_HFS_IGNORABLE = re.compile(
    "[\u200c\u200d\u200e\u200f\u202a-\u202e\u206a-\u206f\ufeff]",
)
_HEX_SHA = re.compile(r"[0-9a-fA-F]{4,64}")
_NAMED_REVS = {"HEAD": "HEAD", BRANCH: BRANCH, BRANCH_REF: BRANCH}


def normalize_path(path: str) -> str:
    """Return `path` as stored in the course, or raise InvalidPath saying what is wrong.

    A valid path is relative, '/'-separated, UTF-8, without empty, '.' or '..' components,
    without control characters, and without any spelling of '.git' that git, NTFS or HFS+
    would treat as the repository directory. Surrounding whitespace is refused rather than
    trimmed so that a name never silently changes.
    """
    if not isinstance(path, str):
        raise InvalidPath(path, "a file name must be text")
    if not path:
        raise InvalidPath(path, "it is empty")
    try:
        encoded = path.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidPath(path, "it is not valid UTF-8") from None
    if len(encoded) > MAX_PATH_BYTES:
        raise InvalidPath(path, f"it is longer than {MAX_PATH_BYTES} bytes")
    if path.startswith("/"):
        raise InvalidPath(path, "it must be relative to the course, not start with '/'")
    for component in path.split("/"):
        _check_component(path, component)
    return path


def _check_component(path: str, component: str) -> None:
    """Raise InvalidPath if one '/'-separated part of `path` is not allowed."""
    if component == "":
        raise InvalidPath(path, "it contains an empty folder name ('//' or a trailing '/')")
    if component in (".", ".."):
        raise InvalidPath(path, "'.' and '..' are not allowed as folder names")
    if len(component.encode("utf-8")) > MAX_COMPONENT_BYTES:
        raise InvalidPath(path, f"a name in it is longer than {MAX_COMPONENT_BYTES} bytes")
    for ch in component:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            raise InvalidPath(path, "it contains control or invisible formatting characters")
        if ch in _WINDOWS_FORBIDDEN:
            raise InvalidPath(path, f"the character {ch!r} is not allowed in file names")
    if component.startswith("-"):
        raise InvalidPath(path, "names may not begin with '-'")
    if component != component.strip() or component.endswith("."):
        raise InvalidPath(path, "names may not begin or end with spaces or end with a dot")
    if _is_dotgit(component):
        raise InvalidPath(path, "'.git' is reserved for the repository itself")
    if _WINDOWS_RESERVED.match(component):
        raise InvalidPath(path, f"“{component}” is a reserved device name on Windows")


def _is_dotgit(component: str) -> bool:
    """Return True if any file system could read `component` as the .git directory."""
    name = _HFS_IGNORABLE.sub("", component).lower().rstrip(" .")
    if name == ".git" or name.startswith(".git:"):
        return True
    # NTFS 8.3 short name of ".git".
    return name.startswith("git~") and name[4:].isdigit()


def check_read_path(path: str) -> str:
    """Return `path` if it can name an existing file, else raise InvalidPath.

    Reading is more lenient than writing: files pushed from elsewhere may have names the web
    editor would not create (such as "aux.md" or "a:b.md"), and they must stay readable. The
    path still may not escape the course or name the repository directory.
    """
    if not isinstance(path, str) or not path:
        raise InvalidPath(path, "it is empty")
    try:
        encoded = path.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidPath(path, "it is not valid UTF-8") from None
    if len(encoded) > MAX_PATH_BYTES or "\0" in path or "\n" in path:
        raise InvalidPath(path, "it is too long or contains control characters")
    if path.startswith("/"):
        raise InvalidPath(path, "it must be relative to the course, not start with '/'")
    for component in path.split("/"):
        if component in ("", ".", ".."):
            raise InvalidPath(path, "empty, '.' and '..' folder names are not allowed")
        if _is_dotgit(component):
            raise InvalidPath(path, "'.git' is reserved for the repository itself")
    return path


def validate_rev(rev: str) -> str:
    """Return `rev` in canonical form if it is a commit id or names the main branch.

    Accepted: full or abbreviated hex commit ids (4 to 64 digits, returned lowercase),
    "main", "refs/heads/main" (both returned as "main") and "HEAD". Everything else raises
    InvalidRevision, so nothing a user types can reach git as an option or a range.
    """
    if not isinstance(rev, str):
        raise InvalidRevision(rev)
    if rev in _NAMED_REVS:
        return _NAMED_REVS[rev]
    if _HEX_SHA.fullmatch(rev):
        return rev.lower()
    raise InvalidRevision(rev)


def is_full_sha(value: str) -> bool:
    """Return True for a 40-digit lowercase hex object id."""
    return len(value) == 40 and all(c in "0123456789abcdef" for c in value)
