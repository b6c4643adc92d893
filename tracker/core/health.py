"""GET /healthz: is the app up and can it reach its database? For load balancers and probes."""

from __future__ import annotations

import logging
import time

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

_NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz() -> tuple[Response, int, dict[str, str]]:
    """200 ``{"status": "ok", ...}`` after a ``SELECT 1``; 503 when the database fails it."""
    engine: sa.Engine = current_app.extensions["tracker.engine"]
    started = time.perf_counter()
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        log.warning("health check: database unreachable (%s)", exc.__class__.__name__)
        body: dict[str, str | float] = {"status": "unavailable", "database": "unreachable"}
        return jsonify(body), 503, {**_NO_STORE, "Retry-After": "5"}
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    body = {"status": "ok", "database": engine.dialect.name, "database_ms": elapsed_ms}
    return jsonify(body), 200, _NO_STORE
