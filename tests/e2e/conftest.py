"""Browser tests: the app on a live threaded server, driven by Playwright in headless Chromium.

Chromium comes from the system (Debian's `chromium` package); Playwright's own browser
downloads are not used. Without Chromium these tests skip locally with a clear reason, but
under CI (CI or WORKSPACE_REQUIRE_BROWSER set) a browser that cannot start fails the run.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

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
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Return the running server; its `url` has no trailing slash."""
    with LiveServer(app) as server:
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


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the real login form."""
    page.goto("/auth/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
