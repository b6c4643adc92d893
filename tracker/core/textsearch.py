"""Substring search over ``search_text`` columns, through a trigram index when it helps.

The answer is always that of ``search_text LIKE '%key%'`` (``key`` is the query's
``search_key``, its LIKE wildcards taken literally): the index only narrows the rows LIKE is
tested on, and its results, their count and their order are those of the scan.

- SQLite: an FTS5 table with the trigram tokenizer per searched table (``claims_search``,
  ``sentences_search``, migration 0009, kept in step by triggers). A trigram phrase query
  finds the rows that hold the key's trigrams one after the other, a superset of those
  holding the key; LIKE then checks those rows only.
- PostgreSQL: a pg_trgm GIN index on the column, which the planner uses for LIKE itself.

A key under three characters has no trigram (FTS5 finds nothing, and a GIN scan reads the
whole index): those are scanned, as are, on SQLite, keys common enough that the scan wins
(measured in ``bench/search_speed.py``).
"""

from __future__ import annotations

import enum
from typing import Any

import sqlalchemy as sa

from tracker.core import db
from tracker.text.script import search_key

#: Characters of a trigram: shorter keys cannot use the index.
TRIGRAM = 3
#: The SQLite FTS5 table of each searched table (its rowid is the row's id).
FTS_TABLES = {"claims": "claims_search", "sentences": "sentences_search"}
#: The PostgreSQL GIN index of each searched table.
TRGM_INDEXES = {table: f"ix_{table}_search_text_trgm" for table in FTS_TABLES}
#: FTS5 keeps its index in these tables beside each FTS table (external content: no copy of
#: the text). They are made by migration 0009, not by the models.
_FTS5_SHADOWS = ("data", "idx", "docsize", "config")


class Strategy(enum.StrEnum):
    #: The trigram index narrows the rows, LIKE checks them.
    index = "index"
    #: LIKE on every row the other conditions leave.
    scan = "scan"


def is_search_index(name: str) -> bool:
    """Whether a table or index is part of the search indexes (for Alembic's autogenerate,
    which must neither create nor drop what the models do not declare)."""
    names = {*FTS_TABLES.values(), *TRGM_INDEXES.values()}
    names |= {f"{fts}_{shadow}" for fts in FTS_TABLES.values() for shadow in _FTS5_SHADOWS}
    return name in names


def like_pattern(key: str) -> str:
    """A LIKE pattern matching `key` anywhere, its wildcards taken literally (escape \\)."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def choose(key: str) -> Strategy:
    """How to search for `key` (already a ``search_key``): the index when it can answer."""
    return Strategy.index if len(key) >= TRIGRAM else Strategy.scan


def contains(
    column: sa.orm.InstrumentedAttribute[str], query: str, strategy: Strategy | None = None
) -> sa.ColumnElement[bool]:
    """The condition "`column` contains `query`", ignoring case and traditional vs simplified
    Chinese (the column holds ``search_key`` text); `strategy` overrides the choice."""
    key = search_key(query)
    strategy = strategy or choose(key)
    like = column.like(like_pattern(key), escape="\\")
    table: sa.Table = column.property.columns[0].table
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        if strategy is Strategy.scan or len(key) < TRIGRAM:
            return like
        return sa.and_(table.c.id.in_(_fts_rowids(table.name, key)), like)
    if strategy is Strategy.scan:
        # The index is on the column: an expression of it (the same text) keeps the planner off.
        return column.concat("").like(like_pattern(key), escape="\\")
    return like


def _fts_rowids(table: str, key: str) -> sa.Select[Any]:
    fts = sa.table(FTS_TABLES[table], sa.column("rowid", sa.Integer), sa.column("search_text"))
    # One FTS5 phrase: its trigrams in a row, every character literal but '"' (doubled).
    phrase = '"' + key.replace('"', '""') + '"'
    return sa.select(fts.c.rowid).where(fts.c.search_text.match(phrase))
