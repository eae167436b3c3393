"""Accounts on the web: register, sign in (with throttling), sign out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, insert, select
from testdata import FAST_HASH, TEST_PASSWORD

from workspace.extensions import db
from workspace.models import LoginAttempt, LoginSession, User
from workspace.models._base import utcnow

GENERIC_FAILURE = "That username or email and password do not match."


def register(client: Any, csrf: bool = True, next: str | None = None, **fields: str) -> Any:
    data = {
        "email": "ana@school.example",
        "username": "ana_k",
        "display_name": "Ana Kowalski",
        "password": "a long enough password",
        "confirm": "a long enough password",
        "affiliation": "Lincoln High School",
        "role_kind": "teacher_leader",
        **fields,
    }
    url = "/auth/register" + (f"?next={next}" if next else "")
    return client.post(url, data=data, csrf=csrf)


def login(
    client: Any,
    identifier: str,
    password: str = TEST_PASSWORD,
    address: str = "127.0.0.1",
    **extra: Any,
) -> Any:
    query = extra.pop("query", "")
    data = {"identifier": identifier, "password": password, **extra}
    return client.post("/auth/login" + query, data=data, environ_base={"REMOTE_ADDR": address})


def signed_in_id(client: Any) -> str | None:
    """Return the id of the user this client's session names (the sign-in may have ended)."""
    with client.session_transaction() as session:
        login_id = session.get("_user_id")
    # The login id is "<sign-in id>:<secret>"; the sign-in row says whose it is.
    if not login_id:
        return None
    login = db.session.get(LoginSession, int(login_id.partition(":")[0]))
    return str(login.user_id) if login is not None else None


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


# Registering


def test_register_creates_a_lowercase_account_and_signs_in(client: Any) -> None:
    response = register(client, username="Ana_K", email="Ana@School.Example")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    user = db.session.scalar(select(User))
    assert user is not None
    # The address waits for its confirmation link (see test_email.py).
    assert (user.username, user.email, user.pending_email) == ("ana_k", None, "ana@school.example")
    assert user.role_kind == "teacher_leader"
    assert user.affiliation == "Lincoln High School"
    assert user.password_hash.startswith(FAST_HASH + "$")
    assert user.check_password("a long enough password")
    assert signed_in_id(client) == str(user.id)


def test_register_follows_a_safe_next_and_ignores_an_unsafe_one(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    safe = register(first, next="/networks/")
    unsafe = register(
        second, next="https://evil.example/", username="ben", email="ben@school.example"
    )
    assert safe.headers["Location"] == "/networks/"
    assert unsafe.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "ANA_K", "email": "other@school.example"}, "That username is taken"),
        ({"username": "other", "email": "ANA@school.EXAMPLE"}, "already exists"),
    ],
)
def test_register_refuses_a_taken_username_or_confirmed_email_in_any_case(
    app: Flask, make_user: Any, fields: dict[str, str], message: str
) -> None:
    make_user("ana_k", email="ana@school.example")  # an account whose address is confirmed
    response = register(app.test_client(), **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(User) == 1


def test_register_with_an_address_another_account_only_typed_is_allowed(app: Flask) -> None:
    register(app.test_client())  # ana_k's address is not confirmed yet
    response = register(app.test_client(), username="other", email="ANA@school.EXAMPLE")
    assert response.status_code == 302
    pending = db.session.scalars(select(User.pending_email).order_by(User.id)).all()
    assert pending == ["ana@school.example", "ana@school.example"]


@contextmanager
def someone_registers_first(username: str, email: str) -> Iterator[None]:
    """Make another account with these details appear just before the next account is stored."""

    def insert_first(mapper: Any, connection: Any, target: User) -> None:
        if inserted:
            return
        inserted.append(target)
        row = {"username": username, "email": email, "display_name": "Quick", "password_hash": "!"}
        with db.engine.begin() as other:  # the other sign-up's own transaction, committed
            other.execute(insert(User).values(**row))

    inserted: list[User] = []
    event.listen(User, "before_insert", insert_first)
    try:
        yield
    finally:
        event.remove(User, "before_insert", insert_first)


def test_register_racing_another_sign_up_explains_what_was_taken(client: Any) -> None:
    with someone_registers_first("ana_k", "quick@school.example"):
        response = register(client)
    assert response.status_code == 200
    assert "That username was taken a moment ago." in response.get_data(as_text=True)
    assert signed_in_id(client) is None
    assert db.session.scalars(select(User.username)).all() == ["ana_k"]  # theirs only
    assert db.session.scalar(select(User.email)) == "quick@school.example"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters"),
        ({"confirm": "a different long password"}, "The passwords do not match."),
        ({"username": "ab"}, "Use 3 to 40 letters, digits"),
        ({"username": "ana k"}, "Use 3 to 40 letters, digits"),
        ({"email": "not-an-email"}, "Enter an email address"),
        ({"display_name": ""}, "This field is required."),
    ],
)
def test_register_explains_invalid_input_and_creates_nothing(
    client: Any, fields: dict[str, str], message: str
) -> None:
    response = register(client, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in page
    assert count(User) == 0
    assert signed_in_id(client) is None


def test_register_respects_the_configured_minimum_length(app: Flask, client: Any) -> None:
    app.config["PASSWORD_MIN_LENGTH"] = 30
    response = register(client)
    assert "Use at least 30 characters" in response.get_data(as_text=True)
    assert count(User) == 0


def test_register_without_csrf_token_is_refused_and_creates_nothing(client: Any) -> None:
    response = register(client, csrf=False)
    assert response.status_code == 400
    assert count(User) == 0


def test_register_form_labels_fields_and_names_autocomplete(client: Any) -> None:
    page = client.get("/auth/register").get_data(as_text=True)
    for name in ("email", "username", "display_name", "password", "confirm", "affiliation"):
        assert f'<label for="{name}">' in page
    assert 'autocomplete="new-password"' in page
    assert 'autocomplete="username"' in page
    assert 'autocomplete="email"' in page
    assert "<h1>Create an account</h1>" in page


# Signing in


def test_login_by_username_or_email_in_any_case(app: Flask, make_user: Any) -> None:
    user = make_user("ana")
    for identifier in ("ana", "ANA", "Ana@School.Example"):
        client = app.test_client()
        response = login(client, identifier)
        assert response.status_code == 302, identifier
        assert signed_in_id(client) == str(user.id)


def test_wrong_password_and_unknown_account_get_the_same_answer(app: Flask, make_user: Any) -> None:
    make_user("ana")
    client = app.test_client()
    wrong = login(client, "ana", "not the password")
    unknown = login(client, "nobody", TEST_PASSWORD)

    for response in (wrong, unknown):
        assert response.status_code == 200
        assert GENERIC_FAILURE in response.get_data(as_text=True)
    assert signed_in_id(client) is None
    attempts = db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [(a.username, a.succeeded, a.kind) for a in attempts] == [
        ("ana", False, "password"),
        ("nobody", False, "password"),
    ]


def test_successful_login_is_recorded(client: Any, make_user: Any) -> None:
    make_user("ana")
    login(client, "ana@school.example", address="10.2.3.4")
    attempt = db.session.scalar(select(LoginAttempt))
    assert attempt is not None
    assert (attempt.username, attempt.address, attempt.succeeded) == ("ana", "10.2.3.4", True)


def test_remember_me_sets_a_remember_cookie(app: Flask, make_user: Any) -> None:
    make_user("ana")
    remembered, forgotten = app.test_client(), app.test_client()
    login(remembered, "ana", remember="y")
    login(forgotten, "ana")
    assert remembered.get_cookie("remember_token") is not None
    assert forgotten.get_cookie("remember_token") is None


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/settings/tokens", "/settings/tokens"),
        ("/n/demo/course/?tab=units", "/n/demo/course/?tab=units"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_login_redirects_only_to_this_site(
    client: Any, make_user: Any, next_url: str, expected: str
) -> None:
    from urllib.parse import quote

    make_user("ana")
    response = login(client, "ana", query=f"?next={quote(next_url, safe='')}")
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_form_keeps_a_safe_next_and_drops_an_unsafe_one(client: Any) -> None:
    safe = client.get("/auth/login?next=/settings/profile").get_data(as_text=True)
    unsafe = client.get("/auth/login?next=https://evil.example/").get_data(as_text=True)
    assert 'action="/auth/login?next=/settings/profile"' in safe
    assert 'action="/auth/login"' in unsafe
    assert 'autocomplete="current-password"' in safe


def test_login_without_csrf_token_is_refused_and_records_nothing(
    client: Any, make_user: Any
) -> None:
    make_user("ana")
    response = client.post(
        "/auth/login", data={"identifier": "ana", "password": TEST_PASSWORD}, csrf=False
    )
    assert response.status_code == 400
    assert signed_in_id(client) is None
    assert count(LoginAttempt) == 0


# Signing out


def test_logout_needs_post_with_csrf(client: Any, make_user: Any) -> None:
    user = make_user("ana")
    client.login_as(user)

    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout", csrf=False).status_code == 400
    assert signed_in_id(client) == str(user.id)

    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert signed_in_id(client) is None
    assert client.get("/settings/profile").status_code == 302


# Throttling


def add_failures(username: str, address: str, times: int, minutes_ago: float) -> None:
    at = utcnow() - timedelta(minutes=minutes_ago)
    for _ in range(times):
        db.session.add(LoginAttempt(username=username, address=address, created_at=at))
    db.session.commit()


def test_account_throttle_refuses_even_the_right_password(client: Any, make_user: Any) -> None:
    make_user("ana")
    for attempt in range(5):
        response = login(client, "ana", "wrong password", address=f"10.0.0.{attempt}")
        assert response.status_code == 200

    response = login(client, "ana@school.example", TEST_PASSWORD, address="10.9.9.9")

    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many failed sign-ins for this account. Try again in 15 minutes." in page
    assert 'name="identifier"' in page
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert signed_in_id(client) is None


def test_account_throttle_lifts_after_the_window(client: Any, make_user: Any) -> None:
    make_user("ana")
    add_failures("ana", "10.0.0.1", times=5, minutes_ago=16)
    assert login(client, "ana").status_code == 302


def test_account_throttle_counts_recent_failures(client: Any, make_user: Any) -> None:
    make_user("ana")
    add_failures("ana", "10.0.0.1", times=5, minutes_ago=14)
    response = login(client, "ana")
    assert response.status_code == 429
    assert "Try again in 1 minute." in response.get_data(as_text=True)


def test_a_success_resets_the_account_counter(app: Flask, make_user: Any) -> None:
    make_user("ana")
    for _ in range(4):
        login(app.test_client(), "ana", "wrong password")
    assert login(app.test_client(), "ana").status_code == 302
    for _ in range(4):
        login(app.test_client(), "ana", "wrong password")
    assert login(app.test_client(), "ana").status_code == 302
    assert count(LoginAttempt) == 10


def test_address_throttle_refuses_every_account_from_that_address(
    app: Flask, make_user: Any
) -> None:
    make_user("ana")
    for index in range(20):
        login(app.test_client(), f"guess{index}", "wrong password", address="10.6.6.6")

    refused = login(app.test_client(), "ana", address="10.6.6.6")
    elsewhere = login(app.test_client(), "ana", address="10.7.7.7")

    assert refused.status_code == 429
    assert "your network address" in refused.get_data(as_text=True)
    assert elsewhere.status_code == 302


def test_throttled_attempts_are_not_recorded(client: Any, make_user: Any) -> None:
    make_user("ana")
    add_failures("ana", "10.0.0.1", times=5, minutes_ago=1)
    login(client, "ana")
    assert count(LoginAttempt) == 5
