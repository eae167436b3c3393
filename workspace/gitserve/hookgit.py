"""Git commands run by the push rules inside the pre-receive hook.

While the hook runs, the pushed objects wait in a quarantine directory that only the hook's
environment names (GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES,
GIT_QUARANTINE_PATH). Every command here runs through the storage engine's runner, with its
clean environment plus exactly those variables, so it sees the pushed objects and nothing of
the server account's git configuration.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, cast

from ..git.runner import PASS_THROUGH, GitFailure, git_env, run_git


def hook_env() -> dict[str, str]:
    """Return the quarantine variables of this process's environment (none outside a hook)."""
    return {name: os.environ[name] for name in PASS_THROUGH if name in os.environ}


def git(git_dir: Path, args: Sequence[str], *, input: bytes | None = None) -> bytes:
    """Return the output of a git command in `git_dir`; raise GitFailure if it fails."""
    return run_git(git_dir, args, input=input, env=hook_env()).stdout


def is_ancestor(git_dir: Path, old: str, new: str) -> bool:
    """Return True if `old` is in the history of `new` (the update is a fast-forward)."""
    proc = run_git(
        git_dir, ["merge-base", "--is-ancestor", old, new], ok_codes=(0, 1), env=hook_env()
    )
    return proc.returncode == 0


def is_commit(git_dir: Path, rev: str) -> bool:
    """Return True if `rev` is a commit, or a tag that leads to one."""
    proc = run_git(
        git_dir,
        ["rev-parse", "--verify", "-q", f"{rev}^{{commit}}"],
        ok_codes=(0, 1, 128),
        env=hook_env(),
    )
    return proc.returncode == 0


def object_sizes(git_dir: Path, names: Sequence[str]) -> dict[str, tuple[str, int]]:
    """Return (object id, size) for each of `names` that exists ("<commit>:<path>" or an id)."""
    if not names:
        return {}
    out = git(git_dir, ["cat-file", "--batch-check"], input=_lines(names))
    found: dict[str, tuple[str, int]] = {}
    for name, line in zip(names, out.decode("utf-8", "replace").splitlines(), strict=True):
        parts = line.split()
        if len(parts) == 3 and parts[1] != "missing":
            found[name] = (parts[0], int(parts[2]))
    return found


def read_objects(git_dir: Path, names: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
    """Yield (name, content, or None when missing) for each of `names`, in order.

    One `git cat-file --batch` streams them, so only one object is in memory at a time.
    """
    if not names:
        return
    with tempfile.TemporaryFile() as wanted:
        # From a file rather than a pipe: git may answer before it has read all the names.
        wanted.write(_lines(names))
        wanted.seek(0)
        command = ["git", f"--git-dir={git_dir}", "cat-file", "--batch"]
        with subprocess.Popen(  # noqa: S603 (fixed executable, names from git itself)
            command,
            stdin=wanted,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=git_env(hook_env()),
            cwd=git_dir,
        ) as proc:
            out = cast(IO[bytes], proc.stdout)
            for name in names:
                header = out.readline().decode("utf-8", "replace").split()
                if len(header) != 3:  # "<name> missing" (or ambiguous)
                    yield name, None
                    continue
                data = out.read(int(header[2]))
                out.read(1)  # the newline after each object
                yield name, data
        if proc.returncode != 0:
            raise GitFailure(["cat-file"], proc.returncode, b"")


def read_file(git_dir: Path, commit: str, path: str) -> bytes | None:
    """Return the content of `path` at `commit`, or None when it has no such file."""
    name = f"{commit}:{path}"
    return dict(read_objects(git_dir, [name]))[name]


def tree_paths(git_dir: Path, commit: str, folder: str) -> list[str]:
    """Return every file path under `folder` at `commit` (one `ls-tree -r`)."""
    out = git(git_dir, ["ls-tree", "-r", "-z", "--name-only", commit, "--", folder])
    return [name.decode("utf-8", "replace") for name in out.split(b"\0") if name]


def _lines(names: Sequence[str]) -> bytes:
    return "".join(f"{name}\n" for name in names).encode("utf-8")
