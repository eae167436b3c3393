"""Blame from the index: each version's blame cached, the next one built with one diff.

A file version is (path, blob, the commit that made it). Its blame is the previous version's
blame carried through git's diff of the two blobs (lines kept keep their commit, the rest get
this version's), which is the step `git blame` itself takes from commit to commit; the index
says which version came before (under the file's earlier name across a rename). So a new
version costs one diff once its predecessor's blame is known. A file nobody has blamed yet
is blamed by git once, at the version asked (the walk the index cannot spare), and every
later version builds on that.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...git import BlameLine, CourseRepo, PathNotFound
from ...git.history import parse_commit
from ...models import BlameEntry, HistoryCommit, HistoryState, PathChange
from ..context import Ctx
from ._index import state_of

# Versions carried forward from a cached blame before it is cheaper to ask git.
MAX_STEPS = 40


@dataclass(frozen=True)
class _Version:
    commit: str
    seq: int
    path: str
    kind: str
    old_path: str | None
    parent: str | None
    merge: bool
    cut: bool


def blame_lines(
    ctx: Ctx, repo: CourseRepo, course_id: int, path: str, commit: str
) -> list[BlameLine] | None:
    """Return each line of `path` at `commit` (a full id) with the commit that last changed
    it, from the cache or built from it; None when the index cannot say which version of the
    file `commit` holds (not indexed yet, or a commit on a merged branch): git blames then.

    Raises PathNotFound when the file is not in `commit`.
    """
    blob = repo.blob_id(path, commit)
    state = state_of(ctx, course_id)
    row = ctx.session.scalars(
        select(HistoryCommit).filter_by(course_id=course_id, sha=commit)
    ).first()
    if state is None or row is None or row.seq > state.seq or not row.cut:
        return None
    version = _version_at(ctx, course_id, path, row.seq + 1)
    if version is None or not version.cut or _blob(repo, path, version.commit) != blob:
        return None
    shas = _blame_of(ctx, repo, course_id, version, blob)
    return _lines(repo, repo.reader.read(blob)[1], shas)


def _blame_of(
    ctx: Ctx, repo: CourseRepo, course_id: int, version: _Version, blob: str
) -> list[str]:
    """Return the commit of each line of `version` (whose content is `blob`), cached.

    Walks back through the file's versions to one whose blame is known (or a creation, or
    one git must blame: a merge, a version more than MAX_STEPS back), then carries that
    blame forward one diff per version, keeping each version's blame.
    """
    chain: list[tuple[_Version, str]] = [(version, blob)]
    while True:
        current, current_blob = chain[-1]
        base = _cached(ctx, course_id, current, current_blob)
        if base is not None:
            break
        base = _start(ctx, repo, course_id, current, current_blob, len(chain) > MAX_STEPS)
        if base is not None:
            _store(ctx, course_id, current, current_blob, base)
            break
        name = current.old_path if current.kind == "R" and current.old_path else current.path
        before = _version_at(ctx, course_id, name, current.seq)
        assert before is not None  # noqa: S101 (checked by _start)
        chain.append((before, _blob(repo, name, current.parent or "") or ""))
    shas, previous_blob = base, chain.pop()[1]
    for current, current_blob in reversed(chain):
        count = _count_lines(repo.reader.read(current_blob)[1])
        origins = repo.line_origins(previous_blob, current_blob, count)
        shas = [shas[o] if o is not None and o < len(shas) else current.commit for o in origins]
        _store(ctx, course_id, current, current_blob, shas)
        previous_blob = current_blob
    ctx.session.commit()
    return shas


def _start(
    ctx: Ctx, repo: CourseRepo, course_id: int, version: _Version, blob: str, far: bool
) -> list[str] | None:
    """Return the blame of `version` when it cannot be built from the version before it
    (a new file; a merge, an unclear predecessor or `far` back: git blames it); else None."""
    if version.kind == "A" and not version.merge:
        return [version.commit] * _count_lines(repo.reader.read(blob)[1])
    name = version.old_path if version.kind == "R" and version.old_path else version.path
    before = None if far or version.merge else _version_at(ctx, course_id, name, version.seq)
    if (
        before is None
        or version.parent is None
        or before.kind == "D"
        or not before.cut
        or _blob(repo, name, version.parent) is None
        or _blob(repo, name, version.parent) != _blob(repo, name, before.commit)
    ):
        return [line.sha for line in repo.blame(version.path, version.commit)]
    return None


def _blob(repo: CourseRepo, path: str, commit: str) -> str | None:
    try:
        return repo.blob_id(path, commit)
    except PathNotFound:
        return None


def _version_at(ctx: Ctx, course_id: int, path: str, below: int) -> _Version | None:
    """Return the newest change to `path` numbered below `below` (the version it holds)."""
    row = ctx.session.scalars(
        select(PathChange)
        .where(PathChange.course_id == course_id, PathChange.path == path)
        .where(PathChange.seq < below)
        .order_by(PathChange.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    commit = ctx.session.scalars(
        select(HistoryCommit).filter_by(course_id=course_id, seq=row.seq)
    ).one()
    merge = len(commit.parents.split()) > 1
    return _Version(
        row.commit, row.seq, row.path, row.kind, row.old_path, row.parent, merge, commit.cut
    )


def _cached(ctx: Ctx, course_id: int, version: _Version, blob: str) -> list[str] | None:
    found = ctx.session.scalars(
        select(BlameEntry).filter_by(course_id=course_id, commit=version.commit, path=version.path)
    ).first()
    if found is None or found.blob_id != blob:
        return None
    shas: list[str] = []
    for run in found.lines.splitlines():
        sha, _, count = run.partition(" ")
        shas += [sha] * int(count)
    return shas


def _store(ctx: Ctx, course_id: int, version: _Version, blob: str, shas: list[str]) -> None:
    runs: list[list[object]] = []
    for sha in shas:
        if runs and runs[-1][0] == sha:
            runs[-1][1] = int(runs[-1][1]) + 1  # type: ignore[call-overload]
        else:
            runs.append([sha, 1])
    text = "\n".join(f"{sha} {count}" for sha, count in runs)
    found = ctx.session.scalars(
        select(BlameEntry).filter_by(course_id=course_id, commit=version.commit, path=version.path)
    ).first()
    if found is None:
        found = BlameEntry(course_id=course_id, commit=version.commit, path=version.path)
        ctx.session.add(found)
    found.blob_id, found.lines = blob, text
    ctx.session.flush()


def _count_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _lines(repo: CourseRepo, data: bytes, shas: list[str]) -> list[BlameLine]:
    """Return the BlameLines of a file's text with each line's commit."""
    texts = data.split(b"\n")
    if data.endswith(b"\n"):
        texts.pop()
    infos = {sha: parse_commit(sha, repo.reader.read(sha)[1]) for sha in dict.fromkeys(shas)}
    return [
        BlameLine(
            line_no=number,
            text=raw.decode("utf-8", "replace"),
            sha=sha,
            author_name=infos[sha].author_name,
            authored_at=infos[sha].authored_at,
            summary=infos[sha].summary,
        )
        for number, (raw, sha) in enumerate(zip(texts, shas, strict=False), start=1)
    ]


def last_version(
    session: Session, repo: CourseRepo, course_id: int, path: str, commit: str
) -> str | None:
    """Return the newest commit up to `commit` (a full id) that changed the file at `path`,
    from the index; None when the index cannot say (the caller walks git then)."""
    state = session.get(HistoryState, course_id)
    row = session.scalars(select(HistoryCommit).filter_by(course_id=course_id, sha=commit)).first()
    if state is None or row is None or row.seq > state.seq or not row.cut:
        return None
    found = session.scalars(
        select(PathChange.commit)
        .where(PathChange.course_id == course_id, PathChange.path == path)
        .where(PathChange.seq <= row.seq, PathChange.kind != "D")
        .order_by(PathChange.seq.desc())
        .limit(1)
    ).first()
    if found is None or _blob(repo, path, found) != _blob(repo, path, commit):
        return None
    return found
