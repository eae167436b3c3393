"""Email: confirming addresses and resetting passwords, through a real SMTP server."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from mail_support import Mailbox, link_in, mail_config, smtp_server
from sqlalchemy import select
from testdata import TEST_PASSWORD

from workspace import mail
from workspace.extensions import db
from workspace.models import EmailToken, LoginSession, User, hash_token
from workspace.models._base import utcnow
from workspace.services.context import Settings

NEW_PASSWORD = "a brand new passphrase"
RESET_ANSWER = "If an account has that address, we sent it a link to choose a new password."


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config: dict[str, Any], mailbox: Mailbox) -> dict[str, Any]:
    return {**app_config, **mail_config(mailbox)}


def register(client: Any, username: str = "ana_k", email: str = "ana@school.example") -> Any:
    data = {
        "email": email,
        "username": username,
        "display_name": username.capitalize(),
        "password": TEST_PASSWORD,
        "confirm": TEST_PASSWORD,
        "role_kind": "teacher",
    }
    return client.post("/auth/register", data=data, follow_redirects=True)


def login(client: Any, identifier: str, password: str = TEST_PASSWORD, **fields: str) -> Any:
    data = {"identifier": identifier, "password": password, **fields}
    return client.post("/auth/login", data=data)


def account(username: str) -> User:
    db.session.expire_all()
    found = db.session.scalar(select(User).filter_by(username=username))
    assert found is not None
    return found


def follow_confirmation(client: Any, path: str) -> Any:
    """Open a confirmation link and press Confirm, as a person reading the email would."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert "Confirm" in page.text
    return client.post(path, follow_redirects=True)


# Confirming an address ---------------------------------------------------------------------


def test_registering_mails_a_link_that_confirms_the_address(client: Any, mailbox: Mailbox) -> None:
    page = register(client)

    assert "Welcome, Ana_k. Your account is ready." in page.text
    assert "We sent a link to ana@school.example." in page.text
    (message,) = mailbox.to("ana@school.example")
    assert message["Subject"] == "Confirm your email address for Lesson Study Workspace"
    assert message["From"] == "Lesson Study Workspace <noreply@example.test>"
    assert "ana_k" in message.get_content()
    path = link_in(message)
    assert path.startswith("/auth/confirm/")
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalar(select(EmailToken))
    assert stored is not None and stored.token_hash == hash_token(token)
    assert stored.expires_at - stored.created_at == timedelta(hours=48)
    assert (account("ana_k").email, account("ana_k").pending_email) == (None, "ana@school.example")

    shown = client.get(path)
    assert (
        "<strong>ana@school.example</strong> for the account <strong>ana_k</strong>" in shown.text
    )
    assert shown.headers["Cache-Control"] == "private, no-store"
    assert account("ana_k").email is None  # opening the link (a mail scanner might) is not enough

    confirmed = client.post(path, follow_redirects=True)

    assert "ana@school.example is confirmed" in confirmed.text
    assert "Confirmed: <strong>ana@school.example</strong>" in confirmed.text
    assert (account("ana_k").email, account("ana_k").pending_email) == ("ana@school.example", None)
    again = client.post(path)
    assert again.status_code == 410
    assert "This confirmation link no longer works" in again.text


def test_the_link_works_in_a_browser_that_is_not_signed_in(app: Flask, mailbox: Mailbox) -> None:
    register(app.test_client())
    elsewhere = app.test_client()
    page = follow_confirmation(elsewhere, mailbox.last_link("ana@school.example"))
    assert "ana@school.example is confirmed" in page.text
    assert "<h1>Sign in</h1>" in page.text
    assert account("ana_k").email == "ana@school.example"


def test_an_unconfirmed_account_works_and_says_what_to_do(client: Any, mailbox: Mailbox) -> None:
    register(client)
    page = client.get("/settings/profile").text
    assert "Please confirm your email address." in page
    assert "We sent a link to\n    ana@school.example" in page
    assert "Send the link again" in page
    assert client.get("/networks/").status_code == 200


def test_sending_the_link_again_works_a_few_times_an_hour(client: Any, mailbox: Mailbox) -> None:
    register(client)
    for _ in range(2):
        page = client.post("/settings/email/resend", follow_redirects=True)
        assert "We sent a link to ana@school.example." in page.text
    assert len(mailbox.to("ana@school.example")) == 3

    refused = client.post("/settings/email/resend", follow_redirects=True)

    assert "We already sent several links. Please wait" in refused.text
    assert len(mailbox.to("ana@school.example")) == 3
    # Only the newest link is not needed: each one works until used or expired.
    follow_confirmation(client, link_in(mailbox.to("ana@school.example")[0]))
    assert account("ana_k").email == "ana@school.example"


def test_an_expired_confirmation_link_is_refused(client: Any, mailbox: Mailbox) -> None:
    register(client)
    token = db.session.scalar(select(EmailToken))
    assert token is not None
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(mailbox.last_link("ana@school.example"))
    assert response.status_code == 410
    assert "ask for a new link on your profile" in response.text
    assert account("ana_k").email is None


def test_changing_the_address_waits_for_confirmation_and_keeps_the_old_one(
    app: Flask, client: Any, make_user: Any, mailbox: Mailbox
) -> None:
    ana = make_user("ana")  # confirmed: ana@school.example
    client.login_as(ana)
    form = {"display_name": "Ana", "email": "ana@district.example", "role_kind": "teacher"}

    page = client.post("/settings/profile", data=form, follow_redirects=True).text

    assert "Until you follow it, your address stays ana@school.example." in page
    assert "Pending: <strong>ana@district.example</strong>" in page
    assert (account("ana").email, account("ana").pending_email) == (
        "ana@school.example",
        "ana@district.example",
    )
    assert login(app.test_client(), "ana@school.example").status_code == 302
    assert login(app.test_client(), "ana@district.example").status_code == 200  # not yet
    # Saving the profile again (say, a new bio) keeps the change pending, without a new email.
    client.post("/settings/profile", data={**form, "email": "ana@school.example", "bio": "Hi"})
    assert account("ana").pending_email == "ana@district.example"
    assert len(mailbox.messages) == 1

    follow_confirmation(client, mailbox.last_link("ana@district.example"))

    assert (account("ana").email, account("ana").pending_email) == ("ana@district.example", None)
    assert login(app.test_client(), "ana@district.example").status_code == 302
    # The old address is free again for whoever owns it.
    assert register(app.test_client(), "other", "ana@school.example").status_code == 200
    assert account("other").pending_email == "ana@school.example"


def test_a_link_stops_working_when_the_address_changes_again(
    client: Any, make_user: Any, mailbox: Mailbox
) -> None:
    client.login_as(make_user("ana"))
    form = {"display_name": "Ana", "role_kind": "teacher"}
    client.post("/settings/profile", data={**form, "email": "typo@distrct.example"})
    client.post("/settings/profile", data={**form, "email": "ana@district.example"})

    stale = client.get(mailbox.last_link("typo@distrct.example"))

    assert stale.status_code == 410
    follow_confirmation(client, mailbox.last_link("ana@district.example"))
    assert account("ana").email == "ana@district.example"


def test_cancelling_a_change_keeps_the_confirmed_address(
    client: Any, make_user: Any, mailbox: Mailbox
) -> None:
    client.login_as(make_user("ana"))
    client.post(
        "/settings/profile",
        data={"display_name": "Ana", "email": "ana@district.example", "role_kind": "teacher"},
    )
    page = client.post("/settings/email/cancel", follow_redirects=True).text
    assert "The change to ana@district.example is cancelled" in page
    assert (account("ana").email, account("ana").pending_email) == ("ana@school.example", None)
    assert client.get(mailbox.last_link("ana@district.example")).status_code == 410


def test_confirming_an_address_drops_other_accounts_claims_on_it(
    app: Flask, mailbox: Mailbox
) -> None:
    register(app.test_client(), "eve", "bob@school.example")  # Eve has Bob's address typed in
    bob = app.test_client()
    page = register(bob, "bob", "bob@school.example")  # it does not stop Bob
    assert "Your account is ready." in page.text
    eves_link, bobs_link = (link_in(m) for m in mailbox.to("bob@school.example"))

    follow_confirmation(bob, bobs_link)

    assert account("bob").email == "bob@school.example"
    assert account("eve").pending_email is None
    assert app.test_client().get(eves_link).status_code == 410
    # Signing in by that address now means Bob, whoever else once typed it.
    assert login(app.test_client(), "bob@school.example").status_code == 302


def test_an_address_another_account_confirmed_first_cannot_be_confirmed_again(
    app: Flask, make_user: Any, mailbox: Mailbox
) -> None:
    client = app.test_client()
    register(client, "eve", "bob@school.example")
    path = mailbox.last_link("bob@school.example")
    make_user("bob", email="bob@school.example")  # confirmed meanwhile, e.g. by an admin

    response = client.post(path)

    assert response.status_code == 409
    assert "Another account confirmed bob@school.example first" in response.text
    assert (account("eve").email, account("eve").pending_email) == (None, None)


def test_signing_in_by_an_unconfirmed_address_works_only_while_one_account_has_it(
    app: Flask, mailbox: Mailbox
) -> None:
    register(app.test_client(), "ana_k", "ana@school.example")
    assert login(app.test_client(), "ana@school.example").status_code == 302
    register(app.test_client(), "copycat", "ana@school.example")
    assert login(app.test_client(), "ana@school.example").status_code == 200
    assert login(app.test_client(), "ana_k").status_code == 302


# Resetting a password ----------------------------------------------------------------------


def test_a_forgotten_password_is_reset_by_email_and_other_sessions_end(
    app: Flask, make_user: Any, mailbox: Mailbox
) -> None:
    make_user("ana")
    other_device = app.test_client()
    assert login(other_device, "ana", remember="y").status_code == 302
    assert other_device.get("/settings/profile").status_code == 200
    visitor = app.test_client()

    assert "Forgot your password?" in visitor.get("/auth/login").text
    asked = visitor.post("/auth/reset", data={"email": "Ana@School.Example"}, follow_redirects=True)

    assert RESET_ANSWER in asked.text
    (message,) = mailbox.to("ana@school.example")
    assert message["Subject"] == "Choose a new password for Lesson Study Workspace"
    path = link_in(message)
    assert path.startswith("/auth/reset/")
    stored = db.session.scalar(select(EmailToken).filter_by(purpose="reset"))
    assert stored is not None
    assert stored.expires_at - stored.created_at == timedelta(hours=1)
    form_page = visitor.get(path)
    assert "<h1>Choose a new password</h1>" in form_page.text
    assert form_page.headers["Cache-Control"] == "private, no-store"
    assert form_page.headers["Referrer-Policy"] == "no-referrer"

    done = visitor.post(
        path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True
    )

    assert "Your password is changed" in done.text
    assert login(app.test_client(), "ana", TEST_PASSWORD).status_code == 200  # refused
    assert login(app.test_client(), "ana", NEW_PASSWORD).status_code == 302
    assert other_device.get("/settings/profile").status_code == 302  # signed out, cookie too
    assert visitor.get(path).status_code == 410  # the link worked once


def test_a_reset_signs_out_every_device_even_the_one_it_was_made_on(
    app: Flask, make_user: Any, mailbox: Mailbox
) -> None:
    make_user("ana")
    here, phone = app.test_client(), app.test_client()
    assert login(here, "ana").status_code == 302
    assert login(phone, "ana", remember="y").status_code == 302
    remembered = app.test_client()
    remembered.set_cookie("remember_token", phone.get_cookie("remember_token").value)
    here.post("/auth/reset", data={"email": "ana@school.example"})
    path = mailbox.last_link("ana@school.example")

    done = here.post(
        path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True
    )

    assert "every device signed in to your account has been signed out" in done.text
    assert "<h1>Sign in</h1>" in done.text
    for client in (here, phone, remembered):
        assert client.get("/settings/profile").status_code == 302
    active = db.session.scalars(select(LoginSession).filter_by(revoked_at=None)).all()
    assert active == []
    assert login(here, "ana", NEW_PASSWORD).status_code == 302


def test_a_reset_link_needs_an_acceptable_password(
    client: Any, make_user: Any, mailbox: Mailbox
) -> None:
    make_user("ana")
    client.post("/auth/reset", data={"email": "ana@school.example"})
    path = mailbox.last_link("ana@school.example")
    short = client.post(path, data={"new_password": "short", "confirm": "short"})
    different = client.post(path, data={"new_password": NEW_PASSWORD, "confirm": "other thing"})
    assert "Use at least 10 characters" in short.text
    assert "The new passwords do not match." in different.text
    assert account("ana").check_password(TEST_PASSWORD)
    assert client.get(path).status_code == 200  # still usable


def test_an_expired_reset_link_is_refused(client: Any, make_user: Any, mailbox: Mailbox) -> None:
    make_user("ana")
    client.post("/auth/reset", data={"email": "ana@school.example"})
    token = db.session.scalar(select(EmailToken))
    assert token is not None
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    path = mailbox.last_link("ana@school.example")
    response = client.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    assert "Ask for a new link" in response.text
    assert account("ana").check_password(TEST_PASSWORD)


def test_reset_answers_the_same_and_mails_only_confirmed_addresses(
    app: Flask, make_user: Any, mailbox: Mailbox
) -> None:
    make_user("bob", email="bob@school.example")
    register(app.test_client(), "eve", "carol@school.example")  # typed, never confirmed
    mailbox.messages.clear()
    answers = []
    for address in ("nobody@school.example", "carol@school.example", "bob@school.example"):
        response = app.test_client().post(
            "/auth/reset", data={"email": address}, follow_redirects=True
        )
        answers.append(response.text.count(RESET_ANSWER))
    assert answers == [1, 1, 1]
    assert [m["To"] for m in mailbox.messages] == ["bob@school.example"]


def test_reset_requests_are_throttled_per_address_and_per_network_address(
    app: Flask, make_user: Any, mailbox: Mailbox
) -> None:
    make_user("ana")

    def ask(address: str, remote: str) -> Any:
        return app.test_client().post(
            "/auth/reset", data={"email": address}, environ_base={"REMOTE_ADDR": remote}
        )

    for index in range(3):
        assert ask("ana@school.example", f"10.0.0.{index}").status_code == 302
    refused = ask("ana@school.example", "10.0.0.9")
    assert refused.status_code == 429
    assert "Too many requests for a new password for that address" in refused.text
    assert len(mailbox.to("ana@school.example")) == 3

    for index in range(10):
        assert ask(f"guess{index}@school.example", "10.6.6.6").status_code == 302
    from_there = ask("someone@school.example", "10.6.6.6")
    assert from_there.status_code == 429
    assert "your network address" in from_there.text
    assert int(from_there.headers["Retry-After"]) > 0


# Sending -----------------------------------------------------------------------------------


def test_links_use_the_public_address_when_one_is_configured(
    app: Flask, client: Any, mailbox: Mailbox
) -> None:
    app.config["PUBLIC_URL"] = "https://lessons.example.org/"
    # The session cookie (and its CSRF token) belongs to localhost, not to the forged host.
    app.config["WTF_CSRF_ENABLED"] = False
    # A forged Host header must not decide where the emailed link points.
    response = client.post(
        "/auth/register",
        data={
            "email": "ana@school.example",
            "username": "ana_k",
            "display_name": "Ana",
            "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD,
            "role_kind": "teacher",
        },
        headers={"Host": "evil.example"},
        csrf=False,
    )
    assert response.status_code == 302
    body = mailbox.to("ana@school.example")[0].get_content()
    assert "https://lessons.example.org/auth/confirm/" in body
    assert "evil.example" not in body


def test_send_signs_in_to_the_server_when_a_user_name_is_set() -> None:
    with smtp_server(users={"app": "s3cret"}) as box:
        settings = Settings.from_mapping(
            {
                **mail_config(box),
                "MAIL_USERNAME": "app",
                "MAIL_PASSWORD": "s3cret",
                "MAIL_FROM": "Workspace <lessons@school.example>",
            }
        )
        mail.send(settings, mail.Message("ana@school.example", "Hello", "A body"))
    assert [name for name, _ in box.logins] == ["app"]
    assert box.envelopes == [("lessons@school.example", ["ana@school.example"])]
    assert box.messages[0]["From"] == "Workspace <lessons@school.example>"
    assert box.messages[0].get_content().strip() == "A body"


def test_send_to_a_server_that_is_down_raises_a_mail_error() -> None:
    with smtp_server() as box:
        config = mail_config(box)
    settings = Settings.from_mapping({**config, "MAIL_TIMEOUT_SECONDS": 2})
    with pytest.raises(mail.MailError):
        mail.send(settings, mail.Message("ana@school.example", "Hello", "A body"))


def test_a_mail_server_that_is_down_is_explained_and_the_account_still_works(
    app: Flask, client: Any, mailbox: Mailbox
) -> None:
    app.config["MAIL_PORT"] = 9  # discard: nothing listens
    app.extensions.pop("settings", None)
    page = register(client)
    assert "Your account is ready." in page.text
    assert "We could not send the email just now." in page.text
    assert client.get("/settings/profile").status_code == 200


def test_without_a_mail_server_the_message_and_its_link_go_to_the_log(
    app: Flask, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["MAIL_SERVER"] = None
    app.extensions.pop("settings", None)
    with caplog.at_level(logging.INFO, logger="workspace.mail"):
        register(client)
    (record,) = [r for r in caplog.records if r.name == "workspace.mail"]
    text = record.getMessage()
    assert "no MAIL_SERVER is configured" in text and "To: ana@school.example" in text
    path = text[text.index("http://localhost") + len("http://localhost") :].split()[0]
    follow_confirmation(client, path)
    assert account("ana_k").email == "ana@school.example"
