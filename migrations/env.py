"""Alembic environment: the tracker's metadata, on SQLite or PostgreSQL."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import pool

from tracker.core.db import Base, create_engine
from tracker.core.textsearch import FTS_TABLES, is_search_index
from tracker.models import load_all_models

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

load_all_models()
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table by dropping it: with foreign keys on, SQLite would cascade
        # that drop into every referencing row (claims -> evidence, history...). The pragma only
        # takes effect outside a transaction, so it goes to the driver before SQLAlchemy begins.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
    try:
        _migrate(connection)
    finally:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def _include_name(name, type_, _parent_names) -> bool:  # type: ignore[no-untyped-def]
    # The search indexes (migration 0009) are made by SQL the models cannot declare: an FTS5
    # table and its shadow tables on SQLite, a pg_trgm GIN index on PostgreSQL.
    return not (type_ in ("table", "index") and name and is_search_index(name))


def _check_search_triggers(connection) -> None:  # type: ignore[no-untyped-def]
    # A batch rebuild of claims or sentences drops the table's triggers with it: the search
    # index would then silently miss every later change.
    triggers = set(
        connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).scalars()
    )
    tables = set(
        connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars()
    )
    for fts in FTS_TABLES.values():
        missing = {f"{fts}_{t}" for t in ("insert", "delete", "update")} - triggers
        if fts in tables and missing:
            raise RuntimeError(f"The migration dropped the search triggers {sorted(missing)}")


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=_include_name,
        # SQLite cannot ALTER most things; batch mode rebuilds tables the portable way.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"The migration left rows without their parents: {broken[:5]}")
            _check_search_triggers(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
