"""The declarative base, the constraint naming convention and the per-app-context session."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

# Constraint names are the same on SQLite and PostgreSQL, so migrations can address them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: The largest value an Integer column holds on every backend (PostgreSQL's INTEGER is 32-bit
#: signed): ids, offsets, versions. Input beyond it must be refused before any query, since
#: PostgreSQL fails on it even in a comparison (and SQLite past 64 bits).
MAX_INTEGER = 2**31 - 1


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An aware UTC timestamp on every backend (SQLite stores no zone, so we restore it)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC one is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class DecimalString(sa.types.TypeDecorator[Decimal]):
    """An exact decimal on every backend, stored as its canonical text.

    SQLite has no exact decimal type (it would round through floats); values here are compared
    in Python or by equality of their canonical text, never with SQL arithmetic.
    """

    impl = sa.String(60)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        return format(Decimal(value).normalize(), "f")

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def str_enum(enum_cls: type[enum.StrEnum], name: str) -> sa.Enum:
    """A portable enum column: a VARCHAR with a named CHECK constraint listing the values."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


def _app_context_scope() -> int:
    return id(g._get_current_object())


def _new_session() -> Session:
    options: dict[str, Any] = current_app.extensions["tracker.session_options"]
    return Session(**options)


#: The session of the current app context: views, CLI commands and tests share one per context.
#: scoped_session takes any factory (its docs say "usually, but not necessarily, a sessionmaker").
session: scoped_session[Session] = scoped_session(
    _new_session,  # type: ignore[arg-type]  # the stub asks for a sessionmaker; see above
    scopefunc=_app_context_scope,
)


#: Seconds a SQLite write waits for the write lock before it gives up (then: 503, Retry-After).
DEFAULT_BUSY_TIMEOUT = 5.0

#: Requests with these methods only read; every other request may write.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def create_engine(
    url: str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, **kwargs: Any
) -> sa.Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": busy_timeout})
    elif url.startswith("postgresql"):
        # An unreachable server is an error (503) after 10 s, not a request that hangs.
        kwargs.setdefault("connect_args", {"connect_timeout": 10})
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT (which tests and nested
    # transactions use); take over BEGIN ourselves, as SQLAlchemy's SQLite docs recommend.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL: readers never wait for the writer nor the writer for readers (persistent, per file).
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def takes_write_lock() -> bool:
    """Whether a transaction begun now should hold SQLite's write lock from its start.

    A deferred transaction that reads and then writes cannot wait for the lock: when another
    writer got in between, SQLite refuses it at once ("database is locked"), whatever the busy
    timeout. So requests that may write (POST, PUT, PATCH, DELETE) and CLI commands begin with
    ``BEGIN IMMEDIATE`` and queue for the lock up to the busy timeout; reading requests and
    commands marked with `reading_only` begin deferred and never wait (WAL).
    """
    if has_request_context():
        return request.method not in READING_METHODS
    if has_app_context():
        return not g.get("tracker_reading_only", False)
    return False


def reading_only() -> None:
    """Mark the current app context (a CLI command) as one that never writes."""
    g.tracker_reading_only = True


def _sqlite_on_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if takes_write_lock() else "BEGIN")


def init_app(app: Flask) -> None:
    engine = create_engine(
        app.config["DATABASE_URL"],
        busy_timeout=app.config["SQLITE_BUSY_TIMEOUT"],
        echo=app.config["SQL_ECHO"],
    )
    app.extensions["tracker.engine"] = engine
    app.extensions["tracker.session_options"] = {"bind": engine, "expire_on_commit": False}

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        # Always: a request that failed half-way (a lock timeout, an error) hands its
        # connection back rolled back, so the next request on this thread starts clean.
        session.remove()
