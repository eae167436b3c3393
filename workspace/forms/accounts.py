"""Forms for accounts and settings. Format rules live in services.accounts; the forms call them
so every problem shows at once, and the services check again for callers without a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..models import RoleKind, TokenScope
from ..services import accounts

ROLE_CHOICES = [SelectChoice(kind.value, kind.label) for kind in RoleKind]
SCOPE_CHOICES = [
    SelectChoice(TokenScope.READ.value, "Read: clone and fetch, read through the API"),
    SelectChoice(TokenScope.WRITE.value, "Write: also push and save through the API"),
]
EXPIRY_CHOICES = [SelectChoice(str(days), f"{days} days") for days in accounts.EXPIRY_DAYS] + [
    SelectChoice("never", "Never (not recommended)")
]


def _problem(check: Callable[[str], str | None]) -> Callable[[Any, Field], None]:
    """Return a WTForms validator that reports what `check` finds wrong with the field."""

    def validator(_form: Any, field: Field) -> None:
        message = check(field.data or "")
        if message:
            raise ValidationError(message)

    return validator


def _password_rule(value: str) -> str | None:
    return accounts.password_problem(value, current_app.config["PASSWORD_MIN_LENGTH"])


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class RegisterForm(FlaskForm):
    """Create an account."""

    email = EmailField(
        "Email address",
        filters=[_strip],
        validators=[DataRequired(), _problem(accounts.email_problem)],
    )
    username = StringField(
        "Username",
        filters=[_strip],
        validators=[DataRequired(), _problem(accounts.username_problem)],
    )
    display_name = StringField(
        "Display name",
        filters=[_strip],
        validators=[DataRequired(), Length(max=accounts.MAX_DISPLAY_NAME)],
    )
    password = PasswordField("Password", validators=[DataRequired(), _problem(_password_rule)])
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )
    affiliation = StringField(
        "School or organization",
        filters=[_strip],
        validators=[Length(max=accounts.MAX_AFFILIATION)],
    )
    role_kind = SelectField("Your role", choices=ROLE_CHOICES, default=RoleKind.TEACHER.value)


class LoginForm(FlaskForm):
    """Sign in with a username or email address."""

    identifier = StringField("Username or email", filters=[_strip], validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in on this device")


class ProfileForm(FlaskForm):
    """Edit what colleagues see about you."""

    display_name = StringField(
        "Display name",
        filters=[_strip],
        validators=[DataRequired(), Length(max=accounts.MAX_DISPLAY_NAME)],
    )
    email = EmailField(
        "Email address",
        filters=[_strip],
        validators=[DataRequired(), _problem(accounts.email_problem)],
    )
    affiliation = StringField(
        "School or organization",
        filters=[_strip],
        validators=[Length(max=accounts.MAX_AFFILIATION)],
    )
    role_kind = SelectField("Your role", choices=ROLE_CHOICES)
    bio = TextAreaField("About you", validators=[Length(max=accounts.MAX_BIO)])


class ResetRequestForm(FlaskForm):
    """Ask for a link to choose a new password."""

    email = EmailField(
        "Email address",
        filters=[_strip],
        validators=[DataRequired(), _problem(accounts.email_problem)],
    )


class NewPasswordForm(FlaskForm):
    """Choose a new password from an emailed link (the same rules as changing it)."""

    new_password = PasswordField(
        "New password", validators=[DataRequired(), _problem(_password_rule)]
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired(),
            EqualTo("new_password", message="The new passwords do not match."),
        ],
    )


class PasswordForm(FlaskForm):
    """Change the password."""

    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password", validators=[DataRequired(), _problem(_password_rule)]
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired(),
            EqualTo("new_password", message="The new passwords do not match."),
        ],
    )


class TokenForm(FlaskForm):
    """Create a personal access token."""

    name = StringField(
        "Token name",
        filters=[_strip],
        validators=[DataRequired(), Length(max=accounts.MAX_NAME)],
    )
    scope = SelectField("Access", choices=SCOPE_CHOICES, default=TokenScope.READ.value)
    expiry = SelectField("Expires after", choices=EXPIRY_CHOICES, default="90")

    @property
    def days(self) -> int | None:
        """Return the chosen lifetime in days, or None for a token that never expires."""
        return None if self.expiry.data == "never" else int(self.expiry.data)


def attach_error(form: FlaskForm, error: accounts.AccountError | accounts.TokenError) -> None:
    """Show a service's error on the field it names (or above the form if it names none)."""
    field = getattr(form, error.field, None) if error.field else None
    if isinstance(field, Field):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
