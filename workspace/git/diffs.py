"""Comparing revisions: per-file diffs, word-level prose diffs, blame and zip archives."""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from .commits import parse_ident
from .errors import PathNotFound
from .objects import EMPTY_TREE, MODE_TREE
from .paths import check_read_path, is_full_sha, normalize_path
from .records import BlameLine, FileDiff
from .runner import GitFailure, git_env

if TYPE_CHECKING:
    from .repo import CourseRepo

_WORD = re.compile(r"\w+|\s+|[^\w\s]")
_DIFF_OPTIONS = ["--no-ext-diff", "--no-textconv", "--no-color", "-M"]
ARCHIVE_CHUNK = 64 * 1024


def diff(
    repo: CourseRepo, a: str | None, b: str, path: str | Sequence[str] | None
) -> list[FileDiff]:
    """Return the changes from `a` (None: the empty course) to `b`, per file, renames found.

    `path` limits the comparison to those files; renames are found among them only.
    """
    new = repo.resolve(b)
    old = repo.resolve(a) if a is not None else EMPTY_TREE
    paths = [path] if isinstance(path, str) else list(path or [])
    pathspec = ["--", *dict.fromkeys(check_read_path(p) for p in paths)]
    summary = repo.git(["diff", *_DIFF_OPTIONS, "--raw", "--numstat", "-z", old, new, *pathspec])
    patches = _split_patches(
        repo.git(["diff", *_DIFF_OPTIONS, "--full-index", old, new, *pathspec])
    )
    files = _parse_raw_numstat(summary)
    if len(patches) != len(files):
        patches = [""] * len(files)
    return [
        FileDiff(path=p, old_path=o, status=s, binary=bin_, text=text, additions=ad, deletions=de)
        for (p, o, s, bin_, ad, de), text in zip(files, patches, strict=True)
    ]


def _parse_raw_numstat(out: bytes) -> list[tuple]:
    """Return (path, old_path, status, binary, additions, deletions) per file."""
    fields = out.split(b"\0")
    raw: list[tuple[str, str | None, str]] = []
    i = 0
    while i < len(fields) and fields[i].startswith(b":"):
        status = fields[i].split()[-1][:1].decode()
        if status in ("R", "C"):
            old, new = _text(fields[i + 1]), _text(fields[i + 2])
            raw.append((new, old if status == "R" else None, "R" if status == "R" else "A"))
            i += 3
        else:
            raw.append((_text(fields[i + 1]), None, status if status in "AMDT" else "M"))
            i += 2
    counts: list[tuple[bool, int, int]] = []
    while i < len(fields) and fields[i]:
        added, deleted, rest = fields[i].split(b"\t", 2)
        binary = added == b"-"
        counts.append((binary, 0 if binary else int(added), 0 if binary else int(deleted)))
        i += 3 if rest == b"" else 1  # a rename's two names follow in their own fields
    if len(counts) != len(raw):
        counts = [(False, 0, 0)] * len(raw)
    return [(*r, *c) for r, c in zip(raw, counts, strict=True)]


def _split_patches(out: bytes) -> list[str]:
    """Return the hunk text of each file in a multi-file patch, in order."""
    patches: list[list[bytes]] = []
    for line in out.split(b"\n"):
        if line.startswith(b"diff --git "):
            patches.append([])
        elif patches and (patches[-1] or line.startswith(b"@@")):
            patches[-1].append(line)
    return ["\n".join(_text(line) for line in lines).rstrip("\n") for lines in patches]


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def word_diff(old_text: str, new_text: str) -> list[tuple[str, str]]:
    """Return ("equal" | "insert" | "delete", text) runs turning old_text into new_text.

    Texts are compared word by word (words, runs of whitespace and punctuation marks), which
    reads better than line diffs for lesson prose.
    """
    old, new = _WORD.findall(old_text), _WORD.findall(new_text)
    runs: list[tuple[str, str]] = []

    def add(op: str, tokens: list[str]) -> None:
        if not tokens:
            return
        if runs and runs[-1][0] == op:
            runs[-1] = (op, runs[-1][1] + "".join(tokens))
        else:
            runs.append((op, "".join(tokens)))

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", old[i1:i2])
        else:
            add("delete", old[i1:i2])
            add("insert", new[j1:j2])
    return runs


def blame(repo: CourseRepo, path: str, rev: str) -> list[BlameLine]:
    """Return each line of `path` at `rev` with the commit, author and time of its last change."""
    commit = repo.resolve(rev)
    found = repo.reader.lookup(repo.reader.commit_tree(commit), check_read_path(path))
    if found is None or found[0] == MODE_TREE:
        raise PathNotFound(path, commit)
    out = repo.git(["blame", "--porcelain", commit, "--", path])
    infos: dict[str, dict[bytes, bytes]] = {}
    lines: list[BlameLine] = []
    sha, line_no = "", 0
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):
            info = infos[sha]
            lines.append(
                BlameLine(
                    line_no=line_no,
                    text=_text(raw[1:]),
                    sha=sha,
                    author_name=_text(info.get(b"author", b"")),
                    authored_at=_blame_time(info),
                    summary=_text(info.get(b"summary", b"")),
                )
            )
            continue
        tokens = raw.split(b" ")
        if len(tokens) in (3, 4) and is_full_sha(tokens[0].decode("ascii", "replace")):
            sha, line_no = tokens[0].decode(), int(tokens[2])
            infos.setdefault(sha, {})
        elif sha and raw:
            infos[sha][tokens[0]] = raw[len(tokens[0]) + 1 :]
    return lines


def _blame_time(info: dict[bytes, bytes]) -> datetime:
    """Return the authored time from a blame entry's author-time and author-tz."""
    ident = b"x <> " + info.get(b"author-time", b"0") + b" " + info.get(b"author-tz", b"+0000")
    return parse_ident(ident, "utf-8")[2]


def iter_archive(repo: CourseRepo, commit: str, prefix: str) -> Iterator[bytes]:
    """Yield the bytes of a zip archive of `commit`, stopping git if the reader goes away."""
    args = ["git", f"--git-dir={repo.path}", "archive", "--format=zip"]
    if prefix:
        args.append(f"--prefix={normalize_path(prefix.strip('/'))}/")
    args.append(commit)
    proc = subprocess.Popen(  # noqa: S603 (fixed executable, validated arguments)
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=git_env(repo.env)
    )
    assert proc.stdout is not None  # noqa: S101 (guaranteed by stdout=PIPE)
    try:
        while chunk := proc.stdout.read(ARCHIVE_CHUNK):
            yield chunk
        stderr = proc.stderr.read() if proc.stderr else b""
        if proc.wait() != 0:
            raise GitFailure(["archive"], proc.returncode, stderr)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
