"""Forms of the networks area: a new network, its settings, members, invitations, join requests.

Forms check the shape of what was typed; the rules that need the database (a free slug, a
parent the user leads, the last leader) live in services/networks.py and come back as
NetworkError, which the view attaches to the field it names.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ..models import NetworkKind, Role, Visibility

KIND_CHOICES = [SelectChoice(k.value, k.label) for k in NetworkKind]
VISIBILITY_CHOICES = [
    SelectChoice(
        Visibility.PUBLIC.value, "Public: anyone can find it, read its courses and ask to join"
    ),
    SelectChoice(
        Visibility.PRIVATE.value, "Private: only members can see it; people join by invitation"
    ),
]
# Strongest first, as people read a list of roles.
ROLE_CHOICES = [
    SelectChoice(r.value, r.label) for r in (Role.LEADER, Role.MEMBER, Role.PARTNER, Role.READER)
]
NO_PARENT = 0


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _slug(value: str | None) -> str | None:
    return value.strip().lower() if isinstance(value, str) else value


class NetworkSettingsForm(FlaskForm):
    """What leaders can change about a network: name, purpose, kind, visibility and parent."""

    name = StringField(
        "Name",
        validators=[DataRequired("Give the network a name."), Length(min=2, max=120)],
        filters=[_strip],
    )
    purpose = TextAreaField(
        "Purpose",
        validators=[
            DataRequired(
                "Every network starts from a clear purpose. Say what you will work on together."
            ),
            Length(max=5000),
        ],
        filters=[_strip],
    )
    kind = SelectField("Kind of network", choices=KIND_CHOICES, default=NetworkKind.VIRTUAL.value)
    visibility = SelectField(
        "Who can see it", choices=VISIBILITY_CHOICES, default=Visibility.PRIVATE.value
    )
    parent_id = SelectField("Part of a larger network", coerce=int, default=NO_PARENT)

    def set_parents(self, choices: list[tuple[int, str]]) -> None:
        """Offer `choices` (id, name) as parents, after the option of having none."""
        self.parent_id.choices = [
            SelectChoice(str(value), label)
            for value, label in [(NO_PARENT, "None: this is a top-level network"), *choices]
        ]


class NewNetworkForm(NetworkSettingsForm):
    """A new network: the settings plus its address, which stays fixed afterwards."""

    slug = StringField(
        "Address",
        validators=[
            DataRequired("Choose an address for the network."),
            Length(min=2, max=64),
            Regexp(
                r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
                message="Use lowercase letters, digits and dashes, starting and ending with a "
                "letter or digit.",
            ),
        ],
        filters=[_slug],
    )


class RoleForm(FlaskForm):
    """A member's role, changed by a leader (one form per member, told apart by prefix)."""

    role = SelectField("Role", choices=ROLE_CHOICES)


class AddMemberForm(FlaskForm):
    """Add someone who already has an account, by username or email."""

    person = StringField(
        "Username or email",
        validators=[DataRequired("Say whom to add."), Length(max=254)],
        filters=[_strip],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.MEMBER.value)


class InvitationForm(FlaskForm):
    """An invitation link: the role it gives, how long it works, and optionally for whom."""

    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.MEMBER.value)
    days = IntegerField(
        "Works for (days)",
        validators=[
            InputRequired("Say how many days the link works."),
            NumberRange(min=1, max=365, message="Between 1 and 365 days."),
        ],
    )
    email = StringField(
        "Only for this email address (optional)",
        validators=[
            Optional(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="This is not an email address."),
        ],
        filters=[_strip],
    )


class JoinRequestForm(FlaskForm):
    """A request to join a public network, with a note for its leaders."""

    message = TextAreaField(
        "A note for the leaders (optional)",
        validators=[Optional(), Length(max=1000)],
        filters=[_strip],
    )
