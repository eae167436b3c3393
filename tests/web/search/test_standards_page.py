"""A network's standards page: every code its lessons list, with those lessons across its
courses and a count per code, read from the index (no repository is opened to show it) and
current after web saves and pushes."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from courses_support import make_school
from githttp_support import LiveServer, make_token
from search_support import course_with, lesson_file
from teacher_language import git_words, visible_text

from workspace.extensions import db
from workspace.git import RepoStore
from workspace.models import SearchIndexState
from workspace.runtime import repo_store

PAGE = "/n/school/standards"


@pytest.fixture
def school(app: Any, make_user: Any, make_network: Any) -> dict[str, Any]:
    people = make_school(make_user, make_network)
    lead = people["lead"]
    people["physics"] = course_with(
        people["network"],
        lead,
        "physics",
        {
            "heat": lesson_file("Heat flow", "Spoons.\n", standards=["HS-PS3-2", "HS-PS3-4"]),
            "light": lesson_file("Light", "Lamps.\n", standards=["hs-ps3-2"]),
        },
    )
    people["chemistry"] = course_with(
        people["network"],
        lead,
        "chemistry",
        {"bonds": lesson_file("Bond energy", "Bonds.\n", standards=["HS-PS3-2", "7.RP.A.2"])},
    )
    return people


def _counts(client: Any) -> dict[str, int]:
    """Return the count the page shows for each code, from its index of codes."""
    html = client.get(PAGE).get_data(as_text=True)
    index = html.split('id="standards-index"', 1)[1].split("</nav>", 1)[0]
    return {
        code: int(count)
        for code, count in re.findall(r'">([^<]+)</a> <span class="meta">(\d+)</span>', index)
    }


def test_every_code_is_listed_with_its_lessons_across_courses_and_a_count(
    school: dict[str, Any], client: Any
) -> None:
    client.login_as(school["reader"])
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    counts = _counts(client)
    # Each course also starts with a first lesson that lists HS-ETS1-2.
    assert counts == {"HS-ETS1-2": 2, "HS-PS3-2": 3, "HS-PS3-4": 1, "7.RP.A.2": 1}
    section = html.split('id="standard-HS-PS3-2"', 1)[1].split("</section>", 1)[0]
    assert "Bond energy" in section and "Heat flow" in section and "Light" in section
    assert "Chemistry" in visible_text(section) or "chemistry" in section
    assert 'href="/n/school/physics/standards/HS-PS3-2"' in section
    assert 'href="/n/school/chemistry/lessons/energy/bonds"' in section
    assert "Physical Sciences" in visible_text(section)  # what the code is about
    assert git_words(html) == []
    # The course's own page for a standard links back to the network's.
    course_page = client.get("/n/school/physics/standards/HS-PS3-2").get_data(as_text=True)
    assert f'href="{PAGE}"' in course_page


def test_the_page_is_read_from_the_index_without_opening_a_repository(
    school: dict[str, Any], client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the standards page opened a course repository")

    monkeypatch.setattr(RepoStore, "open", refuse)
    client.login_as(school["member"])
    assert client.get(PAGE).status_code == 200


def test_a_web_save_changes_the_page(school: dict[str, Any], client: Any) -> None:
    client.login_as(school["member"])
    url = "/api/v1/n/school/chemistry/lessons/energy/bonds"
    current = client.get(url).get_json()
    text = lesson_file("Bond energy", "Bonds.\n", standards=["HS-PS1-4"])
    saved = client.put(url, json={"content": text, "base_commit": current["commit"]})
    assert saved.status_code == 200, saved.get_json()
    counts = _counts(client)
    assert counts["HS-PS3-2"] == 2 and counts["HS-PS1-4"] == 1 and "7.RP.A.2" not in counts


@pytest.fixture
def live(app: Any) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.stop()


def test_a_push_changes_the_page(
    school: dict[str, Any], client: Any, live: LiveServer, tmp_path: Path
) -> None:
    git = live.client(tmp_path)
    work = tmp_path / "work"
    git.clone(git.url("school", "physics", make_token(school["member"])), work)
    added = lesson_file("Solar ovens", "Boxes.\n", standards=["HS-PS3-3", "HS-PS3-2"])
    git.commit_file(work, "units/energy/lessons/ovens.md", added.encode(), "Add a lesson")
    git.run("rm", "-q", "units/energy/lessons/light.md", cwd=work)
    outline = work / "course.yaml"
    outline.write_text(outline.read_text().replace("- light\n", ""))
    git.run("commit", "-q", "-a", "-m", "Remove a lesson", cwd=work)
    git.run("push", "-q", "origin", "main", cwd=work)
    course = school["physics"]
    with repo_store().open(course.id) as repo:
        head = repo.head()
    for _ in range(250):
        db.session.expire_all()
        state = db.session.get(SearchIndexState, course.id)
        if state is not None and state.commit == head:
            break
        time.sleep(0.02)
    client.login_as(school["reader"])
    counts = _counts(client)
    assert counts["HS-PS3-3"] == 1 and counts["HS-PS3-2"] == 3  # Light went, Solar ovens came
    html = client.get(PAGE).get_data(as_text=True)
    assert "Solar ovens" in html and ">Light<" not in html


def test_a_network_without_standards_says_how_lessons_list_them(
    app: Any, client: Any, make_user: Any, make_network: Any
) -> None:
    lead = make_user("lead")
    make_network("quiet", lead)
    client.login_as(lead)
    html = client.get("/n/quiet/standards").get_data(as_text=True)
    assert "No lesson of this network lists a standard yet" in html
