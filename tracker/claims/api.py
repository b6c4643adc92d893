"""JSON API for claims: the queue, marking, editing with versions, evidence, history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.accounts.models import Role
from tracker.audit import services as audit
from tracker.audit.models import AuditAction, AuditEntry
from tracker.claims import queue, services, values
from tracker.claims.models import Claim, ClaimStatus, Evidence, Stance
from tracker.core import db
from tracker.core.api import int_arg, json_body, page_json, text_arg
from tracker.core.auth import require_role
from tracker.core.errors import InvalidInput
from tracker.core.openapi import nullable, page_of, string
from tracker.core.pagination import check_page_args
from tracker.sources.models import Source

bp = Blueprint("claims_api", __name__, url_prefix="/api/v1/claims")

_STATUSES = [s.value for s in ClaimStatus]
_STANCES = [s.value for s in Stance]
_SPAN = {
    "start": {"type": "integer", "minimum": 0, "description": "Offset into the source text."},
    "end": {"type": "integer", "minimum": 1, "description": "Offset just after the quote."},
    "quote": {"type": "string", "description": "source.text[start:end], exactly."},
}
_CLAIM_TEXT = {
    "statement": string(description="What the claim says, in the reviewer's words."),
    "speaker": string(services.MAX_SPEAKER, description="Who says it (default: the article)."),
    "subjects": {
        "type": "array",
        "maxItems": services.MAX_SUBJECTS,
        "items": string(services.MAX_SPEAKER),
    },
    "status": {"type": "string", "enum": _STATUSES},
    "rationale": nullable(string(description="Why the verdict; required for a verdict.")),
}
_QUERY_STRING = {"in": "query", "schema": {"type": "string"}}
#: What this module reads and answers, for the OpenAPI document (tracker/core/openapi.py).
OPENAPI_COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Evidence": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "url": {"type": "string"},
                "title": {"type": "string"},
                "publisher": nullable({"type": "string"}),
                "published": nullable({"type": "string", "description": "YYYY[-MM[-DD]]"}),
                "stance": {"type": "string", "enum": _STANCES},
                "passage": nullable({"type": "string"}),
                "added_by": nullable({"type": "string"}),
                "added_at": {"type": "string", "format": "date-time"},
                "is_deleted": {"type": "boolean"},
            },
        },
        "Value": {
            "type": "object",
            "description": "The claim's answer to its question (exact decimals as text).",
            "properties": {
                "kind": {"type": "string"},
                "low": nullable({"type": "string"}),
                "high": nullable({"type": "string"}),
                "unit": nullable({"type": "string"}),
                "label": nullable({"type": "string"}),
                "relative": nullable(
                    {
                        "type": "string",
                        "description": "Read relative to a publication date the source does "
                        "not give, e.g. end_of_year; null when resolved or absolute.",
                    }
                ),
                "text": nullable({"type": "string"}),
                "display": nullable({"type": "string"}),
                "approximate": {"type": "boolean"},
                "confirmed": {"type": "boolean"},
            },
        },
        "FoundValue": {
            "type": "object",
            "description": "A value the tracker reads in the quote or statement.",
            "properties": {
                "kind": {"type": "string"},
                "text": {"type": "string", "description": "As written."},
                "display": {"type": "string", "description": "As the tracker reads it."},
                "in": {"type": "string", "enum": ["quote", "statement"]},
                "low": nullable({"type": "string"}),
                "high": nullable({"type": "string"}),
                "unit": {"type": "string"},
                "approximate": {"type": "boolean"},
            },
        },
        "Qualifiers": {
            "type": "object",
            "description": "When the answer holds (YYYY[-MM[-DD]]) and what it is about.",
            "properties": {
                "as_of": nullable({"type": "string"}),
                "from": nullable({"type": "string"}),
                "until": nullable({"type": "string"}),
                "aspect": nullable({"type": "string"}),
            },
        },
        "ClaimAnswer": {
            "type": "object",
            "description": "The claim's answer to its question: proposed until confirmed.",
            "properties": {
                "id": {"type": "integer"},
                "text": {"type": "string"},
                "confirmed": {"type": "boolean"},
                "basis": nullable({"type": "string", "description": "Why it was proposed."}),
            },
        },
        "Claim": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "source_id": {"type": "integer"},
                **_SPAN,
                **_CLAIM_TEXT,
                "is_disputed": {"type": "boolean"},
                "question_id": nullable({"type": "integer"}),
                "value": nullable("Value"),
                "answer": nullable("ClaimAnswer"),
                "qualifiers": "Qualifiers",
                "values": {"type": "array", "items": "FoundValue"},
                "assignee": nullable({"type": "string"}),
                "assignee_id": nullable({"type": "integer"}),
                "version": {"type": "integer"},
                "is_deleted": {"type": "boolean"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "evidence": {"type": "array", "items": "Evidence"},
                "links": {
                    "type": "object",
                    "properties": {n: {"type": "string"} for n in ("self", "history", "html")},
                },
            },
        },
        "ClaimPage": page_of("Claim"),
        "AuditEntry": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "at": {"type": "string", "format": "date-time"},
                "actor": nullable({"type": "string"}),
                "entity_type": {"type": "string"},
                "entity_id": {"type": "integer"},
                "action": {"type": "string", "enum": [a.value for a in AuditAction]},
                "field": nullable({"type": "string"}),
                "before": {"description": "The field's value before (any JSON)."},
                "after": {"description": "The field's value after (any JSON)."},
                "reason": nullable({"type": "string"}),
            },
        },
        "History": {
            "type": "object",
            "properties": {
                "claim_id": {"type": "integer"},
                "items": {"type": "array", "items": "AuditEntry"},
            },
        },
        "NewClaim": {
            "type": "object",
            "description": "Give start and end, or a quote found exactly once in the source.",
            "required": ["source_id", "statement"],
            "properties": {
                "source_id": {"type": "integer"},
                **_SPAN,
                **_CLAIM_TEXT,
                "assignee_id": nullable({"type": "integer"}),
            },
        },
        "ClaimChanges": {
            "type": "object",
            "description": "The fields to change, and the version they are based on.",
            "required": ["version"],
            "additionalProperties": False,
            "properties": {
                "version": {"type": "integer"},
                "note": nullable(string(description="Why, for the history.")),
                **_SPAN,
                **_CLAIM_TEXT,
                "assignee_id": nullable({"type": "integer", "description": "null unassigns"}),
            },
        },
        "NewEvidence": {
            "type": "object",
            "required": ["url", "title", "stance"],
            "properties": {
                "url": string(format="uri", description="http or https"),
                "title": string(500, minLength=1),
                "stance": {"type": "string", "enum": _STANCES},
                "publisher": nullable(string(200)),
                "published": nullable(string(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")),
                "passage": nullable(string(description="The words that matter, quoted.")),
            },
        },
    },
    # The review queue's filters, shared with GET /api/v1/export.
    "parameters": {
        "status": {
            "in": "query",
            "schema": {"type": "string", "enum": _STATUSES},
            "description": "disputed also finds claims whose evidence both supports and refutes.",
        },
        "source_id": {"in": "query", "schema": {"type": "integer", "minimum": 1}},
        "language": {**_QUERY_STRING, "description": "BCP 47 tag; de also finds de-AT."},
        "speaker": _QUERY_STRING,
        "assignee": {
            "in": "query",
            "description": "A user id, me or none.",
            "schema": {"type": "string", "pattern": "^([0-9]+|me|none)$"},
        },
        "q": {**_QUERY_STRING, "description": "Words in the statement, quote or speaker."},
        "sort": {"in": "query", "schema": {"type": "string", "enum": list(queue.SORTS)}},
        "include_deleted": {
            "in": "query",
            "description": "Editors only: deleted claims too.",
            "schema": {"type": "boolean"},
        },
    },
}


def evidence_json(evidence: Evidence) -> dict[str, Any]:
    return {
        "id": evidence.id,
        "url": evidence.url,
        "title": evidence.title,
        "publisher": evidence.publisher,
        "published": evidence.published,
        "stance": evidence.stance.value,
        "passage": evidence.passage,
        "added_by": evidence.added_by.username if evidence.added_by else None,
        "added_at": evidence.added_at.isoformat(),
        "is_deleted": evidence.is_deleted,
    }


def value_json(claim: Claim) -> dict[str, Any] | None:
    if claim.value_kind is None:
        return None
    return {
        "kind": claim.value_kind,
        "low": str(claim.value_low) if claim.value_low is not None else None,
        "high": str(claim.value_high) if claim.value_high is not None else None,
        "unit": claim.value_unit,
        "label": claim.value_label,
        "relative": claim.value_relative,
        "text": claim.value_text,
        "display": values.display(claim),
        "approximate": claim.is_value_approximate,
        "confirmed": claim.is_value_confirmed,
    }


def answer_json(claim: Claim) -> dict[str, Any] | None:
    if claim.answer is None:
        return None
    return {
        "id": claim.answer.id,
        "text": claim.answer.text,
        "confirmed": claim.is_answer_confirmed,
        "basis": claim.answer_basis,
    }


def qualifiers_json(claim: Claim) -> dict[str, str | None]:
    return {
        "as_of": claim.as_of,
        "from": claim.valid_from,
        "until": claim.valid_until,
        "aspect": claim.aspect,
    }


def found_values_json(claim: Claim) -> list[dict[str, Any]]:
    return [
        {
            "kind": found.value.kind.value,
            "text": found.value.text,
            "display": found.display,
            "in": found.where,
            "low": str(found.value.low) if found.value.low is not None else None,
            "high": str(found.value.high) if found.value.high is not None else None,
            "unit": found.value.unit,
            "approximate": found.value.approximate,
        }
        for found in values.found_in(claim)
    ]


def claim_json(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "source_id": claim.source_id,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "statement": claim.statement,
        "speaker": claim.speaker,
        "subjects": list(claim.subjects),
        "status": claim.status.value,
        "rationale": claim.rationale,
        "is_disputed": claim.is_disputed,
        "question_id": claim.question_id,
        "value": value_json(claim),
        "answer": answer_json(claim),
        "qualifiers": qualifiers_json(claim),
        "values": found_values_json(claim),
        "assignee": claim.assignee.username if claim.assignee else None,
        "assignee_id": claim.assignee_id,
        "version": claim.version,
        "is_deleted": claim.is_deleted,
        "created_at": claim.created_at.isoformat(),
        "updated_at": claim.updated_at.isoformat(),
        "evidence": [evidence_json(e) for e in claim.evidence if not e.is_deleted],
        "links": {
            "self": url_for("claims_api.detail", claim_id=claim.id),
            "history": url_for("claims_api.history", claim_id=claim.id),
            "html": url_for("claims.detail", claim_id=claim.id),
        },
    }


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor.username if entry.actor else None,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "action": entry.action.value,
        "field": entry.field,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
    }


def _optional_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"'{name}' must be a whole number.", {name: "invalid"})
    return value


def _optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"'{name}' must be a string.", {name: "invalid"})
    return value


def _subjects(body: dict[str, Any]) -> list[str] | None:
    value = body.get("subjects")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput("'subjects' must be a list of strings.", {"subjects": "invalid"})
    return value


@bp.get("")
@require_role(Role.viewer)
def index() -> Response:
    """The review queue: claims filtered, searched, sorted and paged.

    ---
    parameters: [status, source_id, language, speaker, assignee, q, sort, include_deleted,
      page, per_page]
    responses:
      200:
        description: One page of claims.
        content: {application/json: {schema: ClaimPage}}
    """
    args = request.args
    filters = queue.filter_from_args(
        args, user_id=current_user.id, may_see_deleted=services.may_see_deleted(current_user)
    )
    page, per_page = check_page_args(
        args.get("page", 1),
        args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )
    result = queue.list_claims(filters, page, per_page)
    return jsonify(page_json(result, [claim_json(c) for c in result.items]))


@bp.post("")
@require_role(Role.reviewer)
def create() -> tuple[Response, int, dict[str, str]]:
    """Mark a claim on an exact span of a source.

    A verdict needs a rationale; verified or false without evidence needs an editor.
    ---
    requestBody:
      required: true
      content: {application/json: {schema: NewClaim}}
    responses:
      201:
        description: The new claim.
        content: {application/json: {schema: Claim}}
      404: NotFound
    """
    body = json_body()
    source_id = _optional_int(body, "source_id")
    if source_id is None:
        raise InvalidInput("'source_id' is required.", {"source_id": "required"})
    start, end = _optional_int(body, "start"), _optional_int(body, "end")
    quote = _optional_str(body, "quote")
    if start is None or end is None:
        # Scripts may send just the quote: it must occur exactly once in the source.
        if quote is None:
            raise InvalidInput(
                "Give 'start' and 'end', or a 'quote' found exactly once in the source.",
                {"start": "required", "end": "required"},
            )
        source = db.session.get(Source, source_id)
        if source is None:
            raise InvalidInput(f"There is no source #{source_id}.", {"source_id": "unknown"})
        start = services.locate_quote(source, quote)
        end = start + len(quote)
    claim = services.mark_claim(
        source_id,
        services.ClaimDraft(
            start=start,
            end=end,
            quote=quote,
            statement=_optional_str(body, "statement") or "",
            speaker=_optional_str(body, "speaker") or services.THE_ARTICLE,
            subjects=_subjects(body) or [],
            status=_optional_str(body, "status") or "unreviewed",
            rationale=_optional_str(body, "rationale"),
            assignee_id=_optional_int(body, "assignee_id"),
        ),
        actor=current_user,
    )
    claim = services.get_claim(claim.id)
    location = url_for("claims_api.detail", claim_id=claim.id)
    return jsonify(claim_json(claim)), 201, {"Location": location}


@bp.get("/<int:claim_id>")
@require_role(Role.viewer)
def detail(claim_id: int) -> Response:
    """One claim with its evidence.

    ---
    responses:
      200:
        description: The claim.
        content: {application/json: {schema: Claim}}
    """
    claim = services.get_claim(claim_id, include_deleted=services.may_see_deleted(current_user))
    return jsonify(claim_json(claim))


@bp.patch("/<int:claim_id>")
@require_role(Role.reviewer)
def update(claim_id: int) -> Response:
    """Change a claim's fields; every change is logged.

    The body names the version it is based on; a stale one changes nothing (409, with the
    current version).
    ---
    requestBody:
      required: true
      content: {application/json: {schema: ClaimChanges}}
    responses:
      200:
        description: The claim as saved.
        content: {application/json: {schema: Claim}}
      409: Conflict
    """
    body = json_body()
    version = _optional_int(body, "version")
    if version is None:
        raise InvalidInput(
            "Send the 'version' you edited (from GET), so no one's change is overwritten.",
            {"version": "required"},
        )
    known = {"version", "note", *services.EDITABLE_FIELDS}
    unknown = sorted(set(body) - known)
    if unknown:
        raise InvalidInput(
            f"Unknown field(s): {', '.join(unknown)}.", dict.fromkeys(unknown, "unknown")
        )
    assignee_id = _optional_int(body, "assignee_id")
    if "assignee_id" in body and body["assignee_id"] is None:
        assignee_id = 0  # null unassigns
    changes = services.ClaimChanges(
        start=_optional_int(body, "start"),
        end=_optional_int(body, "end"),
        quote=_optional_str(body, "quote"),
        statement=_optional_str(body, "statement"),
        speaker=_optional_str(body, "speaker"),
        subjects=_subjects(body),
        status=_optional_str(body, "status"),
        rationale=_optional_str(body, "rationale"),
        assignee_id=assignee_id,
    )
    services.edit_claim(
        claim_id, changes, version=version, actor=current_user, note=_optional_str(body, "note")
    )
    return jsonify(claim_json(services.get_claim(claim_id)))


@bp.delete("/<int:claim_id>")
@require_role(Role.editor)
def delete(claim_id: int) -> tuple[str, int]:
    """Delete a claim (softly: editors can restore it).

    ---
    parameters:
      - {name: version, in: query, required: true, schema: {type: integer, minimum: 0}}
      - {name: note, in: query, schema: {type: string}, description: "Why, for the history."}
    responses:
      204: {description: Deleted.}
      409: Conflict
    """
    version = int_arg("version")
    if version is None:
        raise InvalidInput("Send ?version= of the claim you delete.", {"version": "required"})
    services.delete_claim(claim_id, version=version, actor=current_user, note=text_arg("note"))
    return "", 204


@bp.post("/<int:claim_id>/evidence")
@require_role(Role.reviewer)
def add_evidence(claim_id: int) -> tuple[Response, int]:
    """Attach evidence to a claim: a web page, its title and stance.

    ---
    requestBody:
      required: true
      content: {application/json: {schema: NewEvidence}}
    responses:
      201:
        description: The evidence.
        content: {application/json: {schema: Evidence}}
    """
    body = json_body()
    evidence = services.attach_evidence(
        claim_id,
        services.EvidenceDraft(
            url=_optional_str(body, "url") or "",
            title=_optional_str(body, "title") or "",
            stance=_optional_str(body, "stance") or "",
            publisher=_optional_str(body, "publisher"),
            published=_optional_str(body, "published"),
            passage=_optional_str(body, "passage"),
        ),
        actor=current_user,
    )
    return jsonify(evidence_json(evidence)), 201


@bp.get("/<int:claim_id>/history")
@require_role(Role.viewer)
def history(claim_id: int) -> Response:
    """Every change to a claim and its evidence: who, when, what, before, after, why.

    ---
    responses:
      200:
        description: The history, oldest first.
        content: {application/json: {schema: History}}
    """
    claim = services.get_claim(claim_id, include_deleted=services.may_see_deleted(current_user))
    return jsonify(
        {"claim_id": claim.id, "items": [audit_json(e) for e in audit.claim_history(claim.id)]}
    )
