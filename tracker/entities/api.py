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
from tracker.entities import services
from tracker.entities.models import Entity
from tracker.questions.api import dispute_claim_json

bp = Blueprint("entities_api", __name__, url_prefix="/api/v1/entities")


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
    items = [entity_json(e) for e in services.list_entities()]
    return jsonify({"items": items, "total": len(items)})


@bp.post("")
@require_role(Role.reviewer)
def create() -> tuple[Response, int]:
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
    """Body: {"alias": "奧特曼"}; claims that use the name are linked to the entity."""
    alias = json_body().get("alias")
    if not isinstance(alias, str):
        raise InvalidInput("Send 'alias', the other name.", {"alias": "required"})
    services.add_alias(entity_id, alias, actor=current_user)
    db.session.commit()
    return jsonify(entity_json(services.get_entity(entity_id))), 201
