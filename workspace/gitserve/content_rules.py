"""Push rules for files: what the new commits of a push may add, checked by content.checks.

Only what the push brings is read: the new commits' changed paths (one `diff-tree` for all of
them), the blobs behind those paths, and for each pushed tip whose outline changed, course.yaml
and the list of files under units/. Each problem is one line, "<commit> <path>: <message>", or
"<commit> <message>" when the message is about the path itself (it names the path).

Course-level problems (course.yaml against the files present) that the course already had
before the push are not blamed on it, so a course with old mistakes stays pushable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..content import (
    COURSE_FILE,
    Problem,
    changed_settings,
    check_course_file,
    check_layout,
    check_lesson,
    check_unit,
    lesson_too_long,
    missing_images,
    parse_lesson_path,
    parse_unit_path,
)
from ..git import InvalidPath, normalize_path
from .hookgit import git, object_sizes, read_file, read_objects, tree_paths
from .updates import MAIN_REF, RefUpdate

_TREE = "040000"
_SYMLINK = "120000"
_SUBMODULE = "160000"
# What the settings are called in sentences; other keys are named as written in the file.
_SETTING_NAMES = {"grade_band": "grade band"}


@dataclass(frozen=True)
class _Change:
    """A path a new commit adds or changes, compared with the commit's first parent."""

    commit: str
    status: str  # "A" added, "M" modified, "T" type changed
    mode: str
    blob: str
    raw_path: bytes


@dataclass
class _Baselines:
    """The course-level problems the course already had, by commit, read only when needed."""

    git_dir: Path
    known: dict[str | None, set[str]] = field(default_factory=dict)

    def messages(self, commit: str | None) -> set[str]:
        """Return the messages of course.yaml's problems at `commit` (none for no commit)."""
        if commit not in self.known:
            self.known[commit] = _outline_messages(self.git_dir, commit)
        return self.known[commit]


def content_problems(
    git_dir: Path, updates: list[RefUpdate], *, max_file_bytes: int, may_manage: bool
) -> list[str]:
    """Return the problems of the files these (accepted, non-deleting) updates bring."""
    baselines = _Baselines(git_dir)
    bases = [_base(git_dir, update) for update in updates]
    problems: list[str] = []
    blobs: dict[tuple[str, str], str] = {}  # (blob, path) -> first new commit that has it
    refused: set[tuple[str, bytes]] = set()  # (commit, path) of refused folders
    for change in _new_changes(git_dir, [update.new for update in updates]):
        if _inside_refused(change, refused):
            continue  # "../x.md" says nothing new once ".." was refused
        problem = _path_problem(change)
        if problem is not None:
            problems.append(problem)
            refused.add((change.commit, change.raw_path))
        elif change.mode != _TREE:
            blobs.setdefault((change.blob, change.raw_path.decode("utf-8")), change.commit)

    def old_outline() -> set[str]:
        return set().union(*(baselines.messages(base) for base in bases))

    reported: set[str] = set()  # course.yaml problems already listed for a new commit
    problems += _blob_problems(git_dir, blobs, max_file_bytes, old_outline, reported)
    for update, base in zip(updates, bases, strict=True):
        problems += _outline_problems(git_dir, update.new, base, baselines, reported)
        if update.ref == MAIN_REF and not may_manage:
            problems += _settings_problems(git_dir, update.new, base)
    return problems


def _inside_refused(change: _Change, refused: set[tuple[str, bytes]]) -> bool:
    """Return True if the change is inside a folder whose name this commit was refused for."""
    parts = change.raw_path.split(b"/")
    return any((change.commit, b"/".join(parts[:n])) in refused for n in range(1, len(parts)))


def _base(git_dir: Path, update: RefUpdate) -> str | None:
    """Return the commit the update starts from: its old tip, or main's for a new ref."""
    if not update.creates:
        return update.old
    if update.ref == MAIN_REF:
        return None
    listed = git(git_dir, ["for-each-ref", "--format=%(objectname)", MAIN_REF]).split()
    return listed[0].decode("ascii") if listed else None


def _new_changes(git_dir: Path, tips: list[str]) -> Iterator[_Change]:
    """Yield the paths each new commit adds or changes (trees too, so empty ones are seen)."""
    # "<commit> <parent>..." per new commit; each is compared with its first parent only, so a
    # merge shows what it brings that the pushed branch did not have.
    lines = git(git_dir, ["rev-list", "--parents", *tips, "--not", "--all"]).decode().splitlines()
    pairs = [" ".join(line.split()[:2]) for line in lines if line.strip()]
    if not pairs:
        return
    raw = git(
        git_dir,
        ["diff-tree", "--stdin", "-r", "-t", "-z", "--no-renames", "--root"],
        input=("\n".join(pairs) + "\n").encode("ascii"),
    )
    tokens = iter(raw.split(b"\0"))
    commit = ""
    for token in tokens:
        if not token:
            continue
        if not token.startswith(b":"):
            commit = token.decode("ascii").strip()
            continue
        path = next(tokens, b"")  # the path always follows its header, even an empty one
        _old_mode, new_mode, _old, new, status = token[1:].decode("ascii").split()
        if status[0] in "AMT":
            yield _Change(commit, status[0], new_mode, new, path)


def _path_problem(change: _Change) -> str | None:
    """Return why this path may not be in the course, or None (its content is checked later)."""
    where = f"{change.commit[:10]} {_show(change.raw_path)}"
    try:
        path = normalize_path(change.raw_path.decode("utf-8"))
    except UnicodeDecodeError:
        return f"{where}: the file name is not valid UTF-8 text."
    except InvalidPath as exc:
        return f"{change.commit[:10]} {exc.message}"
    if change.mode == _SYMLINK:
        return f"{where}: symbolic links are not allowed; add the file itself."
    if change.mode == _SUBMODULE:
        return f"{where}: submodules are not allowed; add the files themselves."
    # A file that was already there keeps its place, so old courses stay pushable.
    if change.mode != _TREE and change.status == "A":
        problem = check_layout(path)
        if problem is not None:
            return f"{change.commit[:10]} {problem.message}"
    return None


def _blob_problems(
    git_dir: Path,
    blobs: dict[tuple[str, str], str],
    max_file_bytes: int,
    old_outline: Callable[[], set[str]],
    reported: set[str],
) -> list[str]:
    """Return the problems of file contents: size, lessons, unit overviews, course.yaml.

    course.yaml problems the course had before (`old_outline()`) are left out; the others'
    messages are added to `reported`.
    """
    sizes = object_sizes(git_dir, sorted({blob for blob, _ in blobs}))
    problems: list[str] = []
    wanted: dict[str, list[tuple[str, str]]] = {}  # blob -> (path, commit) to read and check
    for (blob, path), commit in blobs.items():
        size = sizes.get(blob, ("", 0))[1]
        too_long = lesson_too_long(size) if parse_lesson_path(path) is not None else None
        if size > max_file_bytes:
            problems.append(
                f"{commit[:10]} {path}: the file is {_size(size)}; files may be at most "
                f"{_size(max_file_bytes)}."
            )
        elif too_long is not None:
            problems.append(_line(commit, path, too_long))
        elif _checker(path) is not None:
            wanted.setdefault(blob, []).append((path, commit))
    for blob, data in read_objects(git_dir, list(wanted)):
        for path, commit in wanted[blob]:
            checker = _checker(path)
            found = checker(data) if checker is not None and data is not None else []
            if not found and data is not None and parse_lesson_path(path) is not None:
                found = _missing_images(git_dir, commit, path, data)
            if path == COURSE_FILE and found:
                found = [p for p in found if p.message not in old_outline()]
                reported.update(p.message for p in found)
            problems += [_line(commit, path, problem) for problem in found]
    return problems


def _missing_images(git_dir: Path, commit: str, path: str, data: bytes) -> list[Problem]:
    """Return the images the lesson at `commit` points at that the commit does not have; those
    already missing in the commit before it are not blamed on this push."""
    text = data.decode("utf-8", "replace")
    present = _course_paths(git_dir, commit)
    before = read_file(git_dir, f"{commit}^", path) if _has_parent(git_dir, commit) else None
    already = before.decode("utf-8", "replace") if before is not None else None
    return missing_images(text, path, present.__contains__, already)


@lru_cache(maxsize=64)
def _course_paths(git_dir: Path, commit: str) -> frozenset[str]:
    """Return every file under units/ at `commit` (one `ls-tree` per commit of a push)."""
    return frozenset(tree_paths(git_dir, commit, "units"))


def _has_parent(git_dir: Path, commit: str) -> bool:
    line = git(git_dir, ["rev-list", "--parents", "-n", "1", commit]).split()
    return len(line) > 1


def _checker(path: str) -> Callable[[bytes], list[Problem]] | None:
    """Return the content check for a file at `path`, or None for files that are not read."""
    if parse_lesson_path(path) is not None:
        return check_lesson
    if parse_unit_path(path) is not None:
        return check_unit
    if path == COURSE_FILE:
        return lambda data: check_course_file(data, None)
    return None


def _outline_problems(
    git_dir: Path, tip: str, base: str | None, baselines: _Baselines, reported: set[str]
) -> list[str]:
    """Return course.yaml's new problems against the files at `tip`, if the push changed them."""
    if not _outline_changed(git_dir, tip, base):
        return []
    data = read_file(git_dir, tip, COURSE_FILE)
    if data is None:
        if base is None or read_file(git_dir, base, COURSE_FILE) is None:
            return []
        return [
            f"{tip[:10]} {COURSE_FILE}: the push deletes {COURSE_FILE}, which every course "
            "needs (its title, settings and the order of units and lessons). Restore it, "
            "then push again."
        ]
    problems = check_course_file(data, tree_paths(git_dir, tip, "units"))
    if problems:
        old = baselines.messages(base)
        problems = [p for p in problems if p.message not in old and p.message not in reported]
    return [_line(tip, COURSE_FILE, problem) for problem in problems]


def _outline_changed(git_dir: Path, tip: str, base: str | None) -> bool:
    """Return True if course.yaml, or which lesson files exist, differs from `base` to `tip`."""
    if base is None:
        return True
    raw = git(
        git_dir,
        ["diff-tree", "-r", "-z", "--no-renames", "--name-status", base, tip]
        + ["--", COURSE_FILE, "units"],
    )
    tokens = raw.split(b"\0")
    for status, path in zip(tokens[::2], tokens[1::2], strict=False):
        name = path.decode("utf-8", "replace")
        if name == COURSE_FILE or (status in (b"A", b"D") and parse_lesson_path(name)):
            return True
    return False


def _outline_messages(git_dir: Path, commit: str | None) -> set[str]:
    """Return the messages of course.yaml's problems at `commit` against its files."""
    if commit is None:
        return set()
    data = read_file(git_dir, commit, COURSE_FILE)
    if data is None:
        return set()
    return {p.message for p in check_course_file(data, tree_paths(git_dir, commit, "units"))}


def _settings_problems(git_dir: Path, tip: str, base: str | None) -> list[str]:
    """Return a refusal for each course setting that a pusher who is not a leader changed."""
    names = [f"{tip}:{COURSE_FILE}"] + ([f"{base}:{COURSE_FILE}"] if base is not None else [])
    ids = object_sizes(git_dir, names)
    if base is not None and ids.get(names[0]) == ids.get(names[1]):
        return []  # the same course.yaml (or none at both): nothing to compare
    old = read_file(git_dir, base, COURSE_FILE) if base is not None else None
    new = read_file(git_dir, tip, COURSE_FILE)
    return [
        f"{tip[:10]} {COURSE_FILE}: only the network's leaders change the course's "
        f"{_SETTING_NAMES.get(name, name)}; ask a leader, or undo that line."
        for name in changed_settings(old, new)
    ]


def _line(commit: str, path: str, problem: Problem) -> str:
    """Return one line of the refusal: "<commit> <path>: <message> (line N)"."""
    text = f"{commit[:10]} {path}: {problem.message}"
    if problem.line is not None and f"line {problem.line}" not in problem.message:
        text += f" (line {problem.line})"
    return text


def _size(size: int) -> str:
    """Return a byte count as people read it: "740 KB", "12.5 MB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


def _show(path: bytes) -> str:
    """Return a path as printable text, whatever bytes it holds."""
    text = path.decode("utf-8", "replace")
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
