"""Sign-ins kept on the server: signing out ends them, even in copied cookies; the sessions page;
headers that keep private pages out of caches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from flask import Flask
from flask_login.utils import decode_cookie
from sqlalchemy import func, select, update
from testdata import TEST_PASSWORD

from workspace.extensions import db
from workspace.models import LoginSession
from workspace.models._base import utcnow
from workspace.services.accounts import describe_user_agent, renew_remembered

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def sign_in(client: Any, remember: bool = False, agent: str = FIREFOX, ip: str = "127.0.0.1"):
    data = {"identifier": "ana", "password": TEST_PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post(
        "/auth/login",
        data=data,
        headers={"User-Agent": agent},
        environ_base={"REMOTE_ADDR": ip},
    )
    assert response.status_code == 302
    return response


def signed_in(client: Any) -> bool:
    return client.get("/settings/profile").status_code == 200


def copy_cookies(source: Any, target: Any, only: str | None = None) -> None:
    """Give `target` the cookies `source` holds now, as someone copying them would."""
    for cookie in list(source._cookies.values()):
        if only is None or cookie.key == only:
            target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def logins() -> list[LoginSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(LoginSession).order_by(LoginSession.id)))


@pytest.fixture
def ana(make_user: Any) -> Any:
    return make_user("ana")


# Signing out ends the sign-in -------------------------------------------------------------


def test_a_session_cookie_copied_before_logout_no_longer_signs_in(app: Flask, ana: Any) -> None:
    browser, thief = app.test_client(), app.test_client()
    sign_in(browser)
    copy_cookies(browser, thief)
    assert signed_in(thief)  # a copy works as long as the sign-in does

    browser.post("/auth/logout")

    assert not signed_in(browser)
    assert not signed_in(thief)
    assert logins()[0].revoked_at is not None


def test_a_remember_me_cookie_copied_before_logout_no_longer_signs_in(app: Flask, ana: Any) -> None:
    browser, thief = app.test_client(), app.test_client()
    sign_in(browser, remember=True)
    copy_cookies(browser, thief, only="remember_token")
    assert signed_in(thief)  # the remember-me cookie alone signs in...

    browser.post("/auth/logout")

    fresh_thief = app.test_client()
    copy_cookies(thief, fresh_thief, only="remember_token")
    assert not signed_in(fresh_thief)  # ...until that sign-in ends
    assert not signed_in(thief)


def test_remember_me_cookies_differ_per_sign_in_and_last_thirty_days(app: Flask, ana: Any) -> None:
    first, second = app.test_client(), app.test_client()
    response = sign_in(first, remember=True)
    sign_in(second, remember=True)

    assert first.get_cookie("remember_token").value != second.get_cookie("remember_token").value
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token" in c)
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)
    remembered = logins()
    assert [login.remember for login in remembered] == [True, True]
    lifetime = remembered[0].expires_at - remembered[0].created_at
    assert lifetime == timedelta(days=30)


def reopened(app: Flask, browser: Any) -> Any:
    """Return the browser as it is after being closed and opened again: the session cookie
    (which lasts until the browser closes) is gone, the remember-me cookie is kept."""
    again = app.test_client()
    copy_cookies(browser, again, only="remember_token")
    return again


def remember_cookie(client: Any) -> str:
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    return str(cookie.value)


def age_rotation(minutes: float) -> None:
    """Move the last rotation of every sign-in back in time (instead of waiting)."""
    for login in logins():
        assert login.rotated_at is not None
        login.rotated_at = login.rotated_at - timedelta(minutes=minutes)
    db.session.commit()


def test_a_remember_me_cookie_is_replaced_each_time_it_signs_the_browser_in_again(
    app: Flask, ana: Any
) -> None:
    browser = app.test_client()
    sign_in(browser, remember=True)
    first = remember_cookie(browser)

    browser = reopened(app, browser)
    response = browser.get("/settings/profile")

    assert response.status_code == 200
    second = remember_cookie(browser)
    assert second != first
    (login,) = logins()  # still one sign-in, listed once on the sessions page
    assert login.revoked_at is None and login.rotated_at is not None
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token" in c)
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert abs(expires - login.expires_at) < timedelta(minutes=1)  # not 30 more days
    browser = reopened(app, browser)
    assert signed_in(browser)
    assert remember_cookie(browser) not in (first, second)


def test_a_stolen_remember_me_cookie_ends_the_sign_in_once_the_owner_comes_back(
    app: Flask, ana: Any
) -> None:
    owner = app.test_client()
    sign_in(owner, remember=True)
    thief = reopened(app, owner)  # a copy of the remember-me cookie only
    assert signed_in(thief)  # the thief gets in first, and new cookies
    age_rotation(minutes=5)

    # The owner's browser still holds the cookies the thief's visit replaced.
    assert not signed_in(owner)

    assert not signed_in(thief)  # the sign-in is over for everyone holding its cookies
    (login,) = logins()
    assert login.revoked_at is not None
    sign_in(owner, remember=True)  # the owner signs in again with the password...
    assert signed_in(owner)
    assert "This device" in owner.get("/settings/sessions").text
    assert not signed_in(thief)  # ...which the thief cannot


def test_a_copy_of_a_remember_me_cookie_used_after_the_owner_ends_the_sign_in(
    app: Flask, ana: Any
) -> None:
    owner = app.test_client()
    sign_in(owner, remember=True)
    copy = app.test_client()
    copy_cookies(owner, copy, only="remember_token")
    owner = reopened(app, owner)
    assert signed_in(owner)  # the owner's visit replaced the cookie the copy holds
    age_rotation(minutes=5)

    assert not signed_in(copy)

    # Two browsers held this sign-in: it ends for both, and the owner signs in again.
    assert not signed_in(owner)
    assert logins()[0].revoked_at is not None


def test_requests_sent_together_with_the_old_remember_me_cookie_stay_signed_in(
    app: Flask, ana: Any
) -> None:
    browser = app.test_client()
    sign_in(browser, remember=True)
    first_tab, second_tab = reopened(app, browser), reopened(app, browser)

    assert signed_in(first_tab)  # its answer brings new cookies...
    rotated = logins()[0].secret_hash
    assert signed_in(second_tab)  # ...which the browser had not yet when it sent this one

    assert logins()[0].secret_hash == rotated  # rotated once, not once per request
    # Whichever answer arrives last, the browser ends up with the new remember-me cookie and
    # a session cookie that names no sign-in (the old id is not written back): it stays in.
    copy_cookies(first_tab, second_tab, only="remember_token")
    age_rotation(minutes=5)
    assert signed_in(second_tab)
    assert logins()[0].revoked_at is None


def test_two_requests_renewing_one_remember_me_cookie_at_once_rotate_it_once(
    app: Flask, ana: Any
) -> None:
    browser = app.test_client()
    sign_in(browser, remember=True)
    login_id = decode_cookie(remember_cookie(browser))
    (login,) = logins()  # as the slower request loaded it, before the other one rotated it
    rotated = {"secret_hash": "0" * 64, "previous_secret_hash": login.secret_hash}
    with db.engine.begin() as other_request:
        other_request.execute(update(LoginSession).values(**rotated))

    assert renew_remembered(db.session, login, login_id) is None
    db.session.commit()
    assert logins()[0].secret_hash == "0" * 64  # the first rotation stands


def test_an_expired_sign_in_signs_nobody_in(app: Flask, ana: Any) -> None:
    client = app.test_client()
    sign_in(client)
    (login,) = logins()
    assert login.expires_at - login.created_at == timedelta(hours=24)  # without "remember me"
    login.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert not signed_in(client)


def test_activity_is_recorded_at_most_once_a_minute_and_extends_the_sign_in(
    app: Flask, ana: Any
) -> None:
    client = app.test_client()
    sign_in(client)
    (login,) = logins()
    first_seen = login.last_seen_at
    signed_in(client)
    assert logins()[0].last_seen_at == first_seen  # within the minute: no write

    login = logins()[0]
    login.last_seen_at = login.last_seen_at - timedelta(minutes=5)
    login.expires_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    signed_in(client)

    login = logins()[0]
    assert utcnow() - login.last_seen_at < timedelta(minutes=1)
    assert login.expires_at - login.last_seen_at == timedelta(hours=24)


def test_the_api_takes_the_session_cookie_until_logout(
    app: Flask, ana: Any, make_network: Any
) -> None:
    make_network("chem", ana)
    browser, copy = app.test_client(), app.test_client()
    sign_in(browser)
    copy_cookies(browser, copy)
    url = "/api/v1/n/chem/no-such-course/lessons/unit/lesson"
    assert browser.get(url).status_code == 404  # signed in: the course is simply missing
    assert browser.post(url, json={"content": "x"}).status_code == 404

    browser.post("/auth/logout")

    answer = copy.post(url, json={"content": "x"})
    assert answer.status_code == 401
    assert answer.is_json


# The sessions page ------------------------------------------------------------------------


def test_the_sessions_page_lists_devices_and_marks_this_one(app: Flask, ana: Any) -> None:
    here, phone = app.test_client(), app.test_client()
    sign_in(here, agent=FIREFOX, ip="10.1.1.1")
    sign_in(phone, remember=True, agent=SAFARI, ip="10.2.2.2")

    page = here.get("/settings/sessions")

    assert page.status_code == 200
    text = page.text
    assert text.count("<h1>") == 1
    assert 'aria-current="page">Sessions</a>' in text
    assert "Firefox on Windows" in text and "Safari on iPhone" in text
    assert "10.1.1.1" in text and "10.2.2.2" in text
    assert text.count("This device") == 1
    assert "Kept signed in" in text
    assert "Sign out everywhere else" in text


def test_sign_out_everywhere_else_ends_other_sessions_and_keeps_this_one(
    app: Flask, ana: Any
) -> None:
    here, laptop, phone = app.test_client(), app.test_client(), app.test_client()
    sign_in(here)
    sign_in(laptop, remember=True)
    sign_in(phone)

    page = here.post("/settings/sessions/end-others", follow_redirects=True)

    assert "Signed out 2 other sessions." in page.text
    assert signed_in(here)
    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert [login.revoked_at is None for login in logins()] == [True, False, False]


def test_one_other_session_can_be_signed_out(app: Flask, ana: Any) -> None:
    here, phone = app.test_client(), app.test_client()
    sign_in(here)
    sign_in(phone, agent=SAFARI)
    phone_login = logins()[1]

    page = here.post(f"/settings/sessions/{phone_login.id}/end", follow_redirects=True)

    assert "Safari on iPhone is signed out." in page.text
    assert signed_in(here)
    assert not signed_in(phone)


def test_nobody_can_end_another_persons_session(app: Flask, ana: Any, make_user: Any) -> None:
    make_user("ben")
    bens = app.test_client()
    bens.post("/auth/login", data={"identifier": "ben", "password": TEST_PASSWORD})
    (ben_login,) = [login for login in logins() if login.user.username == "ben"]
    client = app.test_client()
    sign_in(client)

    assert client.post(f"/settings/sessions/{ben_login.id}/end").status_code == 404
    assert bens.get("/settings/profile").status_code == 200


def test_signing_in_directly_starts_a_sign_in_of_its_own(client: Any, ana: Any) -> None:
    client.login_as(ana)  # the tests' shortcut, through Flask-Login's get_id()
    assert signed_in(client)
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1
    client.post("/auth/logout")
    assert not signed_in(client)


def test_user_agents_are_summarized() -> None:
    assert describe_user_agent(FIREFOX) == "Firefox on Windows"
    assert describe_user_agent(SAFARI) == "Safari on iPhone"
    edge = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
    )
    assert describe_user_agent(edge) == "Edge on Windows"
    assert describe_user_agent("") == "Unknown browser"
    assert describe_user_agent("Werkzeug/3.1.9") == "Werkzeug/3.1.9"


# Caching and transport headers -------------------------------------------------------------


def test_pages_for_a_signed_in_person_are_never_cached(client: Any, ana: Any) -> None:
    client.login_as(ana)
    for url in ("/", "/settings/profile", "/settings/sessions", "/networks/", "/no-such-page"):
        assert client.get(url).headers["Cache-Control"] == "private, no-store", url
    secure = client.get("/settings/sessions", base_url="https://localhost")
    assert secure.headers["Cache-Control"] == "private, no-store"
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_private_network_pages_are_never_cached_and_public_ones_may_be(
    client: Any, ana: Any, make_network: Any
) -> None:
    make_network("closed", ana)
    make_network("open", ana, public=True)
    assert client.get("/n/closed/").headers["Cache-Control"] == "private, no-store"
    public = client.get("/n/open/")
    assert public.status_code == 200
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_hsts_is_sent_over_https_only(client: Any) -> None:
    secure = client.get("/", base_url="https://localhost")
    plain = client.get("/")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain.headers
