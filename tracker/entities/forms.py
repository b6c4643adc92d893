"""Forms for people and organisations."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.core.forms import TrackerForm
from tracker.entities.models import EntityKind


class EntityForm(TrackerForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        "Kind",
        choices=[
            SelectChoice(EntityKind.person.value, "Person"),
            SelectChoice(EntityKind.organisation.value, "Organisation"),
        ],
    )
    aliases = StringField(
        "Other names",
        validators=[Optional(), Length(max=2000)],
        description="Separated by commas, in any language or script (奧特曼, Altman).",
    )


class AliasForm(TrackerForm):
    alias = StringField("Another name", validators=[DataRequired(), Length(max=200)])
