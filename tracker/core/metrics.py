"""Prometheus metrics: request latency by endpoint, served at /metrics when enabled.

Off unless METRICS_ENABLED is set. Then /metrics answers loopback clients only, or, when
METRICS_TOKEN is set, whoever sends ``Authorization: Bearer <METRICS_TOKEN>``. Under gunicorn,
set PROMETHEUS_MULTIPROC_DIR (an empty directory) so the workers' figures are added up.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

bp = Blueprint("metrics", __name__)

#: Seconds; pages aim at under 0.3 s, the lock timeout is 5 s.
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)

REQUEST_SECONDS = Histogram(
    "tracker_request_duration_seconds",
    "Time to answer a request, by endpoint (until the response starts).",
    ["endpoint", "method"],
    buckets=_BUCKETS,
)
RESPONSES = Counter(
    "tracker_responses_total", "Responses sent, by endpoint and status.", ["endpoint", "status"]
)


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(endpoint, method).observe(seconds)
    RESPONSES.labels(endpoint, str(status)).inc()


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text format; 404 when disabled, 403 for a client it is not meant for."""
    if not current_app.config.get("METRICS_ENABLED"):
        abort(404)
    if not _allowed():
        abort(403, "Metrics are for the local machine, or need METRICS_TOKEN.")
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
