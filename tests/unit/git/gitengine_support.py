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
