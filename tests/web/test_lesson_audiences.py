"""Who sees what of a lesson: instructor notes are for the network's members (a visitor to a
public network does not get them), and a student copy for print leaves out the notes for
teachers and the answers."""

from __future__ import annotations

from typing import Any

import pytest
from courses_support import commit_files, lesson_file, make_course, make_school

URL = "/n/school/physics/lessons/motion/carts"
BODY = """Push the carts.

::: instructor
Learners confuse mass and weight.
:::

::: teacher-notes
Have spare carts ready.
:::

::::: challenge
Which cart goes further?

:::: solution
The lighter one.
::::
:::::
"""


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    data = make_school(make_user, make_network, public=True)
    data["course"] = make_course(data["network"], data["lead"])
    commit_files(
        data["course"], data["lead"], {"units/motion/lessons/carts.md": lesson_file("Carts", BODY)}
    )
    return data


def test_instructor_notes_are_for_members_only(
    app: Any, school: dict[str, Any], client: Any
) -> None:
    visitor = client.get(URL).get_data(as_text=True)
    assert "Learners confuse mass and weight." not in visitor
    assert "Push the carts." in visitor and "Have spare carts ready." in visitor
    reader = app.test_client()
    reader.login_as(school["reader"])
    assert "Learners confuse mass and weight." in reader.get(URL).get_data(as_text=True)


def test_a_student_copy_leaves_out_teachers_notes_and_answers(
    app: Any, school: dict[str, Any]
) -> None:
    member = app.test_client()
    member.login_as(school["member"])
    lesson = member.get(URL).get_data(as_text=True)
    assert "Print for students" in lesson
    student = member.get(f"{URL}?print=1&copy=student").get_data(as_text=True)
    assert "Which cart goes further?" in student
    for hidden in ("Learners confuse", "Have spare carts", "The lighter one."):
        assert hidden not in student
    teacher = member.get(f"{URL}?print=1").get_data(as_text=True)
    assert "The lighter one." in teacher and "Learners confuse" in teacher


def test_the_course_print_has_a_student_copy_and_hides_instructor_notes_from_visitors(
    app: Any, school: dict[str, Any], client: Any
) -> None:
    member = app.test_client()
    member.login_as(school["member"])
    course_print = "/n/school/physics/print"
    assert "Print for students" in member.get("/n/school/physics/").get_data(as_text=True)
    student = member.get(f"{course_print}?copy=student").get_data(as_text=True)
    assert "Which cart goes further?" in student
    assert "The lighter one." not in student and "Have spare carts" not in student
    teacher = member.get(course_print).get_data(as_text=True)
    assert "The lighter one." in teacher and "Learners confuse" in teacher
    assert "Learners confuse" not in client.get(course_print).get_data(as_text=True)
