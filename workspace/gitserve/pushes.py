"""After a push: what it changed, recorded in the network's activity feed and the course row."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ..content import COURSE_FIELDS, COURSE_FILE, CourseFileError, changed_settings, parse_course
from ..events import CoursePushed
from ..git.runner import run_git
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
    proc = run_git(git_dir, ["rev-list", "--count", *args])
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


def sync_course_settings(
    session: Session, course: Course, git_dir: Path, new_commit: str, old_commit: str | None = None
) -> list[str]:
    """Return the course settings copied from course.yaml at `new_commit` into the row.

    Only the settings that changed since `old_commit` (all of them without one) are copied,
    so a push that leaves them alone never touches what the settings page last wrote. A
    course.yaml that cannot be read changes nothing (the push rules refuse such files). The
    row is changed in the session, not committed.
    """
    new = _course_file(git_dir, new_commit)
    if new is None:
        return []
    old = _course_file(git_dir, old_commit) if old_commit not in (None, ZERO_SHA) else None
    try:
        outline = parse_course(new.decode("utf-8"))
    except (UnicodeDecodeError, CourseFileError):
        return []
    changed = [name for name in changed_settings(old, new) if name in COURSE_FIELDS]
    copied = []
    for name in changed:
        value = getattr(outline, name) or ""
        if name == "title" and not value.strip():
            continue
        # The row keeps what its column holds; the push rules refuse longer values.
        limit = getattr(Course.__table__.c[name].type, "length", None)
        value = value.strip()[:limit] if limit else value.strip()
        if getattr(course, name) != value:
            setattr(course, name, value)
            copied.append(name)
    return copied


def _course_file(git_dir: Path, commit: str | None) -> bytes | None:
    """Return course.yaml at `commit`, or None when there is none."""
    if commit is None:
        return None
    proc = run_git(git_dir, ["cat-file", "blob", f"{commit}:{COURSE_FILE}"], ok_codes=(0, 128))
    return proc.stdout if proc.returncode == 0 else None


def push_event(course: Course, actor: User | None, update: RefUpdate, commits: int) -> CoursePushed:
    """Return the event announcing an accepted push that moved main as `update` says."""
    return CoursePushed(
        course_id=course.id,
        commit=update.new,
        actor_id=actor.id if actor is not None else None,
        old=None if update.creates else update.old,
        commits=commits,
    )
