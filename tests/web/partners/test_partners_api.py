"""The partners API of DESIGN.md: who may add organizations and resources and approve or
retire them, addresses that are not http or https refused, and linking a resource to a lesson
as a commit by the caller that keeps every other byte of the file."""

from __future__ import annotations

from typing import Any

import pytest
from courses_support import git
from partners_support import (
    LESSON,
    LESSON_API,
    PATH,
    RESOURCES_API,
    TEXT,
    client_as,
    head,
    link_api,
    text_now,
)
from partners_support import make_partner_school as make_school

PARTNERS = "/api/v1/n/school/partners"


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return make_school(make_user, make_network)


@pytest.mark.parametrize(
    ("who", "status", "state"),
    [("lead", 201, "approved"), ("partner", 201, "proposed"), ("member", 403, None),
     ("reader", 403, None), ("outsider", 404, None)],
)  # fmt: skip
def test_leaders_add_organizations_and_partner_members_propose_them(
    app: Any, school: dict[str, Any], who: str, status: int, state: str | None
) -> None:
    answer = client_as(app, school[who]).post(
        PARTNERS, json={"name": "Riverside Museum", "kind": "museum"}
    )
    assert answer.status_code == status, answer.get_json()
    if state:
        assert answer.get_json()["status"] == state


@pytest.mark.parametrize(
    ("who", "status", "state"),
    [("lead", 201, "approved"), ("partner", 201, "proposed"), ("member", 403, None),
     ("reader", 403, None)],
)  # fmt: skip
def test_the_organization_s_people_propose_resources_and_leaders_add_them_approved(
    app: Any, school: dict[str, Any], who: str, status: int, state: str | None
) -> None:
    url = f"{PARTNERS}/{school['org'].id}/resources"
    answer = client_as(app, school[who]).post(
        url, json={"title": "Heat data", "url": "https://acme.example/heat", "kind": "dataset"}
    )
    assert answer.status_code == status, answer.get_json()
    if state:
        assert answer.get_json()["status"] == state


@pytest.mark.parametrize(
    "address",
    ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>", "ftp://a.example/x",
     "vbscript:x", "//acme.example/x", "acme.example/x", "https://", "http:///x", " ",
     "http://[::1", "https://a b.example"],
)  # fmt: skip
def test_addresses_other_than_http_and_https_are_refused_with_a_clear_message(
    app: Any, school: dict[str, Any], address: str
) -> None:
    lead = client_as(app, school["lead"])
    url = f"{PARTNERS}/{school['org'].id}/resources"
    answer = lead.post(url, json={"title": "Bad", "url": address, "kind": "dataset"})
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["field"] == "url"
    assert "https://" in body["message"]
    website = lead.post(PARTNERS, json={"name": "Bad Inc", "kind": "company", "website": address})
    if address.strip():
        assert website.status_code == 422 and website.get_json()["field"] == "website"


def test_standards_are_the_codes_lessons_use_and_a_wrong_one_is_named(
    app: Any, school: dict[str, Any]
) -> None:
    lead = client_as(app, school["lead"])
    url = f"{PARTNERS}/{school['org'].id}/resources"
    fields = {"title": "Rates", "url": "https://a.example", "kind": "dataset"}
    good = lead.post(url, json={**fields, "standards": ["hs-ps3-4", "7.RP.A.2", "MP1"]})
    assert good.status_code == 201
    shown = lead.get(f"/api/v1/n/school/resources/{good.get_json()['id']}").get_json()
    assert shown["standards"] == [
        "HS-PS3-4",
        "CCSS.MATH.CONTENT.7.RP.A.2",
        "CCSS.MATH.PRACTICE.MP1",
    ]
    bad = lead.post(url, json={**fields, "standards": "HS-PS9-9"})
    assert bad.status_code == 422 and "HS-PS9-9" in bad.get_json()["message"]


# A proposed resource is not even shown to teachers (404); its organization's people see it.
@pytest.mark.parametrize(("who", "status"), [("lead", 200), ("member", 404), ("partner", 403)])
def test_only_leaders_approve_and_retire(
    app: Any, school: dict[str, Any], who: str, status: int
) -> None:
    client = client_as(app, school[who])
    draft = school["draft"].id
    assert client.post(f"/api/v1/n/school/resources/{draft}/approve").status_code == status
    assert client.post(f"/api/v1/n/school/resources/{draft}/retire").status_code == status
    if status == 200:
        assert client.get(f"/api/v1/n/school/resources/{draft}").get_json()["status"] == "retired"


def test_a_proposed_resource_is_not_found_for_teachers(app: Any, school: dict[str, Any]) -> None:
    url = f"/api/v1/n/school/resources/{school['draft'].id}"
    assert client_as(app, school["member"]).get(url).status_code == 404
    assert client_as(app, school["partner"]).get(url).status_code == 200
    assert client_as(app, school["lead"]).get(url).status_code == 200


def test_linking_is_a_commit_by_the_caller_that_adds_only_the_entry(
    app: Any, school: dict[str, Any]
) -> None:
    member = client_as(app, school["member"])
    before = head(school)
    answer = link_api(member, school["data"])
    assert answer.status_code == 200, answer.get_json()
    commit = answer.get_json()["commit"]
    assert commit == head(school) != before
    assert git(school["course"], "log", "-1", "--format=%an|%s", commit).strip() == (
        "Member|Link resource: Ramp friction data"
    )
    entry = (
        "resources:\n"
        f"  - id: {school['data'].id}\n"
        "    title: Ramp friction data\n"
        "    url: https://acme.example/data\n"
    )
    assert text_now(school) == TEXT.replace("---\n\n# Launch", entry + "---\n\n# Launch")
    changed = git(school["course"], "diff", "--name-only", f"{before}..{commit}").split()
    assert changed == [PATH]


def test_linking_twice_does_nothing_and_unlinking_is_a_commit_that_gives_the_file_back(
    app: Any, school: dict[str, Any]
) -> None:
    member = client_as(app, school["member"])
    first = link_api(member, school["data"]).get_json()
    again = link_api(member, school["data"]).get_json()
    assert again == {"commit": first["commit"], "changed": False}
    gone = member.delete(RESOURCES_API, json={"resource_id": school["data"].id})
    assert gone.status_code == 200 and gone.get_json()["changed"] is True
    assert text_now(school) == TEXT
    log = git(school["course"], "log", "-2", "--format=%s").splitlines()
    assert log == ["Unlink resource: Ramp friction data", "Link resource: Ramp friction data"]


def test_partner_members_link_their_own_organization_s_resources_only(
    app: Any, school: dict[str, Any], make_user: Any
) -> None:
    partner = client_as(app, school["partner"])
    assert link_api(partner, school["data"]).status_code == 200
    assert "Partner" in git(school["course"], "log", "-1", "--format=%an")
    reader = client_as(app, school["reader"])
    assert link_api(reader, school["visit"]).status_code == 403


def test_retired_and_proposed_resources_cannot_be_linked(app: Any, school: dict[str, Any]) -> None:
    member = client_as(app, school["member"])
    before = head(school)
    retired = link_api(member, school["old"])
    assert retired.status_code == 409 and "retired" in retired.get_json()["message"]
    assert link_api(member, school["draft"]).status_code == 409
    assert head(school) == before


def test_bad_link_requests_get_clear_answers_and_change_nothing(
    app: Any, school: dict[str, Any]
) -> None:
    member = client_as(app, school["member"])
    before = head(school)
    assert member.post(RESOURCES_API, json={}).status_code == 400
    assert member.post(RESOURCES_API, json={"resource_id": "x"}).status_code == 400
    assert member.post(RESOURCES_API, json={"resource_id": 99999}).status_code == 404
    missing = RESOURCES_API.replace("ramps", "nowhere")
    assert member.post(missing, json={"resource_id": school["data"].id}).status_code == 404
    assert head(school) == before


def test_the_resource_lists_its_lessons_after_web_saves_renames_and_deletions(
    app: Any, school: dict[str, Any]
) -> None:
    member = client_as(app, school["member"])
    url = f"/api/v1/n/school/resources/{school['visit'].id}"
    assert member.get(url).get_json()["lessons"] == []
    # A save through the lesson API that adds the entry by hand.
    found = member.get(LESSON_API).get_json()
    entry = f"resources:\n  - id: {school['visit'].id}\n    title: Visit\n    url: https://a.b\n"
    content = found["content"].replace("---\n\n# Launch", entry + "---\n\n# Launch")
    saved = member.put(LESSON_API, json={"content": content, "base_commit": found["commit"]})
    assert saved.status_code == 200
    assert member.get(url).get_json()["lessons"] == [
        {"course": "physics", "path": LESSON, "title": "Rolling down ramps"}
    ]
    deleted = member.delete(LESSON_API, json={"base_commit": saved.get_json()["commit"]})
    assert deleted.status_code == 200
    assert member.get(url).get_json()["lessons"] == []
