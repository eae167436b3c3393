"""Invitation links: who may create them, shown once, accepted once, and every way they fail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from mail_support import Mailbox, mail_config, smtp_server
from sqlalchemy import event, insert, select
from testdata import TEST_PASSWORD

from workspace.extensions import db
from workspace.models import Invitation, Membership, Network, User, hash_token
from workspace.models._base import utcnow
from workspace.services.networks import create_invitation

ROLES = ["reader", "partner", "member"]
LINK = re.compile(r'value="http://localhost(/invite/[A-Za-z0-9_-]+)"')


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    """Send mail to a real SMTP server in the tests that ask for `mailbox`."""
    if "mailbox" in request.fixturenames:
        return {**app_config, **mail_config(request.getfixturevalue("mailbox"))}
    return app_config


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    """A private network with one person in each role, an outsider and a site admin."""
    people = {name: make_user(name) for name in ["lead", *ROLES, "outsider", "newcomer"]}
    people["admin"] = make_user("admin", site_admin=True)
    network = make_network("school", people["lead"], members={people[r]: r for r in ROLES})
    return {**people, "network": network}


def role_of(user: User) -> str | None:
    return db.session.scalar(
        db.select(Membership.role)
        .join(Network)
        .filter(Network.slug == "school", Membership.user_id == user.id)
    )


def invite(client: Any, role: str = "member", days: int = 14, email: str = "") -> str:
    """Create an invitation through the page and return its path, /invite/<token>."""
    response = client.post(
        "/n/school/invitations", data={"role": role, "days": days, "email": email}
    )
    assert response.status_code == 200
    found = LINK.search(response.text)
    assert found, "the new link is shown"
    return found.group(1)


def stored_invitation(path: str) -> Invitation:
    token = path.rsplit("/", 1)[1]
    found = db.session.scalar(db.select(Invitation).filter_by(token_hash=hash_token(token)))
    assert found is not None
    return found


# Creating ----------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["lead", "admin"])
def test_leaders_and_site_admins_create_invitations(
    client: Any, school: dict[str, Any], actor: str
) -> None:
    client.login_as(school[actor])
    path = invite(client, role="partner", days=3)
    invitation = stored_invitation(path)
    assert invitation.role == "partner"
    assert invitation.created_by_id == school[actor].id
    lifetime = invitation.expires_at - invitation.created_at
    assert lifetime == timedelta(days=3)


@pytest.mark.parametrize("actor", ROLES)
def test_other_roles_cannot_create_invitations(
    client: Any, school: dict[str, Any], actor: str
) -> None:
    client.login_as(school[actor])
    assert client.get("/n/school/invitations").status_code == 403
    response = client.post("/n/school/invitations", data={"role": "leader", "days": 7})
    assert response.status_code == 403
    assert db.session.scalar(db.select(Invitation)) is None


def test_token_is_stored_hashed_and_the_link_shown_only_once(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["lead"])
    path = invite(client)
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 40
    assert db.session.scalar(db.select(Invitation.token_hash)) == hash_token(token)
    later = client.get("/n/school/invitations").text
    assert token not in later
    assert "Anyone with the link" in later  # listed as pending, without the link


def test_the_page_showing_a_new_link_is_never_cached(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    created = client.post("/n/school/invitations", data={"role": "member", "days": "7"})
    assert "/invite/" in created.text
    assert created.headers["Cache-Control"] == "no-store"


def test_default_lifetime_comes_from_the_configuration(
    client: Any, school: dict[str, Any], app: Any
) -> None:
    app.config["INVITATION_DAYS"] = 9
    client.login_as(school["lead"])
    assert 'value="9"' in client.get("/n/school/invitations").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "member", "days": 0}, "Between 1 and 365 days."),
        ({"role": "member", "days": 400}, "Between 1 and 365 days."),
        ({"role": "member", "days": 7, "email": "not-an-email"}, "This is not an email address."),
        ({"role": "owner", "days": 7}, "Not a valid choice."),
    ],
)
def test_bad_invitation_input_is_refused(
    client: Any, school: dict[str, Any], data: dict[str, Any], message: str
) -> None:
    client.login_as(school["lead"])
    response = client.post("/n/school/invitations", data=data)
    assert message in response.text
    assert not LINK.search(response.text)
    assert db.session.scalar(db.select(Invitation)) is None


# Accepting ---------------------------------------------------------------------------------


def test_invitation_page_shows_network_and_role_then_accepting_applies_the_role(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["lead"])
    path = invite(client, role="partner")
    client.login_as(school["newcomer"])
    page = client.get(path)
    assert page.status_code == 200
    assert "Join School" in page.text and "Partner (STEM professional)" in page.text
    assert "Accept invitation" in page.text
    assert role_of(school["newcomer"]) is None  # looking changes nothing
    response = client.post(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/n/school/")
    assert role_of(school["newcomer"]) == "partner"
    invitation = stored_invitation(path)
    assert invitation.accepted_by_id == school["newcomer"].id
    assert "Newcomer joined as Partner" in client.get("/n/school/").text


def test_visitor_is_sent_to_sign_in_and_back_to_the_invitation(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["lead"])
    path = invite(client)
    client.post("/auth/logout")
    with client.session_transaction() as session:
        session.clear()
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302
        assert f"/auth/login?next={path}" in response.headers["Location"]
    assert stored_invitation(path).accepted_at is None


def test_invitation_works_once(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    path = invite(client)
    client.login_as(school["newcomer"])
    client.post(path)
    client.login_as(school["outsider"])
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 410
        assert "This invitation has already been used." in response.text
    assert role_of(school["outsider"]) is None


@contextmanager
def joined_elsewhere_meanwhile() -> Iterator[None]:
    """Make the same membership appear just before the next membership is stored."""

    def insert_first(mapper: Any, connection: Any, target: Membership) -> None:
        if inserted:
            return
        inserted.append(target)
        row = {"network_id": target.network_id, "user_id": target.user_id, "role": "reader"}
        connection.execute(insert(Membership).values(**row))

    inserted: list[Membership] = []
    event.listen(Membership, "before_insert", insert_first)
    try:
        yield
    finally:
        event.remove(Membership, "before_insert", insert_first)


def test_accepting_two_invitations_at_once_explains_instead_of_failing(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["lead"])
    path = invite(client, role="partner")
    client.login_as(school["newcomer"])
    with joined_elsewhere_meanwhile():
        response = client.post(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(path)
    page = client.get(path)
    assert page.status_code == 200
    assert "You joined School a moment ago, in another window." in page.text
    assert stored_invitation(path).accepted_at is None  # still usable
    assert client.post(path).status_code == 302
    assert role_of(school["newcomer"]) == "partner"


def test_expired_invitation_is_refused(client: Any, school: dict[str, Any]) -> None:
    raw, _ = create_invitation(
        db.session,
        school["network"],
        school["lead"],
        role="member",
        days=3,
        now=utcnow() - timedelta(days=4),
    )
    db.session.commit()
    client.login_as(school["newcomer"])
    response = client.post(f"/invite/{raw}")
    assert response.status_code == 410
    assert "This invitation has expired." in response.text
    assert role_of(school["newcomer"]) is None
    client.login_as(school["lead"])
    assert "No invitations are waiting" in client.get("/n/school/invitations").text


def test_revoked_invitation_is_refused(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    path = invite(client)
    invitation = stored_invitation(path)
    client.post(f"/n/school/invitations/{invitation.id}/revoke")
    assert "No invitations are waiting" in client.get("/n/school/invitations").text
    client.login_as(school["newcomer"])
    response = client.post(path)
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.text
    assert role_of(school["newcomer"]) is None


@pytest.mark.parametrize("actor", ROLES)
def test_only_leaders_revoke(client: Any, school: dict[str, Any], actor: str) -> None:
    client.login_as(school["lead"])
    invitation = stored_invitation(invite(client))
    client.login_as(school[actor])
    assert client.post(f"/n/school/invitations/{invitation.id}/revoke").status_code == 403
    db.session.refresh(invitation)
    assert invitation.revoked_at is None


def test_invitation_for_an_email_is_only_for_that_account(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["lead"])
    path = invite(client, email="Newcomer@School.Example")
    client.login_as(school["outsider"])
    response = client.post(path)
    assert response.status_code == 403
    assert "This invitation is for newcomer@school.example; confirm that address" in response.text
    assert role_of(school["outsider"]) is None
    assert stored_invitation(path).accepted_at is None
    client.login_as(school["newcomer"])  # the address matches whatever its case
    client.post(path)
    assert role_of(school["newcomer"]) == "member"


def test_unknown_token_is_not_found(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["newcomer"])
    response = client.get("/invite/not-a-real-token")
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.text


def test_accepting_needs_the_csrf_token(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    path = invite(client)
    client.login_as(school["newcomer"])
    assert client.post(path, csrf=False).status_code == 400
    assert role_of(school["newcomer"]) is None


# Someone already in the network -------------------------------------------------------------


def test_member_invited_as_leader_is_upgraded(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    path = invite(client, role="leader")
    client.login_as(school["reader"])
    assert "Accepting changes your role to Leader" in client.get(path).text
    response = client.post(path, follow_redirects=True)
    assert "You are now Leader in School." in response.text
    assert role_of(school["reader"]) == "leader"
    count = db.session.scalar(
        db.select(db.func.count()).select_from(Membership).filter_by(user_id=school["reader"].id)
    )
    assert count == 1


def test_leader_invited_as_reader_keeps_the_stronger_role(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["lead"])
    path = invite(client, role="reader")
    page = client.get(path).text
    assert "Accepting keeps that role" in page
    response = client.post(path, follow_redirects=True)
    assert "you keep that role" in response.text
    assert role_of(school["lead"]) == "leader"
    assert stored_invitation(path).accepted_by_id == school["lead"].id  # the link is used up


def test_invitation_to_another_network_leaves_this_one_alone(
    client: Any, school: dict[str, Any], make_network: Any
) -> None:
    other = make_network("other", school["outsider"])
    raw, _ = create_invitation(
        db.session, other, school["outsider"], role="leader", days=1, now=utcnow()
    )
    db.session.commit()
    client.login_as(school["member"])
    client.post(f"/invite/{raw}")
    assert role_of(school["member"]) == "member"
    client.login_as(school["lead"])
    response = client.post(f"/n/school/invitations/{_.id}/revoke", follow_redirects=True)
    assert "There is no such invitation in this network." in response.text


# Someone else holding the link -------------------------------------------------------------


def members_of_school() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(User.username, Membership.role)
        .join(Membership.user)
        .join(Network)
        .filter(Network.slug == "school")
    )
    return sorted((username, role) for username, role in rows)


def test_typing_the_invited_address_into_a_profile_does_not_take_the_invitation(
    app: Any, school: dict[str, Any], make_user: Any, mailbox: Mailbox
) -> None:
    leader = app.test_client()
    leader.login_as(school["lead"])
    path = invite(leader, role="leader", email="bob@school.example")
    before = members_of_school()
    eve = app.test_client()
    eve.login_as(make_user("eve"))
    assert eve.post(path).status_code == 403

    # Eve, who has the link, gives her profile Bob's address and tries again.
    profile = {"display_name": "Eve", "email": "Bob@School.Example", "role_kind": "teacher"}
    saved = eve.post("/settings/profile", data=profile, follow_redirects=True)
    assert "Pending: <strong>bob@school.example</strong>" in saved.text
    for attempt in (eve.get(path), eve.post(path)):
        assert attempt.status_code == 403
        assert (
            "This invitation is for bob@school.example; confirm that address on your profile "
            "first." in attempt.text
        )
    assert members_of_school() == before
    assert not re.search(r"\bEve\b", leader.get("/n/school/members").text)
    assert stored_invitation(path).accepted_at is None

    # The real Bob can still sign up with his address, confirm it from his mailbox, and accept.
    bob = app.test_client()
    signed_up = bob.post(
        "/auth/register",
        data={
            "email": "bob@school.example",
            "username": "bob",
            "display_name": "Bob",
            "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD,
            "role_kind": "teacher",
        },
    )
    assert signed_up.status_code == 302
    assert bob.post(path).status_code == 403  # not before he confirms it
    bobs_link = mailbox.last_link("bob@school.example")
    assert bob.get(bobs_link).status_code == 200
    assert bob.post(bobs_link).status_code == 302
    accepted = bob.post(path, follow_redirects=True)
    assert accepted.status_code == 200
    bob_user = db.session.scalar(select(User).filter_by(username="bob"))
    assert bob_user is not None and role_of(bob_user) == "leader"
    eve_user = db.session.scalar(select(User).filter_by(username="eve"))
    assert eve_user is not None
    db.session.refresh(eve_user)
    assert eve_user.pending_email is None  # Bob's confirmation dropped Eve's claim
    assert role_of(eve_user) is None
