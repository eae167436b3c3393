"""`unchanged`: assert that a refused write left everything people share exactly as it was.

    with unchanged(app, course=school["course"]):
        response = client.post(...)
    assert response.status_code == 403

On entry it snapshots what a write could change: every row of the tables people share (users,
networks, memberships, invitations, join requests, courses, course redirects, the activity feed,
and the partners' catalog, requests, agreements and grants) and, for every repository under
REPOS_ROOT, all of its refs (so the head of `main`). On exit it takes the snapshot again and
fails, naming each difference, if anything moved. The snapshot is the whole site, not just the
course or network named, so a refused write cannot change a neighbour either. `course=` and
`network=` say what the test is about; the snapshot checks they are in it, so two empty
snapshots never pass for "unchanged".

Left out on purpose: caches (rendered HTML, lesson summaries), who has a lesson open, a
teacher's own unsaved drafts, login attempts and token use times, which reads and refused
writes are allowed to touch.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from workspace.extensions import db
from workspace.models import Course, Network

SHARED_TABLES = (
    "users",
    "networks",
    "memberships",
    "invitations",
    "join_requests",
    "courses",
    "course_redirects",
    "activities",
    "partners",
    "partner_members",
    "resources",
    "resource_requests",
    "resource_request_events",
    "pd_agreements",
    "grants",
    "grant_reports",
)

Rows = dict[Any, dict[str, Any]]

# What the error pages (and the API's JSON errors) say when a write is refused outright.
NOT_ALLOWED = "Your role in this network does not allow this."
NOT_FOUND = "There is nothing here, or you do not have access to it."
FORM_EXPIRED = "This form expired or was sent from elsewhere. Please reload and try again."


@dataclass(frozen=True)
class Snapshot:
    """What people share at one moment: rows by table and primary key, refs by repository."""

    rows: dict[str, Rows]
    repos: dict[str, dict[str, str] | None]  # entry under REPOS_ROOT -> {ref: sha}, or None

    def head(self, course: Course) -> str | None:
        """Return the commit `main` pointed at when the snapshot was taken."""
        refs = self.repos.get(f"{course.id}.git") or {}
        return refs.get("refs/heads/main")


def snapshot(app: Flask) -> Snapshot:
    """Return the stored state now, read on a connection of its own (committed data only)."""
    tables = db.metadata.tables
    with db.engine.connect() as conn:
        rows = {}
        for name in SHARED_TABLES:
            table = tables[name]
            keys = list(table.primary_key.columns)
            found = conn.execute(db.select(table).order_by(*keys)).mappings()
            rows[name] = {tuple(row[k.name] for k in keys): dict(row) for row in found}
    root = Path(app.config["REPOS_ROOT"])
    entries = sorted(root.iterdir()) if root.is_dir() else []
    # Write locks live beside the repositories and come and go with any attempt to write.
    repos = {path.name: _refs(path) for path in entries if path.suffix != ".lock"}
    return Snapshot(rows=rows, repos=repos)


def _refs(path: Path) -> dict[str, str] | None:
    """Return every ref of the bare repository at `path` (None if it is not a repository)."""
    if not (path / "HEAD").is_file():
        return None
    listed = subprocess.run(
        ["git", f"--git-dir={path}", "for-each-ref", "--format=%(refname) %(objectname)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split(" ", 1) for line in listed.splitlines())


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    """Return one line per row or ref that was added, removed or changed."""
    found = []
    for name in SHARED_TABLES:
        old, new = before.rows[name], after.rows[name]
        found += [f"{name}: added {new[key]}" for key in new.keys() - old.keys()]
        found += [f"{name}: removed {old[key]}" for key in old.keys() - new.keys()]
        for key in old.keys() & new.keys():
            changed = {
                column: (value, new[key][column])
                for column, value in old[key].items()
                if new[key][column] != value
            }
            if changed:
                found.append(f"{name} {key}: changed (before, after) {changed}")
    for entry in sorted(before.repos.keys() | after.repos.keys()):
        old_refs, new_refs = before.repos.get(entry, "absent"), after.repos.get(entry, "absent")
        if old_refs != new_refs:
            found.append(f"repository {entry}: refs {old_refs} became {new_refs}")
    return found


@contextmanager
def unchanged(
    app: Flask, *, course: Course | None = None, network: Network | None = None
) -> Iterator[Snapshot]:
    """Yield the snapshot taken on entry; on a normal exit assert nothing stored changed."""
    before = snapshot(app)
    if course is not None:
        assert (course.id,) in before.rows["courses"], f"course {course.id} is not stored"
        assert before.head(course), f"course {course.slug} has no repository with a main branch"
    if network is not None:
        assert (network.id,) in before.rows["networks"], f"network {network.slug} is not stored"
    yield before
    changed = differences(before, snapshot(app))
    assert not changed, "a refused write changed what people share:\n" + "\n".join(changed)
