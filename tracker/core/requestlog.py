"""One structured log line per request (JSON), with a request id the client may send."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, request
from werkzeug.wrappers import Response

from tracker.core import metrics

log = logging.getLogger("tracker.requests")

#: An incoming X-Request-ID is kept when it looks like an id (a proxy's or a client's);
#: anything else is replaced, so a log line never carries arbitrary text from outside.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


def request_id() -> str | None:
    """The id of the current request (also sent back as X-Request-ID)."""
    return g.get("request_id")


class JsonLineFormatter(logging.Formatter):
    """Every record as one JSON object: time, level, logger, message and its `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the whole process (servers call this once; tests do not)."""
    from flask.logging import default_handler

    # The app's logger is named "tracker" too: let its records reach the JSON handler only.
    logging.getLogger("tracker").removeHandler(default_handler)
    root = logging.getLogger()
    if any(getattr(h, "tracker_json", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    handler.tracker_json = True  # type: ignore[attr-defined]  # a marker: installed once, above
    root.addHandler(handler)
    root.setLevel(level)


def init_app(app: Flask) -> None:
    """Register first, so the clock starts before any other hook and stops after them all."""

    @app.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex

    @app.after_request
    def _finish(response: Response) -> Response:
        started = g.get("request_started")
        seconds = time.perf_counter() - started if started is not None else 0.0
        endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
        response.headers["X-Request-ID"] = g.get("request_id") or ""
        metrics.observe_request(endpoint, request.method, response.status_code, seconds)
        log.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            response.status_code,
            seconds * 1000,
            extra={
                "fields": {
                    "request_id": g.get("request_id"),
                    "method": request.method,
                    "path": request.path,
                    "endpoint": endpoint,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                    "remote_addr": request.remote_addr,
                }
            },
        )
        return response
