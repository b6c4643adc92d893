"""What real clients tripped on in the exports (issue 13): annotation timestamps, statuses a
spreadsheet rewrote, formula-like text, evidence passages, ClaimReview semantics, verdict dates.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from tracker.claims import services as claims
from tracker.claims.queue import ClaimFilter
from tracker.core import db
from tracker.exports import bulk
from tracker.exports import services as exports
from tracker.exports.services import ExportFormat, ExportRequest
from tracker.seeding import load_seeds
from tracker.sources import services as sources

ARTICLE = (
    "Musk gave OpenAI $44 million. OpenAI was founded in 2015.\n"
    "Altman said the 20% promise was kept. 奧特曼說承諾已兌現。\n"
)
QUOTE = "Musk gave OpenAI $44 million."
URL = "https://openai.com/index/openai-elon-musk/"
#: xsd:dateTime in UTC written with "Z", as the Web Annotation model requires.
Z_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _export(fmt: ExportFormat, **filters: object) -> str:
    return "".join(exports.export_claims(ExportRequest(fmt, ClaimFilter(**filters))))


def _claims_json(**filters: object) -> list[dict[str, object]]:
    return json.loads(_export(ExportFormat.json, **filters))["claims"]


def _load(text: str, fmt: str) -> bulk.ImportReport:
    return bulk.import_claims(bulk.read_records(text, fmt), actor=None)


def _delete_all() -> None:
    for item in _claims_json():
        claim = claims.get_claim(int(item["id"]))  # type: ignore[call-overload]
        claims.delete_claim(claim.id, version=claim.version, actor=None, note="re-import")


@pytest.fixture
def source_id(app: Flask) -> int:
    with app.app_context():
        source = sources.import_source(
            ARTICLE, sources.SourceMetadata(title="Musk and OpenAI"), actor=None
        )
        db.session.commit()
        return source.id


# --- W3C annotations: created / modified ------------------------------------------------------


def test_annotation_times_are_utc_written_with_z(app_ctx, source_id):
    began = datetime.now(UTC).replace(microsecond=0)
    load_seeds()
    claim = claims.mark_claim(
        source_id, claims.ClaimDraft(start=0, end=len(QUOTE), statement="$44M."), actor=None
    )
    claims.edit_claim(
        claim.id, claims.ClaimChanges(status="in_review"), version=claim.version, actor=None
    )
    db.session.flush()
    ended = datetime.now(UTC) + timedelta(seconds=1)
    items = json.loads(_export(ExportFormat.annotations))
    assert len(items) == 91
    for item in items:
        for name in ("created", "modified"):
            assert Z_TIME.fullmatch(item[name]), (item["id"], name, item[name])
            at = datetime.fromisoformat(item[name].replace("Z", "+00:00"))
            assert began <= at <= ended, (item["id"], name, item[name])
        assert item["created"] <= item["modified"]


# --- bulk import: statuses as a spreadsheet writes them ---------------------------------------


SPREADSHEET_STATUSES = {
    "FALSE": "false",  # LibreOffice and Excel write a "false" cell back as a boolean
    "False": "false",
    "Partly true": "partly_true",  # the labels the review queue shows
    "In review": "in_review",
    "Verified (it holds)": "verified",
    "MISLEADING": "misleading",
    "Unverifiable": "unverifiable",
}


def _status_rows(source: int) -> list[dict[str, object]]:
    return [
        {
            "source_id": source,
            "quote": QUOTE,
            "statement": f"Musk gave $44M ({written}).",
            "status": written,
            "rationale": "His lawsuit says $44.6M.",
            "evidence": f"refutes {URL}",
        }
        for written in SPREADSHEET_STATUSES
    ]


def _imported_statuses(report: bulk.ImportReport) -> dict[str, str]:
    found = {}
    for claim_id in report.added:
        claim = claims.get_claim(claim_id)
        written = claim.statement.removeprefix("Musk gave $44M (").removesuffix(").")
        found[written] = claim.status.value
    return found


def test_statuses_import_whatever_their_case_or_by_their_label_from_csv(app_ctx, source_id):
    rows = _status_rows(source_id)
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    report = _load(out.getvalue(), "csv")
    assert [e.message for e in report.errors] == []
    assert _imported_statuses(report) == SPREADSHEET_STATUSES


def test_statuses_import_whatever_their_case_or_by_their_label_from_json(app_ctx, source_id):
    rows = _status_rows(source_id)
    for row in rows:
        row["evidence"] = [{"url": URL, "stance": "refutes"}]
    report = _load(json.dumps(rows), "json")
    assert [e.message for e in report.errors] == []
    assert _imported_statuses(report) == SPREADSHEET_STATUSES
    bad = _load(json.dumps([{**rows[0], "status": "maybe", "statement": "x"}]), "json")
    assert [e.message for e in bad.errors] == ["Unknown status “maybe”."]


# --- formula-like text through a round trip ---------------------------------------------------


FORMULA_LIKE = ["'=1+1", "=1+1", "@x", "''=2", "'plain", "-3 percent", "+cmd", "'", "a'=b"]


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_formula_like_statements_come_back_exactly(app_ctx, source_id, fmt):
    for n, statement in enumerate(FORMULA_LIKE):
        claims.mark_claim(
            source_id,
            claims.ClaimDraft(
                start=0, end=len(QUOTE), statement=statement, speaker=f"'@speaker{n}"
            ),
            actor=None,
        )
    text = _export(ExportFormat(fmt))
    if fmt == "csv":
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)]  # the guard holds
    _delete_all()
    report = _load(text, fmt)
    assert report.errors == [] and len(report.added) == len(FORMULA_LIKE)
    back = [(c["statement"], c["speaker"]) for c in _claims_json()]
    assert back == [(s, f"'@speaker{n}") for n, s in enumerate(FORMULA_LIKE)]


# --- evidence passages in JSON and JSON Lines -------------------------------------------------


PASSAGE = "Musk contributed $44.6 million.\nHe wanted majority equity."


def test_json_exports_carry_the_evidence_passage_and_import_keeps_it(app_ctx, source_id):
    claim = claims.mark_claim(
        source_id, claims.ClaimDraft(start=0, end=len(QUOTE), statement="$44M."), actor=None
    )
    claims.attach_evidence(
        claim.id,
        claims.EvidenceDraft(
            url=URL, title="OpenAI and Elon Musk", stance="refutes", passage=PASSAGE
        ),
        actor=None,
    )
    for fmt in (ExportFormat.json, ExportFormat.jsonl):
        text = _export(fmt)
        items = (
            json.loads(text)["claims"]
            if fmt == "json"
            else [json.loads(line) for line in text.splitlines()]
        )
        assert [e["passage"] for i in items for e in i["evidence"]] == [PASSAGE], fmt
        _delete_all()
        report = _load(text, fmt.value)
        assert report.errors == [] and len(report.added) == 1, fmt
        assert claims.get_claim(report.added[0]).live_evidence[0].passage == PASSAGE, fmt
