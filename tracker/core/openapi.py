"""The JSON API's OpenAPI document, built from the app itself: its routes, roles and views.

Nothing here lists an endpoint. ``build_document`` walks ``app.url_map`` for the rules under
``/api/v1`` and takes, for each:

- the path and its parameters from the rule and its converters (``<int:x>`` is an integer);
- the methods from the rule, and the role from the view's ``required_role`` (set by
  ``require_role``): bearer auth, 401 and, above viewer, 403;
- the summary and description from the view's docstring, and the operation's machine-readable
  part (query parameters, request body, responses) from the YAML after ``---`` in it, the
  convention apispec reads;
- the schemas and parameters those name, from ``OPENAPI_COMPONENTS`` in the view's module, next
  to the functions that shape the JSON (``claim_json`` beside the ``Claim`` schema).
"""

from __future__ import annotations

import re
import sys
from typing import Any

from apispec import APISpec
from apispec.yaml_utils import load_yaml_from_docstring
from flask import Blueprint, Flask, Response, current_app, jsonify
from werkzeug.routing import BaseConverter, Rule
from werkzeug.routing.converters import (
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    UUIDConverter,
)

from tracker.accounts.models import Role

PREFIX = "/api/v1"
OPENAPI_VERSION = "3.0.3"
API_VERSION = "1"
METHODS = ("get", "put", "post", "patch", "delete")

bp = Blueprint("openapi", __name__, url_prefix=PREFIX)


def page_of(item: str) -> dict[str, Any]:
    """The schema of one page of a list (see ``tracker.core.api.page_json``)."""
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": item},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    }


def nullable(schema: dict[str, Any] | str) -> dict[str, Any]:
    """``schema`` or null (OpenAPI 3.0: a reference cannot carry ``nullable`` itself)."""
    if isinstance(schema, str):
        return {"nullable": True, "allOf": [schema]}
    return {**schema, "nullable": True}


def string(max_length: int | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", **extra}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string", "description": "What went wrong, for people."},
                "fields": {
                    "type": "object",
                    "description": "The fields concerned and what is wrong with each.",
                    "additionalProperties": {"type": "string"},
                },
                "existing_id": {
                    "type": "integer",
                    "description": "409 for a duplicate: the id of what exists already.",
                },
                "current_version": {
                    "type": "integer",
                    "description": "409 for a stale version: the claim's version now.",
                },
            },
        },
        "existing_id": {
            "type": "integer",
            "description": "409 for a duplicate: the id of what exists already (as in `error`).",
        },
    },
}
#: Error responses, added to each operation they apply to by ``_operation``.
ERROR_RESPONSES = {
    "BadRequest": "The input is invalid: the message says why, `fields` says where.",
    "Unauthorized": "No valid login or API token (send `Authorization: Bearer TOKEN`).",
    "Forbidden": "The user's role does not allow this.",
    "NotFound": "No such thing (or it is deleted).",
    "Conflict": "A duplicate (`existing_id` names it), a stale `version`, or a change made "
    "by someone else at the same moment: nothing was saved.",
    "TooLarge": "The body is larger than the server accepts.",
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": "Error"}},
    }


def _path_schema(converter: BaseConverter) -> dict[str, Any]:
    """The schema of a path parameter, read from its rule's converter."""
    if isinstance(converter, IntegerConverter):
        # int32: the ids' columns; tracker.core.api answers 404 for larger ones.
        schema: dict[str, Any] = {"type": "integer", "format": "int32"}
        low = converter.min if converter.min is not None else (None if converter.signed else 0)
        if low is not None:
            schema["minimum"] = low
        if converter.max is not None:
            schema["maximum"] = converter.max
        return schema
    if isinstance(converter, FloatConverter):
        return {"type": "number"}
    if isinstance(converter, UUIDConverter):
        return {"type": "string", "format": "uuid"}
    if isinstance(converter, AnyConverter):
        return {"type": "string", "enum": sorted(converter.items)}
    return {"type": "string", "pattern": "^[^/]+$"}


def _rule_path(rule: Rule) -> str:
    """``/api/v1/claims/<int:claim_id>`` as OpenAPI writes it: ``/api/v1/claims/{claim_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    # Werkzeug keeps a rule's converters by argument name; there is no public accessor.
    converters: dict[str, BaseConverter] = rule._converters
    return [
        {"name": name, "in": "path", "required": True, "schema": _path_schema(converter)}
        for name, converter in converters.items()
    ]


def _split_docstring(doc: str | None) -> tuple[str, str, dict[str, Any]]:
    """(summary, description, YAML operation) from a view's docstring."""
    text = doc or ""
    prose = text.split("---", 1)[0]
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", prose.strip()) if p.strip()]
    summary = paragraphs[0] if paragraphs else ""
    return summary, "\n\n".join(paragraphs[1:]), load_yaml_from_docstring(text) or {}


def _operation(app: Flask, rule: Rule, method: str, has_path_params: bool) -> dict[str, Any]:
    view = app.view_functions[rule.endpoint]
    summary, description, declared = _split_docstring(view.__doc__)
    if any(key in METHODS for key in declared):  # a view serving several methods
        declared = declared.get(method, {})
    operation: dict[str, Any] = {
        "operationId": rule.endpoint,
        "tags": [rule.endpoint.split(".")[0].removesuffix("_api")],
        "summary": summary or rule.endpoint,
        **declared,
    }
    role: Role | None = getattr(view, "required_role", None)
    responses: dict[Any, Any] = {str(k): v for k, v in operation.get("responses", {}).items()}
    if role is None:
        operation["security"] = []
    else:
        operation["security"] = [{"bearerAuth": []}]
        operation["x-required-role"] = role.value
        needs = f"Needs the {role.value} role or above."
        description = f"{description}\n\n{needs}" if description else needs
        responses.setdefault("401", "Unauthorized")
        if role != Role.viewer:
            responses.setdefault("403", "Forbidden")
    if description:
        operation["description"] = description
    if "requestBody" in operation or operation.get("parameters"):
        responses.setdefault("400", "BadRequest")
    if "requestBody" in operation:
        responses.setdefault("413", "TooLarge")
    if method.upper() not in {"GET", "HEAD", "OPTIONS"}:
        # Any write can lose to another one made at the same moment (tracker.core.unique).
        responses.setdefault("409", "Conflict")
    if has_path_params:
        responses.setdefault("404", "NotFound")
    operation["responses"] = dict(sorted(responses.items()))
    return operation


def _module_components(app: Flask, rules: list[Rule]) -> list[dict[str, Any]]:
    """``OPENAPI_COMPONENTS`` of every module that defines an API view, in route order."""
    found: dict[str, dict[str, Any]] = {}
    for rule in rules:
        module = app.view_functions[rule.endpoint].__module__
        if module not in found:
            found[module] = getattr(sys.modules[module], "OPENAPI_COMPONENTS", {})
    return list(found.values())


def api_rules(app: Flask) -> list[Rule]:
    """Every rule of the JSON API, in path order."""
    return sorted(
        (r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIX + "/")),
        key=lambda r: (r.rule, r.endpoint),
    )


def build_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of the app's JSON API."""
    spec = APISpec(
        title="factcheck-tracker API",
        version=API_VERSION,
        openapi_version=OPENAPI_VERSION,
        info={
            "description": (
                "Claims news articles make: exact quotes, verdicts, evidence, questions across "
                "sources and their contradictions. Offsets are Python string indices (Unicode "
                "code points) into a source's verbatim text. Errors are "
                '`{"error": {"code", "message", "fields"}}` with a 4xx status.'
            )
        },
    )
    spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from `tracker tokens create USERNAME`.",
        },
    )
    spec.components.schema("Error", ERROR_SCHEMA)
    for name, description in ERROR_RESPONSES.items():
        spec.components.response(name, _error_response(description))
    max_page = app.config["API_MAX_PAGE_SIZE"]
    spec.components.parameter(
        "page",
        "query",
        {"description": "Page number, from 1.", "schema": {"type": "integer", "minimum": 1}},
    )
    spec.components.parameter(
        "per_page",
        "query",
        {
            "description": f"Items per page, at most {max_page}.",
            "schema": {"type": "integer", "minimum": 1, "maximum": max_page},
        },
    )

    rules = api_rules(app)
    for components in _module_components(app, rules):
        for name, schema in components.get("schemas", {}).items():
            spec.components.schema(name, schema)
        for name, parameter in components.get("parameters", {}).items():
            parameter = dict(parameter)
            spec.components.parameter(name, parameter.pop("in"), parameter)

    by_path: dict[str, dict[str, Any]] = {}
    parameters: dict[str, list[dict[str, Any]]] = {}
    for rule in rules:
        path = _rule_path(rule)
        parameters[path] = _path_parameters(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            by_path.setdefault(path, {})[method.lower()] = _operation(
                app, rule, method.lower(), bool(parameters[path])
            )
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations, parameters=parameters[path])
    return spec.to_dict()


@bp.get("/openapi.json")
def document() -> Response:
    """This API's OpenAPI document, generated from its routes and views.

    Anyone may read it; the operations it describes need a login or an API token.
    ---
    responses:
      200:
        description: The OpenAPI 3.0 document.
        content:
          application/json:
            schema: {type: object}
    """
    doc = current_app.extensions.get("tracker.openapi")
    if doc is None:  # routes do not change once the app is built: build the document once
        doc = current_app.extensions["tracker.openapi"] = build_document(current_app)
    return jsonify(doc)
