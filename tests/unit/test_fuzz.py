"""Properties of the parsers that take people's text, checked on generated input (Hypothesis):
rendering never makes anything active; a path that validates stays inside the course; a
lesson file parsed and written back is the same text; the lesson check and the import's path
cleaning answer every input with problems or a refusal, never a crash."""

from __future__ import annotations

import posixpath

import pytest
from hostile_markdown import HOSTILE, assert_inert
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workspace.content.checks import check_course_file, check_lesson
from workspace.content.errors import ContentError
from workspace.content.frontmatter import parse_lesson, update_front_matter
from workspace.content.layout import check_layout
from workspace.content.paths import lesson_path, validate_slug
from workspace.content.standards import normalize_standard
from workspace.services.exchange._archive import ImportRefused, clean_path

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that make Markdown and HTML interesting: markup, hostile fragments, odd characters.
PIECES = st.sampled_from(
    [
        *[value for value in HOSTILE.values() if isinstance(value, str)],
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "![a](data:text/html,<b>)",
        "::: challenge\n",
        ":::\n",
        "{alt='x' onload='y'}",
        "```\n",
        "<details open ontoggle=alert(1)>",
        "\n\n",
        "# ",
        "- ",
        "&#106;avascript:",
        "\u202e",
        "\x00",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=30)), max_size=12).map("".join)


@FAST
@given(TEXT)
def test_rendering_never_emits_a_script_an_event_handler_or_a_dangerous_link(body: str) -> None:
    assert_inert(body)


@FAST
@given(st.text(max_size=40), st.text(max_size=40))
def test_a_lesson_path_that_validates_stays_in_its_unit(unit: str, lesson: str) -> None:
    try:
        path = lesson_path(unit, lesson)
    except ContentError:
        return
    assert posixpath.normpath(path) == path
    assert path.startswith("units/") and path.endswith(".md") and ".." not in path.split("/")
    assert check_layout(path) is None


@FAST
@given(st.text(max_size=60))
def test_a_slug_is_validated_or_refused_with_a_message(value: str) -> None:
    try:
        slug = validate_slug(value)
    except ContentError as exc:
        assert exc.message
        return
    assert slug == value and "/" not in slug and slug.strip("-") == slug


FRONT = st.dictionaries(
    st.sampled_from(["title", "duration", "standards", "objectives", "teaching", "based_on"]),
    st.one_of(st.text(max_size=20), st.integers(), st.lists(st.text(max_size=10), max_size=3)),
    max_size=4,
)


@FAST
@given(st.text(max_size=200), TEXT)
def test_a_lesson_file_parsed_and_joined_is_the_same_text(front: str, body: str) -> None:
    text = f"---\n{front}\n---\n{body}"
    try:
        doc = parse_lesson(text)
    except ContentError as exc:
        assert exc.message
        return
    assert doc.text == text


@FAST
@given(FRONT, TEXT)
def test_changing_front_matter_keeps_the_body_byte_for_byte(changes: dict, body: str) -> None:
    text = "---\ntitle: A lesson  # keep this comment\nduration: 40\n---\n" + body
    try:
        changed = update_front_matter(text, changes)
    except ContentError:
        return
    assert parse_lesson(changed).body == body
    assert "# keep this comment" in changed or "title" in changes


@FAST
@given(st.one_of(st.binary(max_size=300), TEXT))
def test_the_lesson_check_answers_anything_with_problems_never_a_crash(data: bytes | str) -> None:
    problems = check_lesson(data)
    assert all(problem.message for problem in problems)


@FAST
@given(st.text(max_size=300))
def test_course_yaml_of_any_shape_is_checked_not_crashed_on(text: str) -> None:
    for problem in check_course_file("title: x\nunits:\n" + text):
        assert problem.message


YAML_BOMB = (
    "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\ntitle: Bomb\n---\nBody\n"
)


def test_yaml_aliases_cannot_blow_up_a_check() -> None:
    problems = check_lesson(YAML_BOMB)
    [problem] = problems  # refused (no lesson needs aliases), quickly and with words
    assert "alias" in problem.message and problem.line == 3


@FAST
@given(st.text(max_size=40))
def test_a_standards_code_is_normalized_or_refused(code: str) -> None:
    try:
        standard = normalize_standard(code)
    except ContentError as exc:
        assert exc.message
        return
    assert standard.code.strip() == standard.code and standard.code


@FAST
@given(st.text(max_size=80))
def test_an_archive_entry_path_is_cleaned_inside_its_folder_or_refused(name: str) -> None:
    try:
        path = clean_path(name, "upload.zip")
    except ImportRefused as exc:
        assert exc.message
        return
    if path is None:
        return
    assert not path.startswith("/") and ".." not in path.split("/")
    assert posixpath.normpath(path) == path


@pytest.mark.parametrize(
    "name", ["../x.md", "a/../../x.md", "/etc/passwd", "C:\\x.md", "a\\..\\..\\x"]
)
def test_known_escapes_are_refused(name: str) -> None:
    with pytest.raises(ImportRefused):
        clean_path(name, "upload.zip")
