"""Substring search over ``search_text`` columns, through a trigram index when it helps.

The answer is always that of ``search_text LIKE '%key%'``, where ``key`` is the query's
``search_key`` and LIKE's wildcards are taken literally: the same rows, so the same count and
the same order whichever way they are found.

- SQLite: an FTS5 table with the trigram tokenizer per searched table (``claims_search``,
  ``sentences_search``; migration 0009, kept in step by triggers). Its tokenizer is
  case-sensitive, so a phrase of the key's trigrams, one after the other, is found exactly
  where the key is a substring: the index answers alone. (The column holds ``search_key``
  text, case-folded like the key, so SQLite's LIKE, which ignores ASCII case, finds the same.)
- PostgreSQL: a pg_trgm GIN index on the column, which the planner uses for the LIKE itself
  and rechecks.

The scan stays where the index cannot answer or is slower, as measured by
``bench/search_speed.py``: a key under three characters on SQLite (FTS5 finds nothing); on
PostgreSQL, a key without three letters or digits in a row (pg_trgm indexes words, and its GIN
scan for such a key read the whole index: 1.8x the scan for a two-character Chinese word at 1M
claims); on SQLite, a word in more than SCAN_SHARE of a table's rows.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from tracker.core import db
from tracker.text.script import search_key

#: Characters of a trigram: shorter keys cannot use the index.
TRIGRAM = 3
#: SQLite: at most this many row ids found by the index are listed for the COUNT and the page.
LISTED = 20_000
#: SQLite: when the index finds at most this many rows, the page sorts them (bench/README.md).
NARROW = 1_000
#: SQLite: the share of a table's rows (by its largest id) above which the scan is faster than
#: the index. A sentence is short, so the scan reads little (0.17 us a row at 1M claims),
#: while each sentence the index finds costs 2.2 us. A claim is long (quote, statement,
#: speaker): the crossover is near 60% (0.9x for a word in 62% of 1M claims), and finding out
#: whether a word passes it would cost about what the scan saves (bench/README.md).
SCAN_SHARE = {"sentences": 0.08}
#: The SQLite FTS5 table of each searched table (its rowid is the row's id).
FTS_TABLES = {"claims": "claims_search", "sentences": "sentences_search"}
#: The PostgreSQL GIN index of each searched table.
TRGM_INDEXES = {table: f"ix_{table}_search_text_trgm" for table in FTS_TABLES}
#: What no text column holds (PostgreSQL refuses NUL; a lone surrogate is not UTF-8).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
#: FTS5 keeps its index in these tables beside each FTS table (external content: no copy of
#: the text). They are made by migration 0009, not by the models.
_FTS5_SHADOWS = ("data", "idx", "docsize", "config")


class Strategy(enum.StrEnum):
    #: The trigram index finds the rows (SQLite), or lets the planner use it (PostgreSQL).
    index = "index"  # type: ignore[assignment]  # hides str.index, never called on a strategy
    #: LIKE on every row the other conditions leave.
    scan = "scan"


def is_search_index(name: str) -> bool:
    """Whether a table or index belongs to the search indexes (for Alembic's autogenerate,
    which must neither create nor drop what the models do not declare)."""
    names = {*FTS_TABLES.values(), *TRGM_INDEXES.values()}
    names |= {f"{fts}_{shadow}" for fts in FTS_TABLES.values() for shadow in _FTS5_SHADOWS}
    return name in names


def like_pattern(key: str) -> str:
    """A LIKE pattern matching `key` anywhere, its wildcards taken literally (escape \\)."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def choose(key: str, dialect: str) -> Strategy:
    """Whether the index can answer `key` (a ``search_key``) on `dialect`."""
    if dialect == "sqlite":
        return Strategy.index if len(key) >= TRIGRAM else Strategy.scan
    return Strategy.index if _pg_word_run(key) else Strategy.scan


@dataclass(frozen=True)
class TextMatch:
    """The condition "contains the query", and how to order the rows it finds."""

    condition: sa.ColumnElement[bool]
    #: How the rows are found.
    strategy: Strategy
    #: SQLite only: the index found at most NARROW rows, and sorting them beats walking an
    #: index in the page's order until enough of them turn up.
    is_narrow: bool = False

    def order_by(self, *clauses: sa.ColumnElement[Any]) -> list[sa.ColumnElement[Any]]:
        """`clauses` to order the rows by, the same order in every case."""
        return [_not_from_an_index(c) for c in clauses] if self.is_narrow else list(clauses)


def find(
    column: InstrumentedAttribute[str], query: str, strategy: Strategy | None = None
) -> TextMatch:
    """Rows whose `column` contains `query`, ignoring case and traditional vs simplified
    Chinese (the column holds ``search_key`` text).

    On SQLite this asks the index for up to LISTED row ids first (and, in a table with a
    SCAN_SHARE, for a word in more than NARROW rows, its size, and, past LISTED rows, how many
    more): a word in more than that share of the rows is scanned. `strategy` overrides the
    choice (for benchmarks and tests): the index on SQLite finds nothing for a key under three
    characters.
    """
    key = search_key(query)
    if _UNSTORABLE.search(key):
        # No stored text holds one, so nothing contains the key; PostgreSQL would refuse the
        # parameter and FTS5 end the phrase there ("unterminated string").
        return TextMatch(sa.false(), Strategy.scan)
    dialect = db.session.get_bind().dialect.name
    chosen = strategy is None
    strategy = strategy or choose(key, dialect)
    table: sa.Table = column.property.columns[0].table
    if dialect == "sqlite":
        if strategy is Strategy.index:
            return _fts_match(table, column, key, may_scan=chosen)
        return TextMatch(column.like(like_pattern(key), escape="\\"), strategy)
    if strategy is Strategy.index:
        return TextMatch(column.like(like_pattern(key), escape="\\"), strategy)
    # The GIN index is on the column: an expression of it (the same text) keeps the planner
    # from a full scan of the index.
    return TextMatch(column.concat("").like(like_pattern(key), escape="\\"), strategy)


def _fts_match(
    table: sa.Table, column: InstrumentedAttribute[str], key: str, *, may_scan: bool
) -> TextMatch:
    fts = sa.table(FTS_TABLES[table.name], sa.column("rowid", sa.Integer), sa.column("search_text"))
    # One FTS5 phrase: inside double quotes every character is literal but '"', doubled.
    phrase = '"' + key.replace('"', '""') + '"'
    rowids = sa.select(fts.c.rowid).where(fts.c.search_text.match(phrase))
    ids = list(db.session.scalars(rowids.limit(LISTED + 1)))
    if not ids:
        return TextMatch(sa.false(), Strategy.index, is_narrow=True)
    share = SCAN_SHARE.get(table.name)
    if may_scan and share is not None and len(ids) > NARROW:
        limit = int(share * (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0))
        if len(ids) > limit or (len(ids) > LISTED and _finds_more_than(rowids, limit)):
            return TextMatch(column.like(like_pattern(key), escape="\\"), Strategy.scan)
    if len(ids) <= LISTED:
        # The ids found, handed on as one JSON array: the index is read once per search.
        listed = sa.select(sa.column("value", sa.Integer)).select_from(
            sa.func.json_each(json.dumps(ids))
        )
        return TextMatch(table.c.id.in_(listed), Strategy.index, is_narrow=len(ids) <= NARROW)
    # A common word: the COUNT and the page each ask the index again.
    return TextMatch(table.c.id.in_(rowids), Strategy.index)


def _finds_more_than(rowids: sa.Select[Any], limit: int) -> bool:
    counted = sa.select(sa.func.count()).select_from(rowids.limit(limit + 1).subquery())
    return (db.session.scalar(counted) or 0) > limit


def _not_from_an_index(clause: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    # SQLite reads "+x" as x but cannot take it from an index: it looks up the rows by the ids
    # found and sorts them, instead of walking an ordered index until enough of them turn up
    # (with no statistics it takes ``is_deleted = 0`` for a handful of rows, and walks).
    if isinstance(clause, UnaryExpression) and clause.modifier in (
        operators.desc_op,
        operators.asc_op,
    ):
        plain = _not_from_an_index(clause.element)
        return plain.desc() if clause.modifier is operators.desc_op else plain.asc()
    return UnaryExpression(clause, operator=operators.custom_op("+"), type_=clause.type)


def _pg_word_run(key: str) -> bool:
    """Whether `key` has three characters in a row that pg_trgm takes for a word's.

    pg_trgm splits text into words of letters and digits as the database's locale classifies
    them; in a UTF-8 locale (``C.UTF-8``, ``en_US.UTF-8``) those are Python's ``isalnum``
    ones, Chinese characters and umlauts included. (In a database with the ``C`` locale only
    ASCII letters and digits count: a Chinese key would then read the whole index, slowly but
    rightly.)
    """
    run = 0
    for ch in key:
        run = run + 1 if ch.isalnum() else 0
        if run >= TRIGRAM:
            return True
    return False
