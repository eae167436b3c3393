"""Reading: the course home, lesson pages at any version, raw files, standards, print, zip."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from courses_support import (
    COURSE_YAML,
    commit_files,
    lesson_file,
    make_course,
    make_school,
)

from workspace.extensions import db
from workspace.models import RenderedBlob
from workspace.runtime import reading_cache, repo_store

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

SPEED = lesson_file(
    "Speed and velocity",
    "Intro paragraph.\n\n::: teacher-notes\nWatch for unit errors.\n:::\n\n"
    "![Motion diagram](images/diagram.png)\n\n[Next: heat](../../energy/lessons/heat.md)\n",
    duration=45,
    grade_band="9-12",
    standards=["HS-PS2-1", "hs ps2 2"],
    objectives=["Tell speed from velocity"],
    materials=["Stopwatches", "Tape measures"],
)
HEAT = lesson_file("Heat flow", duration=50, standards=["HS-PS3-2"])
ACCELERATION = lesson_file("Speeding up", duration=40)
STRAY = lesson_file("Stray lesson")


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network)
    course = make_course(data["network"], data["lead"])
    files = {
        "course.yaml": COURSE_YAML,
        "units/motion/lessons/speed.md": SPEED,
        "units/motion/lessons/acceleration.md": ACCELERATION,
        "units/motion/lessons/stray.md": STRAY,
        "units/motion/lessons/images/diagram.png": PNG,
        "units/motion/lessons/images/drawing.svg": SVG,
        "units/energy/lessons/heat.md": HEAT,
    }
    data["v1"] = commit_files(course, data["member"], files, "Add motion and energy lessons")
    data["course"] = course
    return data


def _text(response: Any) -> str:
    return response.get_data(as_text=True)


SPEED_URL = "/n/school/physics/lessons/motion/speed"


# Course home -------------------------------------------------------------------------------


def test_course_home_lists_lessons_in_course_yaml_order_with_unlisted_marked(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    html = _text(client.get("/n/school/physics/"))
    positions = [html.index(title) for title in ["Speed and velocity", "Speeding up", "Heat flow"]]
    assert positions == sorted(positions)
    stray = html.index("Stray lesson")
    assert html.index("Speeding up") < stray < html.index("Heat flow")  # unlisted: end of its unit
    assert "Unlisted" in html[stray : stray + 400]
    assert "No file" in html  # `ghost` is listed but has no file
    assert "45 min" in html and "HS-PS2-1" in html and "HS-PS2-2" in html
    assert 'href="/n/school/physics/standards/HS-PS2-1"' in html
    # Every lesson in the outline links to its page, and the links work.
    links = re.findall(r'class="lesson-item__title" href="([^"]+)"', html)
    assert "/n/school/physics/lessons/motion/speed" in links
    assert all(client.get(link).status_code == 200 for link in links)


def test_course_home_offers_clone_address_token_link_and_recent_changes(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["member"])
    html = _text(client.get("/n/school/physics/"))
    assert 'value="http://localhost/git/school/physics.git"' in html
    assert "readonly" in html
    assert "git clone http://localhost/git/school/physics.git" in html
    assert 'href="/settings/tokens"' in html
    assert "Add motion and energy lessons" in html
    assert f'href="/n/school/physics/commit/{school["v1"]}"' in html
    assert 'href="/n/school/physics/history"' in html
    assert 'href="/n/school/physics/print"' in html
    assert 'href="/n/school/physics/archive/main.zip"' in html
    assert "/n/school/physics/settings" not in html  # members do not manage the course


def test_course_home_shows_ten_recent_changes(client: Any, school: dict[str, Any]) -> None:
    for number in range(12):
        note = {"notes.md": f"{number}"}
        commit_files(school["course"], school["member"], note, f"Note {number}")
    client.login_as(school["reader"])
    html = _text(client.get("/n/school/physics/"))
    assert "Note 11" in html and "Note 2" in html
    assert "Note 1<" not in html and "Note 0" not in html


# Lesson page -------------------------------------------------------------------------------


def test_lesson_page_shows_body_sections_facts_standards_and_last_change(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    response = client.get(SPEED_URL)
    assert response.status_code == 200
    html = _text(response)
    assert "<h1>Speed and velocity</h1>" in html
    assert "lesson-section--teacher-notes" in html and "Watch for unit errors." in html
    assert "45 minutes" in html and "9-12" in html
    assert 'href="/n/school/physics/standards/HS-PS2-2"' in html  # normalized from "hs ps2 2"
    assert "Tell speed from velocity" in html and "Tape measures" in html
    assert re.search(r"Last changed <time[^>]*>[^<]+</time>\s+by Member", html)
    assert f'href="/n/school/physics/commit/{school["v1"]}"' in html
    assert 'src="/n/school/physics/raw/main/units/motion/lessons/images/diagram.png"' in html
    assert 'href="/n/school/physics/lessons/energy/heat"' in html


def test_edit_link_only_for_those_who_may_write(client: Any, school: dict[str, Any]) -> None:
    edit = 'href="/n/school/physics/edit/motion/speed"'
    client.login_as(school["reader"])
    assert edit not in _text(client.get(SPEED_URL))
    client.login_as(school["partner"])
    assert edit not in _text(client.get(SPEED_URL))
    client.login_as(school["member"])
    assert edit in _text(client.get(SPEED_URL))


def test_linked_resources_are_safe_web_links(client: Any, school: dict[str, Any]) -> None:
    text = (
        "---\ntitle: Resources\nresources:\n"
        "  - {id: r1, title: Wind data, url: 'https://data.example.org/wind'}\n"
        "  - {id: r2, title: Sneaky, url: 'javascript:alert(1)'}\n---\nBody\n"
    )
    commit_files(school["course"], school["member"], {"units/motion/lessons/res.md": text})
    client.login_as(school["reader"])
    html = _text(client.get("/n/school/physics/lessons/motion/res"))
    assert '<a href="https://data.example.org/wind" rel="noopener noreferrer">Wind data</a>' in html
    assert "Sneaky" in html
    assert "javascript:" not in html


def test_earlier_version_is_shown_with_a_banner(client: Any, school: dict[str, Any]) -> None:
    new = SPEED.replace("Intro paragraph.", "Rewritten introduction.")
    v2 = commit_files(school["course"], school["member"], {"units/motion/lessons/speed.md": new})
    client.login_as(school["reader"])
    current = _text(client.get(SPEED_URL))
    assert "Rewritten introduction." in current
    assert "You are viewing an earlier version" not in current
    old = _text(client.get(f"{SPEED_URL}?rev={school['v1']}"))
    assert "Intro paragraph." in old and "Rewritten introduction." not in old
    assert "You are viewing an earlier version" in old
    assert f"/raw/{school['v1']}/units/motion/lessons/images/diagram.png" in old
    assert f'href="/n/school/physics/lessons/energy/heat?rev={school["v1"]}"' in old
    assert "You are viewing an earlier version" not in _text(client.get(f"{SPEED_URL}?rev={v2}"))


def test_an_earlier_version_can_be_restored_from_its_page_by_writers(
    client: Any, school: dict[str, Any]
) -> None:
    new = SPEED.replace("Intro paragraph.", "Rewritten introduction.")
    commit_files(school["course"], school["member"], {"units/motion/lessons/speed.md": new})
    client.login_as(school["reader"])
    assert "Restore this version" not in _text(client.get(f"{SPEED_URL}?rev={school['v1']}"))

    client.login_as(school["member"])
    old = _text(client.get(f"{SPEED_URL}?rev={school['v1']}"))
    assert "Restore this version" in old
    form = re.search(r'<form method="post" class="inline" action="([^"]+)"', old)
    assert form is not None
    restored = client.post(
        form.group(1),
        data={"rev": school["v1"], "from": "units/motion/lessons/speed.md"},
        follow_redirects=True,
    )
    assert restored.status_code == 200
    assert "Intro paragraph." in _text(client.get(SPEED_URL))


def test_course_home_offers_organize_to_writers_only(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["reader"])
    assert "/organize" not in _text(client.get("/n/school/physics/"))
    client.login_as(school["member"])
    assert "/n/school/physics/organize" in _text(client.get("/n/school/physics/"))


@pytest.mark.parametrize("rev", ["nothex", "0000000000000000000000000000000000000000", "--all"])
def test_unknown_versions_are_404_with_a_message(
    client: Any, school: dict[str, Any], rev: str
) -> None:
    client.login_as(school["reader"])
    response = client.get(f"{SPEED_URL}?rev={rev}")
    assert response.status_code == 404
    assert "version" in _text(response)


def test_malformed_front_matter_shows_the_raw_text_and_the_error(
    client: Any, school: dict[str, Any]
) -> None:
    broken = "---\ntitle: [unclosed\nduration: 50\n---\nThe body survives.\n"
    commit_files(school["course"], school["member"], {"units/motion/lessons/broken.md": broken})
    client.login_as(school["member"])
    response = client.get("/n/school/physics/lessons/motion/broken")
    assert response.status_code == 200
    html = _text(response)
    assert "front matter cannot be read" in html
    assert "not valid YAML" in html
    assert "title: [unclosed" in html and "The body survives." in html
    assert client.get("/n/school/physics/").status_code == 200  # the course page survives too


@pytest.mark.parametrize(
    "path, message",
    [
        ("/lessons/nowhere/speed", "no unit \u201cnowhere\u201d"),
        ("/lessons/motion/nothing", "no lesson \u201cnothing\u201d"),
        ("/lessons/Motion_1/speed", "cannot be used"),
        ("/lessons/motion/..", None),
    ],
)
def test_bad_lesson_addresses_are_404_with_a_clear_message(
    client: Any, school: dict[str, Any], path: str, message: str | None
) -> None:
    client.login_as(school["reader"])
    response = client.get("/n/school/physics" + path)
    assert response.status_code == 404
    if message:
        assert message in _text(response)


# Raw files ---------------------------------------------------------------------------------


def test_raw_images_are_served_inline_with_their_type_and_nosniff(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    response = client.get("/n/school/physics/raw/main/units/motion/lessons/images/diagram.png")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert "no-cache" in response.headers["Cache-Control"]
    again = client.get(
        "/n/school/physics/raw/main/units/motion/lessons/images/diagram.png",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304
    image = "units/motion/lessons/images/diagram.png"
    pinned = client.get(f"/n/school/physics/raw/{school['v1']}/{image}")
    assert "immutable" in pinned.headers["Cache-Control"]
    assert "private" in pinned.headers["Cache-Control"]


@pytest.mark.parametrize("name, data", [("images/drawing.svg", SVG), ("speed.md", SPEED.encode())])
def test_svg_and_other_files_are_downloads_never_rendered(
    client: Any, school: dict[str, Any], name: str, data: bytes
) -> None:
    client.login_as(school["reader"])
    response = client.get(f"/n/school/physics/raw/main/units/motion/lessons/{name}")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["units/nothing.png", "units", "../secrets", ".git/config"])
def test_missing_or_invalid_raw_paths_are_404(
    client: Any, school: dict[str, Any], path: str
) -> None:
    client.login_as(school["reader"])
    assert client.get(f"/n/school/physics/raw/main/{path}").status_code == 404


# Zip, print, standards ---------------------------------------------------------------------


def test_zip_download_holds_the_files_of_that_version(client: Any, school: dict[str, Any]) -> None:
    commit_files(school["course"], school["member"], {"units/motion/lessons/speed.md": "changed"})
    client.login_as(school["reader"])
    response = client.get(f"/n/school/physics/archive/{school['v1']}.zip")
    assert response.status_code == 200
    short = school["v1"][:10]
    assert response.headers["Content-Disposition"] == f'attachment; filename="physics-{short}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.read(f"physics-{short}/units/motion/lessons/speed.md").decode() == SPEED
    assert archive.read(f"physics-{short}/course.yaml").decode() == COURSE_YAML
    head = zipfile.ZipFile(io.BytesIO(client.get("/n/school/physics/archive/main.zip").data))
    speed = next(n for n in head.namelist() if n.endswith("units/motion/lessons/speed.md"))
    assert head.read(speed) == b"changed"
    assert client.get("/n/school/physics/archive/beef.zip").status_code == 404


def test_a_zip_request_that_is_never_read_gives_its_repository_back(
    client: Any, school: dict[str, Any]
) -> None:
    store = repo_store()
    store.close()  # an empty pool, so what comes back is the download's reader
    client.login_as(school["reader"])
    response = client.head("/n/school/physics/archive/main.zip")
    assert response.status_code == 200
    response.close()  # what the server does once a response is sent, read or not
    assert any(entry[0] == school["course"].id for entry in store._pool)


def test_lesson_print_view_has_the_lesson_and_no_navigation(
    client: Any, school: dict[str, Any]
) -> None:
    client.login_as(school["reader"])
    html = _text(client.get(f"{SPEED_URL}?print=1"))
    assert "Speed and velocity" in html and "Watch for unit errors." in html
    assert "css/print.css" in html
    assert "site-header" not in html and "Edit" not in html


def test_course_print_view_has_every_lesson_in_order(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["reader"])
    response = client.get("/n/school/physics/print")
    assert response.status_code == 200
    html = _text(response)
    # Listed units in order (unlisted lessons last in theirs), then the unlisted example unit;
    # `ghost` is listed without a file and has nothing to print.
    assert html.count('class="print-lesson"') == 5
    body = html[html.index('class="print-lesson"') :]
    titles = ["Speed and velocity", "Speeding up", "Stray lesson", "Heat flow", "Your first lesson"]
    order = [body.index(title) for title in titles]
    assert order == sorted(order)
    assert "site-header" not in html


def test_standard_page_describes_it_and_lists_lessons_using_it(
    client: Any, school: dict[str, Any]
) -> None:
    other = make_course(school["network"], school["lead"], slug="forces", title="Forces")
    commit_files(other, school["lead"], {"units/a/lessons/push.md": lesson_file(
        "Pushes", standards=["HS-PS2-1"])})  # fmt: skip
    client.login_as(school["reader"])
    html = _text(client.get("/n/school/physics/standards/HS-PS2-1"))
    assert "Physical Sciences" in html
    assert 'href="/n/school/physics/lessons/motion/speed"' in html
    assert "Heat flow" not in html
    assert 'href="/n/school/forces/lessons/a/push"' in html
    moved = client.get("/n/school/physics/standards/hs-ps2-1")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/standards/HS-PS2-1")
    missing = client.get("/n/school/physics/standards/XX-99")
    assert missing.status_code == 404 and "not a valid" in _text(missing)


# Privacy -----------------------------------------------------------------------------------

PAGES = [
    "/n/school/physics/",
    SPEED_URL,
    f"{SPEED_URL}?print=1",
    "/n/school/physics/raw/main/units/motion/lessons/images/diagram.png",
    "/n/school/physics/archive/main.zip",
    "/n/school/physics/print",
    "/n/school/physics/standards/HS-PS2-1",
]


@pytest.mark.parametrize("page", PAGES)
def test_private_courses_are_404_for_outsiders_and_visitors(
    client: Any, school: dict[str, Any], page: str
) -> None:
    assert client.get(page).status_code == 404
    client.login_as(school["outsider"])
    assert client.get(page).status_code == 404
    client.login_as(school["reader"])
    assert client.get(page).status_code == 200


def test_public_network_courses_are_readable_by_visitors_without_edit_links(
    client: Any, school: dict[str, Any]
) -> None:
    school["network"].visibility = "public"
    db.session.commit()
    html = _text(client.get(SPEED_URL))
    assert "Speed and velocity" in html
    assert "/edit/" not in html


# Render cache ------------------------------------------------------------------------------


def test_a_second_view_does_not_render_again(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["reader"])
    cache = reading_cache()
    client.get(SPEED_URL)
    renders = cache.renders
    rows = db.session.scalar(db.select(db.func.count()).select_from(RenderedBlob))
    assert renders >= 1 and rows == renders
    client.get(SPEED_URL)
    assert cache.renders == renders
    cache.clear()  # another worker: nothing in memory, the shared table still has it
    assert "Watch for unit errors." in _text(client.get(SPEED_URL))
    assert cache.renders == renders
    assert db.session.scalar(db.select(db.func.count()).select_from(RenderedBlob)) == rows


def test_an_edited_lesson_renders_once_more(client: Any, school: dict[str, Any]) -> None:
    client.login_as(school["reader"])
    cache = reading_cache()
    client.get(SPEED_URL)
    before = cache.renders
    commit_files(school["course"], school["member"], {"units/motion/lessons/speed.md": HEAT})
    assert "Heat flow" in _text(client.get(SPEED_URL))
    assert cache.renders == before + 1
