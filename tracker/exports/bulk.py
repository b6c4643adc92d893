"""Claims in bulk from CSV, JSON or JSON Lines: the tracker's own export formats read back.

Every row is checked by the same services a reviewer's edits go through (its quote must be
found in its source). A file with a bad row is refused whole, with every bad row named by
its line; with ``skip_bad`` the good rows load and the bad ones come back to be written to a
reject file. Never half a file silently.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.claims import services as claims
from tracker.claims.models import Claim, ClaimStatus
from tracker.core import db
from tracker.core.db import MAX_INTEGER
from tracker.core.errors import InvalidInput, NotFound, TrackerError
from tracker.exports.services import restore_cell
from tracker.questions import services as questions
from tracker.sources.models import Source
from tracker.text.cleaning import clean_tree, is_storable

FORMATS = ("csv", "json", "jsonl")
STANCES = ("supports", "refutes", "context")
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,10}")
#: A status as a file may write it: its value or the label the review queue shows, in any case
#: (a spreadsheet saves the text "false" as its boolean FALSE).
_STATUS_NAMES = {name.casefold(): s for s in ClaimStatus for name in (s.value, s.label)}


@dataclass(frozen=True)
class Record:
    """One claim as read from the file, and where: a line number (CSV, JSON Lines) or the
    position in the JSON document's list."""

    line: int
    data: dict[str, Any]
    #: The cells carry the CSV export's formula guard (a quote mark before "=", "+" ...).
    is_neutralised: bool = False


@dataclass(frozen=True)
class RowError:
    line: int
    message: str
    data: dict[str, Any]


@dataclass
class ImportReport:
    added: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: Rows read from the file (good and bad, whether or not they were kept).
    total: int = 0


def format_of(filename: str) -> str:
    """The format a file's extension names: .csv, .json, .jsonl/.ndjson.

    :raises InvalidInput: any other extension.
    """
    lower = filename.lower()
    for ext, fmt in ((".csv", "csv"), (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "json")):
        if lower.endswith(ext):
            return fmt
    raise InvalidInput("Name the format: the file is not .csv, .json or .jsonl.", {"format": ""})


def read_records(text: str, fmt: str) -> Iterator[Record]:
    """The claims of a file's text.

    :raises InvalidInput: the file itself is malformed (not CSV, not JSON): nothing is read.
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"The format is one of {', '.join(FORMATS)}.", {"format": "invalid"})
    text = text.removeprefix("\ufeff")
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames or "statement" not in reader.fieldnames:
            raise InvalidInput("The CSV has no header row with a 'statement' column.", {})
        try:
            for row in reader:
                cells = {k: v for k, v in row.items() if k is not None}
                yield Record(reader.line_num, cells, is_neutralised=True)
        except csv.Error as exc:
            raise InvalidInput(f"Line {reader.line_num}: not valid CSV ({exc}).", {}) from None
    elif fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InvalidInput(f"Line {number}: not JSON ({exc.msg}).", {}) from None
                yield Record(number, item if isinstance(item, dict) else {"_": item})
    else:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"Line {exc.lineno}: not JSON ({exc.msg}).", {}) from None
        items = document.get("claims") if isinstance(document, dict) else document
        if not isinstance(items, list):
            raise InvalidInput('The JSON is neither a list of claims nor {"claims": [...]}.', {})
        for number, item in enumerate(items, start=1):
            yield Record(number, item if isinstance(item, dict) else {"_": item})


def _text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str | int):
        raise InvalidInput(f"'{name}' must be text.", {name: "invalid"})
    return str(value)


def _int(data: dict[str, Any], name: str) -> int | None:
    value = _text(data, name)
    if value is None:
        return None
    # ASCII digits that fit a column (``isdigit`` also takes "²", which ``int`` refuses).
    if not _WHOLE_NUMBER.fullmatch(value.strip()) or abs(int(value)) > MAX_INTEGER:
        raise InvalidInput(f"'{name}' must be a whole number, not “{value[:20]}”.", {name: ""})
    return int(value)


def _source(data: dict[str, Any]) -> Source:
    given = data.get("source")
    nested: dict[str, Any] = given if isinstance(given, dict) else {}
    source_id = _int(data, "source_id") or _int(nested, "id")
    if source_id is not None:
        source = db.session.get(Source, source_id)
        if source is None:
            raise NotFound(f"There is no source #{source_id}.")
        return source
    title = _text(data, "source_title") or _text(nested, "title")
    if title is None:
        raise InvalidInput("Give the source: 'source_id' or 'source_title'.", {"source_id": ""})
    found = list(db.session.scalars(sa.select(Source).where(Source.title == title).limit(2)))
    if len(found) != 1:
        problem = "No source is" if not found else "Several sources are"
        raise InvalidInput(f"{problem} titled “{title[:80]}”.", {"source_title": ""})
    return found[0]


def _evidence(data: dict[str, Any]) -> list[claims.EvidenceDraft]:
    value = data.get("evidence")
    drafts = []
    if isinstance(value, list):  # JSON: as exported
        for item in value:
            if not isinstance(item, dict):
                raise InvalidInput("Each evidence item is an object with url and stance.", {})
            drafts.append(
                claims.EvidenceDraft(
                    url=str(item.get("url") or ""),
                    title=str(item.get("title") or item.get("url") or ""),
                    stance=str(item.get("stance") or ""),
                    publisher=item.get("publisher"),
                    published=item.get("published"),
                    passage=item.get("passage"),
                )
            )
    elif isinstance(value, str) and value.strip():  # CSV: "supports URL ; refutes URL"
        for part in value.split(" ; "):
            stance, _, url = part.strip().partition(" ")
            if stance not in STANCES or not url.strip():
                raise InvalidInput(
                    f"Evidence “{part[:60]}” is not “STANCE URL” (stance: {', '.join(STANCES)}).",
                    {"evidence": "invalid"},
                )
            drafts.append(claims.EvidenceDraft(url=url.strip(), title=url.strip(), stance=stance))
    return drafts


def _subjects(data: dict[str, Any]) -> list[str]:
    value = data.get("subjects")
    if isinstance(value, list):
        return [str(s) for s in value]
    if isinstance(value, str) and value.strip():
        return [s.strip() for s in value.split(",") if s.strip()]
    return []


def _import_one(data: dict[str, Any], actor: User | None) -> Claim:
    source = _source(data)
    quote = _text(data, "quote")
    statement = _text(data, "statement")
    if not quote or not statement:
        raise InvalidInput("Every claim needs a 'quote' and a 'statement'.", {"quote": ""})
    start, end = _int(data, "start"), _int(data, "end")
    if start is None or end is None:
        start = claims.locate_quote(source, quote)
        end = start + len(quote)
    elif source.text[start:end] != quote:
        raise InvalidInput(
            f"The quote is not at {start}–{end} of source #{source.id}.", {"quote": "moved"}
        )
    existing = db.session.scalar(
        sa.select(Claim.id).where(
            Claim.source_id == source.id,
            Claim.start == start,
            Claim.end == end,
            Claim.statement == statement,
            Claim.is_deleted.is_(False),
        )
    )
    if existing is not None:
        raise InvalidInput(f"The same claim is there already (#{existing}).", {"quote": "dup"})
    status_text = _text(data, "status") or ClaimStatus.unreviewed.value
    status = _STATUS_NAMES.get(status_text.strip().casefold())
    if status is None:
        raise InvalidInput(f"Unknown status “{status_text[:30]}”.", {"status": "invalid"})
    evidence = _evidence(data)
    draft = claims.ClaimDraft(
        start=start,
        end=end,
        quote=quote,
        statement=statement,
        speaker=_text(data, "speaker") or claims.THE_ARTICLE,
        subjects=_subjects(data),
        key=_text(data, "key"),
    )
    claim = claims.mark_claim(source.id, draft, actor=actor)
    for item in evidence:
        claims.attach_evidence(claim.id, item, actor=actor)
    if status is not ClaimStatus.unreviewed:
        # After the evidence, so the rule "verified/false need evidence" sees it.
        claim = claims.edit_claim(
            claim.id,
            claims.ClaimChanges(status=status.value, rationale=_text(data, "rationale")),
            version=claim.version,
            actor=actor,
        )
    nested = data.get("question")
    question = _text(nested, "text") if isinstance(nested, dict) else _text(data, "question")
    if question:
        target = questions.find_question(question) or questions.create_question(
            question, actor=actor
        )
        questions.assign_question(claim.id, target.id, actor=actor)
    return claim


class _NothingLoaded(Exception):
    """A file with a bad row, loaded all or nothing: undo its savepoint."""


def import_claims(
    records: Iterable[Record], *, actor: User | None, skip_bad: bool = False
) -> ImportReport:
    """Add every record as a claim, each checked inside its own savepoint.

    All or nothing: when a row is bad, every row is undone (the report names the bad ones),
    unless ``skip_bad``, when the good rows stand. The caller commits.

    :raises InvalidInput: the file itself is malformed (from `read_records`).
    """
    report = ImportReport()
    try:
        with db.session.begin_nested():  # the whole file
            for record in records:
                report.total += 1
                try:
                    with db.session.begin_nested():  # one row
                        # The input rule (NUL and surrogates refused, blank text empty) on a
                        # copy: a reject file gives the row back as it was sent.
                        data = clean_tree(record.data)
                        if record.is_neutralised:
                            data = {
                                k: restore_cell(v) if isinstance(v, str) else v
                                for k, v in data.items()
                            }
                        claim = _import_one(data, actor)
                except (TrackerError, ValueError) as exc:
                    message = exc.message if isinstance(exc, TrackerError) else str(exc)
                    report.errors.append(RowError(record.line, message, record.data))
                else:
                    report.added.append(claim.id)
            if report.errors and not skip_bad:
                raise _NothingLoaded
    except _NothingLoaded:
        report.added = []
    return report


def import_file(
    data: bytes, filename: str, fmt: str | None, *, actor: User | None, skip_bad: bool = False
) -> tuple[ImportReport, str]:
    """`import_claims` for an uploaded or named file; returns the report and the format read.

    :raises InvalidInput: the file is not UTF-8, its format is unknown, or it is malformed.
    """
    fmt = fmt or format_of(filename)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"The file is not UTF-8 text ({exc.reason}).", {"file": ""}) from None
    return import_claims(read_records(text, fmt), actor=actor, skip_bad=skip_bad), fmt


def write_rejects(errors: list[RowError], fmt: str) -> str:
    """The bad rows, in the file's own format, each with its line and the reason."""
    if fmt == "csv":
        out = io.StringIO()
        columns: list[str] = ["line", "error"]
        for error in errors:
            columns += [k for k in error.data if k not in columns]
        writer = csv.DictWriter(out, columns, lineterminator="\r\n")
        writer.writeheader()
        for error in errors:
            writer.writerow({"line": error.line, "error": error.message, **error.data})
        # A lone surrogate (a refused row) cannot be written as UTF-8: it becomes "?".
        return out.getvalue().encode("utf-8", "replace").decode("utf-8")
    return "".join(_reject_line(e) for e in errors)


def _reject_line(error: RowError) -> str:
    """One bad row as JSON; escaped to ASCII when it holds a lone surrogate, so the row comes
    back exactly as sent (``\\ud800``) in a file UTF-8 can hold."""
    item = {"line": error.line, "error": error.message, "claim": error.data}
    line = json.dumps(item, ensure_ascii=False)
    if not is_storable(line.replace("\x00", "")):
        line = json.dumps(item)
    return line + "\n"
