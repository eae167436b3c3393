"""Word documents both ways: a .docx a teacher made in Word becomes a lesson (title, headings,
lists, tables, images with their descriptions); a lesson becomes a Word document with its
boxes as labelled, styled sections, the copy each reader is to get, and nothing active; and a
lesson exported and read back keeps what it had. Real files: python-docx writes the Word
documents read here and reads the ones written."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import docx
import pytest
from hostile_markdown import HOSTILE
from import_support import PICTURE, word_file
from test_content_render import tree

from workspace.content import render_markdown
from workspace.content.word import (
    LessonSource,
    NotAWordFile,
    UnitSource,
    course_to_docx,
    docx_to_markdown,
    markdown_to_docx,
    unit_to_docx,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_a_word_document_becomes_a_lesson_with_its_headings_lists_table_and_images() -> None:
    found = docx_to_markdown(word_file(), name="Forces.docx")
    assert found.title == "Forces and motion"
    text = found.markdown
    assert "Forces and motion" not in text  # the title is not repeated in the body
    assert "**bold**" in text and "*italic*" in text
    rendered = render_markdown(text)
    # Heading 1 was used for sections: the body starts at ##, as lessons do.
    assert [(h.level, h.text) for h in rendered.headings] == [(2, "Warm up"), (3, "Steps")]
    root = tree(text)
    steps, things = root.one("ol"), root.one("ul")
    assert [li.content().strip() for li in steps.all("li")] == [
        "Set up the ramp",
        "Release the cart",
        "Measure the distance",
    ]
    assert [li.content().strip() for li in things.all("li")] == ["tape measure", "stopwatch"]
    assert not steps.all("p")  # tight lists, as a teacher would write them
    table = root.one("table")
    assert [th.content() for th in table.all("th")] == ["Mass (kg)", "Distance (m)"]
    assert [td.content() for td in table.all("td")] == ["1", "2.5", "2", "1.4"]
    images = root.all("img")
    assert [img.attrs["alt"] for img in images] == ["A red cart at the top of a ramp", ""]
    sources = [img.attrs["src"] for img in images]
    assert set(sources) == set(found.images)  # every image in the body is handed over
    assert found.images[sources[0]] == PICTURE
    assert found.problems == ["1 image has no description (alt text)"]


def test_without_a_title_paragraph_the_first_heading_is_the_title() -> None:
    found = docx_to_markdown(word_file(title=None))
    assert found.title == "Warm up"
    assert "Warm up" not in found.markdown
    assert render_markdown(found.markdown).headings[0].text == "Steps"


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"Just some text, saved with the wrong ending.",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),  # an old .doc
        _zip({"content.xml": b"<office:document/>"}),  # a LibreOffice .odt
        _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"not xml at all <"}),
        b"",
    ],
    ids=["text", "old-doc", "odt", "damaged", "empty"],
)
def test_a_file_that_is_not_a_word_document_is_refused_with_a_clear_message(data: bytes) -> None:
    with pytest.raises(NotAWordFile) as refused:
        docx_to_markdown(data, name="lesson.docx")
    assert isinstance(refused.value, ValueError)
    message = refused.value.message
    assert "\u201clesson.docx\u201d" in message and ".docx" in message
    assert "pandoc" not in message.lower() and "Traceback" not in message


def test_a_document_over_the_size_limit_or_too_slow_to_read_is_refused() -> None:
    data = word_file()
    with pytest.raises(NotAWordFile, match="larger than 0 MB"):
        docx_to_markdown(data, max_bytes=len(data) - 1)
    with pytest.raises(NotAWordFile, match="took longer than"):
        docx_to_markdown(data, timeout=0.001)


LESSON = """---
title: Carts on a ramp
duration: 50
grade_band: 9-12
standards: [HS-PS2-1]
objectives:
  - Predict which cart goes further
---
## Warm up

Push the carts. Read [the guide](https://example.org/guide) first.

![A cart](images/cart.png){alt='A red cart at the top of a wooden ramp'}

::: instructor
Learners confuse mass and weight.
:::

::: teacher-notes
Have spare carts ready.
:::

::::: challenge
## Which goes further?

Predict, then test.

- the heavy one
- the light one

:::: solution
The lighter one.
::::

:::: hint
Think about friction.
::::
:::::

## Data

| Mass | Distance |
|------|----------|
| 1    | 2.5      |

1. First run
2. Second run

::: safety-note
Keep fingers clear of the ramp.
:::
"""


def paragraphs(data: bytes) -> list[tuple[str, str]]:
    """Return (style name, text) of each paragraph of a Word document, in order."""
    return [(p.style.name, p.text) for p in docx.Document(io.BytesIO(data)).paragraphs]


def all_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_lesson_becomes_a_word_document_with_title_facts_and_styled_boxes() -> None:
    data = markdown_to_docx(LESSON, images={"images/cart.png": PICTURE})
    shown = paragraphs(data)
    assert shown[0] == ("Title", "Carts on a ramp")
    facts = [text for style, text in shown if style == "Lesson Facts"]
    assert "Duration: 50 minutes" in facts and "Grades: 9-12" in facts
    assert "Standards: HS-PS2-1" in facts
    assert ("Objectives Title", "Objectives") in shown
    assert ("Objectives", "Predict which cart goes further") in shown
    # The box's first heading names it, as in the Carpentries' lessons.
    assert ("Challenge Title", "Challenge 1: Which goes further?") in shown
    assert ("Challenge", "Predict, then test.") in shown
    assert ("Challenge", "the heavy one") in shown  # lists in a box keep the box's style
    assert ("Instructor notes Title", "Instructor notes") in shown
    assert ("Box Title", "Safety note") in shown  # a kind of box of its own: labelled by name
    assert ("Heading 1", "Warm up") in shown and ("Heading 1", "Data") in shown
    document = docx.Document(io.BytesIO(data))
    assert [row.cells[1].text for row in document.tables[0].rows] == ["Distance", "2.5"]


def test_images_are_embedded_with_their_description_from_the_pandoc_attribute() -> None:
    data = markdown_to_docx(LESSON, images={"images/cart.png": PICTURE})
    document = docx.Document(io.BytesIO(data))
    (shape,) = document.inline_shapes
    assert shape._inline.docPr.get("descr") == "A red cart at the top of a wooden ramp"
    blob = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed]
    assert blob.blob == PICTURE
    missing = markdown_to_docx(LESSON, images={})
    assert not docx.Document(io.BytesIO(missing)).inline_shapes
    assert "A red cart at the top of a wooden ramp" in all_text(missing)


def test_solutions_go_to_the_end_numbered_after_their_challenge() -> None:
    shown = paragraphs(markdown_to_docx(LESSON, images={}, solutions="end"))
    texts = [text for _style, text in shown]
    solutions = texts.index("Solutions")
    assert shown[solutions][0] == "Heading 1"
    assert texts.index("The lighter one.") > solutions > texts.index("Data")
    assert ("Solution Title", "Solution to challenge 1") in shown
    assert ("Hint Title", "Hint for challenge 1") in shown
    assert texts.index("Think about friction.") > solutions


def test_solutions_can_stay_in_place_or_be_left_out() -> None:
    inline = [
        text for _style, text in paragraphs(markdown_to_docx(LESSON, images={}, solutions="inline"))
    ]
    assert "Solutions" not in inline
    assert (
        inline.index("Predict, then test.")
        < inline.index("The lighter one.")
        < inline.index("Data")
    )
    omitted = all_text(markdown_to_docx(LESSON, images={}, solutions="omit"))
    assert "The lighter one." not in omitted and "Think about friction." not in omitted
    assert "Predict, then test." in omitted


def test_a_student_copy_leaves_out_the_notes_for_teachers() -> None:
    teacher = all_text(markdown_to_docx(LESSON, images={}, version="teacher"))
    assert "Learners confuse mass and weight." in teacher and "Have spare carts ready." in teacher
    assert "Teacher copy" in teacher
    student = all_text(markdown_to_docx(LESSON, images={}, version="student", solutions="omit"))
    for hidden in ("Learners confuse", "Have spare carts", "The lighter one.", "Teacher copy"):
        assert hidden not in student
    assert "Student copy." in student and "Predict, then test." in student


def test_asking_for_an_unknown_copy_or_placement_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="version"):
        markdown_to_docx(LESSON, images={}, version="principal")
    with pytest.raises(ValueError, match="solutions"):
        markdown_to_docx(LESSON, images={}, solutions="sideways")


def active_parts(data: bytes) -> list[str]:
    """Return what in a Word document could act on its own: fields, embedded objects or HTML,
    macros, links to anything but web pages and mail, images from outside the file."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if (
                name.endswith((".bin", "vbaProject.bin"))
                or "activeX" in name
                or "embeddings" in name
            ):
                found.append(name)
            if name.endswith(".rels"):
                for rel in ElementTree.fromstring(archive.read(name)):
                    if rel.get("TargetMode") == "External" and not re.match(
                        r"(https?|mailto):", rel.get("Target", "")
                    ):
                        found.append(f"{name}: {rel.get('Target')}")
            if name.startswith("word/") and name.endswith(".xml"):
                root = ElementTree.fromstring(archive.read(name))
                for element in root.iter():
                    tag = element.tag.removeprefix(W)
                    if tag in ("fldSimple", "instrText", "object", "altChunk", "fldChar"):
                        found.append(f"{name}: {tag}")
    return found


EXTRA_HOSTILE = {
    "raw openxml block": '```{=openxml}\n<w:p><w:fldSimple w:instr="INCLUDETEXT x"/></w:p>\n```',
    "raw openxml inline": 'a `<w:r><w:fldChar w:fldCharType="begin"/></w:r>`{=openxml} b',
    "raw latex": "\\begin{document}\\input{/etc/passwd}\\end{document}",
    "local file image": "![x](/etc/passwd)",
    "web image": "![x](http://127.0.0.1:9/x.png)",
    "unsafe link": "[x](file:///etc/passwd) [y](javascript:alert(1))",
}


def test_hostile_markdown_gives_a_word_document_with_nothing_active() -> None:
    everything = "\n\n".join([*HOSTILE.values(), *EXTRA_HOSTILE.values()])
    data = markdown_to_docx(f"---\ntitle: Hostile\n---\n{everything}\n", images={})
    assert active_parts(data) == []
    assert "passwd" not in "".join(
        rel.get("Target", "")
        for rel in ElementTree.fromstring(
            zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels")
        )
    )


@pytest.mark.parametrize("name", list(EXTRA_HOSTILE))
def test_raw_word_markup_and_outside_files_never_reach_the_document(name: str) -> None:
    data = markdown_to_docx(f"---\ntitle: T\n---\n{EXTRA_HOSTILE[name]}\n", images={})
    assert active_parts(data) == []
    assert not docx.Document(io.BytesIO(data)).inline_shapes


def test_a_lesson_exported_and_read_back_keeps_headings_lists_tables_images_and_alt_text() -> None:
    data = markdown_to_docx(LESSON, images={"images/cart.png": PICTURE}, solutions="inline")
    back = docx_to_markdown(data, name="Carts on a ramp.docx")
    assert back.title == "Carts on a ramp"
    assert back.problems == []
    before, after = render_markdown(LESSON.split("---\n", 2)[2]), render_markdown(back.markdown)
    assert [(h.level, h.text) for h in after.headings] == [
        (h.level, h.text) for h in before.headings if h.text != "Which goes further?"
    ]
    again = tree(back.markdown)
    bulleted = [[li.content().strip() for li in ul.all("li")] for ul in again.all("ul")]
    assert ["the heavy one", "the light one"] in bulleted
    (numbered,) = again.all("ol")
    assert [li.content().strip() for li in numbered.all("li")] == ["First run", "Second run"]
    assert [th.content() for th in again.all("th")] == ["Mass", "Distance"]
    assert [td.content() for td in again.all("td")] == ["1", "2.5"]
    (image,) = again.all("img")
    assert image.attrs["alt"] == "A red cart at the top of a wooden ramp"
    assert back.images[image.attrs["src"]] == PICTURE
    # The boxes come back as boxes, the solution inside its challenge.
    assert (
        "::: instructor" in back.markdown and ":::: challenge Which goes further?" in back.markdown
    )
    assert "::: solution\nThe lighter one.\n:::" in back.markdown


def test_a_unit_document_has_its_overview_then_its_lessons_in_order() -> None:
    unit = "---\ntitle: Motion\nsummary: How things move.\n---\nWe start with carts.\n"
    lessons = [
        LessonSource("---\ntitle: Speed\n---\n## Launch\n\nHow fast?\n"),
        LessonSource(LESSON, {"images/cart.png": PICTURE}),
    ]
    shown = paragraphs(unit_to_docx(unit, lessons, title="Unit", version="student"))
    assert shown[0] == ("Title", "Motion")
    texts = [text for _style, text in shown]
    assert texts.index("How things move.") < texts.index("We start with carts.")
    headings = [(style, text) for style, text in shown if style.startswith("Heading")]
    assert headings[:3] == [
        ("Heading 1", "Speed"),
        ("Heading 2", "Launch"),
        ("Heading 1", "Carts on a ramp"),
    ]
    assert "Learners confuse mass and weight." not in texts


def test_a_course_gives_one_document_per_unit_and_per_lesson() -> None:
    units = [
        UnitSource(
            "motion", "Motion", lessons=[("speed", LessonSource("---\ntitle: Speed\n---\nGo.\n"))]
        ),
        UnitSource(
            "energy",
            "Energy",
            lessons=[("heat", LessonSource(LESSON)), ("light", LessonSource("Light.\n"))],
        ),
    ]
    files = dict(course_to_docx(units, version="student", solutions="omit"))
    assert list(files) == [
        "motion.docx",
        "motion/speed.docx",
        "energy.docx",
        "energy/heat.docx",
        "energy/light.docx",
    ]
    assert paragraphs(files["energy/heat.docx"])[0] == ("Title", "Carts on a ramp")
    assert paragraphs(files["energy/light.docx"])[0] == ("Title", "Untitled lesson")
    assert paragraphs(files["energy.docx"])[0] == ("Title", "Energy")
    assert "The lighter one." not in all_text(files["energy.docx"])
