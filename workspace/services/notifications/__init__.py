"""Notifications: who is told what happened (mentions, replies, cycle phases, invitations,
join and resource requests), each person's inbox and settings, and email at once or daily."""

from __future__ import annotations

from ._notify import (
    KINDS,
    InboxPage,
    Preference,
    SettingsError,
    as_json,
    inbox,
    mark_read,
    notify,
    on_invited,
    on_join_requested,
    on_request_changed,
    on_study_moved,
    on_thread_posted,
    preferences,
    send_digest,
    set_preferences,
    unread_count,
)

__all__ = [
    "KINDS",
    "InboxPage",
    "Preference",
    "SettingsError",
    "as_json",
    "inbox",
    "mark_read",
    "notify",
    "on_invited",
    "on_join_requested",
    "on_request_changed",
    "on_study_moved",
    "on_thread_posted",
    "preferences",
    "send_digest",
    "set_preferences",
    "unread_count",
]
