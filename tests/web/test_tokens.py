"""Personal access tokens: the settings page, issuing, authenticating, revoking, throttling."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from workspace.extensions import db
from workspace.models import AccessToken, LoginAttempt, hash_token
from workspace.models._base import utcnow
from workspace.services.accounts import (
    ThrottleLimits,
    TokenError,
    TokenThrottled,
    authenticate_token,
    issue_token,
    revoke_token,
)

RAW_TOKEN = re.compile(r"lsw_[A-Za-z0-9_-]{43}")
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
LIMITS = ThrottleLimits(account=5, address=4, window_seconds=600)


def create(client: Any, **fields: str) -> Any:
    data = {"name": "school laptop", "scope": "write", "expiry": "90", **fields}
    return client.post("/settings/tokens", data=data)


def stored_tokens() -> list[AccessToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccessToken).order_by(AccessToken.id)))


def failures() -> int:
    query = select(func.count()).select_from(LoginAttempt).filter_by(kind="token")
    return db.session.scalar(query) or 0


# The settings page


def test_created_token_is_shown_once_and_only_its_hash_is_stored(
    client: Any, make_user: Any
) -> None:
    client.login_as(make_user("ana"))

    response = create(client)

    page = response.get_data(as_text=True)
    shown = RAW_TOKEN.findall(page)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert len(set(shown)) == 1
    raw = shown[0]
    (token,) = stored_tokens()
    assert token.token_hash == hash_token(raw)
    assert token.prefix == raw[4:12]
    assert raw not in {token.token_hash, token.prefix, token.name}
    assert (token.name, token.scope) == ("school laptop", "write")
    assert token.expires_at is not None
    assert abs(token.expires_at - (utcnow() + timedelta(days=90))) < timedelta(minutes=1)

    again = client.get("/settings/tokens").get_data(as_text=True)
    assert raw not in again
    assert f"lsw_{token.prefix}" in again
    with client.session_transaction() as session:
        assert raw not in repr(dict(session))


def test_token_without_expiry(client: Any, make_user: Any) -> None:
    client.login_as(make_user("ana"))
    create(client, expiry="never", scope="read")
    (token,) = stored_tokens()
    assert token.expires_at is None
    assert token.scope == "read"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "This field is required."),
        ({"scope": "admin"}, "Not a valid choice"),
        ({"expiry": "7"}, "Not a valid choice"),
    ],
)
def test_token_form_explains_bad_input_and_creates_nothing(
    client: Any, make_user: Any, fields: dict[str, str], message: str
) -> None:
    client.login_as(make_user("ana"))
    response = create(client, **fields)
    page = response.get_data(as_text=True)
    assert message in page
    assert not RAW_TOKEN.search(page)
    assert stored_tokens() == []


def test_token_list_shows_own_tokens_with_their_status(client: Any, make_user: Any) -> None:
    ana, ben = make_user("ana"), make_user("ben")
    issue_token(db.session, ana, "active one", "read", 30)
    _, old = issue_token(db.session, ana, "old one", "write", 30, now=utcnow() - timedelta(days=31))
    _, gone = issue_token(db.session, ana, "gone one", "read", None)
    revoke_token(db.session, ana, gone.id)
    issue_token(db.session, ben, "bens token", "write", 30)
    db.session.commit()
    client.login_as(ana)

    page = client.get("/settings/tokens").get_data(as_text=True)

    for name in ("active one", "old one", "gone one"):
        assert name in page
    assert "bens token" not in page
    assert ">Active<" in page and ">Expired<" in page and "Revoked" in page
    assert f"lsw_{old.prefix}" in page
    # Only tokens not yet revoked offer a revoke button.
    assert page.count('class="button--danger button--small"') == 2


def test_revoking_a_token_stops_it_working(client: Any, make_user: Any) -> None:
    ana = make_user("ana")
    raw, token = issue_token(db.session, ana, "laptop", "write", 30)
    db.session.commit()
    client.login_as(ana)

    response = client.post(f"/settings/tokens/{token.id}/revoke")

    assert response.status_code == 302
    assert stored_tokens()[0].revoked_at is not None
    assert "is revoked" in client.get("/settings/tokens").get_data(as_text=True)
    assert authenticate_token(db.session, raw, "10.0.0.1") is None


def test_revoke_needs_post_with_csrf_and_own_token(client: Any, make_user: Any) -> None:
    ana, ben = make_user("ana"), make_user("ben")
    _, bens = issue_token(db.session, ben, "bens", "write", 30)
    _, anas = issue_token(db.session, ana, "anas", "write", 30)
    db.session.commit()
    client.login_as(ana)

    assert client.post(f"/settings/tokens/{bens.id}/revoke").status_code == 404
    assert client.get(f"/settings/tokens/{anas.id}/revoke").status_code == 405
    assert client.post(f"/settings/tokens/{anas.id}/revoke", csrf=False).status_code == 400
    assert [t.revoked_at for t in stored_tokens()] == [None, None]


def test_command_line_token_authenticates(runner: Any, make_user: Any) -> None:
    make_user("ana")
    result = runner.invoke(args=["create-token", "ana", "--scope", "write", "--days", "0"])
    raw = result.output.strip()
    assert RAW_TOKEN.fullmatch(raw), result.output
    token = authenticate_token(db.session, raw, "10.0.0.1")
    assert token is not None
    assert (token.user.username, token.scope, token.expires_at) == ("ana", "write", None)


# issue_token and authenticate_token


def test_issued_tokens_are_random_and_well_formed(app: Flask, make_user: Any) -> None:
    ana = make_user("ana")
    first, _ = issue_token(db.session, ana, "one", "read", 30)
    second, _ = issue_token(db.session, ana, "two", "read", 30)
    assert RAW_TOKEN.fullmatch(first) and RAW_TOKEN.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    ("name", "scope", "days", "field"),
    [
        ("", "read", 30, "name"),
        ("x" * 101, "read", 30, "name"),
        ("ok", "admin", 30, "scope"),
        ("ok", "read", 0, "expiry"),
    ],
)
def test_issue_token_refuses_bad_requests(
    app: Flask, make_user: Any, name: str, scope: str, days: int, field: str
) -> None:
    ana = make_user("ana")
    with pytest.raises(TokenError) as caught:
        issue_token(db.session, ana, name, scope, days)
    assert caught.value.field == field


def test_good_token_authenticates_and_notes_last_use_once_a_minute(
    app: Flask, make_user: Any
) -> None:
    raw, token = issue_token(db.session, make_user("ana"), "laptop", "read", 30, now=NOW)
    db.session.commit()

    found = authenticate_token(db.session, raw, "10.0.0.1", NOW, LIMITS)
    assert found is not None and found.id == token.id
    assert found.last_used_at == NOW

    authenticate_token(db.session, raw, "10.0.0.1", NOW + timedelta(seconds=59), LIMITS)
    assert stored_tokens()[0].last_used_at == NOW
    authenticate_token(db.session, raw, "10.0.0.1", NOW + timedelta(seconds=61), LIMITS)
    assert stored_tokens()[0].last_used_at == NOW + timedelta(seconds=61)
    assert failures() == 0


def test_expired_revoked_and_unknown_tokens_are_refused_and_recorded(
    app: Flask, make_user: Any
) -> None:
    ana = make_user("ana")
    expired, _ = issue_token(db.session, ana, "old", "read", 30, now=NOW - timedelta(days=30))
    revoked, token = issue_token(db.session, ana, "gone", "read", None, now=NOW)
    revoke_token(db.session, ana, token.id, now=NOW)
    db.session.commit()

    for raw in (expired, revoked, "lsw_" + "A" * 43, "my password"):
        assert authenticate_token(db.session, raw, "10.0.0.1", NOW, LIMITS) is None

    db.session.rollback()  # the failures were committed, whatever the caller does next
    attempts = db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [(a.username, a.succeeded, a.kind) for a in attempts] == [
        ("ana", False, "token"),
        ("ana", False, "token"),
        ("", False, "token"),
        ("", False, "token"),
    ]


def test_no_token_offered_is_not_recorded(app: Flask) -> None:
    assert authenticate_token(db.session, "  ", "10.0.0.1", NOW, LIMITS) is None
    assert failures() == 0


def test_bad_tokens_from_one_address_are_throttled(app: Flask, make_user: Any) -> None:
    raw, _ = issue_token(db.session, make_user("ana"), "laptop", "write", None, now=NOW)
    db.session.commit()
    for minute in range(4):
        guess = f"lsw_guess{minute}"
        at = NOW + timedelta(minutes=minute)
        assert authenticate_token(db.session, guess, "10.6.6.6", at, LIMITS) is None

    later = NOW + timedelta(minutes=5)
    with pytest.raises(TokenThrottled) as caught:
        authenticate_token(db.session, raw, "10.6.6.6", later, LIMITS)
    # The first guess (at NOW) leaves the 10-minute window at NOW + 10 minutes.
    assert caught.value.retry_after_seconds == 5 * 60
    assert "Try again in 5 minutes." in caught.value.message
    assert authenticate_token(db.session, raw, "10.7.7.7", later, LIMITS) is not None
    lifted = NOW + timedelta(minutes=10, seconds=1)
    assert authenticate_token(db.session, raw, "10.6.6.6", lifted, LIMITS) is not None
    assert failures() == 4


def test_token_throttle_uses_the_configured_address_limit(app: Flask) -> None:
    app.config["LOGIN_THROTTLE_ADDRESS"] = 2
    for _ in range(2):
        assert authenticate_token(db.session, "lsw_bad", "10.6.6.6") is None
    with pytest.raises(TokenThrottled):
        authenticate_token(db.session, "lsw_bad", "10.6.6.6")
