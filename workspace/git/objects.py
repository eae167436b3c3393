"""Git objects: tree encoding, object ids, and cached reads through `git cat-file --batch`."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict

import git

from .errors import GitStoreError
from .refs import RefUpdater
from .runner import GitFailure

MODE_TREE = b"40000"
MODE_FILE = b"100644"
MODE_EXEC = b"100755"
MODE_LINK = b"120000"
MODE_SUBMODULE = b"160000"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_TREE_CACHE_SIZE = 1024
# Pauses before looking again for an object a concurrent repack was moving (None: give up).
_RETRY_DELAYS = (0.0, 0.02, 0.1, 0.3, None)

# A tree entry as stored: (mode, name, binary object id).
RawEntry = tuple[bytes, bytes, bytes]
# A listed file: (path relative to the listed folder, mode, kind, size, hex id).
Listed = tuple[str, str, str, int | None, str]


def parse_tree(data: bytes) -> list[RawEntry]:
    """Return the entries of a raw tree object, names as bytes exactly as stored."""
    entries: list[RawEntry] = []
    pos, end = 0, len(data)
    while pos < end:
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        entries.append((data[pos:space], data[space + 1 : nul], data[nul + 1 : nul + 21]))
        pos = nul + 21
    return entries


def _sort_key(entry: RawEntry) -> bytes:
    """Return git's tree order key: folders sort as if their name ended in '/'."""
    mode, name, _ = entry
    return name + b"/" if mode == MODE_TREE else name


def serialize_tree(entries: list[RawEntry]) -> bytes:
    """Return the raw tree object for `entries`, in the order git requires."""
    return b"".join(
        mode + b" " + name + b"\0" + sha for mode, name, sha in sorted(entries, key=_sort_key)
    )


def object_id(kind: bytes, data: bytes) -> str:
    """Return the hex id git gives an object of this kind and content."""
    digest = hashlib.sha1(b"%s %d\0" % (kind, len(data)), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


class ObjectReader:
    """Reads objects through one GitPython repository's persistent `cat-file --batch`.

    Not thread-safe: each CourseRepo owns one reader. Parsed trees are cached because object
    ids never change meaning.
    """

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self._trees: OrderedDict[str, list[RawEntry]] = OrderedDict()
        self._commit_trees: OrderedDict[str, str] = OrderedDict()
        self.ref_updater: RefUpdater | None = None  # started by the first save
        # Caches for listings (see listing.py); ids never change meaning, so never stale.
        self.listings: OrderedDict[str, list[Listed]] = OrderedDict()
        self.listed_entries = 0
        self.sizes: dict[str, int] = {}

    def close(self) -> None:
        """Stop this reader's git processes (object reader and ref updater)."""
        if self.ref_updater is not None:
            self.ref_updater.close()
            self.ref_updater = None
        self.repo.close()

    def read(self, sha: str) -> tuple[str, bytes]:
        """Return (type, content) of an object given its full hex id."""
        for delay in _RETRY_DELAYS:
            try:
                _, kind, _, data = self.repo.git.get_object_data(sha)
                return _str(kind), data
            except ValueError as exc:
                # A repack may have replaced the packs (and multi-pack index) this
                # long-running reader had loaded; a fresh one, a moment later, sees the
                # new ones.
                self.repo.git.clear_cache()
                if delay is None:
                    message = f"The course repository is missing object {sha[:10]}."
                    raise GitStoreError(message) from exc
                time.sleep(delay)
            except (OSError, git.GitCommandError) as exc:
                self.repo.git.clear_cache()
                raise GitFailure(["cat-file"], -1, str(exc).encode()) from exc
        raise AssertionError("unreachable")  # noqa: S101

    def header(self, name: str) -> tuple[str, str] | None:
        """Return (full id, type) for an object id or abbreviation, None if there is none."""
        found = self.header_with_size(name)
        return None if found is None else found[:2]

    def header_with_size(self, name: str) -> tuple[str, str, int] | None:
        """Return (full id, type, size) for an object id or abbreviation, None if none."""
        for delay in (0.0, None):  # one fresh look only: unknown names are common here
            try:
                sha, kind, size = self.repo.git.get_object_header(name)
                return _str(sha), _str(kind), int(size)
            except ValueError:
                if delay is None:
                    return None
                self.repo.git.clear_cache()  # see read(): the packs may have changed
            except (OSError, git.GitCommandError) as exc:
                self.repo.git.clear_cache()
                raise GitFailure(["cat-file"], -1, str(exc).encode()) from exc
        return None

    def tree(self, sha: str) -> list[RawEntry]:
        """Return the entries of tree `sha` (cached)."""
        cached = self._trees.get(sha)
        if cached is not None:
            self._trees.move_to_end(sha)
            return cached
        if sha == EMPTY_TREE:
            return []
        kind, data = self.read(sha)
        if kind != "tree":
            raise GitStoreError(f"The course repository has a damaged folder {sha[:10]}.")
        entries = parse_tree(data)
        self.remember_tree(sha, entries)
        return entries

    def remember_tree(self, sha: str, entries: list[RawEntry]) -> None:
        """Cache a tree's entries (also used for trees this process just wrote)."""
        self._trees[sha] = entries
        if len(self._trees) > _TREE_CACHE_SIZE:
            self._trees.popitem(last=False)

    def commit_tree(self, commit_sha: str) -> str:
        """Return the root tree id of a commit (cached)."""
        tree = self._commit_trees.get(commit_sha)
        if tree is None:
            kind, data = self.read(commit_sha)
            if kind != "commit" or not data.startswith(b"tree "):
                raise GitStoreError(f"{commit_sha[:10]} is not a commit of this course.")
            tree = data[5:45].decode("ascii")
            self.remember_commit(commit_sha, tree)
        return tree

    def remember_commit(self, commit_sha: str, tree: str) -> None:
        """Cache which root tree a commit has."""
        self._commit_trees[commit_sha] = tree
        if len(self._commit_trees) > _TREE_CACHE_SIZE:
            self._commit_trees.popitem(last=False)

    def lookup(self, tree_sha: str, path: str) -> tuple[bytes, str] | None:
        """Return (mode, id) of the entry at `path` under tree `tree_sha`, None if absent."""
        current = tree_sha
        parts = path.encode("utf-8").split(b"/")
        for depth, part in enumerate(parts):
            for mode, name, sha in self.tree(current):
                if name == part:
                    if depth == len(parts) - 1:
                        return mode, sha.hex()
                    if mode != MODE_TREE:
                        return None
                    current = sha.hex()
                    break
            else:
                return None
        return None


def _str(value: str | bytes) -> str:
    """Return text for a value GitPython may hand back as bytes."""
    return value.decode("ascii") if isinstance(value, bytes) else value


def changed_entries(
    reader: ObjectReader, old: str, new: str, prefix: str = ""
) -> list[tuple[str, tuple[bytes, str] | None, tuple[bytes, str] | None]]:
    """Return (path, old entry, new entry) for every file that differs between two trees.

    Only folders whose ids differ are read, so this costs the size of the change.
    """
    before = {name: (mode, sha) for mode, name, sha in reader.tree(old)} if old else {}
    after = {name: (mode, sha) for mode, name, sha in reader.tree(new)} if new else {}
    changes = []
    for name in sorted(before.keys() | after.keys()):
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        path = prefix + name.decode("utf-8", "surrogateescape")
        a_tree = a[1].hex() if a and a[0] == MODE_TREE else ""
        b_tree = b[1].hex() if b and b[0] == MODE_TREE else ""
        if a_tree or b_tree:
            changes += changed_entries(reader, a_tree, b_tree, path + "/")
        a_file = (a[0], a[1].hex()) if a and not a_tree else None
        b_file = (b[0], b[1].hex()) if b and not b_tree else None
        if a_file != b_file:
            changes.append((path, a_file, b_file))
    return changes
