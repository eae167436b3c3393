"""Saving changes as a commit on main, merging with whatever landed since the save's base.

The whole save happens without a work tree: blobs are written before the lock is taken,
then under the course lock the trees along the changed paths are rebuilt from head's tree,
a commit object is written, and main is moved with a compare-and-swap (an `update-ref`
transaction "update main NEW OLD", see refs.py). If a push moved main in between, the swap
fails and the save is planned again against the new head. Objects written by a save that
never lands are unreferenced and removed by a later `git gc`, so a crash at any point
leaves main as it was.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import ConcurrentUpdateError, InvalidPath
from .history import parse_commit
from .locking import course_lock
from .loose import write_loose_batch
from .objects import EMPTY_TREE, parse_tree
from .paths import normalize_path
from .planning import SavePlan, check_base, plan_save
from .records import Author, Change, CommitResult, Delete, Rename, Write

if TYPE_CHECKING:
    from .repo import CourseRepo

MAX_ATTEMPTS = 8
_DIRECT_WALK_LIMIT = 64


def commit_changes(
    repo: CourseRepo,
    changes: Sequence[Change],
    author: Author,
    message: str,
    base: str | None,
    co_authors: Sequence[Author] = (),
) -> tuple[CommitResult, int]:
    """Return the outcome of committing `changes`, made by `author` on top of `base`, and
    how many saves have landed on this course (0 when nothing was committed).

    `base` is the commit the editor started from (None: apply on the current head, for new
    files and scripted changes). If none of the changed files moved since `base`, the save
    is committed on head. If some did, each is merged three ways (base, head, yours); when
    all merge cleanly the result is committed with status "merged", otherwise ConflictError
    is raised and nothing is written to main.
    """
    changes = _checked(changes)
    base_sha = repo.resolve(base) if base is not None else None
    if base_sha is not None:
        check_base(repo, base_sha)
    contents = _new_contents(changes)
    ids = write_loose_batch(
        repo.path / "objects", [(b"blob", data) for _, data in contents], fsync=repo.fsync
    )
    blobs = {path: sha for (path, _), sha in zip(contents, ids, strict=True)}
    with course_lock(repo.lock_path) as lock:
        for attempt in range(MAX_ATTEMPTS):
            head = repo.head()
            plan = plan_save(repo, changes, blobs, base_sha, head)
            if plan.tree == (repo.reader.commit_tree(head) if head else EMPTY_TREE):
                return CommitResult("committed", head or "", [], unchanged=True), 0
            text = build_message(message, changes, plan, author, co_authors)
            commit = _write_commit(repo, plan, head, author, text)
            if repo.swap_main(commit, head):
                saves = lock.count_save()
                break
            time.sleep(0.005 * (attempt + 1))
        else:
            raise ConcurrentUpdateError()
    # Outside the lock: history below the new commit no longer changes.
    merged_with = _authors_between(repo, base_sha, head, plan.merged_paths)
    status = "merged" if plan.merged_paths else "committed"
    return CommitResult(status, commit, merged_with), saves


def _checked(changes: Sequence[Change]) -> list[Change]:
    """Return the changes with normalized paths; raise InvalidPath for unsafe or repeated ones."""
    if not changes:
        raise InvalidPath("", "a save must change at least one file")
    seen: set[str] = set()
    result: list[Change] = []
    for change in changes:
        if isinstance(change, Write):
            change = Write(normalize_path(change.path), bytes(change.data))
            paths = [change.path]
        elif isinstance(change, Delete):
            change = Delete(normalize_path(change.path))
            paths = [change.path]
        elif isinstance(change, Rename):
            data = None if change.data is None else bytes(change.data)
            change = Rename(normalize_path(change.old), normalize_path(change.new), data)
            if change.old == change.new:
                raise InvalidPath(change.new, "a file cannot be renamed to its own name")
            paths = [change.old, change.new]
        else:
            raise TypeError(f"not a change: {change!r}")
        for path in paths:
            if path in seen:
                raise InvalidPath(path, "the same file appears twice in one save")
            seen.add(path)
        result.append(change)
    return result


def _new_contents(changes: Sequence[Change]) -> list[tuple[str, bytes]]:
    """Return (path, data) for every change that brings new file content."""
    found: list[tuple[str, bytes]] = []
    for change in changes:
        if isinstance(change, Write):
            found.append((change.path, change.data))
        elif isinstance(change, Rename) and change.data is not None:
            found.append((change.new, change.data))
    return found


def _ident(person: Author, when: int) -> bytes:
    """Return a git identity line value, with the characters git would refuse removed."""

    def clean(text: str) -> str:
        text = "".join(ch for ch in text if ch not in "<>\n\r\0")
        return text.strip().strip(".,:;'\"\\").strip()

    email = clean(person.email).replace(" ", "")
    name = clean(person.name) or email.split("@")[0] or "Unknown"
    return f"{name} <{email}> {when} +0000".encode()


def _write_commit(
    repo: CourseRepo, plan: SavePlan, head: str | None, author: Author, text: str
) -> str:
    """Return the id of a new commit by `author` (also committer), written with its trees."""
    ident = _ident(author, int(time.time()))
    lines = [b"tree " + plan.tree.encode()]
    if head:
        lines.append(b"parent " + head.encode())
    lines += [b"author " + ident, b"committer " + ident, b"", text.encode("utf-8")]
    objects = [*plan.objects, (b"commit", b"\n".join(lines))]
    ids = write_loose_batch(repo.path / "objects", objects, fsync=repo.fsync)
    # The next read of the new head needs these trees: keep them instead of reading back.
    for sha, (kind, data) in zip(ids, objects, strict=True):
        if kind == b"tree":
            repo.reader.remember_tree(sha, parse_tree(data))
    repo.reader.remember_commit(ids[-1], plan.tree)
    return ids[-1]


def _authors_between(
    repo: CourseRepo, base: str | None, head: str | None, paths: Sequence[str]
) -> list[str]:
    """Return the names of the authors of commits after `base` up to `head` touching `paths`.

    Usually a handful of web saves lie between, read directly; a longer or branching
    stretch of history is left to `git log`.
    """
    if not paths or base is None or head is None or base == head:
        return []
    names: list[str] = []
    pending, seen = [head], {head}
    while pending:
        sha = pending.pop()
        if len(seen) > _DIRECT_WALK_LIMIT:
            return _authors_by_log(repo, base, head, paths)
        info = parse_commit(sha, repo.reader.read(sha)[1])
        if not info.parents:  # reached the first commit without meeting base
            return _authors_by_log(repo, base, head, paths)
        if len(info.parents) == 1 and info.author_name not in names:
            before = repo.reader.commit_tree(info.parents[0])
            after = repo.reader.commit_tree(sha)
            if any(repo.reader.lookup(before, p) != repo.reader.lookup(after, p) for p in paths):
                names.append(info.author_name)
        for parent in info.parents:
            if parent != base and parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return names


def _authors_by_log(repo: CourseRepo, base: str, head: str, paths: Sequence[str]) -> list[str]:
    """Return the authors of commits in base..head touching `paths`, as `git log` finds them."""
    out = repo.git(["log", "-z", "--format=%an", f"{base}..{head}", "--", *paths])
    names: list[str] = []
    for raw in out.split(b"\0"):
        name = raw.decode("utf-8", "replace").strip()
        if name and name not in names:
            names.append(name)
    return names


def build_message(
    message: str,
    changes: Sequence[Change],
    plan: SavePlan,
    author: Author,
    co_authors: Sequence[Author],
) -> str:
    """Return the commit message: the given one or one describing the changes, plus trailers."""
    text = "\n".join(line.rstrip() for line in message.replace("\0", "").splitlines()).strip()
    if not text:
        text = default_message(changes, plan.added)
    trailers = []
    for person in co_authors:
        if person.email.lower() == author.email.lower():
            continue
        line = f"Co-authored-by: {_ident(person, 0).decode().rsplit(' ', 2)[0]}"
        if line not in text and line not in trailers:
            trailers.append(line)
    if trailers:
        text += "\n\n" + "\n".join(trailers)
    return text + "\n"


def default_message(changes: Sequence[Change], added: set[str]) -> str:
    """Return a summary such as "Edit units/a/lessons/b.md" or "Add x.md and 2 other files"."""
    phrases: list[tuple[str, str, str]] = []  # (verb, what, path)
    for change in changes:
        if isinstance(change, Write):
            verb = "Add" if change.path in added else "Edit"
            phrases.append((verb, change.path, change.path))
        elif isinstance(change, Delete):
            phrases.append(("Delete", change.path, change.path))
        else:
            phrases.append(("Rename", f"{change.old} to {change.new}", change.new))
    verb, what, path = phrases[0]
    if len(phrases) == 1:
        return f"{verb} {what}"
    others = len(phrases) - 1
    lead = verb if len({v for v, _, _ in phrases}) == 1 else "Change"
    return f"{lead} {path} and {others} other file{'s' if others > 1 else ''}"
