"""One unit of work per request and per CLI command: the only place that commits.

A request's work is committed when its handler returns a response, and rolled back when it
raises (the error handlers then answer, and the app context's teardown hands the connection
back rolled back). A CLI command's work is committed when the command returns (or exits with
status 0), and rolled back on any error. Views, APIs, commands and services never commit or
roll back themselves (tests/core/test_unit_of_work.py holds them to it); where a handler
catches a refusal to show it on a form, it runs the service inside :func:`attempt`, whose
savepoint undoes that service's partial work and nothing else.

The commit runs inside Flask's dispatch, so a failure at commit time (a unique violation, a
lost serialisation race, a busy database) reaches the same error handlers as one in the
handler: a 409 or 503, not a bare 500.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import ScriptInfo
from flask.wrappers import Response

from tracker.core import db
from tracker.core.errors import TrackerError

log = logging.getLogger(__name__)

E = TypeVar("E", bound=TrackerError)


class TrackerFlask(Flask):
    """Flask, committing each request's work when its handler has returned a response."""

    def dispatch_request(self) -> Response:
        response = self.make_response(super().dispatch_request())
        db.session.commit()
        return response


class Attempt:
    """What :func:`attempt` saw: the refusal, if the block was refused."""

    def __init__(self) -> None:
        self.error: TrackerError | None = None

    @property
    def refused(self) -> bool:
        return self.error is not None


@contextlib.contextmanager
def attempt(*catch: type[TrackerError]) -> Iterator[Attempt]:
    """Run the block in a SAVEPOINT; when it raises one of `catch` (default: any
    TrackerError), undo the block's writes, keep the rest of the request's work, and record
    the error on the yielded :class:`Attempt` instead of raising it.

    For handlers that show a refusal on the form it came from::

        with attempt() as outcome:
            services.attach_evidence(...)
        if outcome.refused:
            ...show outcome.error on the form...
    """
    outcome = Attempt()
    refusals: tuple[type[TrackerError], ...] = catch or (TrackerError,)
    try:
        with db.session.begin_nested():
            yield outcome
    except refusals as exc:
        outcome.error = exc


def write_apart(write: Callable[[], None], *, what: str) -> None:
    """End the request's transaction so far (it has only read), and make `write` a
    transaction of its own, before the request's work.

    For bookkeeping that is not worth a failed request (a token's last use): on SQLite a
    transaction that has read cannot queue for the write lock, so the write needs a new one;
    when the lock is not granted in time it is left to a later request.
    """
    db.session.commit()
    try:
        write()
        db.session.commit()
    except sa.exc.OperationalError:
        db.session.rollback()
        log.warning("%s not written (the database is busy)", what)


# --- the command line -----------------------------------------------------------------------


def in_unit_of_work(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a CLI command's callback: commit when it returns, roll back when it raises."""
    if getattr(callback, "tracker_unit_of_work", False):
        return callback

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _command_app().app_context():
            try:
                result = callback(*args, **kwargs)
            except click.exceptions.Exit as exc:
                if exc.exit_code == 0:
                    db.session.commit()
                else:
                    db.session.rollback()
                raise
            except BaseException:
                db.session.rollback()
                raise
            db.session.commit()
            return result

    run.tracker_unit_of_work = True  # type: ignore[attr-defined]  # a marker on the function
    return run


def _command_app() -> Flask:
    if current_app:
        return current_app
    return click.get_current_context().ensure_object(ScriptInfo).load_app()


def wrap_commands(command: click.Command) -> None:
    """Put every command under `command` (a group) in a unit of work."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            wrap_commands(sub)
    elif command.callback is not None:
        command.callback = in_unit_of_work(command.callback)
