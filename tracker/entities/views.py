"""Pages for people and organisations: their names, and who said what about whom."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.accounts.models import Role
from tracker.claims.forms import split_subjects
from tracker.core import db
from tracker.core.auth import require_role
from tracker.core.errors import TrackerError
from tracker.entities import services
from tracker.entities.forms import AliasForm, EntityForm

bp = Blueprint("entities", __name__)


@bp.get("/entities")
@require_role(Role.viewer)
def index() -> str:
    return render_template(
        "entities/index.html", entities=services.list_entities(), form=EntityForm()
    )


@bp.post("/entities")
@require_role(Role.reviewer)
def create() -> Response | tuple[str, int]:
    form = EntityForm()
    if form.validate_on_submit():
        try:
            entity = services.create_entity(
                form.name.data or "",
                form.kind.data,
                split_subjects(form.aliases.data),
                actor=current_user,
            )
            db.session.commit()
        except TrackerError as exc:
            db.session.rollback()
            form.name.errors = [*form.name.errors, exc.message]
        else:
            flash(f"Added {entity.name}.", "success")
            return redirect(url_for("entities.detail", entity_id=entity.id))
    return render_template(
        "entities/index.html", entities=services.list_entities(), form=form
    ), 400


@bp.get("/entities/<int:entity_id>")
@require_role(Role.viewer)
def detail(entity_id: int) -> str:
    found = services.entity_claims(entity_id)
    questions = services.questions_of(found)
    return render_template(
        "entities/detail.html",
        found=found,
        alias_form=AliasForm(),
        said=services.by_question(found.said, questions),
        about=services.by_question(found.about, questions),
    )


@bp.post("/entities/<int:entity_id>/aliases")
@require_role(Role.reviewer)
def add_alias(entity_id: int) -> Response:
    form = AliasForm()
    back = url_for("entities.detail", entity_id=entity_id)
    if not form.validate_on_submit():
        flash("Type the name to add.", "danger")
        return redirect(back)
    try:
        services.add_alias(entity_id, form.alias.data or "", actor=current_user)
        db.session.commit()
    except TrackerError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        flash(f"Added “{form.alias.data}”.", "success")
    return redirect(back)
