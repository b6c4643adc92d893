"""Who is asking: session logins for the browser, bearer tokens for the API, and role checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Request, abort, current_app, request
from flask_login import LoginManager, current_user

from tracker.accounts import services as accounts
from tracker.accounts.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to see this page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = accounts.get_user(int(user_id)) if user_id.isdigit() else None
    # A restore without password hashes also ends the sessions of the accounts it restored.
    usable = user is not None and user.is_active and user.has_usable_password
    return user if usable else None


@login_manager.request_loader
def _load_user_from_token(req: Request) -> User | None:
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = accounts.user_for_token(token.strip())
    if user is not None:
        # Remember how this request authenticated: token requests need no CSRF token.
        req.environ["tracker.token_auth"] = True
    return user


def is_token_request() -> bool:
    """True when this request's user came from a bearer token rather than a session cookie."""
    _ = current_user.is_authenticated  # loading the user runs the request loader if needed
    return bool(request.environ.get("tracker.token_auth"))


def require_role(role: Role, *, public_when: str | None = None) -> Callable[[F], F]:
    """Let the view run only for a logged-in user whose role includes `role`.

    ``public_when`` names a setting (e.g. PUBLIC_READING): when it is on, anonymous visitors
    may use the view too, and the view decides what they see.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
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

        wrapped.required_role = role  # type: ignore[attr-defined]
        wrapped.public_when = public_when  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
