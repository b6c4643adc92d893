"""What every JSON endpoint shares: reading the body and the query, shaping lists, CSRF for
cookie sessions."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, request
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect

from tracker.core.auth import is_token_request
from tracker.core.db import MAX_INTEGER
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.pagination import Page

csrf = CSRFProtect()

#: What no text column can hold: NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_WHOLE_NUMBER = re.compile("[0-9]{1,10}")


def json_body() -> dict[str, Any]:
    """The request's JSON object, holding only numbers and text the database can store.

    :raises InvalidInput: when the body is not a JSON object, or holds a number beyond 32 bits
        or text with a NUL character.
    """
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # json raises it, not ValueError, for very deep nesting
        data = None
    if not isinstance(data, dict):
        raise InvalidInput("Send a JSON object with Content-Type: application/json.")
    _check_storable(data)
    return data


def _check_storable(data: dict[str, Any]) -> None:
    """:raises InvalidInput: naming the top-level field that holds an unstorable value."""
    pending: list[tuple[str, Any]] = list(data.items())
    while pending:  # no recursion: the body may nest as deep as the JSON parser allows
        name, value = pending.pop()
        if isinstance(value, dict):
            pending.extend((name, v) for v in value.values())
        elif isinstance(value, list):
            pending.extend((name, v) for v in value)
        elif isinstance(value, str) and _UNSTORABLE.search(value):
            raise InvalidInput(
                f"'{name}' contains a NUL character or an unpaired surrogate; "
                "text cannot hold them.",
                {name: "invalid character"},
            )
        elif isinstance(value, int) and not -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
            raise InvalidInput(
                f"'{name}' is out of range: whole numbers here fit in 32 bits.",
                {name: "out of range"},
            )


def int_arg(name: str) -> int | None:
    """A whole number from the query string, or None when it is absent or empty.

    :raises InvalidInput: for anything but ASCII digits, or a number beyond 32 bits.
    """
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not _WHOLE_NUMBER.fullmatch(value) or int(value) > MAX_INTEGER:
        raise InvalidInput(f"{name} must be a whole number.", {name: "invalid"})
    return int(value)


def page_json(page: Page[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "items": items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }


def _check_path_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An id in the path beyond 32 bits names nothing (and the database would fail on it)."""
    if not request.path.startswith("/api/"):
        return
    for name, value in (values or {}).items():
        if isinstance(value, int) and value > MAX_INTEGER:
            raise NotFound(f"There is no {name.removesuffix('_id')} #{value}.")


def _check_query() -> None:
    """:raises InvalidInput: for a NUL character in the query string (PostgreSQL refuses it)."""
    if not request.path.startswith("/api/"):
        return
    for name, value in request.args.items(multi=True):
        if _UNSTORABLE.search(name) or _UNSTORABLE.search(value):
            raise InvalidInput(
                "The query string contains a NUL character.", {name.replace("\x00", ""): "invalid"}
            )


def init_app(app: Flask, blueprints: list[Blueprint]) -> None:
    """API calls with a bearer token need no CSRF token; calls riding a browser session do."""
    csrf.init_app(app)
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
    app.url_value_preprocessor(_check_path_ids)
    app.before_request(_check_query)

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
