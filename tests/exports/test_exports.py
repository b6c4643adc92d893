"""Exports: what an editor downloads, a script fetches, or the CLI writes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask import Flask

from tests.support.schemaorg import problems
from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.claims.models import ClaimStatus
from tracker.claims.queue import ClaimFilter
from tracker.core import db
from tracker.exports import services as exports
from tracker.exports.claimreview import RATINGS
from tracker.exports.rows import iter_claim_rows
from tracker.exports.services import CSV_COLUMNS, ExportFormat, ExportRequest
from tracker.seeding import load_seeds
from tracker.sources import services as sources

EVIL = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def seeded(app: Flask) -> dict[str, int]:
    """The seeds, plus one claim whose words would be a formula in a spreadsheet."""
    with app.app_context():
        load_seeds()
        source = sources.import_source(
            "-1 is what the minister said. @everyone heard it.\n", actor=None
        )
        claim = claims.mark_claim(
            source.id,
            claims.ClaimDraft(start=0, end=29, statement=EVIL, speaker="+cmd|' /C calc'!A0"),
            actor=None,
        )
        db.session.commit()
        return {"evil": claim.id, "source": source.id}


def _export(fmt: ExportFormat, **filters: object) -> str:
    return "".join(exports.export_claims(ExportRequest(fmt, ClaimFilter(**filters))))


def test_csv_has_a_row_per_claim_and_neutralises_formulas(app_ctx, seeded):
    text = _export(ExportFormat.csv)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) - 1 == 91  # 90 seed claims and the one added here
    by_id = {row[0]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    evil = by_id[str(seeded["evil"])]
    assert evil["statement"] == "'" + EVIL and evil["speaker"].startswith("'+cmd")
    assert evil["quote"] == "'-1 is what the minister said."
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    chinese = next(r for r in by_id.values() if r["language"].startswith("zh") and r["evidence"])
    assert "超級對齊" in text and chinese["evidence"].split(" ", 1)[0] in {
        "supports",
        "refutes",
        "context",
    }
    assert not text.startswith("\ufeff")
    with_bom = "".join(exports.export_claims(ExportRequest(ExportFormat.csv, bom=True)))
    assert with_bom.startswith("\ufeffid,statement,")


def test_csv_carries_question_value_reviewer_and_status(app, seeded, make_user):
    editor = make_user(Role.editor)
    with app.app_context():
        claim = claims.get_claim(seeded["evil"])
        claims.edit_claim(
            claim.id,
            claims.ClaimChanges(status="false", rationale="The minister said no such thing."),
            version=claim.version,
            actor=editor,
        )
        db.session.commit()
        rows = list(csv.DictReader(io.StringIO(_export(ExportFormat.csv, status="false"))))
        assert rows and {r["status"] for r in rows} == {"false"}
        mine = next(r for r in rows if r["id"] == str(seeded["evil"]))
        assert mine["reviewer"] == editor.username
        assert mine["rationale"] == "The minister said no such thing."
        assert mine["url"].endswith(f"/review/{seeded['evil']}")
        daniela = _export(ExportFormat.csv, q="Daniela")
    assert "What was Daniela Amodei's position at OpenAI?" in daniela
    assert "VP Safety and Policy" in daniela and "Deputy Director of Safety and Policy" in daniela


def test_json_and_json_lines_nest_the_evidence(app_ctx, seeded):
    document = json.loads(_export(ExportFormat.json))
    assert document["format"] == "factcheck-tracker claims"
    assert len(document["claims"]) == 91
    with_evidence = [c for c in document["claims"] if c["evidence"]]
    assert with_evidence and {"url", "title", "stance"} <= set(with_evidence[0]["evidence"][0])
    lines = _export(ExportFormat.jsonl).splitlines()
    assert [json.loads(line) for line in lines] == document["claims"]
    only_zh = json.loads(_export(ExportFormat.json, language="zh"))
    assert only_zh["filters"] == {"language": "zh", "sort": "updated"}
    assert {c["source"]["language"][:2] for c in only_zh["claims"]} == {"zh"}


def test_claimreview_conforms_to_schema_org_and_google(app_ctx, seeded):
    items = json.loads(_export(ExportFormat.claimreview))
    with_verdict = json.loads(_export(ExportFormat.json))["claims"]
    expected = {c["id"] for c in with_verdict if ClaimStatus(c["status"]) in RATINGS}
    assert len(items) == len(expected) > 0
    assert {int(i["url"].rsplit("/", 1)[1]) for i in items} == expected
    for item in items:
        assert problems(item) == [], item["url"]
        # Google's required properties, and the recommended ones we promise.
        assert item["@type"] == "ClaimReview" and item["claimReviewed"]
        assert item["url"].startswith("http") and item["reviewRating"]["alternateName"]
        assert item["author"]["@type"] == "Organization" and item["author"]["name"]
        assert item["datePublished"] and item["itemReviewed"]["@type"] == "Claim"
        assert item["itemReviewed"]["author"]["name"]
        assert item["itemReviewed"]["appearance"]["headline"]
        rating = item["reviewRating"]
        if "ratingValue" in rating:
            assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    names = {i["reviewRating"]["alternateName"] for i in items}
    assert names <= {r.name for r in RATINGS.values()}
    assert _export(ExportFormat.claimreview, status="unreviewed").strip() == "[\n]"


def test_claimreview_check_catches_what_is_not_schema_org():
    bad = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "x",
        "rating": 5,
        "itemReviewed": {"@type": "Claim", "author": "somebody"},
    }
    found = problems(bad)
    assert "ClaimReview: unknown property rating" in found
    assert any("itemReviewed.author: a literal" in p for p in found)


def test_annotations_anchor_each_quote_on_the_verbatim_text(app_ctx, seeded):
    items = json.loads(_export(ExportFormat.annotations))
    assert len(items) == 91
    texts = {}
    for item in items:
        target = item["target"]
        source_id = int(target["source"].split("/sources/")[1].split("/")[0])
        text = texts.setdefault(source_id, sources.get_source(source_id).text)
        quote, position = target["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        assert text[position["start"] : position["end"]] == quote["exact"]
        assert text[: position["start"]].endswith(quote["prefix"])
        assert text[position["end"] :].startswith(quote["suffix"])
        assert len(quote["prefix"]) == min(32, position["start"])
        assert item["@context"] == "http://www.w3.org/ns/anno.jsonld"
        assert item["type"] == "Annotation" and item["body"][0]["purpose"] == "describing"
    assert any("(lián)" in i["target"]["selector"][0]["exact"] for i in items)  # verbatim glosses


def test_exports_read_a_batch_at_a_time(app_ctx, seeded, count_queries):
    def cost(batch: int) -> tuple[int, int]:
        with count_queries() as counter:
            batches = list(iter_claim_rows(ClaimFilter(), batch=batch))
        return len(batches), counter.count

    ten, thirty = cost(10), cost(30)
    assert ten[0] == 10 and thirty[0] == 4  # 91 claims
    # Per batch: the claims, their evidence, reviewers and speakers; one more to find the end.
    assert ten[1] == 4 * 10 + 1 and thirty[1] == 4 * 4 + 1


def test_export_page_and_download_for_editors(client, auth, seeded):
    auth.login(Role.reviewer)
    assert client.get("/export").status_code == 403
    auth.logout()
    auth.login(Role.editor)
    page = client.get("/export?status=verified")
    assert page.status_code == 200 and "match these filters" in page.text
    response = client.get("/export/download?format=csv&status=verified&bom=1")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="claims-')
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeffid,") and ",verified," in body
    bad = client.get("/export/download?format=xls")
    assert bad.status_code == 400 and "The format is one of csv" in bad.text
    worse = client.get("/export/download?format=csv&status=maybe")
    assert worse.status_code == 400 and "Unknown status" in worse.text


def test_export_api_streams_with_a_token(client, runner, make_user, seeded):
    editor, viewer = make_user(Role.editor), make_user(Role.viewer)
    tokens = {
        user.username: runner.invoke(args=["tokens", "create", user.username]).output.strip()
        for user in (editor, viewer)
    }

    def get(url: str, who: str):  # type: ignore[no-untyped-def]
        return client.get(url, headers={"Authorization": f"Bearer {tokens[who]}"})

    response = get("/api/v1/export?format=claimreview", editor.username)
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert json.loads(response.data)[0]["@type"] == "ClaimReview"
    assert get("/api/v1/export?format=jsonl", viewer.username).status_code == 403
    bad = get("/api/v1/export?format=pdf", editor.username)
    assert bad.status_code == 400 and bad.json["error"]["fields"] == {"format": "invalid"}


def test_json_export_pages_with_a_cursor(client, runner, make_user, seeded):
    editor = make_user(Role.editor)
    token = runner.invoke(args=["tokens", "create", editor.username]).output.strip()
    headers = {"Authorization": f"Bearer {token}"}
    whole = client.get("/api/v1/export?format=json", headers=headers)
    expected = [c["id"] for c in json.loads(whole.data)["claims"]]
    seen, after = [], 0
    while after is not None:
        page = client.get(f"/api/v1/export?format=json&limit=40&after={after}", headers=headers)
        assert page.status_code == 200 and len(page.json["claims"]) <= 40
        seen += [c["id"] for c in page.json["claims"]]
        after = page.json["next_after"]
    assert seen == expected and len(seen) == 91
    bad = client.get("/api/v1/export?format=json&limit=0", headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["fields"] == {"limit": "out of range"}


def test_filtered_exports_attach_only_each_claims_own_evidence(app_ctx, seeded):
    whole = {c["id"]: c for c in json.loads(_export(ExportFormat.json))["claims"]}
    for status in ("verified", "false", "in_review"):
        part = json.loads(_export(ExportFormat.json, status=status))["claims"]
        assert part and all(c["status"] == status for c in part)
        for claim in part:
            assert claim["evidence"] == whole[claim["id"]]["evidence"]
            assert claim["reviewer"] == whole[claim["id"]]["reviewer"]
    # Small batches read the details by id range, across claims of other statuses: skipped.
    for batch in iter_claim_rows(ClaimFilter(status="verified"), batch=3):
        for row in batch:
            assert [e.url for e in row.evidence] == [e["url"] for e in whole[row.id]["evidence"]]
            assert row.reviewer == whole[row.id]["reviewer"]
