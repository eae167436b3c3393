"""Running pandoc: the binary that ships inside pypandoc-binary, one call at a time, bounded.

Every call runs in pandoc's sandbox (no file or network access beyond what is handed to it on
the command line), under a time limit and a heap limit, so a hostile or pathological document
costs a few seconds at most and never takes the server down with it.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from typing import Any

PANDOC_TIMEOUT = 60.0  # seconds for one conversion
HEAP_LIMIT = "-M2g"  # pandoc's own heap limit (its manual suggests one for untrusted input)


class PandocFailed(Exception):
    """Pandoc refused the input, failed or ran out of time; `reason` is its last words."""

    def __init__(self, reason: str, *, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.timed_out = timed_out


class WordExportFailed(Exception):
    """A Word document could not be made (pandoc failed or ran out of time); `message` says
    so to a teacher."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@cache
def pandoc_path() -> str:
    """Return the pandoc executable (the one bundled with pypandoc-binary, unless a newer one
    is installed)."""
    import pypandoc  # imported on first use: finding pandoc runs a process

    return str(pypandoc.get_pandoc_path())


def run_pandoc(args: list[str], data: bytes, *, timeout: float = PANDOC_TIMEOUT) -> bytes:
    """Return what pandoc writes to its output for `data` on its input; raise PandocFailed."""
    command = [pandoc_path(), "--sandbox", *args, "+RTS", HEAP_LIMIT, "-RTS"]
    try:
        done = subprocess.run(  # noqa: S603 (a fixed executable; arguments built here)
            command, input=data, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise PandocFailed(f"took longer than {timeout:g} seconds", timed_out=True) from None
    except OSError as exc:
        raise PandocFailed(f"could not be started ({exc.strerror})") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PandocFailed(lines[-1] if lines else f"exit status {done.returncode}")
    return done.stdout


def read_json(args: list[str], data: bytes, *, timeout: float = PANDOC_TIMEOUT) -> dict[str, Any]:
    """Return pandoc's document tree (its JSON form) for `data` read with `args`."""
    tree = json.loads(run_pandoc([*args, "-t", "json"], data, timeout=timeout))
    if not isinstance(tree, dict) or not isinstance(tree.get("blocks"), list):
        raise PandocFailed("gave no document")
    return tree


def write_from_json(
    tree: dict[str, Any], args: list[str], *, timeout: float = PANDOC_TIMEOUT
) -> bytes:
    """Return the document tree written by pandoc with `args` (say `-t docx -o -`)."""
    data = json.dumps(tree, ensure_ascii=False).encode("utf-8")
    return run_pandoc(["-f", "json", *args], data, timeout=timeout)


@cache
def api_version() -> list[int]:
    """Return the version of pandoc's document tree format, for trees built from parts."""
    tree = read_json(["-f", "markdown"], b"")
    return list(tree["pandoc-api-version"])


@cache
def default_reference_docx() -> bytes:
    """Return pandoc's own reference.docx (its styles), as the starting point for ours."""
    return run_pandoc(["--print-default-data-file", "reference.docx"], b"")
