"""Which lessons link which resources: `resource_uses`, an index of the lessons' front matter.

The lessons' `resources:` lists in Git are the truth; the index lets a resource page list every
lesson linking it across the network's courses without reading them all. It is brought up to
the course's newest version whenever the course changes (any CourseChanged: web saves, renames,
deletions, unit renames, restores and pushes, wired in create_app): the lesson files whose
contents differ from the version indexed last are read again, and only those. Working from the
last indexed version rather than from each event's own commit means a missed or out-of-order
event is made good by the next one.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from ...content import ContentError, lesson_meta, parse_lesson
from ...content.paths import parse_lesson_path
from ...content.resource_links import linked_ids
from ...git import CourseRepo, GitStoreError, PathNotFound
from ...models import Course, Network, Resource, ResourceIndex, ResourceUse
from ..context import Ctx


def _lesson_blobs(repo: CourseRepo, rev: str) -> dict[str, str]:
    """Return {lesson file path: blob id} at `rev`."""
    try:
        entries = repo.list_tree(rev, prefix="units")
    except PathNotFound:
        return {}
    return {
        e.path: e.blob_id
        for e in entries
        if e.kind == "blob" and parse_lesson_path(e.path) is not None
    }


def _links_in(data: bytes) -> tuple[str, list[int]]:
    """Return a lesson's title and the resource ids its front matter links (none if unreadable)."""
    try:
        front = parse_lesson(data.decode("utf-8", "replace")).front_matter
    except ContentError:
        return "", []
    ids = [int(i) for i in linked_ids(front) if i.isdigit() and len(i) < 12]
    return lesson_meta(front).title[:200], ids


def index_course(ctx: Ctx, course_id: int) -> int:
    """Return how many lesson files were read again to bring the course's index up to its
    newest version (0 when it already was); the rows are flushed, not committed."""
    course = ctx.session.get(Course, course_id)
    if course is None or not ctx.store.exists(course_id):
        return 0
    state = ctx.session.get(ResourceIndex, course_id)
    with ctx.store.open(course_id) as repo:
        head = repo.head()
        if head is None or (state is not None and state.commit == head):
            return 0
        new = _lesson_blobs(repo, head)
        old: dict[str, str] = {}
        if state is not None:
            try:
                old = _lesson_blobs(repo, state.commit)
            except GitStoreError:
                state = None  # the indexed version is unknown here: index everything
        changed = [path for path, blob in new.items() if old.get(path) != blob]
        read = {path: _links_in(repo.read_file(path, head)) for path in changed}
    stale = delete(ResourceUse).where(ResourceUse.course_id == course_id)
    if state is not None:
        stale = stale.where(ResourceUse.path.in_([*changed, *(set(old) - set(new))]))
    ctx.session.execute(stale)
    wanted = {i for _title, ids in read.values() for i in ids}
    known = set(
        ctx.session.scalars(
            select(Resource.id).where(
                Resource.id.in_(wanted), Resource.network_id == course.network_id
            )
        )
    )
    for path, (title, ids) in read.items():
        for resource_id in dict.fromkeys(i for i in ids if i in known):
            ctx.session.add(
                ResourceUse(resource_id=resource_id, course_id=course_id, path=path, title=title)
            )
    if state is None:
        ctx.session.add(ResourceIndex(course_id=course_id, commit=head))
    else:
        state.commit = head
    ctx.session.flush()
    return len(changed)


def index_network(ctx: Ctx, network: Network) -> int:
    """Return how many lesson files were read to bring every course of the network's index
    up to date (a resource page asks, so a course never indexed yet is indexed then)."""
    course_ids = ctx.session.scalars(select(Course.id).where(Course.network_id == network.id))
    return sum(index_course(ctx, course_id) for course_id in list(course_ids))
