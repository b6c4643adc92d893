"""Pages for people and organisations: their names, and who said what about whom."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.accounts.models import Role
from tracker.claims.forms import split_subjects
from tracker.core.auth import require_role
from tracker.core.forms import form_problems
from tracker.core.pagination import check_page_args
from tracker.core.unit_of_work import attempt
from tracker.entities import services
from tracker.entities.forms import AliasForm, EntityForm

bp = Blueprint("entities", __name__)


def _index_page(form: EntityForm, status: int = 200) -> tuple[str, int]:
    """A page of entities (a name filter `q`, in any spelling) and the form to add one."""
    page_number, per_page = check_page_args(
        request.args.get("page", 1),
        request.args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )
    page = services.list_entities(page_number, per_page, request.args.get("q"))
    return render_template("entities/index.html", page=page, form=form), status


@bp.get("/entities")
@require_role(Role.viewer)
def index() -> tuple[str, int]:
    return _index_page(EntityForm())


@bp.post("/entities")
@require_role(Role.reviewer)
def create() -> Response | tuple[str, int]:
    form = EntityForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            entity = services.create_entity(
                form.name.data or "",
                form.kind.data,
                split_subjects(form.aliases.data),
                actor=current_user,
            )
        if (exc := outcome.error) is not None:
            # On the field it is about: a name, or one of the other names.
            target = form.aliases if "aliases" in exc.fields else form.name
            target.errors = [*target.errors, exc.message]
        else:
            flash(f"Added {entity.name}.", "success")
            return redirect(url_for("entities.detail", entity_id=entity.id))
    return _index_page(form, 400)


@bp.get("/entities/<int:entity_id>")
@require_role(Role.viewer)
def detail(entity_id: int) -> str:
    return _detail_page(entity_id, AliasForm(formdata=None))


def _detail_page(entity_id: int, alias_form: AliasForm) -> str:
    """An entity's page; after a refused name its form keeps what was typed."""
    entity = services.get_entity(entity_id)
    said_page = check_page_args(request.args.get("said_page", 1), 1, 1)[0]
    about_page = check_page_args(request.args.get("about_page", 1), 1, 1)[0]
    return render_template(
        "entities/detail.html",
        entity=entity,
        alias_form=alias_form,
        said=services.entity_role_claims(entity_id, said=True, page=said_page),
        about=services.entity_role_claims(entity_id, said=False, page=about_page),
        said_page=said_page,
        about_page=about_page,
    )


@bp.post("/entities/<int:entity_id>/aliases")
@require_role(Role.reviewer)
def add_alias(entity_id: int) -> Response | tuple[str, int]:
    form = AliasForm()
    back = url_for("entities.detail", entity_id=entity_id)
    if not form.validate_on_submit():
        flash(form_problems(form) or "Type the name to add.", "danger")
        return _detail_page(entity_id, form), 400
    with attempt() as outcome:
        services.add_alias(entity_id, form.alias.data or "", actor=current_user)
    if (exc := outcome.error) is not None:
        flash(exc.message, "danger")
    else:
        flash(f"Added “{form.alias.data}”.", "success")
    return redirect(back)
