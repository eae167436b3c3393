"""course.yaml: parsing, matching against the files present, and edits that keep the file."""

from __future__ import annotations

import pytest

from workspace.content import (
    CourseEditError,
    CourseFileError,
    InvalidSlug,
    add_lesson,
    add_unit,
    lesson_path,
    move_lesson,
    outline_with_tree,
    parse_course,
    parse_lesson_path,
    parse_unit_path,
    remove_lesson,
    remove_unit,
    rename_lesson,
    rename_unit,
    reorder_lessons,
    reorder_units,
    set_unit_title,
    slugify,
    unique_slug,
    unit_path,
    update_course_fields,
    validate_slug,
)

COURSE = """# The shared chemistry course
title: Chemistry in Context
subject: Chemistry
grade_band: "9-12"   # all of high school
license: CC-BY-4.0

units:
  - slug: energy
    title: Energy and matter     # optional; unit.md wins
    lessons: [energy-transfer, calorimetry]
  # Waves come after energy in most schools
  - slug: waves
    lessons:
      - intro   # hook lesson
      - doppler
      - sound
network-notes: {reviewed: true}
"""


def lessons_of(text: str) -> dict[str, list[str]]:
    return {unit.slug: unit.lessons for unit in parse_course(text).units}


def test_parse_reads_fields_units_and_extra_keys():
    outline = parse_course(COURSE)
    assert (outline.title, outline.subject, outline.grade_band, outline.license) == (
        "Chemistry in Context",
        "Chemistry",
        "9-12",
        "CC-BY-4.0",
    )
    assert outline.description is None
    assert [(u.slug, u.title, u.lessons) for u in outline.units] == [
        ("energy", "Energy and matter", ["energy-transfer", "calorimetry"]),
        ("waves", None, ["intro", "doppler", "sound"]),
    ]
    assert outline.extra == {"network-notes": {"reviewed": True}}
    assert outline.unit("waves") is outline.units[1]
    assert outline.unit("nope") is None


def test_parse_accepts_a_course_with_no_units_yet():
    assert parse_course("title: New course\n").units == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("- a\n- b\n", "key: value"),
        ("title: [unclosed\n", "not valid YAML (line 2)"),
        ("subject: Physics\n", "needs a title"),
        ("title: A\nunits: energy\n", "units must be a list"),
        ("title: A\nunits:\n  - energy\n", "Unit 1 must have a slug"),
        ("title: A\nunits:\n  - title: Energy\n", "Unit 1 has no slug"),
        ("title: A\nunits:\n  - slug: Energy Unit\n", "\u201cEnergy Unit\u201d"),
        ("title: A\nunits:\n  - slug: a\n  - slug: a\n", "\u201ca\u201d is listed twice"),
        ("title: A\nunits:\n  - slug: a\n    lessons: x\n", "must be a list"),
        ("title: A\nunits:\n  - slug: a\n    lessons: [x, x]\n", "lists \u201cx\u201d twice"),
        ("title: A\nunits:\n  - slug: a\n    lessons: [Bad Name]\n", "\u201cBad Name\u201d"),
        ("title: A\nunits:\n  - slug: a\n    lessons: [on]\n", "\u201cTrue\u201d"),
    ],
)
def test_malformed_course_files_get_a_clear_message(text, words):
    with pytest.raises(CourseFileError) as caught:
        parse_course(text)
    assert words in caught.value.message


def test_every_problem_in_course_yaml_is_listed():
    text = "units:\n  - slug: A\n  - slug: b\n    lessons: [x, x, Y]\n"
    with pytest.raises(CourseFileError) as caught:
        parse_course(text)
    assert len(caught.value.problems) == 4


TREE = [
    "course.yaml",
    "README.md",
    "units/energy/unit.md",
    "units/energy/lessons/energy-transfer.md",
    "units/energy/lessons/stray-draft.md",
    "units/energy/lessons/images/diagram.png",
    "units/waves/lessons/intro.md",
    "units/waves/lessons/sound.md",
    "units/forces/lessons/push.md",
    "units/forces/unit.md",
    "units/waves/lessons/Bad Name.md",
    "studies/cycle-1/report.md",
]


def test_index_follows_course_order_and_marks_missing_and_unlisted():
    index = outline_with_tree(parse_course(COURSE), TREE)
    shown = [
        (unit.slug, unit.listed, [(lesson.slug, lesson.status) for lesson in unit.lessons])
        for unit in index.units
    ]
    assert shown == [
        (
            "energy",
            True,
            [
                ("energy-transfer", "listed"),
                ("calorimetry", "missing"),
                ("stray-draft", "unlisted"),
            ],
        ),
        ("waves", True, [("intro", "listed"), ("doppler", "missing"), ("sound", "listed")]),
        ("forces", False, [("push", "unlisted")]),
    ]
    assert [entry.path for entry in index.unlisted] == [
        "units/energy/lessons/stray-draft.md",
        "units/forces/lessons/push.md",
    ]
    assert [entry.slug for entry in index.missing] == ["calorimetry", "doppler"]
    assert index.unrecognized == ["units/waves/lessons/Bad Name.md"]


def test_index_titles_prefer_files_then_course_yaml_then_slug():
    titles = {
        "units/energy/unit.md": "Energy in systems",
        "units/energy/lessons/energy-transfer.md": "How energy moves",
    }
    index = outline_with_tree(parse_course(COURSE), TREE, titles)
    assert [unit.title for unit in index.units] == ["Energy in systems", "Waves", "Forces"]
    assert [unit.has_file for unit in index.units] == [True, False, True]
    assert index.find("energy", "energy-transfer").title == "How energy moves"
    assert index.find("energy", "calorimetry").title == "Calorimetry"
    assert index.find("energy", "nope") is None
    index = outline_with_tree(parse_course(COURSE), TREE)
    assert index.units[0].title == "Energy and matter"


def test_neighbours_skip_missing_lessons():
    index = outline_with_tree(parse_course(COURSE), TREE)
    before, after = index.neighbours("energy", "stray-draft")
    assert (before.slug, after.slug) == ("energy-transfer", "intro")
    assert index.neighbours("energy", "energy-transfer")[0] is None
    assert index.neighbours("forces", "push")[1] is None


def test_edits_keep_comments_quotes_and_other_keys():
    updated = add_lesson(COURSE, "waves", "resonance")
    assert updated == COURSE.replace("      - sound\n", "      - sound\n      - resonance\n")


def test_add_lesson_at_a_position_in_a_flow_list_keeps_the_flow_style():
    updated = add_lesson(COURSE, "energy", "heat-engines", position=1)
    assert "lessons: [energy-transfer, heat-engines, calorimetry]\n" in updated
    assert lessons_of(updated)["energy"] == ["energy-transfer", "heat-engines", "calorimetry"]


def test_add_lesson_to_an_empty_unit_writes_one_lesson_per_line():
    text = add_unit(COURSE, "forces", "Forces and motion")
    text = add_lesson(text, "forces", "push")
    assert "  - slug: forces\n    title: Forces and motion\n    lessons:\n      - push\n" in text


def test_add_lesson_quotes_names_yaml_would_misread():
    updated = add_lesson(COURSE, "waves", "yes")
    assert lessons_of(updated)["waves"][-1] == "yes"


def test_add_lesson_refuses_duplicates_unknown_units_and_bad_names():
    with pytest.raises(CourseEditError, match="already lists"):
        add_lesson(COURSE, "energy", "calorimetry")
    with pytest.raises(CourseEditError, match="no unit \u201cgravity\u201d"):
        add_lesson(COURSE, "gravity", "falling")
    with pytest.raises(InvalidSlug, match="capital letters"):
        add_lesson(COURSE, "energy", "Heat")


def test_remove_lesson_removes_only_that_line():
    updated = remove_lesson(COURSE, "waves", "doppler")
    assert updated == COURSE.replace("      - doppler\n", "")
    with pytest.raises(CourseEditError, match="does not list"):
        remove_lesson(COURSE, "waves", "calorimetry")


def test_move_lesson_between_units_and_within_a_unit():
    updated = move_lesson(COURSE, "waves", "sound", "energy", position=0)
    assert lessons_of(updated) == {
        "energy": ["sound", "energy-transfer", "calorimetry"],
        "waves": ["intro", "doppler"],
    }
    updated = move_lesson(COURSE, "waves", "sound", "waves", position=0)
    assert lessons_of(updated)["waves"] == ["sound", "intro", "doppler"]
    with pytest.raises(CourseEditError):
        move_lesson(add_lesson(COURSE, "energy", "intro"), "waves", "intro", "energy")


def test_rename_lesson_keeps_its_place():
    updated = rename_lesson(COURSE, "waves", "doppler", "doppler-effect")
    assert lessons_of(updated)["waves"] == ["intro", "doppler-effect", "sound"]
    with pytest.raises(CourseEditError):
        rename_lesson(COURSE, "waves", "doppler", "sound")


def test_reorder_lessons_keeps_each_lessons_comment():
    updated = reorder_lessons(COURSE, "waves", ["sound", "intro", "doppler"])
    assert "      - sound\n      - intro   # hook lesson\n      - doppler\n" in updated


def test_reorder_must_name_every_lesson_once():
    with pytest.raises(CourseEditError, match="left out: doppler"):
        reorder_lessons(COURSE, "waves", ["sound", "intro"])
    with pytest.raises(CourseEditError, match="not in the course: extra"):
        reorder_lessons(COURSE, "waves", ["sound", "intro", "doppler", "extra"])
    with pytest.raises(CourseEditError, match="listed twice"):
        reorder_lessons(COURSE, "waves", ["sound", "intro", "sound"])


def test_unit_edits():
    text = add_unit(COURSE, "forces", position=0)
    assert [u.slug for u in parse_course(text).units] == ["forces", "energy", "waves"]
    text = rename_unit(text, "forces", "motion")
    text = set_unit_title(text, "motion", "Motion and forces")
    assert parse_course(text).units[0].title == "Motion and forces"
    text = reorder_units(text, ["waves", "motion", "energy"])
    assert [u.slug for u in parse_course(text).units] == ["waves", "motion", "energy"]
    text = remove_unit(text, "motion")
    assert lessons_of(text) == lessons_of(reorder_units(COURSE, ["waves", "energy"]))
    assert "# The shared chemistry course\n" in text
    assert "network-notes: {reviewed: true}\n" in text
    with pytest.raises(CourseEditError, match="already has a unit"):
        add_unit(COURSE, "waves")
    with pytest.raises(CourseEditError, match="already has a unit"):
        rename_unit(COURSE, "energy", "waves")
    with pytest.raises(CourseEditError, match="left out: waves"):
        reorder_units(COURSE, ["energy"])


def test_removing_a_unit_title_keeps_the_rest_of_the_unit():
    updated = set_unit_title(COURSE, "energy", None)
    assert updated == COURSE.replace(
        "    title: Energy and matter     # optional; unit.md wins\n", ""
    )


def test_update_course_fields_sets_replaces_and_removes():
    updated = update_course_fields(
        COURSE, title="Chemistry for All", description="Two lines\nof text.\n", license=None
    )
    outline = parse_course(updated)
    assert outline.title == "Chemistry for All"
    assert outline.description == "Two lines\nof text.\n"
    assert outline.license is None
    assert 'grade_band: "9-12"   # all of high school\n' in updated
    # The new field goes with the others, and the blank line before the units stays.
    assert updated.index("description:") < updated.index("\n\nunits:")


def test_update_course_fields_refuses_units_and_empty_titles():
    with pytest.raises(CourseEditError):
        update_course_fields(COURSE, units=[])
    with pytest.raises(CourseEditError):
        update_course_fields(COURSE, title="  ")


def test_edits_keep_crlf_line_endings():
    text = COURSE.replace("\n", "\r\n")
    updated = add_lesson(text, "waves", "resonance")
    assert updated == add_lesson(COURSE, "waves", "resonance").replace("\n", "\r\n")


def test_edits_refuse_a_broken_course_file():
    with pytest.raises(CourseFileError):
        add_lesson("title: A\nunits:\n  - slug: Bad\n", "bad", "x")


def test_flush_list_style_is_kept():
    text = "title: A\nunits:\n- slug: a\n  lessons:\n  - one\n"
    assert add_lesson(text, "a", "two") == text + "  - two\n"


@pytest.mark.parametrize("slug", ["a", "energy-transfer", "unit-1", "x" * 64, "2nd-law"])
def test_valid_slugs(slug):
    assert validate_slug(slug) == slug


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("", "cannot be empty"),
        ("Energy", "capital letters; try \u201cenergy\u201d"),
        ("-energy", "starts or ends with a dash"),
        ("energy-", "starts or ends with a dash"),
        ("energy transfer", "only lowercase letters, digits and dashes"),
        ("énergie", "only lowercase"),
        ("../etc", "only lowercase"),
        ("x" * 65, "longer than 64"),
    ],
)
def test_invalid_slugs_say_why(slug, words):
    with pytest.raises(InvalidSlug) as caught:
        validate_slug(slug)
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Energy Transfer", "energy-transfer"),
        ("  Energy & Heat: Part 2! ", "energy-heat-part-2"),
        ("Énergie thermique", "energie-thermique"),
        ("???", "untitled"),
        ("A" * 100, "a" * 64),
    ],
)
def test_slugify_makes_valid_slugs(title, slug):
    assert slugify(title) == slug
    assert validate_slug(slugify(title))


def test_unique_slug_counts_up():
    assert unique_slug("intro", set()) == "intro"
    assert unique_slug("intro", {"intro", "intro-2"}) == "intro-3"
    assert len(unique_slug("x" * 64, {"x" * 64})) == 64


def test_paths_round_trip():
    assert lesson_path("energy", "calorimetry") == "units/energy/lessons/calorimetry.md"
    assert unit_path("energy") == "units/energy/unit.md"
    assert parse_lesson_path("units/energy/lessons/calorimetry.md") == ("energy", "calorimetry")
    assert parse_unit_path("units/energy/unit.md") == "energy"
    for path in [
        "units/energy/lessons/images/x.md",
        "units/energy/lessons/Calorimetry.md",
        "units/energy/lessons/calorimetry.txt",
        "units/../lessons/x.md",
        "course.yaml",
    ]:
        assert parse_lesson_path(path) is None
    with pytest.raises(InvalidSlug):
        lesson_path("../secret", "x")
