"""Three-way merge of one file's text, with git merge-file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .runner import run_git

# Labels on conflict markers, read by teachers on the resolution screen.
YOURS_LABEL = "your version"
BASE_LABEL = "version you started from"
THEIRS_LABEL = "current version"
_BINARY_SNIFF = 8000
# merge-file needs real files; memory-backed ones avoid the disk journal on a busy server.
# (TemporaryDirectory makes a private 0700 folder there, so sharing /dev/shm is safe.)
_SHM = "/dev/shm"  # noqa: S108
_SCRATCH = _SHM if os.path.isdir(_SHM) and os.access(_SHM, os.W_OK) else None


def is_text(data: bytes) -> bool:
    """Return True if `data` can be merged and shown as text (UTF-8 without NUL bytes)."""
    if b"\0" in data[:_BINARY_SNIFF]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def merge_texts(base: bytes, theirs: bytes, yours: bytes) -> tuple[bytes, bool]:
    """Return (merged content, clean) for a three-way merge of text files.

    When not clean, the content holds diff3-style markers: your lines, the base lines and
    the current lines, labelled for people.
    """
    with tempfile.TemporaryDirectory(prefix="course-merge-", dir=_SCRATCH) as tmp:
        folder = Path(tmp)
        for name, data in (("yours", yours), ("base", base), ("theirs", theirs)):
            (folder / name).write_bytes(data)
        proc = run_git(
            None,
            [
                "merge-file",
                "-p",
                "--diff3",
                "-L",
                YOURS_LABEL,
                "-L",
                BASE_LABEL,
                "-L",
                THEIRS_LABEL,
                "--",
                "yours",
                "base",
                "theirs",
            ],
            ok_codes=range(0, 128),
            cwd=folder,
        )
    return proc.stdout, proc.returncode == 0
