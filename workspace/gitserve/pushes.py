"""After a push: what it changed, recorded in the network's activity feed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sqlalchemy.orm import Session

from .. import events
from ..models import Activity, Course, User
from .rules import MAIN_REF, ZERO_SHA, RefUpdate, parse_updates


def read_push_report(path: Path) -> list[RefUpdate]:
    """Return the ref updates the post-receive hook wrote (none if the push was refused)."""
    try:
        text = path.read_text("ascii", errors="replace")
    except FileNotFoundError:
        return []
    return parse_updates(text.splitlines())


def main_update(updates: list[RefUpdate]) -> RefUpdate | None:
    """Return the update that moved main forward, or None."""
    for update in updates:
        if update.ref == MAIN_REF and not update.deletes:
            return update
    return None


def count_commits(git_dir: Path, update: RefUpdate) -> int:
    """Return how many commits the update added to the ref's history."""
    args = [update.new] if update.creates else [update.new, f"^{update.old}"]
    proc = subprocess.run(  # noqa: S603 (fixed executable, ids from git itself)
        ["git", f"--git-dir={git_dir}", "rev-list", "--count", *args],  # noqa: S607
        capture_output=True,
        check=True,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": os.devnull,
        },
    )
    return int(proc.stdout.strip() or 0)


def record_push(
    session: Session, course: Course, actor: User | None, update: RefUpdate, commits: int
) -> Activity:
    """Return the new activity line for a push to main (added to the session, not committed)."""
    plural = "" if commits == 1 else "s"
    activity = Activity(
        network_id=course.network_id,
        course_id=course.id,
        actor_id=actor.id if actor is not None else None,
        verb="pushed",
        summary=f"Pushed {commits} commit{plural}",
        commit=update.new,
    )
    session.add(activity)
    return activity


def announce_change(course: Course, old: str | None, new: str) -> None:
    """Tell the rest of the app that the course's main moved from `old` to `new`."""
    events.course_changed(course, None if old in (None, ZERO_SHA) else old, new)
