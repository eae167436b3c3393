"""Requests for a visit, a speaker or a loan, end to end: a teacher asks from the resource
page, the organization sees it on its page and accepts or declines with a message, and both
see the history; nobody else sees the request."""

from __future__ import annotations

from typing import Any

import pytest
from partners_support import client_as, resource_page
from partners_support import make_partner_school as make_school
from teacher_language import git_words, visible_text


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return make_school(make_user, make_network)


def html(response: Any) -> str:
    return response.get_data(as_text=True)


def ask(client: Any, school: dict[str, Any], **fields: str) -> Any:
    form = {"dates": "Any Tuesday in March", "class_info": "Grade 9, 24 students"} | fields
    return client.post(resource_page(school["visit"]) + "/requests", data=form)


def test_a_teacher_asks_and_the_partner_accepts_with_a_message(
    app: Any, school: dict[str, Any]
) -> None:
    member, partner = client_as(app, school["member"]), client_as(app, school["partner"])
    assert "Ask for a site visit" in html(member.get(resource_page(school["visit"])))
    asked = ask(member, school, message="Could we see the friction rig?")
    assert asked.status_code == 302
    request_url = asked.headers["Location"]
    org_page = visible_text(html(partner.get(f"/n/school/partners/{school['org'].id}")))
    assert "Requests from teachers" in org_page and "waiting for an answer" in org_page
    answered = partner.post(request_url, data={"action": "accept", "message": "Yes: March 12."})
    assert answered.status_code == 302
    member.post(request_url, data={"action": "write", "message": "Thank you, we will come."})
    for client in (member, partner):
        page = html(client.get(request_url))
        text = visible_text(page)
        assert "Accepted" in text
        assert text.index("Could we see the friction rig?") < text.index("Yes: March 12.")
        assert text.index("Yes: March 12.") < text.index("Thank you, we will come.")
        assert git_words(page) == []
    again = partner.post(request_url, data={"action": "decline", "message": "Oops"})
    assert again.status_code == 409 and "already accepted" in html(again)


def test_a_teacher_cannot_answer_for_the_partner_and_outsiders_do_not_see_requests(
    app: Any, school: dict[str, Any]
) -> None:
    member = client_as(app, school["member"])
    request_url = ask(member, school).headers["Location"]
    refused = member.post(request_url, data={"action": "accept"})
    assert refused.status_code == 403
    for who in ("reader", "outsider"):
        assert client_as(app, school[who]).get(request_url).status_code == 404
    declined = client_as(app, school["lead"]).post(
        request_url, data={"action": "decline", "message": "Not this term."}
    )
    assert declined.status_code == 302
    assert "Declined" in visible_text(html(member.get(request_url)))


def test_bad_requests_are_refused_with_the_reason(app: Any, school: dict[str, Any]) -> None:
    member = client_as(app, school["member"])
    missing = ask(member, school, dates=" ")
    assert missing.status_code == 422 and "Say which dates would suit you." in html(missing)
    data = member.post(
        resource_page(school["data"]) + "/requests", data={"dates": "x", "class_info": "y"}
    )
    assert data.status_code == 422 and "link it to a lesson instead" in html(data)
    reader = client_as(app, school["reader"])
    assert ask(reader, school).status_code == 403
