"""Partners in real browsers: a partner member proposes a resource, a leader approves it, a
teacher links it to a lesson and sees it on the lesson page, and a clone of the course
carries the link in the lesson's file."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from browser_support import sign_in
from courses_support import make_course
from githttp_support import Git, make_token
from playwright.sync_api import expect

from workspace.access import Access
from workspace.extensions import db
from workspace.models import PartnerMember
from workspace.runtime import ctx
from workspace.services import editing, partners

pytestmark = pytest.mark.e2e

TEXT = "---\ntitle: Rolling down ramps\n---\n\n# Launch\n\nStudents roll a ball down a ramp.\n"


@pytest.fixture
def lab(make_user: Any, make_network: Any) -> dict[str, Any]:
    lead = make_user("lead", display_name="Lena")
    teacher = make_user("tess", display_name="Tess")
    engineer = make_user("eng", display_name="Eng")
    network = make_network("lab", lead, members={teacher: "member", engineer: "partner"})
    course = make_course(network, lead)
    editing.create_unit(ctx(lead), course, "Motion", "motion")
    editing.create_lesson(ctx(lead), course, "motion", "ramps", content=TEXT)
    org = partners.add_partner(
        ctx(lead), network, Access.everything(), partners.PartnerFields("Acme Labs", "company")
    )
    db.session.add(PartnerMember(partner=org, user=engineer))
    db.session.commit()
    return {"org": org, "teacher": teacher}


def test_a_proposed_resource_is_approved_linked_and_carried_by_a_clone(
    browser: Any, live_server: Any, lab: dict[str, Any], tmp_path: Path
) -> None:
    pages = []
    for who in ("eng", "lead", "tess"):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, who)
        pages.append((context, page))
    (_, engineer), (_, lead), (_, teacher) = pages
    try:
        engineer.goto(f"/n/lab/partners/{lab['org'].id}")
        engineer.get_by_role("link", name="Add a resource").click()
        engineer.get_by_label("Title").fill("Ramp friction data")
        engineer.get_by_label("Web address").fill("javascript:alert(1)")
        engineer.get_by_label("Kind of resource").select_option(label="Dataset")
        engineer.get_by_role("button", name="Propose it").click()
        expect(engineer.locator("#url-error")).to_contain_text("not accepted")
        engineer.get_by_label("Web address").fill("https://acme.example/friction.csv")
        engineer.get_by_role("button", name="Propose it").click()
        expect(engineer.locator("h1")).to_have_text("Ramp friction data")
        expect(engineer.locator(".page-head")).to_contain_text("Waiting for a leader's approval")
        resource = engineer.url.removeprefix(live_server.url)

        lead.goto("/n/lab/partners/")
        lead.get_by_role("link", name="Ramp friction data").click()
        lead.get_by_role("button", name="Approve").click()
        expect(lead.locator(".flash--success")).to_contain_text("approved")

        teacher.goto("/n/lab/physics/lessons/motion/ramps")
        teacher.get_by_label("Link a resource to this lesson").select_option(
            label="Ramp friction data (Dataset, Acme Labs)"
        )
        teacher.get_by_role("button", name="Link it").click()
        linked = teacher.locator(".lesson-resources")
        expect(linked).to_contain_text("Ramp friction data")
        expect(linked).to_contain_text("Dataset from Acme Labs")
        teacher.goto(resource)
        expect(teacher.locator(".resource-lessons")).to_contain_text("Rolling down ramps")
    finally:
        for context, _page in pages:
            context.close()

    git = Git(home=tmp_path / "home", base=live_server.url)
    git.home.mkdir()
    work = tmp_path / "clone"
    git.clone(git.url("lab", "physics", make_token(lab["teacher"])), work)
    text = (work / "units/motion/lessons/ramps.md").read_text()
    assert "resources:\n  - id: " in text and "url: https://acme.example/friction.csv" in text
    log = subprocess.run(
        ["git", "-C", str(work), "log", "-1", "--format=%an %s"], capture_output=True, text=True
    ).stdout
    assert log.strip() == "Tess Link resource: Ramp friction data"
