"""Memberships: roles, adding and removing people, leaving, the last-leader rule, join requests."""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import escape
from unchanged import FORM_EXPIRED, NOT_ALLOWED, NOT_FOUND, unchanged

from workspace.extensions import db
from workspace.models import Activity, JoinRequest, Membership, Network, User
from workspace.services.networks import LAST_LEADER

ROLES = ["reader", "partner", "member"]


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    """A private network with one person in each role, an outsider and a site admin."""
    people = {name: make_user(name) for name in ["lead", *ROLES, "outsider"]}
    people["admin"] = make_user("admin", site_admin=True)
    network = make_network("school", people["lead"], members={people[r]: r for r in ROLES})
    return {**people, "network": network}


def role_of(user: User, slug: str = "school") -> str | None:
    """Return the user's role in the network as stored, or None."""
    return db.session.scalar(
        db.select(Membership.role)
        .join(Network)
        .filter(Network.slug == slug, Membership.user_id == user.id)
    )


def change_role(client: Any, user: User, role: str, slug: str = "school") -> Any:
    return client.post(f"/n/{slug}/members/{user.id}/role", data={f"m{user.id}-role": role})


# Changing roles ----------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["lead", "admin"])
def test_leaders_and_site_admins_change_roles(
    client: Any, school: dict[str, Any], actor: str
) -> None:
    client.login_as(school[actor])
    response = change_role(client, school["reader"], "member")
    assert response.status_code == 302
    assert role_of(school["reader"]) == "member"
    summaries = db.session.scalars(db.select(Activity.summary).filter_by(verb="role_changed"))
    assert any("Reader" in s and "Member (teacher)" in s for s in summaries)


# What people other than leaders try, each answered 403: (path, form) with {reader}, {lead},
# {outsider} and {actor} standing for the ids of those people.
MANAGING_ACTIONS = [
    pytest.param("members/{actor}/role", {"m{actor}-role": "leader"}, id="promote-themselves"),
    pytest.param("members/{lead}/role", {"m{lead}-role": "reader"}, id="demote-the-leader"),
    pytest.param("members/add", {"person": "outsider", "role": "member"}, id="add-someone"),
    pytest.param("members/{reader}/remove", {}, id="remove-someone"),
]


@pytest.mark.parametrize("actor", ROLES)
@pytest.mark.parametrize(("path", "form"), MANAGING_ACTIONS)
def test_only_leaders_change_roles_or_add_or_remove_people(
    app: Any, client: Any, school: dict[str, Any], actor: str, path: str, form: dict
) -> None:
    ids = {who: school[who].id for who in ["reader", "lead", "outsider"]}
    ids["actor"] = school[actor].id
    client.login_as(school[actor])
    with unchanged(app, network=school["network"]):
        response = client.post(
            "/n/school/" + path.format(**ids),
            data={key.format(**ids): value for key, value in form.items()},
        )
    assert response.status_code == 403
    assert NOT_ALLOWED in response.text
    assert role_of(school[actor]) == actor
    assert role_of(school["lead"]) == "leader"
    assert role_of(school["outsider"]) is None
    assert role_of(school["reader"]) == "reader"


def test_unknown_role_is_refused(app: Any, client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    with unchanged(app, network=school["network"]):
        response = change_role(client, school["reader"], "owner")
    assert response.status_code == 302
    assert "Choose one of the roles offered." in client.get(response.headers["Location"]).text
    assert role_of(school["reader"]) == "reader"


def test_members_page_shows_controls_only_to_leaders(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["member"])
    page = client.get("/n/school/members").text
    assert "Change role" not in page and "Remove " not in page
    assert "Reader" in page and "Partner (STEM professional)" in page
    client.login_as(school["lead"])
    page = client.get("/n/school/members").text
    assert "Change role" in page and f"Remove {school['reader'].display_name}" in page


# The last-leader rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "path", "form"),
    [
        pytest.param("lead", "members/{lead}/role", {"m{lead}-role": "member"}, id="step-down"),
        pytest.param("lead", "leave", {}, id="leave"),
        pytest.param("admin", "members/{lead}/remove", {}, id="removed-by-site-admin"),
        pytest.param(
            "admin", "members/{lead}/role", {"m{lead}-role": "reader"}, id="demoted-by-site-admin"
        ),
    ],
)
def test_the_last_leader_stays_whatever_is_asked_and_is_told_why(
    app: Any, client: Any, school: dict[str, Any], actor: str, path: str, form: dict
) -> None:
    lead = school["lead"].id
    client.login_as(school[actor])
    with unchanged(app, network=school["network"]):
        response = client.post(
            "/n/school/" + path.format(lead=lead),
            data={key.format(lead=lead): value for key, value in form.items()},
        )
    assert response.status_code == 302
    assert LAST_LEADER in client.get(response.headers["Location"]).text
    assert role_of(school["lead"]) == "leader"


def test_with_two_leaders_one_may_step_down_then_the_other_is_last(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    lead, member = school["lead"], school["member"]
    client.login_as(lead)
    change_role(client, member, "leader")
    assert role_of(member) == "leader"
    change_role(client, lead, "member")  # stepping down is fine now
    assert role_of(lead) == "member"
    client.login_as(member)
    with unchanged(app, network=school["network"]):
        response = change_role(client, member, "member")
    assert role_of(member) == "leader"  # and now they are the last one
    assert LAST_LEADER in client.get(response.headers["Location"]).text


def test_a_leader_may_leave_or_be_removed_when_another_leader_remains(
    client: Any, school: dict[str, Any]
) -> None:
    lead, member, partner = school["lead"], school["member"], school["partner"]
    client.login_as(lead)
    change_role(client, member, "leader")
    change_role(client, partner, "leader")
    client.post(f"/n/school/members/{partner.id}/remove")
    assert role_of(partner) is None
    response = client.post("/n/school/leave")
    assert response.status_code == 302
    assert role_of(lead) is None
    assert role_of(member) == "leader"


def test_leaders_always_remain_after_any_sequence_of_changes(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    lead = school["lead"]
    client.login_as(lead)
    for who in ROLES:
        change_role(client, school[who], "leader")
    for who in ROLES:
        client.post(f"/n/school/members/{school[who].id}/remove")
    with unchanged(app, network=school["network"]):  # the last leader removing themselves
        response = client.post(f"/n/school/members/{lead.id}/remove", follow_redirects=True)
    assert LAST_LEADER in response.text
    leaders = db.session.scalar(
        db.select(db.func.count()).select_from(Membership).filter_by(role="leader")
    )
    assert leaders == 1


# Adding, removing and leaving --------------------------------------------------------------


def test_leader_adds_someone_by_username_or_email(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    client.post("/n/school/members/add", data={"person": "Outsider", "role": "partner"})
    assert role_of(school["outsider"]) == "partner"
    client.post(f"/n/school/members/{school['outsider'].id}/remove")
    assert role_of(school["outsider"]) is None
    client.post(
        "/n/school/members/add", data={"person": "outsider@school.example", "role": "reader"}
    )
    assert role_of(school["outsider"]) == "reader"


@pytest.mark.parametrize(
    ("person", "role", "message"),
    [
        pytest.param(
            "reader", "leader", "already in this network as Reader", id="already-a-member"
        ),
        pytest.param(
            "nobody",
            "member",
            "No account matches “nobody”. Send them an invitation link.",
            id="no-such-account",
        ),
        pytest.param("  ", "member", "Say whom to add and with which role.", id="nobody-named"),
        pytest.param("outsider", "owner", "Say whom to add and with which role.", id="bad-role"),
    ],
)
def test_adding_someone_who_cannot_be_added_says_why(
    app: Any, client: Any, school: dict[str, Any], person: str, role: str, message: str
) -> None:
    client.login_as(school["lead"])
    with unchanged(app, network=school["network"]):
        response = client.post("/n/school/members/add", data={"person": person, "role": role})
    assert response.status_code == 302
    assert message in client.get(response.headers["Location"]).text
    assert role_of(school["reader"]) == "reader"
    assert role_of(school["outsider"]) is None


@pytest.mark.parametrize("who", ROLES)
def test_members_leave_by_themselves(client: Any, school: dict[str, Any], who: str) -> None:
    client.login_as(school[who])
    response = client.post("/n/school/leave")
    assert response.status_code == 302
    assert role_of(school[who]) is None
    assert client.get("/n/school/").status_code == 404  # private: gone from view


def test_leaving_needs_a_post(app: Any, client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["member"])
    with unchanged(app, network=school["network"]):
        client.get("/n/school/leave")
        assert role_of(school["member"]) == "member"
        response = client.post("/n/school/leave", csrf=False)
    assert response.status_code == 400
    assert FORM_EXPIRED in response.text
    assert role_of(school["member"]) == "member"


def test_removing_someone_not_in_the_network_says_so(app: Any, client: Any, school: dict) -> None:
    client.login_as(school["lead"])
    with unchanged(app, network=school["network"]):
        response = client.post(
            f"/n/school/members/{school['outsider'].id}/remove", follow_redirects=True
        )
        assert "Outsider is not a member of this network." in response.text
        missing = client.post("/n/school/members/9999/remove")
    assert missing.status_code == 404
    assert NOT_FOUND in missing.text


# Join requests -----------------------------------------------------------------------------


@pytest.fixture
def open_net(school: dict[str, Any], make_network: Any) -> Network:
    return make_network("open", school["lead"], members={school["member"]: "member"}, public=True)


def test_visitor_is_asked_to_sign_in_to_join(client: Any, open_net: Network) -> None:
    response = client.get("/n/open/join")
    assert response.status_code == 302
    assert "/auth/login?next=/n/open/join" in response.headers["Location"]


def test_join_request_is_approved_and_the_person_becomes_a_member(
    app: Any, client: Any, school: dict[str, Any], open_net: Network
) -> None:
    outsider = school["outsider"]
    client.login_as(outsider)
    client.post("/n/open/join", data={"message": "I teach chemistry in Dayton."})
    assert "waiting for a leader" in client.get("/n/open/").text
    request = db.session.scalar(db.select(JoinRequest).filter_by(user_id=outsider.id))
    assert request is not None and request.status == "pending"

    client.login_as(school["member"])  # members cannot decide
    with unchanged(app, network=open_net):
        refused = client.post(f"/n/open/requests/{request.id}/approve")
    assert refused.status_code == 403
    assert NOT_ALLOWED in refused.text
    client.login_as(school["lead"])
    page = client.get("/n/open/members").text
    assert "I teach chemistry in Dayton." in page
    assert "1 person is asking to join" in client.get("/n/open/").text
    client.post(f"/n/open/requests/{request.id}/approve")
    assert role_of(outsider, "open") == "member"
    db.session.refresh(request)
    assert (request.status, request.decided_by_id) == ("approved", school["lead"].id)
    assert "I teach chemistry" not in client.get("/n/open/members").text


def test_declined_request_adds_nobody_and_can_be_sent_again(
    app: Any, client: Any, school: dict[str, Any], open_net: Network
) -> None:
    outsider = school["outsider"]
    client.login_as(outsider)
    client.post("/n/open/join", data={"message": "Please"})
    request = db.session.scalar(db.select(JoinRequest).filter_by(user_id=outsider.id))
    client.login_as(school["lead"])
    client.post(f"/n/open/requests/{request.id}/decline")
    assert role_of(outsider, "open") is None
    with unchanged(app, network=open_net):
        response = client.post(f"/n/open/requests/{request.id}/approve", follow_redirects=True)
    assert "This request was already declined." in response.text
    assert role_of(outsider, "open") is None
    client.login_as(outsider)
    client.post("/n/open/join", data={"message": "Second try"})
    db.session.refresh(request)
    assert (request.status, request.message) == ("pending", "Second try")


@pytest.mark.parametrize(
    ("who", "net", "message"),
    [
        pytest.param(
            "outsider",
            "open",
            "You already asked to join; the network's leaders will decide soon.",
            id="asking-twice",
        ),
        pytest.param(
            "member", "open", "You are already a member of this network.", id="already-a-member"
        ),
        pytest.param(
            "member",  # even a member cannot file one for a private network
            "school",
            "This network is private: people join it by invitation only.",
            id="private-network",
        ),
    ],
)
def test_a_join_request_that_cannot_be_filed_changes_nothing_and_says_why(
    app: Any,
    client: Any,
    school: dict[str, Any],
    open_net: Network,
    who: str,
    net: str,
    message: str,
) -> None:
    client.login_as(school["outsider"])
    client.post("/n/open/join", data={"message": "First"})
    client.login_as(school[who])
    with unchanged(app, network=open_net):
        response = client.post(f"/n/{net}/join", data={"message": "Again"})
    assert response.status_code == 302
    assert escape(message) in client.get(response.headers["Location"]).text
    assert db.session.scalar(db.select(db.func.count()).select_from(JoinRequest)) == 1


def test_private_networks_take_no_join_requests_from_outsiders(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["outsider"])
    with unchanged(app, network=school["network"]):
        response = client.post("/n/school/join", data={"message": "Hi"})
    assert response.status_code == 404
    assert NOT_FOUND in response.text
    assert db.session.scalar(db.select(JoinRequest)) is None


def test_a_request_from_another_network_cannot_be_decided_here(
    app: Any, client: Any, school: dict[str, Any], open_net: Network
) -> None:
    client.login_as(school["outsider"])
    client.post("/n/open/join", data={"message": "Hi"})
    request = db.session.scalar(db.select(JoinRequest))
    client.login_as(school["lead"])  # leads both networks
    with unchanged(app, network=school["network"]):
        response = client.post(f"/n/school/requests/{request.id}/approve", follow_redirects=True)
    assert "There is no such request in this network." in response.text
    assert role_of(school["outsider"], "school") is None
    assert role_of(school["outsider"], "open") is None


def test_a_request_can_only_be_approved_or_declined(
    app: Any, client: Any, school: dict[str, Any], open_net: Network
) -> None:
    client.login_as(school["outsider"])
    client.post("/n/open/join", data={"message": "Hi"})
    request = db.session.scalar(db.select(JoinRequest))
    client.login_as(school["lead"])
    with unchanged(app, network=open_net):
        response = client.post(f"/n/open/requests/{request.id}/maybe")
    assert response.status_code == 404
    assert NOT_FOUND in response.text
    db.session.refresh(request)
    assert request.status == "pending"
