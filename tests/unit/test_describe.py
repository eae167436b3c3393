"""What a version changed, in teachers' words: pure functions over file changes and titles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from workspace.content import render_body
from workspace.content.outline import CourseOutline, UnitOutline
from workspace.content.paths import title_from_slug
from workspace.git import CommitInfo, FileChange
from workspace.git.records import Author
from workspace.services.reading import (
    Described,
    VersionWords,
    blocks,
    describe_changes,
    exact_time,
    fact_changes,
    headline,
    human_time,
    message_label,
    on_day,
    text_change,
    titles_needed,
)

OLD, NEW = "a" * 40, "b" * 40


def q(title: str) -> str:
    return f"\u201c{title}\u201d"


@dataclass
class Titles:
    """A TitleSource from dictionaries: lesson and unit titles and outlines, by version."""

    lessons: dict[tuple[str | None, str, str], str] = field(default_factory=dict)
    units: dict[tuple[str | None, str], str] = field(default_factory=dict)
    outlines: dict[str | None, CourseOutline] = field(default_factory=dict)
    asked: list[tuple[str | None, str]] = field(default_factory=list)

    def lesson(self, rev: str | None, unit: str, lesson: str) -> str:
        self.asked.append((rev, f"{unit}/{lesson}"))
        return self.lessons.get((rev, unit, lesson), title_from_slug(lesson))

    def unit(self, rev: str | None, unit: str) -> str:
        outline = self.outlines.get(rev)
        listed = outline.unit(unit) if outline else None
        if listed and listed.title:
            return listed.title
        return self.units.get((rev, unit), title_from_slug(unit))

    def file_title(self, rev: str | None, path: str) -> str | None:
        return None

    def outline(self, rev: str | None) -> CourseOutline | None:
        return self.outlines.get(rev)


def _outline(title: str = "Physics", **units: list[str]) -> CourseOutline:
    return CourseOutline(
        title=title,
        units=[
            UnitOutline(slug, title_from_slug(slug), lessons) for slug, lessons in units.items()
        ],
    )


def _said(files: list[FileChange], titles: Titles, before: str | None = OLD) -> list[str]:
    return [d.text for d in describe_changes(files, before, NEW, titles, "Physics")]


def _lesson(unit: str, lesson: str) -> str:
    return f"units/{unit}/lessons/{lesson}.md"


def test_lesson_changes_are_told_by_the_titles_they_had_then() -> None:
    titles = Titles(
        lessons={
            (OLD, "energy", "calorimetry"): "Calorimetry",
            (NEW, "energy", "calorimetry"): "Measuring heat",
            (NEW, "energy", "heat"): "Heat",
            (OLD, "motion", "speed"): "Speed",
        },
        units={(NEW, "energy"): "Energy and change", (OLD, "motion"): "Motion"},
    )
    assert _said([FileChange("M", _lesson("energy", "calorimetry"))], titles) == [
        f"Edited the lesson {q('Calorimetry')}, now called {q('Measuring heat')}"
    ]
    assert _said([FileChange("A", _lesson("energy", "heat"))], titles) == [
        f"Added the lesson {q('Heat')} to {q('Energy and change')}"
    ]
    assert _said([FileChange("D", _lesson("motion", "speed"))], titles) == [
        f"Deleted the lesson {q('Speed')} from {q('Motion')}"
    ]


def test_a_renamed_lesson_is_renamed_in_its_unit_and_a_lesson_in_another_unit_moved() -> None:
    titles = Titles(
        lessons={(OLD, "energy", "calorimetry"): "Calorimetry", (OLD, "intro", "speed"): "Speed"},
        units={(NEW, "energy"): "Energy and change", (NEW, "motion"): "Motion"},
    )
    renamed = FileChange("R", _lesson("energy", "heat"), _lesson("energy", "calorimetry"))
    moved = FileChange("R", _lesson("motion", "speed"), _lesson("intro", "speed"))
    assert _said([renamed, moved], titles) == [
        f"Renamed the lesson {q('Calorimetry')} in {q('Energy and change')}"
        f", now called {q('Heat')}",
        f"Moved the lesson {q('Speed')} to {q('Motion')}",
    ]


def test_a_lesson_added_with_its_line_in_the_outline_is_told_once() -> None:
    titles = Titles(
        lessons={(NEW, "energy", "heat"): "Heat"},
        outlines={
            OLD: _outline(energy=["calorimetry"]),
            NEW: _outline(energy=["calorimetry", "heat"]),
        },
    )
    files = [FileChange("M", "course.yaml"), FileChange("A", _lesson("energy", "heat"))]
    assert _said(files, titles) == [f"Added the lesson {q('Heat')} to {q('Energy')}"]


def test_outline_changes_are_told_as_units_and_lessons_moved_added_and_reordered() -> None:
    before = _outline("Physics", motion=["speed", "velocity"], energy=["heat"], waves=[])
    after = CourseOutline(
        title="Physics in Motion",
        subject="Physics",
        units=[
            UnitOutline("energy", "Energy and change", ["heat", "speed"]),
            UnitOutline("motion", "Motion", ["velocity"]),
            UnitOutline("light", "Light", ["lenses"]),
        ],
    )
    titles = Titles(
        outlines={OLD: before, NEW: after}, lessons={(NEW, "light", "lenses"): "Lenses"}
    )
    assert _said([FileChange("M", "course.yaml")], titles) == [
        f"Changed the course\u2019s title from {q('Physics')} to {q('Physics in Motion')}",
        f"Changed the course\u2019s subject to {q('Physics')}",
        f"Added the unit {q('Light')}",
        f"Removed the unit {q('Waves')}",
        f"Renamed the unit {q('Energy')} to {q('Energy and change')}",
        "Reordered the units",
        f"Moved the lesson {q('Speed')} to {q('Energy and change')}",
        f"Added the lesson {q('Lenses')} to {q('Light')}",
    ]


def test_reordering_lessons_says_so_and_a_comment_alone_tidies_the_outline() -> None:
    before, after = _outline(motion=["speed", "velocity"]), _outline(motion=["velocity", "speed"])
    titles = Titles(outlines={OLD: before, NEW: after})
    assert _said([FileChange("M", "course.yaml")], titles) == [
        f"Reordered the lessons in {q('Motion')}"
    ]
    same = Titles(outlines={OLD: before, NEW: before})
    assert _said([FileChange("M", "course.yaml")], same) == ["Tidied the course outline"]
    unreadable = Titles(outlines={OLD: before})
    assert _said([FileChange("M", "course.yaml")], unreadable) == ["Changed the course outline"]


def test_a_renamed_unit_folder_is_one_change_not_one_per_lesson() -> None:
    titles = Titles(
        outlines={OLD: _outline(forces=["push", "pull"]), NEW: _outline(motion=["push", "pull"])}
    )
    files = [
        FileChange("M", "course.yaml"),
        FileChange("R", "units/motion/unit.md", "units/forces/unit.md"),
        FileChange("R", _lesson("motion", "push"), _lesson("forces", "push")),
        FileChange("R", _lesson("motion", "pull"), _lesson("forces", "pull")),
    ]
    assert _said(files, titles) == [f"Renamed the unit {q('Forces')}, now called {q('Motion')}"]


def test_pages_images_and_other_files_are_named_without_their_paths() -> None:
    files = [
        FileChange("M", "README.md"),
        FileChange("A", "studies/cycle-1/report.md"),
        FileChange("A", "units/motion/lessons/images/cart.png"),
        FileChange("A", "units/motion/lessons/images/ramp.png"),
        FileChange("M", ".gitattributes"),
    ]
    assert _said(files, Titles()) == [
        "Edited the course\u2019s introduction",
        f"Published the lesson-study report {q('Cycle 1')}",
        f"Added 2 images to {q('Motion')}",
        "Changed 1 other file",
    ]


def test_a_course_first_version_is_counted_and_reads_no_titles() -> None:
    files = [FileChange("A", "course.yaml"), FileChange("A", "README.md")]
    files += [FileChange("A", f"units/u{n}/unit.md") for n in range(3)]
    files += [FileChange("A", _lesson(f"u{n % 3}", f"l{n}")) for n in range(30)]
    titles = Titles(outlines={NEW: _outline("Synthetic physics")})
    assert _said(files, titles, before=None) == [
        f"Started the course {q('Synthetic physics')}",
        "Added 3 units",
        "Added 30 lessons",
        "Added the course\u2019s introduction",
    ]
    assert titles.asked == []
    assert titles_needed(files, None, NEW) == [(NEW, "course.yaml")]  # for the course's title


def test_titles_needed_names_each_file_at_the_version_it_is_read_in() -> None:
    change = FileChange("R", _lesson("motion", "speed"), _lesson("intro", "speed"))
    needed = titles_needed([change], OLD, NEW)
    assert (NEW, _lesson("motion", "speed")) in needed
    assert (OLD, _lesson("intro", "speed")) in needed
    assert (NEW, "course.yaml") in needed and (NEW, "units/motion/unit.md") in needed


def _info(message: str, parents: int = 1, **fields: object) -> CommitInfo:
    when = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    values: dict[str, object] = {
        "sha": NEW,
        "parents": [OLD, "c" * 40][:parents],
        "author_name": "Priya Shah",
        "author_email": "priya@users.noreply.example.org",
        "authored_at": when,
        "committer_name": "Priya Shah",
        "committer_email": "priya@users.noreply.example.org",
        "committed_at": when,
        "message": message,
        **fields,
    }
    return CommitInfo(**values)  # type: ignore[arg-type]


def test_a_note_keeps_the_authors_words_but_names_files_by_title() -> None:
    titles = Titles(lessons={(NEW, "motion", "speed"): "Speed"})
    path = _lesson("motion", "speed")
    assert message_label(_info(f"Fix {path} and course.yaml"), [], titles) == (
        f"Fix {q('Speed')} and the course outline",
        f"Fix {path} and course.yaml",
    )
    restored = _info("Restore lesson: Speed (as of 1a2b3c4d5e)")
    assert message_label(restored, [], titles)[0] == "Restore lesson: Speed"
    merged = _info("Merge branch 'main' of example.org:physics", parents=2)
    assert message_label(merged, [], titles)[0] == "Combined two lines of work"
    assert message_label(_info("Plan the launch"), [], titles) == ("Plan the launch", None)
    assert message_label(_info(""), [], titles)[0] == "Saved without a note"


def test_a_version_is_titled_by_who_did_what_and_when() -> None:
    now = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    edit = Described(f"Edited the lesson {q('Calorimetry')}", f"edited {q('Calorimetry')}")
    one = VersionWords("Edit", (edit,))
    assert headline(_info("Edit"), one, now) == (
        f"Priya Shah edited {q('Calorimetry')} on 3 December 2026"
    )
    many = VersionWords("Edit", (edit, edit), more=1)
    co = _info("Edit", co_authors=[Author("Rosa Diaz", "rosa@example.org")])
    assert headline(co, many, now) == (
        f"Priya Shah and Rosa Diaz edited {q('Calorimetry')} and made 2 more changes "
        "on 3 December 2026"
    )
    assert headline(_info("Nothing"), VersionWords("Nothing", ()), now) == (
        "Priya Shah saved a version on 3 December 2026"
    )


def test_dates_read_today_yesterday_or_the_day_in_the_authors_time_zone() -> None:
    zone = timezone(timedelta(hours=-5))
    when = datetime(2026, 12, 3, 14, 5, tzinfo=zone)
    assert human_time(when, datetime(2026, 12, 3, 22, 0, tzinfo=zone)) == "today at 14:05"
    assert human_time(when, datetime(2026, 12, 4, 8, 0, tzinfo=zone)) == "yesterday at 14:05"
    assert human_time(when, datetime(2026, 12, 9, tzinfo=zone)) == "3 Dec 2026, 14:05"
    # Three in the morning in UTC is still the evening before where the author was.
    assert human_time(when, datetime(2026, 12, 4, 3, 0, tzinfo=UTC)) == "today at 14:05"
    assert on_day(when, datetime(2027, 1, 1, tzinfo=UTC)) == "on 3 December 2026"
    assert exact_time(when) == "3 Dec 2026, 14:05"


# The text of a lesson ----------------------------------------------------------------------


def test_details_changes_are_said_field_by_field() -> None:
    old = {
        "title": "Calorimetry",
        "duration": 45,
        "standards": ["HS-PS3-1"],
        "objectives": ["Measure heat"],
        "resources": [{"id": "r1", "title": "Heat lab data"}],
        "tags": ["lab"],
    }
    new = {
        "title": "Measuring heat",
        "duration": 50,
        "standards": ["HS-PS3-4"],
        "objectives": ["Measure heat", "Explain energy transfer"],
        "materials": ["Thermometer"],
        "tags": ["lab", "core"],
    }
    assert fact_changes(old, new) == [
        f"Changed the title from {q('Calorimetry')} to {q('Measuring heat')}",
        "Changed the length from 45 to 50 minutes",
        "Added the standard HS-PS3-4",
        "Removed the standard HS-PS3-1",
        f"Added the objective {q('Explain energy transfer')}",
        f"Added {q('Thermometer')} to the materials",
        f"Unlinked the resource {q('Heat lab data')}",
        f"Changed the detail {q('tags')}",
    ]


def test_blocks_are_what_markdown_sees_as_paragraphs_headings_lists_and_sections() -> None:
    body = (
        "Intro line\ncontinues.\n\n## Discuss\n\n- one\n- two\n\n"
        "::: teacher-notes\nNote.\n\nMore.\n:::\n"
    )
    assert blocks(body) == [
        "Intro line\ncontinues.",
        "## Discuss",
        "- one\n- two",
        "::: teacher-notes\nNote.\n\nMore.\n:::",
    ]


def test_a_lessons_text_changes_passage_by_passage_in_rendered_words() -> None:
    old = "---\ntitle: Speed\n---\nStudents **roll** a cart.\n\nThey time it.\n\nThey graph it.\n"
    new = (
        "---\ntitle: Speed\n---\nStudents **push** a cart.\n\nThey time it.\n\n"
        "They share.\n\n## Reflect\n"
    )
    change = text_change("The lesson", old, new, render_body, render_body)
    kinds = [p.kind for p in change.passages]
    assert kinds == ["changed", "same", "removed", "added"]
    assert change.passages[0].runs == (
        ("equal", "Students "),
        ("delete", "roll"),
        ("insert", "push"),
        ("equal", " a cart.\n"),
    )
    assert change.passages[2].html == "<p>They graph it.</p>\n"
    assert "<p>They share.</p>" in change.passages[3].html and "Reflect" in change.passages[3].html
    assert change.facts == ()


def test_a_new_lesson_reads_whole_and_one_too_long_says_so() -> None:
    added = text_change("The lesson", "", "---\ntitle: A\n---\nHello.\n", render_body, render_body)
    assert [(p.kind, p.html) for p in added.passages] == [("added", "<p>Hello.</p>\n")]
    too_long = text_change("The lesson", None, "x", render_body, render_body)
    assert too_long.note and too_long.passages == ()
    restyled = text_change("The lesson", "Hello.\n", "*Hello.*\n", render_body, render_body)
    assert [p.kind for p in restyled.passages] == ["restyled"]
