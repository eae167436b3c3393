"""Networks of networks: a national network's page shows what its regional networks share
(closed cycles' reports, courses) to those who may read them, and a regional network's page
shows its national network's courses and reports."""

from __future__ import annotations

from typing import Any

from courses_support import make_course
from flask import Flask
from threads_support import client_as

from workspace.extensions import db
from workspace.models import Study


def test_practice_travels_up_to_whoever_may_read_it_and_material_down(
    app: Flask, make_user: Any, make_network: Any
) -> None:
    lead, member, regional_lead = make_user("lead"), make_user("member"), make_user("rita")
    national = make_network("national", lead, members={member: "member"}, public=True)
    regional = make_network("northeast", regional_lead, parent=national)  # private
    open_region = make_network("south", regional_lead, parent=national, public=True)
    hidden = make_course(regional, regional_lead, slug="chem", title="Northeast chemistry")
    shown = make_course(open_region, regional_lead, slug="bio", title="Southern biology")
    shared = make_course(national, lead, slug="core", title="National core course")
    for course, title in ((hidden, "Hand warmers, taught twice"), (shown, "Osmosis cycle")):
        db.session.add(
            Study(
                course_id=course.id,
                path="units/getting-started/lessons/first-lesson.md",
                title=title,
                phase="closed",
                report_commit="0" * 40,
                created_by_id=regional_lead.id,
            )
        )
    db.session.commit()
    as_lead = client_as(app, lead).get("/n/national/").get_data(as_text=True)
    assert "From our sub-networks" in as_lead
    assert "Hand warmers, taught twice" in as_lead and "Northeast chemistry" in as_lead
    as_member = client_as(app, member).get("/n/national/").get_data(as_text=True)
    assert "Osmosis cycle" in as_member and "Southern biology" in as_member
    assert "Hand warmers" not in as_member and "Northeast chemistry" not in as_member
    visitor = app.test_client().get("/n/national/").get_data(as_text=True)
    assert "Osmosis cycle" in visitor and "Hand warmers" not in visitor
    below = client_as(app, regional_lead).get("/n/northeast/").get_data(as_text=True)
    assert "From National" in below and shared.title in below
    assert "From our sub-networks" not in below
