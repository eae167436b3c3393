"""Support for the git-over-HTTP tests: a live server, real git clients, courses with repos."""

from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from workspace.extensions import db
from workspace.git import Author
from workspace.models import Course, Network, TokenScope, User
from workspace.runtime import repo_store
from workspace.services.accounts import issue_token

AUTHOR = Author("Ana Lima", "ana@users.noreply.example.test")
COURSE_YAML = b"""title: Mechanics
subject: Physics
grade_band: 9-12
units:
  - slug: forces
    title: Forces
    lessons: [newtons-laws]
"""
LESSON = b"""---
title: Newton's laws
duration: 50
---
Students push carts and predict their motion.
"""
FILES = {"course.yaml": COURSE_YAML, "units/forces/lessons/newtons-laws.md": LESSON}


@dataclass
class Git:
    """A git client with its own empty HOME, talking to the live server at `base`."""

    home: Path
    base: str

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "",
            "SSH_ASKPASS": "",
            "LC_ALL": "C",
            "GIT_AUTHOR_NAME": "Bea Costa",
            "GIT_AUTHOR_EMAIL": "bea@school.example",
            "GIT_COMMITTER_NAME": "Bea Costa",
            "GIT_COMMITTER_EMAIL": "bea@school.example",
        }
        env.update(extra)
        return env

    def run(
        self,
        *args: str,
        cwd: Path | None = None,
        check: bool = True,
        env: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        """Return the finished `git <args>`; raise with its output if it failed and `check`."""
        proc = subprocess.run(
            ["git", "-c", "credential.helper=", *args],
            cwd=cwd,
            env=self.env(**(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def url(self, net: str, course: str, token: str | None = None, user: str = "git") -> str:
        """Return the clone URL, with `user:token@` in it when a token is given."""
        scheme, rest = self.base.split("://", 1)
        auth = f"{user}:{token}@" if token is not None else ""
        return f"{scheme}://{auth}{rest}/git/{net}/{course}.git"

    def clone(self, url: str, dest: Path, *options: str, check: bool = True) -> Any:
        return self.run(*options, "clone", url, str(dest), check=check)

    def commit_file(self, work: Path, path: str, data: bytes, message: str = "Edit") -> str:
        """Return the sha of a new local commit writing `data` to `path` in clone `work`."""
        target = work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.run("add", "--", path, cwd=work)
        self.run("commit", "-q", "-m", message, cwd=work)
        return self.run("rev-parse", "HEAD", cwd=work).stdout.strip()


class LiveServer:
    """The app served over real HTTP on a free loopback port, in a background thread."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        """Stop serving (the app fixture then closes the repositories the requests opened)."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def client(self, tmp_path: Path) -> Git:
        """Return a git client with a clean HOME under `tmp_path`, pointed at this server."""
        home = tmp_path / "client-home"
        home.mkdir(exist_ok=True)
        return Git(home=home, base=self.url)


def make_course(
    network: Network,
    slug: str = "mechanics",
    files: dict[str, bytes] | None = None,
    creator: User | None = None,
) -> Course:
    """Return a new course of `network` whose repository holds `files` in one commit."""
    course = Course(network=network, slug=slug, title=slug.title(), created_by=creator)
    db.session.add(course)
    db.session.commit()
    repo_store().create(course.id, dict(FILES if files is None else files), AUTHOR, "Create")
    return course


def make_token(user: User, scope: str = TokenScope.WRITE.value) -> str:
    """Return a new raw personal access token of `user`."""
    raw, _ = issue_token(db.session, user, "laptop", scope=scope)
    db.session.commit()
    return raw


def head(course: Course) -> str:
    """Return the commit at the tip of the course's main branch."""
    with repo_store().open(course.id) as repo:
        sha = repo.head()
    assert sha is not None
    return sha
