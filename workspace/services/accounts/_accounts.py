"""Accounts: create one, sign in, change the password, edit the profile.

Usernames and emails are stored lowercase, so uniqueness holds whatever case people type.
An address counts only once confirmed (see _addresses): a new account's address waits in
`pending_email` until the emailed link is followed. Functions add to the session and flush;
the caller commits. Changing the profile and the password: _profile.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from ...models import RoleKind, User
from ...models._base import utcnow
from ...models.accounts import hash_password, password_matches
from . import _throttle as throttle
from ._throttle import ThrottleLimits

USERNAME_PATTERN = re.compile(r"[a-z0-9_-]{3,40}")
# Deliberately loose: one @, something on each side, a dot in the domain. The real check is
# whether mail arrives; strict patterns mostly reject valid addresses.
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
MAX_EMAIL = 254
MAX_DISPLAY_NAME = 120
MAX_AFFILIATION = 200
MAX_BIO = 2000
MAX_PASSWORD = 1024  # hashing megabytes of "password" would be a cheap way to load the server


class AccountError(Exception):
    """A problem with what someone typed; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class SignInRefused(AccountError):
    """The username or email and password do not match (deliberately not saying which)."""

    def __init__(self) -> None:
        super().__init__("That username or email and password do not match. Please try again.")


class SignInThrottled(AccountError):
    """Too many recent failures: even a correct password is refused until the wait is over."""

    def __init__(self, decision: throttle.ThrottleDecision) -> None:
        super().__init__(decision.message)
        self.retry_after_seconds = decision.retry_after_seconds


def normalize(value: str) -> str:
    """Return a username or email as stored: trimmed and lowercase."""
    return value.strip().lower()


def username_problem(username: str) -> str | None:
    """Return why `username` cannot be used, or None if it is well formed."""
    if not USERNAME_PATTERN.fullmatch(normalize(username)):
        return "Use 3 to 40 letters, digits, hyphens (-) or underscores (_)."
    return None


def email_problem(email: str) -> str | None:
    """Return why `email` does not look like an email address, or None."""
    email = normalize(email)
    if len(email) > MAX_EMAIL or not EMAIL_PATTERN.fullmatch(email):
        return "Enter an email address like name@school.org."
    return None


def password_problem(password: str, min_length: int) -> str | None:
    """Return why `password` is not acceptable, or None."""
    if len(password) < min_length:
        return f"Use at least {min_length} characters. A few unrelated words work well."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters."
    return None


def find_user(session: Session, identifier: str) -> User | None:
    """Return the user with this username or email (any case), or None.

    An email finds the account that confirmed it; failing that, the one account that signed
    up with it and has not confirmed any address yet (several such accounts find none: an
    unconfirmed address proves nothing, so it cannot choose between them).
    """
    identifier = normalize(identifier)
    if not identifier:
        return None
    if "@" not in identifier:
        return session.scalar(select(User).where(User.username == identifier))
    confirmed = session.scalar(select(User).where(User.email == identifier))
    if confirmed is not None:
        return confirmed
    unconfirmed = session.scalars(
        select(User).where(User.pending_email == identifier, User.email.is_(None)).limit(2)
    ).all()
    return unconfirmed[0] if len(unconfirmed) == 1 else None


def _taken(
    session: Session, column: InstrumentedAttribute[str], value: str, exclude: User | None = None
) -> bool:
    query = select(func.count()).select_from(User).where(column == value)
    if exclude is not None:
        query = query.where(User.id != exclude.id)
    return bool(session.scalar(query))


def _check(problem: str | None, field: str) -> None:
    if problem:
        raise AccountError(problem, field)


def _clean_profile(
    display_name: str, affiliation: str, role_kind: str, bio: str = ""
) -> tuple[str, str, str, str]:
    """Return the profile fields trimmed and checked, or raise AccountError."""
    display_name, affiliation, bio = display_name.strip(), affiliation.strip(), bio.strip()
    if not display_name:
        raise AccountError("Enter the name colleagues know you by.", "display_name")
    if len(display_name) > MAX_DISPLAY_NAME:
        raise AccountError(f"Use at most {MAX_DISPLAY_NAME} characters.", "display_name")
    if len(affiliation) > MAX_AFFILIATION:
        raise AccountError(f"Use at most {MAX_AFFILIATION} characters.", "affiliation")
    if len(bio) > MAX_BIO:
        raise AccountError(f"Use at most {MAX_BIO} characters.", "bio")
    if role_kind not in {kind.value for kind in RoleKind}:
        raise AccountError("Choose one of the listed roles.", "role_kind")
    return display_name, affiliation, role_kind, bio


def create_account(
    session: Session,
    *,
    username: str,
    email: str,
    display_name: str,
    password: str,
    affiliation: str = "",
    role_kind: str = RoleKind.TEACHER.value,
    min_length: int = 10,
    hash_method: str = "scrypt",
    confirmed: bool = False,
) -> User:
    """Return a new user, added and flushed, or raise AccountError naming the field at fault.

    The address waits for confirmation (`pending_email`) unless `confirmed` says whoever
    creates the account vouches for it. Only a confirmed address is taken: anyone may sign up
    with an address another account merely typed in.
    """
    username, email = normalize(username), normalize(email)
    _check(username_problem(username), "username")
    _check(email_problem(email), "email")
    _check(password_problem(password, min_length), "password")
    display_name, affiliation, role_kind, _ = _clean_profile(display_name, affiliation, role_kind)
    if _taken(session, User.username, username):
        raise AccountError("That username is taken. Please choose another.", "username")
    if _taken(session, User.email, email):
        raise AccountError(
            "An account with that email address already exists. Try signing in.", "email"
        )
    user = User(
        username=username,
        email=email if confirmed else None,
        pending_email=None if confirmed else email,
        display_name=display_name,
        affiliation=affiliation,
        role_kind=role_kind,
    )
    user.set_password(password, method=hash_method)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:
        # Someone registered the same name (or confirmed the address) between the checks above
        # and this insert; after the rollback their row is visible, so say which one was taken.
        session.rollback()
        if _taken(session, User.email, email) and not _taken(session, User.username, username):
            raise AccountError(
                "An account with that email address was created a moment ago. Try signing in.",
                "email",
            ) from error
        raise AccountError(
            "That username was taken a moment ago. Please choose another.", "username"
        ) from error
    return user


@cache
def _dummy_hash(method: str) -> str:
    return hash_password("not a real password", method)


def authenticate(
    session: Session,
    identifier: str,
    password: str,
    *,
    address: str,
    now: datetime | None = None,
    limits: ThrottleLimits | None = None,
    hash_method: str = "scrypt",
) -> User:
    """Return the user whose username or email and password match, recording the attempt.

    Raises SignInThrottled while too many recent attempts failed (even for the right
    password) and SignInRefused otherwise, with one message whether or not the account exists.
    Attempts against an existing account count under its username, however it was typed.
    """
    now = now or utcnow()
    user = find_user(session, identifier)
    account = user.username if user is not None else normalize(identifier)
    decision = throttle.check_allowed(session, account, address, throttle.PASSWORD, now, limits)
    if not decision.allowed:
        raise SignInThrottled(decision)
    if user is not None:
        # Always hash (a bounded length), so the time taken never tells whether the account exists.
        matched = user.check_password(password[:MAX_PASSWORD]) and len(password) <= MAX_PASSWORD
    else:
        # Hash anyway, so the answer takes as long whether or not the account exists.
        password_matches(_dummy_hash(hash_method), password[:MAX_PASSWORD])
        matched = False
    throttle.record_attempt(session, account, address, matched, throttle.PASSWORD, now)
    if not matched or user is None:
        raise SignInRefused()
    return user
