"""Reading a file's history from the index: newest first, following renames, by cursor.

A page is a few indexed queries (one per name the file had on it) and a read of each commit
on it, whatever the length of the course's history. The index answers only what it can
answer exactly; for anything else `file_history` returns None and the caller walks git:

- the first page while the index is behind main (a commit that landed a moment ago, a
  backfill under way), since the newest versions are not indexed yet;
- a cursor naming a commit the index does not hold yet, or one the git walk made that does
  not mean "everything numbered before this commit" (see below).

Cursors are the engine's (git/history.py): "<last>[.<waiting>...][:<earlier name>]", where
what is left to show is everything in the history of the waiting commits and before `last`.
The index numbers commits parents-first; "everything numbered before `last`" is the history
of `last` when `last` is a cut (always, in a linear history), else the history of `last`
and of the tips of the commits numbered before it, which the cursor then lists as waiting.
Both mean the same set, so a cursor made by either reader is followed by the other without
gaps or repeats, and a link keeps working whether or not the index is current.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import and_, select

from ...git import CommitInfo, CourseRepo, FileChange, HistoryPage
from ...git.history import MAX_PAGE, parse_commit
from ...models import HistoryCommit, PathChange
from ..context import Ctx
from ._index import ask_for_catch_up, state_of


def file_history(
    ctx: Ctx, repo: CourseRepo, course_id: int, path: str, after: str | None, limit: int
) -> HistoryPage | None:
    """Return a page of the history of `path` (following renames) from the index, each
    commit's `files` holding the file's change under the name it had then; None when the
    index cannot answer exactly (the caller walks git then).

    Raises InvalidRevision for a damaged cursor, as the git walk does.
    """
    limit = max(1, min(int(limit), MAX_PAGE))
    state = state_of(ctx, course_id)
    if after is not None:
        last, waiting, old_name = repo.decode_cursor(after)
    if state is None or state.head is None:
        ask_for_catch_up(ctx, course_id)
        return None
    name = path
    if after is None:
        if repo.head() != state.head:
            ask_for_catch_up(ctx, course_id)
            return None
        below = state.seq + 1
    else:
        row = _indexed(ctx, course_id, last, state.seq)
        if row is None or set(waiting) != set(_waiting(ctx, course_id, row)):
            return None
        below = row.seq
        name = old_name or path
        renamed = _rename_into(ctx, course_id, row.seq, name)
        if renamed is not None:
            name = renamed
    found: list[tuple[PathChange, FileChange, str]] = []  # row, change, name after it
    while len(found) <= limit:
        wanted = limit + 1 - len(found)
        rows = _rows(ctx, course_id, name, below, wanted)
        renamed = False
        for row in rows:
            below = row.seq
            if row.path == name:
                change = FileChange(row.kind, row.path, row.old_path)  # type: ignore[arg-type]
            else:  # renamed away: this name's history sees a deletion
                change = FileChange("D", name)
            if change.status == "R" and row.old_path:
                name = row.old_path
            found.append((row, change, name))
            renamed = change.status == "R"
            if len(found) > limit or renamed:
                break
        if not renamed and len(rows) < wanted:
            break  # this name's history is exhausted, and it was not renamed into
    commits = [_info(repo, row.commit, change) for row, change, _ in found[:limit]]
    next_after = None
    if len(found) > limit:
        row, _, then = found[limit - 1]
        commit = _indexed(ctx, course_id, row.commit, state.seq)
        waiting = _waiting(ctx, course_id, commit) if commit is not None else []
        next_after = ".".join([row.commit, *waiting])
        if then != path:
            next_after += ":" + then
    return HistoryPage(commits, next_after)


def _info(repo: CourseRepo, sha: str, change: FileChange) -> CommitInfo:
    # The index holds full ids of commits it read from the repository: no need to resolve.
    return replace(parse_commit(sha, repo.reader.read(sha)[1]), files=[change])


def _rows(ctx: Ctx, course_id: int, name: str, below: int, count: int) -> list[PathChange]:
    """Return the newest `count` rows numbered below `below` that changed the file `name`:
    its own changes and the renames that took it away, newest first."""
    own = (
        select(PathChange)
        .where(PathChange.course_id == course_id, PathChange.path == name)
        .where(PathChange.seq < below)
        .order_by(PathChange.seq.desc())
        .limit(count)
    )
    away = (
        select(PathChange)
        .where(PathChange.course_id == course_id, PathChange.old_path == name)
        .where(and_(PathChange.kind == "R", PathChange.seq < below))
        .order_by(PathChange.seq.desc())
        .limit(count)
    )
    rows = list(ctx.session.scalars(own)) + list(ctx.session.scalars(away))
    rows.sort(key=lambda row: (row.seq, row.path == name), reverse=True)
    # One commit may both rename the file away and bring another file to its name; the
    # file's own change comes first then, and the rename away is that same version.
    unique: dict[int, PathChange] = {}
    for row in rows:
        unique.setdefault(row.seq, row)
    return list(unique.values())[:count]


def _rename_into(ctx: Ctx, course_id: int, seq: int, name: str) -> str | None:
    """Return the name the file `name` had before commit `seq` renamed it, if it did."""
    return ctx.session.scalars(
        select(PathChange.old_path).filter_by(course_id=course_id, seq=seq, path=name, kind="R")
    ).first()


def _indexed(ctx: Ctx, course_id: int, sha: str, upto: int) -> HistoryCommit | None:
    found = ctx.session.scalars(
        select(HistoryCommit).filter_by(course_id=course_id, sha=sha)
    ).first()
    return found if found is not None and found.seq <= upto else None


def _waiting(ctx: Ctx, course_id: int, commit: HistoryCommit) -> list[str]:
    """Return the tips of the commits numbered before `commit` that are not its parents:
    with `commit` itself they are what a cursor after it must name (none at a cut)."""
    if commit.cut:
        return []
    start = ctx.session.scalars(
        select(HistoryCommit.seq)
        .where(HistoryCommit.course_id == course_id, HistoryCommit.cut.is_(True))
        .where(HistoryCommit.seq < commit.seq)
        .order_by(HistoryCommit.seq.desc())
        .limit(1)
    ).first()
    span = ctx.session.scalars(
        select(HistoryCommit)
        .where(HistoryCommit.course_id == course_id, HistoryCommit.seq < commit.seq)
        .where(HistoryCommit.seq >= (start or 1))
        .order_by(HistoryCommit.seq.desc())
    ).all()
    # Commits before the cut `start` are in its history, so the tips are among the span.
    children_of = {parent for c in span if c.seq != start for parent in c.parents.split()}
    parents = set(commit.parents.split())
    return [c.sha for c in span if c.sha not in children_of and c.sha not in parents]


def name_at(
    ctx: Ctx, repo: CourseRepo, course_id: int, path: str, at: str, then: str
) -> str | None:
    """Return the name the file called `path` in commit `at` had in the earlier commit `then`
    (following its renames back through the index); None when the index cannot say (one of
    them not indexed yet, or on a merged branch)."""
    state = state_of(ctx, course_id)
    if state is None:
        return None
    newer = _indexed(ctx, course_id, repo.resolve(at), state.seq)
    older = _indexed(ctx, course_id, repo.resolve(then), state.seq)
    if newer is None or older is None or not newer.cut or not older.cut:
        return None
    name, upper = path, newer.seq + 1
    while True:
        renamed = ctx.session.execute(
            select(PathChange.old_path, PathChange.seq)
            .where(PathChange.course_id == course_id, PathChange.path == name)
            .where(PathChange.kind == "R", PathChange.seq < upper, PathChange.seq > older.seq)
            .order_by(PathChange.seq.desc())
            .limit(1)
        ).first()
        if renamed is None or renamed.old_path is None:
            return name
        name, upper = renamed.old_path, renamed.seq
