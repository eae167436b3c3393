"""Shared fixtures: the app on a fresh database (SQLite, or PostgreSQL when TEST_DATABASE_URL is
set), course repositories under tmp_path, a test client that sends CSRF tokens as a browser
would, small factories for users and networks, and for browser tests a live server and
headless Chromium driven by Playwright.

Chromium comes from the system (Debian's `chromium` package); Playwright's own browser
downloads are not used. Without Chromium the browser tests skip locally with a clear reason,
but under CI (CI or WORKSPACE_REQUIRE_BROWSER set) a browser that cannot start fails the run.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from testdata import FAST_HASH, TEST_PASSWORD
from werkzeug.serving import make_server

from workspace import create_app
from workspace.extensions import db
from workspace.models import Membership, Network, Role, User

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
_prepared_schemas: set[str] = set()


def _postgres_url() -> str:
    """Return a URL whose connections use this test worker's own schema, made fresh once."""
    assert TEST_DATABASE_URL
    # One schema per test process, so parallel runs (xdist workers, two people) never collide.
    schema = f"test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    url = make_url(TEST_DATABASE_URL)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if schema not in _prepared_schemas:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        _prepared_schemas.add(schema)
        atexit.register(_drop_schema, url, schema)
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _drop_schema(url: Any, schema: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def _reset_database(app: Flask) -> None:
    """Give the test empty tables: create them (SQLite file per test) or truncate (PostgreSQL)."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.create_all()
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            db.create_all()


class BrowserLikeClient(FlaskClient):
    """A test client that sends a valid CSRF token with every unsafe request, like a form would.

    Pass `csrf=False` to send none (to check that the request is refused).

    Each request runs in its own app context, as in production: otherwise Flask reuses the
    test's context, and `g` (the signed-in user, the CSRF token) and the database session leak
    from one request, or one client, to the next. The test's own session is committed before
    (so the request sees the test's data) and after (so the test sees what the request wrote).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        send_token = kwargs.pop("csrf", True)
        method = (kwargs.get("method") or "GET").upper()
        if send_token and method not in ("GET", "HEAD", "OPTIONS"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.commit()
        return response

    def csrf_token(self) -> str:
        """Return a signed CSRF token for this client's session, creating the session if needed."""
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                raw = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 (same as Flask-WTF)
                session["csrf_token"] = raw
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def login_as(self, user: User) -> None:
        """Sign this client in as `user` without going through the login form."""
        with self.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True


def _test_config(folder: Path) -> dict[str, Any]:
    uri = _postgres_url() if TEST_DATABASE_URL else f"sqlite:///{folder / 'test.sqlite3'}"
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": uri,
        "REPOS_ROOT": str(folder / "repos"),
        "STUDENT_WORK_ROOT": str(folder / "student-work"),
        "IMPORTS_ROOT": str(folder / "imports"),
        "JOBS_MODE": "inline",
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "NOREPLY_DOMAIN": "example.test",
    }


def _running_app(config: dict[str, Any]) -> Iterator[Flask]:
    """Yield an app on empty tables and an empty repos folder, inside its app context."""
    application = create_app(config)
    application.test_client_class = BrowserLikeClient
    _reset_database(application)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
    store = application.extensions.get("repo_store")
    if store is not None:
        store.close()  # ends the engine's long-running git helpers


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    """Return the test configuration; tests may change it before asking for `app`."""
    return _test_config(tmp_path)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """Return an app on empty tables and an empty repos folder."""
    yield from _running_app(app_config)


@pytest.fixture(scope="module")
def module_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Return one app for a whole test module, for browser tests that build their data once
    and then visit many pages (the module must not also use `app`)."""
    yield from _running_app(_test_config(tmp_path_factory.mktemp("module_app")))


@pytest.fixture
def client(app: Flask) -> BrowserLikeClient:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Any:
    """Return a factory: make_user("ana", display_name=..., site_admin=False) -> User."""

    def factory(username: str, **fields: Any) -> User:
        user = User(
            username=username.lower(),
            email=fields.pop("email", f"{username.lower()}@school.example"),
            display_name=fields.pop("display_name", username.capitalize()),
            affiliation=fields.pop("affiliation", "Lincoln High School"),
            is_site_admin=fields.pop("site_admin", False),
            **fields,
        )
        user.set_password(TEST_PASSWORD, method=FAST_HASH)
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_network(app: Flask) -> Any:
    """Return a factory: make_network("chem", leader, members={user: "member"}, public=False)."""

    def factory(
        slug: str,
        leader: User,
        members: dict[User, str] | None = None,
        public: bool = False,
        parent: Network | None = None,
    ) -> Network:
        network = Network(
            slug=slug,
            name=slug.replace("-", " ").title(),
            purpose=f"Improve {slug} lessons together through lesson study.",
            visibility="public" if public else "private",
            parent=parent,
        )
        db.session.add(network)
        db.session.add(Membership(network=network, user=leader, role=Role.LEADER.value))
        for user, role in (members or {}).items():
            db.session.add(Membership(network=network, user=user, role=role))
        db.session.commit()
        return network

    return factory


# Browser tests ---------------------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Return the system Chromium executable, if there is one."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("WORKSPACE_REQUIRE_BROWSER"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Return a Playwright Chromium browser for the whole test session."""
    executable = chromium_path()
    if executable is None:
        if browser_required():
            pytest.fail("Chromium is required for the browser tests but was not found")
        pytest.skip("Chromium not installed (apt-get install chromium) — browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        except Exception as error:  # a browser that cannot start must not pass silently
            pytest.fail(f"Chromium could not start: {error}")
        yield launched
        launched.close()


class LiveServer:
    """The app served by a real threaded WSGI server on a free local port."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        # Track request threads so closing the server waits for requests still in flight
        # (a page's last requests as it closes), before the app and its repositories go away.
        self.server.daemon_threads = False
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Return the running server; its `url` has no trailing slash."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="module")
def module_live_server(module_app: Flask) -> Iterator[LiveServer]:
    """Return `module_app` served for the whole module; its `url` has no trailing slash."""
    with LiveServer(module_app) as server:
        yield server


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """Return a factory of pages, each in its own browser context (its own cookies)."""
    contexts = []

    def factory() -> Any:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()
