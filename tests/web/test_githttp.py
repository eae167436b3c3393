"""Clone and push over HTTP: who may do what, and which addresses answer at all.

Real `git` clients talk to the app served on a loopback port; status codes are checked with
plain HTTP requests where git would hide them.
"""

from __future__ import annotations

import base64
import http.client
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from githttp_support import Git, LiveServer, head, make_course, make_token

from workspace.blueprints.githttp import clone_url
from workspace.extensions import db
from workspace.models import Activity, CourseRedirect, Role, TokenScope


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


UPLOAD_REFS = "info/refs?service=git-upload-pack"
RECEIVE_REFS = "info/refs?service=git-receive-pack"


def request(
    live: LiveServer, path: str, token: str | None = None, method: str = "GET", **headers: str
) -> http.client.HTTPResponse:
    """Return the response to a raw request; `path` is sent exactly as given."""
    connection = http.client.HTTPConnection(live.url.removeprefix("http://"), timeout=30)
    if token is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"x:{token}".encode()).decode()
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture
def people(make_user, make_network):  # noqa: ANN001, ANN201
    """Return (leader, reader, outsider, public network, private network)."""
    ana = make_user("ana")
    rui = make_user("rui")
    eva = make_user("eva")
    public = make_network("physics", ana, members={rui: Role.READER.value}, public=True)
    private = make_network("chem-lab", ana, members={rui: Role.READER.value})
    return ana, rui, eva, public, private


def test_anonymous_clone_of_a_public_course(people, git: Git, tmp_path: Path) -> None:
    course = make_course(people[3])
    git.clone(git.url("physics", "mechanics"), tmp_path / "work")
    assert (tmp_path / "work" / "course.yaml").read_bytes().startswith(b"title: Mechanics")
    local = git.run("rev-parse", "HEAD", cwd=tmp_path / "work").stdout.strip()
    assert local == head(course)


def test_private_course_asks_anonymous_callers_for_a_token(people, git, live, tmp_path) -> None:
    make_course(people[4], "stoichiometry")
    response = request(live, f"/git/chem-lab/stoichiometry.git/{UPLOAD_REFS}")
    assert response.status == 401
    assert response.getheader("WWW-Authenticate", "").startswith("Basic realm=")
    failed = git.clone(git.url("chem-lab", "stoichiometry"), tmp_path / "w", check=False)
    assert failed.returncode != 0
    assert not (tmp_path / "w").exists()


def test_missing_course_of_a_private_network_looks_the_same_as_a_private_one(people, live) -> None:
    make_course(people[4], "stoichiometry")
    for path in ("/git/chem-lab/nothing.git/", "/git/no-such-network/x.git/"):
        assert request(live, path + UPLOAD_REFS).status == 401


def test_token_in_the_url_clones_a_private_course(people, git, tmp_path) -> None:
    rui = people[1]
    make_course(people[4], "stoichiometry")
    token = make_token(rui, TokenScope.READ.value)
    git.clone(git.url("chem-lab", "stoichiometry", token, user="anything"), tmp_path / "w")
    assert (tmp_path / "w" / "units/forces/lessons/newtons-laws.md").exists()


def test_bearer_token_header_clones_a_private_course(people, git, tmp_path) -> None:
    make_course(people[4], "stoichiometry")
    token = make_token(people[1], TokenScope.READ.value)
    header = f"http.extraHeader=Authorization: Bearer {token}"
    git.clone(git.url("chem-lab", "stoichiometry"), tmp_path / "w", "-c", header)
    assert (tmp_path / "w" / "course.yaml").exists()


def test_authenticated_non_member_gets_404_for_a_private_course(people, git, live, tmp_path):
    make_course(people[4], "stoichiometry")
    token = make_token(people[2])  # eva is in no network
    response = request(live, f"/git/chem-lab/stoichiometry.git/{UPLOAD_REFS}", token)
    assert response.status == 404
    failed = git.clone(git.url("chem-lab", "stoichiometry", token), tmp_path / "w", check=False)
    assert failed.returncode != 0
    assert "remote: Repository not found." in failed.stderr


def test_account_password_is_refused_with_a_hint_about_tokens(people, git, tmp_path) -> None:
    make_course(people[4], "stoichiometry")
    password = "ana's real password 42"
    people[0].set_password(password, method="pbkdf2:sha256:1000")
    db.session.commit()
    url = git.url("chem-lab", "stoichiometry", quote(password), user="ana")
    failed = git.clone(url, tmp_path / "w", check=False)
    assert failed.returncode != 0
    assert "remote: Account passwords are not accepted by git" in failed.stderr
    assert "/settings/tokens" in failed.stderr


def test_revoked_token_is_refused(people, git, tmp_path) -> None:
    make_course(people[4], "stoichiometry")
    token = make_token(people[0])
    from workspace.models import AccessToken

    stored = db.session.scalar(db.select(AccessToken).filter_by(user_id=people[0].id))
    stored.revoked_at = datetime.now(UTC)
    db.session.commit()
    failed = git.clone(git.url("chem-lab", "stoichiometry", token), tmp_path / "w", check=False)
    assert "remote: That personal access token is not valid" in failed.stderr


def test_repeated_bad_tokens_are_throttled(app: Flask, people, live) -> None:
    app.config["LOGIN_THROTTLE_ADDRESS"] = 3
    make_course(people[3])
    good = make_token(people[0])
    path = f"/git/physics/mechanics.git/{UPLOAD_REFS}"
    statuses = [request(live, path, f"lsw_wrong{n}").status for n in range(3)]
    assert statuses == [401, 401, 401]
    throttled = request(live, path, good)
    assert throttled.status == 429
    assert int(throttled.getheader("Retry-After", "0")) > 0
    assert request(live, path).status == 200  # anonymous reading of a public course goes on


def test_read_token_cannot_push(people, git, tmp_path) -> None:
    course = make_course(people[3])
    token = make_token(people[0], TokenScope.READ.value)
    work = tmp_path / "w"
    git.clone(git.url("physics", "mechanics", token), work)
    git.commit_file(work, "README.md", b"Read-only token tries a change.\n")
    failed = git.run("push", "origin", "main", cwd=work, check=False)
    assert failed.returncode != 0
    assert "remote: This token can only read." in failed.stderr
    assert head(course) != git.run("rev-parse", "HEAD", cwd=work).stdout.strip()


def test_reader_role_cannot_push(people, git, tmp_path) -> None:
    make_course(people[3])
    token = make_token(people[1])  # rui reads this network; a write token does not change that
    work = tmp_path / "w"
    git.clone(git.url("physics", "mechanics", token), work)
    git.commit_file(work, "README.md", b"A reader tries a change.\n")
    failed = git.run("push", "origin", "main", cwd=work, check=False)
    assert "remote: Your role in this network lets you read this course" in failed.stderr


def test_write_token_pushes_and_the_push_is_recorded(people, git, tmp_path) -> None:
    ana = people[0]
    course = make_course(people[4], "stoichiometry")
    token = make_token(ana)
    work = tmp_path / "w"
    git.clone(git.url("chem-lab", "stoichiometry", token), work)
    git.commit_file(work, "units/forces/lessons/friction.md", b"---\ntitle: Friction\n---\nRub.\n")
    pushed = git.commit_file(work, "README.md", b"# Stoichiometry\n")
    result = git.run("push", "origin", "main", cwd=work)
    assert "main -> main" in result.stderr
    assert head(course) == pushed
    activity = db.session.scalar(db.select(Activity).filter_by(course_id=course.id))
    assert activity is not None
    assert (activity.verb, activity.summary, activity.commit) == (
        "pushed",
        "Pushed 2 commits",
        pushed,
    )
    assert activity.actor_id == ana.id


def test_anonymous_push_to_a_public_course_asks_for_a_token(people, live) -> None:
    make_course(people[3])
    response = request(live, f"/git/physics/mechanics.git/{RECEIVE_REFS}")
    assert response.status == 401


def test_archived_course_clones_but_refuses_pushes(people, git, tmp_path) -> None:
    course = make_course(people[3])
    course.archived_at = datetime.now(UTC)
    db.session.commit()
    token = make_token(people[0])
    work = tmp_path / "w"
    git.clone(git.url("physics", "mechanics", token), work)
    git.commit_file(work, "README.md", b"Too late.\n")
    failed = git.run("push", "origin", "main", cwd=work, check=False)
    assert "remote: This course is archived" in failed.stderr


def test_renamed_course_redirects_and_still_clones(people, git, live, tmp_path) -> None:
    network = people[3]
    course = make_course(network, "kinematics")
    db.session.add(CourseRedirect(network_id=network.id, old_slug="motion", course_id=course.id))
    db.session.commit()
    response = request(live, f"/git/physics/motion.git/{UPLOAD_REFS}")
    assert response.status == 301
    location = response.getheader("Location", "")
    assert location.endswith(f"/git/physics/kinematics.git/{UPLOAD_REFS}")
    git.clone(git.url("physics", "motion"), tmp_path / "w")
    assert (tmp_path / "w" / "course.yaml").exists()


HOSTILE_OR_NOT_SMART = [
    "/git/physics/mechanics.git/HEAD",
    "/git/physics/mechanics.git/config",
    "/git/physics/mechanics.git/objects/info/packs",
    "/git/physics/mechanics.git/info/refs",
    "/git/physics/mechanics.git/info/refs?service=git-upload-archive",
    "/git/physics/mechanics.git/info/refs?service=git-upload-pack&service=git-receive-pack",
    "/git/physics/mechanics.git/git-upload-pack",
    "/git/physics/../physics/mechanics.git/info/refs?service=git-upload-pack",
    "/git/physics/%2e%2e/mechanics.git/info/refs?service=git-upload-pack",
    "/git/physics/mechanics.git/../../chem-lab/stoichiometry.git/info/refs?service=git-upload-pack",
    "/git/physics/mech%00anics.git/info/refs?service=git-upload-pack",
    "/git/PHYSICS/Mechanics.git/info/refs?service=git-upload-pack",
    "/git/physics/MECHANICS.git/info/refs?service=git-upload-pack",
    "/git/physics/stoichiometry.git/info/refs?service=git-upload-pack",
    "/git/physics/mechanics/info/refs?service=git-upload-pack",
    "/git/physics/mechanics.git/info/refs/../../HEAD",
    "/git/physics/mechanics.git/",
    "/git/",
]


def test_hostile_or_non_smart_addresses_answer_404(people, live) -> None:
    make_course(people[3])
    make_course(people[4], "stoichiometry")  # a private course, also named from elsewhere
    token = make_token(people[0])
    answers = {
        path: (request(live, path).status, request(live, path, token).status)
        for path in HOSTILE_OR_NOT_SMART
    }
    assert {path: got for path, got in answers.items() if got != (404, 404)} == {}


def test_course_id_in_the_url_does_not_reach_its_repository(people, live) -> None:
    course = make_course(people[4], "stoichiometry")
    token = make_token(people[2])
    path = f"/git/physics/{course.id}.git/{UPLOAD_REFS}"
    assert request(live, path, token).status == 404


def test_clone_url_is_the_external_git_address(app: Flask, people) -> None:
    course = make_course(people[3])
    with app.test_request_context(base_url="https://lessons.example.org"):
        url = clone_url(people[3], course)
    assert url == "https://lessons.example.org/git/physics/mechanics.git"
