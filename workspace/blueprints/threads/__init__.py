"""The review threads' pages: open a thread on a lesson, reply, edit or delete your comment,
resolve and reopen, a thread's own page, and a course's threads. Every action is a plain form
(no JavaScript needed); the lesson page shows its threads beside the text."""

from __future__ import annotations

from .views import bp

__all__ = ["bp"]
