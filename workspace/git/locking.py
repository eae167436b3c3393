"""The per-course write lock: one writer at a time across threads and worker processes."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ConcurrentUpdateError

LOCK_TIMEOUT = 30.0

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    """Return this process's lock for `path`, so threads queue before touching the file."""
    key = str(path)
    with _thread_locks_guard:
        lock = _thread_locks.get(key)
        if lock is None:
            lock = _thread_locks[key] = threading.Lock()
        return lock


class HeldLock:
    """The course lock while held; its file also counts the saves made through it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def count_save(self) -> int:
        """Return the number of saves landed so far, counting one more.

        The count lives in the lock file, so every worker process of the server sees the
        same number; it decides when housekeeping is due.
        """
        raw = os.pread(self.fd, 32, 0).strip()
        count = (int(raw) if raw.isdigit() else 0) + 1
        os.pwrite(self.fd, b"%020d\n" % count, 0)  # fixed width: no truncation needed
        return count


@contextmanager
def course_lock(lock_path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[HeldLock]:
    """Hold the write lock of one course for the duration of the block.

    Threads of one process wait on a threading.Lock (with a timeout); processes then exclude
    each other with flock on a file beside the repository, never inside it, so git never
    sees it. The lock file is never deleted while in use: deleting a flock file lets two
    holders in at once.
    """
    local = _thread_lock(lock_path)
    if not local.acquire(timeout=timeout):
        raise ConcurrentUpdateError(
            "The course is busy with other saves right now. Nothing was lost: please save again."
        )
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield HeldLock(fd)
        finally:
            os.close(fd)  # closing releases the flock
    finally:
        local.release()


@contextmanager
def try_lock(lock_path: Path) -> Iterator[bool]:
    """Hold the lock file `lock_path` for the block if nobody else holds it; yield whether
    it is held (False: someone else is at the same work, so there is no need to wait)."""
    local = _thread_lock(lock_path)
    if not local.acquire(blocking=False):
        yield False
        return
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)
    finally:
        local.release()
