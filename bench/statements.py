"""Count the SQL statements an engine sends and time each in the driver: execute plus fetch.

``before_cursor_execute`` to ``after_cursor_execute`` is not the time of a query on SQLite:
pysqlite's ``execute`` steps only to the first row and the rest of the work happens while the
rows are fetched, after the event. So the engine's new connections get DBAPI cursors that add
the time of every ``execute``, ``fetchone``, ``fetchmany`` and ``fetchall`` to the statement
they run (``sqlite3``'s connection ``factory``, psycopg's ``cursor_factory``, set through the
``do_connect`` event). Any other cursor (a psycopg server-side one) is timed from
``before_cursor_execute`` to ``after_cursor_execute``. Transaction control (BEGIN, COMMIT,
ROLLBACK, SAVEPOINT, RELEASE) is not counted.

Use: ``with StatementLog(engine) as log: ...``, then ``log.statements`` ([statement, seconds]
pairs) and ``log.sql_seconds``; one log at a time per engine.
"""

from __future__ import annotations

import sqlite3
import time
import weakref
from collections.abc import Callable
from typing import Any

import psycopg
import sqlalchemy as sa

NOT_COUNTED = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def _timed(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method` of a cursor, adding its time to the cursor's current statement entry."""

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            entry = self._bench_entry
            if entry is not None:
                entry[1] += time.perf_counter() - started

    run.__name__ = method.__name__
    return run


class _SqliteCursor(sqlite3.Cursor):
    _bench_entry: list[Any] | None = None
    execute = _timed(sqlite3.Cursor.execute)
    executemany = _timed(sqlite3.Cursor.executemany)
    fetchone = _timed(sqlite3.Cursor.fetchone)
    fetchmany = _timed(sqlite3.Cursor.fetchmany)
    fetchall = _timed(sqlite3.Cursor.fetchall)


class _SqliteConnection(sqlite3.Connection):
    def cursor(self, factory: Any = None) -> Any:
        return super().cursor(factory or _SqliteCursor)


class _PgCursor(psycopg.Cursor):  # type: ignore[type-arg]
    _bench_entry: list[Any] | None = None
    execute = _timed(psycopg.Cursor.execute)
    executemany = _timed(psycopg.Cursor.executemany)
    fetchone = _timed(psycopg.Cursor.fetchone)
    fetchmany = _timed(psycopg.Cursor.fetchmany)
    fetchall = _timed(psycopg.Cursor.fetchall)


_TIMED_CURSORS = (_SqliteCursor, _PgCursor)
_prepared: weakref.WeakSet[sa.Engine] = weakref.WeakSet()


def _on_connect(dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
    if dialect.driver == "pysqlite":
        cparams.setdefault("factory", _SqliteConnection)
    elif dialect.driver == "psycopg":
        cparams.setdefault("cursor_factory", _PgCursor)


def time_fetches(engine: sa.Engine) -> None:
    """Give the engine's connections from now on cursors that time execute and fetch."""
    if engine in _prepared:
        return
    sa.event.listen(engine, "do_connect", _on_connect)
    engine.dispose()  # connections made before have plain cursors
    _prepared.add(engine)


class StatementLog:
    """Every statement sent through the engine while attached, with its driver time."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.statements: list[list[Any]] = []
        self._started = 0.0
        time_fetches(engine)

    def _before(self, _conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        entry = None
        if not statement.lstrip().upper().startswith(NOT_COUNTED):
            entry = [statement, 0.0]
            self.statements.append(entry)
        if isinstance(cursor, _TIMED_CURSORS):
            cursor._bench_entry = entry
        self._started = time.perf_counter()

    def _after(self, _conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        last = self.statements[-1] if self.statements else None
        if not isinstance(cursor, _TIMED_CURSORS) and last is not None and last[0] is statement:
            last[1] += time.perf_counter() - self._started

    def __enter__(self) -> StatementLog:
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        sa.event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_exc: Any) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        sa.event.remove(self.engine, "after_cursor_execute", self._after)

    @property
    def sql_seconds(self) -> float:
        return sum(t for _, t in self.statements)


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result
