"""Unique constraints under concurrency: a row another transaction stored first, a moment ago.

A service checks "is it there already?" before it inserts, but two transactions can both pass
the check: on PostgreSQL the second INSERT then waits on the unique index until the first
commits and fails with a unique violation. These helpers run the insert inside a SAVEPOINT, so
that failure rolls back only the insert and the transaction goes on: the service then looks up
the row that won and either refuses with `Duplicate` naming it, or uses it (rows that are
shared, such as a question's answers). On SQLite writers hold the write lock from BEGIN, so
the check itself sees the first writer's row; the savepoint costs nothing there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TypeVar

import sqlalchemy as sa

from tracker.core import db
from tracker.core.errors import Duplicate, TrackerError

T = TypeVar("T")

#: PostgreSQL's SQLSTATE for a unique (or primary key) violation.
UNIQUE_VIOLATION = "23505"


class UniqueViolation(TrackerError):
    """Another transaction stored the same key first; this insert was rolled back.

    Services catch it and say which row won. One that escapes is still a 409, never a 500.
    """

    code = "duplicate"
    status = 409

    def __init__(self, constraint: str | None = None) -> None:
        super().__init__(
            "Someone else saved the same thing at the same moment. Nothing of this was saved; "
            "reload to see theirs."
        )
        self.constraint = constraint


def is_unique_violation(exc: sa.exc.IntegrityError) -> bool:
    """A unique or primary-key violation (not a foreign key, NOT NULL or CHECK failure)."""
    sqlstate = getattr(exc.orig, "sqlstate", None)  # psycopg 3
    if sqlstate is not None:
        return bool(sqlstate == UNIQUE_VIOLATION)
    return "UNIQUE constraint failed" in str(exc.orig)  # sqlite3, for PRIMARY KEY too


def _constraint(exc: sa.exc.IntegrityError) -> str | None:
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


@contextlib.contextmanager
def first_writer() -> Iterator[None]:
    """Run the block (it adds rows) and a flush inside a SAVEPOINT.

    :raises UniqueViolation: another transaction stored one of the keys first; the savepoint
        was rolled back (the block's new objects are gone from the session), the rest of the
        transaction stands.
    """
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise UniqueViolation(_constraint(exc)) from exc


def insert_or_refuse(
    add: Callable[[], None],
    find_existing: Callable[[], int | None],
    duplicate: Callable[[int], Duplicate],
) -> None:
    """Store what `add` adds; when another transaction stored the same key first, raise
    `duplicate(id)` for the row `find_existing` finds (the one that won).

    :raises Duplicate: as above.
    """
    try:
        with first_writer():
            add()
    except UniqueViolation:
        existing = find_existing()
        if existing is None:  # a key other than the one looked for
            raise
        raise duplicate(existing) from None


def find_or_insert(find: Callable[[], T | None], make: Callable[[], T]) -> T:
    """The row `find` returns, else a new one from `make` (complete, ready to insert); when
    another transaction inserts the same key first, the row it stored. For rows that are the
    same whoever makes them, or that the caller then updates as if it had been there."""
    row = find()
    if row is not None:
        return row
    try:
        with first_writer():
            row = make()
            db.session.add(row)
        return row
    except UniqueViolation:
        row = find()
        if row is None:
            raise
        return row


def retried_once(work: Callable[[], T]) -> T:
    """Run `work` in a SAVEPOINT; when it loses a unique race, run it once more, now that the
    other transaction's rows are visible (for rows derived from others, which `work` finds
    and keeps when it runs again).

    :raises UniqueViolation: it lost twice.
    """
    try:
        with first_writer():
            return work()
    except UniqueViolation:
        with first_writer():
            return work()
