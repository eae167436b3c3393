"""The permission function, as a table: who may do what in a network and its courses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask_login import AnonymousUserMixin

from workspace.access import Access, permissions, readable_networks
from workspace.extensions import db
from workspace.models import Course, Network, User

R, C, W, M = Access.READ, Access.COMMENT, Access.WRITE, Access.MANAGE
CU = Access.CURATE  # speak for partner organizations
EVERYTHING = R | C | W | M | CU


@pytest.fixture
def people(make_user: Any, make_network: Any) -> dict[str, Any]:
    """A national network with a private regional sub-network and a school group below it."""
    names = [
        "lead",
        "member",
        "partner",
        "reader",
        "outsider",
        "admin",
        "parent_lead",
        "parent_member",
        "grand_lead",
    ]
    users = {n: make_user(n.replace("_", ""), site_admin=n == "admin") for n in names}
    national = make_network("national", users["grand_lead"])
    region = make_network(
        "region",
        users["parent_lead"],
        members={users["parent_member"]: "member"},
        parent=national,
    )
    school = make_network(
        "school",
        users["lead"],
        members={users["member"]: "member", users["partner"]: "partner", users["reader"]: "reader"},
        parent=region,
    )
    public = make_network("open", users["lead"], public=True)
    return {**users, "school": school, "public": public, "region": region, "national": national}


PRIVATE_TABLE = [
    ("anonymous", Access.NONE),
    ("outsider", Access.NONE),
    ("reader", R | C),
    ("partner", R | C | CU),  # may propose a partner organization
    ("member", R | C | W),
    ("lead", EVERYTHING),
    ("admin", EVERYTHING),
    ("parent_lead", R),  # leads the parent network: sees, cannot change
    ("grand_lead", R),  # leads the grandparent: the same
    ("parent_member", Access.NONE),  # only leaders of a parent see sub-networks
]


def _user(people: dict[str, Any], who: str) -> Any:
    return AnonymousUserMixin() if who == "anonymous" else people[who]


@pytest.mark.parametrize(("who", "expected"), PRIVATE_TABLE)
def test_private_network_permissions_by_role(people: dict, who: str, expected: Access) -> None:
    assert permissions(_user(people, who), people["school"]) == expected


def test_none_user_is_treated_as_anonymous(people: dict) -> None:
    assert permissions(None, people["school"]) == Access.NONE
    assert permissions(None, people["public"]) == R


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", R), ("outsider", R), ("admin", EVERYTHING), ("lead", EVERYTHING)],
)
def test_public_network_lets_everyone_read(people: dict, who: str, expected: Access) -> None:
    assert permissions(_user(people, who), people["public"]) == expected


@pytest.mark.parametrize(
    ("who", "scope", "expected"),
    [
        ("lead", "read", R),
        ("member", "read", R),
        ("admin", "read", R),
        ("outsider", "read", Access.NONE),
        ("lead", "write", EVERYTHING),
        ("member", "write", R | C | W),
    ],
)
def test_token_scope_caps_what_a_token_may_do(
    people: dict, who: str, scope: str, expected: Access
) -> None:
    assert permissions(people[who], people["school"], token_scope=scope) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("lead", R | C | M | CU),
        ("admin", R | C | M | CU),
        ("member", R | C),
        ("reader", R | C),
        ("parent_lead", R),
        ("outsider", Access.NONE),
    ],
)
def test_archived_course_is_read_only_for_everyone(
    people: dict, who: str, expected: Access
) -> None:
    course = Course(network=people["school"], slug="physics", title="Physics")
    course.archived_at = datetime(2024, 6, 1, tzinfo=UTC)
    db.session.add(course)
    db.session.commit()
    assert permissions(people[who], people["school"], course) == expected


def test_active_course_follows_the_network_role(people: dict) -> None:
    course = Course(network=people["school"], slug="physics", title="Physics")
    db.session.add(course)
    db.session.commit()
    assert permissions(people["member"], people["school"], course) == R | C | W


def test_stronger_roles_hold_every_flag_of_weaker_ones(people: dict) -> None:
    order = ["outsider", "reader", "member", "lead", "admin"]
    granted = [permissions(people[w], people["school"]) for w in order]
    for weaker, stronger in zip(granted, granted[1:], strict=False):
        assert weaker & stronger == weaker


@pytest.mark.parametrize("who", [*(w for w, _ in PRIVATE_TABLE)])
def test_listing_condition_matches_the_permission_function(people: dict, who: str) -> None:
    user = _user(people, who)
    listed = set(db.session.scalars(db.select(Network.slug).filter(readable_networks(user))))
    every = db.session.scalars(db.select(Network)).all()
    readable = {n.slug for n in every if permissions(user, n) & R}
    assert listed == readable
    assert listed  # every fixture user can read at least the public network


def test_removed_membership_takes_access_away(people: dict) -> None:
    member: User = people["member"]
    school: Network = people["school"]
    for m in list(member.memberships):
        if m.network_id == school.id:
            db.session.delete(m)
    db.session.commit()
    assert permissions(member, school) == Access.NONE


def test_curating_one_organization_is_for_its_people_and_the_leaders(people: dict) -> None:
    from workspace.models import Partner, PartnerMember

    school = people["school"]
    theirs = Partner(network_id=school.id, name="Acme", kind="company")
    other = Partner(network_id=school.id, name="Beta", kind="company")
    db.session.add_all([theirs, other])
    db.session.flush()
    db.session.add(PartnerMember(partner_id=theirs.id, user_id=people["partner"].id))
    db.session.commit()
    assert permissions(people["partner"], school, partner=theirs) == R | C | CU
    assert permissions(people["partner"], school, partner=other) == R | C
    assert permissions(people["member"], school, partner=theirs) == R | C | W
    assert permissions(people["lead"], school, partner=other) == EVERYTHING
    # Someone linked to the organization who has left the network speaks for it no more.
    assert permissions(people["outsider"], school, partner=theirs) == Access.NONE
    # A read-only token reads, whoever holds it.
    assert permissions(people["partner"], school, partner=theirs, token_scope="read") == R
