"""Networks: creating one, the directory, the home page, settings and who may see what."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from unchanged import NOT_ALLOWED, NOT_FOUND, unchanged

from workspace.extensions import db
from workspace.models import Activity, JoinRequest, Membership, Network, User

ROLES = ["reader", "partner", "member"]


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    """A private network with one person in each role, an outsider and a site admin."""
    people = {name: make_user(name) for name in ["lead", *ROLES, "outsider"]}
    people["admin"] = make_user("admin", site_admin=True)
    network = make_network("school", people["lead"], members={people[r]: r for r in ROLES})
    return {**people, "network": network}


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Physics First",
        "slug": "physics-first",
        "purpose": "Teach ninth-grade physics through modeling, and study it together.",
        "kind": "regional",
        "visibility": "private",
        "parent_id": "0",
    }
    return {**data, **overrides}


# Creating a network ------------------------------------------------------------------------


def test_visitor_is_sent_to_sign_in_before_creating_a_network(app: Any, client: Any) -> None:
    response = client.get("/networks/new")
    assert response.status_code == 302
    assert "/auth/login?next=/networks/new" in response.headers["Location"]
    with unchanged(app):
        response = client.post("/networks/new", data=_form())
    assert response.status_code == 302
    assert "Please sign in to start a network." in client.get(response.headers["Location"]).text
    assert db.session.scalar(db.select(Network)) is None


def test_creator_becomes_the_first_leader(client: Any, make_user: Any) -> None:
    ana = make_user("ana")
    client.login_as(ana)
    response = client.post("/networks/new", data=_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/n/physics-first/")
    network = db.session.scalar(db.select(Network).filter_by(slug="physics-first"))
    assert network is not None
    assert (network.name, network.kind, network.visibility) == (
        "Physics First",
        "regional",
        "private",
    )
    roles = [(m.user.username, m.role) for m in network.memberships]
    assert roles == [("ana", "leader")]
    verbs = db.session.scalars(db.select(Activity.verb).filter_by(network_id=network.id)).all()
    assert verbs == ["created"]
    home = client.get("/n/physics-first/")
    assert "Teach ninth-grade physics through modeling" in home.text


def test_slug_is_lowercased(client: Any, make_user: Any) -> None:
    client.login_as(make_user("ana"))
    client.post("/networks/new", data=_form(slug="Physics-First"))
    assert db.session.scalar(db.select(Network.slug)) == "physics-first"


BAD_SLUG = "Use lowercase letters, digits and dashes, starting and ending with a letter or digit."
SLUG_LENGTH = "Field must be between 2 and 64 characters long."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"slug": "settings"}, "“settings” is reserved.", id="reserved-settings"),
        pytest.param({"slug": "new"}, "“new” is reserved.", id="reserved-new"),
        pytest.param({"slug": "admin"}, "“admin” is reserved.", id="reserved-admin"),
        pytest.param({"slug": "x"}, SLUG_LENGTH, id="slug-too-short"),
        pytest.param({"slug": "a" * 65}, SLUG_LENGTH, id="slug-too-long"),
        pytest.param({"slug": "under_score"}, BAD_SLUG, id="slug-underscore"),
        pytest.param({"slug": "-dash"}, BAD_SLUG, id="slug-leading-dash"),
        pytest.param({"slug": "two words"}, BAD_SLUG, id="slug-with-space"),
        pytest.param(
            {"slug": "taken", "name": "Other"},
            "Another network already uses this address.",
            id="slug-taken",
        ),
        pytest.param(
            {"purpose": "   "}, "Every network starts from a clear purpose.", id="blank-purpose"
        ),
    ],
)
def test_a_new_network_with_a_bad_field_is_refused_with_the_reason(
    app: Any, client: Any, make_user: Any, make_network: Any, fields: dict, message: str
) -> None:
    ana = make_user("ana")
    make_network("taken", ana)
    client.login_as(ana)
    with unchanged(app):
        response = client.post("/networks/new", data=_form(**fields))
    assert response.status_code == 200
    assert message in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Network)) == 1


def test_parent_must_be_a_network_the_creator_leads(
    app: Any, client: Any, school: dict[str, Any], make_network: Any
) -> None:
    member = school["member"]
    client.login_as(member)
    page = client.get("/networks/new")
    assert f'value="{school["network"].id}"' not in page.text  # not offered
    with unchanged(app, network=school["network"]):
        response = client.post("/networks/new", data=_form(parent_id=str(school["network"].id)))
    assert response.status_code == 200
    assert "Not a valid choice." in response.text
    assert db.session.scalar(db.select(Network).filter_by(slug="physics-first")) is None

    own = make_network("mine", member)
    client.post("/networks/new", data=_form(parent_id=str(own.id)))
    created = db.session.scalar(db.select(Network).filter_by(slug="physics-first"))
    assert created is not None and created.parent_id == own.id


def test_site_admin_may_place_a_network_anywhere(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["admin"])
    client.post("/networks/new", data=_form(parent_id=str(school["network"].id)))
    created = db.session.scalar(db.select(Network).filter_by(slug="physics-first"))
    assert created is not None and created.parent_id == school["network"].id


# Who may see a network ---------------------------------------------------------------------

NETWORK_PAGES = [
    "/n/school/",
    "/n/school/members",
    "/n/school/settings",
    "/n/school/invitations",
    "/n/school/join",
]


@pytest.mark.parametrize("url", NETWORK_PAGES)
@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_private_network_pages_are_not_found_for_non_members(
    client: Any, school: dict[str, Any], url: str, who: str
) -> None:
    if who != "anonymous":
        client.login_as(school[who])
    assert client.get(url).status_code == 404


NETWORK_POSTS = [
    "/n/school/settings",
    "/n/school/invitations",
    "/n/school/join",
    "/n/school/leave",
    "/n/school/members/add",
    "/n/school/members/1/role",
    "/n/school/members/1/remove",
    "/n/school/requests/1/approve",
    "/n/school/invitations/1/revoke",
]


@pytest.mark.parametrize("url", NETWORK_POSTS)
@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_private_network_actions_are_not_found_for_non_members(
    app: Any, client: Any, school: dict[str, Any], url: str, who: str
) -> None:
    if who != "anonymous":
        client.login_as(school[who])
    with unchanged(app, network=school["network"]):
        response = client.post(url, data={"role": "leader", "name": "Taken over"})
    assert response.status_code == 404
    assert NOT_FOUND in response.text
    assert "Taken over" not in response.text
    assert db.session.scalar(db.select(Network.name).filter_by(slug="school")) == "School"


@pytest.mark.parametrize("who", ["lead", "admin", *ROLES])
def test_everyone_in_a_network_sees_its_home_and_members(
    client: Any, school: dict[str, Any], who: str
) -> None:
    client.login_as(school[who])
    assert client.get("/n/school/").status_code == 200
    assert client.get("/n/school/members").status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lead", 200),
        ("admin", 200),
        ("member", 403),
        ("partner", 403),
        ("reader", 403),
    ],
)
def test_only_leaders_and_site_admins_open_settings(
    client: Any, school: dict[str, Any], who: str, status: int
) -> None:
    client.login_as(school[who])
    assert client.get("/n/school/settings").status_code == status
    assert client.get("/n/school/invitations").status_code == status


def test_public_network_is_readable_by_visitors_but_not_editable(
    app: Any, client: Any, make_user: Any, make_network: Any
) -> None:
    network = make_network("open", make_user("lead"), public=True)
    assert client.get("/n/open/").status_code == 200
    assert client.get("/n/open/members").status_code == 200
    assert client.get("/n/open/settings").status_code == 403
    with unchanged(app, network=network):
        response = client.post("/n/open/settings", data=_form(name="Taken over"))
    assert response.status_code == 403
    assert NOT_ALLOWED in response.text


def test_unknown_network_is_not_found(client: Any) -> None:
    assert client.get("/n/nowhere/").status_code == 404


# Settings ----------------------------------------------------------------------------------


def test_leader_changes_settings_and_members_cannot(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    changes = _form(
        name="School Lab", purpose="A sharper purpose.", kind="small_group", visibility="public"
    )
    client.login_as(school["member"])
    with unchanged(app, network=school["network"]):
        refused = client.post("/n/school/settings", data=changes)
    assert refused.status_code == 403
    assert NOT_ALLOWED in refused.text
    client.login_as(school["lead"])
    response = client.post("/n/school/settings", data=changes)
    assert response.status_code == 302
    network = db.session.scalar(db.select(Network).filter_by(slug="school"))
    assert (network.name, network.purpose, network.kind, network.visibility) == (
        "School Lab",
        "A sharper purpose.",
        "small_group",
        "public",
    )
    assert network.slug == "school"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"purpose": ""}, "Every network starts from a clear purpose.", id="purpose"),
        pytest.param({"name": "  "}, "Give the network a name.", id="name"),
    ],
)
def test_settings_refuse_a_blank_name_or_purpose(
    app: Any, client: Any, school: dict[str, Any], fields: dict, message: str
) -> None:
    client.login_as(school["lead"])
    with unchanged(app, network=school["network"]):
        response = client.post("/n/school/settings", data=_form(**fields))
    assert response.status_code == 200
    assert message in response.text
    assert db.session.scalar(db.select(Network.purpose).filter_by(slug="school")).startswith(
        "Improve school"
    )


def test_a_network_cannot_be_moved_inside_its_own_sub_network(
    app: Any, client: Any, school: dict[str, Any], make_network: Any
) -> None:
    lead = school["lead"]
    child = make_network("school-lab", lead, parent=school["network"])
    client.login_as(lead)
    page = client.get("/n/school/settings")
    assert f'value="{child.id}"' not in page.text
    with unchanged(app, network=school["network"]):
        response = client.post("/n/school/settings", data=_form(parent_id=str(child.id)))
    assert response.status_code == 200
    assert "Not a valid choice." in response.text
    assert db.session.scalar(db.select(Network.parent_id).filter_by(slug="school")) is None


def test_leader_keeps_a_parent_they_do_not_lead(
    client: Any, school: dict[str, Any], make_user: Any, make_network: Any
) -> None:
    national = make_network("national", make_user("boss"))
    network = school["network"]
    network.parent = national
    db.session.commit()
    client.login_as(school["lead"])
    response = client.post("/n/school/settings", data=_form(parent_id=str(national.id)))
    assert response.status_code == 302
    assert db.session.scalar(db.select(Network.parent_id).filter_by(slug="school")) == national.id


# Home page ---------------------------------------------------------------------------------


def test_home_shows_purpose_leaders_members_by_role_and_activity(
    client: Any, school: dict[str, Any]
) -> None:
    db.session.add(
        Activity(
            network_id=school["network"].id,
            actor_id=school["lead"].id,
            verb="edited",
            summary="Lead edited Energy transfer",
        )
    )
    db.session.commit()
    client.login_as(school["reader"])
    page = client.get("/n/school/").text
    assert "Improve school lessons together through lesson study." in page
    assert "Leadership team" in page and "Lead" in page
    for heading in ["Members (teachers)", "Partners (STEM professionals)", "Readers"]:
        assert heading in page
    assert "Lead edited Energy transfer" in page


def _prompt_shown(client: Any) -> bool:
    return "Build a leadership team." in client.get("/n/school/").text


def test_one_leader_prompt_appears_to_leaders_and_goes_with_a_second_leader(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["member"])
    assert not _prompt_shown(client)  # only leaders are asked
    client.login_as(school["lead"])
    assert _prompt_shown(client)
    client.post(
        f"/n/school/members/{school['member'].id}/role",
        data={f"m{school['member'].id}-role": "leader"},
    )
    assert not _prompt_shown(client)
    client.post(
        f"/n/school/members/{school['member'].id}/role",
        data={f"m{school['member'].id}-role": "member"},
    )
    assert _prompt_shown(client)


def test_sub_networks_are_listed_only_when_the_viewer_may_see_them(
    client: Any, school: dict[str, Any], make_user: Any, make_network: Any
) -> None:
    other = make_user("other")
    parent = make_network(
        "national", school["lead"], members={school["member"]: "member"}, public=True
    )
    make_network("east", other, parent=parent, public=True)
    make_network("west", other, parent=parent)  # private, led by someone else
    client.login_as(school["member"])  # a member of the parent, not a leader
    page = client.get("/n/national/").text
    assert "/n/east/" in page and "/n/west/" not in page
    client.login_as(school["lead"])  # a leader of the parent sees every sub-network
    page = client.get("/n/national/").text
    assert "/n/east/" in page and "/n/west/" in page
    assert client.get("/n/west/").status_code == 200
    assert client.get("/n/west/settings").status_code == 403


def _add_people(network: Network, numbers: range, make_network: Any) -> None:
    """Add people in every role to `network`, with their activity, join requests and children."""
    roles = ["leader", *ROLES]
    for i in numbers:
        person = User(username=f"p{i}", email=f"p{i}@school.example", display_name=f"P{i}")
        asker = User(username=f"asker{i}", email=f"asker{i}@school.example", display_name="Asker")
        person.password_hash = asker.password_hash = "!"  # nobody signs in as them
        db.session.add_all([person, asker])
        db.session.add(Membership(network=network, user=person, role=roles[i % len(roles)]))
        db.session.add(JoinRequest(network=network, user=asker, message="Please"))
        db.session.add(
            Activity(network_id=network.id, actor=person, verb="joined", summary=f"P{i}")
        )
        db.session.commit()
        make_network(f"child-{i}", person, parent=network, public=i % 2 == 0)


@contextmanager
def _counted_statements() -> Iterator[list[str]]:
    """Yield a list that collects every SQL statement run while the block is open."""
    statements: list[str] = []

    def collect(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", collect)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", collect)


def _statements_per_page(client: Any) -> dict[str, int]:
    found = {}
    for page in ("/n/school/", "/n/school/members"):
        with _counted_statements() as statements:
            response = client.get(page)
        assert response.status_code == 200
        found[page] = len(statements)
    return found


def test_network_pages_run_as_many_queries_for_forty_people_as_for_five(
    client: Any, school: dict[str, Any], make_network: Any
) -> None:
    client.login_as(school["lead"])
    _add_people(school["network"], range(5), make_network)
    few = _statements_per_page(client)
    _add_people(school["network"], range(5, 40), make_network)
    many = _statements_per_page(client)
    assert many == few
    members = client.get("/n/school/members").text
    assert "@p39" in members and "asker39@" not in members
    assert members.count("Approve Asker") == 40
    assert members.count('<span class="meta">asked ') == 40  # no " · " before it: no affiliation
    home = client.get("/n/school/").text
    assert "44 people in this network." in home  # the 40 and the school's first four
    assert 'Members (teachers) <span class="meta">(11)</span>' in home
    assert "/n/child-38/" in home and "/n/child-39/" in home  # led networks are all readable
    assert "40 people are asking to join." in home


# Directory ---------------------------------------------------------------------------------


@pytest.fixture
def directory(make_user: Any, make_network: Any) -> dict[str, Any]:
    ana, bo = make_user("ana"), make_user("bo")
    made = [
        ("chem-circle", True, "virtual"),
        ("physics-north", True, "regional"),
        ("physics-south", False, "regional"),
        ("secret-physics", False, "small_group"),
    ]
    for slug, public, kind in made:
        network = make_network(slug, bo if slug == "secret-physics" else ana, public=public)
        network.kind = kind
    db.session.commit()
    return {"ana": ana, "bo": bo, "carl": make_user("carl")}


def _listed(client: Any, query: str = "") -> set[str]:
    """Return the slugs of the networks listed as results (not those in the header menu)."""
    page = client.get(f"/networks/{query}").text
    results = (
        page.split('<ul class="card-list">', 1)[1].split("</ul>", 1)[0]
        if ('<ul class="card-list">' in page)
        else ""
    )
    return {
        s
        for s in ["chem-circle", "physics-north", "physics-south", "secret-physics"]
        if f"/n/{s}/" in results
    }


def test_directory_shows_public_networks_and_the_users_own(
    client: Any, directory: dict[str, Any]
) -> None:
    assert _listed(client) == {"chem-circle", "physics-north"}
    client.login_as(directory["ana"])
    assert _listed(client) == {"chem-circle", "physics-north", "physics-south"}
    client.login_as(directory["bo"])
    assert _listed(client) == {"chem-circle", "physics-north", "secret-physics"}


def test_directory_searches_by_name_and_filters_by_kind(
    client: Any, directory: dict[str, Any]
) -> None:
    client.login_as(directory["ana"])
    assert _listed(client, "?q=physics") == {"physics-north", "physics-south"}
    assert _listed(client, "?q=PHYSICS+n") == {"physics-north"}
    assert _listed(client, "?kind=regional") == {"physics-north", "physics-south"}
    assert _listed(client, "?q=chem&kind=regional") == set()
    assert _listed(client, "?q=%25") == set()  # a % is searched for, not a wildcard
    assert _listed(client, "?kind=nonsense") == {"chem-circle", "physics-north", "physics-south"}


def test_directory_is_paginated(client: Any, make_user: Any, make_network: Any) -> None:
    ana = make_user("ana")
    for i in range(23):
        make_network(f"net-{i:02d}", ana, public=True)
    first = client.get("/networks/").text
    second = client.get("/networks/?page=2").text
    assert first.count('<li class="card">') == 20
    assert second.count('<li class="card">') == 3
    assert "/n/net-00/" in first and "/n/net-22/" in second
    assert 'rel="next"' in first and 'rel="prev"' in second
