"""Helpers for browser tests (a plain module: conftest modules are not importable by name)."""

from __future__ import annotations

from typing import Any

from testdata import TEST_PASSWORD


def sign_in(page: Any, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real login form (fields found by id: labels carry a required mark)."""
    page.goto("/auth/login")
    page.locator("#identifier").fill(username)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
