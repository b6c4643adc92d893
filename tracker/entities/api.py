"""JSON API for people and organisations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.accounts.models import Role
from tracker.claims.queue import is_id
from tracker.core.api import json_body, page_json
from tracker.core.auth import require_role
from tracker.core.errors import InvalidInput
from tracker.core.openapi import nullable, string
from tracker.core.pagination import check_page_args
from tracker.entities import services
from tracker.entities.models import Entity, EntityKind
from tracker.questions.api import dispute_claim_json

bp = Blueprint("entities_api", __name__, url_prefix="/api/v1/entities")

_KINDS = [k.value for k in EntityKind]
_ENTITY_FIELDS: dict[str, Any] = {
    "id": {"type": "integer"},
    "name": {"type": "string"},
    "kind": {"type": "string", "enum": _KINDS},
    "aliases": {"type": "array", "items": {"type": "string"}},
    "links": {"type": "object", "properties": {n: {"type": "string"} for n in ("self", "html")}},
}
_NAME = string(services.MAX_NAME, minLength=1)
_ENTITY_CLAIM = {
    "allOf": [
        "DisputeClaim",
        {"type": "object", "properties": {"question_id": nullable({"type": "integer"})}},
    ]
}
#: What this module reads and answers, for the OpenAPI document (tracker/core/openapi.py).
OPENAPI_COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Entity": {"type": "object", "properties": _ENTITY_FIELDS},
        "EntityList": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": "Entity"},
                "total": {"type": "integer"},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "pages": {"type": "integer"},
            },
        },
        "EntityClaimPage": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": _ENTITY_CLAIM},
                "total": {"type": "integer"},
                "per_page": {"type": "integer"},
                "next_cursor": nullable({"type": "integer"}),
                "next": nullable({"type": "string"}),
            },
        },
        "EntityDetail": {
            "type": "object",
            "properties": {
                **_ENTITY_FIELDS,
                "said": {
                    "type": "array",
                    "items": _ENTITY_CLAIM,
                    "description": "The first page of the claims it made (said_next: the rest).",
                },
                "about": {
                    "type": "array",
                    "items": _ENTITY_CLAIM,
                    "description": "The first page of the claims about it (about_next: the rest).",
                },
                "said_total": {"type": "integer"},
                "about_total": {"type": "integer"},
                "said_next": nullable({"type": "string"}),
                "about_next": nullable({"type": "string"}),
            },
        },
        "NewEntity": {
            "type": "object",
            "required": ["name", "kind"],
            "properties": {
                "name": _NAME,
                "kind": {"type": "string", "enum": _KINDS},
                "aliases": {"type": "array", "items": _NAME},
            },
        },
        "NewAlias": {
            "type": "object",
            "required": ["alias"],
            "properties": {"alias": _NAME},
        },
    }
}


def entity_json(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "kind": entity.kind.value,
        "aliases": [a.alias for a in entity.aliases],
        "links": {
            "self": url_for("entities_api.detail", entity_id=entity.id),
            "html": url_for("entities.detail", entity_id=entity.id),
        },
    }


@bp.get("")
@require_role(Role.viewer)
def index() -> Response:
    """People and organisations, with their names in every script.

    ---
    parameters:
      - {name: q, in: query, schema: {type: string}, description: A name in any spelling.}
      - page
      - per_page
    responses:
      200:
        description: One page of entities, by name.
        content: {application/json: {schema: EntityList}}
    """
    page, per_page = check_page_args(
        request.args.get("page", 1),
        request.args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )
    result = services.list_entities(page, per_page, request.args.get("q"))
    return jsonify(page_json(result, [entity_json(e) for e in result.items]))


@bp.post("")
@require_role(Role.reviewer)
def create() -> tuple[Response, int]:
    """Add a person or organisation with its names; claims naming it are linked to it.

    ---
    requestBody:
      required: true
      content: {application/json: {schema: NewEntity}}
    responses:
      201:
        description: The entity.
        content: {application/json: {schema: Entity}}
    """
    body = json_body()
    name, kind, aliases = body.get("name"), body.get("kind"), body.get("aliases", [])
    if (
        not isinstance(name, str)
        or not isinstance(kind, str)
        or not (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases))
    ):
        raise InvalidInput(
            "Send 'name', 'kind' (person|organisation) and 'aliases' (strings).",
            {"name": "required"},
        )
    entity = services.create_entity(name, kind, aliases, actor=current_user)
    return jsonify(entity_json(services.get_entity(entity.id))), 201


def _claim_page(entity_id: int, role: str, after: int | None, per_page: int) -> dict[str, Any]:
    found = services.entity_claim_page(
        entity_id, said=role == "said", after=after, per_page=per_page
    )
    next_url = (
        url_for(
            "entities_api.claims",
            entity_id=entity_id,
            role=role,
            after=found.next_after,
            per_page=per_page,
        )
        if found.next_after is not None
        else None
    )
    return {
        "items": [dispute_claim_json(c) | {"question_id": c.question_id} for c in found.items],
        "total": found.total,
        "per_page": per_page,
        "next_cursor": found.next_after,
        "next": next_url,
    }


def _per_page() -> int:
    return check_page_args(
        1,
        request.args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )[1]


@bp.get("/<int:entity_id>")
@require_role(Role.viewer)
def detail(entity_id: int) -> Response:
    """One entity with the first page of the claims it said and of the claims about it.

    ---
    parameters:
      - per_page
    responses:
      200:
        description: The entity.
        content: {application/json: {schema: EntityDetail}}
    """
    entity = services.get_entity(entity_id)
    per_page = _per_page()
    said = _claim_page(entity_id, "said", None, per_page)
    about = _claim_page(entity_id, "about", None, per_page)
    return jsonify(
        entity_json(entity)
        | {
            "said": said["items"],
            "about": about["items"],
            "said_total": said["total"],
            "about_total": about["total"],
            "said_next": said["next"],
            "about_next": about["next"],
        }
    )


@bp.get("/<int:entity_id>/claims")
@require_role(Role.viewer)
def claims(entity_id: int) -> Response:
    """The claims an entity said (role=said) or that are about it (role=about), by id.

    ---
    parameters:
      - {name: role, in: query, required: true, schema: {type: string, enum: [said, about]}}
      - {name: after, in: query, schema: {type: integer}, description: The next_cursor of the
          page before.}
      - per_page
    responses:
      200:
        description: One page of claims.
        content: {application/json: {schema: EntityClaimPage}}
    """
    services.get_entity(entity_id)
    role = request.args.get("role", "")
    if role not in ("said", "about"):
        raise InvalidInput("role must be said or about.", {"role": "invalid"})
    after = request.args.get("after", "").strip()
    if after and not is_id(after):
        raise InvalidInput("after must be a claim id.", {"after": "invalid"})
    return jsonify(_claim_page(entity_id, role, int(after) if after else None, _per_page()))


@bp.post("/<int:entity_id>/aliases")
@require_role(Role.reviewer)
def add_alias(entity_id: int) -> tuple[Response, int]:
    """Add another name ("奧特曼"); claims that use the name are linked to the entity.

    ---
    requestBody:
      required: true
      content: {application/json: {schema: NewAlias}}
    responses:
      201:
        description: The entity with its names.
        content: {application/json: {schema: Entity}}
    """
    alias = json_body().get("alias")
    if not isinstance(alias, str):
        raise InvalidInput("Send 'alias', the other name.", {"alias": "required"})
    services.add_alias(entity_id, alias, actor=current_user)
    return jsonify(entity_json(services.get_entity(entity_id))), 201
