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
from tracker.core.openapi import nullable, page_of, string
from tracker.core.pagination import check_page_args
from tracker.questions import disputes, suggestions
from tracker.questions import services as questions
from tracker.questions.models import (
    AnswerKind,
    ConflictKind,
    ConflictState,
    Contradiction,
    Question,
)

bp = Blueprint("questions_api", __name__, url_prefix="/api/v1")

_ANSWER_KINDS = [k.value for k in AnswerKind]
_STATES = [s.value for s in ConflictState]
_QUESTION_FIELDS: dict[str, Any] = {
    "id": {"type": "integer"},
    "text": {"type": "string"},
    "answer_kind": {"type": "string", "enum": _ANSWER_KINDS},
    "links": {"type": "object", "properties": {n: {"type": "string"} for n in ("self", "html")}},
    "claim_count": {"type": "integer"},
    "source_count": {"type": "integer"},
}
_CONTRADICTION_FIELDS: dict[str, Any] = {
    "id": {"type": "integer"},
    "question_id": {"type": "integer"},
    "kind": {"type": "string", "enum": [k.value for k in ConflictKind]},
    "detail": nullable({"type": "string"}),
    "state": {"type": "string", "enum": _STATES},
    "claim_ids": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
    "holding_claim_id": nullable({"type": "integer"}),
    "resolution": nullable({"type": "string"}),
}
_SUGGESTION = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["question", "claim"]},
        "id": {"type": "integer"},
        "text": {"type": "string"},
        "score": {"type": "number"},
        "reasons": {"type": "array", "items": {"type": "string"}},
    },
}
#: What this module reads and answers, for the OpenAPI document (tracker/core/openapi.py).
OPENAPI_COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Question": {"type": "object", "properties": _QUESTION_FIELDS},
        "QuestionPage": page_of("Question"),
        "DisputeClaim": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "source_id": {"type": "integer"},
                "source_title": {"type": "string"},
                "language": {"type": "string"},
                "speaker": {"type": "string"},
                "quote": {"type": "string"},
                "start": {"type": "integer"},
                "end": {"type": "integer"},
                "statement": {"type": "string"},
                "status": {"type": "string"},
                "value": nullable("Value"),
                "evidence": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {n: {"type": "string"} for n in ("url", "title", "stance")},
                    },
                },
            },
        },
        "Contradiction": {"type": "object", "properties": _CONTRADICTION_FIELDS},
        "QuestionDetail": {
            "type": "object",
            "properties": {
                **_QUESTION_FIELDS,
                "claims": {"type": "array", "items": "DisputeClaim"},
                "contradictions": {"type": "array", "items": "Contradiction"},
            },
        },
        "Disputes": {
            "type": "object",
            "properties": {
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "description": "A contradiction, or a claim disputed on its own (id null, "
                        "kind disputed_claim).",
                        "properties": {
                            **_CONTRADICTION_FIELDS,
                            "id": nullable({"type": "integer"}),
                            "kind": {"type": "string"},
                            "question": nullable("Question"),
                            "claims": {"type": "array", "items": "DisputeClaim"},
                        },
                    },
                },
                "total": {"type": "integer"},
            },
        },
        "Suggestions": {
            "type": "object",
            "properties": {
                "claim_id": {"type": "integer"},
                "questions": {"type": "array", "items": _SUGGESTION},
                "claims": {"type": "array", "items": _SUGGESTION},
            },
        },
        "NewQuestion": {
            "type": "object",
            "required": ["text"],
            "properties": {
                "text": string(questions.MAX_QUESTION, minLength=1),
                "answer_kind": {"type": "string", "enum": _ANSWER_KINDS, "default": "text"},
            },
        },
        "ContradictionDecision": {
            "type": "object",
            "required": ["state", "rationale"],
            "properties": {
                "state": {"type": "string", "enum": _STATES},
                "rationale": string(minLength=1),
                "holding_claim_id": nullable(
                    {"type": "integer", "description": "resolved: the claim that holds"}
                ),
            },
        },
        "SuggestionDecision": {
            "type": "object",
            "required": ["type", "id", "decision"],
            "properties": {
                "type": {"type": "string", "enum": ["question", "claim"]},
                "id": {"type": "integer", "description": "The suggested question or claim."},
                "decision": {"type": "string", "enum": ["accept", "reject"]},
                "reason": nullable({"type": "string"}),
                "question_text": nullable(
                    string(description="Accepting a claim when neither answers a question yet.")
                ),
                "answer_kind": {"type": "string", "enum": _ANSWER_KINDS},
            },
        },
        "QuestionAssignment": {
            "type": "object",
            "required": ["question_id"],
            "properties": {"question_id": nullable({"type": "integer"})},
        },
        "ValueCorrection": {
            "type": "object",
            "required": ["version"],
            "properties": {
                "value": nullable(string(description="As written; null extracts it again.")),
                "version": {"type": "integer"},
            },
        },
        "Flag": {
            "type": "object",
            "required": ["claim_ids", "reason"],
            "properties": {
                "claim_ids": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "minItems": 2,
                    "maxItems": 2,
                },
                "reason": string(minLength=1),
            },
        },
    }
}


def _is_number(value: Any) -> bool:
    """A whole number in JSON; ``true`` is not one, though Python's bool is an int."""
    return isinstance(value, int) and not isinstance(value, bool)


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
    """Questions, with how many claims and sources answer each.

    ---
    parameters:
      - {name: q, in: query, schema: {type: string}, description: Words in the question.}
      - page
      - per_page
    responses:
      200:
        description: One page of questions.
        content: {application/json: {schema: QuestionPage}}
    """
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
    """Add a question claims from any source can answer.

    ---
    requestBody:
      required: true
      content: {application/json: {schema: NewQuestion}}
    responses:
      201:
        description: The question.
        content: {application/json: {schema: Question}}
    """
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
    """A question with its claims and their contradictions.

    ---
    responses:
      200:
        description: The question.
        content: {application/json: {schema: QuestionDetail}}
    """
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
    """Open contradictions and disputed claims, side by side.

    ---
    parameters:
      - {name: all, in: query, schema: {type: string, enum: ["1"]}, description: Decided ones
          too.}
    responses:
      200:
        description: The disputes.
        content: {application/json: {schema: Disputes}}
    """
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
    """Decide a contradiction: resolved (and which claim holds), not one, or open again.

    ---
    requestBody:
      required: true
      content: {application/json: {schema: ContradictionDecision}}
    responses:
      200:
        description: The contradiction as decided.
        content: {application/json: {schema: Contradiction}}
    """
    body = json_body()
    holding = body.get("holding_claim_id")
    if holding is not None and not _is_number(holding):
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
    """Questions a claim may answer and claims that look like the same fact, ranked.

    ---
    responses:
      200:
        description: The suggestions, each with its score and reasons.
        content: {application/json: {schema: Suggestions}}
    """
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
    """Accept or reject a suggested question or claim; a rejected one is not offered again.

    ---
    requestBody:
      required: true
      content: {application/json: {schema: SuggestionDecision}}
    responses:
      200:
        description: The claim after the decision.
        content: {application/json: {schema: Claim}}
    """
    body = json_body()
    kind, target, decision = body.get("type"), body.get("id"), body.get("decision")
    if (
        kind not in {"question", "claim"}
        or not _is_number(target)
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
    """Put a claim in a question, or take it out (null).

    ---
    requestBody:
      required: true
      content: {application/json: {schema: QuestionAssignment}}
    responses:
      200:
        description: The claim.
        content: {application/json: {schema: Claim}}
    """
    body = json_body()
    question_id = body.get("question_id")
    if question_id is not None and not _is_number(question_id):
        raise InvalidInput("'question_id' is a number or null.", {"question_id": "invalid"})
    claim = questions.assign_question(claim_id, question_id, actor=current_user)
    db.session.commit()
    return jsonify(claim_json(claim))


@bp.put("/claims/<int:claim_id>/value")
@require_role(Role.reviewer)
def put_value(claim_id: int) -> Response:
    """Correct a claim's answer value ("44 million dollars"); null extracts it again.

    ---
    requestBody:
      required: true
      content: {application/json: {schema: ValueCorrection}}
    responses:
      200:
        description: The claim with its value.
        content: {application/json: {schema: Claim}}
      409: Conflict
    """
    body = json_body()
    value, version = body.get("value"), body.get("version")
    if value is not None and not isinstance(value, str):
        raise InvalidInput("'value' is text, or null to extract it again.", {"value": "invalid"})
    if not _is_number(version):
        raise InvalidInput("'version' (a number) is required.", {"version": "required"})
    claim = questions.set_value(claim_id, value, version=version, actor=current_user)
    db.session.commit()
    return jsonify(claim_json(claim))


@bp.post("/questions/<int:question_id>/contradictions")
@require_role(Role.reviewer)
def flag(question_id: int) -> tuple[Response, int]:
    """Flag two claims of the question as contradicting each other, saying how.

    ---
    requestBody:
      required: true
      content: {application/json: {schema: Flag}}
    responses:
      201:
        description: The contradiction.
        content: {application/json: {schema: Contradiction}}
    """
    questions.get_question(question_id)
    body = json_body()
    ids = body.get("claim_ids")
    if not (isinstance(ids, list) and len(ids) == 2 and all(_is_number(i) for i in ids)):
        raise InvalidInput("'claim_ids' is a list of two claim ids.", {"claim_ids": "invalid"})
    if not all(get_claim(i).question_id == question_id for i in ids):
        raise InvalidInput(
            f"Both claims must answer question #{question_id}.", {"claim_ids": "other question"}
        )
    row = disputes.flag(ids[0], ids[1], str(body.get("reason", "")), actor=current_user)
    db.session.commit()
    return jsonify(contradiction_json(row)), 201
