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

from tests.support.schemaorg import problems
from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.claims.queue import ClaimFilter
from tracker.core import db
from tracker.entities import services as entities
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


# --- ClaimReview semantics --------------------------------------------------------------------


LONG = (
    "Musk gave OpenAI forty-four million dollars over several years before he left the "
    "board in 2018, his lawsuit says."
)
LONG_ZH = "馬斯克在二零一八年離開董事會之前的幾年裡向開放人工智慧研究中心捐贈了四千四百萬美元" * 2


@pytest.fixture
def reviewed(app: Flask) -> dict[str, int]:
    """False claims by several kinds of speakers, in an article with a URL and one without."""
    with app.app_context():
        entities.create_entity("Sam Altman", "person", ["Altman"], actor=None)
        entities.create_entity("OpenAI", "organisation", actor=None)
        with_url = sources.import_source(
            ARTICLE,
            sources.SourceMetadata(
                title="Musk and OpenAI: the long story of a falling out",
                language="en",
                url="https://www.news.example/2024/musk-openai",
            ),
            actor=None,
        )
        without_url = sources.import_source(
            ARTICLE + "\n", sources.SourceMetadata(title="An article with no address"), actor=None
        )
        made = {}
        for name, source, speaker, statement in [
            ("article", with_url.id, "the article", "Musk gave OpenAI $44M."),
            ("article_no_url", without_url.id, "the article", "Musk gave OpenAI $44M."),
            ("group", with_url.id, "people close to Sam Altman", "Musk gave $44M (close)."),
            ("person", with_url.id, "Sam Altman", "Musk gave $44M (Altman)."),
            ("organisation", with_url.id, "OpenAI", "Musk gave $44M (OpenAI)."),
            ("long", with_url.id, "the article", LONG),
            ("long_zh", with_url.id, "the article", LONG_ZH),
        ]:
            claim = claims.mark_claim(
                source,
                claims.ClaimDraft(
                    start=0,
                    end=len(QUOTE),
                    statement=statement,
                    speaker=speaker,
                    status="false",
                    rationale="His lawsuit says $44.6M.",
                ),
                actor=None,
            )
            made[name] = claim.id
        db.session.commit()
        return made


def _reviews() -> dict[int, dict[str, object]]:
    items = json.loads(_export(ExportFormat.claimreview))
    return {int(i["url"].rsplit("/", 1)[1]): i for i in items}


def test_the_articles_own_claims_are_by_its_site_never_by_its_headline(app_ctx, reviewed):
    reviews = _reviews()
    assert all(problems(r) == [] for r in reviews.values())
    author = reviews[reviewed["article"]]["itemReviewed"]["author"]
    assert author == {
        "@type": "Organization",
        "name": "news.example",
        "url": "https://www.news.example",
    }
    assert "author" not in reviews[reviewed["article_no_url"]]["itemReviewed"]


def test_speakers_are_typed_by_what_the_tracker_knows_and_groups_are_not_people(app_ctx, reviewed):
    reviews = _reviews()

    def author(name: str) -> dict[str, str]:
        return reviews[reviewed[name]]["itemReviewed"]["author"]  # type: ignore[index]

    assert author("person") == {"@type": "Person", "name": "Sam Altman"}
    assert author("organisation") == {"@type": "Organization", "name": "OpenAI"}
    assert author("group")["@type"] != "Person"
    assert author("group")["name"] == "people close to Sam Altman"


def test_the_rating_has_a_name_and_the_claim_reviewed_is_short(app_ctx, reviewed):
    reviews = _reviews()
    for review in reviews.values():
        assert review["reviewRating"]["name"] == "False"  # type: ignore[index]
        assert review["reviewRating"]["alternateName"] == "False"  # type: ignore[index]
    short = reviews[reviewed["article"]]
    assert short["claimReviewed"] == "Musk gave OpenAI $44M."
    for name, full in (("long", LONG), ("long_zh", LONG_ZH)):
        review = reviews[reviewed[name]]
        shown = review["claimReviewed"]
        assert isinstance(shown, str) and len(shown) <= 75 and shown.endswith("…"), shown
        kept = shown.removesuffix("…").rstrip()
        assert full.startswith(kept) and len(kept) >= 40, shown
        assert review["itemReviewed"]["description"] == full  # type: ignore[index]
    cut = reviews[reviewed["long"]]["claimReviewed"].removesuffix("…").rstrip()  # type: ignore[union-attr]
    assert LONG[len(cut)] == " "  # cut between words, not inside one


def test_seeded_claimreviews_are_short_and_never_by_a_headline(app_ctx):
    load_seeds()
    db.session.flush()
    headlines = {s.title for s in sources.list_sources(per_page=100).items}
    items = json.loads(_export(ExportFormat.claimreview))
    assert len(items) == 21
    for item in items:
        assert problems(item) == [], item["url"]
        assert len(item["claimReviewed"]) <= 75, item["claimReviewed"]
        assert item["reviewRating"]["name"] == item["reviewRating"]["alternateName"]
        author = item["itemReviewed"].get("author")
        assert author is None or author["name"] not in headlines, item["url"]
        if author and author["name"].startswith("people close to"):
            assert author["@type"] != "Person"


# --- verdict_at: only with a verdict ----------------------------------------------------------


def test_only_claims_with_a_verdict_carry_a_verdict_date(app_ctx, source_id, make_user):
    load_seeds()
    editor = make_user(Role.editor)
    claim = claims.mark_claim(
        source_id, claims.ClaimDraft(start=0, end=len(QUOTE), statement="$44M."), actor=None
    )
    claim = claims.edit_claim(
        claim.id,
        claims.ClaimChanges(status="verified", rationale="The lawsuit says so."),
        version=claim.version,
        actor=editor,
    )
    reopened = claims.edit_claim(
        claim.id, claims.ClaimChanges(status="in_review"), version=claim.version, actor=editor
    )
    db.session.flush()
    items = _claims_json()
    pending = [c for c in items if c["status"] in ("unreviewed", "in_review")]
    checked = [c for c in items if c["status"] not in ("unreviewed", "in_review")]
    assert len(pending) == 70 and len(checked) == 21  # the seeds' 69 and 21, and ours
    assert [c["id"] for c in pending if c["verdict_at"] is not None] == []
    assert [c["id"] for c in checked if c["verdict_at"] is None] == []
    assert next(c for c in items if c["id"] == reopened.id)["verdict_at"] is None
    for item in checked:
        assert str(item["verdict_at"]) >= str(item["created_at"])


def test_a_claim_in_review_says_nothing_of_a_review_on_its_page(client, auth, source_id):
    auth.login(Role.viewer)
    with client.application.app_context():
        claim = claims.mark_claim(
            source_id, claims.ClaimDraft(start=0, end=len(QUOTE), statement="$44M."), actor=None
        )
        db.session.commit()
    page = client.get(f"/review/{claim.id}")
    assert page.status_code == 200 and "Not published" in page.text
    assert "Reviewed " not in page.text
