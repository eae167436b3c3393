"""Plain values the storage engine takes and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


@dataclass(frozen=True)
class Author:
    """Who makes a commit: the acting user's display name and (no-reply) email."""

    name: str
    email: str


@dataclass(frozen=True)
class Write:
    """Create or replace the file at `path` with `data`."""

    path: str
    data: bytes


@dataclass(frozen=True)
class Delete:
    """Remove the file at `path`."""

    path: str


@dataclass(frozen=True)
class Rename:
    """Move the file at `old` to `new`, optionally replacing its content with `data`."""

    old: str
    new: str
    data: bytes | None = None


Change = Write | Delete | Rename


@dataclass(frozen=True)
class CommitResult:
    """The outcome of a save.

    `status` is "committed" (nobody else touched the saved files since the base) or "merged"
    (others did and their changes were combined with yours; `merged_with` names them).
    `unchanged` is True when the save changed nothing, so no commit was made and `commit` is
    the current head.
    """

    status: Literal["committed", "merged"]
    commit: str
    merged_with: list[str] = field(default_factory=list)
    unchanged: bool = False


@dataclass(frozen=True)
class TreeEntry:
    """One entry of a folder listing; `size` and `blob_id` are None for folders."""

    path: str
    mode: str
    kind: Literal["blob", "tree", "commit", "link"]
    size: int | None
    blob_id: str


@dataclass(frozen=True)
class CommitInfo:
    """One commit as shown in history and on the commit page.

    `files` is None unless history was asked `with_files`: then it lists what the commit changed
    against its first parent (everything, for the first commit), renames detected; in a file's
    history only that file's change, under the name the file had then.
    """

    sha: str
    parents: list[str]
    author_name: str
    author_email: str
    authored_at: datetime
    committer_name: str
    committer_email: str
    committed_at: datetime
    message: str
    co_authors: list[Author] = field(default_factory=list)
    files: list[FileChange] | None = None

    @property
    def summary(self) -> str:
        """Return the first line of the message."""
        return self.message.split("\n", 1)[0].strip()

    @property
    def short_sha(self) -> str:
        """Return the abbreviated id shown to people."""
        return self.sha[:10]


@dataclass(frozen=True)
class HistoryPage:
    """A page of history, newest first; pass `next_after` back to get the next page."""

    commits: list[CommitInfo]
    next_after: str | None


@dataclass(frozen=True)
class FileChange:
    """A file touched by a commit: status A(dded), M(odified), D(eleted) or R(enamed)."""

    status: Literal["A", "M", "D", "R", "T"]
    path: str
    old_path: str | None = None


@dataclass(frozen=True)
class FileDiff:
    """The changes to one file between two revisions.

    `text` holds the unified diff hunks (starting at the first "@@"), empty for binary files
    and pure renames.
    """

    path: str
    old_path: str | None
    status: Literal["A", "M", "D", "R", "T"]
    binary: bool
    text: str
    additions: int
    deletions: int


@dataclass(frozen=True)
class BlameLine:
    """One line of a file with the commit that last changed it."""

    line_no: int
    text: str
    sha: str
    author_name: str
    authored_at: datetime
    summary: str
