"""RepoStore: where course repositories live, and a small pool of open readers."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path

from .errors import RepositoryExists, RepositoryMissing
from .housekeeping import housekeep, init_repository, refresh_commit_graph
from .locking import course_lock, try_lock
from .objects import ObjectReader
from .records import Author, Write
from .repo import CourseRepo, open_gitpython
from .runner import run_git

logger = logging.getLogger(__name__)
DEFAULT_POOL_SIZE = 8
DEFAULT_GC_EVERY = 100
DEFAULT_GRAPH_EVERY = 10


class RepoStore:
    """All course repositories under one root folder: `<root>/<course id>.git`.

    Open repositories are handed out by open() and come back to a bounded pool on close(),
    so a read does not pay for starting git's object reader each time. Saves trigger
    housekeeping of their course in a background thread (see _count_commit; 0 turns a step
    off); the save that triggers it does not wait. `fsync=False` skips flushing new objects
    to disk before main moves: faster, but a power cut could then corrupt the repository,
    so it is only for throwaway repositories.
    """

    def __init__(
        self,
        root: Path,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        gc_every: int = DEFAULT_GC_EVERY,
        graph_every: int = DEFAULT_GRAPH_EVERY,
        fsync: bool = True,
        schedule: Callable[[int, str], None] | None = None,
    ) -> None:
        self.root = Path(root)
        # Where housekeeping goes instead of a thread of this process (a shared job queue):
        # schedule(course_id, "gc" | "graph").
        self.schedule = schedule
        self.pool_size = pool_size
        self.gc_every = gc_every
        self.graph_every = graph_every
        self.fsync = fsync
        self._lock = threading.Lock()
        self._pool: list[tuple[int, int, ObjectReader]] = []  # (course id, generation, reader)
        self._pool_pid = os.getpid()
        self._generation: dict[int, int] = {}
        self._housekeepers: dict[int, threading.Thread] = {}

    # -- locations --------------------------------------------------------------------------

    def path_for(self, course_id: int) -> Path:
        """Return the path of a course's bare repository (whether or not it exists)."""
        if isinstance(course_id, bool) or not isinstance(course_id, int) or course_id < 0:
            raise ValueError(f"course ids are non-negative integers, not {course_id!r}")
        return self.root / f"{course_id}.git"

    def lock_path_for(self, course_id: int) -> Path:
        """Return the path of the course's write lock file, beside (not in) its repository."""
        return self.path_for(course_id).with_suffix(".lock")

    def index_lock(self, course_id: int) -> AbstractContextManager[bool]:
        """Return a context holding the course's history-index lock if it is free (it yields
        whether it is held): one process at a time brings a course's index up to date."""
        return try_lock(self.path_for(course_id).with_suffix(".index-lock"))

    def exists(self, course_id: int) -> bool:
        """Return True if the course has a repository."""
        return (self.path_for(course_id) / "objects").is_dir()

    # -- lifecycle --------------------------------------------------------------------------

    def create(
        self, course_id: int, files: Mapping[str, bytes], author: Author, message: str
    ) -> str:
        """Return the first commit of a new course repository holding `files`.

        The repository is built under a temporary name and renamed into place, so it either
        appears complete or not at all.
        """
        path = self.path_for(course_id)
        if path.exists():
            raise RepositoryExists(course_id)
        self.root.mkdir(parents=True, exist_ok=True)
        building = self.root / f".{course_id}.git.new-{uuid.uuid4().hex[:12]}"
        try:
            init_repository(building)
            changes = [Write(name, data) for name, data in files.items()]
            lock = self.lock_path_for(course_id)
            with CourseRepo(building, lock_path=lock, fsync=self.fsync) as repo:
                result = repo.commit(changes, author, message or "Create the course", base=None)
            try:
                os.rename(building, path)
            except OSError as exc:
                raise RepositoryExists(course_id) from exc
        finally:
            if building.exists():
                shutil.rmtree(building, ignore_errors=True)
        return result.commit

    def open(self, course_id: int, env: Mapping[str, str] | None = None) -> CourseRepo:
        """Return the course's repository; close() it when done (or use `with`).

        `env` adds git environment variables, for example the quarantine directory a push
        hook receives (see runner.PASS_THROUGH); such repositories are not pooled.
        """
        path = self.path_for(course_id)
        if not (path / "objects").is_dir():
            raise RepositoryMissing(course_id)
        if env:
            return CourseRepo(path, lock_path=self.lock_path_for(course_id), env=env)
        with self._lock:
            self._forget_after_fork()
            generation = self._generation.get(course_id, 0)
            reader = None
            for index in range(len(self._pool) - 1, -1, -1):  # newest first: warmest cache
                if self._pool[index][:2] == (course_id, generation):
                    reader = self._pool.pop(index)[2]
                    break
        if reader is None:
            reader = ObjectReader(open_gitpython(path))
        return CourseRepo(
            path,
            lock_path=self.lock_path_for(course_id),
            reader=reader,
            release=partial(self._give_back, course_id, generation),
            after_commit=partial(self._count_commit, course_id),
            fsync=self.fsync,
        )

    def bundle(self, course_id: int, target: Path) -> bool:
        """Write every ref and object of the course into a git bundle at `target` (a
        consistent copy even while saves and pushes go on: refs are read once, then their
        objects, which never change); return False for a course with no commits yet."""
        path = self.path_for(course_id)
        if not path.exists():
            raise RepositoryMissing(course_id)
        if not run_git(path, ["for-each-ref", "--count=1"]).stdout.strip():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        run_git(path, ["bundle", "create", "--quiet", str(target), "--all"], timeout=3600)
        return True

    def restore_bundle(self, course_id: int, bundle: Path) -> None:
        """Make the course's repository from a bundle `bundle` wrote: a new bare repository
        with this product's settings, every ref as it was; refuses to overwrite one."""
        path = self.path_for(course_id)
        if path.exists():
            raise RepositoryExists(course_id)
        self.root.mkdir(parents=True, exist_ok=True)
        building = self.root / f".{course_id}.git.restore-{uuid.uuid4().hex[:12]}"
        try:
            init_repository(building)
            run_git(building, ["bundle", "verify", "--quiet", str(bundle)])
            run_git(building, ["fetch", "--quiet", str(bundle), "+refs/*:refs/*"], timeout=3600)
            run_git(building, ["symbolic-ref", "HEAD", "refs/heads/main"])
            os.rename(building, path)
        finally:
            if building.exists():
                shutil.rmtree(building, ignore_errors=True)

    def delete(self, course_id: int) -> None:
        """Remove a course's repository and its lock file for good."""
        path = self.path_for(course_id)
        if not path.exists():
            raise RepositoryMissing(course_id)
        lock = self.lock_path_for(course_id)
        with course_lock(lock):
            doomed = self.root / f".{course_id}.git.deleted-{uuid.uuid4().hex[:12]}"
            os.rename(path, doomed)
            with self._lock:
                self._generation[course_id] = self._generation.get(course_id, 0) + 1
                stale = [entry for entry in self._pool if entry[0] == course_id]
                self._pool = [entry for entry in self._pool if entry[0] != course_id]
            for _, _, reader in stale:
                reader.close()
            shutil.rmtree(doomed, ignore_errors=True)
            lock.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop the git processes of every pooled repository."""
        with self._lock:
            pooled, self._pool = self._pool, []
        for _, _, reader in pooled:
            reader.close()

    # -- pool -------------------------------------------------------------------------------

    def _forget_after_fork(self) -> None:
        """Drop (without closing) readers inherited from a parent process: they are its own."""
        if self._pool_pid != os.getpid():
            self._pool = []
            self._housekeepers = {}
            self._pool_pid = os.getpid()

    def _give_back(self, course_id: int, generation: int, reader: ObjectReader) -> None:
        """Keep a released reader for reuse, closing the oldest one if the pool is full."""
        evicted: list[ObjectReader] = []
        with self._lock:
            self._forget_after_fork()
            if generation != self._generation.get(course_id, 0) or self.pool_size <= 0:
                evicted.append(reader)
            else:
                self._pool.append((course_id, generation, reader))
                while len(self._pool) > self.pool_size:
                    evicted.append(self._pool.pop(0)[2])
        for old in evicted:
            old.close()

    # -- housekeeping -----------------------------------------------------------------------

    def gc(self, course_id: int) -> None:
        """Run full housekeeping on a course now, in this thread."""
        path = self.path_for(course_id)
        if not (path / "objects").is_dir():
            raise RepositoryMissing(course_id)
        housekeep(path)

    def _count_commit(self, course_id: int, saves: int) -> None:
        """Start background housekeeping when the course's save count says it is due.

        Every `graph_every` saves the commit-graph gains a small layer for the new commits
        (about 10 ms), which keeps file history on the fast path; every `gc_every` saves
        loose objects are packed too. The count is shared by all server processes.
        """
        if self.gc_every > 0 and saves % self.gc_every == 0:
            kind, task = "gc", partial(housekeep, wait=False)
        elif self.graph_every > 0 and saves % self.graph_every == 0:
            kind, task = "graph", partial(refresh_commit_graph, wait=False)
        else:
            return
        if self.schedule is not None:
            try:
                self.schedule(course_id, kind)
                return
            except Exception:  # a queue that is down must not stop the save: do it here
                logger.exception("could not queue housekeeping of course %s", course_id)
        with self._lock:
            self._forget_after_fork()
            running = self._housekeepers.get(course_id)
            if running is not None and running.is_alive():
                return  # the next trigger will catch up
            thread = threading.Thread(
                target=self._housekeep_quietly,
                args=(course_id, task),
                name=f"course-{course_id}-housekeeping",
                daemon=True,
            )
            self._housekeepers[course_id] = thread
        thread.start()

    def housekeep_now(self, course_id: int, kind: str) -> None:
        """Run a queued housekeeping step ("gc" or "graph") for the course, in this thread."""
        task = partial(housekeep if kind == "gc" else refresh_commit_graph, wait=False)
        self._housekeep_quietly(course_id, task)

    def _housekeep_quietly(self, course_id: int, task: Callable[[Path], None]) -> None:
        """Run a housekeeping task; a failure must never reach the teacher who saved."""
        try:
            task(self.path_for(course_id))
        except Exception:  # logged; the next trigger tries again
            logger.exception("housekeeping of course %s failed", course_id)

    def wait_for_housekeeping(self, timeout: float | None = None) -> None:
        """Block until background housekeeping started by this store has finished."""
        with self._lock:
            threads = list(self._housekeepers.values())
        for thread in threads:
            thread.join(timeout)
