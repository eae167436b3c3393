"""The permission matrix: every route of the app, asked by every kind of person.

One row per route and method says what it needs; every role is then tried on a private
network (where outsiders must not even learn that it exists):

- below what a route needs, a member of the network is refused with 403 and nothing that
  people share changes (tests/web/unchanged.py);
- an outsider or a visitor who is not signed in gets 404 for anything of the network, the
  same answer as for a network that does not exist;
- at or above it, the request gets past the permission check (it may still be refused for
  what it sent: the requests here carry empty forms on purpose).

A route that is not in the table fails the test: add each new route here as you build it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from courses_support import make_course, make_school
from flask import Flask
from testdata import png
from unchanged import unchanged

from workspace.access import Access
from workspace.extensions import db
from workspace.models import Invitation, JoinRequest, LoginSession, Resource, TokenScope, User
from workspace.models._base import utcnow
from workspace.runtime import ctx, repo_store
from workspace.services import exchange, partners, studies, threads
from workspace.services.accounts import issue_token
from workspace.services.context import LessonRef

ROLES = ("anonymous", "outsider", "reader", "partner", "member", "leader")
# What each role may do in the network, from the weakest: its rank among the needs below.
RANK = {"reader": 2, "partner": 2, "member": 3, "leader": 4}
NEEDS = {"read": 1, "comment": 2, "write": 3, "manage": 4}
# Partner areas: the roles that get past the check besides leaders (the world's partner
# speaks for its organization; the member asked for its visit).
PARTNER_NEEDS = {
    "curate": {"partner"},
    "link": {"partner", "member"},
    "parties": {"partner", "member"},
}
COURSE = "/n/school/physics"
LESSON = "getting-started/first-lesson"


@dataclass(frozen=True)
class Route:
    """A route as asked in the matrix: `need` is one of NEEDS, or
    "public" (anyone), "signed-in" (anyone with an account; a visitor is sent to sign in),
    "team" (the lesson-study cycle's team: the leader here; everyone else, visitors too, gets
    404), "uploader" (writers, and of them only the one who uploaded the import), "token" (a
    one-time link: only answered sensibly, never 5xx), "git" (token auth, see test_git_routes),
    or "nothing" (always 404)."""

    endpoint: str
    method: str
    url: str
    need: str  # also "curate", "link" and "parties": see PARTNER_NEEDS
    # Run after the others: an allowed request may change the world the next ones see.
    last: bool = False
    # What the request sends ({head} and the other ids are filled in); empty by default.
    form: tuple[tuple[str, str], ...] = ()


ROUTES = [
    # The site and accounts
    Route("main.index", "GET", "/", "public"),
    Route("auth.login", "GET", "/auth/login", "public"),
    Route("auth.login", "POST", "/auth/login", "public"),
    Route("auth.register", "GET", "/auth/register", "public"),
    Route("auth.register", "POST", "/auth/register", "public"),
    Route("auth.forgot_password", "GET", "/auth/reset", "public"),
    Route("auth.forgot_password", "POST", "/auth/reset", "public"),
    Route("auth.reset_password_page", "GET", "/auth/reset/not-a-token", "token"),
    Route("auth.reset_password_page", "POST", "/auth/reset/not-a-token", "token"),
    Route("auth.confirm_email", "GET", "/auth/confirm/not-a-token", "token"),
    Route("auth.confirm_email", "POST", "/auth/confirm/not-a-token", "token"),
    Route("networks.invitation", "GET", "/invite/not-a-token", "token"),
    Route("networks.invitation", "POST", "/invite/not-a-token", "token"),
    Route("settings.profile", "GET", "/settings/profile", "signed-in"),
    Route("settings.profile", "POST", "/settings/profile", "signed-in"),
    Route("settings.password", "GET", "/settings/password", "signed-in"),
    Route("settings.password", "POST", "/settings/password", "signed-in"),
    Route("settings.tokens", "GET", "/settings/tokens", "signed-in"),
    Route("settings.tokens", "POST", "/settings/tokens", "signed-in"),
    Route("settings.sessions", "GET", "/settings/sessions", "signed-in"),
    Route("settings.resend_confirmation", "POST", "/settings/email/resend", "signed-in"),
    Route("settings.cancel_email_change", "POST", "/settings/email/cancel", "signed-in"),
    # Someone else's token and sign-in: nobody but their owner may end them.
    Route("settings.revoke", "POST", "/settings/tokens/{token}/revoke", "owner"),
    Route("settings.end_login", "POST", "/settings/sessions/{login}/end", "owner"),
    Route("settings.end_other_logins", "POST", "/settings/sessions/end-others", "signed-in"),
    Route("hours.my_hours", "GET", "/settings/hours", "signed-in"),
    Route("hours.my_hours_csv", "GET", "/settings/hours.csv", "signed-in"),
    Route("networks.directory", "GET", "/networks/", "public"),
    # Search: anyone may search what they can read; naming a network they cannot read is
    # answered as if it did not exist.
    Route("search.search_page", "GET", "/search?q=lesson", "public"),
    Route("search.search_page", "GET", "/search?q=lesson&net=school", "read"),
    Route("search.search_page", "GET", "/search?q=lesson&net=school&course=physics", "read"),
    Route("api.search_api", "GET", "/api/v1/search?q=lesson", "public"),
    Route("api.search_api", "GET", "/api/v1/search?q=lesson&net=school", "read"),
    Route("networks.new", "GET", "/networks/new", "signed-in"),
    Route("networks.new", "POST", "/networks/new", "signed-in"),
    # A network
    Route("networks.home", "GET", "/n/school/", "read"),
    Route("networks.members", "GET", "/n/school/members", "read"),
    Route("networks.join", "GET", "/n/school/join", "read"),
    Route("search.standards", "GET", "/n/school/standards", "read"),
    Route("networks.join", "POST", "/n/school/join", "read"),
    Route("hours.network_hours", "GET", "/n/school/hours", "manage"),
    Route("hours.network_hours_csv", "GET", "/n/school/hours.csv", "manage"),
    Route("networks.settings", "GET", "/n/school/settings", "manage"),
    Route("networks.settings", "POST", "/n/school/settings", "manage"),
    Route("networks.invitations", "GET", "/n/school/invitations", "manage"),
    Route("networks.invitations", "POST", "/n/school/invitations", "manage"),
    Route("networks.add_member", "POST", "/n/school/members/add", "manage"),
    Route("networks.change_role", "POST", "/n/school/members/{partner}/role", "manage"),
    Route("courses.new", "GET", "/n/school/courses/new", "write"),
    Route("courses.new", "POST", "/n/school/courses/new", "write"),
    Route(
        "networks.revoke_invitation",
        "POST",
        "/n/school/invitations/{invitation}/revoke",
        "manage",
        last=True,
    ),
    Route(
        "networks.decide_request", "POST", "/n/school/requests/{request}/decline", "manage", True
    ),
    Route("networks.remove_member", "POST", "/n/school/members/{partner}/remove", "manage", True),
    # A course
    Route("courses.home", "GET", f"{COURSE}/", "read"),
    Route("courses.download", "GET", f"{COURSE}/archive/main.zip", "read"),
    Route("courses.print_course", "GET", f"{COURSE}/print", "read"),
    Route("lessons.lesson", "GET", f"{COURSE}/lessons/{LESSON}", "read"),
    Route("lessons.raw", "GET", f"{COURSE}/raw/main/course.yaml", "read"),
    Route("lessons.standard", "GET", f"{COURSE}/standards/HS-PS2-1", "read"),
    Route("export.lesson_docx", "GET", f"{COURSE}/lessons/{LESSON}.docx", "read"),
    Route("export.unit_docx", "GET", f"{COURSE}/units/getting-started.docx", "read"),
    Route("export.course_docx", "GET", f"{COURSE}/course.docx.zip", "read"),
    Route("history.course_history", "GET", f"{COURSE}/history", "read"),
    Route("history.lesson_history", "GET", f"{COURSE}/history/{LESSON}", "read"),
    Route("history.commit", "GET", f"{COURSE}/commit/{{head}}", "read"),
    Route("history.compare_form", "GET", f"{COURSE}/compare", "read"),
    Route("history.compare", "GET", f"{COURSE}/compare/{{head}}...{{head}}", "read"),
    Route("history.blame", "GET", f"{COURSE}/blame/{LESSON}", "read"),
    Route(
        "history.restore", "POST", f"{COURSE}/restore/{LESSON}", "write", form=(("rev", "{head}"),)
    ),
    Route("editor.edit", "GET", f"{COURSE}/edit/{LESSON}", "write"),
    Route("editor.edit", "POST", f"{COURSE}/edit/{LESSON}", "write"),
    Route("editor.preview", "POST", f"{COURSE}/edit/{LESSON}/preview", "write"),
    Route("editor.draft", "POST", f"{COURSE}/edit/{LESSON}/draft", "write"),
    Route("editor.discard_draft", "POST", f"{COURSE}/edit/{LESSON}/draft/discard", "write"),
    Route("editor.images", "POST", f"{COURSE}/edit/{LESSON}/images", "write"),
    Route("editor.presence", "POST", f"{COURSE}/edit/{LESSON}/presence", "write"),
    Route("editor.leave", "POST", f"{COURSE}/edit/{LESSON}/presence/leave", "write"),
    Route(
        "editor.resolve",
        "POST",
        f"{COURSE}/edit/{LESSON}/resolve",
        "write",
        form=(("base_commit", "{head}"), ("conflict_base", "{head}")),
    ),
    Route("editor.restore_lesson", "POST", f"{COURSE}/edit/{LESSON}/restore", "write"),
    Route("editor.delete_lesson", "GET", f"{COURSE}/edit/{LESSON}/delete", "write"),
    Route("editor.organize", "GET", f"{COURSE}/organize", "write"),
    Route("editor.new_unit", "POST", f"{COURSE}/organize/units/new", "write"),
    Route("editor.new_lesson", "POST", f"{COURSE}/organize/lessons/new", "write"),
    Route("editor.rename_unit", "POST", f"{COURSE}/organize/units/getting-started/rename", "write"),
    Route("editor.step_unit", "POST", f"{COURSE}/organize/units/getting-started/step", "write"),
    Route("editor.delete_unit", "POST", f"{COURSE}/organize/units/getting-started/delete", "write"),
    Route("editor.move_lesson", "POST", f"{COURSE}/organize/lessons/{LESSON}/move", "write"),
    Route("editor.step_lesson", "POST", f"{COURSE}/organize/lessons/{LESSON}/step", "write"),
    # Review threads (the thread and its comment are the leader's: editing a comment is for
    # its author alone, deleting it for its author or a leader, hence "manage")
    Route("threads.lines", "GET", f"{COURSE}/lessons/{LESSON}/lines", "read"),
    Route("threads.course_threads", "GET", f"{COURSE}/threads", "read"),
    Route("threads.thread", "GET", f"{COURSE}/threads/{{thread}}", "read"),
    Route(
        "threads.open_thread",
        "POST",
        f"{COURSE}/lessons/{LESSON}/threads",
        "comment",
        form=(("body", "A question"),),
    ),
    Route(
        "threads.reply",
        "POST",
        f"{COURSE}/threads/{{thread}}/comments",
        "comment",
        form=(("body", "A reply"),),
    ),
    Route("threads.resolve", "POST", f"{COURSE}/threads/{{thread}}/resolve", "write"),
    Route("threads.reopen", "POST", f"{COURSE}/threads/{{thread}}/reopen", "write"),
    Route(
        "threads.edit_comment",
        "GET",
        f"{COURSE}/threads/{{thread}}/comments/{{comment}}/edit",
        "manage",
    ),
    Route(
        "threads.edit_comment",
        "POST",
        f"{COURSE}/threads/{{thread}}/comments/{{comment}}/edit",
        "manage",
        form=(("body", "Edited"),),
    ),
    Route(
        "threads.delete_comment",
        "POST",
        f"{COURSE}/threads/{{thread}}/comments/{{comment}}/delete",
        "manage",
        last=True,
    ),
    # Lesson-study pages (the cycle is the leader's, being taught)
    Route("studies.course_studies", "GET", f"{COURSE}/studies", "read"),
    Route("studies.new_study", "GET", f"{COURSE}/studies/new", "write"),
    Route(
        "studies.new_study",
        "POST",
        f"{COURSE}/studies/new",
        "write",
        form=(("lesson", LESSON), ("title", "A cycle")),
    ),
    Route("studies.study", "GET", f"{COURSE}/studies/{{study}}", "read"),
    Route("studies.iteration", "GET", f"{COURSE}/studies/{{study}}/iterations/1", "read"),
    Route(
        "studies.add_member",
        "POST",
        f"{COURSE}/studies/{{study}}/team",
        "manage",
        form=(("user", "{partner}"), ("role", "observer")),
    ),
    Route(
        "studies.remove_member",
        "POST",
        f"{COURSE}/studies/{{study}}/team/{{study_member}}/remove",
        "manage",
    ),
    Route(
        "studies.observe",
        "POST",
        f"{COURSE}/studies/{{study}}/iterations/1/observations",
        "manage",
        form=(("minute", "3"), ("body", "Student A points")),
    ),
    Route(
        "studies.contribute",
        "POST",
        f"{COURSE}/studies/{{study}}/iterations/1/debrief",
        "manage",
        form=(("body", "A point"),),
    ),
    Route(
        "studies.next_turn",
        "POST",
        f"{COURSE}/studies/{{study}}/iterations/1/debrief/next",
        "manage",
    ),
    Route("studies.add_work", "POST", f"{COURSE}/studies/{{study}}/iterations/1/work", "manage"),
    Route(
        "studies.record_event",
        "POST",
        f"{COURSE}/studies/{{study}}/events",
        "manage",
        form=(("kind", "planning"), ("held_on", "2026-11-05"), ("minutes", "30")),
    ),
    # Student work: the team and leaders only; everyone else is told it does not exist.
    Route("studies.work", "GET", f"{COURSE}/studies/{{study}}/work/{{work}}", "team"),
    Route("studies.close", "POST", f"{COURSE}/studies/{{study}}/close", "manage", last=True),
    Route(
        "studies.phase",
        "POST",
        f"{COURSE}/studies/{{study}}/phase",
        "manage",
        form=(("phase", "debrief"),),
        last=True,
    ),
    # Partners (the organization is the partner's: "curate" is its people and the leaders;
    # "link" adds lesson writers; "parties" is a request's teacher, the organization, leaders)
    Route("partners.directory", "GET", "/n/school/partners/", "read"),
    Route("partners.partnerships", "GET", "/n/school/partners/partnerships", "comment"),
    Route("partners.new_partner", "GET", "/n/school/partners/new", "curate"),
    Route("partners.new_partner", "POST", "/n/school/partners/new", "curate"),
    Route("partners.partner", "GET", "/n/school/partners/{org}", "read"),
    Route("partners.logo", "GET", "/n/school/partners/{org}/logo", "read"),
    Route("partners.edit_partner", "GET", "/n/school/partners/{org}/edit", "curate"),
    Route("partners.edit_partner", "POST", "/n/school/partners/{org}/edit", "curate"),
    Route("partners.upload_logo", "POST", "/n/school/partners/{org}/logo", "curate"),
    Route("partners.approve_partner", "POST", "/n/school/partners/{org}/approve", "manage"),
    Route(
        "partners.add_person",
        "POST",
        "/n/school/partners/{org}/people",
        "manage",
        form=(("user", "member"),),
    ),
    Route("partners.add_agreement", "POST", "/n/school/partners/{org}/agreements", "manage"),
    Route("partners.add_grant", "POST", "/n/school/partners/{org}/grants", "manage"),
    Route("partners.new_resource", "GET", "/n/school/partners/{org}/resources/new", "curate"),
    Route("partners.new_resource", "POST", "/n/school/partners/{org}/resources/new", "curate"),
    Route("partners.resource", "GET", "/n/school/partners/resources/{resource}", "read"),
    Route(
        "partners.edit_resource", "GET", "/n/school/partners/resources/{resource}/edit", "curate"
    ),
    Route(
        "partners.edit_resource", "POST", "/n/school/partners/resources/{resource}/edit", "curate"
    ),
    Route(
        "partners.link_to_lesson",
        "POST",
        "/n/school/partners/resources/{resource}/link",
        "link",
        form=(("lesson", f"physics/{LESSON}"),),
    ),
    Route(
        "partners.ask",
        "POST",
        "/n/school/partners/resources/{visit}/requests",
        "write",
        form=(("dates", "Any Tuesday"), ("class_info", "Grade 9")),
    ),
    Route("partners.request_page", "GET", "/n/school/partners/requests/{asked}", "parties"),
    Route(
        "partners.answer",
        "POST",
        "/n/school/partners/requests/{asked}",
        "parties",
        form=(("action", "write"), ("message", "Thank you")),
    ),
    Route(
        "partners.link_lesson",
        "POST",
        f"{COURSE}/lessons/{LESSON}/resources",
        "link",
        form=(("resource_id", "{resource}"),),
    ),
    Route(
        "partners.unlink_lesson",
        "POST",
        f"{COURSE}/lessons/{LESSON}/resources/{{resource}}/unlink",
        "link",
        last=True,
    ),
    Route(
        "partners.approve_resource",
        "POST",
        "/n/school/partners/resources/{resource}/approve",
        "manage",
    ),
    Route(
        "partners.retire_resource",
        "POST",
        "/n/school/partners/resources/{resource}/retire",
        "manage",
        last=True,
    ),
    Route("courses.settings", "GET", f"{COURSE}/settings", "manage"),
    Route("courses.settings", "POST", f"{COURSE}/settings", "manage"),
    Route("courses.delete", "GET", f"{COURSE}/settings/delete", "manage"),
    Route("courses.delete", "POST", f"{COURSE}/settings/delete", "manage"),
    # The JSON API
    Route("api.course_index", "GET", "/api/v1/n/school/physics", "read"),
    Route("api.course_history", "GET", "/api/v1/n/school/physics/history", "read"),
    Route("api.commit", "GET", "/api/v1/n/school/physics/commits/{head}", "read"),
    Route("api.compare", "GET", "/api/v1/n/school/physics/compare/{head}...{head}", "read"),
    Route("api.lesson", "GET", f"/api/v1/n/school/physics/lessons/{LESSON}", "read"),
    Route("api.save", "PUT", f"/api/v1/n/school/physics/lessons/{LESSON}", "write"),
    Route("api.create", "POST", "/api/v1/n/school/physics/lessons/getting-started/new", "write"),
    Route("api.lesson_threads", "GET", f"/api/v1/n/school/physics/threads?path={LESSON}", "read"),
    Route(
        "api.open_thread",
        "POST",
        "/api/v1/n/school/physics/threads",
        "comment",
        form=(("path", LESSON), ("body", "A question")),
    ),
    Route(
        "api.reply",
        "POST",
        "/api/v1/n/school/physics/threads/{thread}/comments",
        "comment",
        form=(("body", "A reply"),),
    ),
    Route("api.resolve", "POST", "/api/v1/n/school/physics/threads/{thread}/resolve", "write"),
    # Lesson-study cycles (the cycle is the leader's: its facilitator; it is being taught)
    Route(
        "api.start_study",
        "POST",
        "/api/v1/n/school/physics/studies",
        "write",
        form=(("lesson", LESSON), ("title", "A cycle")),
    ),
    Route("api.study", "GET", "/api/v1/n/school/physics/studies/{study}", "read"),
    Route(
        "api.phase",
        "POST",
        "/api/v1/n/school/physics/studies/{study}/phase",
        "manage",
        form=(("phase", "debrief"),),
        last=True,
    ),
    Route(
        "api.observe",
        "POST",
        "/api/v1/n/school/physics/studies/{study}/iterations/1/observations",
        "manage",
        form=(("body", "Student A points"),),
    ),
    Route(
        "api.observations",
        "GET",
        "/api/v1/n/school/physics/studies/{study}/iterations/1/observations",
        "read",
    ),
    Route(
        "api.changes",
        "GET",
        "/api/v1/n/school/physics/studies/{study}/iterations/1/changes",
        "read",
    ),
    Route(
        "api.debrief",
        "GET",
        "/api/v1/n/school/physics/studies/{study}/iterations/1/debrief",
        "read",
    ),
    Route(
        "api.contribute",
        "POST",
        "/api/v1/n/school/physics/studies/{study}/iterations/1/debrief",
        "manage",
        form=(("body", "A point"),),
    ),
    Route(
        "api.next_turn",
        "POST",
        "/api/v1/n/school/physics/studies/{study}/iterations/1/debrief/next",
        "manage",
    ),
    Route(
        "api.add_work",
        "POST",
        "/api/v1/n/school/physics/studies/{study}/iterations/1/work",
        "manage",
    ),
    Route("api.reopen", "POST", "/api/v1/n/school/physics/threads/{thread}/reopen", "write"),
    # Adapting: anyone who reads a course may copy from it into a course they may change.
    Route("adapting.adapt_lesson", "GET", f"{COURSE}/lessons/{LESSON}/adapt", "read"),
    Route("adapting.adapt_lesson", "POST", f"{COURSE}/lessons/{LESSON}/adapt", "read"),
    Route("adapting.adapt_course", "GET", f"{COURSE}/adapt", "read"),
    Route("adapting.adapt_course", "POST", f"{COURSE}/adapt", "read"),
    # The lesson named is no adaptation: there is no original to compare with.
    Route("adapting.original", "GET", f"{COURSE}/lessons/{LESSON}/original", "nothing"),
    Route("adapting.bring_in", "POST", f"{COURSE}/lessons/{LESSON}/original", "write"),
    Route("api.adapt_lesson", "POST", f"/api/v1/n/school/physics/lessons/{LESSON}/adapt", "read"),
    Route("api.adapt_course", "POST", "/api/v1/n/school/physics/adapt", "read"),
    Route("api.original", "GET", f"/api/v1/n/school/physics/lessons/{LESSON}/original", "nothing"),
    Route("api.bring_in", "POST", f"/api/v1/n/school/physics/lessons/{LESSON}/original", "write"),
    # Activity and the inbox.
    Route("activity.network_activity", "GET", "/n/school/activity", "read"),
    Route("activity.course_activity", "GET", f"{COURSE}/activity", "read"),
    Route("activity.person", "GET", "/people/lead", "signed-in"),
    Route("api.list_activity", "GET", "/api/v1/activity?net=school", "read"),
    Route("notifications.inbox", "GET", "/inbox", "signed-in"),
    Route("notifications.mark_read", "POST", "/inbox/read", "signed-in"),
    Route("notifications.settings", "GET", "/settings/notifications", "signed-in"),
    Route("notifications.settings", "POST", "/settings/notifications", "signed-in"),
    Route("api.list_notifications", "GET", "/api/v1/notifications", "signed-in"),
    Route("api.read_notifications", "POST", "/api/v1/notifications/read", "signed-in"),
    # Imports: writers upload; a preview is its uploader's (the leader's here) alone.
    Route("imports.start", "GET", f"{COURSE}/import", "write"),
    Route("imports.upload", "POST", f"{COURSE}/import", "write"),
    Route("imports.preview", "GET", f"{COURSE}/import/{{import}}", "uploader"),
    Route(
        "imports.decide",
        "POST",
        f"{COURSE}/import/{{import}}",
        "uploader",
        form=(("action", "update"),),
    ),
    Route("api.create_import", "POST", "/api/v1/n/school/physics/imports", "write"),
    Route("api.get_import", "GET", "/api/v1/n/school/physics/imports/{import}", "uploader"),
    Route("api.change_import", "PATCH", "/api/v1/n/school/physics/imports/{import}", "uploader"),
    Route(
        "api.commit_import",
        "POST",
        "/api/v1/n/school/physics/imports/{import}/commit",
        "uploader",
        last=True,
    ),
    # Partners and resources
    Route("api.add_partner", "POST", "/api/v1/n/school/partners", "curate"),
    Route("api.add_resource", "POST", "/api/v1/n/school/partners/{org}/resources", "curate"),
    Route("api.resource", "GET", "/api/v1/n/school/resources/{resource}", "read"),
    Route(
        "api.approve_resource", "POST", "/api/v1/n/school/resources/{resource}/approve", "manage"
    ),
    Route(
        "api.retire_resource",
        "POST",
        "/api/v1/n/school/resources/{resource}/retire",
        "manage",
        last=True,
    ),
    Route(
        "api.link",
        "POST",
        f"/api/v1/n/school/physics/lessons/{LESSON}/resources",
        "link",
        form=(("resource_id", "{resource}"),),
    ),
    Route(
        "api.unlink",
        "DELETE",
        f"/api/v1/n/school/physics/lessons/{LESSON}/resources",
        "link",
        last=True,
        form=(("resource_id", "{resource}"),),
    ),
    # Deleting the lesson, archiving the course (it stops every later write) and leaving (it
    # ends the role) change what the next requests see: these go last, in this order.
    Route("editor.delete_lesson", "POST", f"{COURSE}/edit/{LESSON}/delete", "write", True),
    Route("api.delete", "DELETE", f"/api/v1/n/school/physics/lessons/{LESSON}", "write", True),
    # Archiving stops every later write, and leaving ends the role: these go last, in order.
    Route("courses.archive", "POST", f"{COURSE}/settings/archive", "manage", True),
    Route("networks.leave", "POST", "/n/school/leave", "read", True),
    Route("auth.logout", "POST", "/auth/logout", "public", True),
    # Git over smart HTTP (token auth): see test_git_routes.
    Route("githttp.repository", "GET", "/git/school/physics.git", "git"),
    Route("githttp.info_refs", "GET", "/git/school/physics.git/info/refs", "git"),
    Route("githttp.rpc", "POST", "/git/school/physics.git/git-upload-pack", "git"),
    Route("githttp.anything_else", "GET", "/git/", "nothing"),
    Route("githttp.anything_else", "GET", "/git/school/physics.git/config", "nothing"),
]


@pytest.fixture
def world(make_user: Any, make_network: Any) -> dict[str, Any]:
    """Return a private network with one person per role, its course and the rows that
    routes name by id: an invitation, a pending join request, the leader's token and sign-in."""
    data = make_school(make_user, make_network)
    data["leader"] = data["lead"]
    data["course"] = make_course(data["network"], data["lead"])
    invitation = Invitation(
        network_id=data["network"].id,
        role="member",
        token_hash="0" * 64,
        created_by_id=data["lead"].id,
        created_at=utcnow(),
        expires_at=utcnow().replace(year=utcnow().year + 1),
    )
    asker = make_user("asker")
    request = JoinRequest(network_id=data["network"].id, user_id=asker.id, message="Hello")
    db.session.add_all([invitation, request])
    _, token = issue_token(db.session, data["lead"], "laptop")
    login, _ = LoginSession.begin(data["lead"], user_agent="Leader's laptop", address="127.0.0.1")
    db.session.add(login)
    db.session.commit()
    with_ids = {
        "partner": data["partner"].id,
        "invitation": invitation.id,
        "request": request.id,
        "token": token.id,
        "login": login.id,
    }
    thread = threads.open_thread(
        ctx(data["lead"]),
        LessonRef(data["course"], *LESSON.split("/")),
        Access.everything(),
        threads.NewThread(kind="question", body="The leader asks", start_line=1, end_line=2),
    )
    db.session.commit()
    with_ids |= {"thread": thread.id, "comment": thread.comments[0].id}
    ref = LessonRef(data["course"], *LESSON.split("/"))
    cycle = studies.start_study(
        ctx(data["lead"]), ref, Access.everything(), studies.NewStudy("A cycle")
    )
    studies.move_phase(ctx(data["lead"]), cycle, Access.everything(), "teach")
    db.session.commit()
    work = studies.add_work(
        ctx(data["lead"]), cycle, Access.everything(), cycle.iterations[0], png(4), "A's graph"
    )
    db.session.commit()
    with_ids |= {"study": cycle.id, "study_member": cycle.team[0].id, "work": work.id}
    upload = exchange.Upload("lesson.md", b"# An imported lesson\n")
    with_ids["import"] = exchange.start_import(ctx(data["lead"]), data["course"], [upload]).id
    with_ids |= _partner_ids(data)
    with repo_store().open(data["course"].id) as repo:
        data["ids"] = {**with_ids, "head": repo.head()}
    return data


def _partner_ids(data: dict[str, Any]) -> dict[str, int]:
    """Return the ids of the partner organization (the partner speaks for it, it has a logo),
    an approved resource, a site visit the member asked for, and a proposed resource (which
    only the organization's people and the leaders see)."""
    lead, everything = ctx(data["lead"]), Access.everything()
    org = partners.add_partner(
        lead, data["network"], everything, partners.PartnerFields("Acme Labs", "company")
    )
    partners.add_person(lead, org, everything, data["partner"].username)
    partners.set_logo(lead, org, everything, "logo.png", png(4), "Acme Labs logo")
    made = {}
    for key, kind in (("resource", "dataset"), ("visit", "site_visit"), ("proposed", "video")):
        fields = partners.ResourceFields(f"A {kind}", "https://acme.example/x", kind)
        curator = ctx(data["partner"]) if key == "proposed" else lead
        access = Access.READ | Access.CURATE if key == "proposed" else everything
        made[key] = partners.add_resource(curator, org, access, fields).id
    visit = db.session.get(Resource, made["visit"])
    asked = partners.ask(
        ctx(data["member"]), visit, Access.READ | Access.WRITE, "Any Monday", "Grade 9", "Hi"
    )
    db.session.commit()
    return {**made, "org": org.id, "asked": asked.id}


def expected(route: Route, role: str) -> set[str]:
    """Return the outcomes ("allowed", "login", "403", "404", "answered") that are right for
    `role` asking `route`."""
    if route.need == "public":
        return {"allowed"}
    if route.need == "token":
        return {"answered"}
    if route.need == "nothing":
        return {"404"}
    if route.need == "team":  # the cycle's team (here: the leader) only; 404 for anyone else
        return {"allowed"} if role == "leader" else {"404"}
    if role == "anonymous":
        # Sent to sign in, or told there is nothing here: neither says the network exists.
        return {"login"} if route.need in ("signed-in", "owner") else {"login", "404"}
    if route.need == "signed-in":
        return {"allowed"}
    if route.need == "owner":  # the leader's own token and sign-in
        return {"allowed"} if role == "leader" else {"404"}
    if role == "outsider":
        return {"404"}
    if route.need == "uploader":  # writers may import; another writer's import is not there
        return (
            {"403"} if RANK[role] < NEEDS["write"] else {"allowed" if role == "leader" else "404"}
        )
    if route.need in PARTNER_NEEDS:
        allowed = role in PARTNER_NEEDS[route.need]
        refused = "404" if route.need == "parties" else "403"
        return {"allowed"} if allowed or role == "leader" else {refused}
    return {"allowed"} if RANK[role] >= NEEDS[route.need] else {"403"}


def outcome(response: Any) -> str:
    """Return what a response amounts to, in the words of `expected`."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if status in (302, 303) and urlsplit(location).path == "/auth/login":
        return "login"
    if status in (403, 404):
        return str(status)
    if status == 401:
        return "login"
    return "allowed"


def ask(client: Any, route: Route, ids: dict[str, Any]) -> Any:
    url = route.url.format(**ids)
    form = {name: value.format(**ids) for name, value in route.form}
    if route.url.startswith("/api/") and route.method != "GET":
        return client.open(url, method=route.method, json=form)
    return client.open(url, method=route.method, data=form)


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    listed = {(r.endpoint, r.method) for r in ROUTES}
    missing = [
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if (rule.endpoint, method) not in listed and rule.endpoint != "githttp.anything_else"
    ]
    assert missing == [], "add these routes to ROUTES in this file"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_its_role_allows_and_no_more(
    app: Flask, client: Any, world: dict[str, Any], role: str
) -> None:
    if role != "anonymous":
        client.login_as(world[role])
    order = [r for r in ROUTES if r.need != "git" and not r.last]
    order += [r for r in ROUTES if r.need != "git" and r.last]
    wrong = []
    for route in order:
        want = expected(route, role)
        if "allowed" not in want and "answered" not in want:
            with unchanged(app, course=world["course"]):
                response = ask(client, route, world["ids"])
        else:
            response = ask(client, route, world["ids"])
        got = outcome(response)
        if response.status_code >= 500 or ("answered" not in want and got not in want):
            where = response.headers.get("Location", "")
            wants = " or ".join(sorted(want))
            wrong.append(
                f"{route.method} {route.url}: want {wants}, got {response.status_code} {where}"
            )
    assert wrong == [], "\n".join(wrong)


def basic(token: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"git:{token}".encode()).decode()}


@pytest.mark.parametrize("role", ["outsider", "reader", "partner", "member", "leader"])
def test_git_routes_read_for_readers_and_push_for_writers(
    app: Flask, client: Any, world: dict[str, Any], role: str
) -> None:
    user: User = world[role]
    raw, _ = issue_token(db.session, user, "laptop", scope=TokenScope.WRITE.value)
    db.session.commit()
    refs = "/git/school/physics.git/info/refs"
    fetch = client.get(f"{refs}?service=git-upload-pack", headers=basic(raw))
    push = client.get(f"{refs}?service=git-receive-pack", headers=basic(raw))
    reads, writes = role != "outsider", role in ("member", "leader")
    assert fetch.status_code == (200 if reads else 404)
    assert push.status_code == (200 if writes else 403 if reads else 404)
    anonymous = client.get(f"{refs}?service=git-upload-pack")
    assert anonymous.status_code == 401  # a private course asks for a token, leaking nothing
