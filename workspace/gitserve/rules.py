"""Push rules: what a `git push` may change, the same rules as saves made in the browser.

`check_push()` runs inside the pre-receive hook, where the pushed objects still wait in git's
quarantine directory; the git commands it starts inherit the hook's environment and so see
them. Only what the push adds is read: the new commits' changed paths (one `diff-tree` for all
commits) and the blobs behind them, so checking costs what was pushed, not the course's size.
This module imports neither Flask nor the models.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from ..content import COURSE_FILE, ContentError, parse_course, parse_lesson, parse_lesson_path
from ..git import InvalidPath, normalize_path

ZERO_SHA = "0" * 40
MAIN_REF = "refs/heads/main"
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_REPORTED = 20  # problems listed in the refusal; the rest are counted
_SYMLINK = "120000"
_SUBMODULE = "160000"


@dataclass(frozen=True)
class RefUpdate:
    """One line of a push: the ref and its old and new commit ids (zeros mean none)."""

    old: str
    new: str
    ref: str

    @property
    def deletes(self) -> bool:
        return self.new == ZERO_SHA

    @property
    def creates(self) -> bool:
        return self.old == ZERO_SHA


@dataclass(frozen=True)
class PushRules:
    """The limits a push is checked against (set by PUSH_* in the app configuration)."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    allow_other_branches: bool = False

    def to_env(self) -> dict[str, str]:
        """Return the variables that carry these rules into the hook's process."""
        return {
            "WORKSPACE_PUSH_MAX_FILE_BYTES": str(self.max_file_bytes),
            "WORKSPACE_PUSH_ALLOW_OTHER_BRANCHES": "1" if self.allow_other_branches else "0",
        }

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PushRules:
        """Return the rules set by to_env(), with defaults for anything missing."""
        size = env.get("WORKSPACE_PUSH_MAX_FILE_BYTES", "")
        return cls(
            max_file_bytes=int(size) if size.isdigit() else DEFAULT_MAX_FILE_BYTES,
            allow_other_branches=env.get("WORKSPACE_PUSH_ALLOW_OTHER_BRANCHES") == "1",
        )


@dataclass
class PushCheck:
    """What check_push() found: `problems` in the words shown to the person pushing."""

    problems: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems

    def report(self) -> str:
        """Return the refusal as printed by the hook (git shows each line after "remote:")."""
        shown = self.problems[:MAX_REPORTED]
        lines = ["This push was refused; nothing in the course was changed.", *shown]
        if len(self.problems) > len(shown):
            lines.append(f"...and {len(self.problems) - len(shown)} more problems.")
        return "\n".join(lines) + "\n"


def parse_updates(lines: Iterable[str]) -> list[RefUpdate]:
    """Return the ref updates in the "<old> <new> <ref>" lines git gives a pre-receive hook."""
    updates = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            updates.append(RefUpdate(*parts))
    return updates


def check_push(git_dir: Path, updates: list[RefUpdate], rules: PushRules) -> PushCheck:
    """Return what is wrong with these ref updates (an empty list accepts the push)."""
    result = PushCheck()
    tips = []
    for update in updates:
        problem = _ref_problem(git_dir, update, rules)
        if problem is not None:
            result.problems.append(problem)
        elif not update.deletes:
            tips.append(update.new)
    if tips and result.accepted:
        result.problems.extend(_content_problems(git_dir, tips, rules))
    return result


def _ref_problem(git_dir: Path, update: RefUpdate, rules: PushRules) -> str | None:
    """Return why this ref may not be updated this way, or None."""
    if update.ref == MAIN_REF:
        if update.deletes:
            return "Deleting main is not allowed: it is the course everyone teaches from."
        if not update.creates and not _is_ancestor(git_dir, update.old, update.new):
            return (
                "Force pushes to main are not allowed: they would drop other teachers' "
                "changes. Pull (git pull --rebase), then push again."
            )
        return None
    if not rules.allow_other_branches:
        return (
            f"Only main can be pushed to this course, not {update.ref}. "
            "Push your commits to main: git push origin HEAD:main"
        )
    if not update.ref.startswith(("refs/heads/", "refs/tags/")):
        return f"{update.ref} cannot be pushed: only branches and tags are kept."
    if not update.creates and not update.deletes and update.ref.startswith("refs/heads/"):
        if not _is_ancestor(git_dir, update.old, update.new):
            return f"Force pushes are not allowed ({update.ref}). Pull, then push again."
    return None


def _content_problems(git_dir: Path, tips: list[str], rules: PushRules) -> list[str]:
    """Return the problems in the files that the push's new commits add or change."""
    # "<commit> <parent>..." per new commit; each is compared with its first parent only, so a
    # merge shows what it brings that the pushed branch did not have.
    lines = _git(git_dir, ["rev-list", "--parents", *tips, "--not", "--all"]).splitlines()
    pairs = [" ".join(line.split()[:2]) for line in lines if line.strip()]
    if not pairs:
        return []
    raw = _git_bytes(
        git_dir,
        ["diff-tree", "--stdin", "-r", "-z", "--no-renames", "--root"],
        input="\n".join(pairs) + "\n",
    )
    problems: list[str] = []
    blobs: dict[tuple[str, str], str] = {}  # (blob, path) -> first commit that has it
    for commit, mode, blob, path_bytes in _changes(raw):
        where = f"{commit[:10]} {_show(path_bytes)}"
        try:
            path = normalize_path(path_bytes.decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(f"{where}: the file name is not valid UTF-8 text.")
            continue
        except InvalidPath as exc:
            problems.append(f"{commit[:10]} {exc.message}")
            continue
        if mode == _SYMLINK:
            problems.append(f"{where}: symbolic links are not allowed; add the file itself.")
        elif mode == _SUBMODULE:
            problems.append(f"{where}: submodules are not allowed; add the files themselves.")
        else:
            blobs.setdefault((blob, path), commit)
    problems.extend(_blob_problems(git_dir, blobs, rules))
    return problems


def _changes(raw: bytes) -> Iterable[tuple[str, str, str, bytes]]:
    """Yield (commit, new mode, new blob, path) for each added or changed file in diff-tree -z."""
    tokens = iter(raw.split(b"\0"))
    commit = ""
    for token in tokens:
        if not token:
            continue
        if not token.startswith(b":"):
            commit = token.decode("ascii").strip()
            continue
        path = next(tokens, b"")
        _old_mode, new_mode, _old, new, status = token[1:].decode("ascii").split()
        if status[0] in "AMT":
            yield commit, new_mode, new, path


def _blob_problems(git_dir: Path, blobs: dict[tuple[str, str], str], rules: PushRules) -> list[str]:
    """Return the problems of file contents: size, lessons' front matter, course.yaml."""
    problems: list[str] = []
    unique = sorted({blob for blob, _ in blobs})
    sizes = {}
    if unique:
        for line in _git(
            git_dir, ["cat-file", "--batch-check"], input="\n".join(unique) + "\n"
        ).splitlines():
            blob, _kind, size = line.split()
            sizes[blob] = int(size)
    to_parse: list[tuple[str, str, str]] = []
    for (blob, path), commit in blobs.items():
        if sizes.get(blob, 0) > rules.max_file_bytes:
            problems.append(
                f"{commit[:10]} {path}: the file is {_size(sizes[blob])}; files may be at most "
                f"{_size(rules.max_file_bytes)}."
            )
        elif path == COURSE_FILE or parse_lesson_path(path) is not None:
            to_parse.append((blob, path, commit))
    wanted: dict[str, list[tuple[str, str]]] = {}
    for blob, path, commit in to_parse:
        wanted.setdefault(blob, []).append((path, commit))
    for blob, data in _read_blobs(git_dir, list(wanted)):
        for path, commit in wanted[blob]:
            problem = _text_problem(data, path)
            if problem is not None:
                problems.append(f"{commit[:10]} {path}: {problem}")
    return problems


def _read_blobs(git_dir: Path, blobs: list[str]) -> Iterator[tuple[str, bytes]]:
    """Yield (blob id, content) for each blob, read by one `git cat-file --batch`."""
    if not blobs:
        return
    with tempfile.TemporaryFile() as ids:
        ids.write("".join(f"{blob}\n" for blob in blobs).encode("ascii"))
        ids.seek(0)
        with subprocess.Popen(  # noqa: S603 (fixed executable, ids from git itself)
            ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],  # noqa: S607
            stdin=ids,
            stdout=subprocess.PIPE,
            env=_env(),
        ) as proc:
            out = cast(IO[bytes], proc.stdout)
            for _ in blobs:
                blob, _kind, size = out.readline().decode("ascii").split()
                data = out.read(int(size))
                out.read(1)  # the newline after each object
                yield blob, data
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, proc.args)


def _text_problem(data: bytes, path: str) -> str | None:
    """Return why the web could not have saved this lesson or course.yaml, or None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "the file is not UTF-8 text."
    try:
        if path == COURSE_FILE:
            parse_course(text)
        else:
            parse_lesson(text)
    except ContentError as exc:
        return exc.message
    return None


def _is_ancestor(git_dir: Path, old: str, new: str) -> bool:
    """Return True if `old` is in the history of `new` (the update is a fast-forward)."""
    proc = subprocess.run(  # noqa: S603 (fixed executable, ids from git itself)
        ["git", f"--git-dir={git_dir}", "merge-base", "--is-ancestor", old, new],  # noqa: S607
        capture_output=True,
        env=_env(),
        check=False,
    )
    if proc.returncode not in (0, 1):  # 1 means "not an ancestor"; anything else is a failure
        raise subprocess.CalledProcessError(proc.returncode, proc.args, proc.stdout, proc.stderr)
    return proc.returncode == 0


def _git(git_dir: Path, args: list[str], input: str | None = None) -> str:
    """Return the text output of a git command in `git_dir`."""
    return _git_bytes(git_dir, args, input).decode("utf-8", "replace")


def _git_bytes(git_dir: Path, args: list[str], input: str | None = None) -> bytes:
    """Return the output of a git command in `git_dir`; raise CalledProcessError on failure."""
    proc = subprocess.run(  # noqa: S603 (fixed executable, ids from git itself)
        ["git", f"--git-dir={git_dir}", *args],  # noqa: S607
        input=input.encode() if input is not None else None,
        capture_output=True,
        env=_env(),
        check=True,
    )
    return proc.stdout


def _env() -> dict[str, str]:
    # The hook's environment carries the quarantine directory; keep it, and never prompt.
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _size(size: int) -> str:
    """Return a byte count as people read it: "740 KB", "12.5 MB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


def _show(path: bytes) -> str:
    text = path.decode("utf-8", "replace")
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
