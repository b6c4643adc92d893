"""Pages for importing, listing, reading and searching sources."""

from __future__ import annotations

from collections import Counter

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from tracker.accounts.models import Role
from tracker.claims import reading
from tracker.core.auth import require_role
from tracker.core.errors import Duplicate, TrackerError
from tracker.core.pagination import check_page_args
from tracker.core.unit_of_work import attempt
from tracker.questions import disputes
from tracker.sources import services
from tracker.sources.forms import ImportSourceForm

bp = Blueprint("sources", __name__)


def _page_args() -> tuple[int, int]:
    return check_page_args(
        request.args.get("page", 1),
        request.args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )


@bp.get("/")
def home() -> BaseResponse:
    return redirect(url_for("sources.index"))


@bp.get("/sources")
@require_role(Role.viewer)
def index() -> str:
    page, per_page = _page_args()
    return render_template("sources/index.html", page=services.list_sources(page, per_page))


@bp.route("/sources/new", methods=["GET", "POST"])
@require_role(Role.reviewer)
def new() -> BaseResponse | tuple[str, int]:
    form = ImportSourceForm()
    if form.validate_on_submit():
        max_bytes = current_app.config["MAX_SOURCE_BYTES"]
        meta = services.SourceMetadata(
            title=form.title.data,
            language=form.language.data,
            url=form.url.data,
            published=form.published.data,
        )
        with attempt() as outcome:
            if form.file.data and form.file.data.filename:
                text = services.decode_text(form.file.data.read(max_bytes + 1), max_bytes)
            else:
                # Browsers send every line break of a textarea as CRLF (HTML's form encoding),
                # whatever the pasted text had; undo that so a paste matches the same file.
                text = form.text.data.replace("\r\n", "\n")
            source = services.import_source(text, meta, actor=current_user, max_bytes=max_bytes)
        if isinstance(exc := outcome.error, Duplicate):
            flash(f"{exc.message} Nothing new was stored.", "warning")
            return redirect(url_for("sources.detail", source_id=exc.existing_id))
        elif (exc := outcome.error) is not None:
            _put_errors_on_form(form, exc)
        else:
            flash(
                f"Imported “{source.title}”: {source.sentence_count} sentences, "
                f"language {source.language}.",
                "success",
            )
            return redirect(url_for("sources.detail", source_id=source.id))
    status = 400 if request.method == "POST" else 200
    return render_template("sources/new.html", form=form), status


def _put_errors_on_form(form: ImportSourceForm, exc: TrackerError) -> None:
    """Show a service's message beside the field it is about, or above the form."""
    field = next((form[name] for name in exc.fields if name in form), None)
    (field.errors if field is not None else form.form_errors).append(exc.message)


@bp.get("/sources/<int:source_id>")
@require_role(Role.viewer)
def detail(source_id: int) -> str:
    source = services.get_source(source_id, with_sentences=True)
    claims = reading.source_claims(source)
    return render_template(
        "sources/detail.html",
        source=source,
        lines=services.reading_layout(source),
        claims=claims,
        highlights=reading.highlighted_sentences(source, claims),
        status_counts=Counter(c.status for c in claims),
        answered=disputes.questions_answered(claims),
        disagreements=disputes.source_disagreements(source.id),
    )


@bp.get("/sources/<int:source_id>/text")
@require_role(Role.viewer)
def verbatim(source_id: int) -> Response:
    """The article exactly as imported, as a UTF-8 plain-text download."""
    source = services.get_source(source_id)
    response = Response(source.text.encode("utf-8"), mimetype="text/plain")
    response.headers["Content-Disposition"] = f'inline; filename="source-{source.id}.txt"'
    response.headers["X-Content-SHA256"] = source.sha256
    return response


@bp.get("/search")
@require_role(Role.viewer)
def search() -> str:
    query = request.args.get("q", "")
    page, per_page = _page_args()
    results = services.search_sentences(query, page, per_page)
    return render_template("sources/search.html", query=query, page=results)
