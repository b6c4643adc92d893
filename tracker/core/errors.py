"""Domain errors raised by services, and how the web layer turns them into responses."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class TrackerError(Exception):
    """A problem the user can fix; `message` is shown to them as is."""

    code = "error"
    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(TrackerError):
    code = "invalid"
    status = 400


class TooLarge(TrackerError):
    code = "too_large"
    status = 413


class Duplicate(TrackerError):
    """The thing exists already; `existing_id` names it so callers can point to it."""

    code = "duplicate"
    status = 409

    def __init__(self, message: str, existing_id: int, fields: dict[str, str] | None = None):
        super().__init__(message, fields)
        self.existing_id = existing_id


class Conflict(TrackerError):
    """Someone else saved a newer version first; nothing of this save was stored."""

    code = "conflict"
    status = 409

    def __init__(self, message: str, current_version: int, fields: dict[str, str] | None = None):
        super().__init__(message, fields)
        self.current_version = current_version


class NotFound(TrackerError):
    code = "not_found"
    status = 404


class NotAllowed(TrackerError):
    code = "forbidden"
    status = 403


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(TrackerError)
    def _tracker_error(exc: TrackerError) -> tuple[Response | str, int]:
        if wants_json():
            body = error_body(exc.code, exc.message, exc.fields)
            if isinstance(exc, Duplicate):
                body["error"]["existing_id"] = exc.existing_id
            if isinstance(exc, Conflict):
                body["error"]["current_version"] = exc.current_version
            return jsonify(body), exc.status
        return render_template("errors/error.html", status=exc.status, message=exc.message), (
            exc.status
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[Response | str, int]:
        status = exc.code or 500
        message = exc.description or exc.name
        if wants_json():
            code = (exc.name or "error").lower().replace(" ", "_")
            return jsonify(error_body(code, message)), status
        return render_template("errors/error.html", status=status, message=message), status
