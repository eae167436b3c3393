"""The editing services: every edit is one commit by the acting user, merges or conflicts
like the storage engine says, records activity and settles the user's draft."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from testdata import png

from workspace.content.frontmatter import parse_lesson
from workspace.extensions import db
from workspace.forms.editing import apply_fields, fields_of, parse_standards
from workspace.git import Author
from workspace.models import Activity, Course, User
from workspace.runtime import ctx, repo_store, settings
from workspace.services import editing
from workspace.services.context import LessonRef
from workspace.services.courses import CourseFields, create_course
from workspace.services.editing import conflict_markers, side_by_side

UNIT = "getting-started"
LESSON = "first-lesson"
PATH = f"units/{UNIT}/lessons/{LESSON}.md"
TEXT = """---
title: Energy transfer
duration: 50  # two periods
standards:
  - HS-PS3-1
custom_key: kept
---

# Launch

First paragraph about ice.

# Explore

Second paragraph about heat.
"""


@pytest.fixture
def world(make_user: Any, make_network: Any) -> dict[str, Any]:
    ana = make_user("ana", display_name="Ana Lima")
    ben = make_user("ben", display_name="Ben Okafor")
    network = make_network("physics-net", ana, members={ben: "member"})
    course = create_course(
        ctx(ana),
        network,
        CourseFields(title="Physics", slug="physics", subject="Physics", grade_band="9-12"),
    )
    result = save(ana, course, TEXT, head(course))
    return {"ana": ana, "ben": ben, "course": course, "base": result.commit}


def head(course: Course) -> str:
    with repo_store().open(course.id) as repo:
        return repo.head() or ""


def read(course: Course, path: str = PATH, rev: str = "main") -> str:
    with repo_store().open(course.id) as repo:
        return repo.read_file(path, rev).decode()


def exists(course: Course, path: str) -> bool:
    with repo_store().open(course.id) as repo:
        return repo.exists(path, "main")


def commit_info(course: Course, rev: str = "main") -> Any:
    with repo_store().open(course.id) as repo:
        return repo.commit_info(rev)


def changed(course: Course, rev: str = "main") -> set[str]:
    with repo_store().open(course.id) as repo:
        found = repo.changed_files(repo.resolve(rev))
    return {c.path for c in found} | {c.old_path for c in found if c.old_path}


def save(user: User, course: Course, text: str, base: str, **kwargs: Any) -> editing.SaveResult:
    return editing.save_lesson(ctx(user), LessonRef(course, UNIT, LESSON), text, base, **kwargs)


def test_save_commits_as_the_user_with_a_default_message_and_activity(world):
    ana, course = world["ana"], world["course"]
    editing.save_draft(db.session, ana, course, PATH, base_commit=world["base"], content="x")
    result = save(ana, course, TEXT.replace("ice", "snow"), world["base"])
    assert result.status == "committed" and result.commit == head(course)
    info = commit_info(course)
    assert info.author_name == "Ana Lima"
    assert info.author_email == "ana@users.noreply.example.test"
    assert info.summary == "Edit lesson: Energy transfer"
    assert "snow" in read(course)
    activity = db.session.scalars(db.select(Activity).filter_by(commit=result.commit)).one()
    assert (activity.verb, activity.path, activity.actor_id) == ("edited", PATH, ana.id)
    assert editing.get_draft(db.session, ana, course, PATH) is None


def test_saving_the_same_text_makes_no_commit(world):
    result = save(world["ana"], world["course"], TEXT, world["base"])
    assert result.unchanged and result.commit == world["base"]


def test_concurrent_saves_to_different_paragraphs_merge(world):
    ana, ben, course, base = world["ana"], world["ben"], world["course"], world["base"]
    save(ana, course, TEXT.replace("about ice", "about melting ice"), base)
    result = save(ben, course, TEXT.replace("about heat", "about heat flow"), base)
    assert result.status == "merged"
    assert result.merged_with == ["Ana Lima"]
    text = read(course)
    assert "about melting ice" in text and "about heat flow" in text


def test_concurrent_saves_to_the_same_sentence_conflict_and_write_nothing(world):
    ana, ben, course, base = world["ana"], world["ben"], world["course"], world["base"]
    save(ana, course, TEXT.replace("about ice", "about glaciers"), base)
    before = head(course)
    ben_text = TEXT.replace("about ice", "about icebergs")
    with pytest.raises(editing.SaveConflict) as caught:
        save(ben, course, ben_text, base)
    conflict = caught.value
    assert head(course) == before
    assert conflict.head == before and conflict.base_commit == base
    assert "glaciers" in conflict.theirs and conflict.yours == ben_text
    assert "<<<<<<<" in conflict.merged and "icebergs" in conflict.merged
    assert conflict.author_names == ["Ana Lima"]
    assert "Ana Lima changed the same part" in conflict.message


def test_a_resolution_credits_the_other_author_as_co_author(world):
    ben, course = world["ben"], world["course"]
    resolved = TEXT.replace("about ice", "about glaciers and icebergs")
    save(ben, course, resolved, head(course), co_authors=[Author("Ana Lima", "ana@x.test")])
    info = commit_info(course)
    assert info.author_name == "Ben Okafor"
    assert "Co-authored-by: Ana Lima <ana@x.test>" in info.message


def test_invalid_front_matter_is_refused_with_what_to_fix(world):
    ana, course = world["ana"], world["course"]
    before = head(course)
    with pytest.raises(editing.LessonInvalid) as caught:
        save(ana, course, "---\ntitle: [unclosed\n---\nBody\n", world["base"])
    assert caught.value.http_status == 422
    assert "front matter" in caught.value.message.lower()
    with pytest.raises(editing.LessonInvalid) as caught:
        save(ana, course, TEXT.replace("HS-PS3-1", "HS-XX9-9"), world["base"])
    assert "HS-XX9-9" in caught.value.message
    assert head(course) == before


def test_an_unknown_base_commit_is_a_stale_base(world):
    with pytest.raises(editing.StaleBase):
        save(world["ana"], world["course"], TEXT, "0123456789abcdef0123456789abcdef01234567")
    with pytest.raises(editing.StaleBase):
        save(world["ana"], world["course"], TEXT, "not-a-commit")


def test_saving_a_lesson_that_does_not_exist_is_not_found(world):
    with pytest.raises(editing.LessonNotFound):
        editing.save_lesson(
            ctx(world["ana"]), LessonRef(world["course"], UNIT, "nope"), TEXT, "main"
        )


def test_create_lesson_adds_the_file_and_lists_it_in_one_commit(world):
    ana, course = world["ana"], world["course"]
    result = editing.create_lesson(ctx(ana), course, UNIT, title="Heat and Temperature")
    path = f"units/{UNIT}/lessons/heat-and-temperature.md"
    assert result.path == path
    assert changed(course) == {path, "course.yaml"}
    assert "- heat-and-temperature" in read(course, "course.yaml")
    assert commit_info(course).summary == "Add lesson: Heat and Temperature"
    again = editing.create_lesson(ctx(ana), course, UNIT, title="Heat and temperature")
    assert again.path.endswith("heat-and-temperature-2.md")
    with pytest.raises(editing.NameTaken):
        editing.create_lesson(ctx(ana), course, UNIT, LESSON, title="X")
    with pytest.raises(editing.UnitNotFound):
        editing.create_lesson(ctx(ana), course, "no-such-unit", title="X")


def test_delete_lesson_removes_file_and_entry_unless_changed_since(world):
    ana, ben, course, base = world["ana"], world["ben"], world["course"], world["base"]
    save(ana, course, TEXT.replace("ice", "snow"), base)
    with pytest.raises(editing.SaveConflict) as caught:
        editing.delete_lesson(ctx(ben), LessonRef(course, UNIT, LESSON), base)
    assert "not deleted" in caught.value.message
    assert exists(course, PATH)
    editing.delete_lesson(ctx(ben), LessonRef(course, UNIT, LESSON), head(course))
    assert not exists(course, PATH)
    assert LESSON not in read(course, "course.yaml")
    assert changed(course) == {PATH, "course.yaml"}


def test_restore_makes_a_new_commit_with_the_old_text(world):
    ana, course, base = world["ana"], world["course"], world["base"]
    save(ana, course, TEXT.replace("ice", "snow"), base)
    editing.delete_lesson(ctx(ana), LessonRef(course, UNIT, LESSON), head(course))
    deleted_at = head(course)
    result = editing.restore_lesson(ctx(ana), LessonRef(course, UNIT, LESSON), base)
    assert read(course) == TEXT
    assert commit_info(course).parents == [deleted_at]
    assert f"- {LESSON}" in read(course, "course.yaml")
    assert result.status == "committed"


def test_rename_and_move_update_course_yaml_in_the_same_commit(world):
    ana, course = world["ana"], world["course"]
    editing.create_unit(ctx(ana), course, "Thermal Energy")
    editing.rename_lesson(ctx(ana), LessonRef(course, UNIT, LESSON), "energy-intro")
    assert changed(course) == {PATH, f"units/{UNIT}/lessons/energy-intro.md", "course.yaml"}
    upload = editing.upload_image(ctx(ana), course, UNIT, "Ice Cube.PNG", png(), "ice")
    text = read(course, f"units/{UNIT}/lessons/energy-intro.md") + f"\n{upload.snippet}\n"
    editing.save_lesson(ctx(ana), LessonRef(course, UNIT, "energy-intro"), text, head(course))
    editing.move_lesson(ctx(ana), LessonRef(course, UNIT, "energy-intro"), "thermal-energy")
    moved = "units/thermal-energy/lessons/energy-intro.md"
    assert exists(course, moved) and exists(
        course, "units/thermal-energy/lessons/images/ice-cube.png"
    )
    outline = read(course, "course.yaml")
    assert outline.index("thermal-energy") < outline.index("energy-intro")
    assert "Move lesson: Energy transfer to unit thermal-energy" == commit_info(course).summary


def test_reorder_moves_a_lesson_up_and_refuses_past_the_top(world):
    ana, course = world["ana"], world["course"]
    editing.create_lesson(ctx(ana), course, UNIT, title="Second")
    editing.move_lesson_step(ctx(ana), LessonRef(course, UNIT, "second"), -1)
    outline = read(course, "course.yaml")
    assert outline.index("second") < outline.index(LESSON)
    assert changed(course) == {"course.yaml"}
    with pytest.raises(editing.EditError, match="already the first"):
        editing.move_lesson_step(ctx(ana), LessonRef(course, UNIT, "second"), -1)


def test_units_are_added_renamed_and_deleted_only_when_empty(world):
    ana, course = world["ana"], world["course"]
    result = editing.create_unit(ctx(ana), course, "Waves & Sound")
    assert changed(course) == {"units/waves-sound/unit.md", "course.yaml"}
    assert result.path == "units/waves-sound/unit.md"
    editing.rename_unit(ctx(ana), course, "waves-sound", "waves", title="Waves")
    assert exists(course, "units/waves/unit.md") and "title: Waves" in read(
        course, "units/waves/unit.md"
    )
    with pytest.raises(editing.UnitNotEmpty, match=LESSON):
        editing.delete_unit(ctx(ana), course, UNIT)
    editing.delete_unit(ctx(ana), course, "waves")
    assert not exists(course, "units/waves")
    assert "waves" not in read(course, "course.yaml")


def test_image_upload_checks_bytes_size_and_alt_text(world):
    ana, course = world["ana"], world["course"]

    def upload(name: str, data: bytes, alt: str = "a red square", limit: int = 10_000) -> Any:
        limited = replace(ctx(ana), settings=replace(settings(), max_upload_bytes=limit))
        return editing.upload_image(limited, course, UNIT, name, data, alt)

    first = upload("../../Diagram 1.png", png())
    assert first.path == f"units/{UNIT}/lessons/images/diagram-1.png"
    assert first.snippet == "![a red square](images/diagram-1.png)"
    assert commit_info(course).summary == "Add image: diagram-1.png"
    second = upload("diagram 1.png", png(3))
    assert second.name == "diagram-1-2.png"
    with pytest.raises(editing.ImageRejected, match="SVG"):
        upload("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    with pytest.raises(editing.ImageRejected, match="not a PNG"):
        upload("fake.png", b"GIF-ish but not really an image")
    with pytest.raises(editing.ImageTooLarge) as caught:
        upload("big.png", png(), limit=10)
    assert caught.value.http_status == 413
    with pytest.raises(editing.ImageRejected, match="alt text"):
        upload("ok.png", png(), alt="   ")


def test_applying_form_fields_changes_only_the_keys_that_changed():
    fields = fields_of(TEXT)
    assert fields["standards"] == "HS-PS3-1" and fields["body"].startswith("# Launch")
    assert apply_fields(TEXT, fields) == TEXT
    changed = {**fields, "title": "Heat", "objectives": "Explain heat\n\nMeasure it\n"}
    text = apply_fields(TEXT, {**changed, "duration": "", "standards": "hs-ps3-1, MS-PS3-3"})
    front = parse_lesson(text).front_matter
    assert front["title"] == "Heat" and "duration" not in front
    assert front["objectives"] == ["Explain heat", "Measure it"]
    assert front["standards"] == ["HS-PS3-1", "MS-PS3-3"]
    assert "custom_key: kept" in text and text.endswith("Second paragraph about heat.\n")


def test_form_fields_keep_windows_line_endings_of_the_file():
    crlf = TEXT.replace("\n", "\r\n")
    fields = fields_of(crlf)
    text = apply_fields(crlf, {**fields, "body": fields["body"] + "More.\n"})
    assert text.endswith("More.\r\n") and "\n" not in text.replace("\r\n", "")


def test_standards_field_names_each_code_that_is_not_valid():
    codes, errors = parse_standards("HS-PS3-1; 7.rp.a.2\nHS-ZZ1-1, MP9")
    assert codes == ["HS-PS3-1", "CCSS.MATH.CONTENT.7.RP.A.2"]
    assert len(errors) == 2 and "HS-ZZ1-1" in errors[0] and "MP9" in errors[1]


def test_conflict_markers_are_found_by_line():
    merged = "a\n<<<<<<< your version\nb\n||||||| version you started from\nc\n=======\nd\n"
    assert conflict_markers(merged + ">>>>>>> current version\n") == [2, 4, 6, 8]
    assert conflict_markers("a line with ======= inside\n") == []


def test_side_by_side_marks_changed_words_and_folds_long_unchanged_runs():
    same = [f"line {n}" for n in range(20)]
    theirs = "\n".join([*same, "the ball rolls fast"])
    yours = "\n".join([*same, "the cart rolls fast", "extra line"])
    view = side_by_side(theirs, yours)
    assert view.rows[0].kind == "fold" and view.rows[0].folded == 18
    changed = [row for row in view.rows if row.kind == "changed"]
    assert [s.text for s in changed[0].left if s.changed] == ["ball"]
    assert [s.text for s in changed[0].right if s.changed] == ["cart"]
    assert changed[1].left is None and changed[1].right[0].text == "extra line"


def test_presence_counts_only_recent_heartbeats_of_other_people(world):
    ana, ben, course = world["ana"], world["ben"], world["course"]
    editing.heartbeat(db.session, ana, course, PATH, typing=True)
    editing.heartbeat(db.session, ben, course, PATH)
    assert [p.name for p in editing.others_present(db.session, ben, course, PATH)] == ["Ana Lima"]
    assert editing.others_present(db.session, ben, course, PATH)[0].typing is True
    editing.leave(db.session, ana, course, PATH)
    assert editing.others_present(db.session, ben, course, PATH) == []


def test_a_draft_is_replaced_by_the_next_one_and_refused_when_too_long(world):
    ana, course = world["ana"], world["course"]
    editing.save_draft(db.session, ana, course, PATH, base_commit="a" * 40, content="one")
    editing.save_draft(
        db.session, ana, course, PATH, base_commit="b" * 40, content="two", fields={"body": "two"}
    )
    draft = editing.get_draft(db.session, ana, course, PATH)
    assert (draft.content, draft.base_commit) == ("two", "b" * 40)
    assert editing.view_of(draft).fields == {"body": "two"}
    with pytest.raises(editing.DraftRefused):
        editing.save_draft(db.session, ana, course, PATH, base_commit="c", content="x" * 2_000_000)
