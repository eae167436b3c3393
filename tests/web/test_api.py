"""The JSON API: who may call it and how (session with CSRF header, bearer tokens), in JSON."""

from __future__ import annotations

from typing import Any

import pytest
from courses_support import commit_files, git, lesson_file, make_course, make_school
from unchanged import unchanged

from workspace.extensions import db
from workspace.models._base import utcnow
from workspace.services.accounts import issue_token

SPEED = "units/motion/lessons/speed.md"
URL = "/api/v1/n/school/physics/lessons/motion/speed"
ORIGINAL = lesson_file("Speed", "Students roll a cart.\n")


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network)
    data["course"] = make_course(data["network"], data["lead"])
    commit_files(data["course"], data["member"], {SPEED: ORIGINAL}, "Add speed")
    return data


def token_for(user: Any, scope: str) -> str:
    """Return a new raw personal access token of `user` with `scope`."""
    raw, _token = issue_token(db.session, user, f"{scope} script", scope=scope)
    db.session.commit()
    return raw


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def edit(client: Any, text: str, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """PUT the lesson with `text`, based on the commit a GET with the same headers returns."""
    base = client.get(URL, headers=headers).get_json()["commit"]
    body = {"content": text, "base_commit": base, "message": "Edit from a script"}
    return client.put(URL, json=body, headers=headers, **kwargs)


def assert_json_error(response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert body["status"] == "error"
    assert words in body["message"], body["message"]
    assert "Traceback" not in response.get_data(as_text=True)


# Session cookie ----------------------------------------------------------------------------


def test_session_get_returns_the_lesson_and_the_commit_it_was_read_at(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    response = client.get(URL)
    assert response.status_code == 200
    body = response.get_json()
    assert body["path"] == SPEED
    assert body["commit"] == git(school["course"], "rev-parse", "main").strip()
    assert body["content"] == ORIGINAL
    assert body["front_matter"] == {"title": "Speed"}


def test_session_put_with_csrf_header_saves_as_the_signed_in_user(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["member"])
    response = edit(client, lesson_file("Speed", "Students push a cart.\n"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "committed" and body["merged_with"] == []
    assert body["commit"] == git(school["course"], "rev-parse", "main").strip()
    log = git(school["course"], "log", "-1", "--format=%an|%s", "main").strip()
    assert log == "Member|Edit from a script"


# Saves refused although the caller may read the lesson: (signed in as, token of whom and
# with which scope, sends the CSRF header, course archived, status, what the answer says).
REFUSED_SAVES = [
    pytest.param("reader", None, True, False, 403, "does not allow", id="reader"),
    pytest.param("partner", None, True, False, 403, "does not allow", id="partner"),
    pytest.param(
        "member",
        None,
        False,
        False,
        400,
        "expired or was sent from elsewhere",
        id="session-without-csrf-header",
    ),
    pytest.param("member", None, True, True, 403, "archived", id="archived-course"),
    pytest.param(None, ("member", "read"), False, False, 403, "can only read", id="read-token"),
    pytest.param(
        None, ("reader", "write"), False, False, 403, "does not allow", id="write-token-of-reader"
    ),
    pytest.param(
        "lead",
        ("reader", "write"),
        False,
        False,
        403,
        "does not allow",
        id="reader-token-while-a-leader-is-signed-in",
    ),
]


@pytest.mark.parametrize(
    ("signed_in", "token", "csrf", "archived", "status", "words"), REFUSED_SAVES
)
def test_a_refused_save_writes_nothing_and_says_why(
    app: Any,
    client: Any,
    school: dict[str, Any],
    signed_in: str | None,
    token: tuple[str, str] | None,
    csrf: bool,
    archived: bool,
    status: int,
    words: str,
) -> None:
    if archived:
        school["course"].archived_at = utcnow()
        db.session.commit()
    if signed_in is not None:
        client.login_as(school[signed_in])
    headers = bearer(token_for(school[token[0]], token[1])) if token else None
    assert client.get(URL, headers=headers).status_code == 200  # reading is allowed
    with unchanged(app, course=school["course"]):
        response = edit(client, lesson_file("Speed", "Changed.\n"), headers=headers, csrf=csrf)
    assert_json_error(response, status, words)


def test_leaders_may_save(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["lead"])
    assert edit(client, lesson_file("Speed", "Led.\n")).get_json()["status"] == "committed"


def test_private_course_is_not_found_for_outsiders_and_anonymous_callers(
    client: Any, school: dict[str, Any]
) -> None:
    for url in [URL, "/api/v1/n/school/physics", "/api/v1/n/school/physics/history"]:
        assert_json_error(client.get(url), 404, "no such course")
    client.login_as(school["outsider"])
    for url in [URL, "/api/v1/n/school/physics", "/api/v1/n/school/physics/history"]:
        assert_json_error(client.get(url), 404, "no such course")
    raw = token_for(school["outsider"], "write")
    assert_json_error(client.get(URL, headers=bearer(raw)), 404, "no such course")


def test_public_course_is_readable_anonymously_but_writes_need_credentials(
    app: Any, client: Any, make_user: Any, make_network: Any
) -> None:
    data = make_school(make_user, make_network, public=True)
    course = make_course(data["network"], data["lead"])
    commit_files(course, data["member"], {SPEED: ORIGINAL}, "Add speed")
    assert client.get(URL).get_json()["content"] == ORIGINAL
    with unchanged(app, course=course):
        response = client.put(URL, json={"content": "x", "base_commit": "main"}, csrf=False)
    assert_json_error(response, 401, "Authorization: Bearer")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# Bearer tokens -----------------------------------------------------------------------------


def test_write_token_can_put_without_a_csrf_header(client: Any, school: dict[str, Any]) -> None:
    headers = bearer(token_for(school["member"], "write"))
    response = edit(client, lesson_file("Speed", "By script.\n"), headers=headers, csrf=False)
    assert response.status_code == 200, response.get_json()
    assert git(school["course"], "show", f"main:{SPEED}") == lesson_file("Speed", "By script.\n")
    assert "Set-Cookie" not in response.headers  # a script's call starts no browser session


@pytest.mark.parametrize(
    "header", ["Bearer lsw_not-a-real-token", "Bearer ", "bearer lsw_" + "x" * 43]
)
def test_a_wrong_token_is_refused_with_401(
    client: Any, school: dict[str, Any], header: str
) -> None:
    response = client.get(URL, headers={"Authorization": header})
    assert_json_error(response, 401, "token")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(client: Any, school: dict[str, Any]) -> None:
    raw, token = issue_token(db.session, school["member"], "old laptop", scope="write")
    token.revoked_at = utcnow()
    db.session.commit()
    assert_json_error(client.get(URL, headers=bearer(raw)), 401, "not valid")


def test_too_many_bad_tokens_from_one_address_are_throttled(
    client: Any, school: dict[str, Any]
) -> None:
    good = token_for(school["member"], "read")
    for number in range(20):
        response = client.get(URL, headers=bearer(f"lsw_guess{number}"))
        assert response.status_code == 401
    response = client.get(URL, headers=bearer(good))
    assert_json_error(response, 429, "Too many failed token attempts")
    assert int(response.headers["Retry-After"]) > 0


# Errors are JSON ---------------------------------------------------------------------------


def test_api_errors_are_json_never_html(app: Any, client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["member"])
    assert_json_error(client.get("/api/v1/nothing/here"), 404, "nothing here")
    with unchanged(app, course=school["course"]):
        assert_json_error(client.patch(URL, json={}), 405, "does not accept")
    assert_json_error(client.get(URL + "?rev=zzz"), 404, "not a valid version")
    assert_json_error(client.get(URL + "?rev=" + "c" * 40), 404, "has no version")
    missing = "/api/v1/n/school/physics/lessons/motion/nothing"
    assert_json_error(client.get(missing), 404, "has no lesson")
    assert_json_error(client.get("/api/v1/n/school/physics/lessons/Bad/x"), 404, "cannot be used")
