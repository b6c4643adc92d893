"""GET /api/v1/export?format=...: the export page's downloads for scripts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from tracker.accounts.models import Role
from tracker.core.auth import require_role
from tracker.exports.http import download, export_request
from tracker.exports.services import ExportFormat

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
    responses:
      200:
        description: The file, streamed as an attachment.
        content:
          text/csv: {schema: {type: string}}
          application/json: {schema: {type: object}}
          application/jsonl: {schema: {type: string}}
          application/ld+json: {schema: {}}
    """
    return download(export_request())
