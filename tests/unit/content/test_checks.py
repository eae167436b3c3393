"""content.checks: the one check of course files that the editor, the API and pushes share."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from workspace.content import (
    MAX_LESSON_BYTES,
    Problem,
    changed_settings,
    check_course_file,
    check_layout,
    check_lesson,
    check_unit,
    course_settings,
    lesson_title,
    lesson_too_long,
)

GOOD_LESSON = "---\ntitle: Friction\nduration: 50\nstandards: [HS-PS2-1]\n---\nRub the blocks.\n"
COURSE = """title: Mechanics
subject: Physics
grade_band: 9-12
license: CC-BY-4.0
units:
  - slug: forces
    lessons: [friction, drag]
  - slug: energy
    lessons: [friction]
"""
FILES = [
    "units/forces/lessons/friction.md",
    "units/forces/lessons/drag.md",
    "units/energy/lessons/friction.md",
    "units/forces/lessons/images/cart.png",
]


# Lessons ------------------------------------------------------------------------------------


def test_a_valid_lesson_has_no_problems_as_text_or_bytes() -> None:
    assert check_lesson(GOOD_LESSON) == []
    assert check_lesson(GOOD_LESSON.encode("utf-8")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nduration: 50\n---\nBody\n", Problem("title", "A title is required.")),
        ("Just a body, no front matter.\n", Problem("title", "A title is required.")),
        (
            "---\ntitle: Drag\nduration: -5\n---\n",
            Problem("duration", "Duration must be between 1 and 600 minutes."),
        ),
        (
            "---\ntitle: Drag\nduration: soon\n---\n",
            Problem(
                "duration", "Duration is a whole number of minutes, like 50, not \u201csoon\u201d."
            ),
        ),
    ],
)
def test_each_front_matter_problem_is_named(text: str, expected: Problem) -> None:
    assert check_lesson(text) == [expected]


def test_an_unknown_standard_is_named() -> None:
    [problem] = check_lesson("---\ntitle: Drag\nstandards: [NOT-A-REAL-CODE-99]\n---\n")
    assert problem.field == "standards"
    assert problem.message.startswith(
        "\u201cNOT-A-REAL-CODE-99\u201d is not a valid NGSS or Common Core math code"
    )


def test_every_problem_is_listed_at_once() -> None:
    problems = check_lesson("---\nduration: 0\ngrade_band: college\n---\n")
    assert [p.field for p in problems] == ["title", "duration", "grade_band"]


def test_front_matter_that_does_not_parse_gives_its_line() -> None:
    [problem] = check_lesson("---\ntitle: Drag\nduration: [50\n---\nBody\n")
    assert problem.field == "front_matter"
    assert problem.message.startswith("The front matter is not valid YAML (line 4)")
    assert problem.line == 4


def test_an_unclosed_front_matter_is_named() -> None:
    [problem] = check_lesson("---\ntitle: Drag\nBody\n")
    assert "never closed" in problem.message and problem.line == 1


def test_a_lesson_that_is_not_utf8_names_the_line() -> None:
    [problem] = check_lesson(b"---\ntitle: Drag\n---\nCaf\xe9\n")
    assert problem == Problem(
        "content",
        "The lesson is not UTF-8 text; save it as UTF-8 (plain text) and try again.",
        4,
    )


def test_the_size_cap_is_a_million_bytes_of_utf8() -> None:
    head = "---\ntitle: Drag\n---\n"
    at_cap = head + "x" * (MAX_LESSON_BYTES - len(head))
    assert check_lesson(at_cap) == []
    too_long = Problem("content", "The lesson is longer than 1000 kB.")
    assert check_lesson(at_cap + "x") == [too_long]
    # Counted in bytes, not characters: "é" is two bytes.
    assert check_lesson(head + "\u00e9" * (MAX_LESSON_BYTES // 2)) == [too_long]
    assert lesson_too_long(MAX_LESSON_BYTES) is None
    assert lesson_too_long(MAX_LESSON_BYTES + 1) == too_long


def test_a_too_long_lesson_is_refused_before_it_is_read() -> None:
    # Not even UTF-8: the size alone is the problem, said once.
    assert check_lesson(b"\xff" * (MAX_LESSON_BYTES + 1)) == [
        Problem("content", "The lesson is longer than 1000 kB.")
    ]


def test_lesson_title_reads_the_title_or_none() -> None:
    assert lesson_title(GOOD_LESSON) == "Friction"
    assert lesson_title("---\ntitle: '  Drag  '\n---\n") == "Drag"
    assert lesson_title("---\ntitle: [broken\n---\n") is None
    assert lesson_title("No front matter.\n") is None
    assert lesson_title("---\ntitle: 42\n---\n") is None


def test_a_unit_overview_needs_only_front_matter_that_parses() -> None:
    assert check_unit("---\ntitle: Forces\n---\nPushes and pulls.\n") == []
    assert check_unit("Only a body.\n") == []
    [problem] = check_unit("---\ntitle: [Forces\n---\n")
    assert problem.field == "front_matter" and problem.line == 3
    assert check_unit(b"\xff")[0].message.startswith("The unit overview is not UTF-8 text")


# course.yaml --------------------------------------------------------------------------------


def test_a_course_file_matching_its_files_has_no_problems() -> None:
    assert check_course_file(COURSE, FILES) == []
    assert check_course_file(COURSE.encode("utf-8"), iter(FILES)) == []


def test_the_same_lesson_name_in_two_units_is_two_files_and_fine() -> None:
    # forces/friction and energy/friction are different lessons.
    assert check_course_file(COURSE, FILES) == []


def test_a_listed_lesson_without_a_file_is_named() -> None:
    files = [path for path in FILES if path != "units/forces/lessons/drag.md"]
    assert check_course_file(COURSE, files) == [
        Problem(
            "units",
            "Unit \u201cforces\u201d lists the lesson \u201cdrag\u201d, but there is no file "
            "units/forces/lessons/drag.md. Add the file or remove the lesson from the list.",
        )
    ]


def test_without_the_files_only_the_file_itself_is_checked() -> None:
    assert check_course_file(COURSE, None) == []


def test_a_unit_listed_twice_is_named() -> None:
    text = COURSE + "  - slug: forces\n    lessons: []\n"
    assert check_course_file(text, FILES) == [
        Problem("units", "The unit \u201cforces\u201d is listed twice.")
    ]


def test_a_lesson_listed_twice_in_a_unit_is_named() -> None:
    text = COURSE.replace("[friction, drag]", "[friction, drag, friction]")
    assert check_course_file(text, FILES) == [
        Problem("units", "Unit \u201cforces\u201d lists \u201cfriction\u201d twice.")
    ]


def test_a_course_file_that_does_not_parse_gives_its_line() -> None:
    [problem] = check_course_file("title: Mechanics\nunits: [\n", FILES)
    assert problem.field == "content" and problem.line == 3
    assert problem.message.startswith("course.yaml is not valid YAML (line 3)")


def test_a_course_file_without_a_title_is_named() -> None:
    assert check_course_file("units: []\n") == [Problem("title", "The course needs a title.")]


def test_settings_the_settings_page_would_refuse_are_named() -> None:
    text = COURSE.replace("title: Mechanics", "title: " + "M" * 201).replace("9-12", "college")
    assert check_course_file(text, FILES) == [
        Problem("title", "The course's title is longer than 200 characters."),
        Problem(
            "grade_band",
            "\u201ccollege\u201d is not a grade band; write one like 9-12, K-2, 6-8, HS or MS.",
        ),
    ]


def test_a_course_file_that_is_not_utf8_is_named() -> None:
    assert check_course_file(b"title: Caf\xe9\n")[0].message.startswith(
        "The course.yaml is not UTF-8 text"
    )


def test_course_settings_are_the_keys_other_than_units() -> None:
    assert course_settings(COURSE) == {
        "title": "Mechanics",
        "subject": "Physics",
        "grade_band": "9-12",
        "license": "CC-BY-4.0",
    }
    assert course_settings("") == {}
    assert course_settings("units: [\n") is None
    assert course_settings("- a list\n") is None


def test_changed_settings_names_what_differs_and_ignores_the_outline() -> None:
    outline_only = COURSE.replace("[friction, drag]", "[drag, friction]")
    assert changed_settings(COURSE, outline_only) == []
    assert changed_settings(COURSE, COURSE.replace("CC-BY-4.0", "CC0-1.0")) == ["license"]
    assert changed_settings(COURSE, COURSE.replace("license: CC-BY-4.0\n", "")) == ["license"]
    assert changed_settings(COURSE, COURSE + "color: blue\n") == ["color"]
    # Written differently, read the same: not a change.
    assert changed_settings(COURSE, COURSE.replace("grade_band: 9-12", 'grade_band: "9-12"')) == []
    assert changed_settings(None, "title: New\n") == ["title"]


# Layout -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "course.yaml",
        "README.md",
        ".gitignore",
        ".gitattributes",
        "units/forces/unit.md",
        "units/forces/lessons/friction.md",
        "units/forces/lessons/images/cart.png",
        "units/forces/lessons/images/cart-2.jpg",
        "units/forces/lessons/images/ramp.gif",
        "units/forces/lessons/images/ramp.webp",
        "studies/12/report.md",
        "studies/friction-spring/report.md",
    ],
)
def test_the_course_layout_has_a_place_for(path: str) -> None:
    assert check_layout(path) is None


FORMAT = (
    "A course holds course.yaml, README.md, units/<unit>/unit.md, "
    "units/<unit>/lessons/<lesson>.md with images in units/<unit>/lessons/images/, and "
    "studies/<study>/report.md; see the README's course format."
)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("other/x.md", f"is not part of a course. {FORMAT}"),
        ("evil.txt", f"is not part of a course. {FORMAT}"),
        ("units/.gitignore", "is not part of a course: units/ holds one folder per unit"),
        ("units/x.md", "is not part of a course: units/ holds one folder per unit"),
        (
            "units/forces/data.csv",
            "is not part of a course: a unit's folder holds unit.md and lessons/; put lessons "
            "in units/forces/lessons/.",
        ),
        ("units/forces/lessons", "a unit's folder holds unit.md and lessons/"),
        (
            "units/Forces/unit.md",
            "is not part of a course because the unit name \u201cForces\u201d cannot be used: it "
            "uses capital letters; try \u201cforces\u201d.",
        ),
        (
            "units/forces/lessons/Friction Lab.md",
            "because the lesson name \u201cFriction Lab\u201d cannot be used",
        ),
        ("units/forces/lessons/notes.txt", "lessons are Markdown files (.md)"),
        ("units/forces/lessons/old/friction.md", "without further folders"),
        ("units/forces/lessons/images/a/b.png", "without further folders"),
        ("units/forces/lessons/images/diagram.svg", "images must be PNG, JPEG (.jpg), GIF or WebP"),
        ("units/forces/lessons/images/Photo 1.JPEG", "try \u201cphoto-1.jpg\u201d."),
        ("units/forces/lessons/images/README", "images must be PNG"),
        ("studies/12/notes.md", "a study's folder holds only its report"),
        ("studies/Spring/report.md", "because the study name \u201cSpring\u201d cannot be used"),
    ],
)
def test_paths_outside_the_course_layout_are_named(path: str, reason: str) -> None:
    problem = check_layout(path)
    assert problem is not None and problem.field == "path"
    assert problem.message.startswith(f"\u201c{path}\u201d ")
    assert reason in problem.message


def test_the_checks_read_no_git() -> None:
    package = Path(__file__).resolve().parents[3] / "workspace" / "content"
    for name in ("checks.py", "layout.py"):
        tree = ast.parse((package / name).read_text())
        modules = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m.split(".")[0] in ("git", "subprocess") for m in modules)
        assert not any(m.startswith("workspace.") and m != "workspace.content" for m in modules)
