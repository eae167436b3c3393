"""Courses: creating one (row, repository, first commit), settings, renames, archive, delete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from courses_support import (
    COURSE_YAML,
    commit_files,
    git,
    make_course,
    make_school,
)
from unchanged import NOT_ALLOWED, NOT_FOUND, unchanged

from workspace.access import Access, permissions
from workspace.extensions import db
from workspace.models import Activity, Course, CourseRedirect
from workspace.runtime import repo_store


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return make_school(make_user, make_network)


def _new_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Physics in Motion",
        "slug": "physics",
        "subject": "Physics",
        "grade_band": "9-12",
        "description": "Ninth-grade physics through modeling.",
        "license": "CC-BY-4.0",
    }
    return {**data, **overrides}


def _course(slug: str = "physics") -> Course | None:
    return db.session.scalar(db.select(Course).filter_by(slug=slug))


# Creating ----------------------------------------------------------------------------------


def test_member_creates_a_course_with_a_repository_whose_first_commit_is_theirs(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["member"])
    response = client.post("/n/school/courses/new", data=_new_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/n/school/physics/")
    course = _course()
    assert course is not None and course.created_by_id == school["member"].id
    log = git(course, "log", "--format=%an|%ae|%s", "main").splitlines()
    assert log == ["Member|member@users.noreply.example.test|Create course: Physics in Motion"]
    assert "title: Physics in Motion" in git(course, "show", "main:course.yaml")
    assert "license: CC-BY-4.0" in git(course, "show", "main:course.yaml")
    activity = db.session.scalar(db.select(Activity).filter_by(course_id=course.id))
    assert activity is not None and activity.verb == "created"
    assert "Physics in Motion" in activity.summary


REFUSED = {403: NOT_ALLOWED, 404: NOT_FOUND}


@pytest.mark.parametrize("role, status", [("reader", 403), ("partner", 403), ("outsider", 404)])
def test_only_members_may_create_courses(
    app: Any, client: Any, school: dict[str, Any], role: str, status: int
) -> None:
    client.login_as(school[role])
    assert client.get("/n/school/courses/new").status_code == status
    with unchanged(app, network=school["network"]):
        response = client.post("/n/school/courses/new", data=_new_form())
    assert response.status_code == status
    assert REFUSED[status] in response.get_data(as_text=True)
    assert _course() is None


def test_visitor_is_sent_to_sign_in_before_creating_a_course(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    response = client.get("/n/school/courses/new")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    with unchanged(app, network=school["network"]):
        response = client.post("/n/school/courses/new", data=_new_form())
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "fields, message",
    [
        pytest.param({"slug": "members"}, "names a page of the network", id="reserved-members"),
        pytest.param({"slug": "git"}, "names a page of the network", id="reserved-git"),
        pytest.param({"slug": "Physics!"}, "lowercase letters", id="slug-punctuation"),
        pytest.param({"slug": "-physics"}, "lowercase letters", id="slug-leading-dash"),
        pytest.param({"slug": "p"}, "2 to 64", id="slug-too-short"),
        pytest.param(
            {"slug": "taken", "title": "Other"}, "already has a course called", id="slug-taken"
        ),
    ],
)
def test_a_new_course_with_a_bad_address_is_refused_with_the_reason(
    app: Any, client: Any, school: dict[str, Any], fields: dict[str, str], message: str
) -> None:
    make_course(school["network"], school["lead"], slug="taken", title="Taken")
    client.login_as(school["member"])
    with unchanged(app, network=school["network"]):
        response = client.post("/n/school/courses/new", data=_new_form(**fields))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert len(db.session.scalars(db.select(Course)).all()) == 1


def test_failed_repository_creation_leaves_no_course_row(
    client: Any, school: dict[str, Any], app: Any
) -> None:
    # The first course gets id 1; a folder already in its place makes the repository fail.
    (Path(app.config["REPOS_ROOT"]) / "1.git").mkdir(parents=True)
    client.login_as(school["member"])
    with unchanged(app, network=school["network"]):  # the folder in the way stays as it was
        response = client.post("/n/school/courses/new", data=_new_form())
    assert response.status_code == 200
    assert "already has a repository" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(db.select(Course)) is None
    assert db.session.scalar(db.select(Activity)) is None


def test_network_home_lists_its_courses(client: Any, school: dict[str, Any]) -> None:
    make_course(school["network"], school["lead"], title="Physics in Motion")
    client.login_as(school["reader"])
    html = client.get("/n/school/").get_data(as_text=True)
    assert 'href="/n/school/physics/"' in html
    assert "Physics in Motion" in html
    assert "/n/school/courses/new" not in html  # readers cannot create courses
    client.login_as(school["member"])
    assert "/n/school/courses/new" in client.get("/n/school/").get_data(as_text=True)


# Settings ----------------------------------------------------------------------------------


def _settings(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Physics in Motion",
        "slug": "physics",
        "description": "",
        "license": "CC-BY-4.0",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "role, status", [("member", 403), ("reader", 403), ("partner", 403), ("outsider", 404)]
)
def test_only_leaders_reach_course_settings(
    app: Any, client: Any, school: dict[str, Any], role: str, status: int
) -> None:
    course = make_course(school["network"], school["lead"])
    client.login_as(school[role])
    assert client.get("/n/school/physics/settings").status_code == status
    with unchanged(app, course=course):
        response = client.post("/n/school/physics/settings", data=_settings(title="Hacked"))
    assert response.status_code == status
    assert REFUSED[status] in response.get_data(as_text=True)
    assert _course().title == "Physics in Motion"


def test_leader_changes_settings_and_course_yaml_records_it_as_their_commit(
    client: Any, school: dict[str, Any]
) -> None:
    course = make_course(school["network"], school["member"])
    client.login_as(school["lead"])
    assert client.get("/n/school/physics/settings").status_code == 200
    response = client.post(
        "/n/school/physics/settings",
        data=_settings(title="Physics Moves", description="Now with labs.", license="CC0-1.0"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (course.title, course.description, course.license) == (
        "Physics Moves",
        "Now with labs.",
        "CC0-1.0",
    )
    text = git(course, "show", "main:course.yaml")
    assert "title: Physics Moves" in text and "license: CC0-1.0" in text
    assert "description: Now with labs." in text
    author, subject = git(course, "log", "-1", "--format=%an|%s", "main").strip().split("|")
    assert author == "Lead"
    assert subject == "Update course settings: description, license, title"


def test_renaming_a_course_keeps_old_links_working(client: Any, school: dict[str, Any]) -> None:
    course = make_course(school["network"], school["lead"])
    client.login_as(school["lead"])
    response = client.post("/n/school/physics/settings", data=_settings(slug="mechanics"))
    assert response.status_code == 302
    db.session.expire_all()
    assert course.slug == "mechanics"
    old = client.get("/n/school/physics/")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/n/school/mechanics/")
    lesson = client.get("/n/school/physics/lessons/getting-started/first-lesson?rev=main")
    assert lesson.status_code == 301
    assert lesson.headers["Location"].endswith(
        "/n/school/mechanics/lessons/getting-started/first-lesson?rev=main"
    )
    assert client.get("/n/school/mechanics/").status_code == 200
    # The query string can add to the redirect but never change the network or course in it.
    tricky = client.get("/n/school/physics/?net=elsewhere&course=x&_external=1&view=words")
    assert tricky.status_code == 301
    assert tricky.headers["Location"].startswith("/n/school/mechanics/?")
    assert (
        "view=words" in tricky.headers["Location"] and "elsewhere" not in tricky.headers["Location"]
    )
    # The course file is content: a rename changes addresses, not the course's history.
    assert len(git(course, "log", "--format=%H", "main").split()) == 1


def test_a_new_course_may_take_a_slug_freed_by_a_rename(
    client: Any, school: dict[str, Any]
) -> None:
    first = make_course(school["network"], school["lead"], title="First")
    client.login_as(school["lead"])
    client.post("/n/school/physics/settings", data=_settings(title="First", slug="first"))
    second = make_course(school["network"], school["lead"], slug="physics", title="Second")
    assert second.id != first.id
    page = client.get("/n/school/physics/")
    assert page.status_code == 200
    assert "Second" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(CourseRedirect).filter_by(old_slug="physics")) is None
    assert client.get("/n/school/first/").status_code == 200


def test_renaming_to_a_taken_slug_is_refused(app: Any, client: Any, school: dict[str, Any]) -> None:
    course = make_course(school["network"], school["lead"])
    make_course(school["network"], school["lead"], slug="chemistry", title="Chemistry")
    client.login_as(school["lead"])
    with unchanged(app, course=course):
        response = client.post("/n/school/physics/settings", data=_settings(slug="chemistry"))
    assert response.status_code == 200
    assert "already has a course called" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _course("physics") is not None


# Archive -----------------------------------------------------------------------------------


def test_archiving_makes_the_course_read_only_until_unarchived(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    course = make_course(school["network"], school["lead"])
    network, member = school["network"], school["member"]
    assert Access.WRITE in permissions(member, network, course)
    client.login_as(school["lead"])
    assert (
        client.post("/n/school/physics/settings/archive", data={"archived": "1"}).status_code == 302
    )
    db.session.expire_all()
    assert course.is_archived
    assert Access.WRITE not in permissions(member, network, course)
    assert Access.WRITE not in permissions(school["lead"], network, course)
    # Settings that write course.yaml are refused while archived.
    with unchanged(app, course=course):
        response = client.post("/n/school/physics/settings", data=_settings(title="Changed"))
    assert response.status_code == 200
    assert "unarchive it to change its settings" in response.get_data(as_text=True)
    client.login_as(member)
    home = client.get("/n/school/physics/").get_data(as_text=True)
    assert "This course is archived" in home
    lesson = client.get("/n/school/physics/lessons/getting-started/first-lesson")
    assert "/edit/getting-started/first-lesson" not in lesson.get_data(as_text=True)
    client.login_as(school["lead"])
    client.post("/n/school/physics/settings/archive", data={"archived": "0"})
    db.session.expire_all()
    assert not course.is_archived
    assert Access.WRITE in permissions(member, network, course)


@pytest.mark.parametrize(
    "action, form",
    [
        pytest.param("archive", {"archived": "1"}, id="archive"),
        pytest.param("delete", {"confirmation": "physics"}, id="delete"),
    ],
)
def test_members_cannot_archive_or_delete_a_course(
    app: Any, client: Any, school: dict[str, Any], action: str, form: dict[str, str]
) -> None:
    course = make_course(school["network"], school["lead"])
    client.login_as(school["member"])
    with unchanged(app, course=course):
        response = client.post(f"/n/school/physics/settings/{action}", data=form)
    assert response.status_code == 403
    assert NOT_ALLOWED in response.get_data(as_text=True)
    db.session.expire_all()
    assert _course() is not None and not course.is_archived
    assert repo_store().exists(course.id)


# Delete ------------------------------------------------------------------------------------


def test_deleting_needs_the_slug_typed_exactly(
    app: Any, client: Any, school: dict[str, Any]
) -> None:
    course = make_course(school["network"], school["lead"])
    client.login_as(school["lead"])
    with unchanged(app, course=course):
        response = client.post(
            "/n/school/physics/settings/delete", data={"confirmation": "Physics"}
        )
    assert response.status_code == 200
    assert "exactly to confirm" in response.get_data(as_text=True)
    assert _course() is not None
    assert repo_store().exists(course.id)


def test_leader_deletes_the_course_and_its_repository(client: Any, school: dict[str, Any]) -> None:
    course = make_course(school["network"], school["lead"])
    commit_files(course, school["lead"], {"course.yaml": COURSE_YAML})
    course_id = course.id
    client.login_as(school["lead"])
    assert client.get("/n/school/physics/settings/delete").status_code == 200
    response = client.post("/n/school/physics/settings/delete", data={"confirmation": "physics"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/n/school/")
    db.session.expire_all()
    assert _course() is None
    assert not repo_store().exists(course_id)
    assert not repo_store().path_for(course_id).exists()
    assert client.get("/n/school/physics/").status_code == 404
    deleted = db.session.scalar(db.select(Activity).filter_by(verb="deleted"))
    assert deleted is not None and "Physics in Motion" in deleted.summary
