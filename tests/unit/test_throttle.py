"""Sign-in throttling: counters per account and per address, windows, resets, kinds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import func, select

from workspace.extensions import db
from workspace.models import LoginAttempt
from workspace.services.accounts import (
    PASSWORD,
    TOKEN,
    ThrottleDecision,
    ThrottleLimits,
    check_allowed,
    limits_from_app,
    prune_attempts,
    record_attempt,
)

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
LIMITS = ThrottleLimits(account=3, address=5, window_seconds=600)


def fail(username: str, address: str, at: datetime, kind: str = PASSWORD) -> None:
    record_attempt(db.session, username, address, False, kind, at)


def succeed(username: str, address: str, at: datetime, kind: str = PASSWORD) -> None:
    record_attempt(db.session, username, address, True, kind, at)


def check(
    username: str, address: str, kind: str = PASSWORD, now: datetime = NOW
) -> ThrottleDecision:
    return check_allowed(db.session, username, address, kind, now, LIMITS)


def test_first_attempt_is_allowed(app: Flask) -> None:
    assert check("ana", "10.0.0.1").allowed


def test_account_is_refused_when_failures_reach_the_limit(app: Flask) -> None:
    for minutes in (9, 5):
        fail("ana", "10.0.0.1", NOW - timedelta(minutes=minutes))
    assert check("ana", "10.0.0.2").allowed
    fail("ana", "10.0.0.3", NOW - timedelta(minutes=1))

    decision = check("ana", "10.0.0.4")

    assert not decision.allowed
    assert decision.reason == "account"
    # The oldest of the three counted failures (9 minutes ago) leaves the 10-minute window
    # in one minute.
    assert decision.retry_after_seconds == 60
    assert decision.message == ("Too many failed sign-ins for this account. Try again in 1 minute.")


def test_account_refusal_lifts_after_the_window(app: Flask) -> None:
    for seconds in (590, 580, 570):
        fail("ana", "10.0.0.1", NOW - timedelta(seconds=seconds))
    assert not check("ana", "10.0.0.1").allowed
    assert check("ana", "10.0.0.1", now=NOW + timedelta(seconds=11)).allowed


def test_username_is_compared_case_insensitively(app: Flask) -> None:
    for _ in range(3):
        fail("Ana", "10.0.0.1", NOW - timedelta(minutes=1))
    assert not check("ANA ", "10.0.0.9").allowed


def test_success_resets_the_account_counter_but_keeps_the_record(app: Flask) -> None:
    fail("ana", "10.0.0.1", NOW - timedelta(minutes=5))
    fail("ana", "10.0.0.1", NOW - timedelta(minutes=4))
    succeed("ana", "10.0.0.1", NOW - timedelta(minutes=3))
    fail("ana", "10.0.0.1", NOW - timedelta(minutes=2))
    fail("ana", "10.0.0.1", NOW - timedelta(minutes=1))

    assert check("ana", "10.0.0.2").allowed
    stored = db.session.scalar(select(func.count()).select_from(LoginAttempt))
    assert stored == 5

    fail("ana", "10.0.0.1", NOW - timedelta(seconds=30))
    assert not check("ana", "10.0.0.2").allowed


def test_address_is_refused_after_failures_across_accounts(app: Flask) -> None:
    for index, name in enumerate(["ana", "ben", "cy", "dee", "eve"]):
        fail(name, "10.0.0.7", NOW - timedelta(minutes=8 - index))

    decision = check("fay", "10.0.0.7")

    assert not decision.allowed
    assert decision.reason == "address"
    assert decision.retry_after_seconds == 2 * 60
    assert "your network address" in decision.message
    assert "2 minutes" in decision.message
    assert check("fay", "10.0.0.8").allowed


def test_success_from_an_address_does_not_reset_its_counter(app: Flask) -> None:
    for index in range(5):
        fail(f"user{index}", "10.0.0.7", NOW - timedelta(minutes=5))
    succeed("attacker", "10.0.0.7", NOW - timedelta(minutes=1))
    assert not check("someone", "10.0.0.7").allowed


def test_kinds_are_counted_separately(app: Flask) -> None:
    for _ in range(5):
        fail("", "10.0.0.7", NOW - timedelta(minutes=1), kind=TOKEN)
    assert not check("", "10.0.0.7", kind=TOKEN).allowed
    assert check("ana", "10.0.0.7", kind=PASSWORD).allowed


def test_empty_username_skips_the_account_counter(app: Flask) -> None:
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        fail("", address, NOW - timedelta(minutes=1), kind=TOKEN)
    assert check("", "10.0.0.4", kind=TOKEN).allowed


def test_limits_come_from_the_app_configuration(app: Flask) -> None:
    app.config.update(
        LOGIN_THROTTLE_ACCOUNT=2, LOGIN_THROTTLE_ADDRESS=9, LOGIN_THROTTLE_WINDOW_SECONDS=30
    )
    assert limits_from_app() == ThrottleLimits(account=2, address=9, window_seconds=30)
    fail("ana", "10.0.0.1", NOW - timedelta(seconds=20))
    fail("ana", "10.0.0.1", NOW - timedelta(seconds=10))
    assert not check_allowed(db.session, "ana", "10.0.0.1", PASSWORD, NOW).allowed
    later = NOW + timedelta(seconds=11)
    assert check_allowed(db.session, "ana", "10.0.0.1", PASSWORD, later).allowed


def test_minutes_are_rounded_up_and_pluralised() -> None:
    decision = ThrottleDecision(False, 61, "account")
    assert decision.retry_after_minutes == 2
    assert decision.message.endswith("Try again in 2 minutes.")


def test_prune_deletes_only_older_attempts(app: Flask) -> None:
    fail("ana", "10.0.0.1", NOW - timedelta(days=40))
    fail("ana", "10.0.0.1", NOW - timedelta(days=1))
    assert prune_attempts(db.session, NOW - timedelta(days=30)) == 1
    remaining = list(db.session.scalars(select(LoginAttempt.created_at)))
    assert remaining == [NOW - timedelta(days=1)]
