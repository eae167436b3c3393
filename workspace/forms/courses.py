"""Forms of the courses area: create a course, its settings, archiving and deleting it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..services.courses import GRADE_BANDS, LICENSES, CourseSlugError, check_course_slug

LICENSE_CHOICES = [SelectChoice(value, label) for value, label in LICENSES]
GRADE_BAND_CHOICES = [SelectChoice(value, label) for value, label in GRADE_BANDS]


def _valid_slug(form: FlaskForm, field: StringField) -> None:
    try:
        field.data = check_course_slug(field.data or "")
    except CourseSlugError as exc:
        raise ValidationError(exc.message) from exc


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class CourseForm(FlaskForm):
    """A new course: its name and address, what it teaches, and under which license."""

    title = StringField(
        "Title",
        validators=[DataRequired("Give the course a title."), Length(max=200)],
        filters=[_strip],
    )
    slug = StringField(
        "Short name (used in links)",
        validators=[DataRequired("Choose a short name for links."), Length(max=64), _valid_slug],
        filters=[_strip],
    )
    subject = StringField("Subject", validators=[Optional(), Length(max=100)], filters=[_strip])
    grade_band = SelectField("Grade band", choices=GRADE_BAND_CHOICES, default="9-12")
    description = TextAreaField(
        "Description", validators=[Optional(), Length(max=5000)], filters=[_strip]
    )
    license = SelectField("License", choices=LICENSE_CHOICES, default="CC-BY-4.0")


class CourseSettingsForm(FlaskForm):
    """What leaders may change about a course after it exists."""

    title = StringField(
        "Title",
        validators=[DataRequired("Give the course a title."), Length(max=200)],
        filters=[_strip],
    )
    slug = StringField(
        "Short name (used in links)",
        validators=[DataRequired("Choose a short name for links."), Length(max=64), _valid_slug],
        filters=[_strip],
    )
    description = TextAreaField(
        "Description", validators=[Optional(), Length(max=5000)], filters=[_strip]
    )
    license = SelectField("License", choices=LICENSE_CHOICES)


class ArchiveForm(FlaskForm):
    """Archive or unarchive a course (a button; the form only carries the CSRF token)."""


class DeleteCourseForm(FlaskForm):
    """Delete a course: the leader types the course's short name to confirm."""

    confirmation = StringField(
        "Type the course's short name to confirm",
        validators=[DataRequired("Type the course's short name to confirm.")],
        filters=[_strip],
    )
