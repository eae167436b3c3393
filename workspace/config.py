"""Configuration defaults, overridden by instance/config.py, WORKSPACE_* variables, then tests."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    """Defaults for a single-machine install: SQLite in the instance folder, repos/ beside it."""

    # Filled in by finalize(): instance/workspace.sqlite3 and <project>/repos.
    SQLALCHEMY_DATABASE_URI: str | None = None
    REPOS_ROOT: str | None = None
    # Photos and scans of student work from lesson-study cycles: never in Git.
    STUDENT_WORK_ROOT: str | None = None
    # Uploads waiting for an import's preview to be confirmed (a day at most): never in Git.
    IMPORTS_ROOT: str | None = None
    IMPORT_MAX_BYTES = 60 * 1024 * 1024  # one import's upload; larger answers 413
    IMPORT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what its archives may unpack to, in all
    IMPORT_MAX_FILES = 2000
    IMPORT_MAX_FILE_BYTES = 20 * 1024 * 1024
    # Background jobs (workspace/jobs.py): a thread pool in the app, or RQ when REDIS_URL is set.
    REDIS_URL: str | None = None
    JOBS_MODE: str | None = None  # "thread", "redis" or "inline"; by default from REDIS_URL
    JOBS_THREADS = 2
    JOBS_RETRIES = 2
    NOREPLY_DOMAIN = "workspace.invalid"
    SITE_NAME = "Lesson Study Workspace"
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024  # git pushes stream; forms and uploads stay far below
    MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)
    LOGIN_THROTTLE_ACCOUNT = 5  # failures per account within the window
    LOGIN_THROTTLE_ADDRESS = 20  # failures per address within the window
    LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60
    INVITATION_DAYS = 14
    # Sign-ins (one server-side row each): without "keep me signed in" a sign-in ends after
    # this many hours without activity; with it, this many days after signing in.
    LOGIN_IDLE_HOURS = 24
    LOGIN_REMEMBER_DAYS = 30
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # the cookie; the sign-in row decides
    # Emailed links: confirming an address, resetting a password.
    EMAIL_CONFIRM_HOURS = 48
    PASSWORD_RESET_MINUTES = 60
    MAIL_THROTTLE_RECIPIENT = 3  # links sent to one email address within the window
    MAIL_THROTTLE_ADDRESS = 10  # links asked for from one network address within the window
    MAIL_THROTTLE_WINDOW_SECONDS = 60 * 60
    # The site's address in emailed links, such as "https://lessons.example.org". Set it in
    # production: without it, links use the address the request came to (its Host header).
    PUBLIC_URL: str | None = None
    # Outgoing mail. Without MAIL_SERVER, messages (links included) are written to the log.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM: str | None = None  # default: "<SITE_NAME> <noreply@NOREPLY_DOMAIN>"
    MAIL_TIMEOUT_SECONDS = 10
    GC_EVERY_COMMITS = 100
    PUSH_MAX_FILE_BYTES = 10 * 1024 * 1024  # a larger file in a push is refused
    PUSH_ALLOW_OTHER_BRANCHES = False  # only main: the web shows and edits main
    GIT_MAX_REQUEST_BYTES = 2 * 1024**3  # pushes stream, so they may exceed MAX_CONTENT_LENGTH
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session: long edits must not fail
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}


def finalize(app: Flask) -> None:
    """Fill in the defaults that depend on where the app runs."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'workspace.sqlite3'}"
    if not app.config.get("REPOS_ROOT"):
        app.config["REPOS_ROOT"] = str(PROJECT_ROOT / "repos")
    if not app.config.get("STUDENT_WORK_ROOT"):
        app.config["STUDENT_WORK_ROOT"] = str(instance / "student-work")
    if not app.config.get("IMPORTS_ROOT"):
        app.config["IMPORTS_ROOT"] = str(instance / "imports")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
        app.config["SECRET_KEY_GENERATED"] = True


def _instance_secret(instance: Path) -> str:
    """Return a secret kept in the instance folder, so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
