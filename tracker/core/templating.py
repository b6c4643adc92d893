"""Template helpers shared by every page."""

from __future__ import annotations

from flask import Flask, request, url_for

from tracker.accounts.models import Role


def page_url(page: int) -> str:
    """The current list page's URL with another page number, keeping every filter."""
    args = request.args.to_dict()
    args["page"] = str(page)
    return url_for(request.endpoint or "sources.index", **(request.view_args or {}), **args)


def url_with(**changes: object) -> str:
    """The current page's URL with some query arguments changed (None drops one), keeping the
    others: filter links and keyset page links."""
    args = request.args.to_dict()
    for name, value in changes.items():
        if value is None or value == "":
            args.pop(name, None)
        else:
            args[name] = str(value)
    return url_for(request.endpoint or "sources.index", **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    # Globals rather than a context processor, so imported macros see them too.
    app.jinja_env.globals.update(Role=Role, page_url=page_url, url_with=url_with)
