"""The whole database as one JSON Lines file, and back: `tracker dump` and `tracker restore`.

Generic over the schema: every table of ``Base.metadata`` is written in foreign-key order, so a
new table is dumped and restored without a change here. The file is

- a header: ``{"format": "factcheck-tracker dump", "version": 1, "schema_revision": ...,
  "created_at": ..., "with_passwords": ...}`` (plus a ``note`` when secrets were left out);
- one line per row, tables in ``sorted_tables`` order, rows by primary key:
  ``{"table": "claims", "row": {...}}`` with the row's keys sorted; ``json_null`` lists the JSON
  columns that hold a JSON ``null`` rather than SQL NULL (both read back as None);
- an end line ``{"end": true, "rows": {table: count}}``, so a truncated file is refused.

Values are written so they come back exactly: timestamps as ISO 8601 in UTC, dates as ISO,
exact decimals as their plain text, enums as their value, JSON documents as they are (key order
kept), text as it is (the file is UTF-8, so an article's bytes come back unchanged).
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tracker.accounts.models import UNUSABLE_PASSWORD_PREFIX
from tracker.core import db, migrate
from tracker.core.db import Base, DecimalString, utcnow
from tracker.core.errors import TrackerError
from tracker.text.cleaning import UnstorableText, clean_tree, is_storable

log = logging.getLogger(__name__)

FORMAT = "factcheck-tracker dump"
VERSION = 1

#: What a user restored from a dump without passwords gets instead of a hash. Werkzeug's
#: ``check_password_hash`` returns False for a value without two ``$`` (it never raises), so no
#: password matches it and the user cannot log in until a new password is set.
UNUSABLE_PASSWORD_HASH = (
    UNUSABLE_PASSWORD_PREFIX + "unusable: restored from a dump made without password hashes"
)

#: Columns left out of a dump unless asked for, and what restore puts there instead.
SECRET_COLUMNS: dict[tuple[str, str], str] = {("users", "password_hash"): UNUSABLE_PASSWORD_HASH}
#: Tables left out of a dump unless asked for (bearer tokens log in without a password).
SECRET_TABLES = frozenset({"api_tokens"})
#: Tables never dumped nor restored: logins (user_sessions) end at a restore, whatever the dump,
#: so a cookie from before it is refused, even after `tracker users set-password`.
NEVER_DUMPED = frozenset({"user_sessions"})

NOTE_WITHOUT_PASSWORDS = (
    "Password hashes and API tokens are left out: restored users get an unusable password "
    "and cannot log in until a new password is set for them."
)

# Rows (and about how many characters) read per query while dumping, and inserted per
# executemany while restoring: memory stays flat whatever the size of the tables. Sources are
# whole articles (up to MAX_SOURCE_BYTES each), hence the character caps.
_FIRST_FETCH_ROWS = 50
_FETCH_ROWS = 1000
_FETCH_CHARS = 8_000_000
_BATCH_ROWS = 1000
_BATCH_CHARS = 8_000_000
# JSON Lines readers that split on every Unicode line break (str.splitlines) must still see one
# row per line: escape the breaks json.dumps leaves raw when writing UTF-8.
_LINE_BREAKS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


class BackupError(TrackerError):
    """A dump cannot be written or restored; `message` says why (and on which line)."""

    code = "backup"


@dataclass
class DumpReport:
    schema_revision: str
    with_passwords: bool
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.row_counts.values())


@dataclass
class RestoreReport:
    schema_revision: str
    with_passwords: bool
    created_at: str
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.row_counts.values())

    @property
    def users_without_password(self) -> int:
        return 0 if self.with_passwords else self.row_counts.get("users", 0)


# --- the tables and how their values are written ------------------------------------------


def _tables() -> list[sa.Table]:
    return [
        t
        for t in Base.metadata.sorted_tables
        if t.name != "alembic_version" and t.name not in NEVER_DUMPED
    ]


def _columns(table: sa.Table, *, with_passwords: bool) -> list[sa.Column[Any]]:
    """The table's columns in the order of their names (the keys of a row line)."""
    return sorted(
        (c for c in table.columns if with_passwords or (table.name, c.name) not in SECRET_COLUMNS),
        key=lambda c: c.name,
    )


def _utc_iso(value: datetime) -> str:
    # PostgreSQL hands back timestamps in the session's zone; write them all in UTC.
    return (value.astimezone(UTC) if value.tzinfo else value).isoformat()


def _is_datetime(kind: sa.types.TypeEngine[Any]) -> bool:
    # UTCDateTime is a TypeDecorator over DateTime: its values are (aware) datetimes.
    return isinstance(kind, sa.DateTime) or (
        isinstance(kind, sa.TypeDecorator) and isinstance(kind.impl_instance, sa.DateTime)
    )


def _encoder(column: sa.Column[Any]) -> Callable[[Any], Any]:
    """How to write a column's values as JSON.

    :raises TypeError: for a column type the format does not know yet (add it here and to
        :func:`_decoder`, with a test).
    """
    kind = column.type
    if isinstance(kind, DecimalString):
        return lambda v: format(v, "f")
    if _is_datetime(kind):
        return _utc_iso
    if isinstance(kind, sa.Date):
        return date.isoformat
    if isinstance(kind, sa.Enum):
        return lambda v: v.value if isinstance(v, enum.Enum) else v
    if isinstance(kind, sa.JSON | sa.Boolean | sa.Integer | sa.String):
        return lambda v: v
    raise TypeError(f"A dump cannot write {column.table.name}.{column.name} of type {kind!r}.")


def _decoder(column: sa.Column[Any]) -> Callable[[Any], Any]:
    """How to read a column's values back; each raises ValueError or TypeError on a bad one."""
    kind = column.type
    if isinstance(kind, DecimalString):
        return lambda v: Decimal(_expect(v, str))
    if _is_datetime(kind):
        return _aware if getattr(kind, "timezone", False) else _naive
    if isinstance(kind, sa.Date):
        return lambda v: date.fromisoformat(_expect(v, str))
    if isinstance(kind, sa.Enum):
        allowed = set(kind.enums)

        def enum_value(v: Any) -> str:
            if _expect(v, str) not in allowed:
                raise ValueError(f"{v!r} is not one of {', '.join(sorted(allowed))}")
            return str(v)

        return enum_value
    if isinstance(kind, sa.JSON):
        return lambda v: v
    if isinstance(kind, sa.Boolean):
        return lambda v: _expect(v, bool)
    if isinstance(kind, sa.Integer):
        return lambda v: _expect(v, int)
    if isinstance(kind, sa.String):
        return lambda v: _expect(v, str)
    raise TypeError(f"A dump cannot read {column.table.name}.{column.name} of type {kind!r}.")


def _aware(value: Any) -> datetime:
    moment = datetime.fromisoformat(_expect(value, str))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment


def _naive(value: Any) -> datetime:
    return datetime.fromisoformat(_expect(value, str))


def _expect(value: Any, kind: type) -> Any:
    # bool is an int in Python; a JSON true is not an integer here.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind.__name__}, found {type(value).__name__} {value!r}")
    return value


def _line(obj: dict[str, Any]) -> str:
    line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in _LINE_BREAKS:
        if raw in line:  # rare: a search is much cheaper than str.translate on every line
            line = line.replace(raw, escaped)
    return line


def _schema_revisions(connection: sa.Connection) -> tuple[str | None, str]:
    """The database's Alembic revision and the newest this code knows."""
    current = MigrationContext.configure(connection).get_current_revision()
    head = ScriptDirectory(str(migrate.MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    return current, head


def _require_head(current: str | None, head: str) -> None:
    if current != head:
        raise BackupError(
            f"The database is at schema revision {current or 'none (no tables)'}, but this "
            f"version of the tracker works with {head}: run `tracker db upgrade` first."
        )


# --- dump -----------------------------------------------------------------------------------


def _read_connection() -> sa.Connection:
    """The session's connection; on PostgreSQL, when this call starts the transaction, in
    REPEATABLE READ so every table is read from one snapshot (as pg_dump does). SQLite's read
    transaction is a snapshot already."""
    session = db.session()
    bind = session.get_bind()
    if (
        isinstance(bind, sa.Engine)
        and bind.dialect.name == "postgresql"
        and not session.in_transaction()
    ):
        return session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return session.connection()


def _sort_keys(table: sa.Table, dialect: sa.Dialect) -> list[sa.ColumnElement[Any]]:
    """The primary key, as the dump orders rows by it."""
    # Text keys sort by code point on both backends, so a dump does not depend on the collation.
    return [
        c.collate("C") if isinstance(c.type, sa.String) and dialect.name == "postgresql" else c
        for c in table.primary_key.columns
    ]


def _lines(
    connection: sa.Connection, table: sa.Table, columns: list[sa.Column[Any]]
) -> Iterator[str]:
    """The table's row lines by primary key, from one streamed query (a server-side cursor on
    PostgreSQL) read in batches of at most _FETCH_ROWS rows and, from the sizes seen so far,
    about _FETCH_CHARS characters: memory stays flat with 100,000 claims and with articles of
    megabytes."""
    encoders = [_encoder(c) for c in columns]
    json_columns = [c for c in columns if isinstance(c.type, sa.JSON)]
    # A JSON column reads back None for SQL NULL and for a JSON null; ask which it is.
    null_flags = [c.is_(None) for c in json_columns]
    query = sa.select(*columns, *null_flags).order_by(*_sort_keys(table, connection.dialect))
    n = len(columns)
    result = connection.execute(
        query, execution_options={"stream_results": True, "max_row_buffer": _FETCH_ROWS}
    )
    size, seen_rows, seen_chars = _FIRST_FETCH_ROWS, 0, 0
    while batch := result.fetchmany(size):
        for values in batch:
            row = {
                c.name: None if v is None else encode(v)
                for c, encode, v in zip(columns, encoders, values[:n], strict=True)
            }
            obj: dict[str, Any] = {"table": table.name, "row": row}
            json_null = [
                c.name
                for c, is_sql_null in zip(json_columns, values[n:], strict=True)
                if row[c.name] is None and not is_sql_null
            ]
            if json_null:
                obj["json_null"] = json_null
            line = _line(obj)
            seen_rows, seen_chars = seen_rows + 1, seen_chars + len(line)
            yield line
        size = max(1, min(_FETCH_ROWS, size * 4, _FETCH_CHARS * seen_rows // seen_chars))


def dump_database(out: TextIO, *, with_passwords: bool) -> DumpReport:
    """Write every row of every table to `out` as JSON Lines (see the module's docstring).

    Password hashes and API tokens are written only `with_passwords`. Reads one snapshot and
    streams: memory does not grow with the size of the database.

    :raises BackupError: the database is not at the schema revision of this code.
    """
    connection = _read_connection()
    current, head = _schema_revisions(connection)
    _require_head(current, head)
    tables = [t for t in _tables() if with_passwords or t.name not in SECRET_TABLES]
    plan = [(t, _columns(t, with_passwords=with_passwords)) for t in tables]
    for _table, columns in plan:
        for column in columns:
            _encoder(column)  # an unknown column type fails before anything is written
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "schema_revision": head,
        "created_at": _utc_iso(utcnow()),
        "with_passwords": with_passwords,
    }
    if not with_passwords:
        header["note"] = NOTE_WITHOUT_PASSWORDS
    out.write(_line(header) + "\n")
    report = DumpReport(schema_revision=head, with_passwords=with_passwords)
    for table, columns in plan:
        count = 0
        for line in _lines(connection, table, columns):
            out.write(line + "\n")
            count += 1
        report.row_counts[table.name] = count
    out.write(_line({"end": True, "rows": report.row_counts}) + "\n")
    return report


# --- restore --------------------------------------------------------------------------------


@dataclass
class _Batch:
    """Rows of one table waiting for one executemany INSERT, and the lines they came from."""

    table: sa.Table
    first_line: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    chars: int = 0
    last_line: int = 0


class _TablePlan:
    """How to check and insert one table's rows."""

    def __init__(self, table: sa.Table, position: int, *, with_passwords: bool) -> None:
        self.table = table
        self.position = position
        self.columns = _columns(table, with_passwords=with_passwords)
        self.names = {c.name for c in self.columns}
        self.decoders = {c.name: _decoder(c) for c in self.columns}
        self.json_names = {c.name for c in self.columns if isinstance(c.type, sa.JSON)}
        #: Secret columns left out of the dump, and the value they get.
        self.filled = {
            column: value
            for (table_name, column), value in SECRET_COLUMNS.items()
            if table_name == table.name and column not in self.names
        }
        # Explicit bind parameters: a JSON column binds None as SQL NULL and JSON.NULL as a JSON
        # null, so each keeps what it was.
        self.insert = sa.insert(table).values(
            {
                c.name: sa.bindparam(
                    f"p_{c.name}",
                    type_=sa.JSON(none_as_null=True) if isinstance(c.type, sa.JSON) else c.type,
                )
                for c in table.columns
            }
        )

    def parameters(self, number: int, row: Any, json_null: Any) -> dict[str, Any]:
        """The INSERT parameters for one row line.

        :raises BackupError: unknown or missing columns, or a value of the wrong type.
        """
        where = f"Line {number} (table {self.table.name})"
        if not isinstance(row, dict):
            raise BackupError(f"{where}: 'row' is not an object.")
        if row.keys() != self.names:
            unknown, missing = sorted(row.keys() - self.names), sorted(self.names - row.keys())
            parts = [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
            parts += [f"missing column(s) {', '.join(missing)}"] if missing else []
            raise BackupError(f"{where}: {'; '.join(parts)}.")
        if not isinstance(json_null, list) or not set(json_null) <= self.json_names:
            raise BackupError(f"{where}: 'json_null' must list JSON columns of the table.")
        params: dict[str, Any] = {f"p_{name}": value for name, value in self.filled.items()}
        for name, value in row.items():
            if name in json_null:
                if value is not None:
                    raise BackupError(f"{where}: {name} is listed in 'json_null' but not null.")
                params[f"p_{name}"] = sa.JSON.NULL
                continue
            if not _storable(value):
                raise BackupError(
                    f"{where}: {name} holds a NUL character or an unpaired surrogate, which "
                    "PostgreSQL cannot store and the tracker no longer accepts; correct that "
                    "row in the database it came from, dump it again and restore that."
                )
            try:
                params[f"p_{name}"] = None if value is None else self.decoders[name](value)
            except (ValueError, TypeError, InvalidOperation) as exc:
                raise BackupError(f"{where}: bad value for {name}: {exc}.") from None
        return params


def _storable(value: Any) -> bool:
    """Whether a value (a JSON column's too) holds only text a database can store."""
    if isinstance(value, str):
        return is_storable(value)
    if isinstance(value, dict | list):
        try:
            clean_tree(value)
        except UnstorableText:
            return False
    return True


def _plan_for(number: int, obj: dict[str, Any], plans: dict[str, _TablePlan]) -> _TablePlan:
    """The table a row line belongs to.

    :raises BackupError: not a row line, or an unknown table (or a secret one the header says
        was left out).
    """
    if obj.keys() - {"table", "row", "json_null"} or "row" not in obj:
        raise BackupError(
            f'Line {number}: expected a row ({{"table": ..., "row": {{...}}}}) or the end line.'
        )
    name = obj.get("table")
    plan = plans.get(name) if isinstance(name, str) else None
    if plan is None:
        if name in SECRET_TABLES:
            raise BackupError(
                f"Line {number}: table {name!r} is not expected in a dump without passwords."
            )
        raise BackupError(f"Line {number}: table {name!r} is unknown.")
    return plan


def _parse(number: int, text: str) -> dict[str, Any]:
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise BackupError(f"Line {number}: not valid JSON ({exc}).") from None
    if not isinstance(obj, dict):
        raise BackupError(f"Line {number}: not a JSON object.")
    return obj


def _numbered(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    number = 0
    iterator = iter(lines)
    while True:
        number += 1
        try:
            text = next(iterator)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise BackupError(f"Line {number}: not UTF-8 text ({exc.reason}).") from None
        yield number, text


def _check_header(number: int, header: dict[str, Any], current: str | None, head: str) -> None:
    if header.get("format") != FORMAT:
        raise BackupError(f"Line {number}: this is not a {FORMAT} (its first line has no header).")
    if header.get("version") != VERSION:
        raise BackupError(
            f"This dump has format version {header.get('version')!r}; this tracker reads "
            f"version {VERSION}."
        )
    if not isinstance(header.get("with_passwords"), bool):
        raise BackupError(f"Line {number}: the header has no with_passwords flag.")
    _require_head(current, head)
    revision = header.get("schema_revision")
    if revision != current:
        raise BackupError(
            f"The dump is of schema revision {revision}, but the database is at {current}: "
            "restore it with the tracker version that made it, into a database migrated to "
            "that revision (then upgrade)."
        )


def _refuse_rows(connection: sa.Connection, tables: list[sa.Table]) -> None:
    filled = [
        t.name
        for t in tables
        if connection.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()
    ]
    if filled:
        raise BackupError(
            "The database is not empty (rows in "
            f"{', '.join(filled)}): restore only into a new database migrated with "
            "`tracker db upgrade`."
        )


def _insert(connection: sa.Connection, batch: _Batch, plan: _TablePlan) -> None:
    try:
        connection.execute(plan.insert, batch.rows)
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        lines = (
            f"Line {batch.first_line}"
            if batch.first_line == batch.last_line
            else f"Lines {batch.first_line}-{batch.last_line}"
        )
        raise BackupError(
            f"{lines} (table {batch.table.name}): the database refused the rows: {reason}"
        ) from None


def _reset_sequences(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """Let PostgreSQL's id sequences continue after the restored ids (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        largest = sa.func.max(column)
        connection.execute(
            sa.select(
                sa.func.setval(
                    sa.func.pg_get_serial_sequence(preparer.format_table(table), column.name),
                    sa.func.coalesce(largest, 1),
                    largest.is_not(None),
                )
            ).select_from(table)
        )


def restore_database(lines: Iterable[str]) -> RestoreReport:
    """Load a dump into an empty database at the dump's schema revision, in the session's
    transaction (the caller commits once, or rolls back: never half a restore).

    Users of a dump without passwords get :data:`UNUSABLE_PASSWORD_HASH`.

    :raises BackupError: the database has rows or another schema revision; or a line is bad
        (not JSON, an unknown table or column, a wrong value, out of order, the end line
        missing or not matching), naming the line.
    """
    connection = db.session.connection()
    current, head = _schema_revisions(connection)
    tables = _tables()
    numbered = _numbered(lines)
    first = next(numbered, None)
    if first is None:
        raise BackupError("The dump is empty.")
    header = _parse(*first)
    _check_header(first[0], header, current, head)
    _refuse_rows(connection, tables)
    with_passwords: bool = header["with_passwords"]
    plans = {
        t.name: _TablePlan(t, i, with_passwords=with_passwords)
        for i, t in enumerate(tables)
        if with_passwords or t.name not in SECRET_TABLES
    }
    report = RestoreReport(
        schema_revision=str(current),
        with_passwords=with_passwords,
        created_at=str(header.get("created_at")),
        row_counts={name: 0 for name in plans},
    )
    batch: _Batch | None = None
    position = 0
    end: dict[str, Any] | None = None
    last = first[0]
    for number, text in numbered:
        last = number
        if end is not None:
            raise BackupError(f"Line {number}: more lines after the end line.")
        obj = _parse(number, text)
        if "end" in obj:
            end = obj
            continue
        plan = _plan_for(number, obj, plans)
        if plan.position < position:
            raise BackupError(
                f"Line {number}: table {plan.table.name} comes after the tables that depend on it."
            )
        position = plan.position
        params = plan.parameters(number, obj["row"], obj.get("json_null", []))
        if batch is not None and batch.table is not plan.table:
            _insert(connection, batch, plans[batch.table.name])
            batch = None
        if batch is None:
            batch = _Batch(plan.table, number)
        batch.rows.append(params)
        batch.chars += len(text)
        batch.last_line = number
        report.row_counts[plan.table.name] += 1
        if len(batch.rows) >= _BATCH_ROWS or batch.chars >= _BATCH_CHARS:
            _insert(connection, batch, plan)
            batch = None
    if batch is not None:
        _insert(connection, batch, plans[batch.table.name])
    if end is None:
        raise BackupError(
            f"The dump stops at line {last} without its end line: the file is truncated."
        )
    listed = end.get("rows")
    if listed != report.row_counts:
        listed = listed if isinstance(listed, dict) else {}
        differ = ", ".join(
            f"{name}: {listed.get(name)} listed, {count} found"
            for name, count in report.row_counts.items()
            if listed.get(name) != count
        )
        raise BackupError(
            f"The dump's end line does not match its rows ({differ or listed}): a line was lost "
            "or added."
        )
    _reset_sequences(connection, tables)
    log.info("restored %d rows from a dump made %s", report.total, report.created_at)
    return report
