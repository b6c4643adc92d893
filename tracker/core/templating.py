"""Template helpers shared by every page."""

from __future__ import annotations

from flask import Flask, request, url_for

from tracker.accounts.models import Role


def page_url(page: int) -> str:
    """The current list page's URL with another page number, keeping every filter."""
    args = request.args.to_dict()
    args["page"] = str(page)
    return url_for(request.endpoint or "sources.index", **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    # Globals rather than a context processor, so imported macros see them too.
    app.jinja_env.globals.update(Role=Role, page_url=page_url)
