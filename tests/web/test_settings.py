"""Settings: the profile and the password (email confirmation: test_email.py; sign-ins:
test_sessions.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from testdata import FAST_HASH, TEST_PASSWORD

from workspace.extensions import db
from workspace.models import LoginSession, User

NEW_PASSWORD = "a brand new passphrase"


def profile_data(**fields: str) -> dict[str, str]:
    return {
        "display_name": "Ana María López",
        "email": "ana.lopez@district.example",
        "affiliation": "Riverside District",
        "role_kind": "support_organization",
        "bio": "Physics coach for six schools.",
        **fields,
    }


def reload(user: User) -> User:
    db.session.expire_all()
    found = db.session.get(User, user.id)
    assert found is not None
    return found


@pytest.mark.parametrize("page", ["profile", "password", "tokens"])
def test_settings_pages_ask_visitors_to_sign_in(client: Any, page: str) -> None:
    response = client.get(f"/settings/{page}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next=%2Fsettings%2F{page}"


def test_profile_page_shows_the_current_profile(client: Any, make_user: Any) -> None:
    user = make_user("ana", bio="I teach chemistry.")
    client.login_as(user)
    page = client.get("/settings/profile").get_data(as_text=True)
    assert 'value="ana@school.example"' in page
    assert "I teach chemistry." in page
    assert 'aria-current="page">Profile</a>' in page
    assert 'autocomplete="email"' in page
    assert '<label for="bio">' in page


def test_profile_change_is_saved(client: Any, make_user: Any) -> None:
    user = make_user("ana")
    client.login_as(user)

    response = client.post(
        "/settings/profile", data=profile_data(email="Ana.Lopez@District.EXAMPLE")
    )

    assert response.status_code == 302
    user = reload(user)
    assert user.display_name == "Ana María López"
    # The new address waits for its confirmation link; the confirmed one stays in force.
    assert user.email == "ana@school.example"
    assert user.pending_email == "ana.lopez@district.example"
    assert user.affiliation == "Riverside District"
    assert user.role_kind == "support_organization"
    assert user.role_kind_label == "Support organization"
    assert user.bio == "Physics coach for six schools."
    page = client.get("/settings/profile").get_data(as_text=True)
    assert "Your profile is saved." in page
    assert "We sent a link to ana.lopez@district.example." in page
    assert "Until you follow it, your address stays ana@school.example." in page
    assert "Pending: <strong>ana.lopez@district.example</strong>" in page


def test_profile_keeps_own_email_typed_in_another_case(client: Any, make_user: Any) -> None:
    user = make_user("ana")
    client.login_as(user)
    response = client.post("/settings/profile", data=profile_data(email="ANA@school.example"))
    assert response.status_code == 302
    assert reload(user).email == "ana@school.example"
    assert reload(user).pending_email is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "BEN@school.example"}, "Another account already uses that email address."),
        ({"email": "ben at school"}, "Enter an email address"),
        ({"display_name": "  "}, "This field is required."),
        ({"role_kind": "wizard"}, "Not a valid choice"),
    ],
)
def test_profile_change_with_bad_input_is_explained_and_not_saved(
    client: Any, make_user: Any, fields: dict[str, str], message: str
) -> None:
    user = make_user("ana")
    make_user("ben")
    client.login_as(user)

    response = client.post("/settings/profile", data=profile_data(**fields))

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    user = reload(user)
    assert (user.display_name, user.email) == ("Ana", "ana@school.example")


def test_profile_post_without_csrf_token_is_refused_and_changes_nothing(
    client: Any, make_user: Any
) -> None:
    user = make_user("ana")
    client.login_as(user)
    response = client.post("/settings/profile", data=profile_data(), csrf=False)
    assert response.status_code == 400
    assert reload(user).display_name == "Ana"


def test_password_change_needs_the_current_password(client: Any, make_user: Any) -> None:
    user = make_user("ana")
    client.login_as(user)
    data = {"current_password": "a guess", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}

    response = client.post("/settings/password", data=data)

    assert response.status_code == 200
    assert "That is not your current password." in response.get_data(as_text=True)
    assert reload(user).check_password(TEST_PASSWORD)


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("too short", "too short", "Use at least 10 characters"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The new passwords do not match."),
    ],
)
def test_password_change_with_bad_new_password_is_explained(
    client: Any, make_user: Any, new: str, confirm: str, message: str
) -> None:
    user = make_user("ana")
    client.login_as(user)
    data = {"current_password": TEST_PASSWORD, "new_password": new, "confirm": confirm}
    response = client.post("/settings/password", data=data)
    assert message in response.get_data(as_text=True)
    assert reload(user).check_password(TEST_PASSWORD)


def test_password_change_replaces_the_old_password(app: Any, client: Any, make_user: Any) -> None:
    user = make_user("ana")
    client.login_as(user)
    data = {
        "current_password": TEST_PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }

    response = client.post("/settings/password", data=data)

    assert response.status_code == 302
    user = reload(user)
    assert user.password_hash.startswith(FAST_HASH + "$")
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(TEST_PASSWORD)
    fresh = app.test_client()
    form = {"identifier": "ana", "password": NEW_PASSWORD}
    assert fresh.post("/auth/login", data=form).status_code == 302


def test_password_page_names_autocomplete_for_password_managers(
    client: Any, make_user: Any
) -> None:
    client.login_as(make_user("ana"))
    page = client.get("/settings/password").get_data(as_text=True)
    assert 'autocomplete="current-password"' in page
    assert page.count('autocomplete="new-password"') == 2
    assert '<label for="current_password">' in page


def test_changing_the_password_signs_out_other_sessions_but_not_this_one(app, make_user):
    user = make_user("ana")
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        response = client.post(
            "/auth/login", data={"identifier": "ana", "password": TEST_PASSWORD, "remember": "y"}
        )
        assert response.status_code == 302
    assert elsewhere.get("/settings/profile").status_code == 200

    response = here.post(
        "/settings/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
        follow_redirects=True,
    )
    assert b"Other devices have been signed out" in response.data
    assert here.get("/settings/profile").status_code == 200
    # The other browser's session and its remember-me cookie no longer sign it in.
    assert elsewhere.get("/settings/profile").status_code == 302
    logins = db.session.scalars(select(LoginSession).filter_by(user_id=user.id)).all()
    assert sorted(login.revoked_at is None for login in logins) == [False, True]
