"""Forms for questions, grouping, values, suggestions and disputes."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.core.forms import TrackerForm
from tracker.questions.models import AnswerKind, ConflictKind, ConflictState

KIND_CHOICES = [SelectChoice(k.value, k.label) for k in AnswerKind]


class QuestionForm(TrackerForm):
    text = StringField("Question", validators=[DataRequired(), Length(max=500)])
    answer_kind = SelectField("Its answer is", choices=KIND_CHOICES, default="text")


class MatrixFilterForm(TrackerForm):
    """Who said what: which questions and sources (a GET form; the service checks values)."""

    class Meta:
        csrf = False  # a GET form: it changes nothing

    q = StringField("Question words", validators=[Optional(), Length(max=200)])
    question_id = StringField("Question #", validators=[Optional(), Length(max=12)])
    source_id = StringField(
        "Sources #",
        validators=[Optional(), Length(max=600)],
        description="One or more source numbers: “3, 7”.",
    )
    differ = BooleanField("Only where sources differ (an open contradiction)")


class ClaimQuestionForm(TrackerForm):
    """Put a claim in an existing question (by number) or a new one."""

    question_id = SelectField("Question", coerce=str, validate_choice=False)
    new_question = StringField("…or a new question", validators=[Optional(), Length(max=500)])
    answer_kind = SelectField("Its answer is", choices=KIND_CHOICES, default="text")


class ValueForm(TrackerForm):
    value = StringField(
        "Value",
        validators=[Optional(), Length(max=200)],
        description="As an article would write it: “44 million dollars”, “2015”, “about 75”, "
        "“President”. Empty: extract it from the quote again.",
    )
    version = HiddenField()


class DecisionForm(TrackerForm):
    note = StringField("Why", validators=[Optional(), Length(max=1000)])
    question_text = StringField("Question for both", validators=[Optional(), Length(max=500)])
    answer_kind = SelectField("Its answer is", choices=KIND_CHOICES, default="text")


class ResolveForm(TrackerForm):
    state = SelectField(
        "Decision",
        choices=[
            SelectChoice(ConflictState.resolved.value, "Resolved: say which holds, or why both do"),
            SelectChoice(ConflictState.not_a_contradiction.value, "Not a contradiction"),
            SelectChoice(ConflictState.open.value, "Reopen"),
        ],
    )
    holding_claim_id = SelectField("The claim that holds", coerce=str, validate_choice=False)
    rationale = TextAreaField("Rationale", validators=[DataRequired(), Length(max=10000)])


class FlagForm(TrackerForm):
    claim_a_id = IntegerField("Claim", validators=[DataRequired()])
    claim_b_id = IntegerField("disagrees with claim", validators=[DataRequired()])
    reason = StringField("How", validators=[DataRequired(), Length(max=1000)])


class GroupingForm(TrackerForm):
    """The claims of a source to put in their proposed questions: "claim:question" pairs."""

    accept = SelectMultipleField("Accept", validate_choice=False)


class DisputeFilterForm(TrackerForm):
    """The filters above the dispute cards (a GET form, so a filtered page is a link)."""

    class Meta:
        csrf = False  # a GET search form

    state = SelectField(
        "Show",
        choices=[
            SelectChoice("open", "Open"),
            SelectChoice("decided", "Decided"),
            SelectChoice("all", "Open and decided"),
        ],
        default="open",
        validate_choice=False,
    )
    kind = SelectField(
        "Kind",
        choices=[
            SelectChoice("", "Every kind"),
            *(SelectChoice(k.value, k.label) for k in ConflictKind),
            SelectChoice("disputed_claim", "Disputed claims"),
        ],
        default="",
        validate_choice=False,
    )
    source_id = StringField("Source #", validators=[Optional(), Length(max=12)])
    question_id = StringField("Question #", validators=[Optional(), Length(max=12)])
