"""Pages for questions, grouping claims, suggestions, disputes and the source-by-question matrix."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from tracker.accounts.models import Role
from tracker.claims.queue import is_id
from tracker.core.api import checks_own_query
from tracker.core.auth import require_role
from tracker.core.errors import InvalidInput, TrackerError
from tracker.core.forms import form_problems
from tracker.core.pagination import check_page_args
from tracker.core.redirects import safe_next
from tracker.core.unit_of_work import attempt
from tracker.questions import answers, disputes, grouping, rulings, suggestions
from tracker.questions import matrix as who_said_what
from tracker.questions import services as questions
from tracker.questions.forms import (
    ClaimQuestionForm,
    DecisionForm,
    DisputeFilterForm,
    FlagForm,
    GroupingForm,
    MatrixFilterForm,
    QuestionForm,
    ResolveForm,
    ValueForm,
)
from tracker.questions.models import AnswerKind, Contradiction
from tracker.sources import services as sources

bp = Blueprint("questions", __name__)


def _back(default: str) -> str:
    """Where the form's `next` (or the link's) says to go back to: a path on this site."""
    return safe_next(request.form.get("next") or request.args.get("next"), default)


def _chosen_id(value: str | None, problem: str) -> int | None:
    """A number picked from a form's list: None when nothing was picked; a 400 saying
    `problem` for anything but an id (other scripts' digits, beyond 32 bits)."""
    if not value:
        return None
    if not is_id(value):
        abort(400, problem)
    return int(value)


def _run(action: Callable[[], object], success: str, back: str) -> Response:
    """Run one service call in an attempt and flash; on a user error its writes are undone and
    the message says why (the request's unit of work commits the rest)."""
    with attempt() as outcome:
        action()
    if (exc := outcome.error) is not None:
        flash(exc.message, "danger")
    else:
        flash(success, "success")
    return redirect(back)


def _resolve_forms(rows: list[Contradiction]) -> dict[int, ResolveForm]:
    """One decision form per contradiction, offering its two claims as the one that holds."""
    forms = {}
    for row in rows:
        form = ResolveForm(prefix=f"c{row.id}")
        form.holding_claim_id.choices = [
            SelectChoice("", "Neither / both hold"),
            SelectChoice(str(row.claim_a_id), f"Claim #{row.claim_a_id}"),
            SelectChoice(str(row.claim_b_id), f"Claim #{row.claim_b_id}"),
        ]
        forms[row.id] = form
    return forms


def _index_page(form: QuestionForm, status: int = 200) -> tuple[str, int]:
    page_number, per_page = check_page_args(
        request.args.get("page", 1),
        request.args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )
    page = questions.list_questions(page_number, per_page, request.args.get("q"))
    counts = questions.question_counts([q.id for q in page.items])
    return render_template(
        "questions/index.html",
        page=page,
        counts=counts,
        form=form,
        disputed=disputes.disputed_questions([q.id for q in page.items]),
    ), status


@bp.get("/questions")
@require_role(Role.viewer)
def index() -> tuple[str, int]:
    return _index_page(QuestionForm())


@bp.post("/questions")
@require_role(Role.reviewer)
def create() -> Response | tuple[str, int]:
    form = QuestionForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            question = questions.create_question(
                form.text.data or "", form.answer_kind.data, actor=current_user
            )
        if (exc := outcome.error) is not None:
            form.text.errors = [*form.text.errors, exc.message]
        else:
            flash(f"Question #{question.id} added.", "success")
            return redirect(url_for("questions.detail", question_id=question.id))
    return _index_page(form, 400)


def _question_page(question_id: int, status: int = 200) -> tuple[str, int]:
    """A question with its claims side by side; after a refused POST its forms keep the input."""
    question = questions.get_question(question_id)
    members = questions.question_claims(question.id)
    conflicts = disputes.question_contradictions(question.id)
    given, unanswered = answers.answer_groups(question.id, members)
    return render_template(
        "questions/detail.html",
        question=question,
        claims=members,
        answer_groups=given,
        unanswered=unanswered,
        rulings=rulings.question_rulings(question.id),
        conflicts=conflicts,
        by_id={c.id: c for c in members},
        resolve_forms=_resolve_forms(conflicts),
        flag_form=FlagForm(),
    ), status


def _disputes_page(status: int = 200) -> tuple[str, int]:
    """Summary counts, then one page of dispute cards under the filter the URL asks for."""
    form = DisputeFilterForm(request.args)
    try:
        filters, after = disputes.filter_from_args(request.args)
        _, per_page = check_page_args(
            1,
            request.args.get("per_page", current_app.config["DISPUTES_PER_PAGE"]),
            current_app.config["API_MAX_PAGE_SIZE"],
        )
        scope = disputes.filter_scope(filters)
    except TrackerError as exc:
        field = getattr(form, next(iter(exc.fields), ""), None)
        if field is not None:
            field.errors = [exc.message]
        else:
            flash(exc.message, "danger")
        return render_template("questions/disputes.html", form=form, page=None), 400
    page = disputes.dispute_page(filters, after, per_page)
    return render_template(
        "questions/disputes.html",
        form=form,
        filters=filters,
        scope=scope,
        summary=disputes.dispute_summary(filters),
        page=page,
        resolve_forms=_resolve_forms([d.contradiction for d in page.items if d.contradiction]),
        per_page=per_page,
    ), status


def _dispute_page(contradiction_id: int, status: int = 200) -> tuple[str, int]:
    """One contradiction with its decision form; a refused decision comes back here, with
    what was typed."""
    dispute = disputes.get_dispute(contradiction_id)
    assert dispute.contradiction is not None
    return render_template(
        "questions/dispute.html",
        dispute=dispute,
        form=_resolve_forms([dispute.contradiction])[contradiction_id],
        back=_back(url_for("questions.disputes_page")),
        open_form=status != 200,  # a refused decision: its form open, with what was typed
    ), status


def _refused(message: str, page: Callable[[int], tuple[str, int]]) -> tuple[str, int]:
    """Say why, and show the page again with what was typed still in its form."""
    flash(message, "danger")
    return page(400)


@bp.get("/questions/<int:question_id>")
@require_role(Role.viewer)
def detail(question_id: int) -> tuple[str, int]:
    return _question_page(question_id)


@bp.post("/contradictions/<int:contradiction_id>")
@require_role(Role.reviewer)
def decide(contradiction_id: int) -> Response | tuple[str, int]:
    row = disputes.get_contradiction(contradiction_id)
    form = _resolve_forms([row])[row.id]
    back = _back(url_for("questions.detail", question_id=row.question_id))
    question_id = row.question_id
    page = (
        (lambda status: _question_page(question_id, status))
        if back.startswith(f"/questions/{question_id}")
        else lambda status: _dispute_page(row.id, status)
    )
    if not form.validate_on_submit():
        return _refused(form_problems(form) or "Give a rationale for the decision.", page)
    holding = form.holding_claim_id.data
    with attempt() as outcome:
        rulings.decide(
            row.id,
            form.state.data,
            form.rationale.data or "",
            holding_claim_id=_chosen_id(holding, "Choose the claim that holds from the list."),
            actor=current_user,
        )
    if (exc := outcome.error) is not None:
        return _refused(exc.message, page)
    flash("Decision recorded.", "success")
    return redirect(back)


@bp.post("/questions/<int:question_id>/flag")
@require_role(Role.reviewer)
def flag(question_id: int) -> Response | tuple[str, int]:
    form = FlagForm()
    questions.get_question(question_id)

    def page(status: int) -> tuple[str, int]:
        return _question_page(question_id, status)

    if not form.validate_on_submit():
        return _refused(form_problems(form) or "Name both claims and how they disagree.", page)
    with attempt() as outcome:
        disputes.flag(
            form.claim_a_id.data, form.claim_b_id.data, form.reason.data or "", actor=current_user
        )
    if (exc := outcome.error) is not None:
        return _refused(exc.message, page)
    flash("Marked as a contradiction.", "success")
    return redirect(url_for("questions.detail", question_id=question_id))


@bp.post("/claims/<int:claim_id>/question")
@require_role(Role.reviewer)
def set_question(claim_id: int) -> Response:
    form = ClaimQuestionForm()
    back = url_for("claims.detail", claim_id=claim_id) + "#question"
    if not form.validate_on_submit():
        abort(400, form_problems(form))

    def act() -> None:
        text = (form.new_question.data or "").strip()
        if text:
            existing = questions.find_question(text)
            target = existing or questions.create_question(
                text, form.answer_kind.data, actor=current_user
            )
            questions.assign_question(claim_id, target.id, actor=current_user)
        else:
            chosen = form.question_id.data or ""
            questions.assign_question(
                claim_id,
                _chosen_id(chosen, "Choose the question from the list."),
                actor=current_user,
            )

    return _run(act, "Question saved.", back)


@bp.post("/claims/<int:claim_id>/value")
@require_role(Role.reviewer)
def set_value(claim_id: int) -> Response:
    form = ValueForm()
    back = url_for("claims.detail", claim_id=claim_id) + "#question"
    if not form.validate_on_submit():
        abort(400, form_problems(form))
    version = form.version.data
    return _run(
        lambda: questions.set_value(
            claim_id,
            form.value.data,
            version=_chosen_id(
                version, "The form lost its version number; reload the claim and try again."
            ),
            actor=current_user,
        ),
        "Value saved.",
        back,
    )


@bp.post(
    "/claims/<int:claim_id>/suggestions/<any(question, claim):kind>/<int:target_id>/"
    "<any(accept, reject):decision>"
)
@require_role(Role.reviewer)
def decide_suggestion(claim_id: int, kind: str, target_id: int, decision: str) -> Response:
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400, form_problems(form))
    back = _back(url_for("claims.detail", claim_id=claim_id) + "#suggestions")
    note = form.note.data or None
    if kind == "question" and decision == "accept":
        return _run(
            lambda: suggestions.accept_question(claim_id, target_id, actor=current_user),
            "The claim now answers that question.",
            back,
        )
    if kind == "question":
        return _run(
            lambda: suggestions.reject_question(
                claim_id, target_id, actor=current_user, reason=note
            ),
            "That question will not be suggested again for this claim.",
            back,
        )
    if decision == "accept":
        return _run(
            lambda: suggestions.accept_claim(
                claim_id,
                target_id,
                actor=current_user,
                question_text=form.question_text.data,
                answer_kind=form.answer_kind.data,
            ),
            "Both claims now answer one question.",
            back,
        )
    return _run(
        lambda: suggestions.reject_claim(claim_id, target_id, actor=current_user, reason=note),
        "Those claims will not be paired again.",
        back,
    )


@bp.get("/disputes")
@require_role(Role.viewer)
def disputes_page() -> tuple[str, int]:
    return _disputes_page()


@bp.get("/contradictions/<int:contradiction_id>")
@require_role(Role.viewer)
def dispute(contradiction_id: int) -> tuple[str, int]:
    return _dispute_page(contradiction_id)


@bp.get("/matrix")
@checks_own_query
@require_role(Role.viewer)
def matrix() -> tuple[str, int]:
    """Who said what, a page of questions by a page of sources; bad input is a 400 with the
    form still filled in."""
    form = MatrixFilterForm(request.args)
    args = request.args
    try:
        filters = who_said_what.parse_filter(
            args.get("q"), args.get("question_id"), args.getlist("source_id"), args.get("differ")
        )
        page = who_said_what.matrix_page(
            filters,
            after=who_said_what.parse_cursor(args.get("after"), "after"),
            before=who_said_what.parse_cursor(args.get("before"), "before"),
            sources_after=who_said_what.parse_cursor(args.get("sources_after"), "sources_after"),
            sources_before=who_said_what.parse_cursor(args.get("sources_before"), "sources_before"),
            per_page=who_said_what.check_page_size(
                args.get("per_page"),
                who_said_what.QUESTIONS_PER_PAGE,
                who_said_what.MAX_QUESTIONS_PER_PAGE,
                "per_page",
            ),
            sources_per_page=who_said_what.check_page_size(
                args.get("sources_per_page"),
                who_said_what.SOURCES_PER_PAGE,
                who_said_what.MAX_SOURCES_PER_PAGE,
                "sources_per_page",
            ),
        )
    except InvalidInput as exc:
        return render_template("questions/matrix.html", form=form, page=None, error=exc), 400
    return render_template("questions/matrix.html", form=form, page=page, error=None), 200


def _grouping_page(source_id: int, form: GroupingForm, status: int = 200) -> tuple[str, int]:
    source = sources.get_source(source_id)
    return render_template(
        "questions/source_suggestions.html",
        source=source,
        proposals=grouping.source_proposals(source.id),
        form=form,
        answer_kinds=list(AnswerKind),
        new_question=suggestions.NEW_QUESTION,
    ), status


@bp.get("/sources/<int:source_id>/suggestions")
@require_role(Role.viewer)
def source_suggestions(source_id: int) -> tuple[str, int]:
    """Every ungrouped claim of a source with its proposed question and answer."""
    return _grouping_page(source_id, GroupingForm())


@bp.post("/sources/<int:source_id>/suggestions")
@require_role(Role.reviewer)
def accept_grouping(source_id: int) -> Response | tuple[str, int]:
    """Accept the checked proposals, one or all at once."""
    form = GroupingForm()
    if not form.validate_on_submit():
        return _grouping_page(source_id, form, 400)
    with attempt() as outcome:
        pairs = grouping.parse_choices(form.accept.data or [])
        accepted = grouping.accept(pairs, actor=current_user)
    if (exc := outcome.error) is not None:
        form.accept.errors = [*form.accept.errors, exc.message]
        return _grouping_page(source_id, form, 400)
    flash(f"{len(accepted)} claim(s) put in their questions.", "success")
    return redirect(url_for("questions.source_suggestions", source_id=source_id))
