"""Claims in bulk from CSV, JSON and JSON Lines: all or nothing, or good rows and a reject file."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask import Flask

from tracker.claims import services as claims
from tracker.claims.queue import ClaimFilter
from tracker.core import db
from tracker.core.errors import InvalidInput
from tracker.exports import bulk
from tracker.exports import services as exports
from tracker.exports.rows import iter_claim_rows
from tracker.exports.services import ExportFormat, ExportRequest
from tracker.questions import services as questions
from tracker.sources import services as sources

ARTICLE = (
    "Musk gave OpenAI $44 million. OpenAI was founded in 2015.\n"
    "Altman said the 20% promise was kept. 奧特曼說承諾已兌現。\n"
)
URL = "https://openai.com/index/openai-elon-musk/"


@pytest.fixture
def source_id(app: Flask) -> int:
    with app.app_context():
        source = sources.import_source(
            ARTICLE, sources.SourceMetadata(title="Musk and OpenAI"), actor=None
        )
        db.session.commit()
        return source.id


def _csv(rows: list[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        [
            "source_id",
            "quote",
            "statement",
            "speaker",
            "status",
            "rationale",
            "evidence",
            "question",
            "start",
            "end",
        ],
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _load(text: str, fmt: str, skip_bad: bool = False) -> bulk.ImportReport:
    return bulk.import_claims(bulk.read_records(text, fmt), actor=None, skip_bad=skip_bad)


def test_a_file_with_a_bad_row_is_refused_whole_with_every_bad_line_named(app_ctx, source_id):
    text = _csv(
        [
            {
                "source_id": source_id,
                "quote": "Musk gave OpenAI $44 million.",
                "statement": "Musk gave $44M.",
                "status": "false",
                "rationale": "He gave $44.6M.",
                "evidence": f"refutes {URL}",
            },
            {"source_id": source_id, "quote": "Musk gave OpenAI $45 million.", "statement": "x"},
            {
                "source_id": source_id,
                "quote": "OpenAI was founded in 2015.",
                "statement": "2015.",
                "status": "maybe",
            },
            {"source_id": 999999, "quote": "x", "statement": "y"},
        ]
    )
    report = _load(text, "csv")
    assert report.added == []
    assert [(e.line, e.message.split(" ")[0]) for e in report.errors] == [
        (3, "The"),
        (4, "Unknown"),
        (5, "There"),
    ]
    assert "is not found in the source" in report.errors[0].message
    assert sum(len(batch) for batch in iter_claim_rows(ClaimFilter())) == 0


def test_skip_bad_loads_the_good_rows_and_returns_the_rest(app_ctx, source_id):
    text = _csv(
        [
            {
                "source_id": source_id,
                "quote": "Musk gave OpenAI $44 million.",
                "statement": "'=HYPERLINK(1)",
                "status": "false",
                "rationale": "He gave $44.6M.",
                "evidence": f"refutes {URL}",
                "question": "How much did Musk give?",
            },
            {"source_id": source_id, "quote": "nowhere to be found", "statement": "x"},
            {
                "source_id": source_id,
                "quote": "奧特曼說承諾已兌現。",
                "statement": "Altman says kept.",
                "speaker": "Sam Altman",
                "evidence": "agrees https://x.example",
            },
        ]
    )
    report = _load(text, "csv", skip_bad=True)
    assert len(report.added) == 1 and [e.line for e in report.errors] == [3, 4]
    claim = claims.get_claim(report.added[0])
    assert claim.statement == "=HYPERLINK(1)"  # the export's formula guard is undone
    assert claim.status.value == "false" and claim.live_evidence[0].url == URL
    assert claim.question_id is not None
    rejects = list(csv.DictReader(io.StringIO(bulk.write_rejects(report.errors, "csv"))))
    assert [r["line"] for r in rejects] == ["3", "4"]
    assert "STANCE URL" in rejects[1]["error"] and rejects[1]["quote"] == "奧特曼說承諾已兌現。"
    again = _load(text, "csv", skip_bad=True)
    assert again.added == [] and "there already" in again.errors[0].message


def test_exported_claims_import_back_the_same_in_every_format(app_ctx, source_id):
    first = claims.mark_claim(
        source_id,
        claims.ClaimDraft(
            start=0,
            end=29,
            statement="Musk gave OpenAI $44M.",
            speaker="the article",
            subjects=["Elon Musk"],
        ),
        actor=None,
    )
    claims.attach_evidence(
        first.id,
        claims.EvidenceDraft(url=URL, title="OpenAI and Elon Musk", stance="refutes"),
        actor=None,
    )
    claims.edit_claim(
        first.id,
        claims.ClaimChanges(status="false", rationale="$44.6M."),
        version=first.version,
        actor=None,
    )
    money = questions.create_question("How much did Musk give OpenAI?", "money", actor=None)
    questions.assign_question(first.id, money.id, actor=None)
    claims.mark_claim(
        source_id,
        claims.ClaimDraft(
            start=ARTICLE.index("奧特曼"),
            end=ARTICLE.index("奧特曼") + 10,
            statement="Altman says the promise was kept.",
            speaker="Sam Altman",
        ),
        actor=None,
    )
    for fmt in ("json", "jsonl", "csv"):
        text = "".join(exports.export_claims(ExportRequest(ExportFormat(fmt))))
        before = _summary()
        for claim_id in [c["id"] for c in before]:
            claim = claims.get_claim(claim_id)
            claims.delete_claim(claim_id, version=claim.version, actor=None, note="re-import")
        report = _load(text, fmt)
        assert report.errors == [] and len(report.added) == 2, fmt
        after = _summary()
        keep = (
            "statement",
            "quote",
            "start",
            "end",
            "speaker",
            "status",
            "rationale",
            "question",
            "value",
        )
        assert [{k: c[k] for k in keep} for c in after] == [
            {k: c[k] for k in keep} for c in before
        ], fmt
        assert [c["evidence"] for c in after][0][0]["url"] == URL


def _summary() -> list[dict[str, object]]:
    text = "".join(exports.export_claims(ExportRequest(ExportFormat.json)))
    return json.loads(text)["claims"]


def test_malformed_files_are_refused_before_anything_is_read(app_ctx, source_id):
    with pytest.raises(InvalidInput, match="Line 2: not JSON"):
        list(bulk.read_records('{"statement": "a"}\n{oops\n', "jsonl"))
    with pytest.raises(InvalidInput, match="no header row"):
        list(bulk.read_records("a,b\n1,2\n", "csv"))
    with pytest.raises(InvalidInput, match="neither a list"):
        list(bulk.read_records('{"items": []}', "json"))
    assert bulk.format_of("claims.NDJSON") == "jsonl"
    with pytest.raises(InvalidInput, match="not .csv"):
        bulk.format_of("claims.xlsx")
