"""GET /api/v1/export?format=...: the export page's downloads for scripts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from tracker.accounts.models import Role
from tracker.core.api import int_arg
from tracker.core.auth import require_role
from tracker.core.errors import InvalidInput
from tracker.exports.http import download, export_request
from tracker.exports.services import ExportFormat, export_page

bp = Blueprint("exports_api", __name__, url_prefix="/api/v1")

#: What this module reads, for the OpenAPI document (tracker/core/openapi.py).
OPENAPI_COMPONENTS: dict[str, Any] = {
    "parameters": {
        "format": {
            "in": "query",
            "schema": {
                "type": "string",
                "enum": [f.value for f in ExportFormat],
                "default": ExportFormat.csv.value,
            },
        }
    }
}


@bp.get("/export")
@require_role(Role.editor)
def export() -> Response:
    """Stream claims as csv, json, jsonl, claimreview or annotations, with the queue's filters
    (status, source_id, language, speaker, assignee, q, include_deleted) and bom for CSV.

    ClaimReview holds only claims with a verdict.
    ---
    parameters:
      - format
      - {name: bom, in: query, schema: {type: boolean}, description: CSV starts with a BOM.}
      - status
      - source_id
      - language
      - speaker
      - assignee
      - q
      - include_deleted
      - {name: after, in: query, schema: {type: integer, minimum: 0},
         description: "json only: one page of claims with ids above this (a cursor)."}
      - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500},
         description: "json only: the page size (default 100)."}
    responses:
      200:
        description: The file, streamed as an attachment.
        content:
          text/csv: {schema: {type: string}}
          application/json: {schema: {type: object}}
          application/jsonl: {schema: {type: string}}
          application/ld+json: {schema: {}}
    """
    export = export_request()
    after, limit = int_arg("after"), int_arg("limit")
    if export.format == ExportFormat.json and (after is not None or limit is not None):
        limit = 100 if limit is None else limit
        if not 1 <= limit <= current_app.config["API_MAX_PAGE_SIZE"]:
            raise InvalidInput(
                f"limit is between 1 and {current_app.config['API_MAX_PAGE_SIZE']}.",
                {"limit": "out of range"},
            )
        return jsonify(export_page(export, after=after or 0, limit=limit))
    return download(export)
