"""The login form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from tracker.accounts.models import Role

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me logged in on this computer")


class NewUserForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.reviewer.value)


class UserRoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    is_active = BooleanField("Active")
