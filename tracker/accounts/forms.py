"""The login form, the users page's forms and the account page's forms."""

from __future__ import annotations

from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from tracker.accounts.models import Role
from tracker.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from tracker.core.forms import TrackerForm

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]
PASSWORD_HINT = (
    f"At least {MIN_LENGTH} characters (a few words make a good one); not your user name, "
    "not a common password."
)
#: Token lifetimes the tokens page offers, in days ("" = until revoked).
TOKEN_LIFETIMES = [
    SelectChoice("30", "30 days"),
    SelectChoice("90", "90 days"),
    SelectChoice("365", "1 year"),
    SelectChoice("7", "7 days"),
    SelectChoice("", "Until revoked"),
]


class LoginForm(TrackerForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me logged in on this computer")


class NewUserForm(TrackerForm):
    # The password rule is the service's (passwords.py): its message lands on the field.
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired()], description=PASSWORD_HINT)
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.reviewer.value)


class UserRoleForm(TrackerForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    is_active = BooleanField("Active")


class ConfirmForm(TrackerForm):
    """A button that changes something (log out everywhere, force a reset, revoke): only the
    CSRF token."""


class PasswordChangeForm(TrackerForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired()], description=PASSWORD_HINT)


class DisplayNameForm(TrackerForm):
    display_name = StringField(
        "Name on public pages",
        description="Shown beside your reviews on public pages; empty: the organisation's name. "
        "Never your user name.",
    )


class TokenForm(TrackerForm):
    name = StringField("What it is for", validators=[DataRequired(), Length(max=80)])
    expires_in_days = SelectField("Valid for", choices=TOKEN_LIFETIMES, default="90")
