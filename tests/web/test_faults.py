"""The server killed (SIGKILL) in the middle of a stream of web saves and pushes, then started
again: `git fsck` is clean, every save that was answered "saved" is in the history, every push
that was accepted is there, and the database and the repository agree (no thread or cycle
points at a missing commit)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from githttp_support import Git, make_token
from threads_support import LESSON_API, TEXT, make_lesson_school

from workspace.extensions import db
from workspace.models import Iteration, Thread
from workspace.runtime import repo_store

pytestmark = pytest.mark.e2e


class Gone(Exception):
    """The server did not answer (it was killed, or is starting)."""


def call(method: str, url: str, token: str | None = None, body: Any = None) -> tuple[int, Any]:
    """Return (status, JSON answer) of one HTTP request; raise Gone without an answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (loopback)
            raw = answer.read()
            return answer.status, json.loads(raw) if raw[:1] in (b"{", b"[") else None
    except urllib.error.HTTPError as error:
        return error.code, None
    except (OSError, ValueError) as error:
        raise Gone(str(error)) from error


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(app: Flask, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start gunicorn (two threaded workers) on the test's database and repositories."""
    env = {
        **os.environ,
        "WORKSPACE_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WORKSPACE_REPOS_ROOT": app.config["REPOS_ROOT"],
        "WORKSPACE_STUDENT_WORK_ROOT": app.config["STUDENT_WORK_ROOT"],
        "WORKSPACE_SECRET_KEY": app.config["SECRET_KEY"],
        "WORKSPACE_NOREPLY_DOMAIN": app.config["NOREPLY_DOMAIN"],
        "WORKSPACE_INSTANCE_PATH": str(log.parent / "instance"),
        "WORKSPACE_PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
    }
    command = [
        sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "2",
        "--threads", "4", "--bind", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app",
    ]  # fmt: skip
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 (the test's own server)
            command,
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if call("GET", f"http://127.0.0.1:{port}/")[0] < 500:
                return process
        except Gone:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start: " + log.read_text()[-2000:])


def kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def git_out(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", f"--git-dir={path}", *args], capture_output=True, text=True, check=False
    )


def test_a_killed_server_loses_no_answered_save_or_push(
    app: Flask, make_user: Any, make_network: Any, tmp_path: Path
) -> None:
    school = make_lesson_school(make_user, make_network)
    token = make_token(school["member"])
    port = free_port()
    server = start_server(app, port, tmp_path / "server.log")
    base = f"http://127.0.0.1:{port}"
    saved: list[str] = []
    pushed: list[str] = []
    stop = threading.Event()
    killed = threading.Event()

    def saves() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                _, current = call("GET", base + LESSON_API, token)
                text = TEXT.replace("in words.", f"in words (take {n}).")
                body = {"content": text, "base_commit": (current or {}).get("commit")}
                status, answer = call("PUT", base + LESSON_API, token, body)
            except Gone:
                continue  # the server is gone or going: nothing was answered
            if status == 200 and answer:
                saved.append(answer["commit"])
            stop.wait(1.5)  # a teacher's pace: a push's checks take about a second

    failures: list[str] = []

    def pushes() -> None:
        try:
            push_stream()
        except Exception as exc:  # reported below: a thread's failure must not pass unseen
            failures.append(repr(exc))

    def push_stream() -> None:
        git = Git(home=tmp_path / "home", base=base)
        (tmp_path / "home").mkdir()
        work = tmp_path / "clone"
        git.clone(git.url("school", "physics", token), work)
        n = 0
        while not stop.is_set():
            n += 1
            git.run("fetch", "-q", "origin", cwd=work, check=False, timeout=30)
            git.run("reset", "-q", "--hard", "origin/main", cwd=work, check=False)
            sha = git.commit_file(work, f"units/motion/lessons/pushed-{n}.md",
                                  f"---\ntitle: Pushed {n}\n---\nText {n}.\n".encode())  # fmt: skip
            done = git.run("push", "-q", "origin", "HEAD:main", cwd=work, check=False, timeout=30)
            if done.returncode == 0:
                pushed.append(sha)
            elif not killed.is_set() and not any(
                w in done.stderr for w in ("rejected", "fetch first", "update ref")
            ):
                failures.append(done.stderr[-500:])

    workers = [threading.Thread(target=saves), threading.Thread(target=pushes)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 90
    while (len(saved) < 6 or len(pushed) < 2) and time.monotonic() < deadline and not failures:
        time.sleep(0.05)
    killed.set()
    kill(server)  # in the middle of the stream
    stop.set()
    for worker in workers:
        worker.join(timeout=120)
    assert len(saved) >= 6 and len(pushed) >= 2, (len(saved), len(pushed), failures[:3])

    server = start_server(app, port, tmp_path / "server.log")
    try:
        path = repo_store().path_for(school["course"].id)
        fsck = git_out(path, "fsck", "--strict", "--no-dangling")
        assert fsck.returncode == 0, fsck.stdout + fsck.stderr
        for sha in saved + pushed:
            assert git_out(path, "merge-base", "--is-ancestor", sha, "main").returncode == 0, sha
        # The restarted server takes saves again.
        _, current = call("GET", base + LESSON_API, token)
        status, _ = call(
            "PUT", base + LESSON_API, token, {"content": TEXT, "base_commit": current["commit"]}
        )
        assert status == 200
        db.session.expire_all()
        for thread in db.session.scalars(db.select(Thread)):
            assert git_out(path, "cat-file", "-e", thread.anchor_commit).returncode == 0
        for iteration in db.session.scalars(db.select(Iteration)):
            assert git_out(path, "cat-file", "-e", iteration.commit).returncode == 0
    finally:
        kill(server)


def test_two_servers_share_the_work_and_lose_nothing(
    app: Flask, make_user: Any, make_network: Any, tmp_path: Path
) -> None:
    """Two gunicorn instances on different ports, one database, one repos folder: teachers'
    saves alternate between them, threads are opened on both, and every answered save is in
    the history with `git fsck --strict` clean."""
    school = make_lesson_school(make_user, make_network)
    tokens = {name: make_token(school[name]) for name in ("member", "lead")}
    ports = [free_port(), free_port()]
    servers = [start_server(app, port, tmp_path / f"server-{port}.log") for port in ports]
    saved: list[str] = []
    threads_opened: list[int] = []
    try:

        def teacher(name: str, first: int) -> None:
            for n in range(12):
                base = f"http://127.0.0.1:{ports[(first + n) % 2]}"
                token = tokens[name]
                for _ in range(5):  # a save that lost a race merges or is tried again
                    _, current = call("GET", base + LESSON_API, token)
                    mine = TEXT.replace("in words.", f"in words ({name} {n}).")
                    body = {"content": mine, "base_commit": current["commit"]}
                    status, answer = call("PUT", base + LESSON_API, token, body)
                    if status == 200:
                        saved.append(answer["commit"])
                        break
                status, made = call(
                    "POST",
                    f"{base}/api/v1/n/school/physics/threads",
                    token,
                    {"path": "motion/ramps", "kind": "note", "body": f"{name} {n}"},
                )
                assert status == 201, made
                threads_opened.append(made["id"])

        workers = [
            threading.Thread(target=teacher, args=("member", 0)),
            threading.Thread(target=teacher, args=("lead", 1)),
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=300)
        assert len(threads_opened) == 24
        path = repo_store().path_for(school["course"].id)
        fsck = git_out(path, "fsck", "--strict", "--no-dangling")
        assert fsck.returncode == 0, fsck.stdout + fsck.stderr
        assert len(saved) >= 20  # a save that conflicts with the other teacher's is a 409
        for sha in saved:
            assert git_out(path, "merge-base", "--is-ancestor", sha, "main").returncode == 0
        db.session.expire_all()
        assert db.session.query(Thread).count() == 24
    finally:
        for server in servers:
            kill(server)
