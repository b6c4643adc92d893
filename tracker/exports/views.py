"""The export page and its downloads (the same filters as the review queue)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.claims import queue
from tracker.core.auth import require_role
from tracker.core.errors import InvalidInput
from tracker.core.unit_of_work import attempt
from tracker.exports import bulk, rows, services
from tracker.exports import matrix as matrix_export
from tracker.exports.claimreview import PUBLIC_PATH, RATINGS, claim_review, public_url
from tracker.exports.forms import ExportForm, ImportClaimsForm
from tracker.exports.http import download, export_request
from tracker.questions import matrix as who_said_what

bp = Blueprint("exports", __name__)


def _form() -> ExportForm:
    form = ExportForm(request.args)
    form.assignee.choices = [
        SelectChoice("", "Anyone"),
        SelectChoice("me", "Me"),
        SelectChoice("none", "Nobody"),
    ] + [SelectChoice(str(u.id), u.username) for u in accounts.list_reviewers()]
    return form


@bp.get("/export")
@require_role(Role.editor)
def index() -> tuple[str, int]:
    form = _form()
    try:
        export = export_request()
        count = queue.count_claims(export.filters)
    except InvalidInput as exc:
        return render_template("exports/index.html", form=form, error=exc.message), 400
    verdicts = queue.count_claims(export.filters, statuses=frozenset(RATINGS))
    return render_template(
        "exports/index.html",
        form=form,
        count=count,
        verdicts=verdicts,
        ratings=RATINGS,
        error=None,
    ), 200


@bp.get("/export/download")
@require_role(Role.editor)
def download_page() -> Response | tuple[str, int]:
    try:
        export = export_request()
        return download(export)
    except InvalidInput as exc:
        return render_template("exports/index.html", form=_form(), error=exc.message), 400


@bp.get("/export/matrix.csv")
@require_role(Role.editor)
def matrix_csv() -> Response:
    """Who said what as CSV, one row per cell with claims, with the matrix page's filters;
    ``bom=1`` starts it with a byte order mark. Bad filters: a 400 page saying why."""
    args = request.args
    filters = who_said_what.parse_filter(
        args.get("q"), args.get("question_id"), args.getlist("source_id"), args.get("differ")
    )
    chunks = matrix_export.export_matrix(
        filters, bom=args.get("bom", "").lower() in {"1", "y", "true", "on"}
    )
    return Response(
        stream_with_context(chunks),
        content_type=matrix_export.MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{matrix_export.filename()}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.get(PUBLIC_PATH.replace("{claim_id}", "<int:claim_id>"))
@require_role(Role.viewer, public_when="PUBLIC_READING")
def review(claim_id: int) -> tuple[str, int]:
    """A claim's public page: its verdict and evidence, with its ClaimReview in the head.

    Anonymous visitors (when PUBLIC_READING is on) see only claims with a verdict; logged-in
    users also see, marked as unpublished, claims still under review.
    """
    row = rows.claim_row(claim_id)
    published = row is not None and row.status in RATINGS
    if row is None or (not published and not current_user.is_authenticated):
        abort(404)
    base_url, publisher = services.publishing(current_app.config, request.url_root)
    return render_template(
        "exports/review.html",
        row=row,
        rating=RATINGS.get(row.status),
        claim_review=claim_review(row, base_url, publisher) if published else None,
        public_url=public_url(base_url, row.id),
        # A public page names the organisation, or the name the reviewer chose; never a login.
        organisation=publisher.name,
    ), 200


@bp.get("/import/claims")
@require_role(Role.reviewer)
def import_page() -> str:
    return render_template("exports/import.html", form=ImportClaimsForm(), report=None)


@bp.post("/import/claims")
@require_role(Role.reviewer)
def import_claims() -> tuple[str, int]:
    """Claims in bulk from an uploaded file: all or nothing, or the good rows (skip_bad)."""
    form = ImportClaimsForm()
    if not form.validate_on_submit():
        return render_template("exports/import.html", form=form, report=None), 400
    upload = form.file.data
    with attempt() as outcome:
        report, fmt = bulk.import_file(
            upload.read(current_app.config["MAX_CONTENT_LENGTH"]),
            upload.filename or "",
            form.format.data or None,
            actor=current_user,
            skip_bad=form.skip_bad.data,
        )
    if (exc := outcome.error) is not None:
        form.file.errors = [f"{exc.message} Nothing was loaded."]
        return render_template("exports/import.html", form=form, report=None), 400
    status = 400 if report.errors and not form.skip_bad.data else 200
    rejects = bulk.write_rejects(report.errors, fmt) if report.errors else None
    return render_template(
        "exports/import.html", form=form, report=report, rejects=rejects, fmt=fmt
    ), status
