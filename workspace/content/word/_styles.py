"""The Word styles of a lesson's boxes, and the reference document that defines them.

Each kind of box (`::: challenge`, `::: instructor`, ...) is two paragraph styles in Word: one
for its text ("Challenge") and one for its label ("Challenge Title"). Both share a coloured
left border and shading, so Word draws the box as one block. Reading a Word file back, these
styles say where a box was, so a lesson exported and imported again keeps its boxes.

The reference document is pandoc's own with these styles added; it is built on first use.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import quoteattr

from ..sections import ALIASES, SECTIONS
from ._pandoc import default_reference_docx

# The web labels of folded boxes say what to click ("Show the solution"); on paper, they name.
_PAPER_LABELS = {"solution": "Solution", "hint": "Hint", "spoiler": "More"}

# (border colour, shading) of each kind: green for exercises, blue for answers, purple for
# what is for teachers, warm colours for notes. Word draws neighbouring paragraphs with the same
# border as one box, so each kind has its own colour and two different boxes never merge.
_COLOURS = {
    "challenge": ("2E7D32", "EEF6EE"),
    "discussion": ("00796B", "E8F5F3"),
    "checklist": ("558B2F", "F1F8E9"),
    "questions": ("00838F", "E6F6F7"),
    "solution": ("1565C0", "EAF1FB"),
    "hint": ("3949AB", "EEF0FA"),
    "spoiler": ("5C6BC0", "F0F1FA"),
    "instructor": ("6A1B9A", "F4EEF8"),
    "teacher-notes": ("4527A0", "F0EDF8"),
    "anticipated-responses": ("8E24AA", "F6EEF9"),
    "callout": ("B26A00", "FFF5E0"),
    "keypoints": ("E65100", "FFF3E0"),
    "objectives": ("6D4C41", "F7F1EE"),
    "prereq": ("827717", "F9F8E6"),
    "testimonial": ("AD1457", "FCEEF4"),
}
_OTHER = ("616161", "F3F3F3")

# The line under a document's title saying which copy it is (about the copy, not the lesson:
# reading the document back leaves it out).
COPY_LINES = {
    "teacher": "Teacher copy: with the notes for teachers.",
    "student": "Student copy.",
}
GENERIC_STYLE = "Box"
FACTS_STYLE = "Lesson Facts"
TITLE_SUFFIX = " Title"


@dataclass(frozen=True)
class BoxStyle:
    """How one kind of box looks in Word: its label and its two paragraph style names."""

    kind: str
    label: str
    style: str

    @property
    def title_style(self) -> str:
        """Return the style of the box's label paragraph."""
        return self.style + TITLE_SUFFIX


def box_style(name: str) -> BoxStyle:
    """Return the Word look of a box kind; unknown kinds share the plain "Box" style and are
    labelled by their name ("Safety note" for `::: safety-note`)."""
    kind = ALIASES.get(name, name)
    if kind in SECTIONS:
        label = _PAPER_LABELS.get(kind) or SECTIONS[kind][0]
        return BoxStyle(kind, label, label)
    words = kind.replace("_", " ").replace("-", " ").strip()
    label = words[:1].upper() + words[1:] if words else "Note"
    return BoxStyle(kind, label, GENERIC_STYLE)


def known_styles() -> dict[str, str]:
    """Return the box kind of each known box style name ("Key points" gives "keypoints")."""
    return {box_style(kind).style: kind for kind in SECTIONS}


def _style_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", name)


def _box_styles_xml(name: str, colours: tuple[str, str]) -> str:
    border, fill = colours
    ident = _style_id(name)
    # Word wants paragraph properties in the schema's order: border, shading, spacing, indent.
    frame = (
        f'<w:pBdr><w:left w:val="single" w:sz="24" w:space="6" w:color="{border}"/></w:pBdr>'
        f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    )
    indent = '<w:ind w:left="284" w:right="113"/>'
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{ident}">'
        f"<w:name w:val={quoteattr(name)}/>"
        '<w:basedOn w:val="BodyText"/><w:qFormat/>'
        f'<w:pPr>{frame}<w:spacing w:before="0" w:after="80"/>{indent}</w:pPr></w:style>'
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{ident}Title">'
        f"<w:name w:val={quoteattr(name + TITLE_SUFFIX)}/>"
        f'<w:basedOn w:val="{ident}"/><w:next w:val="{ident}"/><w:qFormat/>'
        f'<w:pPr><w:keepNext/>{frame}<w:spacing w:before="240" w:after="80"/>{indent}</w:pPr>'
        f'<w:rPr><w:b/><w:color w:val="{border}"/></w:rPr></w:style>'
    )


def _styles_xml() -> str:
    names: dict[str, tuple[str, str]] = {}
    for kind in SECTIONS:
        names.setdefault(box_style(kind).style, _COLOURS.get(kind, _OTHER))
    names[GENERIC_STYLE] = _OTHER
    boxes = "".join(_box_styles_xml(name, colours) for name, colours in names.items())
    facts = (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{_style_id(FACTS_STYLE)}">'
        f"<w:name w:val={quoteattr(FACTS_STYLE)}/>"
        '<w:basedOn w:val="BodyText"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="0" w:after="40"/></w:pPr>'
        '<w:rPr><w:color w:val="4D4D4D"/></w:rPr></w:style>'
    )
    return boxes + facts


@cache
def reference_docx() -> bytes:
    """Return the reference document for pandoc: its default styles plus the boxes' styles."""
    source = zipfile.ZipFile(io.BytesIO(default_reference_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                text = data.decode("utf-8")
                data = text.replace("</w:styles>", _styles_xml() + "</w:styles>").encode()
            target.writestr(info, data)
    return out.getvalue()
