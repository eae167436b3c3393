"""CourseRepo: every read and write on one course repository."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType

import git

from . import diffs, history, housekeeping, pathlog, renames, writes
from .errors import PathNotFound, RepositoryMissing, RevisionNotFound
from .listing import list_folder
from .objects import MODE_EXEC, MODE_FILE, MODE_SUBMODULE, MODE_TREE, ObjectReader, changed_entries
from .paths import BRANCH_REF, check_read_path, validate_rev
from .records import (
    Author,
    BlameLine,
    Change,
    CommitInfo,
    CommitResult,
    FileChange,
    FileDiff,
    HistoryPage,
    TreeEntry,
)
from .refs import RefUpdater
from .runner import CLEAN_ENV, run_git


def open_gitpython(path: Path, env: Mapping[str, str] | None = None) -> git.Repo:
    """Return a GitPython repository whose cat-file processes run in the clean environment."""
    if not (path / "objects").is_dir():
        raise RepositoryMissing(path.stem)
    repo = git.Repo(path)
    repo.git.update_environment(**CLEAN_ENV, **(env or {}), GIT_DIR=str(path))
    return repo


class CourseRepo:
    """One course's bare repository. Use it for one operation, then close() it (or `with`).

    Not thread-safe: give each thread its own (RepoStore.open() hands them out from a pool).
    """

    def __init__(
        self,
        path: Path,
        *,
        lock_path: Path | None = None,
        env: Mapping[str, str] | None = None,
        reader: ObjectReader | None = None,
        release: Callable[[ObjectReader], None] | None = None,
        after_commit: Callable[[int], None] | None = None,
        fsync: bool = True,
    ) -> None:
        self.path = Path(path)
        self.lock_path = lock_path or self.path.with_suffix(".lock")
        self.env = dict(env or {})
        self.fsync = fsync
        self.reader = reader or ObjectReader(open_gitpython(self.path, self.env))
        self._open = True
        self._release = release
        self._after_commit = after_commit

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Release the repository (back to the store's pool, or stop its git processes)."""
        if not self._open:
            return
        self._open = False
        if self._release is not None:
            self._release(self.reader)
        else:
            self.reader.close()

    def __enter__(self) -> CourseRepo:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def swap_main(self, new: str, old: str | None) -> bool:
        """Return True if main moved from `old` to `new`, False if it was not at `old`."""
        if self.reader.ref_updater is None:
            self.reader.ref_updater = RefUpdater(self.path, self.env)
        return self.reader.ref_updater.swap(new, old)

    def git(self, args: Sequence[str], **kwargs: object) -> bytes:
        """Return the standard output of a git command run on this repository."""
        return run_git(self.path, args, env=self.env, **kwargs).stdout  # type: ignore[arg-type]

    # -- revisions and files ----------------------------------------------------------------

    def head(self) -> str | None:
        """Return the commit id main points at, or None for a repository without commits."""
        loose = self.path / BRANCH_REF
        try:
            value = loose.read_bytes().strip()
        except FileNotFoundError:
            value = b""
        if len(value) == 40:
            return value.decode("ascii")
        if not self.path.is_dir():
            raise RepositoryMissing(self.path.stem)
        try:
            packed = (self.path / "packed-refs").read_bytes()
        except FileNotFoundError:
            return None
        for line in packed.splitlines():
            if line.endswith(b" " + BRANCH_REF.encode()) and len(line) >= 41:
                return line[:40].decode("ascii")
        return None

    def resolve(self, rev: str) -> str:
        """Return the full commit id for a validated revision ("main", "HEAD" or a hex id)."""
        name = validate_rev(rev)
        if name in ("main", "HEAD"):
            head = self.head()
            if head is None:
                raise RevisionNotFound(rev, "This course has no saved versions yet.")
            return head
        found = self.reader.header(f"{name}^{{commit}}")
        if found is None:
            raise RevisionNotFound(rev)
        return found[0]

    def _entry(self, path: str, rev: str) -> tuple[bytes, str, str] | None:
        """Return (mode, object id, commit id) of `path` at `rev`, None if it is absent."""
        path = check_read_path(path)
        commit = self.resolve(rev)
        found = self.reader.lookup(self.reader.commit_tree(commit), path)
        return None if found is None else (found[0], found[1], commit)

    def read_file(self, path: str, rev: str = "main") -> bytes:
        """Return the content of the file at `path` in revision `rev`."""
        return self.reader.read(self.blob_id(path, rev))[1]

    def blob_id(self, path: str, rev: str = "main") -> str:
        """Return the object id of the file at `path` in `rev` (a cache key for rendering).

        Folders and submodule entries (which point at commits elsewhere) are not files.
        """
        entry = self._entry(path, rev)
        if entry is None or entry[0] in (MODE_TREE, MODE_SUBMODULE):
            commit = self.resolve(rev)
            message = f"“{path}” is a folder, not a file." if entry else None
            raise PathNotFound(path, commit, message)
        return entry[1]

    def exists(self, path: str, rev: str = "main") -> bool:
        """Return True if a file or folder exists at `path` in `rev`."""
        return self._entry(path, rev) is not None

    def list_tree(
        self, rev: str = "main", prefix: str = "", recursive: bool = True
    ) -> list[TreeEntry]:
        """Return the entries under folder `prefix` at `rev`, sorted by path.

        Recursive listings hold files, links and submodules only (like `git ls-tree -r`);
        a one-level listing also holds folders.
        """
        commit = self.resolve(rev)
        tree = self.reader.commit_tree(commit)
        base = ""
        if prefix.strip("/"):
            base = check_read_path(prefix.strip("/"))
            found = self.reader.lookup(tree, base)
            if found is None or found[0] != MODE_TREE:
                raise PathNotFound(base, commit, f"There is no folder “{base}” in this version.")
            tree = found[1]
            base += "/"
        listed = list_folder(self.reader, tree, self.git, recursive)
        return [
            TreeEntry(path=base + path, mode=mode, kind=kind, size=size, blob_id=sha)  # type: ignore[arg-type]
            for path, mode, kind, size, sha in listed
        ]

    # -- history ----------------------------------------------------------------------------

    def commit_info(self, rev: str) -> CommitInfo:
        """Return the details of one commit."""
        sha = self.resolve(rev)
        return history.parse_commit(sha, self.reader.read(sha)[1])

    def changed_files(self, sha: str) -> list[FileChange]:
        """Return the files a commit changed (against its first parent), renames detected."""
        return history.changed_files(self, self.resolve(sha))

    def changed_paths(
        self, old: str | None, new: str = "main"
    ) -> list[tuple[str, str | None, str | None]]:
        """Return (path, old blob id, new blob id) for every file that differs between two
        revisions (`old` None: the empty course), by path; None where the path holds no
        regular file. No renames are detected: a rename is a file gone and a file added.

        Only folders whose ids differ are read, so this costs the size of the change, however
        many commits lie between the two.
        """
        new_tree = self.reader.commit_tree(self.resolve(new))
        old_tree = self.reader.commit_tree(self.resolve(old)) if old is not None else ""

        def blob(entry: tuple[bytes, str] | None) -> str | None:
            return entry[1] if entry is not None and entry[0] in (MODE_FILE, MODE_EXEC) else None

        return [
            (path, blob(before), blob(after))
            for path, before, after in changed_entries(self.reader, old_tree, new_tree)
        ]

    def read_blob(self, blob_id: str) -> bytes:
        """Return the bytes of the file whose object id is `blob_id` (from changed_paths)."""
        kind, data = self.reader.read(blob_id)
        if kind != "blob":
            raise PathNotFound(blob_id, blob_id, "That is not a file of this course.")
        return data

    def history(
        self,
        rev: str = "main",
        path: str | None = None,
        after: str | None = None,
        limit: int = 50,
        with_files: bool = False,
    ) -> HistoryPage:
        """Return one page of history of the course, or of one file following its renames.

        `with_files` fills each commit's `files` from the same walk (see CommitInfo).
        """
        return history.history_page(self, rev, path, after, limit, with_files)

    def decode_cursor(self, after: str) -> tuple[str, list[str], str | None]:
        """Return (last commit shown, commits still waiting, the file's earlier name) from a
        history cursor; raise InvalidRevision for a damaged one (see history.py)."""
        return history.decode_cursor(self, after)

    def commits_between(self, until: str, since: str | None = None) -> list[str]:
        """Return the commits in `until` and not in `since` (full ids), parents first."""
        return pathlog.commits_between(self, self.resolve(until), since and self.resolve(since))

    def changes_of(self, shas: Sequence[str]) -> Iterator[pathlog.CommitChanges]:
        """Yield each commit of `shas` (full ids, in order) with the files it changed."""
        return pathlog.changes_of(self, shas)

    def ancestor_count(self, sha: str) -> int:
        """Return how many commits are in the history of `sha`, itself included."""
        return pathlog.ancestor_count(self, self.resolve(sha))

    def line_origins(self, old_blob: str, new_blob: str, new_lines: int) -> list[int | None]:
        """Return where each line of blob `new_blob` was in `old_blob` (None: new there)."""
        return pathlog.line_origins(self, old_blob, new_blob, new_lines)

    def renamed_to(self, path: str, base: str, head: str = "main") -> str | None:
        """Return the name the file at `path` in `base` has in `head`, None if not renamed.

        See renames.renamed_to: None too when the file is unchanged in place or was deleted.
        """
        return renames.renamed_to(self, path, base, head)

    def diff(
        self, a: str | None, b: str, path: str | Sequence[str] | None = None
    ) -> list[FileDiff]:
        """Return the per-file changes from revision `a` (None: empty course) to `b`.

        `path` limits them to one file or several; give a file's old and new names to see a
        rename between `a` and `b` as one renamed file.
        """
        return diffs.diff(self, a, b, path)

    @staticmethod
    def word_diff(old_text: str, new_text: str) -> list[tuple[str, str]]:
        """Return ("equal" | "insert" | "delete", text) runs between two prose texts."""
        return diffs.word_diff(old_text, new_text)

    def blame(self, path: str, rev: str = "main") -> list[BlameLine]:
        """Return every line of the file at `rev` with the commit that last changed it."""
        return diffs.blame(self, path, rev)

    def archive_zip(self, rev: str = "main", prefix: str = "") -> bytes:
        """Return a zip of the whole course at `rev`, entries under folder `prefix`."""
        return b"".join(self.iter_archive_zip(rev, prefix))

    def iter_archive_zip(self, rev: str = "main", prefix: str = "") -> Iterator[bytes]:
        """Yield a zip of the course at `rev` in chunks, for streaming downloads."""
        return diffs.iter_archive(self, self.resolve(rev), prefix)

    # -- writes -----------------------------------------------------------------------------

    def commit(
        self,
        changes: Sequence[Change],
        author: Author,
        message: str,
        base: str | None,
        co_authors: Sequence[Author] = (),
    ) -> CommitResult:
        """Return the outcome of saving `changes` made on top of commit `base`.

        See writes.commit_changes for the merge rules. Raises ConflictError (nothing written)
        when the changes overlap changes made since `base`.
        """
        result, saves = writes.commit_changes(self, changes, author, message, base, co_authors)
        if saves and self._after_commit is not None:
            self._after_commit(saves)
        return result

    def housekeep(self) -> None:
        """Repack loose objects and refresh the commit-graph (keeps clones and history fast)."""
        housekeeping.housekeep(self.path, self.env)
