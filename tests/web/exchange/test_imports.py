"""Importing lessons through the API: a Carpentries-style lesson in both formats, single
Markdown files, choices made on the preview, and what is refused. Nothing reaches the course
before the commit; the commit is one, by the person who imported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from courses_support import commit_files, git, lesson_file
from flask import Flask
from import_support import IMPORTS, PICTURE, jekyll_zip, upload, word_file, workbench_zip, zip_of
from testdata import png
from threads_support import client_as, make_lesson_school

from workspace.content.checks import check_lesson
from workspace.content.layout import check_layout
from workspace.models import CourseImport

LESSON_PAGE = "/n/school/physics/lessons/{}"


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return make_lesson_school(make_user, make_network)


def _head(school: dict[str, Any]) -> str:
    return git(school["course"], "rev-parse", "main").strip()


def _problems(lesson: dict[str, Any]) -> list[str]:
    return [problem["message"] for problem in lesson["problems"]]


def test_a_carpentries_lesson_is_previewed_then_committed_as_one_commit_by_the_importer(
    app: Flask, school: dict[str, Any]
) -> None:
    client = client_as(app, school["member"])
    before = _head(school)
    answer = upload(client, ("measuring-motion.zip", workbench_zip()))
    assert answer.status_code == 201, answer.get_json()
    preview = answer.get_json()
    assert preview["status"] == "preview"
    intro, speed = preview["lessons"]  # in the order config.yaml lists the episodes
    assert [intro["title"], speed["title"]] == ["Why measure motion?", "Speed from a graph"]
    assert intro["unit_title"] == "Measuring Motion" and intro["new_unit"] is True
    assert intro["path"] == "units/measuring-motion/lessons/why-measure-motion.md"
    [ramp] = intro["images"]
    assert ramp["path"] == "units/measuring-motion/lessons/images/ramp.png"
    assert any("SVG" in message for message in _problems(speed))
    assert any("2 episodes" in note and "1 other page" in note for note in preview["notes"])
    assert _head(school) == before  # a preview writes nothing

    done = client.post(f"{IMPORTS}/{preview['id']}/commit")
    assert done.status_code == 200, done.get_json()
    result = done.get_json()
    assert result["lessons"] == [intro["path"], speed["path"]]
    assert git(school["course"], "rev-parse", "main").strip() == result["commit"]
    assert git(school["course"], "rev-list", "--count", f"{before}..main").strip() == "1"
    subject = git(school["course"], "log", "-1", "--format=%an|%s", "main").strip()
    assert subject == "Member|Imported 2 lessons from measuring-motion.zip"
    outline = git(school["course"], "show", "main:course.yaml")
    assert "measuring-motion" in outline and "why-measure-motion" in outline
    # Every file it wrote is one the course format (and so a push) accepts.
    for path in git(school["course"], "ls-tree", "-r", "--name-only", "main").split():
        assert check_layout(path) is None, path
        if path.endswith(".md") and "/lessons/" in path:
            assert check_lesson(git(school["course"], "show", f"main:{path}")) == [], path
    picture = git(school["course"], "cat-file", "-s", f"main:{ramp['path']}").strip()
    assert int(picture) == ramp["size"]


def test_an_imported_carpentries_lesson_renders_its_boxes_alt_text_and_folded_solutions(
    app: Flask, school: dict[str, Any]
) -> None:
    client = client_as(app, school["member"])
    preview = upload(client, ("measuring-motion.zip", workbench_zip())).get_json()
    client.post(f"{IMPORTS}/{preview['id']}/commit")
    page = client.get(LESSON_PAGE.format("measuring-motion/why-measure-motion")).get_data(
        as_text=True
    )
    assert 'alt="A ball on a wooden ramp beside a metre stick"' in page
    assert "{alt=" not in page and ":::" not in page
    assert "<details" in page and "Show the solution" in page and "Show a hint" in page
    for label in ("Challenge", "Key points", "Questions", "Discussion", "Checklist"):
        assert label in page, label
    assert "Safety briefing" in page  # a kind the course does not know is a labelled box
    student = client.get(
        LESSON_PAGE.format("measuring-motion/why-measure-motion") + "/print?copy=student"
    ).get_data(as_text=True)
    assert "ANSWER-FOR-TEACHERS-ONLY" in page and "ANSWER-FOR-TEACHERS-ONLY" not in student
    speed = client.get(LESSON_PAGE.format("measuring-motion/speed-from-a-graph")).get_data(
        as_text=True
    )
    assert 'alt="Distance-time graph of the ball"' in speed
    assert "Image not imported: Arrows showing the direction of motion" in speed


def test_the_older_carpentries_format_becomes_the_same_boxes(
    app: Flask, school: dict[str, Any]
) -> None:
    client = client_as(app, school["member"])
    preview = upload(client, ("pendulum.zip", jekyll_zip())).get_json()
    [lesson] = preview["lessons"]
    assert lesson["title"] == "Timing a pendulum" and lesson["unit_title"] == "Pendulums"
    assert any("2 boxes" in message for message in _problems(lesson))
    assert [image["path"] for image in lesson["images"]] == [
        "units/pendulums/lessons/images/pendulum.png"
    ]
    client.post(f"{IMPORTS}/{preview['id']}/commit")
    text = git(school["course"], "show", f"main:{lesson['path']}")
    assert ":::: challenge" in text and "::: solution" in text and "~~~python" in text
    assert "{:" not in text and "{%" not in text and "page.root" not in text
    assert "![A pendulum](images/pendulum.png)" in text
    assert "questions:" in text and "keypoints:" in text  # its front matter is kept
    page = client.get(LESSON_PAGE.format("pendulums/timing-a-pendulum")).get_data(as_text=True)
    assert "<details" in page and "period = time / 10" in page


def test_a_single_markdown_file_goes_to_the_first_unit_and_a_taken_name_is_suffixed(
    app: Flask, school: dict[str, Any]
) -> None:
    client = client_as(app, school["member"])
    text = "# Rolling down ramps\n\nA second take on ramps.\n"
    preview = upload(client, ("ramps.md", text.encode())).get_json()
    [lesson] = preview["lessons"]
    assert lesson["title"] == "Rolling down ramps" and lesson["unit"] == "getting-started"
    assert lesson["new_unit"] is False
    assert lesson["slug"] == "rolling-down-ramps"
    commit_files(
        school["course"],
        school["lead"],
        {"units/getting-started/lessons/rolling-down-ramps.md": lesson_file("Rolling down ramps")},
    )
    again = client.get(f"{IMPORTS}/{preview['id']}").get_json()["lessons"][0]
    assert again["slug"] == "rolling-down-ramps-2"  # planned against the course as it is now
    assert any("already has a lesson" in message for message in _problems(again))
    client.post(f"{IMPORTS}/{preview['id']}/commit")
    saved = git(
        school["course"], "show", "main:units/getting-started/lessons/rolling-down-ramps-2.md"
    )
    assert saved.startswith("---\ntitle: Rolling down ramps\n---\n")
    assert "# Rolling down ramps" not in saved  # the title is not repeated in the body


def test_choices_change_the_plan_and_bad_choices_are_refused(
    app: Flask, school: dict[str, Any]
) -> None:
    client = client_as(app, school["member"])
    preview = upload(client, ("measuring-motion.zip", workbench_zip())).get_json()
    url = f"{IMPORTS}/{preview['id']}"
    intro, speed = (lesson["source"] for lesson in preview["lessons"])
    changed = client.patch(
        url,
        json={
            "lessons": [
                {"source": intro, "unit": "motion", "slug": "why-measure"},
                {"source": speed, "include": False},
            ]
        },
    ).get_json()
    first, second = changed["lessons"]
    assert first["path"] == "units/motion/lessons/why-measure.md"
    assert first["images"][0]["path"] == "units/motion/lessons/images/ramp.png"
    assert second["include"] is False and changed["new_units"] == []
    bad = client.patch(url, json={"lessons": [{"source": intro, "slug": "Why Measure!"}]})
    assert bad.status_code == 400 and "lowercase" in bad.get_json()["message"]
    unknown = client.patch(url, json={"lessons": [{"source": "nope.md", "unit": "motion"}]})
    assert unknown.status_code == 400
    taken = client.patch(url, json={"lessons": [{"source": intro, "slug": "ramps"}]}).get_json()
    assert taken["ready"] is False
    refused = client.post(f"{url}/commit")
    assert refused.status_code == 422
    assert "already has a lesson named" in refused.get_json()["problems"][0]["message"]
    client.patch(url, json={"lessons": [{"source": intro, "slug": "why-measure"}]})
    done = client.post(f"{url}/commit").get_json()
    assert done["lessons"] == ["units/motion/lessons/why-measure.md"]
    assert "measuring-motion" not in git(school["course"], "show", "main:course.yaml")
    again = client.post(f"{url}/commit")
    assert again.status_code == 409


def test_a_file_that_is_not_utf8_waits_for_its_encoding(app: Flask, school: dict[str, Any]) -> None:
    client = client_as(app, school["member"])
    data = "---\ntitle: Caf\u00e9 chemistry\n---\nA caf\u00e9 experiment \u2013 safely.\n"
    preview = upload(client, ("cafe.md", data.encode("cp1252"))).get_json()
    [lesson] = preview["lessons"]
    assert lesson["detected_encoding"] == "cp1252"
    [problem] = [p for p in lesson["problems"] if p["severity"] == "error"]
    assert "not written in UTF-8" in problem["message"] and "Windows-1252" in problem["message"]
    assert client.post(f"{IMPORTS}/{preview['id']}/commit").status_code == 422
    chosen = client.patch(
        f"{IMPORTS}/{preview['id']}",
        json={"lessons": [{"source": lesson["source"], "encoding": "cp1252"}]},
    ).get_json()["lessons"][0]
    assert chosen["title"] == "Caf\u00e9 chemistry" and chosen["problems"] == []
    client.post(f"{IMPORTS}/{preview['id']}/commit")
    saved = git(school["course"], "show", f"main:{chosen['path']}")
    assert "A caf\u00e9 experiment \u2013 safely." in saved


def test_broken_front_matter_is_kept_as_text_for_the_author_to_fix(
    app: Flask, school: dict[str, Any]
) -> None:
    client = client_as(app, school["member"])
    text = "---\ntitle: [unclosed\n---\nThe body.\n"
    [lesson] = upload(client, ("broken.md", text.encode())).get_json()["lessons"]
    assert any("could not be read" in message for message in _problems(lesson))
    assert not [p for p in lesson["problems"] if p["severity"] == "error"]


def test_a_word_document_is_imported_with_its_headings_lists_table_and_pictures(
    app: Flask, school: dict[str, Any]
) -> None:
    client = client_as(app, school["member"])
    preview = upload(client, ("Forces and motion.docx", word_file())).get_json()
    [lesson] = preview["lessons"]
    assert lesson["title"] == "Forces and motion" and lesson["slug"] == "forces-and-motion"
    assert len(lesson["images"]) == 2
    assert any("alt text" in message for message in _problems(lesson))  # one has none
    client.post(f"{IMPORTS}/{preview['id']}/commit")
    page = client.get(LESSON_PAGE.format(lesson["path"].split("/")[1] + "/forces-and-motion"))
    html = page.get_data(as_text=True)
    assert "<table" in html and "<ol" in html and "Warm up" in html
    assert 'alt="A red cart at the top of a ramp"' in html
    picture = lesson["images"][0]["path"]
    assert git(school["course"], "cat-file", "-s", f"main:{picture}").strip() == str(len(PICTURE))


def test_a_file_named_docx_that_is_not_one_is_refused_clearly(
    app: Flask, school: dict[str, Any]
) -> None:
    answer = upload(client_as(app, school["member"]), ("notes.docx", b"just some text"))
    assert answer.status_code == 422
    assert "Word" in answer.get_json()["message"]
    assert CourseImport.query.count() == 0


HOSTILE = {
    "escaping.zip": (zip_of({"../../evil.md": "# Evil\n"}), 422, "outside its folder"),
    "rooted.zip": (zip_of({"/etc/evil.md": "# Evil\n"}), 422, "top of a disk"),
    "linked.zip": (
        zip_of({"lesson.md": "# Fine\n"}, links={"secret.md": "/etc/passwd"}),
        422,
        "link",
    ),
    "broken.zip": (b"PK\x03\x04 this is not really an archive", 422, "not a zip archive"),
    "empty.zip": (zip_of({"notes.txt": "nothing to import"}), 422, "no lessons"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_archive_is_refused_whole_and_nothing_is_kept(
    app: Flask, school: dict[str, Any], name: str
) -> None:
    data, status, words = HOSTILE[name]
    client = client_as(app, school["member"])
    before = _head(school)
    answer = upload(client, (name, data))
    assert answer.status_code == status
    assert words in answer.get_json()["message"]
    assert _head(school) == before
    assert CourseImport.query.count() == 0
    root = Path(app.config["IMPORTS_ROOT"])
    assert not root.exists() or not any(root.iterdir())


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "IMPORT_MAX_UNPACKED_BYTES": 1_000_000, "IMPORT_MAX_BYTES": 300_000}


def test_a_zip_bomb_is_refused_by_what_it_would_unpack_to(
    app: Flask, school: dict[str, Any]
) -> None:
    bomb = zip_of({"lesson.md": "# Big\n", "padding.md": b"0" * 3_000_000})
    assert len(bomb) < 50_000
    answer = upload(client_as(app, school["member"]), ("bomb.zip", bomb))
    assert answer.status_code == 413
    assert "unpacks to 3 MB" in answer.get_json()["message"]


def test_an_upload_over_the_size_limit_is_refused_with_a_clear_message(
    app: Flask, school: dict[str, Any]
) -> None:
    client = client_as(app, school["member"])
    # (Under the test client's 500 kB spooling threshold, so no temporary file is left open.)
    answer = upload(client, ("huge.md", b"# Huge\n" + b"x" * 400_000))
    assert answer.status_code == 413
    assert "larger than" in answer.get_json()["message"]
    page = upload(client, ("huge.md", b"x" * 400_000), url="/n/school/physics/import")
    assert page.status_code == 413 and "Nothing was saved" in page.get_data(as_text=True)
    assert CourseImport.query.count() == 0


def test_imports_are_for_writers_and_each_is_seen_only_by_its_uploader(
    app: Flask, school: dict[str, Any]
) -> None:
    files = ("ramps.md", b"# Ramps again\n")
    assert upload(app.test_client(), files).status_code == 401
    assert upload(client_as(app, school["reader"]), files).status_code == 403
    assert upload(client_as(app, school["outsider"]), files).status_code == 404
    preview = upload(client_as(app, school["member"]), files).get_json()
    other = client_as(app, school["lead"])
    assert other.get(f"{IMPORTS}/{preview['id']}").status_code == 404
    assert other.post(f"{IMPORTS}/{preview['id']}/commit").status_code == 404


def test_an_expired_preview_is_gone_with_its_files(app: Flask, school: dict[str, Any]) -> None:
    from datetime import timedelta

    from workspace.extensions import db
    from workspace.models._base import utcnow

    client = client_as(app, school["member"])
    preview = upload(client, ("measuring-motion.zip", workbench_zip())).get_json()
    folder = Path(app.config["IMPORTS_ROOT"]) / preview["id"]
    assert any(folder.iterdir())  # its pictures wait here, not in the course
    row = db.session.get(CourseImport, preview["id"])
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    answer = client.get(f"{IMPORTS}/{preview['id']}")
    assert answer.status_code == 404 and "expired" in answer.get_json()["message"]
    assert not folder.exists()
    assert json.loads(upload(client, ("a.md", b"# A\n")).data)["status"] == "preview"
    assert png(2)  # the fixtures' pictures are real PNG files
