"""Template helpers shared by every page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, request, url_for

from tracker.accounts.models import Role

#: Keywords of url_for itself: a query argument with one of these names would change the link
#: (`_method=POST` even made it fail to build), so links leave them out instead of passing them.
_URL_FOR_KEYWORDS = frozenset({"_anchor", "_method", "_scheme", "_external"})


def link_arguments(args: Mapping[str, str]) -> dict[str, Any]:
    """Query arguments to carry over into a url_for link, without url_for's own keywords."""
    return {name: value for name, value in args.items() if name not in _URL_FOR_KEYWORDS}


def _current_url(args: Mapping[str, str]) -> str:
    values = {**(request.view_args or {}), **link_arguments(args)}
    return url_for(request.endpoint or "sources.index", **values)


def page_url(page: int) -> str:
    """The current list page's URL with another page number, keeping every filter."""
    args = request.args.to_dict()
    args["page"] = str(page)
    return _current_url(args)


def url_with(**changes: object) -> str:
    """The current page's URL with some query arguments changed (None drops one), keeping the
    others: filter links and keyset page links."""
    args = request.args.to_dict()
    for name, value in changes.items():
        if value is None or value == "":
            args.pop(name, None)
        else:
            args[name] = str(value)
    return _current_url(args)


def init_app(app: Flask) -> None:
    # Globals rather than a context processor, so imported macros see them too.
    app.jinja_env.globals.update(Role=Role, page_url=page_url, url_with=url_with)
