"""The storage engine: one bare Git repository per course, with merging saves and history.

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
    "normalize_path",
    "validate_rev",
]
