"""A link written by hand and pushed with git shows on the resource page: the index of lessons
linking resources follows pushes (an added entry, a renamed lesson, a removed entry) through
the event that announces them, before anyone opens a page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from githttp_support import LiveServer, make_token
from partners_support import PATH, client_as, resource_page
from partners_support import make_partner_school as make_school

from workspace.extensions import db
from workspace.models import ResourceUse


@pytest.fixture
def live(app: Any) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.stop()


def _indexed(course: Any, paths: set[str]) -> None:
    """Wait until the index says exactly `paths` of the course link a resource."""
    found: set[str] = set()
    for _ in range(250):
        db.session.rollback()
        found = set(db.session.scalars(db.select(ResourceUse.path).filter_by(course_id=course.id)))
        if found == paths:
            return
        time.sleep(0.02)
    pytest.fail(f"the index did not follow the push: {found}, wanted {paths}")


def test_a_pushed_link_shows_on_the_resource_page_and_follows_renames_and_removals(
    app: Any, live: LiveServer, tmp_path: Path, make_user: Any, make_network: Any
) -> None:
    school = make_school(make_user, make_network)
    git = live.client(tmp_path)
    work = tmp_path / "work"
    git.clone(git.url("school", "physics", make_token(school["member"])), work)
    lesson = work / PATH
    text = lesson.read_text()
    resource = school["visit"]
    entry = (
        f"resources:\n- id: {resource.id}  # typed by hand\n"
        "  title: The test track\n  url: https://acme.example/visit\n"
    )
    lesson.write_text(text.replace("---\n\n# Launch", entry + "---\n\n# Launch"))
    git.run("commit", "-qam", "Link the test track visit", cwd=work)
    git.run("push", "-q", "origin", "main", cwd=work)
    _indexed(school["course"], {PATH})

    page = client_as(app, school["member"]).get(resource_page(resource)).get_data(as_text=True)
    assert "Lessons that use it" in page
    assert 'href="/n/school/physics/lessons/motion/ramps">Rolling down ramps</a>' in page

    moved = "units/motion/lessons/ramps-and-slopes.md"
    git.run("mv", PATH, moved, cwd=work)
    git.run("commit", "-qm", "Rename the ramps lesson", cwd=work)
    git.run("push", "-q", "origin", "main", cwd=work)
    _indexed(school["course"], {moved})

    (work / moved).write_text(text)
    git.run("commit", "-qam", "No visit after all", cwd=work)
    git.run("push", "-q", "origin", "main", cwd=work)
    _indexed(school["course"], set())
    page = client_as(app, school["member"]).get(resource_page(resource)).get_data(as_text=True)
    assert "No lesson links it yet." in page
