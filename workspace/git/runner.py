"""Running git subprocesses with a clean, predictable environment."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import GitStoreError

# Nothing from the server account's git configuration may change how course repositories
# behave: no system or global config, no user attributes, no prompts, C locale messages.
CLEAN_ENV: dict[str, str] = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_ATTR_NOSYSTEM": "1",
    "HOME": os.devnull,
    "XDG_CONFIG_HOME": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_NO_REPLACE_OBJECTS": "1",
    # Paths are file names, never pathspec magic such as ":(glob)" or ":!x".
    "GIT_LITERAL_PATHSPECS": "1",
    "LC_ALL": "C",
    "LANG": "C",
    "LANGUAGE": "C",
    "TZ": "UTC",
}
# Variables a git hook receives that must reach our git calls (pushed objects wait in a
# quarantine directory until the hook accepts them).
PASS_THROUGH = ("GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH")
DEFAULT_TIMEOUT = 120.0


class GitFailure(GitStoreError):
    """A git command failed for a reason the user did not cause (disk, corruption, bug)."""

    def __init__(self, args: Sequence[str], returncode: int, stderr: bytes) -> None:
        self.args_list = list(args)
        self.returncode = returncode
        self.stderr = stderr.decode("utf-8", "replace").strip()
        super().__init__(
            "The course repository could not complete the operation "
            f"(git {self.args_list[0] if self.args_list else ''} failed). Please try again; "
            "if it keeps failing, tell your site administrator."
        )


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment for git subprocesses: PATH plus CLEAN_ENV plus `extra`."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    env.update(CLEAN_ENV)
    if extra:
        env.update(extra)
    return env


def run_git(
    git_dir: Path | None,
    args: Sequence[str],
    *,
    input: bytes | None = None,
    ok_codes: Sequence[int] = (0,),
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> subprocess.CompletedProcess[bytes]:
    """Return the finished git process; raise GitFailure if its exit code is not in ok_codes.

    `args` must already be validated: paths go after "--" and revisions through validate_rev.
    """
    command = ["git"]
    if git_dir is not None:
        command.append(f"--git-dir={git_dir}")
    command.extend(args)
    try:
        proc = subprocess.run(  # noqa: S603 (fixed executable, argument list, no shell)
            command,
            input=input,
            capture_output=True,
            env=git_env(env),
            cwd=cwd or git_dir,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise GitFailure(args, -1, b"timed out") from exc
    except FileNotFoundError as exc:
        if git_dir is not None and not git_dir.exists():
            raise GitFailure(args, -1, b"repository directory missing") from exc
        raise
    if proc.returncode not in ok_codes:
        raise GitFailure(args, proc.returncode, proc.stderr)
    return proc
