"""What every JSON endpoint shares: reading the body and the query, shaping lists, CSRF for
cookie sessions."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Flask, current_app, request
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect

from tracker.core.auth import is_token_request
from tracker.core.db import MAX_INTEGER
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.pagination import Page
from tracker.text.cleaning import (
    UNSTORABLE,
    UnstorableText,
    clean_input,
    clean_tree,
    is_storable,
)

csrf = CSRFProtect()

F = TypeVar("F", bound=Callable[..., Any])
_WHOLE_NUMBER = re.compile("[0-9]{1,10}")


def json_body() -> dict[str, Any]:
    """The request's JSON object, holding only numbers and text the database can store, with
    text made only of invisible characters read as "" (tracker/text/cleaning.py).

    :raises InvalidInput: when the body is not a JSON object, or holds a number beyond 32 bits
        or text with a NUL character or a lone surrogate.
    """
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # json raises it, not ValueError, for very deep nesting
        data = None
    if not isinstance(data, dict):
        raise InvalidInput("Send a JSON object with Content-Type: application/json.")
    try:
        data = clean_tree(data)
    except UnstorableText as exc:
        raise InvalidInput(str(exc), {exc.field or "": "invalid character"}) from None
    _check_numbers(data)
    return data


def _check_numbers(data: dict[str, Any]) -> None:
    """:raises InvalidInput: naming the top-level field that holds a number beyond 32 bits."""
    pending: list[tuple[str, Any]] = list(data.items())
    while pending:  # no recursion: the body may nest as deep as the JSON parser allows
        name, value = pending.pop()
        if isinstance(value, dict):
            pending.extend((name, v) for v in value.values())
        elif isinstance(value, list):
            pending.extend((name, v) for v in value)
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


def text_arg(name: str) -> str | None:
    """Text from the query string under the input rule: None when absent or blank (only
    invisible characters). Unstorable text was refused before the view (`_check_query`)."""
    return clean_input(request.args.get(name, "")) or None


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


def checks_own_query(view: F) -> F:
    """Mark a page that refuses unstorable query text itself, showing its filter form again
    with what was typed (the who-said-what matrix); the API is always checked here."""
    view.checks_own_query = True  # type: ignore[attr-defined]  # a marker, read below
    return view


def _check_query() -> None:
    """The input rule on every query string, pages and API alike: a 400 (a page, or JSON
    naming the parameter) before any query.

    :raises InvalidInput: for a NUL character or a lone surrogate (PostgreSQL refuses them).
    """
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "checks_own_query", False) and not request.path.startswith("/api/"):
        return
    for name, value in request.args.items(multi=True):
        if not (is_storable(name) and is_storable(value)):
            field = UNSTORABLE.sub("", name)
            raise InvalidInput(
                f"The query string's '{field}' contains a NUL character or an unpaired "
                "surrogate; text cannot hold them.",
                {field: "invalid character"},
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
