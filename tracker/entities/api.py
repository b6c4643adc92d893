"""JSON API for people and organisations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.accounts.models import Role
from tracker.core import db
from tracker.core.api import json_body
from tracker.core.auth import require_role
from tracker.core.errors import InvalidInput
from tracker.core.openapi import nullable, string
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
            },
        },
        "EntityDetail": {
            "type": "object",
            "properties": {
                **_ENTITY_FIELDS,
                "said": {"type": "array", "items": _ENTITY_CLAIM},
                "about": {"type": "array", "items": _ENTITY_CLAIM},
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
    responses:
      200:
        description: Every entity, by name.
        content: {application/json: {schema: EntityList}}
    """
    items = [entity_json(e) for e in services.list_entities()]
    return jsonify({"items": items, "total": len(items)})


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
    db.session.commit()
    return jsonify(entity_json(services.get_entity(entity.id))), 201


@bp.get("/<int:entity_id>")
@require_role(Role.viewer)
def detail(entity_id: int) -> Response:
    """One entity with the claims it said and the claims about it.

    ---
    responses:
      200:
        description: The entity.
        content: {application/json: {schema: EntityDetail}}
    """
    found = services.entity_claims(entity_id)
    return jsonify(
        entity_json(found.entity)
        | {
            "said": [dispute_claim_json(c) | {"question_id": c.question_id} for c in found.said],
            "about": [dispute_claim_json(c) | {"question_id": c.question_id} for c in found.about],
        }
    )


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
    db.session.commit()
    return jsonify(entity_json(services.get_entity(entity_id))), 201
