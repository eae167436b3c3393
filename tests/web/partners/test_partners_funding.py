"""District PD-credit agreements and funders' grants: leaders record them; the partnerships
page shows them to the network's people with money figures for leaders only; the next report
dates are on the network home for leaders; the PD-hours export names the agreement."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from partners_support import client_as
from partners_support import make_partner_school as make_school
from teacher_language import git_words, visible_text

PARTNERSHIPS = "/n/school/partners/partnerships"


@pytest.fixture
def school(app: Any, make_user: Any, make_network: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network)
    lead = client_as(app, data["lead"])
    for name, kind in (("North District", "district"), ("Bright Fund", "funder")):
        data[kind] = lead.post("/n/school/partners/new", data={"name": name, "kind": kind})
        data[kind] = data[kind].headers["Location"]
    return data


def html(response: Any) -> str:
    return response.get_data(as_text=True)


def record(school: dict[str, Any], client: Any) -> tuple[Any, Any]:
    soon = (date.today() + timedelta(days=30)).isoformat()
    grant = client.post(
        school["funder"] + "/grants",
        data={
            "purpose": "Lesson study in rural schools",
            "amount": "$25,000",
            "starts_on": "2026-09-01",
            "ends_on": "2027-08-31",
            "reports": f"{soon}, 2027-09-30",
        },
    )
    agreement = client.post(
        school["district"] + "/agreements",
        data={
            "activities": "Lesson-study planning, research lessons and debriefs",
            "hours_cap": "30",
            "contact": "Dr. Rivera, PD office",
        },
    )
    return grant, agreement


def test_leaders_record_grants_and_agreements_and_others_may_not(
    app: Any, school: dict[str, Any]
) -> None:
    member = client_as(app, school["member"])
    grant, agreement = record(school, member)
    assert grant.status_code == 403 and agreement.status_code == 403
    grant, agreement = record(school, client_as(app, school["lead"]))
    assert grant.status_code == 302 and agreement.status_code == 302
    wrong = client_as(app, school["lead"]).post(
        school["district"] + "/grants",
        data={"purpose": "x", "amount": "1", "starts_on": "2027-01-01", "ends_on": "2027-02-01"},
        follow_redirects=True,
    )
    assert "Grants come from funders" in html(wrong)


def test_money_figures_are_for_leaders_only(app: Any, school: dict[str, Any]) -> None:
    record(school, client_as(app, school["lead"]))
    lead_page = visible_text(html(client_as(app, school["lead"]).get(PARTNERSHIPS)))
    assert "$25,000" in lead_page and "Lesson study in rural schools" in lead_page
    for who in ("member", "partner", "reader"):
        page = client_as(app, school[who])
        shown = html(page.get(PARTNERSHIPS))
        assert "Lesson study in rural schools" in shown and "25,000" not in shown
        assert "North District" in shown and "up to 30 hours per teacher" in shown
        assert "25,000" not in html(page.get(school["funder"]))
        assert git_words(shown) == []
    assert client_as(app, school["outsider"]).get(PARTNERSHIPS).status_code == 404


def test_leaders_see_the_next_report_dates_on_the_network_home(
    app: Any, school: dict[str, Any]
) -> None:
    record(school, client_as(app, school["lead"]))
    soon = (date.today() + timedelta(days=30)).strftime("%b %-d, %Y")
    home = visible_text(html(client_as(app, school["lead"]).get("/n/school/")))
    assert "Grant reports coming up" in home and soon in home
    member_home = visible_text(html(client_as(app, school["member"]).get("/n/school/")))
    assert "Grant reports coming up" not in member_home


def test_the_pd_hours_export_names_the_district_agreement(app: Any, school: dict[str, Any]) -> None:
    record(school, client_as(app, school["lead"]))
    wanted = "North District (School): Lesson-study planning, research lessons and debriefs"
    for url, who in (("/settings/hours", "member"), ("/n/school/hours", "lead")):
        page = visible_text(html(client_as(app, school[who]).get(url)))
        assert "Credit agreements" in page and wanted in page
        assert "up to 30 hours per teacher; contact: Dr. Rivera, PD office" in page
    csv = html(client_as(app, school["member"]).get("/settings/hours.csv"))
    assert f'Credit agreement,"{wanted}; up to 30 hours' in csv
