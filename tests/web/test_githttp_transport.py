"""Clone and push over HTTP: protocol versions, streaming, chunked and gzip bodies, races."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from githttp_support import (
    AUTHOR,
    LESSON,
    Git,
    LiveServer,
    head,
    make_course,
    make_token,
)

from workspace.git import RepoStore, Write
from workspace.gitserve.backend import CHUNK, BackendRequest, run_backend
from workspace.models import Course, Role
from workspace.runtime import repo_store

LESSON_PATH = "units/forces/lessons/newtons-laws.md"


def pushed_lesson(number: int) -> str:
    """Return the path of the lesson the racing tests push as their `number`th push."""
    return f"units/forces/lessons/pushed-{number}.md"


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    """Return the app served on a loopback port for this test."""
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def git(live: LiveServer, tmp_path: Path) -> Git:
    """Return a git client with a clean HOME, pointed at the live server."""
    return live.client(tmp_path)


@pytest.fixture
def course(make_user, make_network) -> Course:  # noqa: ANN001
    """Return a course of a public network whose leader is ana."""
    ana = make_user("ana")
    return make_course(make_network("physics", ana, public=True))


@pytest.fixture
def token(course: Course) -> str:
    """Return a write token of the course's network leader."""
    return make_token(course.network.memberships[0].user)


def test_protocol_v2_ls_remote_and_clone(course: Course, git: Git, tmp_path: Path) -> None:
    url = git.url("physics", "mechanics")
    trace = {"GIT_TRACE_PACKET": "1"}
    listed = git.run("-c", "protocol.version=2", "ls-remote", url, env=trace)
    assert f"{head(course)}\trefs/heads/main" in listed.stdout
    assert "git< version 2" in listed.stderr  # the server answered in protocol v2
    cloned = git.run("-c", "protocol.version=2", "clone", url, str(tmp_path / "w"), env=trace)
    assert "git< version 2" in cloned.stderr
    assert "command=fetch" in cloned.stderr
    assert (tmp_path / "w" / "course.yaml").exists()


def test_protocol_v0_still_works(course: Course, git: Git, tmp_path: Path) -> None:
    url = git.url("physics", "mechanics")
    listed = git.run("-c", "protocol.version=0", "ls-remote", url, env={"GIT_TRACE_PACKET": "1"})
    assert "git< version 2" not in listed.stderr
    assert f"{head(course)}\trefs/heads/main" in listed.stdout


def test_fetch_and_pull_bring_new_commits(
    course: Course, git: Git, token: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    git.clone(git.url("physics", "mechanics", token), first)
    git.clone(git.url("physics", "mechanics", token), second)
    pushed = git.commit_file(first, "README.md", b"# Mechanics\n")
    git.run("push", "origin", "main", cwd=first)
    git.run("fetch", "origin", cwd=second)
    assert git.run("rev-parse", "origin/main", cwd=second).stdout.strip() == pushed
    git.run("pull", "--ff-only", "origin", "main", cwd=second)
    assert (second / "README.md").read_bytes() == b"# Mechanics\n"


def test_large_binary_push_streams_through(
    app: Flask, course: Course, git: Git, token: str, tmp_path: Path
) -> None:
    # Far above the app's limit for forms: the push body never goes through Flask's parsing.
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    work = tmp_path / "w"
    git.clone(git.url("physics", "mechanics", token), work)
    data = os.urandom(6 * 1024 * 1024)
    pushed = git.commit_file(work, "units/forces/lessons/images/big.png", data, "Add a photo")
    git.run("push", "origin", "main", cwd=work)
    assert head(course) == pushed
    with repo_store().open(course.id) as repo:
        assert repo.read_file("units/forces/lessons/images/big.png") == data
    fresh = tmp_path / "fresh"
    git.clone(git.url("physics", "mechanics"), fresh)
    assert (fresh / "units/forces/lessons/images/big.png").read_bytes() == data


def test_clone_response_is_streamed_in_chunks(course: Course, tmp_path: Path) -> None:
    with repo_store().open(course.id) as repo:
        repo.commit([Write("big.bin", os.urandom(2 * 1024 * 1024))], AUTHOR, "Add data", None)
    request = BackendRequest(
        repos_root=repo_store().root,
        course_id=course.id,
        service_path="git-upload-pack",
        method="POST",
        content_type="application/x-git-upload-pack-request",
    )
    want = f"want {head(course)} ofs-delta\n"
    body = tmp_path / "body"
    body.write_bytes(b"%04x%s00000009done\n" % (len(want) + 4, want.encode()))
    with body.open("rb") as stream:
        response = run_backend(request, stream, body.stat().st_size)
        sizes = [len(chunk) for chunk in response]
    assert response.status == 200
    assert sum(sizes) > 2 * 1024 * 1024
    assert max(sizes) <= CHUNK
    assert len(sizes) > 10


def test_chunked_push_without_content_length(
    course: Course, git: Git, token: str, tmp_path: Path
) -> None:
    work = tmp_path / "w"
    git.clone(git.url("physics", "mechanics", token), work)
    pushed = git.commit_file(work, "units/forces/lessons/images/data.png", os.urandom(64 * 1024))
    trace = {"GIT_TRACE_CURL": "1", "GIT_TRACE_CURL_NO_DATA": "1"}
    result = git.run("-c", "http.postBuffer=1024", "push", "origin", "main", cwd=work, env=trace)
    assert "Transfer-Encoding: chunked" in result.stderr
    assert head(course) == pushed


@pytest.mark.parametrize("version", ["0", "2"])
def test_gzip_request_bodies_of_fetches_with_many_haves(
    course: Course, git: Git, token: str, tmp_path: Path, version: str
) -> None:
    work, other = tmp_path / "w", tmp_path / "other"
    git.clone(git.url("physics", "mechanics", token), work)
    git.clone(git.url("physics", "mechanics", token), other)
    # Local commits the server lacks: each is a "have" line, so the request grows past 1 KiB.
    now = int(time.time())
    stream = "".join(
        f"commit refs/heads/main\ncommitter Bea <bea@school.example> {now + n} +0000\n"
        f"data 8\nNote {n}\n" + ("from refs/heads/main^0\n" if n == 100 else "") + "\n"
        for n in range(100, 250)
    )
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        input=stream.encode(),
        cwd=work,
        env=git.env(),
        check=True,
    )
    pushed = git.commit_file(other, "README.md", b"# New\n")
    git.run("push", "origin", "main", cwd=other)
    trace = {"GIT_TRACE_CURL": "1", "GIT_TRACE_CURL_NO_DATA": "1"}
    fetched = git.run("-c", f"protocol.version={version}", "fetch", "origin", cwd=work, env=trace)
    assert "Content-Encoding: gzip" in fetched.stderr
    assert git.run("rev-parse", "origin/main", cwd=work).stdout.strip() == pushed


def test_push_over_the_request_limit_is_refused(
    app: Flask, course: Course, git: Git, token: str, tmp_path: Path
) -> None:
    app.config["GIT_MAX_REQUEST_BYTES"] = 256 * 1024
    before = head(course)
    work = tmp_path / "w"
    git.clone(git.url("physics", "mechanics", token), work)
    git.commit_file(work, "units/forces/lessons/images/big.png", os.urandom(1024 * 1024))
    failed = git.run("push", "origin", "main", cwd=work, check=False)
    assert failed.returncode != 0
    assert head(course) == before


def _push_until_it_lands(git: Git, work: Path) -> None:
    """Push main, pulling (rebase) and retrying while web saves keep moving it."""
    for _attempt in range(30):
        if git.run("push", "origin", "main", cwd=work, check=False).returncode == 0:
            return
        git.run("pull", "--rebase", "origin", "main", cwd=work)
    pytest.fail("the push never landed")


def test_web_save_from_a_base_older_than_a_push_keeps_both(
    course: Course, git: Git, token: str, tmp_path: Path
) -> None:
    store, course_id = repo_store(), course.id  # the saving thread has no app context
    work = tmp_path / "w"
    git.clone(git.url("physics", "mechanics", token), work)
    for number in range(3):
        base_read, push_landed = threading.Event(), threading.Event()

        def save(number: int = number, base_read=base_read, push_landed=push_landed) -> None:  # noqa: ANN001
            with store.open(course_id) as repo:
                base = repo.head()  # the editor page was opened here...
                base_read.set()
                push_landed.wait(timeout=60)  # ...and saved after a push moved main
                repo.commit([Write(f"web/{number}.md", b"web\n")], AUTHOR, f"Web {number}", base)

        saver = threading.Thread(target=save)
        saver.start()
        base_read.wait(timeout=60)
        git.commit_file(work, pushed_lesson(number), LESSON, f"Push {number}")
        _push_until_it_lands(git, work)
        push_landed.set()
        saver.join(timeout=60)
        assert not saver.is_alive(), "the web save never finished"
    _assert_all_landed(store, course_id, git, web=range(3), pushed=range(3))


def test_web_saves_and_a_push_racing_both_land(
    course: Course, git: Git, token: str, tmp_path: Path
) -> None:
    store, course_id = repo_store(), course.id
    work = tmp_path / "w"
    git.clone(git.url("physics", "mechanics", token), work)
    git.commit_file(work, pushed_lesson(0), LESSON, "Push 0")
    errors: list[BaseException] = []

    def save_in_the_browser() -> None:
        try:
            for number in range(10):
                with store.open(course_id) as repo:
                    data = LESSON + b"\nWeb note %d.\n" % number
                    changes = [Write(f"web/{number}.md", data), Write(LESSON_PATH, data)]
                    repo.commit(changes, AUTHOR, f"Web {number}", repo.head())
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    saver = threading.Thread(target=save_in_the_browser)
    saver.start()
    _push_until_it_lands(git, work)
    saver.join(timeout=120)
    assert not errors
    _assert_all_landed(store, course_id, git, web=range(10), pushed=range(1))
    with store.open(course_id) as repo:
        assert repo.read_file(LESSON_PATH).endswith(b"Web note 9.\n")


def _assert_all_landed(
    store: RepoStore, course_id: int, git: Git, web: range, pushed: range
) -> None:
    """Assert that main holds every web save's and every push's file and commit."""
    with store.open(course_id) as repo:
        files = {entry.path for entry in repo.list_tree()}
    assert {f"web/{n}.md" for n in web} <= files
    assert {pushed_lesson(n) for n in pushed} <= files
    log = git.run("--git-dir", str(store.path_for(course_id)), "log", "--format=%s", "main")
    messages = set(log.stdout.splitlines())
    assert {f"Web {n}" for n in web} | {f"Push {n}" for n in pushed} <= messages


def test_reader_member_can_clone_a_private_course(
    make_user, make_network, git: Git, tmp_path: Path
) -> None:  # noqa: ANN001
    ana, rui = make_user("ana"), make_user("rui")
    network = make_network("chem-lab", ana, members={rui: Role.READER.value})
    make_course(network, "titration")
    git.clone(git.url("chem-lab", "titration", make_token(rui)), tmp_path / "w")
    assert (tmp_path / "w" / "course.yaml").exists()
