"""Search finds what the searcher may read and nothing else, best matches first, with the
matched words marked in escaped text; filters narrow it; whatever is typed, it answers."""

from __future__ import annotations

from typing import Any

import pytest
from courses_support import make_school
from search_support import add_lessons, course_with, found, lesson_file, titles
from teacher_language import git_words

from workspace.access import Access, commenting_networks, permissions, readable_networks
from workspace.extensions import db
from workspace.models import Network, TokenScope
from workspace.services.accounts import issue_token

SECRET = lesson_file(
    "Photosynthesis in a jar",
    "Pairs seal a leaf in a jar and watch the bubbles.\n",
    standards=["HS-LS1-5"],
)
OPEN = lesson_file(
    "Photosynthesis outdoors",
    "Classes count leaves.\n\n::: instructor\nBring spare zebrafish tanks.\n:::\n",
)


@pytest.fixture
def world(app: Any, make_user: Any, make_network: Any) -> dict[str, Any]:
    """Return a private network "school" (every role) and a public one "open", each with a
    course about photosynthesis."""
    people = make_school(make_user, make_network)
    people["course"] = course_with(people["network"], people["lead"], "biology", {"jar": SECRET})
    pat = make_user("pat")
    people["open"] = make_network("open", pat, public=True)
    people["open_course"] = course_with(people["open"], pat, "garden", {"outdoors": OPEN})
    people["site_admin"] = make_user("root", site_admin=True)
    return people


def _as(client: Any, world: dict[str, Any], role: str) -> Any:
    if role != "anonymous":
        client.login_as(world[role])
    return client


@pytest.mark.parametrize(
    ("role", "sees_private"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("reader", True),
        ("partner", True),
        ("member", True),
        ("lead", True),
        ("site_admin", True),
    ],
)
def test_a_private_networks_lessons_are_found_by_its_people_only(
    world: dict[str, Any], client: Any, role: str, sees_private: bool
) -> None:
    _as(client, world, role)
    expected = (
        ["Photosynthesis in a jar", "Photosynthesis outdoors"]
        if sees_private
        else ["Photosynthesis outdoors"]
    )
    assert sorted(titles(client, q="photosynthesis")) == expected
    # Not as a result, not as a count, not in the page at all.
    page = client.get("/search?q=photosynthesis").get_data(as_text=True)
    assert ("jar" in page) is sees_private
    assert ("Bubbles" in page or "bubbles" in page) is sees_private
    # The standards filter and browsing by kind do not reveal it either.
    assert bool(found(client, standard="HS-LS1-5")) is sees_private
    assert ("Photosynthesis in a jar" in titles(client, kind="lesson")) is sees_private


@pytest.mark.parametrize("role", ["anonymous", "outsider"])
def test_naming_a_private_network_is_answered_as_if_it_did_not_exist(
    world: dict[str, Any], client: Any, role: str
) -> None:
    _as(client, world, role)
    for url in (
        "/search?q=photosynthesis&net=school",
        "/search?q=photosynthesis&net=school&course=biology",
        "/api/v1/search?q=photosynthesis&net=school",
        "/search?q=photosynthesis&net=nowhere",
        "/api/v1/search?q=x&net=nowhere",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("role", "finds_notes"),
    [("anonymous", False), ("outsider", False), ("member", False), ("site_admin", True)],
)
def test_instructor_notes_are_searched_for_the_networks_people_only(
    world: dict[str, Any], client: Any, make_user: Any, role: str, finds_notes: bool
) -> None:
    # "member" here is a member of the private network: a visitor to the public one.
    _as(client, world, role)
    results = found(client, q="zebrafish")
    assert bool(results) is finds_notes
    for result in found(client, q="photosynthesis"):
        assert "zebrafish" not in result["snippet"] or finds_notes


def test_the_public_networks_own_people_find_its_instructor_notes(
    world: dict[str, Any], client: Any, make_user: Any
) -> None:
    gardener = make_user("gardener")
    from workspace.models import Membership

    db.session.add(Membership(network=world["open"], user=gardener, role="reader"))
    db.session.commit()
    client.login_as(gardener)
    [result] = found(client, q="zebrafish")
    assert result["title"] == "Photosynthesis outdoors"
    assert "<mark>zebrafish</mark>" in result["snippet_html"]


def test_a_read_only_token_searches_as_a_visitor_of_what_it_may_read(
    world: dict[str, Any], client: Any
) -> None:
    raw, _ = issue_token(db.session, world["site_admin"], "laptop", scope=TokenScope.READ.value)
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    response = client.get("/api/v1/search?q=photosynthesis", headers=headers)
    assert {r["title"] for r in response.get_json()["results"]} == {
        "Photosynthesis in a jar",
        "Photosynthesis outdoors",
    }
    assert client.get("/api/v1/search?q=zebrafish", headers=headers).get_json()["results"] == []


def test_the_sql_conditions_agree_with_the_permission_function(
    world: dict[str, Any], make_network: Any
) -> None:
    region = make_network("region", world["outsider"], parent=world["network"])
    assert region.parent is not None
    networks = list(db.session.scalars(db.select(Network)))
    for role in ("outsider", "reader", "partner", "member", "lead", "site_admin", None):
        user = world[role] if role else None
        for condition, flag in ((readable_networks(user), Access.READ),):
            ids = set(db.session.scalars(db.select(Network.id).filter(condition)))
            assert ids == {n.id for n in networks if permissions(user, n) & flag}, role
        ids = set(db.session.scalars(db.select(Network.id).filter(commenting_networks(user))))
        assert ids == {n.id for n in networks if permissions(user, n) & Access.COMMENT}, role


def test_a_title_match_ranks_before_a_body_match(
    app: Any, client: Any, make_user: Any, make_network: Any
) -> None:
    lead = make_user("lead")
    network = make_network("school", lead)
    course_with(
        network,
        lead,
        "physics",
        {
            "a-body": lesson_file("Measuring things", "We talk about momentum and momentum.\n"),
            "b-title": lesson_file("Momentum", "Carts collide on a track.\n"),
            "c-objective": lesson_file("Collisions", "Carts.\n", objectives=["Explain momentum"]),
        },
    )
    client.login_as(lead)
    assert titles(client, q="momentum") == ["Momentum", "Collisions", "Measuring things"]


def test_matched_words_are_marked_in_escaped_text(
    app: Any, client: Any, make_user: Any, make_network: Any
) -> None:
    lead = make_user("lead")
    network = make_network("school", lead)
    hostile = lesson_file(
        '"<img src=x onerror=alert(1)> Volcano"',
        'A <script>alert("volcano")</script> erupts & <b>volcano</b> ash falls.\n',
    )
    course_with(network, lead, "geology", {"volcano": hostile})
    client.login_as(lead)
    [result] = found(client, q="volcano")
    for html in (result["title_html"], result["snippet_html"]):
        assert "<mark>" in html
        stripped = html.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in stripped and ">" not in stripped, html
    page = client.get("/search?q=volcano").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>volcano" not in page
    assert "<mark>" in page


def test_filters_narrow_by_course_unit_grade_standard_and_kind(
    app: Any, client: Any, make_user: Any, make_network: Any
) -> None:
    lead = make_user("lead")
    network = make_network("school", lead)
    physics = course_with(
        network,
        lead,
        "physics",
        {
            "heat": lesson_file("Heat flow", "Energy moves.\n", standards=["HS-PS3-1"]),
            "young": lesson_file("Warm hands", "Energy warms.\n", grade_band="K-2"),
        },
        grade_band="9-12",
    )
    add_lessons(physics, lead, "waves", {"sound": lesson_file("Sound", "Energy in waves.\n")})
    course_with(
        network,
        lead,
        "chemistry",
        {"bonds": lesson_file("Bonds", "Energy in bonds.\n", standards=["hs-ps3-1"])},
        grade_band="9-12",
    )
    client.login_as(lead)
    everything = {"Heat flow", "Warm hands", "Sound", "Bonds"}
    assert set(titles(client, q="energy")) == everything
    assert set(titles(client, q="energy", net="school", course="physics")) == everything - {"Bonds"}
    assert titles(client, q="energy", net="school", course="physics", unit="waves") == ["Sound"]
    assert set(titles(client, q="energy", grade="9-12")) == everything - {"Warm hands"}
    assert titles(client, q="energy", grade="K-2") == ["Warm hands"]
    # A standard in any accepted form; with no words, every lesson that lists it.
    assert set(titles(client, q="energy", standard="HS-PS3-1")) == {"Heat flow", "Bonds"}
    assert set(titles(client, standard="hs ps3 1")) == {"Heat flow", "Bonds"}
    assert titles(client, q="energy", kind="thread") == []
    # Codes are words too: searching for one finds the lessons that list it.
    assert set(titles(client, q="HS-PS3-1")) == {"Heat flow", "Bonds"}


def test_results_come_a_page_at_a_time(
    app: Any, client: Any, make_user: Any, make_network: Any
) -> None:
    lead = make_user("lead")
    network = make_network("school", lead)
    lessons = {f"l{n}": lesson_file(f"Lab {n}", "A pendulum swings.\n") for n in range(23)}
    course_with(network, lead, "physics", lessons)
    client.login_as(lead)
    first = client.get("/api/v1/search?q=pendulum").get_json()
    assert len(first["results"]) == 20 and first["next_page"] == 2
    second = client.get("/api/v1/search?q=pendulum&page=2").get_json()
    assert len(second["results"]) == 3 and second["next_page"] is None
    shown = {r["title"] for r in first["results"]} | {r["title"] for r in second["results"]}
    assert len(shown) == 23
    page = client.get("/search?q=pendulum").get_data(as_text=True)
    assert 'rel="next"' in page and "page=2" in page


HOSTILE_QUERIES = [
    "",
    " ",
    '"',
    '""',
    '"unbalanced phrase',
    "*",
    "heat*",
    "NEAR(",
    "NEAR(heat water, 2)",
    "-",
    "--",
    "-heat",
    "heat -",
    "OR",
    "heat OR",
    "AND OR NOT",
    "title: heat",
    "{title body}: heat",
    "^heat",
    "heat + water",
    "(heat",
    "heat)",
    "'; DROP TABLE search_documents; --",
    "\\",
    "%_%",
    "ünïcödé 热 😀",
    "\x00\x01 heat",
    "heat " * 400,
    "x" * 5000,
    "the",
    "the of and",
]


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_whatever_is_typed_the_search_answers(
    app: Any, client: Any, make_user: Any, make_network: Any, text: str
) -> None:
    lead = make_user("lead")
    network = make_network("school", lead, public=True)
    course_with(network, lead, "physics", {"heat": lesson_file("Heat", "Heat and water.\n")})
    for who in (None, lead):
        if who is not None:
            client.login_as(who)
        page = client.get("/search", query_string={"q": text})
        assert page.status_code == 200
        api = client.get("/api/v1/search", query_string={"q": text})
        assert api.status_code in (200, 400), api.get_json()
        assert api.is_json


def test_a_search_that_cannot_be_run_says_why(world: dict[str, Any], client: Any) -> None:
    client.login_as(world["member"])
    assert client.get("/api/v1/search").status_code == 400
    bad = client.get("/api/v1/search?q=x&standard=HS-XX9-9")
    assert bad.status_code == 422 and "not a valid" in bad.get_json()["message"]
    assert client.get("/api/v1/search?q=x&kind=everything").status_code == 422
    assert client.get("/api/v1/search?q=x&course=biology").status_code == 422
    page = client.get("/search?q=x&standard=HS-XX9-9&grade=eleventy&unit=../x")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "is not a valid" in text and "is not a grade band" in text and "not the name of" in text


def test_the_search_page_is_labelled_and_speaks_the_teachers_language(
    world: dict[str, Any], client: Any
) -> None:
    client.login_as(world["member"])
    html = client.get("/search?q=photosynthesis&net=school").get_data(as_text=True)
    assert '<label for="q">' in html and 'role="search"' in html
    assert '<ol class="search-results"' in html and "<h3><a href=" in html
    assert git_words(html) == []
    # Without JavaScript the filters are a plain form that comes back as it was sent.
    assert 'method="get"' in html and '<option value="school" selected>' in html
