"""The export page's form: the review queue's filters, a format, and CSV's byte order mark."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from tracker.claims.models import ClaimStatus
from tracker.core.forms import TrackerForm
from tracker.exports.services import ExportFormat


class ExportForm(TrackerForm):
    class Meta:
        csrf = False  # a GET form: downloading changes nothing

    format = SelectField(
        "Format", choices=[SelectChoice(f.value, f.label) for f in ExportFormat], default="csv"
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status")]
        + [SelectChoice(s.value, s.label) for s in ClaimStatus],
        default="",
    )
    q = StringField("Text", validators=[Optional(), Length(max=200)])
    source_id = StringField("Source #", validators=[Optional(), Length(max=12)])
    language = StringField("Language", validators=[Optional(), Length(max=35)])
    speaker = StringField("Speaker", validators=[Optional(), Length(max=200)])
    assignee = SelectField("Assignee", coerce=str, default="")
    bom = BooleanField("CSV: start with a byte order mark (for older spreadsheet programs)")


class ImportClaimsForm(TrackerForm):
    file = FileField(
        "A CSV, JSON or JSON Lines file, as the export writes it",
        validators=[FileRequired("Choose a file.")],
    )
    format = SelectField(
        "Format",
        choices=[
            SelectChoice("", "From the file name"),
            SelectChoice("csv", "CSV"),
            SelectChoice("json", "JSON"),
            SelectChoice("jsonl", "JSON Lines"),
        ],
        default="",
    )
    skip_bad = BooleanField("Load the good rows even if some are bad (the bad ones are listed)")
