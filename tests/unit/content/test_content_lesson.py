"""Lesson front matter validation reports every problem; the display view is lenient."""

from __future__ import annotations

import pytest

from workspace.content import is_grade_band, lesson_meta, validate_lesson

VALID = {
    "title": "Energy transfer",
    "duration": 50,
    "grade_band": "9-12",
    "standards": ["HS-PS3-1", "7.RP.A.2", "MP4"],
    "objectives": ["Explain how heat flows"],
    "materials": ["Two cups", "Thermometer"],
    "resources": [{"id": 12, "title": "Heat camera data", "url": "https://example.org/heat"}],
    "based_on": {"course": "OpenSciEd Chemistry", "lesson": "Lesson 3"},
    "x-local-note": "kept",
}


def test_a_complete_lesson_has_no_problems():
    assert validate_lesson(VALID) == []


def test_only_a_title_is_required():
    assert validate_lesson({"title": "Energy"}) == []


def test_unknown_keys_are_not_problems():
    assert validate_lesson({"title": "A", "our-tag": [1, 2], "nested": {"x": 1}}) == []


def test_every_problem_is_reported_not_just_the_first():
    front_matter = {
        "duration": "50 min",
        "grade_band": "grade 13",
        "standards": ["HS-PS9-2", "hs-ps3-1", "HS-PS3-1", "7.RP.2"],
        "objectives": ["Explain", 3, "  "],
        "materials": "cups",
        "resources": [
            {"id": 1, "title": "Data", "url": "javascript:alert(1)"},
            {"title": ""},
            "https://example.org",
        ],
        "based_on": 12,
    }
    problems = validate_lesson(front_matter)
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(problem.field, []).append(problem.message)
    assert by_field["title"] == ["A title is required."]
    assert "\u201c50 min\u201d" in by_field["duration"][0]
    assert "\u201cgrade 13\u201d is not a grade band" in by_field["grade_band"][0]
    standards = by_field["standards"]
    assert len(standards) == 3
    assert "\u201cHS-PS9-2\u201d" in standards[0]
    assert standards[1] == "HS-PS3-1 is listed more than once."
    assert "\u201c7.RP.2\u201d" in standards[2] and "cluster letter is missing" in standards[2]
    assert by_field["objectives"] == [
        "Item 2 in objectives must be text, not \u201c3\u201d.",
        "Item 3 in objectives is empty.",
    ]
    assert by_field["materials"] == ["Materials must be a list, one item per line."]
    assert by_field["resources"] == [
        "Resource 1: the url must start with http:// or https://.",
        "Resource 2 needs an id.",
        "Resource 2 needs a title.",
        "Resource 2 needs a url.",
        "Resource 3 must have an id, a title and a url.",
    ]
    assert len(by_field["based_on"]) == 1
    assert len(problems) == sum(len(messages) for messages in by_field.values())


@pytest.mark.parametrize(
    ("title", "message"),
    [
        (None, "A title is required."),
        ("", "The title cannot be empty."),
        ("   ", "The title cannot be empty."),
        (["A"], "The title must be text."),
    ],
)
def test_title_must_be_non_empty_text(title, message):
    assert [p.message for p in validate_lesson({"title": title})] == [message]


@pytest.mark.parametrize("duration", [1, 45, 600])
def test_durations_in_range_are_valid(duration):
    assert validate_lesson({"title": "A", "duration": duration}) == []


@pytest.mark.parametrize("duration", [0, -5, 601, 45.5, True, "45", [45]])
def test_durations_out_of_range_or_not_whole_minutes_are_problems(duration):
    problems = validate_lesson({"title": "A", "duration": duration})
    assert [p.field for p in problems] == ["duration"]


@pytest.mark.parametrize(
    "band", ["9-12", "K-2", "6-8", "3-5", "K", "7", "HS", "MS", "hs", "K-12", "Grades 6\u20138", 7]
)
def test_grade_bands_teachers_write_are_accepted(band):
    assert is_grade_band(band)
    assert validate_lesson({"title": "A", "grade_band": band}) == []


@pytest.mark.parametrize("band", ["12-9", "K-13", "13", "college", "", 0, True, ["9-12"]])
def test_other_grade_bands_are_problems(band):
    assert not is_grade_band(band)
    assert [p.field for p in validate_lesson({"title": "A", "grade_band": band})] == ["grade_band"]


@pytest.mark.parametrize(
    "url", ["https://example.org/x", "http://example.org", "HTTPS://EXAMPLE.ORG/data.csv"]
)
def test_resource_urls_on_the_web_are_valid(url):
    resources = [{"id": "r-1", "title": "Data", "url": url}]
    assert validate_lesson({"title": "A", "resources": resources}) == []


@pytest.mark.parametrize(
    "url", ["ftp://example.org", "javascript:alert(1)", "/relative", "https://", "", 12]
)
def test_resource_urls_elsewhere_are_problems(url):
    resources = [{"id": "r-1", "title": "Data", "url": url}]
    assert [p.field for p in validate_lesson({"title": "A", "resources": resources})] == [
        "resources"
    ]


def test_standards_must_be_a_list():
    problems = validate_lesson({"title": "A", "standards": "HS-PS1-2"})
    assert [p.message for p in problems] == ["Standards must be a list of codes, one per line."]


def test_based_on_may_be_text_or_fields():
    assert validate_lesson({"title": "A", "based_on": "Adapted from OpenSciEd"}) == []
    assert validate_lesson({"title": "A", "based_on": {"url": "https://x.org"}}) == []


def test_lesson_meta_normalizes_standards_and_keeps_the_display_values():
    meta = lesson_meta(VALID)
    assert meta.title == "Energy transfer"
    assert meta.duration == 50
    assert meta.grade_band == "9-12"
    assert [s.code for s in meta.standards] == [
        "HS-PS3-1",
        "CCSS.MATH.CONTENT.7.RP.A.2",
        "CCSS.MATH.PRACTICE.MP4",
    ]
    assert [s.display for s in meta.standards] == ["HS-PS3-1", "7.RP.A.2", "MP4"]
    assert meta.objectives == ["Explain how heat flows"]
    assert meta.materials == ["Two cups", "Thermometer"]
    assert [(r.id, r.title, r.url) for r in meta.resources] == [
        ("12", "Heat camera data", "https://example.org/heat")
    ]
    assert meta.based_on == VALID["based_on"]


def test_lesson_meta_skips_bad_values_instead_of_failing():
    meta = lesson_meta(
        {
            "title": "  ",
            "duration": "long",
            "grade_band": "grade 13",
            "standards": ["HS-PS9-2", "hs-ps1-2", "HS-PS1-2"],
            "objectives": "One objective",
            "materials": [None, "Cups"],
            "resources": [{"title": "Bad link", "url": "javascript:alert(1)"}, "nonsense"],
            "based_on": 3,
        },
        fallback_title="Calorimetry",
    )
    assert meta.title == "Calorimetry"
    assert meta.duration is None
    assert meta.grade_band is None
    assert [s.code for s in meta.standards] == ["HS-PS1-2"]
    assert meta.invalid_standards == ["HS-PS9-2"]
    assert meta.objectives == ["One objective"]
    assert meta.materials == ["Cups"]
    assert [(r.title, r.url) for r in meta.resources] == [("Bad link", None)]
    assert meta.based_on is None
