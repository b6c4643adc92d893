"""Logging in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.accounts import services
from tracker.accounts.forms import LoginForm, NewUserForm, UserRoleForm
from tracker.accounts.models import Role
from tracker.core import db
from tracker.core.auth import require_role
from tracker.core.errors import TrackerError

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("sources.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        address, username = request.remote_addr or "", form.username.data or ""
        services.check_login_allowed(address, username)  # 429 before the password is tried
        user = services.authenticate(username, form.password.data or "")
        if user is not None:
            login_user(user, remember=bool(form.remember.data))
            flash(f"Logged in as {user.username} ({user.role.value}).", "success")
            return redirect(_safe_next(request.args.get("next")))
        services.record_failed_login(address, username)
        db.session.commit()
        form.form_errors.append("Unknown user name or wrong password.")
    status = 401 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    flash("Logged out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/users", methods=["GET", "POST"])
@require_role(Role.admin)
def users() -> str | Response | tuple[str, int]:
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.username.data or "", form.password.data or "", form.role.data
            )
            db.session.commit()
        except TrackerError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            flash(f"Created {user.username} ({user.role.value}).", "success")
            return redirect(url_for("accounts.users"))
    status = 400 if request.method == "POST" else 200
    people = services.list_users()
    role_forms = {
        u.id: UserRoleForm(prefix=f"u{u.id}", role=u.role.value, is_active=u.is_active)
        for u in people
    }
    return render_template(
        "accounts/users.html", form=form, users=people, role_forms=role_forms
    ), status


@bp.post("/users/<int:user_id>")
@require_role(Role.admin)
def update_user(user_id: int) -> Response:
    form = UserRoleForm(prefix=f"u{user_id}")
    if form.validate_on_submit():
        try:
            user = services.update_user(
                user_id, role=form.role.data, is_active=form.is_active.data, actor=current_user
            )
            db.session.commit()
        except TrackerError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            flash(
                f"{user.username} is now {user.role.value}{'' if user.is_active else ' (locked)'}.",
                "success",
            )
    return redirect(url_for("accounts.users"))
