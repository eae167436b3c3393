"""Helpers shared by the storage engine tests: authors, a seeded course, git and fsck."""

from __future__ import annotations

import subprocess
from pathlib import Path

from workspace.git import Author
from workspace.git.runner import git_env

ANA = Author("Ana Lima", "ana@users.noreply.example.test")
BO = Author("Bo Chen", "bo@users.noreply.example.test")
CY = Author("Cy Okafor", "cy@users.noreply.example.test")
LESSON = "units/energy/lessons/transfer.md"
LESSON_TEXT = "".join(f"line {n}\n" for n in range(1, 21)).encode()
COURSE_FILES = {
    "course.yaml": b"title: Physics\nunits:\n  - energy\n",
    "README.md": b"# Physics\n",
    "units/energy/unit.md": b"---\ntitle: Energy\n---\n",
    LESSON: LESSON_TEXT,
    "units/energy/lessons/images/diagram.png": b"\x89PNG\r\n\x1a\n\0\0binary",
}


def run_git(git_dir: Path | None, *args: str, cwd: Path | None = None) -> str:
    """Return the output of a git command run the way the engine runs it (clean config)."""
    command = ["git", *([f"--git-dir={git_dir}"] if git_dir else []), *args]
    proc = subprocess.run(command, capture_output=True, env=git_env(), cwd=cwd, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()


def fsck(git_dir: Path) -> str:
    """Return `git fsck --strict` output; fail the test if git finds any problem."""
    command = ["git", f"--git-dir={git_dir}", "fsck", "--strict", "--no-dangling"]
    proc = subprocess.run(command, capture_output=True, env=git_env(), check=False)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert proc.stderr == b"", proc.stderr.decode()
    return proc.stdout.decode()


def lines(*changes: tuple[int, str]) -> bytes:
    """Return LESSON_TEXT with the given (line number, new text) replacements."""
    text = LESSON_TEXT.decode().splitlines()
    for number, replacement in changes:
        text[number - 1] = replacement
    return ("\n".join(text) + "\n").encode()


class Clone:
    """A teacher's local clone of a course, for committing and pushing with plain git."""

    def __init__(self, origin: Path, where: Path) -> None:
        self.origin = origin
        self.path = where
        run_git(None, "clone", "-q", str(origin), str(where))

    def git(self, *args: str, when: int | None = None, who: Author = BO) -> str:
        """Return the output of git run in the clone as `who`, dated `when` if given."""
        env = git_env(
            {
                "GIT_AUTHOR_NAME": who.name,
                "GIT_AUTHOR_EMAIL": who.email,
                "GIT_COMMITTER_NAME": who.name,
                "GIT_COMMITTER_EMAIL": who.email,
            }
        )
        if when is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when} +0000"
        proc = subprocess.run(
            ["git", "-C", str(self.path), *args], capture_output=True, env=env, check=False
        )
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.decode())
        return proc.stdout.decode()

    def commit(
        self, files: dict[str, bytes], message: str, when: int | None = None, who: Author = BO
    ) -> str:
        """Return the id of a new local commit writing `files`."""
        for name, data in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            self.git("add", "--", name)
        self.git("commit", "-q", "--allow-empty", "-m", message, when=when, who=who)
        return self.git("rev-parse", "HEAD").strip()

    def push(self) -> None:
        """Push main to the course repository."""
        self.git("push", "-q", "origin", "HEAD:main")
