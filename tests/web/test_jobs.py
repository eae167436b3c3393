"""Background jobs, run the three ways the app runs them: in its thread pool (the default),
at once (inline, as the other tests use), and on a real Redis queue worked by `workspace
worker` in another process. Each job sees the database through a session of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from mail_support import mail_config, smtp_server

from workspace import create_app
from workspace.extensions import db
from workspace.jobs import JobError, jobs_of
from workspace.models import User

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    from urllib.parse import urlsplit

    url = urlsplit(REDIS_URL)
    try:
        socket.create_connection((url.hostname, url.port or 6379), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.fixture
def redis_url() -> str:
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(
                f"Redis is required for the job queue tests but {REDIS_URL} is not reachable"
            )
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL


def rename_job(ctx: Any, user_id: int, name: str) -> None:
    """A job that changes a row: proof it ran, with its own session, committed."""
    user = ctx.session.get(User, user_id)
    user.display_name = name
    ctx.session.commit()


def failing_job(ctx: Any) -> None:
    raise RuntimeError("this job always fails")


def display_name(user_id: int) -> str:
    db.session.expire_all()
    return db.session.get(User, user_id).display_name


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "JOBS_MODE": "thread"}


def test_by_default_jobs_run_in_the_app_s_thread_pool(app: Flask, make_user: Any) -> None:
    jobs = jobs_of(app)
    assert jobs.mode == "thread"
    jobs.register("test.rename", rename_job)
    jobs.register("test.fail", failing_job)
    ana = make_user("ana")
    jobs.enqueue("test.fail")  # a failing job is logged and stops nothing
    jobs.enqueue("test.rename", user_id=ana.id, name="Ana from a job")
    assert jobs.drain(timeout=10)
    assert display_name(ana.id) == "Ana from a job"


def test_a_job_must_exist_and_take_arguments_json_can_carry(app: Flask, make_user: Any) -> None:
    jobs = jobs_of(app)
    with pytest.raises(JobError, match="no job named"):
        jobs.enqueue("test.missing")
    jobs.register("test.rename", rename_job)
    with pytest.raises(JobError, match="JSON can carry"):
        jobs.enqueue("test.rename", user_id=make_user("ana"), name="Ana")


def test_inline_jobs_are_done_when_enqueue_returns(
    tmp_path: Path, app_config: dict[str, Any]
) -> None:
    app = create_app({**app_config, "JOBS_MODE": "inline"})
    with app.app_context():
        db.create_all()
        user = User(username="bo", email="bo@school.example", display_name="Bo", password_hash="x")
        db.session.add(user)
        db.session.commit()
        jobs = jobs_of(app)
        jobs.register("test.rename", rename_job)
        jobs.enqueue("test.rename", user_id=user.id, name="Bo, inline")
        assert display_name(user.id) == "Bo, inline"
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def redis_app(tmp_path: Path, app_config: dict[str, Any], redis_url: str) -> Iterator[Flask]:
    queue = f"test-{uuid.uuid4().hex}"
    config = {**app_config, "JOBS_MODE": None, "REDIS_URL": redis_url, "JOBS_QUEUE": queue}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        yield app
        jobs = jobs_of(app)
        jobs._redis_queue().delete(delete_jobs=True)
        db.session.remove()
        db.engine.dispose()


def test_with_redis_jobs_wait_in_the_queue_until_a_worker_takes_them(redis_app: Flask) -> None:
    jobs = jobs_of(redis_app)
    assert jobs.mode == "redis"
    jobs.register("test.rename", rename_job)
    user = User(username="cy", email="cy@school.example", display_name="Cy", password_hash="x")
    db.session.add(user)
    db.session.commit()
    jobs.enqueue("test.rename", user_id=user.id, name="Cy, from the queue")
    assert display_name(user.id) == "Cy"  # queued, not run
    assert jobs._redis_queue().count == 1
    assert jobs.worker(burst=True, fork=False)
    assert display_name(user.id) == "Cy, from the queue"
    assert jobs._redis_queue().count == 0


def test_a_failed_queued_job_is_kept_in_the_failed_registry(redis_app: Flask) -> None:
    redis_app.config["JOBS_RETRIES"] = 0
    jobs = jobs_of(redis_app)
    jobs.register("test.fail", failing_job)
    jobs.enqueue("test.fail")
    jobs.worker(burst=True, fork=False)
    assert jobs._redis_queue().failed_job_registry.count == 1


def test_the_worker_command_sends_queued_email_from_another_process(
    redis_app: Flask, tmp_path: Path
) -> None:
    with smtp_server() as box:
        for name, value in mail_config(box).items():
            redis_app.config[name] = value
        jobs = jobs_of(redis_app)
        jobs.enqueue("mail.send", to="ana@school.example", subject="Hello", body="From a job.")
        assert box.messages == []
        env = {
            **os.environ,
            "WORKSPACE_SQLALCHEMY_DATABASE_URI": redis_app.config["SQLALCHEMY_DATABASE_URI"],
            "WORKSPACE_REPOS_ROOT": redis_app.config["REPOS_ROOT"],
            "WORKSPACE_SECRET_KEY": "worker-test",
            "WORKSPACE_REDIS_URL": redis_app.config["REDIS_URL"],
            "WORKSPACE_JOBS_QUEUE": redis_app.config["JOBS_QUEUE"],
            "WORKSPACE_MAIL_SERVER": box.host,
            "WORKSPACE_MAIL_PORT": str(box.port),
            "WORKSPACE_MAIL_USE_TLS": "false",
            "WORKSPACE_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        }
        worker = [sys.executable, "-m", "flask", "--app", "workspace", "worker", "--burst"]
        done = subprocess.run(worker, env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        [message] = box.to("ana@school.example")
        assert message["Subject"] == "Hello" and "From a job." in message.get_content()


def test_the_worker_command_without_redis_says_what_to_set(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "WORKSPACE_REDIS_URL" in result.output


def test_with_redis_housekeeping_is_queued_for_any_worker(redis_app: Flask, tmp_path: Path) -> None:
    from workspace.git import Author, Write
    from workspace.runtime import repo_store

    store = repo_store(redis_app)
    store.graph_every = 2
    author = Author("Ana", "ana@users.noreply.example.test")
    store.create(7, {"README.md": b"First\n"}, author, "Start")
    with store.open(7) as repo:
        for n in range(2):
            repo.commit(
                [Write("README.md", f"Version {n}\n".encode())], author, "Edit", repo.head()
            )
    queue = jobs_of(redis_app)._redis_queue()
    assert [job.description for job in queue.jobs] == ["repo.housekeep"]
    assert jobs_of(redis_app).worker(burst=True, fork=False)
    graphs = store.path_for(7) / "objects" / "info" / "commit-graphs"
    assert graphs.exists() and any(graphs.iterdir())
