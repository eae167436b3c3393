"""Repository housekeeping: packing loose objects and keeping the commit-graph current."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .runner import run_git

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
]
HOUSEKEEPING_TIMEOUT = 600.0


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


def housekeep(path: Path, env: Mapping[str, str] | None = None) -> None:
    """Pack loose objects, let gc prune what is due, and add new commits to the commit-graph.

    The commit-graph keeps changed-path Bloom filters, which is what keeps the history of
    one lesson fast however long the course's history grows.
    """
    # Geometric repacking rolls loose objects and small packs into bigger ones so the
    # number of packs stays logarithmic and each run costs about what was added since the
    # last; the multi-pack index (with its bitmap) keeps lookups and clones fast.
    run_git(
        path,
        ["repack", "--geometric=2", "-d", "-l", "-q", "--write-midx"],
        env=env,
        timeout=HOUSEKEEPING_TIMEOUT,
    )
    run_git(path, ["gc", "--auto", "--quiet"], env=env, timeout=HOUSEKEEPING_TIMEOUT)
    refresh_commit_graph(path, env)


def refresh_commit_graph(path: Path, env: Mapping[str, str] | None = None) -> None:
    """Add the commits made since the last write to the commit-graph, with Bloom filters.

    `--split` writes only the new commits as a small extra layer (git merges layers as
    they pile up), so the cost follows the number of new commits, not the history.
    """
    run_git(
        path,
        ["commit-graph", "write", "--reachable", "--changed-paths", "--split", "--no-progress"],
        env=env,
        timeout=HOUSEKEEPING_TIMEOUT,
    )
