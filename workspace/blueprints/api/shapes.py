"""How the API shows commits, changed files and diffs as JSON."""

from __future__ import annotations

from typing import Any

from ...git import CommitInfo, FileChange, FileDiff


def commit_json(commit: CommitInfo) -> dict[str, Any]:
    """Return a commit as the JSON API shows it."""
    return {
        "sha": commit.sha,
        "parents": commit.parents,
        "author": {"name": commit.author_name, "email": commit.author_email},
        "authored_at": commit.authored_at.isoformat(),
        "committer": {"name": commit.committer_name, "email": commit.committer_email},
        "committed_at": commit.committed_at.isoformat(),
        "message": commit.message,
        "summary": commit.summary,
        "co_authors": [{"name": a.name, "email": a.email} for a in commit.co_authors],
    }


def file_change_json(change: FileChange) -> dict[str, Any]:
    """Return a changed file as the JSON API shows it."""
    return {"status": change.status, "path": change.path, "old_path": change.old_path}


def diff_json(diff: FileDiff) -> dict[str, Any]:
    """Return one file's diff as the JSON API shows it (unified hunks in `diff`)."""
    return {
        "path": diff.path,
        "old_path": diff.old_path,
        "status": diff.status,
        "binary": diff.binary,
        "additions": diff.additions,
        "deletions": diff.deletions,
        "diff": diff.text,
    }
