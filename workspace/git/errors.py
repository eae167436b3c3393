"""Errors of the storage engine: each carries a message a teacher can read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class GitStoreError(Exception):
    """Base of every error the storage engine raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidPath(GitStoreError):
    """A file name that is unsafe or not allowed in a course."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"“{_show(path)}” is not a valid file name: {reason}.")


class InvalidRevision(GitStoreError):
    """A revision name that is not a commit id or the course's main branch."""

    def __init__(self, rev: object, message: str | None = None) -> None:
        self.rev = rev
        super().__init__(message or f"“{_show(rev)}” is not a valid version of the course.")


class BaseNotInHistory(InvalidRevision):
    """A save's base commit exists but is not part of the course's current history."""

    def __init__(self, base: str) -> None:
        super().__init__(
            base,
            f"The version {base[:10]} you started editing from is not part of this course's "
            "history; reload the page and apply your changes again.",
        )


class RevisionNotFound(GitStoreError):
    """A valid revision name that names no commit of this course."""

    def __init__(self, rev: str, message: str | None = None) -> None:
        self.rev = rev
        super().__init__(message or f"This course has no version “{_show(rev)}”.")


class PathNotFound(GitStoreError):
    """A file that does not exist at the requested revision."""

    def __init__(self, path: str, rev: str, message: str | None = None) -> None:
        self.path = path
        self.rev = rev
        super().__init__(
            message or f"There is no file “{path}” in version {rev[:10]} of this course."
        )


class PathExists(GitStoreError):
    """A rename or folder change that would overwrite or shadow an existing file."""

    def __init__(self, path: str, message: str | None = None) -> None:
        self.path = path
        super().__init__(message or f"A file named “{path}” already exists in this course.")


class RepositoryMissing(GitStoreError):
    """The course has no repository on disk (never created, or deleted)."""

    def __init__(self, course_id: object) -> None:
        self.course_id = course_id
        super().__init__(f"Course {course_id} has no repository; it may have been deleted.")


class RepositoryExists(GitStoreError):
    """Creating a repository for a course that already has one."""

    def __init__(self, course_id: object) -> None:
        self.course_id = course_id
        super().__init__(f"Course {course_id} already has a repository.")


class ConcurrentUpdateError(GitStoreError):
    """The branch kept moving (pushes, other servers) and the save could not land."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "The course kept changing while your work was being saved. Nothing was lost: "
            "please save again."
        )


@dataclass(frozen=True)
class FileConflict:
    """One file that could not be merged: the three versions and a marked merge.

    Texts are None where the file does not exist in that version, and all texts are None for
    binary files (`binary` is then True). `reason` is "edit" (both changed the same lines),
    "delete" (one side deleted what the other edited), "add" (both created the file with
    different content) or "binary".
    """

    path: str
    base: str | None
    theirs: str | None
    yours: str | None
    merged: str | None
    reason: str
    binary: bool = False


class ConflictError(GitStoreError):
    """A save whose changes overlap changes made since its base; nothing was written."""

    def __init__(self, conflicts: Sequence[FileConflict], head: str, base: str | None) -> None:
        self.conflicts = list(conflicts)
        self.head = head
        self.base = base
        names = ", ".join(c.path for c in self.conflicts)
        super().__init__(
            f"Someone else changed {names} while you were editing, in the same places. "
            "Nothing was lost: here are both versions to combine."
        )


def _show(value: object) -> str:
    """Return a short printable form of user input for an error message."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
    return text if len(text) <= 80 else text[:77] + "…"
