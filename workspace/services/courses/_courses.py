"""Course use cases: create a course with its repository, change settings, archive, delete.

Views check *whether* the acting user may do a thing (access.require_course); these functions
keep the database row and the course repository in step. A course row never exists without
its repository: creating rolls the row back if the repository cannot be made, and deleting
removes the row first so a failure leaves at most an unused folder, never a broken course.
Rule violations raise CourseError with a message for people.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...content import CourseFileError, new_course_files, update_course_fields
from ...events import OutlineChanged
from ...git import Write
from ...git.errors import GitStoreError
from ...models import Activity, Course, CourseRedirect, Network, User
from ...models._base import utcnow
from ..context import Ctx

log = logging.getLogger(__name__)

COURSE_FILE = "course.yaml"
# Words that name network pages at /n/<net>/<word>, so a course may not take them.
RESERVED_SLUGS = frozenset(
    {
        "members", "settings", "invitations", "invite", "join", "leave", "courses", "partners",
        "studies", "activity", "new", "edit", "git", "requests", "standards",
    }
)  # fmt: skip
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
LICENSES = [
    ("CC-BY-4.0", "CC BY 4.0: others may reuse and adapt with credit"),
    ("CC-BY-SA-4.0", "CC BY-SA 4.0: with credit, adaptations under the same license"),
    ("CC-BY-NC-4.0", "CC BY-NC 4.0: with credit, not for commercial use"),
    ("CC0-1.0", "CC0 1.0: public domain, no conditions"),
    ("All rights reserved", "All rights reserved"),
]
GRADE_BANDS = [("K-2", "K-2"), ("3-5", "3-5"), ("6-8", "6-8"), ("9-12", "9-12")]


class CourseError(Exception):
    """A rule of courses was broken; `message` is shown to the user, `field` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class CourseSlugError(CourseError):
    """A course short name that is malformed, reserved or taken."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="slug")


@dataclass(frozen=True)
class CourseFields:
    """What a new course is made of."""

    title: str
    slug: str
    subject: str = ""
    grade_band: str = ""
    description: str = ""
    license: str = "CC-BY-4.0"


def check_course_slug(slug: str) -> str:
    """Return the slug if it is well formed and not reserved; else raise CourseSlugError."""
    if not 2 <= len(slug) <= 64 or not SLUG_PATTERN.match(slug):
        raise CourseSlugError(
            "Use 2 to 64 lowercase letters, digits and dashes, starting and ending with a "
            "letter or digit."
        )
    if slug in RESERVED_SLUGS:
        raise CourseSlugError(f"\u201c{slug}\u201d names a page of the network; choose another.")
    return slug


def _taken(slug: str) -> CourseSlugError:
    return CourseSlugError(f"This network already has a course called \u201c{slug}\u201d.")


def _check_free(session: Session, network: Network, slug: str, course: Course | None) -> None:
    taken = session.scalar(select(Course).filter_by(network_id=network.id, slug=slug))
    if taken is not None and taken is not course:
        raise _taken(slug)


def _release_redirect(session: Session, network: Network, slug: str) -> None:
    # An old name taken by a course again now belongs to that course: the old link would be
    # shadowed anyway, and a dangling redirect could come back to life after another rename.
    session.execute(
        delete(CourseRedirect).filter_by(network_id=network.id, old_slug=slug),
        execution_options={"synchronize_session": False},
    )


def _activity(
    session: Session, course: Course, actor: User, verb: str, text: str, commit: str | None = None
) -> None:
    session.add(
        Activity(
            network_id=course.network_id,
            course_id=course.id,
            actor_id=actor.id,
            verb=verb,
            summary=f"{actor.display_name} {text}"[:300],
            commit=commit,
        )
    )


def network_courses(session: Session, network: Network) -> list[Course]:
    """Return the network's courses, active ones first, each group by title."""
    return list(
        session.scalars(
            select(Course)
            .filter_by(network_id=network.id)
            .order_by(Course.archived_at.is_not(None), Course.title, Course.id)
        )
    )


def create_course(ctx: Ctx, network: Network, fields: CourseFields) -> Course:
    """Return the new course, committed with its repository and first commit by `user`.

    Commits the session (the repository must not outlive a failed insert, nor the row a
    failed repository).
    """
    session, store, user = ctx.session, ctx.store, ctx.actor
    slug = check_course_slug(fields.slug)
    _check_free(session, network, slug, None)
    try:
        files = new_course_files(
            title=fields.title,
            subject=fields.subject,
            grade_band=fields.grade_band,
            license=fields.license,
            description=fields.description,
        )
    except CourseFileError as exc:
        problem = exc.problems[0] if exc.problems else None
        raise CourseError(exc.message, field=problem.field if problem else None) from None
    course = Course(
        network_id=network.id,
        slug=slug,
        title=fields.title,
        subject=fields.subject,
        grade_band=fields.grade_band,
        description=fields.description,
        license=fields.license,
        created_by_id=user.id,
    )
    session.add(course)
    _release_redirect(session, network, slug)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise _taken(slug) from None
    try:
        sha = store.create(
            course.id, files, ctx.settings.author(user), f"Create course: {fields.title}"
        )
    except GitStoreError:
        session.rollback()
        raise
    text = f"created the course \u201c{fields.title}\u201d"
    _activity(session, course, user, "created", text, sha)
    try:
        session.commit()
    except Exception:
        session.rollback()
        store.delete(course.id)
        raise
    ctx.events.emit(OutlineChanged(course.id, sha, user.id, "created the course"))
    return course


def update_course(
    ctx: Ctx,
    course: Course,
    *,
    title: str,
    slug: str,
    description: str,
    license: str,
) -> list[str]:
    """Return the names of the settings that changed, after saving them (commits the session).

    Title, description and license are also written to course.yaml as a commit by `user`;
    a new slug keeps the old one working as a redirect.
    """
    session, user = ctx.session, ctx.actor
    if course.is_archived:
        raise CourseError("The course is archived: unarchive it to change its settings.")
    slug = check_course_slug(slug)
    network = course.network
    old_slug = course.slug
    content = {"title": title, "description": description, "license": license}
    changed = [name for name, value in content.items() if getattr(course, name) != value]
    if slug != old_slug:
        _check_free(session, network, slug, course)
        changed.append("slug")
        _release_redirect(session, network, slug)
        session.add(CourseRedirect(network_id=network.id, old_slug=old_slug, course_id=course.id))
        course.slug = slug
    if not changed:
        return []
    for name in content:
        setattr(course, name, content[name])
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise _taken(slug) from None
    sha = None
    in_file = {name: content[name] for name in changed if name in content}
    if in_file:
        sha = _write_course_file(ctx, course, in_file)
    _activity(session, course, user, "updated", f"changed the settings of \u201c{title}\u201d", sha)
    if "slug" in changed:
        _activity(session, course, user, "renamed", f"renamed the course {old_slug} to {slug}")
    session.commit()
    if sha is not None:
        ctx.events.emit(OutlineChanged(course.id, sha, user.id, "changed the course settings"))
    return changed


def _write_course_file(ctx: Ctx, course: Course, changes: dict[str, str]) -> str | None:
    """Return the commit writing `changes` into course.yaml (None if it already had them)."""
    with ctx.store.open(course.id) as repo:
        head = repo.head()
        text = repo.read_file(COURSE_FILE, head).decode("utf-8")
        # An empty description leaves the file rather than writing `description: ""`.
        updated = update_course_fields(text, **{k: v or None for k, v in changes.items()})
        if updated == text:
            return None
        message = "Update course settings: " + ", ".join(sorted(changes))
        result = repo.commit(
            [Write(COURSE_FILE, updated.encode("utf-8"))],
            ctx.settings.author(ctx.actor),
            message,
            base=head,
        )
        return result.commit


def set_archived(ctx: Ctx, course: Course, archived: bool) -> None:
    """Archive (read-only for everyone) or unarchive the course; commits the session."""
    session, user = ctx.session, ctx.actor
    if course.is_archived == archived:
        return
    course.archived_at = utcnow() if archived else None
    verb = "archived" if archived else "unarchived"
    _activity(session, course, user, verb, f"{verb} the course \u201c{course.title}\u201d")
    session.commit()


def delete_course(ctx: Ctx, course: Course, confirmation: str) -> None:
    """Delete the course row and its repository, when `confirmation` is the course's slug."""
    session, store, user = ctx.session, ctx.store, ctx.actor
    if confirmation.strip() != course.slug:
        raise CourseError(
            f"Type \u201c{course.slug}\u201d exactly to confirm deleting this course.",
            field="confirmation",
        )
    course_id, network_id, title = course.id, course.network_id, course.title
    session.delete(course)
    session.add(
        Activity(
            network_id=network_id,
            actor_id=user.id,
            verb="deleted",
            summary=f"{user.display_name} deleted the course \u201c{title}\u201d"[:300],
        )
    )
    session.commit()
    try:
        store.delete(course_id)
    except (GitStoreError, OSError):
        # The course is gone for everyone; an orphaned folder only costs disk space.
        log.exception("Could not delete the repository of deleted course %s", course_id)
