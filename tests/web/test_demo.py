"""The demo seed: a new user can sign in and find a network, a course and its history."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from workspace.extensions import db
from workspace.models import Course, Membership, Network, Study, Thread, User
from workspace.runtime import repo_store
from workspace.services.demo import DEMO_PASSWORD


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Network, Membership, Course, Thread, Study)
    )


def test_seed_demo_prints_a_login_and_running_it_twice_changes_nothing(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert f"maria / {DEMO_PASSWORD}" in first.output
    before = counts()
    course = db.session.scalar(select(Course).filter_by(slug="chemistry"))
    with repo_store().open(course.id) as repo:
        head = repo.head()
        history = repo.history(limit=50).commits
    # The course, two units and three lessons by three teachers, a lesson Priya imported
    # from a Carpentries-style lesson, Sam's revision that outdates one of the demo's review
    # threads, and Priya linking a partner's dataset.
    assert len(history) == 9
    assert "Imported 1 lesson from properties-of-matter.zip" in [c.message.strip() for c in history]
    assert len({c.author_name for c in history}) == 3
    threads = db.session.scalars(select(Thread)).all()
    assert {t.kind for t in threads} == {"evidence", "question", "note"}
    assert any(t.status == "resolved" for t in threads)
    client = app.test_client()
    page = client.get("/n/chem-collab/chemistry/lessons/energy/energy-transfer").text
    assert "Outdated: the lines it was about have changed since" in page
    assert '<span class="mention">@priya</span>' in page
    [cycle] = db.session.scalars(select(Study)).all()
    assert cycle.phase == "revise" and len(cycle.iterations) == 1
    assert len(cycle.iterations[0].observations) == 4
    assert [p.stage for p in cycle.iterations[0].debrief] == [
        "instructor",
        "planning",
        "observers",
        "knowledgeable_other",
    ]
    imported = client.get(
        "/n/chem-collab/chemistry/lessons/properties-of-matter/density-of-everyday-objects"
    ).text
    assert 'alt="A graduated cylinder before and after a stone is lowered in' in imported
    assert "Show the solution" in imported and ":::" not in imported
    assert (
        "Where does the warmth come from?"
        in client.get(f"/n/chem-collab/chemistry/studies/{cycle.id}").text
    )

    lesson = client.get("/n/chem-collab/chemistry/lessons/energy/calorimetry").text
    assert "Hand warmer temperature curves from our lab" in lesson
    assert "Greenfield Chemicals" in lesson
    directory = client.get("/n/chem-collab/partners/").text
    assert "Riverside Unified School District" in directory

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert counts() == before
    with repo_store().open(course.id) as repo:
        assert repo.head() == head


def test_the_login_the_readme_gives_works_and_lands_on_the_persons_network(runner, client):
    printed = runner.invoke(args=["seed-demo"]).output
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"`(\w+)` / `([^`]+)`", readme)
    assert found is not None, "the README gives a demo login"
    username, password = found.groups()
    assert f"{username} / {password}" in printed  # what the README says is what seed prints
    response = client.post(
        "/auth/login", data={"identifier": username, "password": password}, follow_redirects=True
    )
    assert response.status_code == 200
    assert response.request.path == "/n/chem-collab/"  # their network, not the front page
    assert b"Chemistry Teachers Collaborative" in response.data
    course_page = client.get("/n/chem-collab/chemistry/")
    assert course_page.status_code == 200
    assert b"Energy transfer in hand warmers" in course_page.data
