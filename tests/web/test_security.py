"""Cross-cutting safety: CSRF on every form, headers, error pages that show no internals."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from workspace.extensions import db
from workspace.models import User
from workspace.web import is_safe_next

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Machine endpoints authenticate with tokens, never cookies, so they are exempt from CSRF.
EXEMPT_PREFIXES = ("githttp.",)


def unsafe_routes(app: Flask) -> list[tuple[str, str]]:
    """Return (method, url) for every state-changing route, with sample URL arguments."""
    samples = {
        "net": "demo",
        "course": "course",
        "unit": "unit",
        "lesson": "lesson",
        "sha": "a" * 40,
        "token": "x" * 20,
    }
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(EXEMPT_PREFIXES) or rule.endpoint == "static":
            continue
        values = {
            arg: 1
            if type(rule._converters[arg]).__name__ == "IntegerConverter"
            else samples.get(arg, "x")
            for arg in rule.arguments
        }
        url = rule.build(values, append_unknown=False)[1]  # type: ignore[index]
        found.extend((method, url) for method in sorted((rule.methods or set()) & UNSAFE))
    return found


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, client, make_user):
    client.login_as(make_user("ana"))
    routes = unsafe_routes(app)
    assert any(url.startswith("/auth/") for _method, url in routes)
    for method, url in routes:
        response = client.open(url, method=method, data={"x": "1"}, csrf=False)
        if url.startswith("/api/"):
            # The API takes a session cookie only with a CSRF header; a bearer token needs none.
            assert response.status_code in (400, 401, 403), (method, url)
        else:
            assert response.status_code == 400, (method, url, response.status_code)
            assert b"form expired" in response.data


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_cookies_are_secure_over_https_and_not_over_http(app, make_user):
    ana = make_user("ana")
    # The signed-in layout has a sign-out form, whose CSRF token is stored in the session.
    over_https, over_http = app.test_client(), app.test_client()
    over_https.login_as(ana)
    secure = over_https.get("/", base_url="https://localhost").headers.getlist("Set-Cookie")
    assert secure and all("Secure" in c and "HttpOnly" in c for c in secure)
    over_http.login_as(ana)
    plain = over_http.get("/").headers.getlist("Set-Cookie")
    assert plain and not any("Secure" in c for c in plain)


def test_not_found_is_a_page_in_the_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Not found" in response.data and b'class="site-header"' in response.data


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["status"] == "error"


@pytest.fixture
def failing_app(app_config):
    """An app with one extra view that writes to the session and then fails."""
    from workspace import create_app

    application = create_app(app_config)

    @application.get("/explode")
    def explode() -> str:
        db.session.add(
            User(username="ghost", email="g@x.test", display_name="G", password_hash="x")
        )
        db.session.flush()
        raise RuntimeError("secret internal detail")

    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def test_a_server_error_rolls_back_and_shows_no_internals(failing_app):
    client = failing_app.test_client()
    response = client.get("/explode")
    assert response.status_code == 500
    assert b"secret internal detail" not in response.data
    assert b"Traceback" not in response.data
    assert b"Something went wrong" in response.data
    with failing_app.app_context():
        assert db.session.scalar(db.select(User).filter_by(username="ghost")) is None


def test_oversized_request_gets_a_clear_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/auth/login", data={"username": "a" * 5000})
    assert response.status_code == 413
    assert b"Too large" in response.data


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/n/demo/", True),
        ("/settings/profile?tab=1", True),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
        ("/ok\r\nSet-Cookie: x", False),
    ],
)
def test_next_redirects_stay_on_this_site(target, safe):
    assert is_safe_next(target) is safe


def test_each_request_is_logged_once_with_who_and_how_long_but_no_token(
    app: Flask, make_user: Any, caplog: Any
) -> None:
    import logging

    client = app.test_client()
    client.login_as(make_user("ana"))
    with caplog.at_level(logging.INFO, logger="workspace.requests"):
        client.get("/networks/")
        app.test_client().get("/invite/secret-token-value-123")
    lines = [r.getMessage() for r in caplog.records if r.name == "workspace.requests"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /networks/ 200 ") and lines[0].endswith("user=ana")
    assert "ms user=" in lines[0]
    assert "secret-token-value-123" not in lines[1] and "/invite/<token>" in lines[1]
