"""Domain errors raised by services, and how the web layer turns them into responses."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


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


class ConcurrentChange(TrackerError):
    """Another transaction changed the same rows at the same moment (a lost update caught by
    a version column, a serialisation failure or a deadlock); nothing of this was saved."""

    code = "conflict"
    status = 409

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Someone else changed this at the same moment. Nothing was saved; reload and "
            "try again."
        )


class NotFound(TrackerError):
    code = "not_found"
    status = 404


class NotAllowed(TrackerError):
    code = "forbidden"
    status = 403


class TooManyAttempts(TrackerError):
    """Refused until `retry_after` seconds have passed (failed logins)."""

    code = "too_many_attempts"
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class Unavailable(TrackerError):
    """The database is busy or cannot be reached; nothing was saved. Try again shortly."""

    code = "unavailable"
    status = 503

    def __init__(self, message: str, retry_after: int = 2) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def is_lock_timeout(exc: sa.exc.OperationalError) -> bool:
    """SQLite's "database is locked" / "busy": another writer held the lock too long."""
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


#: What SQLite says of a statement it cannot run: a bug in the tracker, not an unreachable
#: database (sqlite3 raises OperationalError for both).
_SQL_BUGS = ("syntax error", "no such table", "no such column", "no such function")


#: PostgreSQL's SQLSTATEs for a transaction that lost to a concurrent one: serialization
#: failure and deadlock (the other transaction went on; this one was rolled back).
_LOST_TO_ANOTHER = frozenset({"40001", "40P01"})


def is_concurrency_failure(exc: sa.exc.OperationalError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in _LOST_TO_ANOTHER


def is_sql_bug(exc: sa.exc.OperationalError) -> bool:
    text = str(exc.orig).lower()
    return any(bug in text for bug in _SQL_BUGS)


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(TrackerError)
    def _tracker_error(exc: TrackerError) -> tuple[Response | str, int, dict[str, str]]:
        headers = {}
        if retry_after := getattr(exc, "retry_after", None):
            headers["Retry-After"] = str(retry_after)
        if wants_json():
            body = error_body(exc.code, exc.message, exc.fields)
            if isinstance(exc, Duplicate):
                body["error"]["existing_id"] = exc.existing_id
                body["existing_id"] = exc.existing_id
            if isinstance(exc, Conflict):
                body["error"]["current_version"] = exc.current_version
            return jsonify(body), exc.status, headers
        if isinstance(exc, Unavailable):
            # Rendered without context processors: Flask-Login's would ask the database who is
            # logged in, and the database is what is unavailable.
            page = app.jinja_env.get_template("errors/unavailable.html").render(message=exc.message)
            return page, 503, headers
        return _error_page(exc.status, exc.message, headers)

    def _error_page(
        status: int, message: str, headers: dict[str, str] | None = None
    ) -> tuple[Response | str, int, dict[str, str]]:
        """The error page; it shows who is logged in, so it reads the database, and when that
        is busy the answer is the busy page (an error inside a handler would be a bare 500)."""
        try:
            return (
                render_template("errors/error.html", status=status, message=message),
                status,
                (headers or {}),
            )
        except (sa.exc.OperationalError, sa.exc.TimeoutError) as exc:
            return _database_unavailable(exc)

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.TimeoutError)
    def _database_unavailable(
        exc: sa.exc.OperationalError | sa.exc.TimeoutError,
    ) -> tuple[Response | str, int, dict[str, str]]:
        from tracker.core import db

        # Hand the connection back rolled back now: the next request must start clean.
        db.session.remove()
        if isinstance(exc, sa.exc.OperationalError) and is_concurrency_failure(exc):
            log.warning("lost to a concurrent transaction: %s %s", request.method, request.path)
            return _tracker_error(ConcurrentChange())
        if isinstance(exc, sa.exc.OperationalError) and is_sql_bug(exc):
            log.error(
                "SQL the database cannot run: %s %s", request.method, request.path, exc_info=exc
            )
            message = "Something went wrong on our side; it has been logged."
            if wants_json():
                return jsonify(error_body("internal_error", message)), 500, {}
            return _error_page(500, message)
        if isinstance(exc, sa.exc.OperationalError) and is_lock_timeout(exc):
            log.warning("write lock not granted in time: %s %s", request.method, request.path)
            error = Unavailable(
                "The database is busy with other changes. Nothing was saved; "
                "try again in a moment.",
                retry_after=1,
            )
        else:
            log.error("database unavailable: %s", exc.__class__.__name__, exc_info=exc)
            error = Unavailable(
                "The database cannot be reached right now. Nothing was saved; "
                "try again in a moment.",
                retry_after=5,
            )
        return _tracker_error(error)

    @app.errorhandler(StaleDataError)
    def _stale(exc: StaleDataError) -> tuple[Response | str, int, dict[str, str]]:
        # A versioned row saved by another transaction between our read and our write.
        from tracker.core import db

        db.session.remove()
        log.warning("lost update refused: %s %s", request.method, request.path)
        return _tracker_error(ConcurrentChange())

    @app.errorhandler(sa.exc.IntegrityError)
    def _integrity(exc: sa.exc.IntegrityError) -> Any:
        """A unique key stored by another transaction first, where no service said which row
        won: still a 409, logged so the service can learn to name it. Anything else (a
        foreign key, a CHECK) is a bug: 500."""
        from tracker.core import db
        from tracker.core.unique import UniqueViolation, is_unique_violation

        db.session.remove()
        if not is_unique_violation(exc):
            raise exc
        log.warning(
            "unique violation not handled by a service: %s %s: %s",
            request.method,
            request.path,
            exc.orig,
        )
        return _tracker_error(UniqueViolation())

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[Response | str, int] | tuple[Any, ...]:
        status = exc.code or 500
        message = exc.description or exc.name
        if wants_json():
            code = (exc.name or "error").lower().replace(" ", "_")
            return jsonify(error_body(code, message)), status
        return _error_page(status, message)
