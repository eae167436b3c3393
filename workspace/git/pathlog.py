"""What each commit changed, parents first, for a path-history index; and one blame step.

`commits_between` lists the commits reachable from `until` and not from `since` in
topological order, parents before children (the order an index can number them in), and
`changes_of` gives each one's files against its first parent in one `git log` per batch, the
way a file's own history sees them: renames detected (as `diff-tree -M` finds them), and for
a merge only the files whose merged version is new (not any parent's), which is when
`git log -- <file>` shows a merge.

`line_origins` is the step blame takes from one version of a file to the next: which lines
of the new version were already in the old one, found with git's own diff, so a blame built
step by step agrees with `git blame`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .commits import parse_commit, parse_ident, parse_name_status
from .objects import MODE_LINK, changed_entries
from .paths import is_full_sha
from .records import FileChange

if TYPE_CHECKING:
    from .repo import CourseRepo

# Up to this many commits (a save or a small push) are read from their trees in Python, which
# is quicker than starting git; a backfill's batches go to one `git log`.
QUICK_LIMIT = 8
_FORMAT = "--format=%H %P%x00%an%x00%ae%x00%ad"
_STATUS = re.compile(rb"^[ACDMRTUX][0-9]{0,3}$")
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class CommitChanges:
    """One commit, its author and the files it changed (see the module docstring)."""

    sha: str
    parents: list[str]
    author_name: str
    author_email: str
    authored_at: datetime
    files: list[FileChange]


def commits_between(repo: CourseRepo, until: str, since: str | None = None) -> list[str]:
    """Return the ids of the commits in `until` and not in `since`, parents first."""
    args = ["rev-list", "--reverse", "--topo-order", until]
    if since is not None:
        args.append("^" + since)
    return repo.git([*args, "--"]).decode("ascii").split()


def ancestor_count(repo: CourseRepo, sha: str) -> int:
    """Return how many commits `sha` has in its history, itself included."""
    return int(repo.git(["rev-list", "--count", sha, "--"]).strip() or 0)


def changes_of(repo: CourseRepo, shas: Sequence[str]) -> Iterator[CommitChanges]:
    """Yield each of the commits `shas` (full ids) in the order given, with its changes."""
    if not shas:
        return
    if not all(is_full_sha(sha) for sha in shas):
        raise ValueError("changes_of takes full commit ids")
    if len(shas) <= QUICK_LIMIT:
        quick = [_quick(repo, sha) for sha in shas]
        if all(found is not None for found in quick):
            yield from quick  # type: ignore[misc]
            return
    args = ["log", "--no-walk=unsorted", "--stdin", "--root", "-M", "-z", "--no-mailmap"]
    args += ["--name-status", "--diff-merges=first-parent", "--date=raw", _FORMAT]
    out = repo.git(args, input=("\n".join(shas) + "\n").encode("ascii"))
    for record in _parse(out):
        if len(record.parents) > 1 and record.files:
            record = _merged_only(repo, record)
        yield record


def _quick(repo: CourseRepo, sha: str) -> CommitChanges | None:
    """Return a one-parent commit's changes from its trees, without starting git; None when
    it added and removed files (a rename, perhaps: git finds those) or is a merge."""
    info = parse_commit(sha, repo.reader.read(sha)[1])
    if len(info.parents) != 1:
        return None
    reader = repo.reader
    entries = changed_entries(reader, reader.commit_tree(info.parents[0]), reader.commit_tree(sha))
    if any(old is None for _, old, _ in entries) and any(new is None for _, _, new in entries):
        return None
    files = []
    for path, old, new in entries:
        if old is None:
            files.append(FileChange("A", path))
        elif new is None:
            files.append(FileChange("D", path))
        elif (old[0] == MODE_LINK) != (new[0] == MODE_LINK):
            files.append(FileChange("T", path))
        else:
            files.append(FileChange("M", path))
    return CommitChanges(
        sha, info.parents, info.author_name, info.author_email, info.authored_at, files
    )


def _parse(out: bytes) -> Iterator[CommitChanges]:
    fields = out.split(b"\0")
    i = 0
    while i + 4 <= len(fields) and fields[i]:
        ids = fields[i].decode("ascii").split()
        name, email, when = fields[i + 1], fields[i + 2], fields[i + 3]
        author = parse_ident(name + b" <" + email + b"> " + when, "utf-8")
        i += 4
        files: list[FileChange] = []
        # The changes follow after a newline; a commit that changed nothing has none.
        if i < len(fields) and fields[i].startswith(b"\n"):
            fields[i] = fields[i][1:]
            while i < len(fields) and _STATUS.match(fields[i]):
                count = 3 if fields[i][:1] in (b"R", b"C") else 2
                files += parse_name_status(b"\0".join(fields[i : i + count]) + b"\0")
                i += count
        yield CommitChanges(ids[0], ids[1:], author[0], author[1], author[2], files)


def _merged_only(repo: CourseRepo, record: CommitChanges) -> CommitChanges:
    """Return the merge with only the files whose merged version no other parent had."""
    reader = repo.reader
    tree = reader.commit_tree(record.sha)
    others = [reader.commit_tree(parent) for parent in record.parents[1:]]
    kept = []
    for change in record.files:
        mine = reader.lookup(tree, change.path) if change.status != "D" else None
        if all(reader.lookup(other, change.path) != mine for other in others):
            kept.append(change)
    return CommitChanges(
        record.sha,
        record.parents,
        record.author_name,
        record.author_email,
        record.authored_at,
        kept,
    )


def line_origins(
    repo: CourseRepo, old_blob: str, new_blob: str, new_lines: int
) -> list[int | None]:
    """Return, for each line of the new version, its line number (0-based) in the old one,
    or None for a line the new version added or changed."""
    if old_blob == new_blob:
        return list(range(new_lines))
    out = repo.git(
        ["diff", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", old_blob, new_blob]
    )
    origins: list[int | None] = []
    old_next = 0  # the next old line not yet accounted for
    for raw in out.split(b"\n"):
        match = _HUNK.match(raw)
        if match is None:
            continue
        old_start, old_count, new_start, new_count = (
            int(match.group(1)),
            int(match.group(2) or 1),
            int(match.group(3)),
            int(match.group(4) or 1),
        )
        # With no old lines the hunk comes after old line `old_start`; else it starts there.
        old_first = old_start if old_count == 0 else old_start - 1
        new_first = new_start if new_count == 0 else new_start - 1
        while len(origins) < new_first:
            origins.append(old_next)
            old_next += 1
        origins.extend([None] * new_count)
        old_next = old_first + old_count
    while len(origins) < new_lines:
        origins.append(old_next)
        old_next += 1
    return origins[:new_lines]
