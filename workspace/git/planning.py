"""Planning a save against the current head: per-file merge decisions and the new tree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from .errors import BaseNotInHistory, ConflictError, FileConflict, PathExists, PathNotFound
from .merge import is_text, merge_texts
from .objects import (
    EMPTY_TREE,
    MODE_EXEC,
    MODE_FILE,
    MODE_TREE,
    object_id,
    serialize_tree,
)
from .records import Change, Delete, Rename, Write
from .runner import run_git

if TYPE_CHECKING:
    from .repo import CourseRepo

# A file's state in one tree: (mode, hex id), or None if absent.
Entry = tuple[bytes, str] | None
Node = dict[bytes, Union["Node", Entry]]


@dataclass
class SavePlan:
    """What a save will do: the new root tree, files merged with others' work, new files."""

    tree: str
    merged_paths: list[str] = field(default_factory=list)
    added: set[str] = field(default_factory=set)
    objects: list[tuple[bytes, bytes]] = field(default_factory=list)  # to write: (kind, data)


@dataclass
class _Planner:
    repo: CourseRepo
    base_tree: str
    head_tree: str
    edits: dict[str, Entry] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    conflicts: list[FileConflict] = field(default_factory=list)
    objects: list[tuple[bytes, bytes]] = field(default_factory=list)

    def at(self, tree: str, path: str) -> Entry:
        """Return the state of `path` in `tree`."""
        return self.repo.reader.lookup(tree, path)

    def data(self, entry: Entry) -> bytes:
        """Return the content of a file state (empty for an absent file)."""
        return b"" if entry is None else self.repo.reader.read(entry[1])[1]

    def outcome(
        self, path: str, base: Entry, head: Entry, yours: Entry, yours_data: bytes | None
    ) -> tuple[bool, Entry]:
        """Return (True, final state) of a file, or (False, None) after recording a conflict.

        Your version wins when others did not touch the file (or made the very same change);
        theirs wins when you did not change it; otherwise the texts are merged three ways.
        """
        if _same(base, head) or _same(yours, head):
            return True, _keep_mode(yours, head)
        if _same(yours, base):
            return True, head
        base_data, theirs_data = self.data(base), self.data(head)
        if yours is None or head is None:
            self.conflict(
                path, (base, base_data), (head, theirs_data), (yours, yours_data), "delete"
            )
            return False, None
        yours_data = yours_data if yours_data is not None else self.data(yours)
        if not (is_text(base_data) and is_text(theirs_data) and is_text(yours_data)):
            self.conflict(
                path, (base, base_data), (head, theirs_data), (yours, yours_data), "binary"
            )
            return False, None
        merged, clean = merge_texts(base_data, theirs_data, yours_data)
        if not clean:
            reason = "add" if base is None else "edit"
            self.conflict(
                path, (base, base_data), (head, theirs_data), (yours, yours_data), reason, merged
            )
            return False, None
        self.objects.append((b"blob", merged))
        self.merged.append(path)
        return True, (head[0], object_id(b"blob", merged))

    def conflict(
        self,
        path: str,
        base: tuple[Entry, bytes | None],
        theirs: tuple[Entry, bytes | None],
        yours: tuple[Entry, bytes | None],
        reason: str,
        merged: bytes | None = None,
    ) -> None:
        """Record a file that cannot be merged, with its three versions as text."""
        versions = [data if entry is not None else None for entry, data in (base, theirs, yours)]
        binary = reason == "binary" or any(v is not None and not is_text(v) for v in versions)
        texts = [None if binary or v is None else v.decode("utf-8") for v in versions]
        marked = None
        if not binary:
            marked = merged.decode("utf-8") if merged is not None else texts[2] or texts[1]
        self.conflicts.append(
            FileConflict(
                path=path,
                base=texts[0],
                theirs=texts[1],
                yours=texts[2],
                merged=marked,
                reason="binary" if binary else reason,
                binary=binary,
            )
        )


def plan_save(
    repo: CourseRepo,
    changes: Sequence[Change],
    blobs: Mapping[str, str],
    base: str | None,
    head: str | None,
) -> SavePlan:
    """Return the plan for saving `changes` (made on `base`) on top of `head`.

    `base` must be an ancestor of `head` (see check_base). Raises ConflictError if any file
    cannot be merged, PathNotFound for deleting or renaming a file that never existed, and
    PathExists for a rename onto an existing file or a file where a folder is.
    """
    reader = repo.reader
    head_tree = reader.commit_tree(head) if head else EMPTY_TREE
    base_tree = reader.commit_tree(base) if base is not None and base != head else head_tree
    p = _Planner(repo, base_tree, head_tree)
    added: set[str] = set()
    for change in changes:
        if isinstance(change, Write):
            path = change.path
            base_entry, head_entry = p.at(base_tree, path), p.at(head_tree, path)
            _refuse_folder(path, head_entry)
            if head_entry is None:
                added.add(path)
            yours = (MODE_FILE, blobs[path])
            ok, final = p.outcome(path, base_entry, head_entry, yours, change.data)
            if ok:
                p.edits[path] = final
        elif isinstance(change, Delete):
            path = change.path
            base_entry, head_entry = p.at(base_tree, path), p.at(head_tree, path)
            if base_entry is None and head_entry is None:
                raise PathNotFound(path, head or "")
            _refuse_folder(path, head_entry or base_entry)
            ok, final = p.outcome(path, base_entry, head_entry, None, None)
            if ok:
                p.edits[path] = final
        elif isinstance(change, Rename):
            _plan_rename(p, change, blobs, head or "")
    if p.conflicts:
        raise ConflictError(p.conflicts, head or "", base)
    tree = _apply(repo, head_tree, p.edits, p.objects)
    if tree is None:
        p.objects.append((b"tree", b""))
        tree = EMPTY_TREE
    return SavePlan(tree, p.merged, added, p.objects)


def _plan_rename(p: _Planner, change: Rename, blobs: Mapping[str, str], head: str) -> None:
    """Record a rename: the old name goes, the new one gets the (merged) content.

    Renaming a file that others deleted (or renamed) since the base is a conflict; renaming
    one that others edited carries their edits over to the new name.
    """
    old_base, old_head = p.at(p.base_tree, change.old), p.at(p.head_tree, change.old)
    if old_base is None and old_head is None:
        raise PathNotFound(change.old, head)
    _refuse_folder(change.old, old_head or old_base)
    if p.at(p.head_tree, change.new) is not None:
        raise PathExists(change.new)
    if change.data is None:
        yours: Entry = old_base or old_head
        yours_data = p.data(yours)
    else:
        yours, yours_data = (MODE_FILE, blobs[change.new]), change.data
    if old_head is None:
        p.conflict(
            change.old, (old_base, p.data(old_base)), (None, None), (yours, yours_data), "delete"
        )
        return
    ok, final = p.outcome(change.new, old_base, old_head, yours, yours_data)
    if ok:
        p.edits[change.old] = None
        p.edits[change.new] = final


def _same(a: Entry, b: Entry) -> bool:
    """Return True if two file states have the same content (or are both absent)."""
    return (a is None and b is None) or (a is not None and b is not None and a[1] == b[1])


def _keep_mode(yours: Entry, head: Entry) -> Entry:
    """Return your entry, keeping an executable bit the file already had."""
    if yours is None or head is None or head[0] != MODE_EXEC:
        return yours
    return (MODE_EXEC, yours[1])


def _refuse_folder(path: str, entry: Entry) -> None:
    """Raise PathExists if `path` names a folder, link or submodule rather than a file."""
    if entry is not None and entry[0] not in (MODE_FILE, MODE_EXEC):
        raise PathExists(path, f"“{path}” is a folder or a link, not a file.")


def check_base(repo: CourseRepo, base: str) -> None:
    """Raise BaseNotInHistory unless commit `base` is in main's history.

    main only ever moves forward (saves add commits; pushes may not rewrite history), so
    once true this stays true and need not be checked again under the lock.
    """
    head = repo.head()
    if head == base:
        return
    if head is not None:
        proc = run_git(repo.path, ["merge-base", "--is-ancestor", base, head], ok_codes=(0, 1))
        if proc.returncode == 0:
            return
    raise BaseNotInHistory(base)


def _apply(
    repo: CourseRepo, tree: str, edits: Mapping[str, Entry], objects: list[tuple[bytes, bytes]]
) -> str | None:
    """Return the id of `tree` with `edits` applied (None if it ends up empty).

    New tree objects are appended to `objects`, to be written in one batch with the commit.
    """
    root: Node = {}
    for path, entry in edits.items():
        node = root
        *folders, name = path.encode("utf-8").split(b"/")
        for folder in folders:
            child = node.setdefault(folder, {})
            if not isinstance(child, dict):
                raise PathExists(path, f"“{path}” cannot be both a file and a folder.")
            node = child
        node[name] = entry
    return _rebuild(repo, tree, root, "", objects)


def _rebuild(
    repo: CourseRepo,
    tree: str | None,
    node: Node,
    prefix: str,
    objects: list[tuple[bytes, bytes]],
) -> str | None:
    """Return the id of `tree` rebuilt with the changes in `node`; new trees go to `objects`."""
    entries = {name: (mode, sha) for mode, name, sha in (repo.reader.tree(tree) if tree else [])}
    for name, change in node.items():
        path = prefix + name.decode("utf-8")
        existing = entries.get(name)
        if isinstance(change, dict):
            if existing is not None and existing[0] != MODE_TREE:
                raise PathExists(path, f"“{path}” is a file, so it cannot hold other files.")
            child_tree = existing[1].hex() if existing else None
            child = _rebuild(repo, child_tree, change, path + "/", objects)
            if child is None:
                entries.pop(name, None)
            else:
                entries[name] = (MODE_TREE, bytes.fromhex(child))
        elif change is None:
            entries.pop(name, None)
        else:
            if existing is not None and existing[0] == MODE_TREE:
                raise PathExists(path, f"“{path}” is a folder; a file cannot replace it.")
            entries[name] = (change[0], bytes.fromhex(change[1]))
    if not entries:
        return None
    data = serialize_tree([(mode, name, sha) for name, (mode, sha) in entries.items()])
    sha = object_id(b"tree", data)
    if sha != tree:
        objects.append((b"tree", data))
    return sha
