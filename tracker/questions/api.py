"""JSON API for questions, disputes, suggestions and contradiction decisions."""

from __future__ import annotations

from typing import Any, TypeGuard

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.accounts.models import Role
from tracker.claims.api import answer_json, claim_json, qualifiers_json, value_json
from tracker.claims.models import Claim
from tracker.claims.services import get_claim
from tracker.core.api import json_body, page_json
from tracker.core.auth import require_role
from tracker.core.errors import InvalidInput
from tracker.core.openapi import nullable, page_of, string
from tracker.core.pagination import check_page_args
from tracker.core.templating import link_arguments
from tracker.questions import answers, disputes, grouping, rulings, suggestions
from tracker.questions import matrix as who_said_what
from tracker.questions import services as questions
from tracker.questions.models import (
    AnswerKind,
    AnswerRuling,
    ConflictKind,
    ConflictState,
    Contradiction,
    Question,
)
from tracker.questions.qualifiers import Qualifiers

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
    "ruling_id": nullable(
        {"type": "integer", "description": "The ruling on the two answers that decides it."}
    ),
    "proposed": {
        "type": "boolean",
        "description": "Found from an answer the tracker proposed and no reviewer confirmed.",
    },
}
_RULING_FIELDS: dict[str, Any] = {
    "id": {"type": "integer"},
    "question_id": {"type": "integer"},
    "answer_ids": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
    "answers": {"type": "array", "items": {"type": "string"}},
    "state": {"type": "string", "enum": ["resolved", "not_a_contradiction"]},
    "holding_answer_id": nullable({"type": "integer"}),
    "rationale": {"type": "string"},
    "decided_by": nullable({"type": "string"}),
    "decided_at": {"type": "string", "format": "date-time"},
}
_SUGGESTION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["question", "claim"]},
        "id": {"type": "integer"},
        "text": {"type": "string"},
        "score": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "Calibrated: about this share of suggestions with this score, in "
            "this place of the list (first or below it), were right on the project's "
            "labelled data (bench/matching_quality.py).",
        },
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
                "answer": nullable("ClaimAnswer"),
                "qualifiers": "Qualifiers",
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
        "Ruling": {"type": "object", "properties": _RULING_FIELDS},
        "QuestionAnswer": {
            "type": "object",
            "description": "One answer with the claims and sources that give it.",
            "properties": {
                "id": {"type": "integer"},
                "text": {"type": "string"},
                "claim_ids": {"type": "array", "items": {"type": "integer"}},
                "source_ids": {"type": "array", "items": {"type": "integer"}},
                "confirmed": {
                    "type": "boolean",
                    "description": "A reviewer confirmed it for at least one claim.",
                },
            },
        },
        "QuestionDetail": {
            "type": "object",
            "properties": {
                **_QUESTION_FIELDS,
                "claims": {"type": "array", "items": "DisputeClaim"},
                "answers": {"type": "array", "items": "QuestionAnswer"},
                "unanswered_claim_ids": {"type": "array", "items": {"type": "integer"}},
                "rulings": {"type": "array", "items": "Ruling"},
                "contradictions": {"type": "array", "items": "Contradiction"},
            },
        },
        "AnswerChange": {
            "type": "object",
            "required": ["version"],
            "properties": {
                "answer": nullable(
                    string(
                        answers.MAX_ANSWER,
                        description="As a reader would write it (“until the end of the year”, "
                        "“yes”, “forced out after the failed coup”); null: propose again.",
                    )
                ),
                "confirm": {
                    "type": "boolean",
                    "description": "Confirm the proposed answer as it stands.",
                },
                "qualifiers": "Qualifiers",
                "version": {"type": "integer"},
            },
        },
        "RulingRequest": {
            "type": "object",
            "required": ["answer_ids", "state", "rationale"],
            "properties": {
                "answer_ids": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "minItems": 2,
                    "maxItems": 2,
                },
                "state": {"type": "string", "enum": _STATES},
                "rationale": string(minLength=1),
                "holding_answer_id": nullable({"type": "integer"}),
            },
        },
        "Proposals": {
            "type": "object",
            "properties": {
                "source_id": {"type": "integer"},
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "claim_id": {"type": "integer"},
                            "statement": {"type": "string"},
                            "new_question_first": {"type": "boolean"},
                            "options": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        **_SUGGESTION["properties"],
                                        "answer": nullable(
                                            {
                                                "type": "string",
                                                "description": "The answer it would get.",
                                            }
                                        ),
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
        "ProposalAcceptance": {
            "type": "object",
            "description": "Either the pairs to accept, or a score every best proposal must reach.",
            "properties": {
                "accept": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["claim_id", "question_id"],
                        "properties": {
                            "claim_id": {"type": "integer"},
                            "question_id": {"type": "integer"},
                        },
                    },
                },
                "accept_above": {"type": "number", "minimum": 0, "maximum": 1},
            },
        },
        "Accepted": {
            "type": "object",
            "properties": {"accepted": {"type": "array", "items": "Claim"}},
        },
        "RulingResult": {
            "type": "object",
            "properties": {"ruling": nullable("Ruling")},
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
                            "also_flagged": {
                                "type": "array",
                                "description": "Reviewers' flags on the same pair, shown with "
                                "the contradiction the tracker found rather than apart.",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "detail": {"type": "string"},
                                    },
                                },
                            },
                        },
                    },
                },
                "total": {
                    "type": "integer",
                    "description": "How many the filter lists, over all its pages.",
                },
                "per_page": {"type": "integer"},
                "next_cursor": nullable(
                    {"type": "string", "description": "Pass as `after` for the next page."}
                ),
                "next": nullable({"type": "string", "description": "The next page's URL."}),
                "summary": {
                    "type": "object",
                    "description": "Counts under the filter's source and question, all kinds.",
                    "properties": {
                        "open": {"type": "integer"},
                        "open_by_kind": {
                            "type": "object",
                            "additionalProperties": {"type": "integer"},
                        },
                        "decided": {"type": "integer"},
                        "disputed_claims": {"type": "integer"},
                    },
                },
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
        "MatrixCells": {
            "type": "object",
            "required": ["items", "counts", "per_page", "next_cursor", "next"],
            "properties": {
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "description": "What one source says on one question (a cell with "
                        "claims; a source that says nothing is no item).",
                        "properties": {
                            "question": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "text": {"type": "string"},
                                },
                            },
                            "source": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "title": {"type": "string"},
                                    "language": {"type": "string"},
                                },
                            },
                            "claim_count": {"type": "integer"},
                            "claims": {
                                "type": "array",
                                "description": f"The first {who_said_what.CLAIMS_PER_CELL} "
                                "claims in the source's order; the question has them all.",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "statement": {"type": "string"},
                                        "status": {"type": "string"},
                                        "answer": nullable({"type": "string"}),
                                    },
                                },
                            },
                            "disputed": {
                                "type": "boolean",
                                "description": "One of these claims is in an open contradiction.",
                            },
                        },
                    },
                },
                "counts": {
                    "type": "object",
                    "properties": {
                        n: {"type": "integer"}
                        for n in ("questions", "sources", "matching_questions", "matching_sources")
                    },
                },
                "per_page": {"type": "integer"},
                "next_cursor": nullable(
                    {"type": "string", "description": "Pass as `after` for the next page."}
                ),
                "next": nullable({"type": "string", "description": "The next page's URL."}),
            },
        },
    }
}


def _is_number(value: Any) -> TypeGuard[int]:
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
        "answer": answer_json(claim),
        "qualifiers": qualifiers_json(claim),
        "evidence": [
            {"url": e.url, "title": e.title, "stance": e.stance.value} for e in claim.live_evidence
        ],
    }


def contradiction_json(
    row: Contradiction, claims: dict[int, Claim] | None = None
) -> dict[str, Any]:
    pair = [claims.get(row.claim_a_id), claims.get(row.claim_b_id)] if claims else []
    return {
        "id": row.id,
        "question_id": row.question_id,
        "kind": row.kind.value,
        "detail": row.detail,
        "state": row.state.value,
        "claim_ids": [row.claim_a_id, row.claim_b_id],
        "holding_claim_id": row.holding_claim_id,
        "resolution": row.resolution,
        "ruling_id": row.ruling_id,
        "proposed": row.kind.is_about_answers
        and any(c is not None and not c.is_answer_confirmed for c in pair),
    }


def ruling_json(row: AnswerRuling) -> dict[str, Any]:
    return {
        "id": row.id,
        "question_id": row.question_id,
        "answer_ids": [row.answer_a_id, row.answer_b_id],
        "answers": [row.answer_a.text, row.answer_b.text],
        "state": row.state.value,
        "holding_answer_id": row.holding_answer_id,
        "rationale": row.rationale,
        "decided_by": row.decided_by.username if row.decided_by else None,
        "decided_at": row.decided_at.isoformat(),
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
    given, unanswered = answers.answer_groups(found.id, members)
    data["answers"] = [
        {
            "id": group.answer.id,
            "text": group.answer.text,
            "claim_ids": [c.id for c in group.claims],
            "source_ids": [s.id for s in group.sources],
            "confirmed": group.is_confirmed,
        }
        for group in given
    ]
    data["unanswered_claim_ids"] = [c.id for c in unanswered]
    data["rulings"] = [ruling_json(r) for r in rulings.question_rulings(found.id)]
    by_id = {c.id: c for c in members}
    data["contradictions"] = [
        contradiction_json(r, by_id) for r in disputes.question_contradictions(found.id)
    ]
    return jsonify(data)


@bp.get("/disputes")
@require_role(Role.viewer)
def disputes_index() -> Response:
    """Open contradictions and disputed claims, side by side: summary counts, then one page.

    Pages are keyset pages: follow `next` (or pass `next_cursor` as `after`) until it is null.

    ---
    parameters:
      - {name: state, in: query, schema: {type: string, enum: [open, decided, all]},
         description: "Which contradictions: open (the default), decided, or all."}
      - {name: all, in: query, schema: {type: string, enum: ["1"]}, description: Decided ones
          too (the same as state=all).}
      - {name: kind, in: query, schema: {type: string}, description: "A contradiction kind
          (value, precision, verdict, evidence, flagged, answer, yes_no) or disputed_claim."}
      - {name: source_id, in: query, schema: {type: integer}, description: Only disputes in
          which a claim of this source takes part.}
      - {name: question_id, in: query, schema: {type: integer}, description: Only this
          question's.}
      - {name: after, in: query, schema: {type: string}, description: The next_cursor of the
          page before.}
      - per_page
    responses:
      200:
        description: One page of disputes.
        content: {application/json: {schema: Disputes}}
    """
    filters, after = disputes.filter_from_args(request.args)
    _, per_page = check_page_args(
        1,
        request.args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )
    disputes.filter_scope(filters)
    summary = disputes.dispute_summary(filters)
    page = disputes.dispute_page(filters, after, per_page)
    questions_data: dict[int, dict[str, Any]] = {}
    items: list[dict[str, Any]] = []
    for item in page.items:
        question_data = None
        if item.question is not None:
            question_data = questions_data.setdefault(
                item.question.id, question_json(item.question)
            )
        row = item.contradiction
        if row is not None:
            items.append(
                {
                    **contradiction_json(row, item.claims),
                    "also_flagged": [{"id": f.id, "detail": f.detail} for f in item.also_flagged],
                    "question": question_data,
                    "claims": [
                        dispute_claim_json(item.claims[row.claim_a_id]),
                        dispute_claim_json(item.claims[row.claim_b_id]),
                    ],
                }
            )
        elif item.claim is not None:
            items.append(
                {
                    "id": None,
                    "kind": disputes.DISPUTED_CLAIM,
                    "state": "open",
                    "question": question_data,
                    "detail": "status disputed"
                    if item.claim.status.value == "disputed"
                    else "evidence both supports and refutes it",
                    "claims": [dispute_claim_json(item.claim)],
                }
            )
    cursor = str(page.next_cursor) if page.next_cursor else None
    return jsonify(
        {
            "items": items,
            "total": summary.matching,
            "per_page": per_page,
            "next_cursor": cursor,
            "next": url_for(
                "questions_api.disputes_index",
                **{**link_arguments(request.args.to_dict()), "after": cursor},
            )
            if cursor
            else None,
            "summary": {
                "open": summary.open_contradictions,
                "open_by_kind": {k.value: n for k, n in summary.open_by_kind.items()},
                "decided": summary.decided,
                "disputed_claims": summary.disputed_claims,
            },
        }
    )


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
    row = rulings.decide(
        contradiction_id,
        str(body.get("state", "")),
        str(body.get("rationale", "")),
        holding_claim_id=holding,
        actor=current_user,
    )
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
    return jsonify(contradiction_json(row)), 201


@bp.put("/claims/<int:claim_id>/answer")
@require_role(Role.reviewer)
def put_answer(claim_id: int) -> Response:
    """Give a claim's answer, confirm the proposed one, or (null) let the tracker propose.

    ---
    requestBody:
      required: true
      content: {application/json: {schema: AnswerChange}}
    responses:
      200:
        description: The claim with its answer and qualifiers.
        content: {application/json: {schema: Claim}}
      409: Conflict
    """
    body = json_body()
    answer, version, confirm = body.get("answer"), body.get("version"), body.get("confirm")
    if answer is not None and not isinstance(answer, str):
        raise InvalidInput("'answer' is text, or null to propose again.", {"answer": "invalid"})
    if not _is_number(version):
        raise InvalidInput("'version' (a number) is required.", {"version": "required"})
    if confirm is not None and not isinstance(confirm, bool):
        raise InvalidInput("'confirm' is true or false.", {"confirm": "invalid"})
    qualifiers = _qualifiers(body.get("qualifiers"))
    try:
        if confirm and "answer" not in body:
            claim = answers.confirm_answer(claim_id, version=version, actor=current_user)
            if qualifiers is not None:
                claim = answers.set_qualifiers(
                    claim_id, qualifiers, version=claim.version, actor=current_user
                )
        elif "answer" not in body and qualifiers is not None:
            claim = answers.set_qualifiers(
                claim_id, qualifiers, version=version, actor=current_user
            )
        else:
            claim = answers.set_answer(
                claim_id, answer, qualifiers=qualifiers, version=version, actor=current_user
            )
    except InvalidInput as exc:
        # The services name the qualifiers as the claim's columns; the API calls them so.
        exc.fields = {_QUALIFIER_NAMES.get(k, k): v for k, v in exc.fields.items()}
        raise
    return jsonify(claim_json(claim))


#: The qualifiers' columns, by the names the API gives them.
_QUALIFIER_NAMES = {"valid_from": "from", "valid_until": "until"}


def _qualifiers(data: Any) -> Qualifiers | None:
    if data is None:
        return None
    names = {"as_of": "as_of", "from": "valid_from", "until": "valid_until", "aspect": "aspect"}
    if not isinstance(data, dict) or set(data) - set(names):
        raise InvalidInput(
            "'qualifiers' is an object with as_of, from, until and aspect.",
            {"qualifiers": "invalid"},
        )
    for name, value in data.items():
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"Qualifier '{name}' is text or null.", {name: "invalid"})
    return Qualifiers(**{names[k]: v for k, v in data.items()})


@bp.post("/questions/<int:question_id>/rulings")
@require_role(Role.reviewer)
def rule(question_id: int) -> Response:
    """Rule on two answers of the question, for every claim that gives them: resolved (and
    which answer holds), not a contradiction (both can be true), or open (taken back).

    ---
    requestBody:
      required: true
      content: {application/json: {schema: RulingRequest}}
    responses:
      200:
        description: The ruling (null once taken back).
        content: {application/json: {schema: RulingResult}}
    """
    questions.get_question(question_id)
    body = json_body()
    ids, holding = body.get("answer_ids"), body.get("holding_answer_id")
    if not (isinstance(ids, list) and len(ids) == 2 and all(_is_number(i) for i in ids)):
        raise InvalidInput("'answer_ids' is a list of two answer ids.", {"answer_ids": "invalid"})
    if holding is not None and not _is_number(holding):
        raise InvalidInput("'holding_answer_id' is an answer id.", {"holding_answer_id": "invalid"})
    if not all(rulings.get_answer(i).question_id == question_id for i in ids):
        raise InvalidInput(
            f"Both answers must answer question #{question_id}.", {"answer_ids": "other question"}
        )
    row = rulings.rule(
        ids[0],
        ids[1],
        str(body.get("state", "")),
        str(body.get("rationale", "")),
        holding_answer_id=holding,
        actor=current_user,
    )
    return jsonify({"ruling": ruling_json(row) if row is not None else None})


def _proposals_json(source_id: int) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "items": [
            {
                "claim_id": p.claim.id,
                "statement": p.claim.statement,
                "new_question_first": p.new_question_first,
                "options": [
                    {**_suggestion_json(o.suggestion), "answer": o.answer} for o in p.options
                ],
            }
            for p in grouping.source_proposals(source_id)
        ],
    }


@bp.get("/sources/<int:source_id>/proposals")
@require_role(Role.viewer)
def source_proposals(source_id: int) -> Response:
    """Every claim of the source in no question, with its proposed questions and answers.

    ---
    responses:
      200:
        description: The proposals, best question first for each claim.
        content: {application/json: {schema: Proposals}}
    """
    return jsonify(_proposals_json(source_id))


@bp.post("/sources/<int:source_id>/proposals")
@require_role(Role.reviewer)
def accept_proposals(source_id: int) -> Response:
    """Accept proposals: the pairs given, or every best proposal scoring at least a value.

    ---
    requestBody:
      required: true
      content: {application/json: {schema: ProposalAcceptance}}
    responses:
      200:
        description: The claims now in their questions.
        content: {application/json: {schema: Accepted}}
    """
    body = json_body()
    pairs, above = body.get("accept"), body.get("accept_above")
    if above is not None:
        if isinstance(above, bool) or not isinstance(above, int | float) or pairs is not None:
            raise InvalidInput(
                "'accept_above' is a score from 0 to 1, sent without 'accept'.",
                {"accept_above": "invalid"},
            )
        accepted = grouping.accept_above(source_id, float(above), actor=current_user)
    else:
        if not isinstance(pairs, list) or not all(
            isinstance(p, dict)
            and _is_number(p.get("claim_id"))
            and _is_number(p.get("question_id"))
            for p in pairs
        ):
            raise InvalidInput(
                "'accept' is a list of {claim_id, question_id}.", {"accept": "invalid"}
            )
        for pair in pairs:
            if get_claim(pair["claim_id"]).source_id != source_id:
                raise InvalidInput(
                    f"Claim #{pair['claim_id']} is not in source #{source_id}.",
                    {"accept": "other source"},
                )
        accepted = grouping.accept(
            [(p["claim_id"], p["question_id"]) for p in pairs], actor=current_user
        )
    return jsonify({"accepted": [claim_json(c) for c in accepted]})


@bp.get("/matrix")
@require_role(Role.viewer)
def matrix_cells() -> Response:
    """Who said what: the cells with claims, by question text, question id, then source id.

    Pages are keyset pages: follow `next` (or pass `next_cursor` as `after`) until it is null.
    ---
    parameters:
      - {name: q, in: query, schema: {type: string, maxLength: 200},
         description: Words in the question.}
      - {name: question_id, in: query, schema: {type: integer, minimum: 1}}
      - {name: source_id, in: query, schema: {type: string, pattern: "^[0-9, ]+$"},
         description: "One or more source ids, as 3,7: their cells only."}
      - {name: differ, in: query, schema: {type: string, enum: ["1", "0"]},
         description: Only questions with an open contradiction.}
      - {name: after, in: query, schema: {type: string, pattern: "^[0-9]+[.][0-9]+$"},
         description: The next_cursor of the page before.}
      - per_page
    responses:
      200:
        description: One page of cells, and the cursor of the next.
        content: {application/json: {schema: MatrixCells}}
    """
    args = request.args
    filters = who_said_what.parse_filter(
        args.get("q"), args.get("question_id"), args.getlist("source_id"), args.get("differ")
    )
    _, per_page = check_page_args(
        1,
        args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )
    cells, cursor = who_said_what.cells_page(
        filters, after=who_said_what.parse_cell_cursor(args.get("after")), limit=per_page
    )
    counts = who_said_what.matrix_counts(filters)
    return jsonify(
        {
            "items": [
                {
                    "question": {"id": c.question_id, "text": c.question},
                    "source": {"id": c.source_id, "title": c.source_title, "language": c.language},
                    "claim_count": c.count,
                    "claims": [
                        {
                            "id": claim.id,
                            "statement": claim.statement,
                            "status": claim.status.value,
                            "answer": claim.answer,
                        }
                        for claim in c.claims
                    ],
                    "disputed": c.disputed,
                }
                for c in cells
            ],
            "counts": {
                "questions": counts.questions,
                "sources": counts.sources,
                "matching_questions": counts.matching_questions,
                "matching_sources": counts.matching_sources,
            },
            "per_page": per_page,
            "next_cursor": cursor,
            "next": url_for(
                "questions_api.matrix_cells", **{**link_arguments(args.to_dict()), "after": cursor}
            )
            if cursor
            else None,
        }
    )
