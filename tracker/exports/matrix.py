"""Who said what as CSV: one row per (question, source) cell that holds claims, streamed.

A silent cell (a source that says nothing on a question) is no row: questions times sources
grows as their product (14,000 x 10,000 at 100k claims), the cells with claims only as the
claims do. Cells come in the page's order (question text, question id, source id) from one
streamed query (``matrix.iter_cells``), written a batch of cells at a time, so memory stays
flat.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

from tracker.exports.services import neutralise
from tracker.questions import matrix
from tracker.questions.matrix import CellRow, MatrixFilter

COLUMNS = [
    "question_id",
    "question",
    "source_id",
    "source",
    "language",
    "claims",
    "claim_ids",
    "statements",
    "answers",
    "disputed",
]
MEDIA_TYPE = "text/csv; charset=utf-8"


def filename(now: datetime | None = None) -> str:
    return f"who-said-what-{(now or datetime.now(UTC)).strftime('%Y-%m-%d')}.csv"


def _lines(parts: list[str]) -> str:
    """One claim a line, in the same order in every column of the row."""
    return "\n".join(" ".join(p.split()) for p in parts)


def _cells(row: CellRow) -> list[str | int]:
    return [
        row.question_id,
        neutralise(row.question),
        row.source_id,
        neutralise(row.source_title),
        neutralise(row.language),
        row.count,
        _lines([str(c.id) for c in row.claims]),
        neutralise(_lines([c.statement for c in row.claims])),
        neutralise(_lines([c.answer or "" for c in row.claims])),
        "yes" if row.disputed else "no",
    ]


def export_matrix(filters: MatrixFilter, *, bom: bool = False) -> Iterator[str]:
    """The cells the filter selects as CSV text, read as it is iterated.

    :raises InvalidInput: the filter names a question or source that does not exist (checked
        at once, before anything is streamed).
    """
    matrix.check_filter(filters)
    return _write(filters, bom)


def _write(filters: MatrixFilter, bom: bool) -> Iterator[str]:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line ends
    if bom:
        buffer.write("\ufeff")
    out.writerow(COLUMNS)
    for batch in matrix.iter_cells(filters):
        for row in batch:
            out.writerow(_cells(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
