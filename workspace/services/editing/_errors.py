"""What editing use cases return and raise: SaveResult and errors a teacher can act on.

Each error carries `message`, shown as is, and `http_status`, what the JSON API answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ...content.errors import Problem
from ...git import Author


class EditError(Exception):
    """An edit that cannot be made as asked; `message` tells the teacher why.

    `http_status` is the status the JSON API answers with.
    """

    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class LessonInvalid(EditError):
    """The lesson text cannot be saved: its front matter does not parse or does not validate."""

    http_status = 422

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        listed = " ".join(
            f"{p.message}" + (f" (line {p.line})" if p.line else "") for p in self.problems
        )
        super().__init__(f"The lesson was not saved. {listed}")


class LessonNotFound(EditError):
    """The lesson (or its unit) does not exist."""

    http_status = 404


class UnitNotFound(LessonNotFound):
    """The unit named does not exist in the course."""


class StaleBase(EditError):
    """The version the edit started from is unknown to the course (or not a version at all)."""

    http_status = 409


class NameTaken(EditError):
    """A new or renamed lesson or unit would take a name already in use."""

    http_status = 409


class UnitNotEmpty(EditError):
    """A unit that still has lessons cannot be deleted."""

    http_status = 409


class CourseBusy(EditError):
    """The course kept changing while saving; nothing was written, saving again will work."""

    http_status = 503


class SaveConflict(EditError):
    """Someone changed the same places since the edit's base; nothing was written.

    `theirs` is the file as it is now (at `head`), `yours` the text that was saved, `base`
    the text both started from and `merged` a merge with conflict markers to edit. Texts are
    None where the file does not exist in that version. `authors` names who changed it.
    """

    http_status = 409

    def __init__(
        self,
        message: str,
        *,
        path: str,
        head: str,
        base_commit: str | None,
        base: str | None,
        theirs: str | None,
        yours: str | None,
        merged: str | None,
        reason: str,
        authors: Sequence[Author] = (),
    ) -> None:
        super().__init__(message)
        self.path = path
        self.head = head
        self.base_commit = base_commit
        self.base = base
        self.theirs = theirs
        self.yours = yours
        self.merged = merged
        self.reason = reason
        self.authors = list(authors)

    @property
    def author_names(self) -> list[str]:
        """Return the names of the people whose changes conflict with this save."""
        return [author.name for author in self.authors]


@dataclass(frozen=True)
class SaveResult:
    """A landed edit: "committed" on top of head, or "merged" with `merged_with`'s changes.

    `unchanged` is True when the text was already the course's current text (no new commit;
    `commit` is then the head). `path` is the lesson file (new path after a rename or move).
    """

    status: Literal["committed", "merged"]
    commit: str
    merged_with: list[str] = field(default_factory=list)
    path: str = ""
    unchanged: bool = False
