"""Push rules: a `git push` is refused, with a clear "remote:" message, when it breaks them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from githttp_support import (
    COURSE_YAML,
    FILES,
    LESSON,
    Git,
    LiveServer,
    head,
    make_course,
    make_token,
)

from workspace.extensions import db
from workspace.gitserve.rules import MAIN_REF, PushRules, RefUpdate, check_push
from workspace.models import Activity, Course
from workspace.runtime import repo_store

LESSON_DIR = "units/forces/lessons"
REFUSED = "remote: This push was refused; nothing in the course was changed."
BAD_LESSONS = {
    "no title": (b"---\nduration: 50\n---\nPush.\n", "A title is required."),
    "negative duration": (
        b"---\ntitle: Drag\nduration: -5\n---\nPush.\n",
        "Duration must be between 1 and 600 minutes.",
    ),
    "unknown standard": (
        b"---\ntitle: Drag\nstandards: [NOT-A-REAL-CODE-99]\n---\nPush.\n",
        "\u201cNOT-A-REAL-CODE-99\u201d is not a valid NGSS or Common Core math code",
    ),
    "2 MB": (
        b"---\ntitle: Drag\n---\n" + b"Push the cart. " * (2_000_000 // 15),
        "The lesson is longer than 1000 kB.",
    ),
}


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
    assert REFUSED in result.stderr
    return result.stderr


def short(git: Git, work: Path, rev: str = "HEAD") -> str:
    """Return the 10-digit commit id the refusal names for `rev` of the clone."""
    return git.run("rev-parse", "--short=10", rev, cwd=work).stdout.strip()


def clone_as(git: Git, user, tmp_path: Path, name: str) -> Path:  # noqa: ANN001
    """Return a clone of physics/mechanics that pushes with `user`'s write token."""
    path = tmp_path / name
    git.clone(git.url("physics", "mechanics", make_token(user)), path)
    return path


def wait_until_recorded(course: Course, commit: str) -> None:
    """Wait until the server has recorded the push of `commit` (it does so after answering)."""
    for _ in range(200):
        db.session.rollback()  # see what the server's thread committed
        found = db.session.scalar(db.select(Activity).filter_by(course_id=course.id, commit=commit))
        if found is not None:
            return
        time.sleep(0.02)
    pytest.fail("the push was never recorded")


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
    git.commit_file(work, "README.md", b"Draft.\n")
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
    draft = git.commit_file(work, "README.md", b"Draft.\n")
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
    (work / LESSON_DIR / "link.md").symlink_to("newtons-laws.md")
    git.run("add", f"{LESSON_DIR}/link.md", cwd=work)
    git.run("commit", "-q", "-m", "Link", cwd=work)
    assert f"{LESSON_DIR}/link.md: symbolic links are not allowed" in refused(git, work)


def test_submodules_are_refused(git: Git, work: Path) -> None:
    sha = git.run("rev-parse", "HEAD", cwd=work).stdout.strip()
    submodule = f"{LESSON_DIR}/images/simulations"
    git.run("update-index", "--add", "--cacheinfo", f"160000,{sha},{submodule}", cwd=work)
    git.run("commit", "-q", "-m", "Add a submodule", cwd=work)
    assert f"{submodule}: submodules are not allowed" in refused(git, work)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (f"{LESSON_DIR}/energy: part 2.md", "the character ':' is not allowed"),
        ("units/forces/aux.md", "reserved device name"),
        (f"{LESSON_DIR}/ draft.md", "may not begin or end with spaces"),
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
    git.commit_file(work, f"{LESSON_DIR}/a|b.md", b"Text.\n", "Two")
    git.commit_file(work, "other/x.md", b"Text.\n", "Three")
    stderr = refused(git, work)
    assert f"{LESSON_DIR}/one.md" in stderr
    assert f"{LESSON_DIR}/a|b.md" in stderr
    assert "other/x.md" in stderr


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


@pytest.mark.parametrize("case", list(BAD_LESSONS))
def test_lessons_the_editor_refuses_are_refused(
    course: Course, git: Git, work: Path, case: str
) -> None:
    data, message = BAD_LESSONS[case]
    before = head(course)
    git.commit_file(work, f"{LESSON_DIR}/drag.md", data)
    stderr = refused(git, work)
    assert f"remote: {short(git, work)} {LESSON_DIR}/drag.md: {message}" in stderr
    assert head(course) == before


def test_a_lesson_that_is_not_utf8_is_refused_with_its_line(git: Git, work: Path) -> None:
    git.commit_file(work, f"{LESSON_DIR}/drag.md", b"---\ntitle: Drag\n---\nCaf\xe9\n")
    stderr = refused(git, work)
    assert f"{LESSON_DIR}/drag.md: The lesson is not UTF-8 text" in stderr
    assert "(line 4)" in stderr


def test_a_unit_overview_whose_front_matter_does_not_parse_is_refused(git: Git, work: Path) -> None:
    git.commit_file(work, "units/forces/unit.md", b"---\ntitle: [Forces\n---\n")
    assert "units/forces/unit.md: The front matter is not valid YAML (line 3)" in refused(git, work)


@pytest.mark.parametrize(
    ("outline", "message"),
    [
        (
            COURSE_YAML.replace(b"[newtons-laws]", b"[newtons-laws, ghost]"),
            "Unit \u201cforces\u201d lists the lesson \u201cghost\u201d, but there is no file "
            "units/forces/lessons/ghost.md.",
        ),
        (
            COURSE_YAML + b"  - slug: forces\n    lessons: []\n",
            "The unit \u201cforces\u201d is listed twice.",
        ),
        (
            COURSE_YAML.replace(b"[newtons-laws]", b"[newtons-laws, newtons-laws]"),
            "Unit \u201cforces\u201d lists \u201cnewtons-laws\u201d twice.",
        ),
    ],
    ids=["lesson without a file", "unit listed twice", "lesson listed twice"],
)
def test_a_course_yaml_that_does_not_match_the_course_is_refused(
    course: Course, git: Git, work: Path, outline: bytes, message: str
) -> None:
    before = head(course)
    git.commit_file(work, "course.yaml", outline)
    stderr = refused(git, work)
    assert f"remote: {short(git, work)} course.yaml: {message}" in stderr
    assert stderr.count(message) == 1  # said once, not once per check
    assert head(course) == before


def test_deleting_a_lesson_file_that_course_yaml_still_lists_is_refused(
    course: Course, git: Git, work: Path
) -> None:
    git.run("rm", "-q", f"{LESSON_DIR}/newtons-laws.md", cwd=work)
    git.run("commit", "-q", "-m", "Remove", cwd=work)
    stderr = refused(git, work)
    assert "lists the lesson \u201cnewtons-laws\u201d, but there is no file" in stderr


def test_deleting_course_yaml_is_refused(course: Course, git: Git, work: Path) -> None:
    git.run("rm", "-q", "course.yaml", cwd=work)
    git.run("commit", "-q", "-m", "Remove the outline", cwd=work)
    assert "course.yaml: the push deletes course.yaml, which every course needs" in refused(
        git, work
    )


def test_problems_the_course_already_had_do_not_block_a_push(
    make_user, make_network, git: Git, tmp_path: Path
) -> None:  # noqa: ANN001
    legacy = COURSE_YAML.replace(b"[newtons-laws]", b"[newtons-laws, ghost]")
    files = {**FILES, "course.yaml": legacy, "notes.md": b"Old notes.\n"}
    course = make_course(make_network("physics", make_user("ana"), public=True), files=files)
    work = clone_as(git, course.network.memberships[0].user, tmp_path, "work")
    git.commit_file(work, "notes.md", b"Old notes, updated.\n")  # already there: keeps its place
    git.commit_file(work, f"{LESSON_DIR}/drag.md", LESSON)
    pushed = git.commit_file(work, "course.yaml", legacy.replace(b"ghost]", b"ghost, drag]"))
    git.run("push", "origin", "main", cwd=work)
    assert head(course) == pushed
    # A new problem of the same kind is still refused, and only it is named.
    git.commit_file(work, "course.yaml", legacy.replace(b"ghost]", b"ghost, drag, phantom]"))
    stderr = refused(git, work)
    assert "\u201cphantom\u201d" in stderr and "\u201cghost\u201d" not in stderr


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "other/x.md",
            "\u201cother/x.md\u201d is not part of a course. A course holds course.yaml",
        ),
        ("evil.txt", "\u201cevil.txt\u201d is not part of a course."),
        (
            "units/forces/data.csv",
            "\u201cunits/forces/data.csv\u201d is not part of a course: a unit's folder holds "
            "unit.md and lessons/",
        ),
        (
            "units/Forces/unit.md",
            "\u201cunits/Forces/unit.md\u201d is not part of a course because the unit name "
            "\u201cForces\u201d cannot be used: it uses capital letters; try \u201cforces\u201d.",
        ),
        (
            f"{LESSON_DIR}/images/Cart.PNG",
            f"\u201c{LESSON_DIR}/images/Cart.PNG\u201d is not part of a course: image names use "
            "lowercase letters, digits and dashes and end in .png, .jpg, .gif or .webp; try "
            "\u201ccart.png\u201d.",
        ),
    ],
)
def test_files_outside_the_course_layout_are_refused(
    course: Course, git: Git, work: Path, path: str, message: str
) -> None:
    before = head(course)
    git.commit_file(work, path, b"---\ntitle: Text\n---\n")
    stderr = refused(git, work)
    assert f"remote: {short(git, work)} {message}" in stderr
    assert head(course) == before


def test_the_files_a_clone_needs_fit_the_layout(course: Course, git: Git, work: Path) -> None:
    git.commit_file(work, ".gitignore", b"*.swp\n")
    git.commit_file(work, ".gitattributes", b"*.md text eol=lf\n")
    git.commit_file(work, "units/forces/unit.md", b"---\ntitle: Forces\n---\nPushes.\n")
    pushed = git.commit_file(work, "studies/1/report.md", b"# What we learned\n")
    git.run("push", "origin", "main", cwd=work)
    assert head(course) == pushed


def _git_with_input(git: Git, work: Path, text: str, *args: str) -> str:
    """Return the output of a git command in `work` that reads `text` on standard input."""
    proc = subprocess.run(
        ["git", *args], input=text, cwd=work, env=git.env(), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def _commit_with_entry(git: Git, work: Path, name: str, ref: str = "refs/heads/main") -> None:
    """Point `ref` at a new commit whose top folder holds `name`/x.md (git add refuses)."""
    blob = _git_with_input(git, work, "Hostile.\n", "hash-object", "-w", "--stdin")
    folder = _git_with_input(git, work, f"100644 blob {blob}\tx.md\n", "mktree")
    listing = git.run("ls-tree", "HEAD", cwd=work).stdout
    top = _git_with_input(git, work, listing + f"040000 tree {folder}\t{name}\n", "mktree")
    commit = git.run("commit-tree", "-p", "HEAD", "-m", "Hostile", top, cwd=work).stdout.strip()
    git.run("update-ref", ref, commit, cwd=work)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("..", "\u201c..\u201d is not a valid file name: '.' and '..' are not allowed"),
        (".", "\u201c.\u201d is not a valid file name: '.' and '..' are not allowed"),
    ],
    ids=["dotdot", "dot"],
)
def test_dot_folders_are_refused_in_the_products_words(
    course: Course, git: Git, work: Path, name: str, message: str
) -> None:
    before = head(course)
    _commit_with_entry(git, work, name)
    stderr = refused(git, work)
    assert f"remote: {short(git, work)} {message}" in stderr
    assert "x.md" not in stderr  # the folder is named once, not every file in it
    assert "hasDot" not in stderr  # git's own words are not needed
    assert head(course) == before


@pytest.mark.parametrize("name", [".git", ".GIT", "git~1"])
def test_dotgit_folders_are_still_refused_by_git(
    course: Course, git: Git, work: Path, name: str
) -> None:
    before = head(course)
    _commit_with_entry(git, work, name)
    result = git.run("push", "origin", "main", cwd=work, check=False)
    assert result.returncode != 0
    assert "hasDotgit: contains '.git'" in result.stderr
    assert head(course) == before


@pytest.mark.parametrize("name", [".git", ".GIT", "git~1"])
def test_the_push_rules_refuse_dotgit_folders_themselves_too(
    course: Course, git: Git, name: str
) -> None:
    # Behind git's own check: were fsck ever switched off, the rules would still refuse.
    git_dir = repo_store().path_for(course.id)
    before = head(course)
    _commit_with_entry(git, git_dir, name, ref="refs/heads/hostile")
    hostile = git.run("rev-parse", "refs/heads/hostile", cwd=git_dir).stdout.strip()
    git.run("update-ref", "-d", "refs/heads/hostile", cwd=git_dir)  # a new commit again
    result = check_push(git_dir, [RefUpdate(before, hostile, MAIN_REF)], PushRules())
    assert not result.accepted
    assert f"{hostile[:10]} \u201c{name}\u201d is not a valid file name: '.git' is reserved" in (
        result.report()
    )


def test_refs_must_point_to_commits(app: Flask, course: Course, git: Git, work: Path) -> None:
    app.config["PUSH_ALLOW_OTHER_BRANCHES"] = True
    git.commit_file(work, "other/x.md", b"Never checked if a tag names a tree.\n")
    tree = git.run("rev-parse", "HEAD^{tree}", cwd=work).stdout.strip()
    git.run("tag", "-a", "-m", "A tree", "a-tree", tree, cwd=work)
    stderr = refused(git, work, "refs/tags/a-tree")
    assert "refs/tags/a-tree can only point to a commit" in stderr
    assert "a-tree" not in git.run("ls-remote", "origin", cwd=work).stdout


def test_a_members_push_changing_the_license_is_refused(
    make_user, make_network, git: Git, tmp_path: Path
) -> None:  # noqa: ANN001
    bea = make_user("bea")
    network = make_network("physics", make_user("ana"), members={bea: "member"}, public=True)
    course = make_course(network)
    work = clone_as(git, bea, tmp_path, "bea")
    before = head(course)
    git.commit_file(work, "course.yaml", COURSE_YAML + b"license: CC0-1.0\n")
    stderr = refused(git, work)
    assert (
        f"remote: {short(git, work)} course.yaml: only the network's leaders change the "
        "course's license; ask a leader, or undo that line."
    ) in stderr
    assert head(course) == before
    db.session.refresh(course)
    assert course.license == "CC-BY-4.0"


def test_a_member_may_push_changes_to_the_outline(
    make_user, make_network, git: Git, tmp_path: Path
) -> None:  # noqa: ANN001
    bea = make_user("bea")
    network = make_network("physics", make_user("ana"), members={bea: "member"}, public=True)
    course = make_course(network)
    work = clone_as(git, bea, tmp_path, "bea")
    git.commit_file(work, f"{LESSON_DIR}/drag.md", LESSON)
    outline = COURSE_YAML.replace(b"[newtons-laws]", b"[drag, newtons-laws]")
    pushed = git.commit_file(work, "course.yaml", outline.replace(b"title: Forces", b"title: F"))
    git.run("push", "origin", "main", cwd=work)
    assert head(course) == pushed


def test_a_leaders_push_changing_the_title_shows_at_once(
    course: Course, git: Git, work: Path, client
) -> None:  # noqa: ANN001
    new_yaml = COURSE_YAML.replace(b"title: Mechanics", b"title: Classical Mechanics")
    pushed = git.commit_file(work, "course.yaml", new_yaml + b"license: CC-BY-SA-4.0\n")
    git.run("push", "origin", "main", cwd=work)
    assert head(course) == pushed
    wait_until_recorded(course, pushed)
    db.session.refresh(course)
    assert (course.title, course.license) == ("Classical Mechanics", "CC-BY-SA-4.0")
    assert "<h1>Classical Mechanics</h1>" in client.get("/n/physics/mechanics/").get_data(
        as_text=True
    )
    assert client.get("/api/v1/n/physics/mechanics").get_json()["title"] == "Classical Mechanics"
