"""Exports of claims: CSV, JSON, JSON Lines, schema.org ClaimReview, W3C Web Annotations.

One service for the browser, the CLI and the API. Every format streams: `export_claims`
yields text a batch of claims at a time, so memory stays flat however many claims match.
"""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tracker.claims.queue import ClaimFilter, filtered
from tracker.core.errors import InvalidInput
from tracker.exports.annotations import annotation
from tracker.exports.claimreview import VERDICTS, Publisher, claim_review, public_url
from tracker.exports.rows import ClaimRow, iter_claim_rows


class ExportFormat(enum.StrEnum):
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    claimreview = "claimreview"
    annotations = "annotations"

    @property
    def label(self) -> str:
        return FORMAT_LABELS[self]

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        return {"csv": "csv", "json": "json", "jsonl": "jsonl"}.get(self.value, "jsonld")


FORMAT_LABELS = {
    ExportFormat.csv: "CSV (spreadsheets)",
    ExportFormat.json: "JSON (one document, evidence nested)",
    ExportFormat.jsonl: "JSON Lines (one claim a line)",
    ExportFormat.claimreview: "schema.org ClaimReview (claims with a verdict)",
    ExportFormat.annotations: "W3C Web Annotations (quotes anchored on the source)",
}
MEDIA_TYPES = {
    ExportFormat.csv: "text/csv; charset=utf-8",
    ExportFormat.json: "application/json",
    ExportFormat.jsonl: "application/jsonl",
    ExportFormat.claimreview: "application/ld+json",
    ExportFormat.annotations: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
}
CSV_COLUMNS = [
    "id",
    "statement",
    "quote",
    "source_id",
    "source_title",
    "source_url",
    "language",
    "start",
    "end",
    "speaker",
    "status",
    "rationale",
    "question",
    "value",
    "evidence",
    "reviewer",
    "last_change",
    "url",
]
#: A spreadsheet reads a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportRequest:
    format: ExportFormat
    filters: ClaimFilter = field(default_factory=ClaimFilter)
    #: Absolute URL of this instance, for the links inside exported items.
    base_url: str = "http://127.0.0.1:5000"
    publisher: Publisher = Publisher("factcheck-tracker", "http://127.0.0.1:5000")
    #: CSV only: start with a byte order mark, so older spreadsheet programs read UTF-8.
    bom: bool = False


def publishing(config: Mapping[str, Any], request_root: str | None) -> tuple[str, Publisher]:
    """The base URL and publisher for exported links: the settings, else the request's URL."""
    base = (config.get("PUBLIC_BASE_URL") or request_root or "http://127.0.0.1:5000").rstrip("/")
    return base, Publisher(config["REVIEW_ORG_NAME"], config.get("REVIEW_ORG_URL") or base)


def parse_format(value: str | None) -> ExportFormat:
    """:raises InvalidInput: not one of the formats."""
    try:
        return ExportFormat(value or "")
    except ValueError:
        names = ", ".join(f.value for f in ExportFormat)
        raise InvalidInput(f"The format is one of {names}.", {"format": "invalid"}) from None


def filename(fmt: ExportFormat, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    what = {"claimreview": "claimreview", "annotations": "annotations"}.get(fmt.value, "claims")
    return f"{what}-{stamp}.{fmt.extension}"


def export_claims(request: ExportRequest) -> Iterator[str]:
    """The export as chunks of text, read from the database as they are iterated.

    :raises InvalidInput: a bad filter (checked at once, before anything is streamed).
    """
    filtered(request.filters)
    writer = {
        ExportFormat.csv: _csv,
        ExportFormat.json: _json,
        ExportFormat.jsonl: _jsonl,
        ExportFormat.claimreview: _claimreview,
        ExportFormat.annotations: _annotations,
    }[request.format]
    return writer(request)


def neutralise(cell: str) -> str:
    """Keep a cell from being run as a spreadsheet formula: prefix a quote mark.

    A cell that already reads as a neutralised one (quote marks, then a formula start, such as
    a statement "'=1+1") gets one more, so `restore_cell` gives back exactly the original.
    """
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def restore_cell(cell: str) -> str:
    """Undo `neutralise`: drop the one quote mark it put before a formula start."""
    escaped = cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS)
    return cell[1:] if escaped else cell


def _evidence_cell(row: ClaimRow) -> str:
    return " ; ".join(f"{e.stance} {e.url}" for e in row.evidence)


def _csv_cells(row: ClaimRow, base_url: str) -> list[str | int]:
    texts = [
        row.statement,
        row.quote,
        str(row.source_id),
        row.source_title,
        row.source_url or "",
        row.source_language,
    ]
    rest = [
        row.speaker,
        row.status.value,
        row.rationale or "",
        row.question or "",
        row.value or "",
        _evidence_cell(row),
        row.reviewer or "",
        row.updated_at.isoformat(timespec="seconds"),
        public_url(base_url, row.id),
    ]
    return [
        row.id,
        *(neutralise(t) for t in texts),
        row.start,
        row.end,
        *(neutralise(t) for t in rest),
    ]


def _csv(request: ExportRequest) -> Iterator[str]:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line ends
    if request.bom:
        buffer.write("\ufeff")
    out.writerow(CSV_COLUMNS)
    for batch in iter_claim_rows(request.filters):
        for row in batch:
            out.writerow(_csv_cells(row, request.base_url))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def claim_document(row: ClaimRow, base_url: str) -> dict[str, Any]:
    """One claim as JSON, evidence nested: the json and jsonl formats."""
    return {
        "id": row.id,
        "url": public_url(base_url, row.id),
        "statement": row.statement,
        "quote": row.quote,
        "start": row.start,
        "end": row.end,
        "speaker": row.speaker,
        "subjects": row.subjects,
        "status": row.status.value,
        "rationale": row.rationale,
        "source": {
            "id": row.source_id,
            "title": row.source_title,
            "url": row.source_url,
            "language": row.source_language,
            "published": row.source_published.isoformat() if row.source_published else None,
        },
        "question": {"id": row.question_id, "text": row.question} if row.question_id else None,
        "value": row.value,
        "evidence": [
            {
                "url": e.url,
                "title": e.title,
                "stance": e.stance,
                "publisher": e.publisher,
                "published": e.published,
                "passage": e.passage,
            }
            for e in row.evidence
        ],
        "reviewer": row.reviewer,
        "verdict_at": row.verdict_at.isoformat() if row.verdict_at else None,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def export_page(request: ExportRequest, *, after: int, limit: int) -> dict[str, Any]:
    """One page of the json format: claims with ids above ``after``, at most ``limit``, and
    the cursor for the next page (None on the last).

    :raises InvalidInput: a bad filter.
    """
    filtered(request.filters)
    batch = next(iter_claim_rows(request.filters, batch=limit, after=after), [])
    return {
        "claims": [claim_document(r, request.base_url) for r in batch],
        "after": after,
        "limit": limit,
        "next_after": batch[-1].id if len(batch) == limit else None,
    }


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _json_array(items: Iterator[list[dict[str, Any]]], head: str, tail: str) -> Iterator[str]:
    yield head
    first = True
    for batch in items:
        parts = []
        for item in batch:
            parts.append(("" if first else ",") + "\n" + _dumps(item))
            first = False
        yield "".join(parts)
    yield "\n" + tail


def _json(request: ExportRequest) -> Iterator[str]:
    meta = {
        "format": "factcheck-tracker claims",
        "version": 1,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "filters": {k: v for k, v in vars(request.filters).items() if v not in (None, False)},
    }
    head = _dumps(meta)[:-1] + ',"claims":['
    batches = (
        [claim_document(r, request.base_url) for r in batch]
        for batch in iter_claim_rows(request.filters)
    )
    return _json_array(batches, head, "]}\n")


def _jsonl(request: ExportRequest) -> Iterator[str]:
    for batch in iter_claim_rows(request.filters):
        yield "".join(_dumps(claim_document(r, request.base_url)) + "\n" for r in batch)


def _claimreview(request: ExportRequest) -> Iterator[str]:
    batches = (
        [claim_review(r, request.base_url, request.publisher) for r in batch]
        for batch in iter_claim_rows(request.filters, statuses=VERDICTS)
    )
    return _json_array(batches, "[", "]\n")


def _annotations(request: ExportRequest) -> Iterator[str]:
    batches = (
        [annotation(r, request.base_url) for r in batch]
        for batch in iter_claim_rows(request.filters, with_context=True)
    )
    return _json_array(batches, "[", "]\n")
