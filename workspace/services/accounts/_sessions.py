"""Sign-ins kept on the server, so that signing out really ends them.

Each sign-in is a LoginSession row; the session cookie (and the remember-me cookie, for "keep
me signed in") carries its id and a random secret, stored hashed. Every request resumes the
row: a revoked or expired one signs nobody in, even from a copied cookie. A sign-in without
"keep me signed in" ends after LOGIN_IDLE_HOURS without activity; with it, LOGIN_REMEMBER_DAYS
after signing in. Signing out, "sign out" on the sessions page, a password change and a password
reset revoke rows. Resuming writes last_seen_at at most once a minute, to keep requests cheap.

Remember-me secrets are rotated: each time the remember-me cookie signs a browser in again (it
was closed, so its session cookie is gone), the sign-in gets a new secret and the browser new
cookies (renew_remembered). The secret replaced keeps working for ROTATION_GRACE, for requests
the browser sent together before the new cookies arrived. Used after that, it means two
browsers hold this sign-in's cookies, one of them a copy: the sign-in ends, signing out
whoever holds the newest cookies too, and the owner signs in again with their password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ...models import LoginSession, User
from ...models._base import utcnow

TOUCH_EVERY = timedelta(minutes=1)
ROTATION_GRACE = timedelta(minutes=1)
# Ended sign-ins stay listed for nobody, but are kept this long for the curious (and audits).
KEEP_ENDED = timedelta(days=30)


@dataclass(frozen=True)
class SignIn:
    """A new sign-in and the login id its cookies carry (the secret is known only here)."""

    login: LoginSession
    login_id: str


@dataclass(frozen=True)
class Resumed:
    """A sign-in a request runs under; `touched` when its last-seen time was just updated."""

    login: LoginSession
    touched: bool


def _idle(settings: Any) -> timedelta:
    return timedelta(hours=float(settings.get("LOGIN_IDLE_HOURS", 24)))


def remember_duration(settings: Any) -> timedelta:
    """Return how long "keep me signed in" lasts (LOGIN_REMEMBER_DAYS)."""
    return timedelta(days=float(settings.get("LOGIN_REMEMBER_DAYS", 30)))


def start_session(
    session: Session,
    settings: Any,
    user: User,
    *,
    remember: bool,
    user_agent: str = "",
    address: str = "",
    now: datetime | None = None,
) -> SignIn:
    """Return a new sign-in for `user` (added and flushed); the caller commits."""
    now = now or utcnow()
    session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id,
            or_(
                LoginSession.revoked_at < now - KEEP_ENDED,
                LoginSession.expires_at < now - KEEP_ENDED,
            ),
        )
    )
    lifetime = remember_duration(settings) if remember else _idle(settings)
    login, secret = LoginSession.begin(
        user,
        remember=remember,
        user_agent=describe_user_agent(user_agent),
        address=address,
        lifetime=lifetime,
        now=now,
    )
    session.add(login)
    session.flush()
    return SignIn(login, login.login_id(secret))


def resume_session(
    session: Session, settings: Any, login_id: str, now: datetime | None = None
) -> Resumed | None:
    """Return the active sign-in a cookie's login id names, or None (signed out, expired,
    revoked, or an id from before sign-ins were kept on the server).

    The secret a rotation replaced still resumes the sign-in for ROTATION_GRACE; after that it
    ends the sign-in (and commits that), as a sign that a copied cookie is in use.
    """
    row_id, _, secret = (login_id or "").partition(":")
    if not row_id.isdigit() or not secret:
        return None
    now = now or utcnow()
    login = session.get(LoginSession, int(row_id))
    if login is None or not login.is_active(now):
        return None
    if not login.matches(secret):
        if not login.matches_previous(secret) or login.rotated_at is None:
            return None
        if now - login.rotated_at > ROTATION_GRACE:
            # A cookie from before the last rotation: a copy is in use somewhere. Committed at
            # once, as this request signs nobody in and writes nothing else.
            login.revoked_at = now
            session.commit()
            return None
    touched = now - login.last_seen_at >= TOUCH_EVERY
    if touched:
        login.last_seen_at = now
        if not login.remember:
            login.expires_at = now + _idle(settings)
        session.flush()
    return Resumed(login, touched)


def renew_remembered(
    session: Session, login: LoginSession, login_id: str, now: datetime | None = None
) -> str | None:
    """Return the login id with a new secret for a sign-in its remember-me cookie just resumed
    (flushed; the caller commits and gives the browser new cookies).

    None when `login_id` carries the secret a rotation replaced moments ago, or another
    request rotated it first: a request the browser sent together with the one that rotated
    it, whose new cookies are on their way.
    """
    _row, _, secret = login_id.partition(":")
    if not login.matches(secret):
        return None
    replaced = login.secret_hash
    new_secret, new_hash = LoginSession.new_secret()
    # Only if nobody rotated it meanwhile (two requests sent together, both with this
    # secret): the other one's new cookies are the ones that count, this one keeps its grace.
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.id == login.id, LoginSession.secret_hash == replaced)
        .values(previous_secret_hash=replaced, secret_hash=new_hash, rotated_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    session.refresh(login)
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        return None
    return login.login_id(new_secret)


def active_sessions(
    session: Session, user: User, now: datetime | None = None
) -> list[LoginSession]:
    """Return the user's sign-ins that still work, the most recently active first."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.revoked_at.is_(None),
                LoginSession.expires_at > now,
            )
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def end_session(
    session: Session, user: User, login_id: int, now: datetime | None = None
) -> LoginSession | None:
    """Return the user's sign-in `login_id`, now ended, or None if it is not theirs."""
    login = session.scalar(select(LoginSession).filter_by(id=login_id, user_id=user.id))
    if login is None:
        return None
    if login.revoked_at is None:
        login.revoked_at = now or utcnow()
        session.flush()
    return login


def end_other_sessions(
    session: Session, user: User, keep: LoginSession | None = None, now: datetime | None = None
) -> int:
    """Return how many of the user's sign-ins were ended: every one but `keep`."""
    query = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    result = session.execute(
        query.values(revoked_at=now or utcnow()).execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
    ("git/", "git"),
    ("curl/", "curl"),
]
_SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def describe_user_agent(user_agent: str) -> str:
    """Return a short description of a browser, such as "Firefox on Windows"."""
    user_agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return str(browser or system)
    # Something unusual: its first word ("Werkzeug/3.1"), without control characters.
    first = re.sub(r"[^\x20-\x7e]", "", user_agent).split(" ", 1)[0][:60]
    return first or "Unknown browser"
