"""The partners' pages without JavaScript: the directory's search and filters, proposing an
organization and a leader approving it, the logo (checked like lesson images), resources on
the lesson page with their partner and kind (retired ones marked), linking and unlinking from
the lesson page and the resource page, and refused forms that say why and keep what was typed."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from partners_support import DIRECTORY, PAGE, TEXT, client_as, head, resource_page, text_now
from partners_support import make_partner_school as make_school
from teacher_language import git_words, visible_text
from testdata import png

from workspace.extensions import db
from workspace.models import Partner


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return make_school(make_user, make_network)


def html(response: Any) -> str:
    return response.get_data(as_text=True)


def test_the_directory_searches_and_filters_and_speaks_the_teachers_language(
    app: Any, school: dict[str, Any]
) -> None:
    lead = client_as(app, school["lead"])
    for name, kind in (("Riverside Museum", "museum"), ("North District", "district")):
        done = lead.post("/n/school/partners/new", data={"name": name, "kind": kind})
        assert done.status_code == 302
    member = client_as(app, school["member"])
    page = visible_text(html(member.get(DIRECTORY)))
    assert "Acme Labs" in page and "Riverside Museum" in page and "3 organizations" in page
    found = visible_text(html(member.get(DIRECTORY + "?q=museum")))
    assert "Riverside Museum" in found and "Acme Labs" not in found
    districts = visible_text(html(member.get(DIRECTORY + "?kind=district")))
    assert "North District" in districts and "Riverside Museum" not in districts
    assert "No partner matches" in html(member.get(DIRECTORY + "?q=zzz"))
    assert git_words(html(member.get(DIRECTORY))) == []


def test_a_partner_proposes_their_organization_and_a_leader_approves_it(
    app: Any, school: dict[str, Any]
) -> None:
    partner = client_as(app, school["partner"])
    done = partner.post(
        "/n/school/partners/new",
        data={"name": "Tide Energy", "kind": "company", "website": "https://tide.example"},
    )
    assert done.status_code == 302
    url = done.headers["Location"]
    assert "Waiting for a leader" in html(partner.get(url))
    member = client_as(app, school["member"])
    assert member.get(url).status_code == 404  # not a partner until approved
    assert "Tide Energy" not in html(member.get(DIRECTORY))
    lead = client_as(app, school["lead"])
    assert "Approve as a partner" in html(lead.get(url))
    assert lead.post(url + "/approve").status_code == 302
    assert member.get(url).status_code == 200
    assert "Tide Energy" in html(member.get(DIRECTORY))
    # The proposer speaks for it: they edit its profile; a teacher may not.
    assert partner.get(url + "/edit").status_code == 200
    assert member.get(url + "/edit").status_code == 403


def test_a_refused_form_says_why_and_keeps_what_was_typed(app: Any, school: dict[str, Any]) -> None:
    partner = client_as(app, school["partner"])
    url = f"/n/school/partners/{school['org'].id}/resources/new"
    typed = {"title": "Our <lab> data", "url": "javascript:alert(1)", "kind": "dataset"}
    refused = partner.post(url, data={**typed, "description": "Ten years of readings"})
    assert refused.status_code == 422
    page = html(refused)
    assert "“javascript:” addresses are not accepted" in page
    assert 'aria-invalid="true"' in page and 'id="url-error"' in page
    assert 'value="Our &lt;lab&gt; data"' in page and "Ten years of readings" in page
    assert "<lab>" not in page
    standards = partner.post(url, data={**typed, "url": "https://a.example", "standards": "XX-1"})
    assert standards.status_code == 422 and "XX-1" in html(standards)


def test_the_logo_is_checked_like_a_lesson_image(app: Any, school: dict[str, Any]) -> None:
    partner = client_as(app, school["partner"])
    org = f"/n/school/partners/{school['org'].id}"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = partner.post(
        org + "/logo",
        data={"logo": (io.BytesIO(svg), "logo.svg"), "alt": "Acme logo"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "SVG images are not accepted" in html(refused)
    assert partner.get(org + "/logo").status_code == 404
    no_alt = partner.post(
        org + "/logo",
        data={"logo": (io.BytesIO(png(4)), "logo.png"), "alt": " "},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Describe the image in the alt text" in html(no_alt)
    done = partner.post(
        org + "/logo",
        data={"logo": (io.BytesIO(png(4)), "logo.png"), "alt": "Acme Labs logo"},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    shown = client_as(app, school["reader"]).get(org + "/logo")
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert shown.data == png(4)
    assert 'alt="Acme Labs logo"' in html(client_as(app, school["reader"]).get(org))


def test_the_lesson_page_links_a_resource_and_lists_it_with_partner_and_kind(
    app: Any, school: dict[str, Any]
) -> None:
    member = client_as(app, school["member"])
    page = html(member.get(PAGE))
    assert "Link a resource to this lesson" in page
    offered = re.findall(r'<option value="(\d+)">([^<]*)</option>', page)
    titles = [title for _value, title in offered]
    assert "Ramp friction data (Dataset, Acme Labs)" in titles
    assert not any("Old video" in t or "tribologist" in t for t in titles)  # retired, proposed
    done = member.post(f"{PAGE}/resources", data={"resource_id": str(school["data"].id)})
    assert done.status_code == 302 and done.headers["Location"].endswith("#resources-heading")
    text = visible_text(html(member.get(PAGE)))
    assert re.search(r"Ramp friction data\s+Dataset from\s+Acme Labs", text)
    assert git_words(html(member.get(PAGE))) == []
    history = html(member.get("/n/school/physics/history/motion/ramps"))
    assert "Link resource: Ramp friction data" in history
    unlink = f"{PAGE}/resources/{school['data'].id}/unlink"
    assert member.post(unlink).status_code == 302
    assert text_now(school) == TEXT


def test_a_retired_resource_stays_on_the_lesson_marked_retired(
    app: Any, school: dict[str, Any]
) -> None:
    member, lead = client_as(app, school["member"]), client_as(app, school["lead"])
    member.post(f"{PAGE}/resources", data={"resource_id": str(school["data"].id)})
    assert lead.post(resource_page(school["data"]) + "/retire").status_code == 302
    page = visible_text(html(member.get(PAGE)))
    assert re.search(r"Ramp friction data\s+Dataset from\s+Acme Labs.*Retired", page, re.S)
    assert "This resource is retired" in html(member.get(resource_page(school["data"])))
    # Not offered for new links, and a link request for it is refused without a change.
    before = head(school)
    refused = member.post(
        resource_page(school["data"]) + "/link", data={"lesson": "physics/motion/ramps"}
    )
    assert refused.status_code == 409 and "retired, so it cannot be linked" in html(refused)
    assert head(school) == before


def test_the_resource_page_links_it_to_a_lesson_and_lists_the_lessons(
    app: Any, school: dict[str, Any]
) -> None:
    member = client_as(app, school["member"])
    url = resource_page(school["data"])
    page = html(member.get(url))
    assert "No lesson links it yet." in page
    assert '<option value="physics/motion/ramps">Rolling down ramps</option>' in page
    empty = member.post(url + "/link", data={"lesson": ""})
    assert empty.status_code == 422 and "Choose the lesson to link it to." in html(empty)
    done = member.post(url + "/link", data={"lesson": "physics/motion/ramps"})
    assert done.status_code == 302
    page = html(member.get(url))
    assert 'href="/n/school/physics/lessons/motion/ramps">Rolling down ramps</a>' in page
    assert git_words(page) == []
    twice = member.post(
        url + "/link", data={"lesson": "physics/motion/ramps"}, follow_redirects=True
    )
    assert "already links this resource" in html(twice)
    assert (
        client_as(app, school["reader"])
        .post(url + "/link", data={"lesson": "physics/motion/ramps"})
        .status_code
        == 403
    )


def test_names_and_addresses_people_typed_are_shown_safely(
    app: Any, school: dict[str, Any]
) -> None:
    org: Partner = school["org"]
    org.name = '<img src=x onerror="alert(1)">'
    org.description = "<script>alert(2)</script>"
    db.session.commit()
    page = html(client_as(app, school["member"]).get(f"/n/school/partners/{org.id}"))
    assert "<script>alert(2)" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page
    assert 'href="https://acme.example" rel="noopener noreferrer"' in page
