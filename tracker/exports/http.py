"""What the export page and the export API share: reading the request, streaming the file."""

from __future__ import annotations

from flask import Response, current_app, request, stream_with_context
from flask_login import current_user

from tracker.claims import queue
from tracker.claims import services as claims
from tracker.exports import services


def export_request() -> services.ExportRequest:
    """The export the query string asks for, for the current user.

    :raises InvalidInput: an unknown format or a malformed filter.
    """
    fmt = services.parse_format(request.args.get("format", "csv"))
    filters = queue.filter_from_args(
        request.args, user_id=current_user.id, may_see_deleted=claims.may_see_deleted(current_user)
    )
    base_url, publisher = services.publishing(current_app.config, request.url_root)
    return services.ExportRequest(
        format=fmt,
        filters=filters,
        base_url=base_url,
        publisher=publisher,
        bom=request.args.get("bom", "").lower() in {"1", "y", "true", "on"},
    )


def download(export: services.ExportRequest) -> Response:
    """Stream an export as a file download."""
    chunks = services.export_claims(export)
    return Response(
        stream_with_context(chunks),
        mimetype=None,
        content_type=export.format.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{services.filename(export.format)}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
