"""Word downloads of a lesson, a unit and a whole course: what each kind of visitor gets.

The teacher copy (with the notes for teachers) is for the network's people, as on the lesson
page; a visitor asking for it gets the student copy; a private course's files answer 404 to
anyone outside. The documents are read back with python-docx, as a teacher would open them.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any
from urllib.parse import unquote

import docx
import pytest
from courses_support import commit_files, lesson_file, make_course, make_school
from teacher_language import git_words
from testdata import png

PICTURE = png(12)
COURSE_YAML = """\
title: Physics in Motion
units:
  - slug: getting-started
    title: Getting started
    lessons: [first-lesson]
  - slug: motion
    title: Motion
    lessons: [carts, speed]
  - slug: energy
    title: Energy
    lessons: [heat]
"""
CARTS = """## Warm up

Push the carts.

![A cart](images/cart.png){alt='A red cart on a ramp'}

::: instructor
Learners confuse mass and weight.
:::

::::: challenge
Which cart goes further?

:::: solution
The lighter one.
::::
:::::
"""
UNIT = "---\ntitle: Motion\nsummary: How things move.\n---\nCarts first.\n"
LESSON = "/n/school/physics/lessons/motion/carts"


def school_with(make_user: Any, make_network: Any, *, public: bool) -> dict[str, Any]:
    data = make_school(make_user, make_network, public=public)
    data["course"] = make_course(data["network"], data["lead"])
    data["v1"] = commit_files(
        data["course"],
        data["lead"],
        {
            "course.yaml": COURSE_YAML,
            "units/motion/unit.md": UNIT,
            "units/motion/lessons/carts.md": lesson_file("Carts on a ramp", CARTS, duration=50),
            "units/motion/lessons/images/cart.png": PICTURE,
            "units/motion/lessons/speed.md": lesson_file("Speed", "## Launch\n\nHow fast?\n"),
            "units/energy/lessons/heat.md": lesson_file("Heat", "Warm hands.\n"),
        },
    )
    return data


@pytest.fixture
def public_school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return school_with(make_user, make_network, public=True)


@pytest.fixture
def private_school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return school_with(make_user, make_network, public=False)


def signed_in(app: Any, user: Any) -> Any:
    client = app.test_client()
    client.login_as(user)
    return client


def text_of(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def download_name(response: Any) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    if "filename*=UTF-8''" in disposition:
        return unquote(disposition.split("filename*=UTF-8''", 1)[1])
    return disposition.split("filename=", 1)[1].strip('"')


def test_a_member_downloads_the_teacher_copy_with_notes_and_solutions_at_the_end(
    app: Any, private_school: dict[str, Any]
) -> None:
    member = signed_in(app, private_school["member"])
    response = member.get(f"{LESSON}.docx?version=teacher")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert download_name(response) == "Carts on a ramp (teacher copy).docx"
    text = text_of(response.data)
    assert "Learners confuse mass and weight." in text
    assert text.index("Solutions") < text.index("The lighter one.")
    assert "Duration: 50 minutes" in text
    (shape,) = docx.Document(io.BytesIO(response.data)).inline_shapes
    assert shape._inline.docPr.get("descr") == "A red cart on a ramp"


def test_the_student_copy_has_no_notes_for_teachers_and_can_leave_out_the_answers(
    app: Any, private_school: dict[str, Any]
) -> None:
    member = signed_in(app, private_school["member"])
    response = member.get(f"{LESSON}.docx?version=student&solutions=omit")
    assert download_name(response) == "Carts on a ramp (student copy).docx"
    text = text_of(response.data)
    assert "Which cart goes further?" in text
    assert "Learners confuse" not in text and "The lighter one." not in text
    # A student copy leaves the answers out unless asked to put them at the end.
    assert "The lighter one." not in text_of(member.get(f"{LESSON}.docx?version=student").data)
    at_end = text_of(member.get(f"{LESSON}.docx?version=student&solutions=end").data)
    assert "The lighter one." in at_end and "Learners confuse" not in at_end


def test_a_network_reader_gets_the_teacher_copy_as_on_the_lesson_page(
    app: Any, private_school: dict[str, Any]
) -> None:
    reader = signed_in(app, private_school["reader"])
    response = reader.get(f"{LESSON}.docx?version=teacher")
    assert response.status_code == 200
    assert "Learners confuse mass and weight." in text_of(response.data)


def test_a_visitor_asking_for_the_teacher_copy_gets_the_student_copy(
    app: Any, public_school: dict[str, Any], client: Any
) -> None:
    for visitor in (client, signed_in(app, public_school["outsider"])):
        response = visitor.get(f"{LESSON}.docx?version=teacher")
        assert response.status_code == 200
        assert download_name(response) == "Carts on a ramp (student copy).docx"
        text = text_of(response.data)
        assert "Learners confuse" not in text and "Which cart goes further?" in text


def test_a_private_course_gives_nothing_to_outsiders(
    app: Any, private_school: dict[str, Any], client: Any
) -> None:
    outsider = signed_in(app, private_school["outsider"])
    urls = [
        f"{LESSON}.docx",
        "/n/school/physics/units/motion.docx",
        "/n/school/physics/course.docx.zip",
    ]
    for visitor in (client, outsider):
        for url in urls:
            assert visitor.get(url).status_code == 404, url


def test_an_earlier_version_and_a_missing_lesson(app: Any, private_school: dict[str, Any]) -> None:
    member = signed_in(app, private_school["member"])
    course, lead = private_school["course"], private_school["lead"]
    commit_files(
        course, lead, {"units/motion/lessons/carts.md": lesson_file("Carts, revised", "New.\n")}
    )
    assert "Carts, revised" in text_of(member.get(f"{LESSON}.docx").data)
    old = member.get(f"{LESSON}.docx?rev={private_school['v1']}")
    assert "Push the carts." in text_of(old.data)
    assert member.get("/n/school/physics/lessons/motion/nothing.docx").status_code == 404
    assert member.get("/n/school/physics/units/nothing.docx").status_code == 404


def test_a_unit_downloads_as_one_document_with_its_lessons_in_course_order(
    app: Any, public_school: dict[str, Any], client: Any
) -> None:
    response = client.get("/n/school/physics/units/motion.docx")
    assert response.status_code == 200
    assert download_name(response) == "Motion (student copy).docx"
    document = docx.Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Carts on a ramp", "Speed"]
    text = text_of(response.data)
    assert (
        text.index("How things move.") < text.index("Carts first.") < text.index("Push the carts.")
    )
    assert "Learners confuse" not in text
    assert len(document.inline_shapes) == 1


def test_the_course_downloads_as_a_zip_of_unit_and_lesson_documents(
    app: Any, private_school: dict[str, Any]
) -> None:
    member = signed_in(app, private_school["member"])
    response = member.get("/n/school/physics/course.docx.zip?version=teacher")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert download_name(response) == "Physics in Motion (teacher copy).zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert names == [
        "getting-started.docx",
        "getting-started/first-lesson.docx",
        "motion.docx",
        "motion/carts.docx",
        "motion/speed.docx",
        "energy.docx",
        "energy/heat.docx",
    ]
    assert "Learners confuse" in text_of(archive.read("motion/carts.docx"))
    student = zipfile.ZipFile(io.BytesIO(member.get("/n/school/physics/course.docx.zip").data))
    assert "Learners confuse" in text_of(student.read("motion/carts.docx"))  # members' default
    student = member.get("/n/school/physics/course.docx.zip?version=student")
    lesson = zipfile.ZipFile(io.BytesIO(student.data)).read("motion/carts.docx")
    assert "Learners confuse" not in text_of(lesson) and "The lighter one." not in text_of(lesson)


def test_a_title_with_odd_characters_gives_a_safe_file_name(
    app: Any, private_school: dict[str, Any]
) -> None:
    course, lead = private_school["course"], private_school["lead"]
    title = '"Forces" / motion: \u00e9nergie\\ <1>'
    commit_files(course, lead, {"units/motion/lessons/carts.md": lesson_file(f"'{title}'", "x\n")})
    response = signed_in(app, private_school["member"]).get(f"{LESSON}.docx")
    name = download_name(response)
    assert name == "Forces motion \u00e9nergie 1 (teacher copy).docx"
    assert "\n" not in response.headers["Content-Disposition"]


def test_pages_offer_the_word_downloads_in_teachers_words(
    app: Any, public_school: dict[str, Any], client: Any
) -> None:
    member = signed_in(app, public_school["member"])
    lesson = member.get(LESSON).get_data(as_text=True)
    assert "Download as Word (student)" in lesson and "Download as Word (teacher)" in lesson
    assert f'href="{LESSON}.docx?version=teacher"' in lesson
    home = member.get("/n/school/physics/").get_data(as_text=True)
    assert 'href="/n/school/physics/course.docx.zip?version=teacher"' in home
    assert 'href="/n/school/physics/units/motion.docx?version=teacher"' in home
    assert 'teacher copy<span class="visually-hidden"> of Motion</span></a>' in home
    assert git_words(lesson) == [] and git_words(home) == []
    visitor_lesson = client.get(LESSON).get_data(as_text=True)
    visitor_home = client.get("/n/school/physics/").get_data(as_text=True)
    assert "Download as Word (student)" in visitor_lesson
    assert "Download as Word (teacher)" not in visitor_lesson + visitor_home
    assert "units/motion.docx?version=teacher" not in visitor_home
    assert "units/motion.docx?version=student" in visitor_home


ROUND_TRIP = """## Warm up

- a tape measure
- a stopwatch

1. Set up the ramp
2. Release the cart

| Mass | Distance |
|------|----------|
| 1    | 2.5      |

![A cart](images/cart.png){alt='A red cart on a ramp'}

::::: challenge
Which cart goes further?

:::: solution
The lighter one.
::::
:::::
"""


def test_a_lesson_exported_to_word_and_imported_again_keeps_what_it_had(
    app: Any, private_school: dict[str, Any]
) -> None:
    from import_support import IMPORTS, upload

    course, lead = private_school["course"], private_school["lead"]
    commit_files(course, lead, {"units/motion/lessons/carts.md": lesson_file("Carts", ROUND_TRIP)})
    member = signed_in(app, private_school["member"])
    exported = member.get(f"{LESSON}.docx?version=teacher&solutions=inline")
    preview = upload(member, ("Carts.docx", exported.data))
    assert preview.status_code == 201, preview.get_json()
    (lesson,) = preview.get_json()["lessons"]
    assert lesson["title"] == "Carts"
    done = member.post(f"{IMPORTS}/{preview.get_json()['id']}/commit")
    assert done.status_code == 200, done.get_json()
    (path,) = done.get_json()["lessons"]
    unit, name = path.removeprefix("units/").removesuffix(".md").split("/lessons/")
    before = member.get(LESSON).get_data(as_text=True)
    after = member.get(f"/n/school/physics/lessons/{unit}/{name}").get_data(as_text=True)
    for page in (before, after):
        for shown in (
            "<h3",  # lesson headings sit below the page's own
            "Warm up</h3>",
            "<li>a tape measure</li>",
            "<li>Release the cart</li>",
            "<td>2.5</td>",
            'alt="A red cart on a ramp"',
            "Which cart goes further?",
            "The lighter one.",
        ):
            assert shown in page, shown
    image = re.search(r'<img src="([^"]+)" alt="A red cart on a ramp"', after)
    assert image is not None
    assert member.get(image.group(1)).data == PICTURE
