"""Logging in and out, the users page (administrators) and each user's account and tokens."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from tracker.accounts import services, sessions, throttling
from tracker.accounts.forms import (
    ConfirmForm,
    DisplayNameForm,
    LoginForm,
    NewUserForm,
    PasswordChangeForm,
    TokenForm,
    UserRoleForm,
)
from tracker.accounts.models import Role
from tracker.core.auth import is_token_request, require_role
from tracker.core.db import utcnow
from tracker.core.errors import TrackerError
from tracker.core.forms import form_problems
from tracker.core.redirects import safe_next
from tracker.core.unit_of_work import attempt

bp = Blueprint("accounts", __name__)

#: What a user who must choose a new password may still reach.
_WHILE_RESETTING = {"accounts.account", "accounts.change_password", "accounts.logout", "static"}


def _show_on_fields(form: FlaskForm, exc: TrackerError) -> None:
    """Put a service's message on the fields it names (else above the form)."""
    named = [getattr(form, name) for name in exc.fields if hasattr(form, name)]
    for field in named:
        field.errors = [*field.errors, exc.message]
    if not named:
        form.form_errors.append(exc.message)


@bp.before_app_request
def _new_password_first() -> Response | None:
    """A user an administrator asked for a new password does nothing else until they set one
    (API calls with their cookie get a 403; bearer tokens are separate credentials)."""
    if request.endpoint in _WHILE_RESETTING or "_user_id" not in session:
        return None
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if is_token_request():
        return None
    if request.path.startswith("/api/"):
        abort(403, "An administrator asked you to choose a new password: set one on /account.")
    flash("An administrator asked you to choose a new password before you go on.", "warning")
    return redirect(url_for("accounts.account"))


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    return safe_next(target, url_for("sources.index"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        address, username = request.remote_addr or "", form.username.data or ""
        throttling.check_login_allowed(address, username)  # 429 before the password is tried
        user = services.authenticate(username, form.password.data or "")
        if user is not None:
            remember = bool(form.remember.data)
            # A login is a new session: nothing of the anonymous one carries over (its CSRF
            # token included), and its key, in both cookies, is valid only while its row is.
            session.clear()
            sessions.start_session(
                user, remember=remember, lifetime=current_app.config["REMEMBER_COOKIE_DURATION"]
            )
            login_user(user, remember=remember)
            flash(f"Logged in as {user.username} ({user.role.value}).", "success")
            return redirect(_safe_next(request.args.get("next")))
        throttling.record_failed_login(address, username)
        form.form_errors.append("Unknown user name or wrong password.")
    # A refused field (e.g. a NUL character) is bad input; a wrong password is not logged in.
    refused = any(field.errors for field in form)
    status = (400 if refused else 401) if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    if current_user.is_authenticated and not is_token_request():
        # The server forgets the session: a copy of either cookie is refused from now on.
        sessions.end_session(current_user.session_key)
    logout_user()
    session.clear()
    flash("Logged out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/users", methods=["GET", "POST"])
@require_role(Role.admin)
def users() -> str | Response | tuple[str, int]:
    form = NewUserForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            user = services.create_user(
                form.username.data or "", form.password.data or "", form.role.data
            )
        if (exc := outcome.error) is not None:
            _show_on_fields(form, exc)
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
        "accounts/users.html",
        form=form,
        users=people,
        role_forms=role_forms,
        confirm=ConfirmForm(),
        lockouts=throttling.current_lockouts(),
    ), status


@bp.post("/users/<int:user_id>")
@require_role(Role.admin)
def update_user(user_id: int) -> Response:
    form = UserRoleForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        # Not a role the list offers: say so rather than go back as if it were saved.
        flash(form_problems(form) or "Choose a role from the list.", "danger")
        return redirect(url_for("accounts.users"))
    with attempt() as outcome:
        user = services.update_user(
            user_id, role=form.role.data, is_active=form.is_active.data, actor=current_user
        )
    if (exc := outcome.error) is not None:
        flash(exc.message, "danger")
    else:
        flash(
            f"{user.username} is now {user.role.value}{'' if user.is_active else ' (locked)'}.",
            "success",
        )
    return redirect(url_for("accounts.users"))


@bp.post("/users/<int:user_id>/logout")
@require_role(Role.admin)
def log_out_user(user_id: int) -> Response:
    """End every login of a user (administrators)."""
    if ConfirmForm().validate_on_submit():
        with attempt() as outcome:
            user, ended = sessions.log_out_everywhere(user_id, actor=current_user)
        if (exc := outcome.error) is not None:
            flash(exc.message, "danger")
        else:
            flash(f"{user.username} is logged out everywhere ({ended} sessions ended).", "success")
    return redirect(url_for("accounts.users"))


@bp.post("/users/<int:user_id>/require-new-password")
@require_role(Role.admin)
def require_new_password(user_id: int) -> Response:
    """Make a user choose a new password at their next login (administrators)."""
    if ConfirmForm().validate_on_submit():
        with attempt() as outcome:
            user = services.require_new_password(user_id, actor=current_user)
        if (exc := outcome.error) is not None:
            flash(exc.message, "danger")
        else:
            flash(
                f"{user.username} is logged out and must choose a new password at the next login.",
                "success",
            )
    return redirect(url_for("accounts.users"))


def _account_page(
    password_form: PasswordChangeForm | None = None,
    name_form: DisplayNameForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "accounts/account.html",
        password_form=password_form or PasswordChangeForm(formdata=None),
        name_form=name_form
        or DisplayNameForm(formdata=None, display_name=current_user.display_name or ""),
        confirm=ConfirmForm(),
        session_count=sessions.count_sessions(current_user),
    ), status


@bp.get("/account")
@require_role(Role.viewer)
def account() -> tuple[str, int]:
    """The user's own account: password, the name public pages show, their logins."""
    return _account_page()


@bp.post("/account/password")
@require_role(Role.viewer)
def change_password() -> Response | tuple[str, int]:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.change_own_password(
                current_user,
                form.current_password.data or "",
                form.password.data or "",
                session_key=current_user.session_key,
            )
        if (exc := outcome.error) is not None:
            _show_on_fields(form, exc)
        else:
            flash("Your password is changed; your other logins have ended.", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form, status=400)


@bp.post("/account/display-name")
@require_role(Role.viewer)
def change_display_name() -> Response | tuple[str, int]:
    form = DisplayNameForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.set_display_name(current_user, form.display_name.data, actor=current_user)
        if (exc := outcome.error) is not None:
            _show_on_fields(form, exc)
        else:
            flash("Saved the name public pages show.", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(name_form=form, status=400)


@bp.post("/account/logout")
@require_role(Role.viewer)
def log_out_everywhere() -> Response:
    """End every login of the current user, this one too (API tokens stay: revoke them on the
    tokens page)."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.account"))
    sessions.log_out_everywhere(current_user.id, actor=current_user)
    logout_user()
    session.clear()
    flash("Logged out everywhere: every browser must log in again.", "info")
    return redirect(url_for("accounts.login"))


def _tokens_page(
    form: TokenForm | None = None, new_token: str | None = None, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "accounts/tokens.html",
        form=form or TokenForm(formdata=None),
        confirm=ConfirmForm(),
        tokens=services.list_tokens(current_user),
        new_token=new_token,
        now=utcnow(),
    ), status


@bp.get("/account/tokens")
@require_role(Role.viewer)
def tokens() -> tuple[str, int]:
    """The user's API tokens: make one (shown once), see when each was last used, revoke."""
    return _tokens_page()


@bp.post("/account/tokens")
@require_role(Role.viewer)
def create_token() -> tuple[str, int]:
    form = TokenForm()
    if form.validate_on_submit():
        days = form.expires_in_days.data
        with attempt() as outcome:
            token = services.create_token(
                current_user.username,
                form.name.data or "",
                expires_in_days=int(days) if days else None,
                actor=current_user,
            )
        if (exc := outcome.error) is not None:
            _show_on_fields(form, exc)
        else:
            # Shown in this answer only (never flashed: the session cookie is readable).
            return _tokens_page(new_token=token, status=201)
    return _tokens_page(form=form, status=400)


@bp.post("/account/tokens/<int:token_id>/revoke")
@require_role(Role.viewer)
def revoke_token(token_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        with attempt() as outcome:
            api_token = services.revoke_token(token_id, actor=current_user)
        if (exc := outcome.error) is not None:
            flash(exc.message, "danger")
        else:
            flash(f"Revoked the token {api_token.name!r}: it works no more.", "success")
    return redirect(url_for("accounts.tokens"))
