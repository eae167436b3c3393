"""What `workspace check` reports: the configuration problems that would bite in production."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import text

from ..context import Ctx

MIN_GIT = (2, 30)
WEAK_KEYS = {"dev", "development", "secret", "changeme", "change-me", "test", "test-secret-key"}


@dataclass(frozen=True)
class Finding:
    """One check: "ok", "warning" (works, but not for production) or "problem" (broken)."""

    name: str
    level: str
    message: str


def _secret(secret: str, generated: bool) -> Finding:
    if not secret or secret.lower() in WEAK_KEYS or len(secret) < 24:
        return Finding("secret key", "problem", "SECRET_KEY is missing, short or a known default.")
    if generated:
        return Finding(
            "secret key",
            "warning",
            "SECRET_KEY was generated into the instance folder: fine for one server; with "
            "several, set WORKSPACE_SECRET_KEY to the same value on all of them.",
        )
    return Finding("secret key", "ok", "set from the configuration")


def _git() -> Finding:
    found = shutil.which("git")
    if found is None:
        return Finding("git", "problem", "git is not installed (2.30 or newer is needed).")
    output = subprocess.run(  # noqa: S603 (the git found on PATH, one fixed argument)
        [found, "--version"], capture_output=True, text=True, check=False
    )
    match = re.search(r"(\d+)\.(\d+)", output.stdout)
    version = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if version < MIN_GIT:
        return Finding("git", "problem", f"git {output.stdout.strip()} is too old: 2.30+.")
    return Finding("git", "ok", output.stdout.strip())


def _writable(name: str, folder: str | None) -> Finding:
    if not folder:
        return Finding(name, "problem", "not configured")
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".check-"):
            pass
    except OSError as exc:
        return Finding(name, "problem", f"{path} is not writable: {exc.strerror or exc}")
    free = shutil.disk_usage(path).free
    if free < 1024**3:
        return Finding(name, "warning", f"{path}: only {free // 1024**2} MB free")
    return Finding(name, "ok", str(path))


def _reachable(name: str, url: str | None, default_port: int) -> Finding | None:
    if not url:
        return None
    parts = urlsplit(url if "//" in url else f"//{url}")
    try:
        socket.create_connection((parts.hostname, parts.port or default_port), timeout=3).close()
    except OSError as exc:
        return Finding(name, "problem", f"{parts.hostname}:{parts.port or default_port}: {exc}")
    return Finding(name, "ok", f"{parts.hostname}:{parts.port or default_port}")


def run_checks(ctx: Ctx, *, secret: str, secret_generated: bool) -> list[Finding]:
    """Return every finding, in the order an operator reads them."""
    found = [_secret(secret, secret_generated)]
    try:
        ctx.session.execute(text("SELECT 1"))
        found.append(Finding("database", "ok", ctx.session.get_bind().dialect.name))
    except Exception as exc:  # any driver error: the database cannot be used
        ctx.session.rollback()
        found.append(Finding("database", "problem", f"cannot be reached: {exc}"))
    found.append(_writable("repositories folder", ctx.settings.get("REPOS_ROOT")))
    found.append(_writable("student work folder", ctx.settings.get("STUDENT_WORK_ROOT")))
    found.append(_git())
    redis = _reachable("job queue (Redis)", ctx.settings.get("REDIS_URL"), 6379)
    found.append(redis or Finding("job queue", "ok", "in the app (no REDIS_URL)"))
    server = ctx.settings.get("MAIL_SERVER")
    mail = _reachable(
        "email (SMTP)", f"{server}:{ctx.settings.get('MAIL_PORT') or 587}" if server else None, 587
    )
    found.append(mail or Finding("email", "warning", "no MAIL_SERVER: emails go to the log"))
    if os.environ.get("FLASK_DEBUG") in ("1", "true"):
        found.append(Finding("debug", "problem", "FLASK_DEBUG is on: never in production."))
    return found
