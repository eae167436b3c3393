"""Memberships: roles, adding and removing people, leaving, the last-leader rule, join requests."""

from __future__ import annotations

from typing import Any

import pytest

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


@pytest.mark.parametrize("actor", ROLES)
def test_other_roles_cannot_change_roles(client: Any, school: dict[str, Any], actor: str) -> None:
    client.login_as(school[actor])
    assert change_role(client, school[actor], "leader").status_code == 403
    assert change_role(client, school["lead"], "reader").status_code == 403
    assert role_of(school[actor]) == actor
    assert role_of(school["lead"]) == "leader"


def test_unknown_role_is_refused(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    change_role(client, school["reader"], "owner")
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


def test_last_leader_cannot_step_down(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    response = change_role(client, school["lead"], "member")
    assert response.status_code == 302
    assert role_of(school["lead"]) == "leader"
    assert LAST_LEADER in client.get(response.headers["Location"]).text


def test_last_leader_cannot_leave(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    response = client.post("/n/school/leave", follow_redirects=True)
    assert LAST_LEADER in response.text
    assert role_of(school["lead"]) == "leader"


def test_last_leader_cannot_be_removed_even_by_a_site_admin(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["admin"])
    response = client.post(f"/n/school/members/{school['lead'].id}/remove", follow_redirects=True)
    assert LAST_LEADER in response.text
    assert role_of(school["lead"]) == "leader"
    response = change_role(client, school["lead"], "reader")
    assert role_of(school["lead"]) == "leader"


def test_with_two_leaders_one_may_step_down_then_the_other_is_last(
    client: Any, school: dict[str, Any]
) -> None:
    lead, member = school["lead"], school["member"]
    client.login_as(lead)
    change_role(client, member, "leader")
    assert role_of(member) == "leader"
    change_role(client, lead, "member")  # stepping down is fine now
    assert role_of(lead) == "member"
    client.login_as(member)
    change_role(client, member, "member")
    assert role_of(member) == "leader"  # and now they are the last one


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
    client: Any, school: dict[str, Any]
) -> None:
    lead = school["lead"]
    client.login_as(lead)
    for who in ROLES:
        change_role(client, school[who], "leader")
    for who in [*ROLES, "lead"]:
        client.post(f"/n/school/members/{school[who].id}/remove")
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


def test_adding_someone_twice_keeps_one_membership(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    response = client.post(
        "/n/school/members/add", data={"person": "reader", "role": "leader"}, follow_redirects=True
    )
    assert "already in this network as Reader" in response.text
    assert role_of(school["reader"]) == "reader"


def test_adding_an_unknown_person_says_to_invite_them(client: Any, school: dict) -> None:
    client.login_as(school["lead"])
    response = client.post(
        "/n/school/members/add", data={"person": "nobody", "role": "member"}, follow_redirects=True
    )
    assert "No account matches" in response.text


@pytest.mark.parametrize("actor", ROLES)
def test_only_leaders_add_or_remove(client: Any, school: dict[str, Any], actor: str) -> None:
    client.login_as(school[actor])
    add = client.post("/n/school/members/add", data={"person": "outsider", "role": "member"})
    assert add.status_code == 403
    assert client.post(f"/n/school/members/{school['reader'].id}/remove").status_code == 403
    assert role_of(school["outsider"]) is None
    assert role_of(school["reader"]) == "reader"


@pytest.mark.parametrize("who", ROLES)
def test_members_leave_by_themselves(client: Any, school: dict[str, Any], who: str) -> None:
    client.login_as(school[who])
    response = client.post("/n/school/leave")
    assert response.status_code == 302
    assert role_of(school[who]) is None
    assert client.get("/n/school/").status_code == 404  # private: gone from view


def test_leaving_needs_a_post(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["member"])
    client.get("/n/school/leave")
    assert role_of(school["member"]) == "member"
    assert client.post("/n/school/leave", csrf=False).status_code == 400
    assert role_of(school["member"]) == "member"


def test_removing_someone_not_in_the_network_says_so(client: Any, school: dict) -> None:
    client.login_as(school["lead"])
    response = client.post(
        f"/n/school/members/{school['outsider'].id}/remove", follow_redirects=True
    )
    assert "Outsider is not a member of this network." in response.text
    assert client.post("/n/school/members/9999/remove").status_code == 404


# Join requests -----------------------------------------------------------------------------


@pytest.fixture
def open_net(school: dict[str, Any], make_network: Any) -> Network:
    return make_network("open", school["lead"], members={school["member"]: "member"}, public=True)


def test_visitor_is_asked_to_sign_in_to_join(client: Any, open_net: Network) -> None:
    response = client.get("/n/open/join")
    assert response.status_code == 302
    assert "/auth/login?next=/n/open/join" in response.headers["Location"]


def test_join_request_is_approved_and_the_person_becomes_a_member(
    client: Any, school: dict[str, Any], open_net: Network
) -> None:
    outsider = school["outsider"]
    client.login_as(outsider)
    client.post("/n/open/join", data={"message": "I teach chemistry in Dayton."})
    assert "waiting for a leader" in client.get("/n/open/").text
    request = db.session.scalar(db.select(JoinRequest).filter_by(user_id=outsider.id))
    assert request is not None and request.status == "pending"

    client.login_as(school["member"])  # members cannot decide
    assert client.post(f"/n/open/requests/{request.id}/approve").status_code == 403
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
    client: Any, school: dict[str, Any], open_net: Network
) -> None:
    outsider = school["outsider"]
    client.login_as(outsider)
    client.post("/n/open/join", data={"message": "Please"})
    request = db.session.scalar(db.select(JoinRequest).filter_by(user_id=outsider.id))
    client.login_as(school["lead"])
    client.post(f"/n/open/requests/{request.id}/decline")
    assert role_of(outsider, "open") is None
    response = client.post(f"/n/open/requests/{request.id}/approve", follow_redirects=True)
    assert "already declined" in response.text
    assert role_of(outsider, "open") is None
    client.login_as(outsider)
    client.post("/n/open/join", data={"message": "Second try"})
    db.session.refresh(request)
    assert (request.status, request.message) == ("pending", "Second try")


def test_asking_twice_or_as_a_member_changes_nothing(
    client: Any, school: dict[str, Any], open_net: Network
) -> None:
    client.login_as(school["outsider"])
    client.post("/n/open/join", data={"message": "First"})
    response = client.post("/n/open/join", data={"message": "Again"}, follow_redirects=True)
    assert "You already asked to join" in response.text
    client.login_as(school["member"])
    response = client.post("/n/open/join", data={"message": "Me"}, follow_redirects=True)
    assert "You are already a member" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(JoinRequest)) == 1


def test_private_networks_take_no_join_requests(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["outsider"])
    assert client.post("/n/school/join", data={"message": "Hi"}).status_code == 404
    client.login_as(school["member"])  # even a member cannot file one for a private network
    response = client.post("/n/school/join", data={"message": "Hi"}, follow_redirects=True)
    assert "join it by invitation only" in response.text
    assert db.session.scalar(db.select(JoinRequest)) is None


def test_a_request_from_another_network_cannot_be_decided_here(
    client: Any, school: dict[str, Any], open_net: Network
) -> None:
    client.login_as(school["outsider"])
    client.post("/n/open/join", data={"message": "Hi"})
    request = db.session.scalar(db.select(JoinRequest))
    client.login_as(school["lead"])  # leads both networks
    response = client.post(f"/n/school/requests/{request.id}/approve", follow_redirects=True)
    assert "There is no such request in this network." in response.text
    assert role_of(school["outsider"], "school") is None
    assert role_of(school["outsider"], "open") is None


def test_a_request_can_only_be_approved_or_declined(
    client: Any, school: dict[str, Any], open_net: Network
) -> None:
    client.login_as(school["outsider"])
    client.post("/n/open/join", data={"message": "Hi"})
    request = db.session.scalar(db.select(JoinRequest))
    client.login_as(school["lead"])
    assert client.post(f"/n/open/requests/{request.id}/maybe").status_code == 404
    db.session.refresh(request)
    assert request.status == "pending"
