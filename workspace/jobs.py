"""Background work: one small interface, three ways to run it.

Work that can wait (sending email, indexing a commit for search, fanning activity out to
inboxes, housekeeping) is a *job*: a function registered under a name, called with keyword
arguments that JSON can carry (ids, not rows), in an app context of its own, acting as nobody.

    jobs.register("search.index_course", search.index_course)   # in create_app
    ctx.jobs.enqueue("search.index_course", course_id=3)          # in a use case or subscriber

How jobs run depends on the configuration:

- by default, in a small thread pool inside the app process (`JOBS_THREADS`, 2): nothing to
  install or start, which is what the README's run command needs;
- with `REDIS_URL` set (`WORKSPACE_REDIS_URL=redis://...`), on a real queue in Redis (RQ):
  `workspace worker` runs the worker, and several app servers share one queue;
- with `JOBS_MODE = "inline"`, at once in the caller's thread (in its own app context and
  database session): the tests use it so what a request caused is done when it returns.

A job that fails is logged with its name and arguments and does not stop the others; RQ
keeps failed jobs in its failed registry and retries them (`JOBS_RETRIES`, 2).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)

Job = Callable[..., None]
QUEUE_NAME = "workspace"


class JobError(Exception):
    """A job that cannot be enqueued (an unknown name, arguments JSON cannot carry)."""


class Jobs:
    """The app's jobs: what is registered, and the queue they go to."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.registry: dict[str, Job] = {}
        self.mode = _mode(app)
        self._pool: ThreadPoolExecutor | None = None
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()
        self._queue: Any = None

    def register(self, name: str, function: Job) -> None:
        """Return nothing; run `function(ctx, **arguments)` for jobs named `name`."""
        self.registry[name] = function

    def enqueue(self, name: str, /, **arguments: Any) -> None:
        """Return nothing, once the job `name` is queued (or, inline, done)."""
        if name not in self.registry:
            raise JobError(f"There is no job named {name!r}.")
        _check_arguments(name, arguments)
        if self.mode == "inline":
            self.run(name, arguments)
        elif self.mode == "redis":
            self._redis_queue().enqueue(
                run_queued,
                name,
                arguments,
                job_timeout=int(self.app.config.get("JOBS_TIMEOUT_SECONDS") or 600),
                retry=_retry(self.app),
                description=name,
            )
        else:
            with self._lock:
                if self._pool is None:
                    threads = int(self.app.config.get("JOBS_THREADS") or 2)
                    self._pool = ThreadPoolExecutor(threads, thread_name_prefix="job")
                future = self._pool.submit(self.run, name, arguments)
                self._pending.add(future)
            future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def run(self, name: str, arguments: dict[str, Any], *, raise_errors: bool = False) -> None:
        """Return nothing, after running the job in an app context of its own."""
        from .runtime import announce, ctx

        with self.app.app_context():
            from .extensions import db

            try:
                self.registry[name](ctx(app=self.app), **arguments)
                announce(self.app)
            except Exception:
                db.session.rollback()
                log.exception("The job %s(%r) failed", name, arguments)
                if raise_errors:
                    raise
            finally:
                db.session.remove()

    def drain(self, timeout: float = 30.0) -> bool:
        """Return True once every in-process job queued so far has finished (False on
        timeout); in the other modes there is nothing to wait for here."""
        with self._lock:
            pending = set(self._pending)
        if not pending:
            return True
        done, not_done = wait(pending, timeout=timeout)
        return not not_done

    def close(self) -> None:
        """Return nothing, once the thread pool has finished its jobs and stopped."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _redis_queue(self) -> Any:
        if self._queue is None:
            from redis import Redis
            from rq import Queue

            connection = Redis.from_url(self.app.config["REDIS_URL"])
            self._queue = Queue(
                self.app.config.get("JOBS_QUEUE") or QUEUE_NAME, connection=connection
            )
        return self._queue

    def worker(self, *, burst: bool = False, fork: bool = True) -> bool:
        """Run an RQ worker on this app's queue until stopped (or, with `burst`, until the
        queue is empty); return whether it worked any job. `fork=False` runs jobs in this
        process (a SimpleWorker), as the tests do."""
        if self.mode != "redis":
            raise JobError(
                "Set WORKSPACE_REDIS_URL (for example redis://127.0.0.1:6379/0) to run a worker; "
                "without it, jobs run inside the app."
            )
        from rq import SimpleWorker, Worker

        global _worker_app
        _worker_app = self.app
        kind = Worker if fork else SimpleWorker
        queue = self._redis_queue()
        return bool(kind([queue], connection=queue.connection).work(burst=burst))


def _mode(app: Flask) -> str:
    mode = app.config.get("JOBS_MODE")
    if mode in ("inline", "thread", "redis"):
        if mode == "redis" and not app.config.get("REDIS_URL"):
            raise JobError("JOBS_MODE is redis but REDIS_URL is not set.")
        return str(mode)
    return "redis" if app.config.get("REDIS_URL") else "thread"


def _retry(app: Flask) -> Any:
    retries = int(app.config.get("JOBS_RETRIES", 2) or 0)
    if not retries:
        return None
    from rq import Retry

    return Retry(max=retries, interval=[10, 60][:retries] or 10)


def _check_arguments(name: str, arguments: dict[str, Any]) -> None:
    import json

    try:
        json.dumps(arguments)
    except (TypeError, ValueError):
        raise JobError(
            f"The job {name!r} takes arguments JSON can carry (ids, text, numbers), not "
            f"{sorted(arguments)!r} as given."
        ) from None


# The app a worker process runs jobs for (set by Jobs.worker before it starts working).
_worker_app: Flask | None = None


def run_queued(name: str, arguments: dict[str, Any]) -> None:
    """Run a job taken from the Redis queue (RQ calls this by its import path)."""
    app = _worker_app
    if app is None:
        raise JobError("Jobs run in `workspace worker`, which knows the app; not `rq worker`.")
    jobs_of(app).run(name, arguments, raise_errors=True)


def jobs_of(app: Flask) -> Jobs:
    """Return the app's Jobs (made by create_app)."""
    found = app.extensions.get("jobs")
    if found is None:
        found = app.extensions["jobs"] = Jobs(app)
    return found  # type: ignore[no-any-return]
