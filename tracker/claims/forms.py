"""Forms for marking and editing claims, verdicts, evidence, deleting and bulk assignment."""

from __future__ import annotations

from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.claims.models import ClaimStatus, Stance
from tracker.claims.queue import SORT_LABELS
from tracker.core.forms import TrackerForm

STATUS_CHOICES = [SelectChoice(s.value, s.label) for s in ClaimStatus]
STANCE_CHOICES = [SelectChoice(s.value, s.label) for s in Stance]


def split_subjects(value: str | None) -> list[str]:
    """Subjects are typed comma- or semicolon-separated, in any script (、 and ， too)."""
    if not value:
        return []
    for sep in (";", "、", "，", "；"):
        value = value.replace(sep, ",")
    return [part.strip() for part in value.split(",") if part.strip()]


class ClaimForm(TrackerForm):
    start = IntegerField("Start", validators=[InputRequired(), NumberRange(min=0)])
    end = IntegerField("End", validators=[InputRequired(), NumberRange(min=1)])
    quote = TextAreaField(
        "Exact quote",
        validators=[DataRequired()],
        description="Stored exactly as it stands in the source. Shorten it to the words that "
        "make the claim; it must be found once in the chosen sentences.",
    )
    statement = TextAreaField(
        "Statement",
        validators=[DataRequired(), Length(max=5000)],
        description="The claim in your own words.",
    )
    speaker = StringField(
        "Speaker",
        validators=[Optional(), Length(max=200)],
        default="the article",
        description="Who in the article makes the claim: the article itself, or a person it "
        "quotes.",
    )
    subjects = StringField(
        "Subjects",
        validators=[Optional(), Length(max=2000)],
        description="People and organisations it is about, separated by commas.",
    )
    status = SelectField("Status", choices=STATUS_CHOICES, default=ClaimStatus.unreviewed.value)
    rationale = TextAreaField(
        "Rationale",
        validators=[Optional(), Length(max=10000)],
        description="Required for a verdict: why it holds or not.",
    )
    note = StringField(
        "Note for the history",
        validators=[Optional(), Length(max=1000)],
        description="Why you changed it (optional).",
    )
    version = HiddenField()


class VerdictForm(TrackerForm):
    status = SelectField("Status", choices=STATUS_CHOICES)
    rationale = TextAreaField("Rationale", validators=[Optional(), Length(max=10000)])
    version = HiddenField(validators=[DataRequired()])


class EvidenceForm(TrackerForm):
    url = StringField("Address (URL)", validators=[DataRequired(), Length(max=2048)])
    title = StringField("Title", validators=[DataRequired(), Length(max=500)])
    publisher = StringField("Publisher", validators=[Optional(), Length(max=200)])
    published = StringField(
        "Date", validators=[Optional(), Length(max=10)], description="YYYY, YYYY-MM or YYYY-MM-DD"
    )
    stance = SelectField("Stance", choices=STANCE_CHOICES)
    passage = TextAreaField("Quoted passage", validators=[Optional(), Length(max=10000)])


class DeleteForm(TrackerForm):
    note = StringField("Why", validators=[Optional(), Length(max=1000)])
    version = HiddenField()


class AssignForm(TrackerForm):
    claim_ids = SelectMultipleField(
        "Claims",
        coerce=int,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validate_choice=False,
    )
    assignee_id = SelectField("Assign to", coerce=int)


class QueueFilterForm(TrackerForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField("Search", validators=[Optional(), Length(max=200)])
    status = SelectField(
        "Status", choices=[SelectChoice("", "Any status"), *STATUS_CHOICES], default=""
    )
    source_id = StringField("Source #", validators=[Optional(), Length(max=12)])
    language = StringField("Language", validators=[Optional(), Length(max=35)])
    speaker = StringField("Speaker", validators=[Optional(), Length(max=200)])
    assignee = SelectField("Assignee", coerce=str, default="")
    sort = SelectField(
        "Sort", choices=[SelectChoice(k, v) for k, v in SORT_LABELS.items()], default="updated"
    )
    deleted = SelectField(
        "Deleted",
        choices=[SelectChoice("", "Hide deleted"), SelectChoice("1", "Include deleted")],
        default="",
    )


class AnswerForm(TrackerForm):
    """A claim's answer and its qualifiers, as a reviewer gives or confirms them."""

    answer = StringField(
        "Answer",
        validators=[Optional(), Length(max=300)],
        description="As a reader would write it: “44 million dollars”, “until the end of the "
        "year”, “yes”, or a short phrase. Empty: let the tracker propose again.",
    )
    as_of = StringField(
        "As of", validators=[Optional(), Length(max=10)], description="YYYY, YYYY-MM or YYYY-MM-DD"
    )
    valid_from = StringField("From", validators=[Optional(), Length(max=10)])
    valid_until = StringField("Until", validators=[Optional(), Length(max=10)])
    aspect = StringField(
        "About",
        validators=[Optional(), Length(max=100)],
        description="What the answers split by, e.g. “pledged” or “paid”.",
    )
    version = HiddenField()


class ConfirmAnswerForm(TrackerForm):
    version = HiddenField()
