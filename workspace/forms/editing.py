"""Forms of the lesson editor, and the translation between form fields and a lesson file.

The editor shows the front matter as fields (title, duration, grade band, standards,
objectives, materials) and the body as Markdown. Saving applies only the fields the teacher
changed, with update_front_matter on the file as it was at the base version, so unknown keys,
comments and formatting stay exactly as written.
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..content.errors import InvalidStandard
from ..content.frontmatter import parse_lesson, update_front_matter
from ..content.lesson import MAX_DURATION, is_grade_band
from ..content.standards import normalize_standard

FIELD_NAMES = ("title", "duration", "grade_band", "standards", "objectives", "materials")
LIST_FIELDS = ("objectives", "materials")
DRAFT_FIELDS = (*FIELD_NAMES, "body")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _lf(value: str | None) -> str | None:
    """Return text with the CRLF line ends browsers send turned into LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def split_codes(text: str) -> list[str]:
    """Return the standards codes in text separated by commas, semicolons or new lines."""
    return [code.strip() for code in re.split(r"[,;\n]", text or "") if code.strip()]


def parse_standards(text: str) -> tuple[list[str], list[str]]:
    """Return (normalized codes, error messages naming each code that is not valid)."""
    codes: list[str] = []
    errors: list[str] = []
    for raw in split_codes(text):
        try:
            standard = normalize_standard(raw)
        except InvalidStandard as exc:
            errors.append(exc.message)
            continue
        if standard.code not in codes:
            codes.append(standard.code)
    return codes, errors


def _duration(form: FlaskForm, field: StringField) -> None:
    value = (field.data or "").strip()
    if not value:
        return
    if not value.isdigit() or not 1 <= int(value) <= MAX_DURATION:
        raise ValidationError(
            f"Duration is a whole number of minutes between 1 and {MAX_DURATION}, like 50; "
            f"\u201c{value}\u201d is not."
        )


def _grade_band(form: FlaskForm, field: StringField) -> None:
    value = (field.data or "").strip()
    if value and not is_grade_band(value):
        raise ValidationError(
            f"\u201c{value}\u201d is not a grade band; write one like 9-12, K-2, 6-8, HS or MS."
        )


def _standards(form: FlaskForm, field: TextAreaField) -> None:
    _, errors = parse_standards(field.data or "")
    if errors:
        raise ValidationError(" ".join(errors))


class LessonForm(FlaskForm):
    """The lesson editor: front matter fields, the Markdown body, and a commit message."""

    title = StringField(
        "Title",
        validators=[DataRequired("A lesson needs a title."), Length(max=200)],
        filters=[_strip],
    )
    duration = StringField("Duration (minutes)", validators=[_duration], filters=[_strip])
    grade_band = StringField("Grade band", validators=[_grade_band], filters=[_strip])
    standards = TextAreaField("Standards", validators=[_standards], filters=[_lf])
    objectives = TextAreaField("Objectives", filters=[_lf])
    materials = TextAreaField("Materials", filters=[_lf])
    body = TextAreaField("Lesson text (Markdown)", filters=[_lf])
    message = StringField("Describe your change", validators=[Length(max=300)], filters=[_strip])
    base_commit = HiddenField()
    image = FileField("Image file")
    alt = StringField("Alt text (what the image shows)", validators=[Length(max=300)])

    def draft_fields(self) -> dict[str, str]:
        """Return the fields as typed, for keeping as a draft."""
        return {name: self[name].data or "" for name in DRAFT_FIELDS}


class ResolveForm(FlaskForm):
    """The conflict resolution screen: the combined whole-file text to save."""

    content = TextAreaField("Combined text", filters=[_lf])
    yours = HiddenField(filters=[_lf])
    base_commit = HiddenField()
    conflict_base = HiddenField()
    message = StringField("Describe your change", validators=[Length(max=300)], filters=[_strip])


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join("" if item is None else str(item) for item in value)
    return str(value)


def fields_of(text: str) -> dict[str, str]:
    """Return the editor's field values for a lesson file (raises FrontMatterError)."""
    doc = parse_lesson(text)
    values = {name: _as_text(doc.front_matter.get(name)) for name in FIELD_NAMES}
    values["body"] = doc.body.lstrip("\r\n").replace("\r\n", "\n")
    return values


def _value(name: str, text: str) -> object | None:
    """Return the front matter value for a field as typed (None removes the key)."""
    text = text.strip()
    if not text:
        return None
    if name == "duration":
        return int(text)
    if name == "standards":
        return parse_standards(text)[0] or None
    if name in LIST_FIELDS:
        return [line.strip() for line in text.split("\n") if line.strip()] or None
    return text


def apply_fields(base_text: str, fields: dict[str, str]) -> str:
    """Return the lesson file: `base_text` with the changed fields and the new body.

    A field whose text is what the editor showed for `base_text` is left alone, so values
    written in other ways (a code in lower case, a one-line list) stay as they were.
    """
    shown = fields_of(base_text)
    changes = {
        name: _value(name, fields.get(name, ""))
        for name in FIELD_NAMES
        if fields.get(name, "").strip() != shown[name].strip()
    }
    text = update_front_matter(base_text, changes) if changes else base_text
    doc = parse_lesson(text)
    lead = doc.body[: len(doc.body) - len(doc.body.lstrip("\r\n"))] or "\n"
    body = fields.get("body", "")
    newline = "\r\n" if doc.opening.endswith("\r\n") else "\n"
    if body and not body.endswith("\n"):
        body += "\n"
    if newline != "\n":
        body = body.replace("\n", newline)
    return doc.opening + doc.front_matter_text + doc.closing + (lead + body if body else "")
