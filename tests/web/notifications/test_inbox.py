"""Notifications: each trigger reaches the people concerned (and nobody who may not read the
course), the inbox counts and marks them, settings choose inbox and email, email goes through
a real SMTP server at once or in the daily digest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from mail_support import Mailbox, mail_config, smtp_server
from threads_support import API, client_as, head, make_lesson_school, open_on_quote

from workspace.access import Access
from workspace.extensions import db
from workspace.models import Notification
from workspace.runtime import announce, ctx
from workspace.services import networks, partners, studies
from workspace.services.context import LessonRef


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config: dict[str, Any], mailbox: Mailbox) -> dict[str, Any]:
    return {**app_config, **mail_config(mailbox)}


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return make_lesson_school(make_user, make_network)


def inbox_of(user: Any) -> list[Notification]:
    db.session.expire_all()
    return list(Notification.query.filter_by(user_id=user.id).order_by(Notification.id))


def thread_by(app: Flask, school: dict[str, Any], who: str, body: str) -> int:
    answer = open_on_quote(client_as(app, school[who]), head(school), body=body)
    assert answer.status_code == 201, answer.get_json()
    return int(answer.get_json()["id"])


def test_a_mention_reaches_the_member_at_once_by_email_and_never_an_outsider(
    app: Flask, school: dict[str, Any], mailbox: Mailbox
) -> None:
    thread_by(app, school, "member", "What do you think, @lead and @outsider?")
    [note] = inbox_of(school["lead"])
    assert note.kind == "mention"
    assert note.title == "Member mentioned you in a thread on \u201cRolling down ramps\u201d"
    assert note.url.startswith("/n/school/physics/threads/")
    assert "What do you think" in note.excerpt
    assert inbox_of(school["outsider"]) == []  # not a member: not even told it exists
    assert inbox_of(school["member"]) == []  # not told of what they did themselves
    [email] = mailbox.to(school["lead"].email)
    assert email["Subject"] == note.title
    assert f"http://localhost{note.url}" in email.get_content()
    assert "/settings/notifications" in email.get_content()


def test_a_reply_reaches_the_thread_s_people_once_each(app: Flask, school: dict[str, Any]) -> None:
    thread = thread_by(app, school, "member", "Why a ramp?")
    reader = client_as(app, school["partner"])
    assert reader.post(f"{API}/{thread}/comments", json={"body": "Friction?"}).status_code == 201
    assert [n.kind for n in inbox_of(school["member"])] == ["reply"]
    lead = client_as(app, school["lead"])
    answer = lead.post(f"{API}/{thread}/comments", json={"body": "Good point, @partner."})
    assert answer.status_code == 201
    assert [n.kind for n in inbox_of(school["member"])] == ["reply", "reply"]
    assert [n.kind for n in inbox_of(school["partner"])] == ["mention"]  # not also a reply
    assert inbox_of(school["lead"]) == []
    assert inbox_of(school["reader"]) == []  # reads the course, took no part


def test_settings_turn_a_kind_off_or_into_the_daily_email(
    app: Flask, school: dict[str, Any], mailbox: Mailbox, runner: Any
) -> None:
    lead = client_as(app, school["lead"])
    page = lead.get("/settings/notifications").get_data(as_text=True)
    assert "Someone mentions me" in page and "In a daily email" in page
    form = {"inbox-mention": "yes", "email-mention": "daily", "email-reply": "off"}
    form |= {f"inbox-{k}": "yes" for k in ("phase", "invitation", "join_request")}
    assert lead.post("/settings/notifications", data=form).status_code == 302
    thread = thread_by(app, school, "member", "Over to you, @lead.")
    assert len(inbox_of(school["lead"])) == 1 and mailbox.to(school["lead"].email) == []
    client_as(app, school["member"]).post(f"{API}/{thread}/comments", json={"body": "More."})
    assert len(inbox_of(school["lead"])) == 1  # replies: not in the inbox, not emailed
    result = runner.invoke(args=["digest"])
    assert result.exit_code == 0 and "Sent 1 daily email" in result.output
    [digest] = mailbox.to(school["lead"].email)
    assert "1 thing for you today" in digest["Subject"]
    assert "Member mentioned you" in digest.get_content()
    assert "Sent 0 daily emails" in runner.invoke(args=["digest"]).output
    bad = lead.post("/settings/notifications", data={"email-mention": "hourly"})
    assert bad.status_code == 303
    assert "daily digest" in lead.get("/settings/notifications").get_data(as_text=True)


def test_a_cycle_s_team_hears_of_its_phases_and_leaders_of_join_requests(
    app: Flask, school: dict[str, Any], make_user: Any, make_network: Any, mailbox: Mailbox
) -> None:
    ref = LessonRef(school["course"], "motion", "ramps")
    cycle = studies.start_study(
        ctx(school["lead"]), ref, Access.everything(), studies.NewStudy("Ramps")
    )
    studies.set_member(ctx(school["lead"]), cycle, Access.everything(), school["member"], "planner")
    db.session.commit()
    client = client_as(app, school["lead"])
    answer = client.post(
        f"/api/v1/n/school/physics/studies/{cycle.id}/phase", json={"phase": "teach"}
    )
    assert answer.status_code == 200, answer.get_json()
    [note] = inbox_of(school["member"])
    assert (
        note.kind == "phase" and note.title == "Lead moved the cycle \u201cRamps\u201d to teaching"
    )
    assert mailbox.to(school["member"].email) == []  # phases come in the daily email
    open_network = make_network("open", school["lead"], public=True)
    asker = make_user("asker")
    client_as(app, asker).post("/n/open/join", data={"message": "May I?"})
    [asked] = [n for n in inbox_of(school["lead"]) if n.kind == "join_request"]
    assert asked.title == f"Asker asks to join {open_network.name}"


def test_an_invitation_by_address_reaches_an_existing_account(
    app: Flask, school: dict[str, Any], make_user: Any
) -> None:
    invited = make_user("newcomer")
    client = client_as(app, school["lead"])
    answer = client.post(
        "/n/school/invitations", data={"role": "member", "days": "7", "email": invited.email}
    )
    assert answer.status_code == 200
    [note] = inbox_of(invited)
    assert note.kind == "invitation" and "invited you to join" in note.title
    assert networks  # the invitation itself is the networks area's


def test_the_inbox_counts_unread_and_marks_them_read(app: Flask, school: dict[str, Any]) -> None:
    thread_by(app, school, "member", "@lead one")
    thread_by(app, school, "member", "@lead two")
    lead = client_as(app, school["lead"])
    page = lead.get("/inbox").get_data(as_text=True)
    assert 'Inbox <span class="badge">2' in lead.get("/").get_data(as_text=True)
    assert "2 unread" in page and page.count('class="inbox__title"') == 2
    first = inbox_of(school["lead"])[0]
    opened = lead.post("/inbox/read", data={"id": str(first.id), "open": first.url})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(first.url)
    api = lead.get("/api/v1/notifications?unread=1").get_json()
    assert api["unread"] == 1 and len(api["notifications"]) == 1
    assert lead.post("/api/v1/notifications/read", json={"all": True}).get_json()["unread"] == 0
    assert "All read" in lead.get("/inbox").get_data(as_text=True)
    someone_else = lead.post("/inbox/read", data={"id": str(first.id), "open": "//evil.example"})
    assert someone_else.headers["Location"].endswith("/inbox")
    assert app.test_client().get("/inbox").status_code == 302  # sign in first


def test_a_request_to_a_partner_reaches_its_people_and_the_answer_the_teacher(
    app: Flask, school: dict[str, Any], mailbox: Mailbox
) -> None:
    network, lead = school["network"], school["lead"]
    org = partners.add_partner(
        ctx(lead), network, Access.everything(), partners.PartnerFields("Acme Labs", "company")
    )
    partners.add_person(ctx(lead), org, Access.everything(), "partner")
    fields = partners.ResourceFields(
        "Visit the test track", "https://acme.example/visit", "site_visit"
    )
    visit = partners.add_resource(ctx(lead), org, Access.everything(), fields)
    db.session.commit()
    announce(app)  # what a request does after committing: tell the subscribers
    member = client_as(app, school["member"])
    feed = member.get("/n/school/activity").get_data(as_text=True)
    assert "Acme Labs offers \u201cVisit the test track\u201d (site visit)" in feed
    asked = member.post(
        f"/n/school/partners/resources/{visit.id}/requests",
        data={"dates": "Any Friday in May", "class_info": "Grade 9, 24", "message": "Please!"},
    )
    assert asked.status_code == 302
    [note] = inbox_of(school["partner"])
    assert note.kind == "resource_request"
    assert note.title == "Member asked Acme Labs for \u201cVisit the test track\u201d"
    assert mailbox.to(school["partner"].email)  # requests are emailed at once by default
    url = asked.headers["Location"]
    partner = client_as(app, school["partner"])
    answer = partner.post(url, data={"action": "accept", "message": "See you on the 12th."})
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:300]
    [reply] = inbox_of(school["member"])
    assert (
        reply.title
        == "Partner (Acme Labs) accepted the request for \u201cVisit the test track\u201d"
    )
    assert reply.excerpt == "See you on the 12th."
    assert "Visit the test track" not in client_as(app, school["reader"]).get("/inbox").get_data(
        as_text=True
    )
