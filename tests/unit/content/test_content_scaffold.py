"""A new course's files parse, validate and show up in the course index."""

from __future__ import annotations

import pytest

from workspace.content import (
    CourseFileError,
    lint_lesson,
    new_course_files,
    normalize_standard,
    outline_with_tree,
    parse_course,
    parse_lesson,
    render_markdown,
    validate_lesson,
)

LESSON = "units/getting-started/lessons/first-lesson.md"


def make(**overrides: str) -> dict[str, bytes]:
    arguments = {
        "title": "Chemistry in Context",
        "subject": "Chemistry",
        "grade_band": "9-12",
        "license": "CC-BY-4.0",
        "description": "A year of chemistry through everyday phenomena.",
    } | overrides
    return new_course_files(**arguments)


def test_new_course_has_the_expected_files():
    assert sorted(make()) == [
        "README.md",
        "course.yaml",
        LESSON,
        "units/getting-started/unit.md",
    ]


def test_course_yaml_parses_and_lists_the_example_lesson():
    files = make()
    outline = parse_course(files["course.yaml"].decode())
    assert (outline.title, outline.subject, outline.grade_band, outline.license) == (
        "Chemistry in Context",
        "Chemistry",
        "9-12",
        "CC-BY-4.0",
    )
    assert outline.description == "A year of chemistry through everyday phenomena."
    index = outline_with_tree(outline, files)
    assert [(e.path, e.status) for e in index.lessons] == [(LESSON, "listed")]
    assert index.units[0].has_file


def test_example_lesson_validates_lints_clean_and_shows_every_feature():
    doc = parse_lesson(make()[LESSON].decode())
    assert validate_lesson(doc.front_matter) == []
    assert lint_lesson(doc.body) == []
    html = render_markdown(doc.body).html
    for feature in (
        "lesson-section--objectives",
        "lesson-section--anticipated-responses",
        "lesson-section--teacher-notes",
        "<table>",
        'type="checkbox"',
        'class="footnote-ref"',
    ):
        assert feature in html


def test_unit_file_has_a_title():
    doc = parse_lesson(make()["units/getting-started/unit.md"].decode())
    assert doc.front_matter["title"] == "Getting started"


def test_readme_explains_the_course():
    readme = make()["README.md"].decode()
    assert readme.startswith("# Chemistry in Context\n")
    for words in ("course.yaml", "units/<unit>/lessons/<lesson>.md", "git clone", "CC-BY-4.0"):
        assert words in readme


def test_output_is_deterministic():
    assert make() == make()


@pytest.mark.parametrize(
    ("subject", "grade_band", "standard"),
    [
        ("Chemistry", "9-12", "HS-ETS1-2"),
        ("Physical science", "6-8", "MS-ETS1-1"),
        ("Science", "3-5", "3-5-ETS1-1"),
        ("Science", "K-2", "K-2-ETS1-1"),
        ("Mathematics", "7", "CCSS.MATH.PRACTICE.MP1"),
    ],
)
def test_example_standard_fits_the_course(subject, grade_band, standard):
    doc = parse_lesson(make(subject=subject, grade_band=grade_band)[LESSON].decode())
    assert doc.front_matter["standards"] == [standard]
    assert normalize_standard(standard).code == standard


def test_odd_titles_survive_yaml_quoting():
    files = make(title="Physics: Yes or No?", description="")
    outline = parse_course(files["course.yaml"].decode())
    assert outline.title == "Physics: Yes or No?"
    assert outline.description is None


def test_bad_inputs_are_refused_with_every_problem():
    with pytest.raises(CourseFileError) as caught:
        make(title=" ", grade_band="college")
    assert [p.field for p in caught.value.problems] == ["title", "grade_band"]
