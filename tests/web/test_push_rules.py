"""Push rules: a `git push` is refused, with a clear "remote:" message, when it breaks them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from githttp_support import Git, LiveServer, head, make_course, make_token

from workspace.extensions import db
from workspace.models import Activity, Course

LESSON_DIR = "units/forces/lessons"


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    """Return the app served on a loopback port for this test."""
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def course(make_user, make_network) -> Course:  # noqa: ANN001
    """Return a course of a public network led by ana."""
    return make_course(make_network("physics", make_user("ana"), public=True))


@pytest.fixture
def git(live: LiveServer, tmp_path: Path) -> Git:
    return live.client(tmp_path)


@pytest.fixture
def work(course: Course, git: Git, tmp_path: Path) -> Path:
    """Return a clone of the course whose origin pushes with the leader's write token."""
    token = make_token(course.network.memberships[0].user)
    path = tmp_path / "work"
    git.clone(git.url("physics", "mechanics", token), path)
    return path


def refused(git: Git, work: Path, *args: str) -> str:
    """Return git's error output for a push that must fail."""
    result = git.run("push", "origin", *(args or ("main",)), cwd=work, check=False)
    assert result.returncode != 0, result.stderr
    assert "remote: This push was refused; nothing in the course was changed." in result.stderr
    return result.stderr


def test_valid_lessons_and_images_are_accepted(course: Course, git: Git, work: Path) -> None:
    git.commit_file(work, f"{LESSON_DIR}/friction.md", b"---\ntitle: Friction\n---\nRub.\n")
    pushed = git.commit_file(work, f"{LESSON_DIR}/images/cart.png", os.urandom(2048))
    git.run("push", "origin", "main", cwd=work)
    assert head(course) == pushed


def test_force_push_to_main_is_refused(course: Course, git: Git, work: Path) -> None:
    before = head(course)
    git.run("commit", "-q", "--amend", "-m", "Rewritten history", cwd=work)
    stderr = refused(git, work, "--force", "main")
    assert "remote: Force pushes to main are not allowed" in stderr
    assert head(course) == before


def test_deleting_main_is_refused(course: Course, git: Git, work: Path) -> None:
    stderr = refused(git, work, ":refs/heads/main")
    assert "remote: Deleting main is not allowed" in stderr
    assert head(course)


def test_other_branches_are_refused_by_default(git: Git, work: Path) -> None:
    git.commit_file(work, "notes.md", b"Draft.\n")
    stderr = refused(git, work, "HEAD:refs/heads/draft")
    assert "remote: Only main can be pushed to this course, not refs/heads/draft." in stderr


def test_tags_are_refused_by_default(git: Git, work: Path) -> None:
    git.run("tag", "taught-2024", cwd=work)
    stderr = refused(git, work, "taught-2024")
    assert "not refs/tags/taught-2024" in stderr


def test_other_branches_and_tags_when_enabled(
    app: Flask, course: Course, git: Git, work: Path
) -> None:
    app.config["PUSH_ALLOW_OTHER_BRANCHES"] = True
    draft = git.commit_file(work, "notes.md", b"Draft.\n")
    git.run("push", "origin", "HEAD:refs/heads/draft", cwd=work)
    git.run("tag", "taught-2024", cwd=work)
    git.run("push", "origin", "taught-2024", cwd=work)
    listed = git.run("ls-remote", "origin", cwd=work).stdout
    assert f"{draft}\trefs/heads/draft" in listed
    assert "refs/tags/taught-2024" in listed
    assert head(course) != draft  # main did not move, and no push to main was recorded
    assert db.session.scalar(db.select(Activity).filter_by(verb="pushed")) is None


def test_files_over_the_size_limit_are_refused(app: Flask, git: Git, work: Path) -> None:
    app.config["PUSH_MAX_FILE_BYTES"] = 64 * 1024
    git.commit_file(work, f"{LESSON_DIR}/images/photo.jpg", os.urandom(200 * 1024))
    stderr = refused(git, work)
    assert f"{LESSON_DIR}/images/photo.jpg: the file is 200 KB; files may be at most 64 KB." in (
        stderr
    )


def test_symbolic_links_are_refused(git: Git, work: Path) -> None:
    (work / "link.md").symlink_to("course.yaml")
    git.run("add", "link.md", cwd=work)
    git.run("commit", "-q", "-m", "Link", cwd=work)
    assert "link.md: symbolic links are not allowed" in refused(git, work)


def test_submodules_are_refused(git: Git, work: Path) -> None:
    sha = git.run("rev-parse", "HEAD", cwd=work).stdout.strip()
    git.run("update-index", "--add", "--cacheinfo", f"160000,{sha},vendor/simulations", cwd=work)
    git.run("commit", "-q", "-m", "Add a submodule", cwd=work)
    assert "vendor/simulations: submodules are not allowed" in refused(git, work)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("notes/energy: part 2.md", "the character ':' is not allowed"),
        ("units/forces/aux.md", "reserved device name"),
        ("notes/ draft.md", "may not begin or end with spaces"),
    ],
)
def test_paths_the_web_could_not_make_are_refused(
    git: Git, work: Path, name: str, reason: str
) -> None:
    git.commit_file(work, name, b"Text.\n")
    stderr = refused(git, work)
    assert "is not a valid file name" in stderr
    assert reason in stderr


def test_lesson_with_broken_front_matter_is_refused(course: Course, git: Git, work: Path) -> None:
    before = head(course)
    git.commit_file(work, f"{LESSON_DIR}/gravity.md", b"---\ntitle: [Gravity\n---\nFall.\n")
    stderr = refused(git, work)
    assert f"remote: {git.run('rev-parse', '--short=10', 'HEAD', cwd=work).stdout.strip()}" in (
        stderr
    )
    assert f"{LESSON_DIR}/gravity.md: The front matter is not valid YAML" in stderr
    assert head(course) == before


def test_broken_course_yaml_is_refused(git: Git, work: Path) -> None:
    git.commit_file(work, "course.yaml", b"title: Mechanics\nunits: [\n")
    assert "course.yaml:" in refused(git, work)


def test_a_broken_commit_is_refused_even_if_a_later_one_fixes_it(git: Git, work: Path) -> None:
    path = f"{LESSON_DIR}/gravity.md"
    git.commit_file(work, path, b"---\ntitle: [Gravity\n---\nFall.\n", "Broken")
    git.commit_file(work, path, b"---\ntitle: Gravity\n---\nFall.\n", "Fixed")
    assert f"{path}: The front matter is not valid YAML" in refused(git, work)


def test_a_merge_bringing_a_broken_lesson_is_refused(git: Git, work: Path) -> None:
    git.run("checkout", "-q", "-b", "side", cwd=work)
    git.commit_file(work, f"{LESSON_DIR}/bad.md", b"---\ntitle: [\n---\n", "Side")
    git.run("checkout", "-q", "main", cwd=work)
    git.commit_file(work, "README.md", b"# Mechanics\n", "Main")
    git.run("merge", "-q", "--no-ff", "-m", "Merge side", "side", cwd=work)
    assert f"{LESSON_DIR}/bad.md: The front matter is not valid YAML" in refused(git, work)


def test_every_problem_is_listed_at_once(git: Git, work: Path) -> None:
    git.commit_file(work, f"{LESSON_DIR}/one.md", b"---\ntitle: [\n---\n", "One")
    git.commit_file(work, "notes/a|b.md", b"Text.\n", "Two")
    stderr = refused(git, work)
    assert f"{LESSON_DIR}/one.md" in stderr
    assert "notes/a|b.md" in stderr


def test_a_push_that_cannot_be_checked_is_refused(tmp_path: Path) -> None:
    env = {**os.environ, "GIT_DIR": str(tmp_path / "missing.git")}
    proc = subprocess.run(
        [sys.executable, "-m", "workspace.gitserve.prereceive"],
        input=f"{'1' * 40} {'2' * 40} refs/heads/main\n",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "This push could not be checked, so it was refused" in proc.stderr
