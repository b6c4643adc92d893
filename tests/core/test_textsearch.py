"""Text search through the trigram index finds what the LIKE scan finds, on both databases:
the review queue's q=, the claims API and /search over sentences, in Latin, German,
traditional and simplified Chinese and pinyin-glossed text, and right after every change."""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from tracker import create_app
from tracker.claims import queue
from tracker.claims import services as claims
from tracker.claims.models import Claim
from tracker.core import db, migrate, textsearch
from tracker.core.textsearch import Strategy
from tracker.exports import backup, bulk
from tracker.sources import services as sources
from tracker.sources.models import Sentence, Source

# Fixture text written for these tests: each article is one language or script.
ARTICLES = {
    "en": (
        "The committee approved the budget on Tuesday.\n"
        'A spokesperson said 100% of the funds_reserve were spent, calling critics "reckless".\n'
        "The file lives in C:\\budget\\2024 on the shared drive.\n"
    ),
    "de": (
        "Die Straßenbahn fährt künftig über die neue Brücke.\n"
        "Der Bürgermeister sagte, die Maßnahme koste zwölf Millionen Euro.\n"
        "ÖFFENTLICHE Verkehrsmittel bleiben günstig.\n"
    ),
    "zh-Hant": "臺北市政府宣布新的預算計畫。發言人表示，資金將用於公共運輸。\n",
    "zh": "北京市政府发布了新的交通计划。发言人表示，公共交通票价保持不变。\n",
    "zh-pinyin": "聯(lián)創(chuàng)公司的研究員離職了。該公司(gōngsī)表示會繼續研究。\n",
}
#: (article, quote, statement, speaker): the claims of the fixture.
CLAIMS = {
    "budget": (
        "en",
        "The committee approved the budget on Tuesday.",
        "The budget passed.",
        "the article",
    ),
    "funds": (
        "en",
        'A spokesperson said 100% of the funds_reserve were spent, calling critics "reckless".',
        "All of the reserve was spent.",
        "a spokesperson",
    ),
    "tram": (
        "de",
        "Die Straßenbahn fährt künftig über die neue Brücke.",
        "Die Tram fährt über die Brücke.",
        "the article",
    ),
    "cost": (
        "de",
        "Der Bürgermeister sagte, die Maßnahme koste zwölf Millionen Euro.",
        "Die Maßnahme kostet 12 Mio. Euro.",
        "Bürgermeister",
    ),
    "taipei": ("zh-Hant", "臺北市政府宣布新的預算計畫。", "臺北公布預算。", "the article"),
    "beijing": ("zh", "北京市政府发布了新的交通计划。", "北京发布交通计划。", "发言人"),
    "lianchuang": (
        "zh-pinyin",
        "聯(lián)創(chuàng)公司的研究員離職了。",
        "研究員離職。",
        "the article",
    ),
}
#: What a reader expects each query to find, by hand: claims (by name) and sentences (by
#: article and line, from 0).
EXPECTED: list[tuple[str, set[str], set[tuple[str, int]]]] = [
    ("budget", {"budget"}, {("en", 0), ("en", 2)}),
    ("BUDGET", {"budget"}, {("en", 0), ("en", 2)}),
    ("the budget", {"budget"}, {("en", 0)}),
    ("straße", {"tram"}, {("de", 0)}),
    ("STRASSENBAHN", {"tram"}, {("de", 0)}),
    ("brücke", {"tram"}, {("de", 0)}),
    ("maßnahme", {"cost"}, {("de", 1)}),
    ("öffentliche", set(), {("de", 2)}),
    ("bürgermeister", {"cost"}, {("de", 1)}),
    ("100%", {"funds"}, {("en", 1)}),
    ("0%", {"funds"}, {("en", 1)}),
    ("100_", set(), set()),
    ("funds_reserve", {"funds"}, {("en", 1)}),
    ("s_r", {"funds"}, {("en", 1)}),
    ("%", {"funds"}, {("en", 1)}),
    ("_", {"funds"}, {("en", 1)}),
    ("c:\\budget\\2024", set(), {("en", 2)}),
    ("\\2", set(), {("en", 2)}),
    ('"reckless"', {"funds"}, {("en", 1)}),
    ('s "r', {"funds"}, {("en", 1)}),
    ("AND", set(), set()),  # FTS5 query syntax is text like any other
    ("NEAR(", set(), set()),
    ("*", set(), set()),
    ("市政府", {"taipei", "beijing"}, {("zh-Hant", 0), ("zh", 0)}),
    ("預算", {"taipei"}, {("zh-Hant", 0)}),
    ("预算", {"taipei"}, {("zh-Hant", 0)}),
    ("預算計畫", {"taipei"}, {("zh-Hant", 0)}),
    ("计划", {"taipei", "beijing"}, {("zh-Hant", 0), ("zh", 0)}),  # 計畫 is 计划 in simplified
    ("交通计划", {"beijing"}, {("zh", 0)}),
    ("交通計劃", {"beijing"}, {("zh", 0)}),
    ("发言人", {"beijing"}, {("zh-Hant", 1), ("zh", 1)}),
    ("公司", {"lianchuang"}, {("zh-pinyin", 0), ("zh-pinyin", 1)}),
    ("联创", {"lianchuang"}, {("zh-pinyin", 0)}),
    ("聯創公司", {"lianchuang"}, {("zh-pinyin", 0)}),
    ("研究员离职", {"lianchuang"}, {("zh-pinyin", 0)}),
    ("lián", set(), set()),  # glosses are not searched
    ("gōngsī", set(), set()),
    ("司表", set(), {("zh-pinyin", 1)}),  # the gloss between them is skipped
    ("北", {"taipei", "beijing"}, {("zh-Hant", 0), ("zh", 0)}),
    ("r d", {"tram"}, {("de", 0)}),  # "über die"
    (
        "e",  # "the article" speaks in two Chinese claims
        {"budget", "funds", "tram", "cost", "taipei", "lianchuang"},
        {("en", 0), ("en", 1), ("en", 2), ("de", 0), ("de", 1), ("de", 2)},
    ),
    ("nothing of the sort", set(), set()),
]


@dataclass
class Fixture:
    claim_ids: dict[str, int]
    sentence_ids: dict[tuple[str, int], int]


@pytest.fixture
def fixture(app: Flask) -> Fixture:
    with app.app_context():
        claim_ids = {}
        sentence_ids = {}
        for name, text in ARTICLES.items():
            language = "zh-Hant" if name == "zh-pinyin" else name
            source = sources.import_source(
                text, sources.SourceMetadata(language=language), actor=None
            )
            for sentence in source.sentences:
                sentence_ids[(name, sentence.index)] = sentence.id
        for key, (article, quote, statement, speaker) in CLAIMS.items():
            source = db.session.scalar(sa.select(Source).where(Source.text == ARTICLES[article]))
            start = claims.locate_quote(source, quote)
            draft = claims.ClaimDraft(
                start=start, end=start + len(quote), statement=statement, speaker=speaker
            )
            claim_ids[key] = claims.mark_claim(source.id, draft, actor=None).id
        db.session.commit()
        return Fixture(claim_ids, sentence_ids)


def _claims_found(q: str, strategy: Strategy | None = None) -> list[int]:
    """Claim ids in the queue's order, found for `q` the way `strategy` says."""
    match = textsearch.find(Claim.search_text, q, strategy)
    stmt = (
        sa.select(Claim.id)
        .where(Claim.is_deleted.is_(False), match.condition)
        .order_by(*match.order_by(*queue.SORTS["updated"]))
    )
    return list(db.session.scalars(stmt))


def _sentences_found(q: str, strategy: Strategy | None = None) -> list[int]:
    match = textsearch.find(Sentence.search_text, q, strategy)
    stmt = (
        sa.select(Sentence.id)
        .where(match.condition)
        .order_by(*match.order_by(Sentence.source_id.desc(), Sentence.index))
    )
    return list(db.session.scalars(stmt))


def _strategies(q: str) -> list[Strategy | None]:
    """The tracker's choice, the scan, and the index wherever it can answer."""
    dialect = db.session.get_bind().dialect.name
    key = textsearch.search_key(q)
    can_index = len(key) >= textsearch.TRIGRAM or dialect == "postgresql"
    return [None, Strategy.scan, *([Strategy.index] if can_index else [])]


def test_the_index_finds_what_a_reader_expects(app, fixture, client, auth):
    auth.login("reviewer")
    with app.app_context():
        queue_order = [c.id for c in queue.list_claims(queue.ClaimFilter(), per_page=100).items]
        sentence_order = [
            s for s in _sentences_found("") if s in fixture.sentence_ids.values()
        ]  # every sentence, in /search's order
        for q, want_claims, want_sentences in EXPECTED:
            claim_ids = [i for i in queue_order if i in {fixture.claim_ids[k] for k in want_claims}]
            sentence_ids = [
                i for i in sentence_order if i in {fixture.sentence_ids[s] for s in want_sentences}
            ]
            for strategy in _strategies(q):
                assert _claims_found(q, strategy) == claim_ids, (q, strategy)
                assert _sentences_found(q, strategy) == sentence_ids, (q, strategy)
            page = queue.list_claims(queue.ClaimFilter(q=q), per_page=100)
            assert [c.id for c in page.items] == claim_ids, q
            assert page.total == len(claim_ids), q
            found = sources.search_sentences(q, per_page=100)
            assert [s.id for s in found.items] == sentence_ids, q
    for q, want_claims, _ in EXPECTED[:8]:  # and through the API the same
        body = client.get("/api/v1/claims", query_string={"q": q}).json
        assert {item["id"] for item in body["items"]} == {fixture.claim_ids[k] for k in want_claims}


def test_the_index_finds_every_substring_the_scan_finds(app_ctx, fixture):
    """Every piece of 1 to 6 characters of the stored texts, and pieces that occur nowhere:
    the same rows, in the same order, as Python's `in` over the stored search text."""
    claim_texts = dict(db.session.execute(sa.select(Claim.id, Claim.search_text)).all())
    sentence_texts = dict(db.session.execute(sa.select(Sentence.id, Sentence.search_text)).all())
    claim_order = _claims_found("")
    sentence_order = _sentences_found("")
    rng = random.Random(11)
    queries = set()
    for text in [*claim_texts.values(), *sentence_texts.values()]:
        for _ in range(12):
            start = rng.randrange(len(text))
            queries.add(text[start : start + rng.randint(1, 6)].strip() or "x")
    queries |= {"zz%", "q_x", 'a"b', "创公司的研究員", "straßen", "市政府宣布新的預算計畫。"}
    assert len(queries) > 150
    for q in sorted(queries):
        key = textsearch.search_key(q)
        want_claims = [i for i in claim_order if key in claim_texts[i]]
        want_sentences = [i for i in sentence_order if key in sentence_texts[i]]
        for strategy in _strategies(q):
            assert _claims_found(q, strategy) == want_claims, (q, strategy)
            assert _sentences_found(q, strategy) == want_sentences, (q, strategy)


ALPHABET = "ab c%_\\\"'*-:()ßäÄ联聯创創公司國国🦜\n"


def test_random_text_is_found_exactly_where_it_occurs(app_ctx):
    """Sentences of random text over an alphabet of wildcards, quotes, FTS5 syntax, German,
    Chinese and an emoji, searched for random pieces of it and for random strings."""
    source = sources.import_source("Zufall.\n", actor=None)
    rng = random.Random(5)
    texts = ["".join(rng.choices(ALPHABET, k=rng.randint(1, 40))) for _ in range(120)]
    # Rows written straight to the table, as a restore or a migration would: the triggers
    # keep the index.
    db.session.execute(
        sa.insert(Sentence),
        [
            {
                "source_id": source.id,
                "index": n + 1,
                "start": 0,
                "end": 1,
                "reading_text": t,
                "search_text": textsearch.search_key(t),
                "glosses": [],
            }
            for n, t in enumerate(texts)
        ],
    )
    stored = dict(
        db.session.execute(
            sa.select(Sentence.id, Sentence.search_text).where(Sentence.source_id == source.id)
        ).all()
    )
    order = list(
        db.session.scalars(
            sa.select(Sentence.id)
            .where(Sentence.source_id == source.id)
            .order_by(Sentence.source_id.desc(), Sentence.index)
        )
    )
    queries = {t[s : s + n] for t in texts for s, n in [(rng.randrange(len(t)), rng.randint(1, 8))]}
    queries |= {"".join(rng.choices(ALPHABET, k=rng.randint(3, 6))) for _ in range(60)}
    for q in sorted(queries):
        if not q.strip():
            continue
        key = textsearch.search_key(q)
        want = [i for i in order if key in stored[i]]
        for strategy in _strategies(q):
            got = [i for i in _sentences_found(q, strategy) if i in stored]
            assert got == want, (q, strategy)


def _fts_is_intact() -> None:
    """On SQLite, FTS5 checks its index against the table it indexes (PostgreSQL keeps its
    GIN index itself)."""
    if db.session.get_bind().dialect.name == "sqlite":
        for fts in textsearch.FTS_TABLES.values():
            db.session.execute(sa.text(f"INSERT INTO {fts} ({fts}) VALUES ('integrity-check')"))


def test_an_edited_statement_is_found_by_its_new_words_at_once(app_ctx, fixture):
    claim_id = fixture.claim_ids["budget"]
    claim = claims.get_claim(claim_id)
    assert _claims_found("passed") == [claim_id]
    claims.edit_claim(
        claim_id,
        claims.ClaimChanges(statement="The council rejected the spending plan."),
        version=claim.version,
        actor=None,
    )
    # Right after the service call, in its transaction, before any commit.
    for strategy in _strategies("passed"):
        assert _claims_found("passed", strategy) == [], strategy
        assert _claims_found("spending plan", strategy) == [claim_id], strategy
    assert queue.list_claims(queue.ClaimFilter(q="rejected the spending")).total == 1
    assert queue.list_claims(queue.ClaimFilter(q="budget passed")).total == 0
    _fts_is_intact()
    db.session.commit()
    assert queue.list_claims(queue.ClaimFilter(q="spending plan")).total == 1
    assert queue.list_claims(queue.ClaimFilter(q="passed")).total == 0


def test_an_edit_through_the_api_is_found_by_the_next_search(client, auth, fixture):
    auth.login("reviewer")
    claim_id = fixture.claim_ids["tram"]
    version = client.get(f"/api/v1/claims/{claim_id}").json["version"]
    response = client.patch(
        f"/api/v1/claims/{claim_id}",
        json={"statement": "Die Seilbahn ersetzt die Fähre.", "version": version},
    )
    assert response.status_code == 200, response.text
    found = client.get("/api/v1/claims", query_string={"q": "seilbahn"}).json
    assert [item["id"] for item in found["items"]] == [claim_id]
    assert client.get("/api/v1/claims", query_string={"q": "die tram"}).json["total"] == 0


def test_deleted_rows_leave_the_index(app_ctx, fixture):
    claim_id = fixture.claim_ids["cost"]
    claim = claims.get_claim(claim_id)
    claims.delete_claim(claim_id, version=claim.version, actor=None, note="a duplicate")
    assert queue.list_claims(queue.ClaimFilter(q="12 mio")).total == 0
    assert queue.list_claims(queue.ClaimFilter(q="12 mio", include_deleted=True)).total == 1
    # A source removed from the table takes its sentences and claims with it (ON DELETE
    # CASCADE): none of them is found any more.
    source_id = db.session.scalar(sa.select(Claim.source_id).where(Claim.id == claim_id))
    db.session.execute(sa.delete(Source).where(Source.id == source_id))
    db.session.expire_all()
    for strategy in _strategies("maßnahme"):
        assert _claims_found("maßnahme", strategy) == [], strategy
        assert _sentences_found("maßnahme", strategy) == [], strategy
    assert queue.list_claims(queue.ClaimFilter(q="maßnahme", include_deleted=True)).total == 0
    assert sources.search_sentences("brücke").total == 0
    _fts_is_intact()


def test_a_rolled_back_savepoint_leaves_nothing_in_the_index(app_ctx, fixture):
    claim = claims.get_claim(fixture.claim_ids["taipei"])
    with pytest.raises(RuntimeError), db.session.begin_nested():
        claims.edit_claim(
            claim.id,
            claims.ClaimChanges(statement="高雄公布預算。"),
            version=claim.version,
            actor=None,
        )
        assert queue.list_claims(queue.ClaimFilter(q="高雄公布")).total == 1
        raise RuntimeError("undo")
    db.session.expire_all()
    assert queue.list_claims(queue.ClaimFilter(q="高雄公布")).total == 0
    assert queue.list_claims(queue.ClaimFilter(q="臺北公布")).total == 1
    _fts_is_intact()


def _reads_table_whole(stmt: sa.Select[tuple[int]], table: str) -> bool:
    """Whether the database plans to read every row of `table` (or of an index of it) for
    `stmt`, rather than look the rows up."""
    compiled = stmt.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True})
    if db.session.get_bind().dialect.name == "sqlite":
        plan = [row[-1] for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}"))]
        return any(step == f"SCAN {table}" or step.startswith(f"SCAN {table} ") for step in plan)
    # The tables are tiny: without this the planner reads them whole, index or not.
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    plan = list(db.session.scalars(sa.text(f"EXPLAIN {compiled}")))
    return not any(f"ix_{table}_search_text_trgm" in step for step in plan)


@pytest.mark.parametrize(
    ("q", "indexed"),
    [("budget", True), ("市政府", True), ("预算", False), ("e", False)],
)
def test_searches_of_three_characters_or_more_read_the_index(
    app_ctx, fixture, count_queries, q, indexed
):
    for model in (Claim, Sentence):
        with count_queries() as counter:
            stmt = sa.select(model.id).where(textsearch.find(model.search_text, q).condition)
            assert _reads_table_whole(stmt, model.__tablename__) is not indexed, model
        if db.session.get_bind().dialect.name == "sqlite":
            # The row ids come from the FTS5 table, asked once.
            asked = [s for s in counter.statements if " MATCH " in s]
            assert len(asked) == (1 if indexed else 0), counter.statements


def test_postgresql_scans_what_has_no_trigram_it_indexes(app_ctx, fixture):
    """pg_trgm indexes words: "r d" is three characters but no word of three, and a GIN scan
    for it would read the whole index; SQLite's trigrams take spaces and find it."""
    dialect = db.session.get_bind().dialect.name
    assert textsearch.choose("r d", dialect) is (
        Strategy.index if dialect == "sqlite" else Strategy.scan
    )
    want = [fixture.claim_ids["tram"]]
    assert [c.id for c in queue.list_claims(queue.ClaimFilter(q="r d")).items] == want
    assert [s.index for s in sources.search_sentences("r d").items] == [0]


def test_blank_search_finds_every_row(app_ctx, fixture):
    assert queue.list_claims(queue.ClaimFilter(q="   ")).total == len(CLAIMS)
    assert sources.search_sentences("  ").total == 0  # /search asks for something


def test_common_words_and_rare_ones_page_in_the_same_order(app_ctx):
    """25,000 sentences over three sources: a word in every one, one in about 2,000 and one
    in 7, so the index lists many ids, a few, or leaves it to the COUNT and the page."""
    ids = [sources.import_source(f"Quelle {n}.\n", actor=None).id for n in range(3)]
    rng = random.Random(3)
    rows = []
    for n in range(25_000):
        words = ["gemein"]
        if rng.random() < 0.08:
            words.append("mittelhäufig")
        if n % 3571 == 5:
            words.append("seltenheit")
        rows.append(
            {
                "source_id": ids[n % 3],
                "index": 1 + n // 3,
                "start": 0,
                "end": 1,
                "reading_text": " ".join(words),
                "search_text": " ".join(words) + f" nr{n}",
                "glosses": [],
            }
        )
    db.session.execute(sa.insert(Sentence), rows)
    order = list(
        db.session.execute(
            sa.select(Sentence.id, Sentence.search_text)
            .where(Sentence.source_id.in_(ids))
            .order_by(Sentence.source_id.desc(), Sentence.index)
        )
    )
    for q, at_least in (("gemein", 25_000), ("mittelhäufig", 1_500), ("seltenheit", 7)):
        want = [i for i, text in order if q in text]
        assert len(want) >= at_least
        for page in (1, 3, -(-len(want) // 50)):
            found = sources.search_sentences(q, page=page, per_page=50)
            assert found.total == len(want), q
            assert [s.id for s in found.items] == want[(page - 1) * 50 : page * 50], (q, page)


def test_a_word_in_more_claims_than_the_index_lists_pages_like_the_scan(app_ctx):
    source = sources.import_source("Eine Quelle mit einem Satz.\n", actor=None)
    rng = random.Random(8)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "source_id": source.id,
            "start": 0,
            "end": 4,
            "quote": "Eine",
            "statement": "überall",
            "speaker": "the article",
            "subjects": [],
            "status": "unreviewed",
            "search_text": f"überall {'hin und her' if n % 7 == 0 else ''} {n}",
            "is_deleted": n % 50 == 0,
            "created_at": at,
            "updated_at": at + timedelta(minutes=rng.randrange(10_000)),
            "version": 1,
        }
        for n in range(textsearch.LISTED + 1_000)
    ]
    db.session.execute(sa.insert(Claim), rows)
    order = list(
        db.session.execute(
            sa.select(Claim.id, Claim.search_text)
            .where(Claim.is_deleted.is_(False))
            .order_by(*queue.SORTS["updated"])
        )
    )
    for q in ("überall", "hin und her", "ÜBERALL HIN"):
        key = q.casefold()
        want = [i for i, text in order if key in text]
        assert want
        for page in (1, 7, -(-len(want) // 50)):
            found = queue.list_claims(queue.ClaimFilter(q=q), page=page, per_page=50)
            assert found.total == len(want), q
            assert [c.id for c in found.items] == want[(page - 1) * 50 : page * 50], (q, page)


def test_claims_loaded_in_bulk_are_found_and_a_refused_file_leaves_nothing(app_ctx, fixture):
    source_id = db.session.scalar(sa.select(Source.id).where(Source.text == ARTICLES["de"]))
    good = {
        "source_id": source_id,
        "quote": "ÖFFENTLICHE Verkehrsmittel bleiben günstig.",
        "statement": "Der Nahverkehr bleibt billig.",
    }
    bad = {"source_id": source_id, "quote": "steht nirgends", "statement": "Ein Luftschloss."}

    def load(rows: list[dict[str, object]], *, skip_bad: bool) -> bulk.ImportReport:
        text = "\n".join(json.dumps(row) for row in rows) + "\n"
        return bulk.import_claims(bulk.read_records(text, "jsonl"), actor=None, skip_bad=skip_bad)

    refused = load([good, bad], skip_bad=False)
    assert refused.added == [] and len(refused.errors) == 1
    assert queue.list_claims(queue.ClaimFilter(q="nahverkehr")).total == 0
    report = load([good, bad], skip_bad=True)
    assert len(report.added) == 1
    for q in ("nahverkehr bleibt", "öffentliche verkehrsmittel"):
        assert [c.id for c in queue.list_claims(queue.ClaimFilter(q=q)).items] == report.added
    assert queue.list_claims(queue.ClaimFilter(q="luftschloss")).total == 0
    _fts_is_intact()


def test_a_restored_database_is_searched_like_the_one_dumped(app_ctx, fixture, new_database):
    out = io.StringIO(newline="\n")
    backup.dump_database(out, with_passwords=False)
    backend = db.session.get_bind().dialect.name
    url = new_database(backend)
    migrate.upgrade(url)
    restored = create_app({"DATABASE_URL": url, "SECRET_KEY": "test"})
    try:
        with restored.app_context():
            backup.restore_database(io.StringIO(out.getvalue(), newline="\n"))
            db.session.commit()
            for q, want_claims, want_sentences in EXPECTED:
                found = queue.list_claims(queue.ClaimFilter(q=q), per_page=100)
                assert {c.id for c in found.items} == {fixture.claim_ids[k] for k in want_claims}
                assert {s.id for s in sources.search_sentences(q, per_page=100).items} == {
                    fixture.sentence_ids[s] for s in want_sentences
                }, q
            _fts_is_intact()
    finally:
        restored.extensions["tracker.engine"].dispose()


def test_a_query_with_a_nul_character_is_refused_and_fails_nowhere(client, auth, fixture):
    auth.login("reviewer")
    for q in ("budget\x00", "\x00", "市政府\x00预算"):
        for path in ("/claims", "/search"):
            page = client.get(path, query_string={"q": q})
            assert page.status_code == 400 and "NUL character" in page.text, (path, q)
