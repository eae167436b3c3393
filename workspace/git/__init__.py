"""The storage engine: one bare Git repository per course, with merging saves and history.

    store = RepoStore(Path("repos"))
    with store.open(course_id) as repo:              # pooled; close() gives it back
        text = repo.read_file("units/a/lessons/b.md")
        result = repo.commit([Write(path, data)], author, "", base=commit_the_editor_loaded)

- Layout: `<root>/<course id>.git` (bare, branch main) and its write lock `<root>/<id>.lock`.
- Saves (writes.py, planning.py) need no work tree: objects are written directly and durably
  (loose.py), trees are rebuilt along the changed paths only, and main moves by
  compare-and-swap (refs.py), so a concurrent `git push` is never overwritten. A save
  names its base; files changed since then are merged three ways or reported as a
  ConflictError carrying every version; nothing is written on conflict.
- History (history.py) is paged by cursor in topological order, never counted, and follows
  renames; the commit-graph with Bloom filters keeps it fast (housekeeping.py refreshes it
  every 10 saves and packs objects every 100, in the background).
- Every user input is validated first (paths.py); git runs with a clean environment
  (runner.py) and never sees user text as an option. Errors are in errors.py.

This package imports neither Flask nor the app's models or content code, so it can run in
git hooks, command-line tools and benchmarks.
"""

from .errors import (
    BaseNotInHistory,
    ConcurrentUpdateError,
    ConflictError,
    FileConflict,
    GitStoreError,
    InvalidPath,
    InvalidRevision,
    PathExists,
    PathNotFound,
    RepositoryExists,
    RepositoryMissing,
    RevisionNotFound,
)
from .merge import merge_texts
from .paths import check_read_path, normalize_path, validate_rev
from .records import (
    Author,
    BlameLine,
    Change,
    CommitInfo,
    CommitResult,
    Delete,
    FileChange,
    FileDiff,
    HistoryPage,
    Rename,
    TreeEntry,
    Write,
)
from .repo import CourseRepo
from .runner import GitFailure
from .store import RepoStore

__all__ = [
    "Author",
    "BaseNotInHistory",
    "BlameLine",
    "Change",
    "CommitInfo",
    "CommitResult",
    "ConcurrentUpdateError",
    "ConflictError",
    "CourseRepo",
    "Delete",
    "FileChange",
    "FileConflict",
    "FileDiff",
    "GitFailure",
    "GitStoreError",
    "HistoryPage",
    "InvalidPath",
    "InvalidRevision",
    "PathExists",
    "PathNotFound",
    "Rename",
    "RepoStore",
    "RepositoryExists",
    "RepositoryMissing",
    "RevisionNotFound",
    "TreeEntry",
    "Write",
    "check_read_path",
    "merge_texts",
    "normalize_path",
    "validate_rev",
]
