"""Who is asking: session logins for the browser, bearer tokens for the API, and role checks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, Request, Response, abort, current_app, g, request
from flask_login import LoginManager, current_user

from tracker.accounts import services as accounts
from tracker.accounts import sessions
from tracker.accounts.models import Role, User
from tracker.core import unit_of_work
from tracker.core.db import utcnow

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to see this page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(session_key: str) -> User | None:
    """The user of a login session (the key from the session or the remember cookie); None
    once that session has ended (logout, logout everywhere, new password or role, a lock, a
    restore) or expired, or the account is locked or has no usable password."""
    return sessions.user_for_session(session_key)


@login_manager.request_loader
def _load_user_from_token(req: Request) -> User | None:
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    now = utcnow()
    api_token = accounts.find_token(token.strip(), now=now)
    if api_token is None:
        return None
    user = api_token.user
    if accounts.token_use_is_stale(api_token, now):
        _note_token_use(api_token.id, now)
    # Remember how this request authenticated: token requests need no CSRF token.
    req.environ["tracker.token_auth"] = True
    return user


def _note_token_use(token_id: int, now: datetime) -> None:
    """Write the token's last use in a transaction of its own, before the request's work
    (a later request writes it when the database is busy now)."""
    unit_of_work.write_apart(
        lambda: accounts.note_token_use(token_id, now), what=f"token #{token_id}: last use"
    )


def is_token_request() -> bool:
    """True when this request's user came from a bearer token rather than a session cookie."""
    _ = current_user.is_authenticated  # loading the user runs the request loader if needed
    return bool(request.environ.get("tracker.token_auth"))


def require_role(
    role: Role, *, public_when: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """Let the view run only for a logged-in user whose role includes `role`.

    ``public_when`` names a setting (e.g. PUBLIC_READING): when it is on, anonymous visitors
    may use the view too, and the view decides what they see.
    """

    def decorator(view: Callable[P, R]) -> Callable[P, R | Response]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            public = bool(public_when and current_app.config.get(public_when))
            if public and not current_user.is_authenticated:
                return view(*args, **kwargs)
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401, "Log in or send an API token (Authorization: Bearer ...).")
                return login_manager.unauthorized()
            if not current_user.can(role):
                abort(403, f"This needs the {role.value} role; you are {current_user.role.value}.")
            return view(*args, **kwargs)

        # Markers on the view, read by core/openapi.py and tests/test_roles.py.
        wrapped.required_role = role  # type: ignore[attr-defined]  # a marker, see above
        wrapped.public_when = public_when  # type: ignore[attr-defined]  # a marker, see above
        return wrapped

    return decorator


#: Pages without a role that still belong to one visitor: the login form holds their CSRF token.
_PRIVATE_ENDPOINTS = frozenset({"accounts.login"})


def _is_private() -> bool:
    """Whether this response is for one user only: someone is logged in, or the view needs a
    login (its 401/302 included), or it holds a visitor's CSRF token."""
    user = g.get("_login_user")  # Flask-Login's user of this request, once anything asked
    if user is not None and user.is_authenticated:
        return True
    if request.endpoint in _PRIVATE_ENDPOINTS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or not hasattr(view, "required_role"):
        return False
    public_when = getattr(view, "public_when", None)
    return not (public_when and current_app.config.get(public_when))


def _no_store_when_private(response: Response) -> Response:
    """Nothing behind a login is kept by a browser's cache or a proxy (pages, API answers,
    exports): after logging out, Back shows nothing and a shared machine keeps nothing."""
    if _is_private():
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.after_request(_no_store_when_private)
