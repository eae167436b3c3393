"""A knowledgeable other from outside the network, invited to one cycle: they see that cycle
and its lesson, comment on it and speak in its debrief, and nothing else of the network (it
answers "not found", as to anyone outside); once the cycle closes, that ends too."""

from __future__ import annotations

from typing import Any

import pytest
from courses_support import commit_files, lesson_file
from threads_support import API, LESSON, PAGE, client_as, head, make_lesson_school

BASE = "/n/school/physics/studies"


@pytest.fixture
def cycle(app: Any, make_user: Any, make_network: Any) -> dict[str, Any]:
    school = make_lesson_school(make_user, make_network)
    commit_files(
        school["course"], school["lead"], {"units/motion/lessons/other.md": lesson_file("Other")}
    )
    school["expert"] = make_user("expert", display_name="Dr. Expert")
    facilitator = client_as(app, school["member"])
    url = facilitator.post(f"{BASE}/new", data={"lesson": LESSON, "title": "Ramps"}).headers[
        "Location"
    ]
    other = facilitator.post(f"{BASE}/new", data={"lesson": LESSON, "title": "Another"}).headers[
        "Location"
    ]
    return {**school, "url": url, "other": other, "facilitator": facilitator}


def test_an_outside_expert_sees_only_their_cycle_and_its_lesson(
    app: Any, cycle: dict[str, Any]
) -> None:
    expert = client_as(app, cycle["expert"])
    assert expert.get(cycle["url"]).status_code == 404  # not invited yet
    wrong_role = cycle["facilitator"].post(
        f"{cycle['url']}/team", data={"username": "expert", "role": "observer"}
    )
    assert wrong_role.status_code == 422
    invited = cycle["facilitator"].post(
        f"{cycle['url']}/team", data={"username": "expert", "role": "knowledgeable_other"}
    )
    assert invited.status_code == 302
    assert expert.get(cycle["url"]).status_code == 200
    assert expert.get(PAGE).status_code == 200
    assert expert.get(f"{PAGE}/lines").status_code == 200
    opened = expert.post(f"{PAGE}/threads", data={"body": "In industry we would measure this."})
    assert opened.status_code == 302
    thread = opened.headers["Location"].rsplit("#thread-", 1)[1]
    assert expert.get(f"/n/school/physics/threads/{thread}").status_code == 200
    for elsewhere in (
        cycle["other"],
        "/n/school/physics/lessons/motion/other",
        "/n/school/physics/",
        "/n/school/physics/history",
        "/n/school/physics/threads",
        "/n/school/",
        "/n/school/members",
        f"{API}?path={LESSON}",  # the API is for the network's own people
    ):
        assert expert.get(elsewhere).status_code == 404, elsewhere
    assert expert.post(f"{cycle['url']}/phase", data={"phase": "teach"}).status_code == 403


def test_the_expert_speaks_last_in_the_debrief_and_loses_access_when_the_cycle_closes(
    app: Any, cycle: dict[str, Any]
) -> None:
    url, facilitator = cycle["url"], cycle["facilitator"]
    facilitator.post(f"{url}/team", data={"username": "expert", "role": "knowledgeable_other"})
    expert = client_as(app, cycle["expert"])
    facilitator.post(f"{url}/phase", data={"phase": "teach"})
    facilitator.post(f"{url}/phase", data={"phase": "debrief"})
    assert expert.post(f"{url}/iterations/1/debrief", data={"body": "Early"}).status_code == 403
    for _ in range(3):
        facilitator.post(f"{url}/iterations/1/debrief/next")
    spoke = expert.post(f"{url}/iterations/1/debrief", data={"body": "Name the variable."})
    assert spoke.status_code == 302
    assert "Name the variable." in expert.get(url).get_data(as_text=True)
    facilitator.post(f"{url}/close", data={"learned": "Done."})
    assert expert.get(url).status_code == 404
    assert expert.get(PAGE).status_code == 404
    assert head(cycle)  # the report landed
