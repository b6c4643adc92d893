"""What every JSON endpoint shares: reading the body, shaping lists, CSRF for cookie sessions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, request
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect

from tracker.core.auth import is_token_request
from tracker.core.errors import InvalidInput
from tracker.core.pagination import Page

csrf = CSRFProtect()


def json_body() -> dict[str, Any]:
    """The request's JSON object.

    :raises InvalidInput: when the body is not a JSON object.
    """
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("Send a JSON object with Content-Type: application/json.")
    return data


def page_json(page: Page[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "items": items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }


def init_app(app: Flask, blueprints: list[Blueprint]) -> None:
    """API calls with a bearer token need no CSRF token; calls riding a browser session do."""
    csrf.init_app(app)
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)

    @app.before_request
    def _csrf_for_cookie_sessions() -> None:
        if (
            request.path.startswith("/api/")
            and request.method not in {"GET", "HEAD", "OPTIONS"}
            and app.config.get("WTF_CSRF_ENABLED", True)
            and current_user.is_authenticated  # anonymous calls get a 401 from the view
            and not is_token_request()
        ):
            csrf.protect()
