"""A school with a lesson to link resources to: every role, a partner organization whose
person is the network's partner, resources in each status, and signed-in clients."""

from __future__ import annotations

from typing import Any

from courses_support import commit_files, git, make_course, make_school

from workspace.access import Access
from workspace.extensions import db
from workspace.models import Partner, PartnerMember, Resource
from workspace.runtime import ctx
from workspace.services import partners
from workspace.services.partners import PartnerFields, ResourceFields

PATH = "units/motion/lessons/ramps.md"
LESSON = "motion/ramps"
PAGE = "/n/school/physics/lessons/motion/ramps"
LESSON_API = "/api/v1/n/school/physics/lessons/motion/ramps"
RESOURCES_API = f"{LESSON_API}/resources"
DIRECTORY = "/n/school/partners/"
# A lesson written by hand, as people do: a comment, quoting, odd spacing, a key the app does
# not know, a flow list, CRLF-free but with a blank line inside the front matter.
TEXT = """---
# Ramps: our first lab
title:   "Rolling down ramps"   # keep it short
duration: 50

standards: [HS-PS2-1]
x-local-note: 'Room 12 has the long ramps'
---

# Launch

Students roll a ball down a ramp.
"""


def make_partner_school(make_user: Any, make_network: Any, public: bool = False) -> dict[str, Any]:
    """Return the school (people by role, network, course with the ramps lesson), the
    organization "Acme Labs" spoken for by the partner, and resources: `data` (approved
    dataset), `visit` (approved site visit), `draft` (proposed) and `old` (retired)."""
    data = make_school(make_user, make_network, public=public)
    data["course"] = make_course(data["network"], data["lead"])
    unit = "---\ntitle: Motion\n---\n"
    commit_files(
        data["course"], data["lead"], {PATH: TEXT, "units/motion/unit.md": unit}, "Add ramps"
    )
    lead = ctx(data["lead"])
    org = partners.add_partner(
        lead,
        data["network"],
        Access.everything(),
        PartnerFields("Acme Labs", "company", "https://acme.example", "Materials science."),
    )
    db.session.add(PartnerMember(partner=org, user=data["partner"]))
    db.session.flush()
    found = {}
    for key, title, kind in [
        ("data", "Ramp friction data", "dataset"),
        ("visit", "Visit the test track", "site_visit"),
        ("draft", "Career profile: tribologist", "career_profile"),
        ("old", "Old video", "video"),
    ]:
        access = Access.everything() if key != "draft" else Access.READ | Access.CURATE
        who = lead if key != "draft" else ctx(data["partner"])
        fields = ResourceFields(title, f"https://acme.example/{key}", kind)
        found[key] = partners.add_resource(who, org, access, fields)
    partners.retire_resource(lead, found["old"], Access.everything())
    db.session.commit()
    return {**data, "org": org, **found}


def partner_of(data: dict[str, Any]) -> Partner:
    return data["org"]


def text_now(data: dict[str, Any]) -> str:
    return git(data["course"], "show", f"main:{PATH}")


def head(data: dict[str, Any]) -> str:
    return git(data["course"], "rev-parse", "main").strip()


def client_as(app: Any, user: Any) -> Any:
    client = app.test_client()
    client.login_as(user)
    return client


def resource_page(resource: Resource) -> str:
    return f"/n/school/partners/resources/{resource.id}"


def link_api(client: Any, resource: Resource) -> Any:
    return client.post(RESOURCES_API, json={"resource_id": resource.id})
