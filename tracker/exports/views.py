"""The export page and its downloads (the same filters as the review queue)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from wtforms.fields.choices import SelectChoice

from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.claims import queue
from tracker.core.auth import require_role
from tracker.core.errors import InvalidInput
from tracker.exports.claimreview import RATINGS
from tracker.exports.forms import ExportForm
from tracker.exports.http import download, export_request

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
