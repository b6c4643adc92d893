"""GET /api/v1/export?format=...: the export page's downloads for scripts."""

from __future__ import annotations

from flask import Blueprint, Response

from tracker.accounts.models import Role
from tracker.core.auth import require_role
from tracker.exports.http import download, export_request

bp = Blueprint("exports_api", __name__, url_prefix="/api/v1")


@bp.get("/export")
@require_role(Role.editor)
def export() -> Response:
    """Stream claims as csv, json, jsonl, claimreview or annotations, with the queue's filters
    (status, source_id, language, speaker, assignee, q, include_deleted) and bom for CSV."""
    return download(export_request())
