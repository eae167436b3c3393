"""Moving main with a compare-and-swap, through a long-running `git update-ref --stdin`.

Starting git costs more than the update itself on a busy server, so each pooled repository
keeps one `update-ref --stdin` process and sends it one transaction per save. git does the
locking, the old-value check, the reflog and the fsync exactly as for `git update-ref NEW
OLD`. When the check fails (a push moved main) git reports it and exits; the next save
starts a fresh process.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from .paths import BRANCH_REF
from .runner import GitFailure, git_env

ZERO_SHA = "0" * 40
REFLOG_MESSAGE = "save from the web editor"
# Who moved the ref, as recorded in the reflog (the commit itself names the teacher).
REFLOG_IDENT = {
    "GIT_COMMITTER_NAME": "Course workspace",
    "GIT_COMMITTER_EMAIL": "workspace@localhost",
}


class RefUpdater:
    """Compare-and-swap updates of refs/heads/main for one repository. Not thread-safe."""

    def __init__(self, git_dir: Path, env: Mapping[str, str] | None = None) -> None:
        self.git_dir = git_dir
        self.env = {**REFLOG_IDENT, **(env or {})}
        self._proc: subprocess.Popen[bytes] | None = None

    def swap(self, new: str, old: str | None) -> bool:
        """Return True if main moved from `old` (None: did not exist) to `new`.

        Returns False when main was not at `old` or another writer held its lock; raises
        GitFailure for anything else.
        """
        proc = self._process()
        assert proc.stdin is not None and proc.stdout is not None  # noqa: S101 (PIPEs)
        request = f"start\nupdate {BRANCH_REF} {new} {old or ZERO_SHA}\nprepare\ncommit\n"
        try:
            proc.stdin.write(request.encode("ascii"))
            proc.stdin.flush()
            for step in (b"start", b"prepare", b"commit"):
                if proc.stdout.readline() != step + b": ok\n":
                    return self._failed()
        except (BrokenPipeError, ConnectionResetError):
            return self._failed()
        return True

    def close(self) -> None:
        """Stop the git process, if one is running."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()

    def __del__(self) -> None:
        # A repository dropped without close() (or a pool dropped with its store) must not
        # leave git running or warn about it.
        try:
            self.close()
        except Exception:  # noqa: S110 (nothing useful to do while being collected)
            pass

    def _process(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self.close()
            command = ["git", f"--git-dir={self.git_dir}", "update-ref", "-m", REFLOG_MESSAGE]
            self._proc = subprocess.Popen(  # noqa: S603 (fixed arguments)
                [*command, "--stdin"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=git_env(self.env),
                cwd=self.git_dir,
            )
        return self._proc

    def _failed(self) -> bool:
        """Return False for a lost compare-and-swap; raise GitFailure for other errors."""
        proc = self._proc
        self._proc = None
        stderr = b""
        if proc is not None:
            try:
                _, stderr = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, stderr = proc.communicate()
        if b"cannot lock ref" in stderr:
            return False
        raise GitFailure(["update-ref"], proc.returncode if proc else -1, stderr)
