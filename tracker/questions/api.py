"""JSON API for questions, disputes, suggestions and contradiction decisions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.accounts.models import Role
from tracker.claims.api import claim_json, value_json
from tracker.claims.models import Claim
from tracker.claims.services import get_claim
from tracker.core import db
from tracker.core.api import json_body, page_json
from tracker.core.auth import require_role
from tracker.core.errors import InvalidInput
from tracker.core.pagination import check_page_args
from tracker.questions import disputes, suggestions
from tracker.questions import services as questions
from tracker.questions.models import Contradiction, Question

bp = Blueprint("questions_api", __name__, url_prefix="/api/v1")


def question_json(question: Question, counts: tuple[int, int] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": question.id,
        "text": question.text,
        "answer_kind": question.answer_kind.value,
        "links": {
            "self": url_for("questions_api.question", question_id=question.id),
            "html": url_for("questions.detail", question_id=question.id),
        },
    }
    if counts is not None:
        data["claim_count"], data["source_count"] = counts
    return data


def dispute_claim_json(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "source_id": claim.source_id,
        "source_title": claim.source.title,
        "language": claim.source.language,
        "speaker": claim.speaker,
        "quote": claim.quote,
        "start": claim.start,
        "end": claim.end,
        "statement": claim.statement,
        "status": claim.status.value,
        "value": value_json(claim),
        "evidence": [
            {"url": e.url, "title": e.title, "stance": e.stance.value} for e in claim.live_evidence
        ],
    }


def contradiction_json(row: Contradiction) -> dict[str, Any]:
    return {
        "id": row.id,
        "question_id": row.question_id,
        "kind": row.kind.value,
        "detail": row.detail,
        "state": row.state.value,
        "claim_ids": [row.claim_a_id, row.claim_b_id],
        "holding_claim_id": row.holding_claim_id,
        "resolution": row.resolution,
    }


@bp.get("/questions")
@require_role(Role.viewer)
def questions_index() -> Response:
    page, per_page = check_page_args(
        request.args.get("page", 1),
        request.args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )
    result = questions.list_questions(page, per_page, request.args.get("q"))
    counts = questions.question_counts([q.id for q in result.items])
    return jsonify(
        page_json(result, [question_json(q, counts.get(q.id, (0, 0))) for q in result.items])
    )


@bp.post("/questions")
@require_role(Role.reviewer)
def questions_create() -> tuple[Response, int]:
    body = json_body()
    text, kind = body.get("text"), body.get("answer_kind", "text")
    if not isinstance(text, str) or not isinstance(kind, str):
        raise InvalidInput(
            "Send 'text' (and optionally 'answer_kind') as strings.", {"text": "required"}
        )
    question = questions.create_question(text, kind, actor=current_user)
    db.session.commit()
    return jsonify(question_json(question, (0, 0))), 201


@bp.get("/questions/<int:question_id>")
@require_role(Role.viewer)
def question(question_id: int) -> Response:
    found = questions.get_question(question_id)
    members = questions.question_claims(found.id)
    data = question_json(found, (len(members), len({c.source_id for c in members})))
    data["claims"] = [dispute_claim_json(c) for c in members]
    data["contradictions"] = [
        contradiction_json(r) for r in disputes.question_contradictions(found.id)
    ]
    return jsonify(data)


@bp.get("/disputes")
@require_role(Role.viewer)
def disputes_index() -> Response:
    items: list[dict[str, Any]] = []
    for group in disputes.list_disputes(include_decided=request.args.get("all") == "1"):
        question_data = question_json(group.question) if group.question else None
        for row in group.contradictions:
            items.append(
                {
                    **contradiction_json(row),
                    "question": question_data,
                    "claims": [
                        dispute_claim_json(group.claims[row.claim_a_id]),
                        dispute_claim_json(group.claims[row.claim_b_id]),
                    ],
                }
            )
        for claim in group.disputed_claims:
            items.append(
                {
                    "id": None,
                    "kind": "disputed_claim",
                    "state": "open",
                    "question": question_data,
                    "detail": "status disputed"
                    if claim.status.value == "disputed"
                    else "evidence both supports and refutes it",
                    "claims": [dispute_claim_json(claim)],
                }
            )
    return jsonify({"items": items, "total": len(items)})


@bp.post("/contradictions/<int:contradiction_id>")
@require_role(Role.reviewer)
def decide(contradiction_id: int) -> Response:
    body = json_body()
    holding = body.get("holding_claim_id")
    if holding is not None and not isinstance(holding, int):
        raise InvalidInput("'holding_claim_id' is a claim id.", {"holding_claim_id": "invalid"})
    row = disputes.decide(
        contradiction_id,
        str(body.get("state", "")),
        str(body.get("rationale", "")),
        holding_claim_id=holding,
        actor=current_user,
    )
    db.session.commit()
    return jsonify(contradiction_json(row))


def _suggestion_json(s: suggestions.Suggestion) -> dict[str, Any]:
    return {
        "type": s.kind,
        "id": s.question.id if s.question else s.claim.id if s.claim else None,
        "text": s.question.text if s.question else s.claim.statement if s.claim else None,
        "score": s.score,
        "reasons": s.reasons,
    }


@bp.get("/claims/<int:claim_id>/suggestions")
@require_role(Role.viewer)
def claim_suggestions(claim_id: int) -> Response:
    found = suggestions.suggest(claim_id)
    return jsonify(
        {
            "claim_id": claim_id,
            "questions": [_suggestion_json(s) for s in found.questions],
            "claims": [_suggestion_json(s) for s in found.claims],
        }
    )


@bp.post("/claims/<int:claim_id>/suggestions")
@require_role(Role.reviewer)
def decide_suggestion(claim_id: int) -> Response:
    """Body: {"type": "question"|"claim", "id": N, "decision": "accept"|"reject",
    "question_text"?, "answer_kind"?, "reason"?}"""
    body = json_body()
    kind, target, decision = body.get("type"), body.get("id"), body.get("decision")
    if (
        kind not in {"question", "claim"}
        or not isinstance(target, int)
        or decision not in {"accept", "reject"}
    ):
        raise InvalidInput(
            "Send type ('question' or 'claim'), id (a number) and decision ('accept' or 'reject').",
            {"type": "invalid"},
        )
    reason = body.get("reason") if isinstance(body.get("reason"), str) else None
    if kind == "question":
        if decision == "accept":
            suggestions.accept_question(claim_id, target, actor=current_user)
        else:
            suggestions.reject_question(claim_id, target, actor=current_user, reason=reason)
    elif decision == "accept":
        suggestions.accept_claim(
            claim_id,
            target,
            actor=current_user,
            question_text=body.get("question_text")
            if isinstance(body.get("question_text"), str)
            else None,
            answer_kind=str(body.get("answer_kind", "text")),
        )
    else:
        suggestions.reject_claim(claim_id, target, actor=current_user, reason=reason)
    db.session.commit()
    return jsonify(claim_json(get_claim(claim_id)))


@bp.put("/claims/<int:claim_id>/question")
@require_role(Role.reviewer)
def put_question(claim_id: int) -> Response:
    body = json_body()
    question_id = body.get("question_id")
    if question_id is not None and not isinstance(question_id, int):
        raise InvalidInput("'question_id' is a number or null.", {"question_id": "invalid"})
    claim = questions.assign_question(claim_id, question_id, actor=current_user)
    db.session.commit()
    return jsonify(claim_json(claim))


@bp.put("/claims/<int:claim_id>/value")
@require_role(Role.reviewer)
def put_value(claim_id: int) -> Response:
    """Body: {"value": "44 million dollars" | null, "version": N}; null extracts it again."""
    body = json_body()
    value, version = body.get("value"), body.get("version")
    if value is not None and not isinstance(value, str):
        raise InvalidInput("'value' is text, or null to extract it again.", {"value": "invalid"})
    if not isinstance(version, int):
        raise InvalidInput("'version' (a number) is required.", {"version": "required"})
    claim = questions.set_value(claim_id, value, version=version, actor=current_user)
    db.session.commit()
    return jsonify(claim_json(claim))


@bp.post("/questions/<int:question_id>/contradictions")
@require_role(Role.reviewer)
def flag(question_id: int) -> tuple[Response, int]:
    """Body: {"claim_ids": [A, B], "reason": "..."}: two claims of the question disagree."""
    questions.get_question(question_id)
    body = json_body()
    ids = body.get("claim_ids")
    if not (isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, int) for i in ids)):
        raise InvalidInput("'claim_ids' is a list of two claim ids.", {"claim_ids": "invalid"})
    if not all(get_claim(i).question_id == question_id for i in ids):
        raise InvalidInput(
            f"Both claims must answer question #{question_id}.", {"claim_ids": "other question"}
        )
    row = disputes.flag(ids[0], ids[1], str(body.get("reason", "")), actor=current_user)
    db.session.commit()
    return jsonify(contradiction_json(row)), 201
