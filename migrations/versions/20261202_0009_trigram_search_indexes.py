"""Index claims' and sentences' search text by trigrams

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

Text search (the review queue's ``q=``, ``/search``) is a ``LIKE '%...%'`` over
``search_text``. This adds an index that finds the rows holding a substring of three or more
characters without reading every row (tracker/core/textsearch.py decides when to use it):

- SQLite: an FTS5 table with the trigram tokenizer per table, with external content (the
  text is not stored twice) kept in step by triggers, which run inside the statement that
  changes the row, so inside its transaction. ``rebuild`` fills it from the existing rows.
- PostgreSQL: a GIN index with pg_trgm's ``gin_trgm_ops`` on ``search_text``, which LIKE
  uses as it is; PostgreSQL keeps it in step and builds it from the existing rows.

A later migration that rebuilds ``claims`` or ``sentences`` on SQLite (batch mode: copy, drop,
rename) drops these triggers with the table: it must create them again
(``migrations/env.py`` refuses to finish when a search table has lost its triggers).
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = ("claims", "sentences")


def _sqlite_upgrade(table: str) -> None:
    index = f"{table}_search"
    op.execute(
        f"CREATE VIRTUAL TABLE {index} USING fts5(search_text, content='{table}',"
        f" content_rowid='id', tokenize='trigram case_sensitive 1')"
    )
    insert = f"INSERT INTO {index} (rowid, search_text) VALUES (new.id, new.search_text);"
    # An external-content FTS5 table forgets a row only when told its old text exactly.
    delete = (
        f"INSERT INTO {index} ({index}, rowid, search_text)"
        f" VALUES ('delete', old.id, old.search_text);"
    )
    op.execute(f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {delete} END")
    op.execute(
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF id, search_text ON {table}"
        f" BEGIN {delete} {insert} END"
    )
    op.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for table in TABLES:
            _sqlite_upgrade(table)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        op.execute(
            f"CREATE INDEX ix_{table}_search_text_trgm ON {table}"
            " USING gin (search_text gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for table in TABLES:
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {table}_search_{trigger}")
            op.execute(f"DROP TABLE {table}_search")
        return
    for table in TABLES:
        op.execute(f"DROP INDEX ix_{table}_search_text_trgm")
    # pg_trgm stays: it may have been there before (IF NOT EXISTS), and other objects of the
    # database may use it.
