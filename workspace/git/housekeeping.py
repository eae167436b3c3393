"""Repository housekeeping: packing loose objects and keeping the commit-graph current."""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .runner import GitFailure, run_git

# Set once when a course repository is made; see init_repository.
REPOSITORY_CONFIG: list[tuple[str, str]] = [
    ("receive.denyNonFastForwards", "true"),
    ("receive.denyDeletes", "true"),
    ("receive.fsckObjects", "true"),
    ("core.logAllRefUpdates", "true"),
    # Objects and refs reach the disk before a push or save is reported done.
    ("core.fsync", "committed"),
    ("core.fsyncMethod", "batch"),
    ("http.receivepack", "true"),
    ("uploadpack.allowFilter", "true"),
    ("gc.writeCommitGraph", "true"),
    ("gc.autoDetach", "false"),
    ("repack.writeBitmaps", "true"),
    # Consolidate after 10 incremental packs (about 1,000 saves) rather than git's 50:
    # reads and clones slow down with every extra pack.
    ("gc.autoPackLimit", "10"),
]
HOUSEKEEPING_TIMEOUT = 600.0
logger = logging.getLogger(__name__)


def init_repository(path: Path) -> None:
    """Create an empty bare course repository at `path` with branch main and our settings.

    No template is copied, so the repository holds no sample hooks or other stray files.
    """
    run_git(None, ["init", "--bare", "--quiet", "--template=", "--initial-branch=main", str(path)])
    # One append instead of a `git config` process per setting: the file is new and ours.
    sections: dict[str, list[str]] = {}
    for key, value in REPOSITORY_CONFIG:
        section, name = key.split(".", 1)
        sections.setdefault(section, []).append(f"\t{name} = {value}\n")
    with (path / "config").open("a", encoding="utf-8") as config:
        config.writelines(f"[{section}]\n" + "".join(items) for section, items in sections.items())


@contextmanager
def _exclusive(path: Path, wait: bool) -> Iterator[bool]:
    """Yield True while holding the repository's housekeeping lock, False if it is busy.

    The lock is an flock on the repository folder itself, so no extra file is needed and
    server processes never repack or rewrite the commit-graph at the same time.
    """
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def housekeep(path: Path, env: Mapping[str, str] | None = None, *, wait: bool = True) -> None:
    """Pack loose objects, let gc prune what is due, and add new commits to the commit-graph.

    The commit-graph keeps changed-path Bloom filters, which is what keeps the history of
    one lesson fast however long the course's history grows. With `wait=False` nothing
    happens if another process is already housekeeping this repository.
    """
    with _exclusive(path, wait) as held:
        if not held:
            return
        # Incremental: loose objects go into one new pack and no existing pack is touched,
        # so concurrent readers and saves never lose sight of an object.
        run_git(
            path,
            ["repack", "-d", "-l", "-q", "--no-write-bitmap-index"],
            env=env,
            timeout=HOUSEKEEPING_TIMEOUT,
        )
        # When packs pile up (gc.autoPackLimit), gc consolidates them; it is built to run
        # alongside other git processes and keeps unreachable objects for two weeks.
        run_git(path, ["gc", "--auto", "--quiet"], env=env, timeout=HOUSEKEEPING_TIMEOUT)
        _write_commit_graph(path, env)


def refresh_commit_graph(
    path: Path, env: Mapping[str, str] | None = None, *, wait: bool = True
) -> None:
    """Add the commits made since the last write to the commit-graph, with Bloom filters.

    `--split` writes only the new commits as a small extra layer (git merges layers as
    they pile up), so the cost follows the number of new commits, not the history.
    """
    with _exclusive(path, wait) as held:
        if held:
            _write_commit_graph(path, env)


def _write_commit_graph(path: Path, env: Mapping[str, str] | None) -> None:
    try:
        run_git(
            path,
            ["commit-graph", "write", "--reachable", "--changed-paths", "--split", "--no-progress"],
            env=env,
            timeout=HOUSEKEEPING_TIMEOUT,
        )
    except GitFailure as failure:
        # The graph is derived data and the next run rebuilds what is missing; a `git gc`
        # started by a push may be writing it at the same moment.
        logger.warning("commit-graph not updated in %s: %s", path, failure.stderr)
