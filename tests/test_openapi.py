"""The API's OpenAPI document: valid, complete, generated from the code, and no request
schemathesis generates from it gets a server error."""

from __future__ import annotations

import re
import traceback
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tracker.accounts.models import Role, User
from tracker.claims.models import Claim
from tracker.core import db
from tracker.entities.models import Entity
from tracker.questions.models import Contradiction, Question
from tracker.seeding import load_seeds
from tracker.sources.models import Source

DOCUMENT = "/api/v1/openapi.json"
#: Generated requests per operation and mode (fitting the document, and not); derandomized, so
#: every run sends the same requests.
EXAMPLES = 25
#: No server error, and the document tells the truth about what the API answers.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    return response.json


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method.upper()): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    }


def test_the_document_is_valid_openapi_and_needs_no_login(document):
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_document_lists_every_api_route(app, document):
    routes = {
        (re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    operations = _operations(document)
    assert set(operations) == routes
    assert len(routes) > 20
    for (path, method), operation in operations.items():
        where = f"{method} {path}"
        view = app.view_functions[operation["operationId"]]
        # Each view describes itself: a docstring, and a body when it takes one.
        summary = operation["summary"]
        assert view.__doc__ and " ".join(view.__doc__.split()).startswith(summary), where
        if method in {"POST", "PUT", "PATCH"}:
            assert "requestBody" in operation, where
        role = getattr(view, "required_role", None)
        if role is None:
            assert operation["security"] == [], where
        else:
            assert operation["x-required-role"] == role.value, where
            assert operation["security"] == [{"bearerAuth": []}], where
            assert "401" in operation["responses"], where


def test_the_document_describes_what_views_read(document):
    operations = _operations(document)
    schemas = document["components"]["schemas"]
    claim_body = operations[("/api/v1/claims", "POST")]["requestBody"]["content"]
    assert claim_body["application/json"]["schema"] == {"$ref": "#/components/schemas/NewClaim"}
    new_claim = schemas["NewClaim"]["properties"]
    assert {"source_id", "start", "end", "quote", "statement", "speaker", "subjects", "status"} <= (
        set(new_claim)
    )
    assert new_claim["status"]["enum"][0] == "unreviewed"
    assert schemas["ClaimChanges"]["required"] == ["version"]
    detail = document["paths"]["/api/v1/claims/{claim_id}"]
    assert detail["parameters"] == [
        {
            "name": "claim_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "format": "int32", "minimum": 0},
        }
    ]
    assert detail["delete"]["x-required-role"] == "editor"
    assert "403" in detail["delete"]["responses"] and "403" not in detail["get"]["responses"]
    error = document["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["required"] == ["code", "message", "fields"]


def _ids(model: Any) -> list[int]:
    return list(db.session.scalars(sa.select(model.id).order_by(model.id)))


@pytest.fixture
def api_schema(app: Flask, runner: Any, make_user: Any) -> Any:
    """The document as schemathesis loads it from the app, on the seeded database, sending an
    admin's bearer token; generated ids are drawn from the real ones most of the time."""
    admin: User = make_user(Role.admin)
    result = runner.invoke(args=["tokens", "create", admin.username])
    assert result.exit_code == 0, result.output
    with app.app_context():
        load_seeds()
        db.session.commit()
        values = {
            "sources": _ids(Source),
            "claims": _ids(Claim),
            "questions": _ids(Question),
            "entities": _ids(Entity),
            "contradictions": _ids(Contradiction),
            "users": _ids(User),
            # Quotes found exactly once in their source: a claim can be marked by its quote.
            "quotes": list(db.session.scalars(sa.select(Claim.quote).order_by(Claim.id))),
        }
    # Where generated values are drawn from the real ones, most of the time.
    bindings = {
        "path.source_id": "sources",
        "query.source_id": "sources",
        "body.source_id": "sources",
        "path.claim_id": "claims",
        "body.holding_claim_id": "claims",
        "body.claim_ids[*]": "claims",
        "body.id": "claims",  # a suggested claim, or question (their ids overlap)
        "path.question_id": "questions",
        "body.question_id": "questions",
        "path.entity_id": "entities",
        "path.contradiction_id": "contradictions",
        "body.assignee_id": "users",
        "body.quote": "quotes",
    }
    config = schemathesis.Config.from_dict(
        {
            "headers": {"Authorization": f"Bearer {result.output.strip()}"},
            "dictionaries": {name: {"values": found} for name, found in values.items()},
            "parameters": {
                key: {"dictionary": name, "probability": 0.8} for key, name in bindings.items()
            },
        }
    )
    return schemathesis.openapi.from_wsgi(DOCUMENT, app, config=config)


def test_no_generated_request_gets_a_server_error(app: Flask, api_schema: Any) -> None:
    """Every operation, with data that fits the document and data that does not: never a 5xx,
    and every answer is one the document describes (status, content type, body schema).

    schemathesis' pytest integration (``schemathesis.pytest.from_fixture``) reaches for pytest
    internals that pytest 9.2 renamed, so each operation's strategy runs under Hypothesis here.
    Requests go through Flask's test client, so that a streamed download (GET /api/v1/export)
    is closed, and an exception in a view fails with its traceback (TESTING propagates it).
    """
    sent = 0
    failures: list[str] = []

    def check(case: Any) -> None:
        nonlocal sent
        sent += 1
        try:
            with app.test_client() as client:
                response = client.open(**case.as_transport_kwargs())
                try:
                    case.validate_response(response, checks=CHECKS)
                finally:
                    response.close()
        except Exception as exc:
            exc.add_note(f"Reproduce: {case.as_curl_command()}")
            raise

    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:
        takes_input = bool(operation.path_parameters or operation.query or operation.body)
        # An operation that takes nothing has no input that could break the document.
        for mode in GenerationMode if takes_input else [GenerationMode.POSITIVE]:
            run = settings(
                max_examples=EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
                print_blob=False,
            )(given(case=operation.as_strategy(generation_mode=mode))(check))
            try:
                run()
            # Collected, so one run reports every operation that fails (schemathesis raises
            # its failures as a BaseExceptionGroup).
            except (Exception, BaseExceptionGroup) as exc:
                found = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
                failures.extend(
                    f"{operation.label} ({mode.value}): "
                    + "".join(traceback.format_exception_only(e))[:1500]
                    for e in found
                )
    # Every operation but the document itself, which schemathesis leaves out as its source.
    documented = {f"{method} {path}" for path, method in _operations(api_schema.raw_schema)}
    assert {operation.label for operation in operations} == documented - {f"GET {DOCUMENT}"}
    assert sent >= len(operations) * EXAMPLES
    assert failures == [], "\n\n".join(failures)


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/api/v1/claims/2147483648", None),
        ("GET", "/api/v1/sources/99999999999999999999/sentences", None),
        ("GET", "/api/v1/claims?source_id=2147483648", None),
        ("GET", "/api/v1/claims?source_id=%C2%B2", None),
        ("GET", "/api/v1/export?assignee=99999999999999999999", None),
        ("GET", "/api/v1/questions?page=99999999999", None),
        ("GET", "/api/v1/claims?q=a%00b", None),
        ("DELETE", "/api/v1/claims/1?version=%C2%B2", None),
        ("POST", "/api/v1/claims", {"source_id": 2**31, "quote": "x", "statement": "x"}),
        ("POST", "/api/v1/claims", {"source_id": 2**63, "quote": "x", "statement": "x"}),
        ("POST", "/api/v1/questions", {"text": "How many\x00?"}),
        (
            "POST",
            "/api/v1/claims/1/suggestions",
            {"type": "question", "id": True, "decision": "reject"},
        ),
        ("POST", "/api/v1/entities", {"name": "Ada", "kind": "person", "aliases": ["\ud800"]}),
        ("POST", "/api/v1/sources", "[" * 100_000),
    ],
)
def test_bad_input_gets_a_client_error_not_a_server_error(
    client, make_user, runner, method, url, body
):
    """What the fuzzing found or could find: numbers past the database's integers, digits
    int() refuses, text PostgreSQL cannot store, true as an id, JSON nested too deep."""
    user = make_user(Role.admin)
    token = runner.invoke(args=["tokens", "create", user.username]).output.strip()
    headers = {"Authorization": f"Bearer {token}"}
    if isinstance(body, str):
        response = client.open(
            url, method=method, data=body, headers=headers, content_type="application/json"
        )
    else:
        response = client.open(url, method=method, json=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json["error"]) >= {"code", "message", "fields"}
