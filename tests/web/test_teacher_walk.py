"""A teacher's walk through the everyday pages meets no Git: no hex id, file path, conflict
marker or Git word (commit, SHA, hash, branch, HEAD, repository, YAML, front matter, Git)
outside a section clearly labelled for Git users.

The walk uses a course as teachers make it in the browser: units and lessons with titles, saves
by two teachers, a lesson renamed, and a save that overlaps another (the conflict screen)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from courses_support import commit_files, form_fields, make_course
from import_support import workbench_zip
from teacher_language import git_words, visible_text

from workspace.access import Access
from workspace.extensions import db
from workspace.runtime import ctx, repo_store
from workspace.services import editing, exchange, partners, studies, threads
from workspace.services.context import LessonRef

BASE = "/n/school/physics"
EDIT = f"{BASE}/edit/motion/ramps"
PATH = "units/motion/lessons/ramps.md"
TEXT = """---
title: Rolling down ramps
duration: 50
standards: [HS-PS2-1]
objectives: [Describe motion on a slope]
---

::: objectives
Students will be able to describe motion on a slope.
:::

# Launch

Students roll a ball down a ramp.

# Explore

Groups time the ball over one metre.
"""


@pytest.fixture
def walk(app: Any, make_user: Any, make_network: Any) -> dict[str, Any]:
    lead = make_user("lead", display_name="Lead Teacher")
    ben = make_user("ben", display_name="Ben")
    priya = make_user("priya", display_name="Priya")
    network = make_network("school", lead, members={ben: "member", priya: "member"})
    course = make_course(network, lead)
    editing.create_unit(ctx(lead), course, "Motion and forces", "motion")
    editing.create_lesson(ctx(lead), course, "motion", "ramps", content=TEXT)
    editing.create_lesson(
        ctx(lead), course, "motion", "speed", content="---\ntitle: Speed\n---\n\nText.\n"
    )
    clients = {}
    for person in (ben, priya):
        client = app.test_client()
        client.login_as(person)
        clients[person.username] = client
    ben_form = form_fields(clients["ben"].get(EDIT).get_data(as_text=True))
    priya_form = form_fields(clients["priya"].get(EDIT).get_data(as_text=True))
    body = priya_form["body"].replace("a ball down", "a marble down")
    saved = clients["priya"].post(EDIT, data={**priya_form, "body": body, "action": "save"})
    assert saved.status_code == 302
    body = ben_form["body"].replace("a ball down", "a toy car down")
    conflict = clients["ben"].post(EDIT, data={**ben_form, "body": body, "action": "save"})
    assert conflict.status_code == 409
    # A Git user's push names files in its message: pages show the lessons' titles instead.
    speed = "---\ntitle: Speed\n---\n\nText, revised.\n"
    commit_files(
        course, lead, {"units/motion/lessons/speed.md": speed}, "Fix units/motion/lessons/speed.md"
    )
    with repo_store().open(course.id) as repo:
        versions = [c.sha for c in repo.history("main", limit=3).commits]
    question = threads.NewThread("question", "Why a **ramp**, @priya?", None, 9, 9)
    threads.open_thread(
        ctx(priya), LessonRef(course, "motion", "ramps"), Access.everything(), question
    )
    db.session.commit()
    cycle = studies.start_study(
        ctx(lead),
        LessonRef(course, "motion", "ramps"),
        Access.everything(),
        studies.NewStudy("Ramps"),
    )
    studies.move_phase(ctx(lead), cycle, Access.everything(), "teach")
    db.session.commit()
    upload = exchange.Upload("measuring-motion.zip", workbench_zip())
    waiting = exchange.start_import(ctx(ben), course, [upload])
    org = partners.add_partner(
        ctx(lead), network, Access.everything(), partners.PartnerFields("Acme Labs", "company")
    )
    fields = partners.ResourceFields("Ramp friction data", "https://acme.example/data", "dataset")
    data = partners.add_resource(ctx(lead), org, Access.everything(), fields)
    partners.link(ctx(priya), LessonRef(course, "motion", "ramps"), data, Access.everything())
    db.session.commit()
    return {
        "import": waiting.id,
        "ben": clients["ben"],
        "conflict": conflict.get_data(as_text=True),
        "versions": versions,
    }


def everyday_pages(versions: list[str], import_id: str) -> dict[str, str]:
    newest, older = versions[0], versions[-1]
    return {
        "network home": "/n/school/",
        "course home": f"{BASE}/",
        "lesson": f"{BASE}/lessons/motion/ramps",
        "lesson, an earlier version": f"{BASE}/lessons/motion/ramps?rev={older}",
        "editor": EDIT,
        "course history": f"{BASE}/history",
        "lesson history": f"{BASE}/history/motion/ramps",
        "compare": f"{BASE}/compare/{older}...{newest}",
        "compare, one lesson": f"{BASE}/compare/{older}...{newest}?path={PATH}",
        "compare form": f"{BASE}/compare",
        "a version": f"{BASE}/commit/{newest}",
        "organize": f"{BASE}/organize",
        "delete a lesson": f"{BASE}/edit/motion/speed/delete",
        "a standard": f"{BASE}/standards/HS-PS2-1",
        "the network's standards": "/n/school/standards",
        "search": "/search?q=ramp",
        "search in a course": "/search?q=ramp&net=school&course=physics",
        "search for threads": "/search?q=ramp&kind=thread",
        "the course printed": f"{BASE}/print",
        "the lesson printed": f"{BASE}/lessons/motion/ramps?print=1",
        "members": "/n/school/members",
        "networks": "/networks/",
        "a thread": f"{BASE}/threads/1",
        "the course's threads": f"{BASE}/threads?show=all",
        "the lesson line by line": f"{BASE}/lessons/motion/ramps/lines?start=9",
        "lesson study": f"{BASE}/studies",
        "a cycle": f"{BASE}/studies/1",
        "a teaching": f"{BASE}/studies/1/iterations/1",
        "start a cycle": f"{BASE}/studies/new",
        "my hours": "/settings/hours",
        "import lessons": f"{BASE}/import",
        "inbox": "/inbox",
        "adapt a lesson": f"{BASE}/lessons/motion/ramps/adapt",
        "notification settings": "/settings/notifications",
        "network activity": "/n/school/activity",
        "course activity": f"{BASE}/activity",
        "a teacher's activity": "/people/priya",
        "an import's preview": f"{BASE}/import/{import_id}",
        "partners": "/n/school/partners/",
        "a partner": "/n/school/partners/1",
        "a resource": "/n/school/partners/resources/1",
        "partnerships": "/n/school/partners/partnerships",
    }


def test_the_everyday_pages_speak_the_teachers_language(walk: dict[str, Any]) -> None:
    met = {}
    for name, url in everyday_pages(walk["versions"], walk["import"]).items():
        response = walk["ben"].get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        found = git_words(response.get_data(as_text=True))
        if found:
            met[name] = found
    found = git_words(walk["conflict"])
    if found:
        met["conflict screen"] = found
    assert met == {}


def test_the_lesson_page_names_its_unit_and_last_change_and_lists_objectives_once(
    walk: dict[str, Any],
) -> None:
    text = visible_text(walk["ben"].get(f"{BASE}/lessons/motion/ramps").get_data(as_text=True))
    assert "Motion and forces" in text
    assert re.search(r"Last changed\s.*\sby Priya", text, re.S)
    assert text.count("Objectives") == 1


def test_the_walk_would_catch_git_words() -> None:
    # The checker itself: what the pages used to show is caught, the Git users' section not.
    assert git_words("<p>Unit <code>energy</code> · Last change <code>b22d8b5940</code></p>")
    assert git_words("<h2>Work with Git</h2>")
    assert git_words("<p>file units/energy/lessons/calorimetry.md</p>")
    assert (
        git_words('<details class="for-git"><summary>For Git users</summary>b22d8b5940</details>')
        == []
    )
