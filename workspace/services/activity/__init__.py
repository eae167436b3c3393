"""Activity feeds per network, course and person, built from what was recorded as it
happened: commits (web and push), threads and replies, cycle phases, members."""

from __future__ import annotations

from ._feeds import PAGE, FeedPage, feed, record_resource, record_study, record_thread

__all__ = ["PAGE", "FeedPage", "feed", "record_resource", "record_study", "record_thread"]
