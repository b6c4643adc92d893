"""Template helpers shared by every page."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for

from tracker.accounts.models import Role


def page_url(page: int) -> str:
    """The current list page's URL with another page number, keeping every filter."""
    args = request.args.to_dict()
    args["page"] = str(page)
    return url_for(request.endpoint or "sources.index", **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    @app.context_processor
    def _helpers() -> dict[str, Any]:
        return {"Role": Role, "page_url": page_url}
