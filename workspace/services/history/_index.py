"""Writing the path-history index: bringing a course's index up to its main, in batches.

`catch_up` reads the commits between the last one indexed (`HistoryState.head`) and main,
numbers them parents-first and writes their rows, a batch per transaction. Each batch moves
`head` only to a commit whose ancestors are exactly the commits numbered before it (a "cut":
every commit of a linear history), so an index that stopped half-way (a crash, a deploy)
restarts from there and drops what it wrote beyond. Whatever moved main and however many
commits it brought, the next run sees the gap and fills it: a save, a merge, a restore, a push
of a thousand commits, or a crash between a commit and its bookkeeping.

One process at a time indexes a course (the store's index lock); another that finds the
lock held leaves the work to it, and the holder looks at main once more after letting go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from ...git import CourseRepo
from ...models import HistoryCommit, HistoryState, PathChange
from ..context import Ctx

BATCH = 5000
# A web save or a small push is indexed at once, in the request that made it; more than this
# goes to the backfill job, so a big push does not hold up its response.
INLINE_LIMIT = 100


@dataclass(frozen=True)
class Progress:
    """How far a course's index has got: `indexed` of `total` commits, and whether it is at
    main now (`current`) or a backfill is under way (`backfilling`)."""

    course_id: int
    indexed: int
    total: int
    current: bool
    backfilling: bool

    @property
    def percent(self) -> int:
        """Return the share of the course's commits indexed, rounded down (100 when current)."""
        if self.current or not self.total:
            return 100 if self.current else 0
        return min(99, self.indexed * 100 // self.total)


def state_of(ctx: Ctx, course_id: int) -> HistoryState | None:
    """Return the course's index state row, None before anything was indexed."""
    return ctx.session.get(HistoryState, course_id)


def progress(ctx: Ctx, course_id: int) -> Progress:
    """Return how far the course's index has got compared with its main now."""
    state = state_of(ctx, course_id)
    with ctx.store.open(course_id) as repo:
        head = repo.head()
    if state is None:
        return Progress(course_id, 0, 0, head is None, False)
    current = state.head == head
    total = max(state.total, state.indexed)
    return Progress(course_id, state.indexed, total, current, state.backfilling and not current)


def catch_up(
    ctx: Ctx,
    course_id: int,
    *,
    limit: int | None = None,
    report: Callable[[Progress], None] | None = None,
) -> int | None:
    """Return how many commits were indexed to bring the course's index up to main (0 also
    when another process holds the index lock: it looks at main again after letting go);
    None when more than `limit` commits are missing (the backfill job's work)."""
    added = 0
    while True:
        with ctx.store.index_lock(course_id) as held:
            if not held:
                return added
            with ctx.store.open(course_id) as repo:
                done = _index_to_head(ctx, repo, course_id, limit, report)
        if done is None:
            return None
        added += done
        # A commit that landed while this ran found the lock held and left it to us.
        with ctx.store.open(course_id) as repo:
            head = repo.head()
        state = state_of(ctx, course_id)
        if state is None or state.head == head:
            return added


def backfill(ctx: Ctx, course_id: int) -> None:
    """Return nothing, once the course's index has caught up with main (the job)."""
    catch_up(ctx, course_id)


def follow_change(ctx: Ctx, course_id: int) -> None:
    """Return nothing, once the course's index is at main, or the backfill job is queued for
    a long way to go (a push of many commits, a course indexed for the first time)."""
    if catch_up(ctx, course_id, limit=INLINE_LIMIT) is None:
        ctx.jobs.enqueue("history.backfill", course_id=course_id)


def _index_to_head(
    ctx: Ctx,
    repo: CourseRepo,
    course_id: int,
    limit: int | None,
    report: Callable[[Progress], None] | None,
) -> int | None:
    session = ctx.session
    head = repo.head()
    state = session.get(HistoryState, course_id, populate_existing=True)
    if state is None:
        state = HistoryState(course_id=course_id, head=None, seq=0, indexed=0, total=0)
        session.add(state)
        session.flush()
    if head is None or state.head == head:
        session.commit()
        return 0
    shas = _new_commits(repo, head, state.head)
    if limit is not None and len(shas) > limit:
        session.rollback()
        return None
    # Rows a run wrote beyond its last cut before it stopped are written again now.
    beyond = select(HistoryCommit.sha).where(
        HistoryCommit.course_id == course_id, HistoryCommit.seq > state.seq
    )
    left = list(session.scalars(beyond))
    if left:
        session.execute(
            delete(PathChange).where(PathChange.course_id == course_id, PathChange.commit.in_(left))
        )
        session.execute(
            delete(HistoryCommit).where(
                HistoryCommit.course_id == course_id, HistoryCommit.seq > state.seq
            )
        )
    state.total = state.seq + len(shas)
    state.indexed = state.seq
    state.backfilling = len(shas) > INLINE_LIMIT
    if state.backfilling:
        session.commit()  # so leaders see the backfill start
    seq, previous, previous_cut = state.seq, state.head, True
    for start in range(0, len(shas), BATCH):
        commits: list[dict[str, object]] = []
        changes: list[dict[str, object]] = []
        last_cut: tuple[str, int] | None = None
        for record in repo.changes_of(shas[start : start + BATCH]):
            seq += 1
            if not record.parents:
                cut = seq == 1
            elif len(record.parents) == 1:
                cut = previous_cut and record.parents[0] == previous
            else:
                cut = repo.ancestor_count(record.sha) == seq
            previous, previous_cut = record.sha, cut
            if cut:
                last_cut = (record.sha, seq)
            commits.append(
                {
                    "course_id": course_id,
                    "seq": seq,
                    "sha": record.sha,
                    "parents": " ".join(record.parents),
                    "cut": cut,
                }
            )
            parent = record.parents[0] if record.parents else None
            for change in record.files:
                changes.append(
                    {
                        "course_id": course_id,
                        "seq": seq,
                        "commit": record.sha,
                        "path": change.path,
                        "kind": change.status,
                        "old_path": change.old_path,
                        "author_name": record.author_name[:255],
                        "author_email": record.author_email[:255],
                        "authored_at": record.authored_at,
                        "parent": parent,
                    }
                )
        if commits:
            session.execute(insert(HistoryCommit), commits)
        if changes:
            session.execute(insert(PathChange), changes)
        state.indexed = seq
        if last_cut is not None:
            state.head, state.seq = last_cut
        session.commit()
        if report is not None:
            report(Progress(course_id, seq, state.total, state.head == head, True))
    if state.backfilling:
        state.backfilling = False
        session.commit()
    return len(shas)


def _new_commits(repo: CourseRepo, head: str, indexed: str | None) -> list[str]:
    """Return the commits to index, parents first: one read for the usual single new commit."""
    if indexed is not None and repo.commit_info(head).parents == [indexed]:
        return [head]
    return repo.commits_between(head, indexed)


def ask_for_catch_up(ctx: Ctx, course_id: int) -> None:
    """Return nothing, once the backfill job is queued for a course whose index a reader
    found behind main (a commit made outside the app, a crash before it was indexed, a
    course from before the index); the job finds nothing to do if someone else did it."""
    try:
        ctx.jobs.enqueue("history.backfill", course_id=course_id)
    except LookupError:  # a context without a job queue: the next change will catch up
        pass
