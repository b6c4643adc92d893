"""Pages for marking claims, the claim page, verdicts, evidence, the queue and bulk assignment."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.audit import services as audit
from tracker.claims import queue, reading, services, values
from tracker.claims.forms import (
    AnswerForm,
    AssignForm,
    ClaimForm,
    ConfirmAnswerForm,
    DeleteForm,
    EvidenceForm,
    QueueFilterForm,
    VerdictForm,
    split_subjects,
)
from tracker.claims.models import Claim
from tracker.core.auth import require_role
from tracker.core.errors import Conflict, InvalidInput, TrackerError
from tracker.core.forms import form_problems
from tracker.core.pagination import check_page_args
from tracker.core.redirects import safe_next
from tracker.core.unit_of_work import attempt
from tracker.questions import answers, suggestions
from tracker.questions import services as questions
from tracker.questions.models import AnswerKind
from tracker.questions.qualifiers import Qualifiers
from tracker.sources import services as sources

bp = Blueprint("claims", __name__)


@bp.app_template_filter("value_display")
def value_display(claim: Claim) -> str:
    """A claim's answer value for pages: `$44,000,000`, or "" when it has none."""
    return values.display(claim) or ""


def _form_error(form: Any, exc: TrackerError) -> None:
    """Show a service's message beside the field it is about, or above the form."""
    field = next((form[name] for name in exc.fields if name in form), None)
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        abort(400, f"{name} must be a whole number.")


# --- marking a claim ------------------------------------------------------------------------


@bp.route("/sources/<int:source_id>/claims/new", methods=["GET", "POST"])
@require_role(Role.reviewer)
def new(source_id: int) -> str | Response | tuple[str, int]:
    source = sources.get_source(source_id, with_sentences=True)
    form = ClaimForm()
    if request.method == "GET":
        start, end = _initial_span(source)
        form.start.data, form.end.data = start, end
        form.quote.data = source.text[start:end]
    if form.validate_on_submit():
        with attempt() as outcome:
            start, end = _span_from_form(source, form)
            claim = services.mark_claim(
                source.id,
                services.ClaimDraft(
                    start=start,
                    end=end,
                    quote=source.text[start:end],
                    statement=form.statement.data or "",
                    speaker=form.speaker.data or "",
                    subjects=split_subjects(form.subjects.data),
                    status=form.status.data,
                    rationale=form.rationale.data,
                ),
                actor=current_user,
            )
        if (exc := outcome.error) is not None:
            _form_error(form, exc)
        else:
            flash(f"Claim #{claim.id} marked.", "success")
            return redirect(url_for("claims.detail", claim_id=claim.id))
    status = 400 if request.method == "POST" else 200
    return render_template("claims/new.html", source=source, form=form), status


def _initial_span(source: Any) -> tuple[int, int]:
    """The span a new claim starts from: ?sentence=N, or ?start=&end= from a selection."""
    sentence_index = _int_arg("sentence")
    if sentence_index is not None:
        if not 0 <= sentence_index < len(source.sentences):
            abort(404, f"Source #{source.id} has no sentence {sentence_index}.")
        sentence = source.sentences[sentence_index]
        return sentence.start, sentence.end
    start, end = _int_arg("start"), _int_arg("end")
    if start is None or end is None:
        abort(400, "Pick a sentence (?sentence=N) or a span (?start=&end=).")
    services.check_span(source, start, end)
    # Trim white space a mouse selection tends to catch.
    text = source.text[start:end]
    return start + (len(text) - len(text.lstrip())), end - (len(text) - len(text.rstrip()))


def _span_from_form(source: Any, form: ClaimForm) -> tuple[int, int]:
    """The offsets of the quote as typed: unchanged, or shortened within the chosen span."""
    start, end = form.start.data or 0, form.end.data or 0
    services.check_span(source, start, end)
    quote = (form.quote.data or "").replace("\r\n", "\n")
    # A browser shows CR LF, CR and LF alike and sends each as CR LF: a quote of a source
    # stored with CR LF (an uploaded file) comes back with LF.
    if _one_kind_of_break(quote) == _one_kind_of_break(source.text[start:end]):
        return start, end
    trimmed = quote.strip()
    found = services.locate_quote(source, trimmed, within=(start, end))
    return found, found + len(trimmed)


def _one_kind_of_break(text: str) -> str:
    return re.sub(r"\r\n?", "\n", text)


# --- the claim page -------------------------------------------------------------------------


@bp.get("/claims/<int:claim_id>")
@require_role(Role.viewer)
def detail(claim_id: int) -> str:
    return claim_page(claim_id)


def claim_page(
    claim_id: int,
    answer_form: AnswerForm | None = None,
    *,
    verdict_form: VerdictForm | None = None,
    evidence_form: EvidenceForm | None = None,
) -> str:
    """The claim page; after a refused answer, verdict or evidence its form keeps what was
    typed, with the messages on its fields."""
    claim = services.get_claim(claim_id, include_deleted=services.may_see_deleted(current_user))
    if verdict_form is None:
        verdict_form = VerdictForm(
            formdata=None,
            status=claim.status.value,
            rationale=claim.rationale,
            version=claim.version,
        )
    if answer_form is None:
        answer_form = AnswerForm(
            formdata=None,
            answer=claim.value_text or (claim.answer.text if claim.answer else ""),
            as_of=claim.as_of,
            valid_from=claim.valid_from,
            valid_until=claim.valid_until,
            aspect=claim.aspect,
            version=claim.version,
        )
    return render_template(
        "claims/detail.html",
        claim=claim,
        question=questions.get_question(claim.question_id) if claim.question_id else None,
        all_questions=questions.list_questions(1, 500).items,
        answer_kinds=list(AnswerKind),
        found=suggestions.suggest(claim.id) if not claim.is_deleted else None,
        found_values=values.found_in(claim),
        answer_form=answer_form,
        confirm_form=ConfirmAnswerForm(formdata=None, version=claim.version),
        context=reading.claim_context(claim),
        history=audit.claim_history(claim.id),
        verdict_form=verdict_form,
        evidence_form=evidence_form or EvidenceForm(formdata=None),
        delete_form=DeleteForm(formdata=None, version=claim.version),
    )


@bp.post("/claims/<int:claim_id>/answer")
@require_role(Role.reviewer)
def set_answer(claim_id: int) -> str | Response | tuple[str, int]:
    """Give or change the claim's answer and qualifiers; a refused one stays in the form."""
    form = AnswerForm()
    if not form.validate_on_submit():
        return claim_page(claim_id, form), 400
    with attempt() as outcome:
        answers.set_answer(
            claim_id,
            form.answer.data,
            qualifiers=Qualifiers(
                form.as_of.data, form.valid_from.data, form.valid_until.data, form.aspect.data
            ),
            version=_version(form.version.data),
            actor=current_user,
        )
    if (exc := outcome.error) is not None:
        target = getattr(form, next(iter(exc.fields), "answer"), form.answer)
        target.errors = [*target.errors, exc.message]
        return claim_page(claim_id, form), 400
    flash("Answer saved.", "success")
    return redirect(url_for("claims.detail", claim_id=claim_id) + "#question")


@bp.post("/claims/<int:claim_id>/answer/confirm")
@require_role(Role.reviewer)
def confirm_answer(claim_id: int) -> Response:
    """One click: the proposed answer is right."""
    form = ConfirmAnswerForm()
    if not form.validate_on_submit():
        abort(400, form_problems(form))
    with attempt() as outcome:
        answers.confirm_answer(claim_id, version=_version(form.version.data), actor=current_user)
    if (exc := outcome.error) is not None:
        flash(exc.message, "danger")
    else:
        flash("Answer confirmed.", "success")
    return redirect(url_for("claims.detail", claim_id=claim_id) + "#question")


@bp.get("/claims/<int:claim_id>/in-source")
@require_role(Role.viewer)
def in_source(claim_id: int) -> Response:
    """The claim's place in its source's reading view."""
    claim = services.get_claim(claim_id, include_deleted=services.may_see_deleted(current_user))
    lines = reading.claim_context(claim, around=0)
    anchor = f"#s{lines[0].sentence.index}" if lines else ""
    return redirect(url_for("sources.detail", source_id=claim.source_id) + anchor)


@bp.post("/claims/<int:claim_id>/verdict")
@require_role(Role.reviewer)
def verdict(claim_id: int) -> str | Response | tuple[str, int]:
    form = VerdictForm()
    if not form.validate_on_submit():
        return claim_page(claim_id, verdict_form=form), 400
    changes = services.ClaimChanges(status=form.status.data, rationale=form.rationale.data or "")
    return _save(claim_id, changes, _version(form.version.data), note=None, typed=form.data)


def _version(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        abort(400, "The form lost its version number; reload the claim and try again.")


def _save(
    claim_id: int,
    changes: services.ClaimChanges,
    version: int,
    *,
    note: str | None,
    typed: dict[str, Any],
) -> str | Response | tuple[str, int]:
    """Save a claim; on a conflict show both versions and keep what was typed (409)."""
    with attempt() as outcome:
        claim = services.edit_claim(
            claim_id, changes, version=version, actor=current_user, note=note
        )
    if isinstance(exc := outcome.error, Conflict):
        current = services.get_claim(claim_id)
        form = ClaimForm(formdata=None, data=_claim_form_data(current) | _typed_fields(typed))
        form.version.data = str(current.version)
        return render_template(
            "claims/edit.html",
            claim=current,
            form=form,
            conflict=exc,
            theirs=typed,
            source_text=current.source.text,
        ), 409
    elif (exc := outcome.error) is not None:
        current = services.get_claim(claim_id)
        form = ClaimForm(formdata=None, data=_claim_form_data(current) | _typed_fields(typed))
        form.version.data = str(version)
        _form_error(form, exc)
        return render_template(
            "claims/edit.html",
            claim=current,
            form=form,
            conflict=None,
            theirs=None,
            source_text=current.source.text,
        ), exc.status
    flash(f"Claim #{claim.id} saved (version {claim.version}).", "success")
    return redirect(url_for("claims.detail", claim_id=claim.id))


def _claim_form_data(claim: Claim) -> dict[str, Any]:
    return {
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "statement": claim.statement,
        "speaker": claim.speaker,
        "subjects": ", ".join(claim.subjects),
        "status": claim.status.value,
        "rationale": claim.rationale or "",
        "version": str(claim.version),
    }


def _typed_fields(typed: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in typed.items() if k in _TYPED_FIELDS and v is not None}


#: What a reviewer types into a claim form, kept through a conflict or an error.
_TYPED_FIELDS = {*services.EDITABLE_FIELDS, "note"}


@bp.route("/claims/<int:claim_id>/edit", methods=["GET", "POST"])
@require_role(Role.reviewer)
def edit(claim_id: int) -> str | Response | tuple[str, int]:
    claim = services.get_claim(claim_id)
    form = ClaimForm(data=_claim_form_data(claim) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            start, end = _span_from_form(claim.source, form)
        except InvalidInput as exc:
            _form_error(form, exc)
        else:
            changes = services.ClaimChanges(
                start=start,
                end=end,
                statement=form.statement.data or "",
                speaker=form.speaker.data or "",
                subjects=split_subjects(form.subjects.data),
                status=form.status.data,
                rationale=form.rationale.data or "",
            )
            return _save(
                claim_id, changes, _version(form.version.data), note=form.note.data, typed=form.data
            )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "claims/edit.html",
        claim=claim,
        form=form,
        conflict=None,
        theirs=None,
        source_text=claim.source.text,
    ), status


@bp.post("/claims/<int:claim_id>/evidence")
@require_role(Role.reviewer)
def add_evidence(claim_id: int) -> Response | tuple[str, int]:
    form = EvidenceForm()
    anchor = url_for("claims.detail", claim_id=claim_id) + "#evidence"
    if not form.validate_on_submit():
        return claim_page(claim_id, evidence_form=form), 400
    with attempt() as outcome:
        services.attach_evidence(
            claim_id,
            services.EvidenceDraft(
                url=form.url.data or "",
                title=form.title.data or "",
                stance=form.stance.data,
                publisher=form.publisher.data,
                published=form.published.data,
                passage=form.passage.data,
            ),
            actor=current_user,
        )
    if (exc := outcome.error) is not None:
        _form_error(form, exc)
        return claim_page(claim_id, evidence_form=form), exc.status
    flash("Evidence added.", "success")
    return redirect(anchor)


@bp.post("/claims/<int:claim_id>/evidence/<int:evidence_id>/<any(delete, restore):action>")
@require_role(Role.editor)
def evidence_state(claim_id: int, evidence_id: int, action: str) -> Response:
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400, form_problems(form))
    services.set_evidence_deleted(
        claim_id, evidence_id, action == "delete", actor=current_user, note=form.note.data
    )
    flash(f"Evidence {action}d.", "success")
    return redirect(url_for("claims.detail", claim_id=claim_id) + "#evidence")


@bp.post("/claims/<int:claim_id>/<any(delete, restore):action>")
@require_role(Role.editor)
def claim_state(claim_id: int, action: str) -> Response:
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400, form_problems(form))
    if action == "delete":
        services.delete_claim(
            claim_id, version=_version(form.version.data), actor=current_user, note=form.note.data
        )
    else:
        services.restore_claim(claim_id, actor=current_user, note=form.note.data)
    flash(f"Claim #{claim_id} {action}d.", "success")
    return redirect(url_for("claims.detail", claim_id=claim_id))


@bp.get("/claims/<int:claim_id>/history")
@require_role(Role.viewer)
def history(claim_id: int) -> str:
    claim = services.get_claim(claim_id, include_deleted=services.may_see_deleted(current_user))
    return render_template(
        "claims/history.html", claim=claim, history=audit.claim_history(claim.id)
    )


# --- the review queue -----------------------------------------------------------------------


def queue_filter_from_args() -> queue.ClaimFilter:
    """The queue filter the URL asks for; a malformed one is a 400."""
    try:
        return queue.filter_from_args(
            request.args,
            user_id=current_user.id,
            may_see_deleted=services.may_see_deleted(current_user),
        )
    except InvalidInput as exc:
        abort(400, exc.message)


@bp.get("/claims")
@require_role(Role.viewer)
def index() -> str:
    form = QueueFilterForm(request.args)
    reviewers = accounts.list_reviewers()
    form.assignee.choices = [
        SelectChoice("", "Anyone"),
        SelectChoice("me", "Me"),
        SelectChoice("none", "Nobody"),
    ] + [SelectChoice(str(u.id), u.username) for u in reviewers]
    page_number, per_page = check_page_args(
        request.args.get("page", 1),
        request.args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )
    page = queue.list_claims(queue_filter_from_args(), page_number, per_page)
    assign_form = AssignForm()
    assign_form.assignee_id.choices = _assignee_choices(reviewers)
    return render_template("claims/index.html", form=form, page=page, assign_form=assign_form)


def _assignee_choices(reviewers: list[Any]) -> list[SelectChoice]:
    return [SelectChoice(0, "Nobody")] + [SelectChoice(u.id, u.username) for u in reviewers]


@bp.post("/claims/assign")
@require_role(Role.reviewer)
def assign() -> Response:
    form = AssignForm()
    form.assignee_id.choices = _assignee_choices(accounts.list_reviewers())
    back = safe_next(request.form.get("next"), url_for("claims.index"))
    if not form.validate_on_submit():
        flash("Choose claims and who to assign them to.", "danger")
        return redirect(back)
    with attempt() as outcome:
        claims = services.assign_claims(
            form.claim_ids.data or [], form.assignee_id.data or None, actor=current_user
        )
    if (exc := outcome.error) is not None:
        flash(exc.message, "danger")
        return redirect(back)
    assignee = accounts.get_user(form.assignee_id.data) if form.assignee_id.data else None
    who = assignee.username if assignee else "nobody"
    flash(f"{len(claims)} claim(s) assigned to {who}.", "success")
    return redirect(back)
