"""The disputes page and API at two data two_sizes: summary counts, keyset pages, filters, a fixed
number of statements and rows loaded by the page size, not by the data."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.conftest import QueryCounter
from tests.support.sized import Data
from tracker.accounts.models import Role
from tracker.claims.models import Claim
from tracker.core import db
from tracker.questions.models import Contradiction


def _walk(client: FlaskClient, url: str) -> tuple[list[dict[str, Any]], int]:
    """Every item of an API list, following `next` links; and how many pages it took."""
    items: list[dict[str, Any]] = []
    pages = 0
    while url:
        reply = client.get(url)
        assert reply.status_code == 200, reply.json
        items += reply.json["items"]
        pages += 1
        url = reply.json["next"]
    return items, pages


def _key(item: dict[str, Any]) -> tuple[str, int]:
    if item["kind"] == "disputed_claim":
        return ("claim", item["claims"][0]["id"])
    return ("contradiction", item["id"])


def test_paging_through_the_api_lists_every_dispute_once_and_the_counts_add_up(two_sizes):
    for data in two_sizes:
        expected = data.expected()
        assert len(expected["open"]) > 20 and len(expected["disputed_claims"]) > 5  # real data
        client = data.client()
        items, pages = _walk(client, "/api/v1/disputes?per_page=7")
        keys = [_key(i) for i in items]
        assert len(keys) == len(set(keys))  # no dispute on two pages
        assert {i for k, i in keys if k == "contradiction"} == expected["open"]
        assert {i for k, i in keys if k == "claim"} == expected["disputed_claims"]
        assert pages == -(-len(keys) // 7)
        first = client.get("/api/v1/disputes?per_page=7").json
        assert first["total"] == len(keys)
        summary = first["summary"]
        assert summary["open"] == len(expected["open"])
        assert summary["disputed_claims"] == len(expected["disputed_claims"])
        assert summary["decided"] == len(expected["decided"])
        assert summary["open_by_kind"] == {
            k.removeprefix("kind:"): len(v)
            for k, v in expected.items()
            if k.startswith("kind:") and v
        }
        # Grouped by question: once a question's cards end, it does not come back.
        order = [i["question"]["id"] if i["question"] else None for i in items]
        runs = [q for n, q in enumerate(order) if n == 0 or order[n - 1] != q]
        assert len(runs) == len(set(runs))


def test_the_page_shows_the_summary_then_a_page_of_cards(two_sizes):
    small, _large = two_sizes
    expected = small.expected()
    page = small.client().get("/disputes?per_page=5").text
    summary = page.split('aria-label="Summary"')[1].split("</section>")[0]
    assert f"<strong>{len(expected['open']):,}</strong> open contradictions" in summary
    assert f"<strong>{len(expected['disputed_claims']):,}</strong> disputed claims" in summary
    cards = re.findall(r'class="dispute-link" href="/contradictions/(\d+)', page)
    disputed_cards = page.count("<h3>Disputed claims</h3>")
    assert 0 < len(cards) <= 5 and (len(cards) == 5 or disputed_cards)
    assert {int(c) for c in cards} <= expected["open"]
    # A viewer sees no decision form; the next page is a link that keeps the filter.
    assert "Record decision" not in page
    (next_link,) = re.findall(r'<a rel="next" href="([^"]+)"', page)
    assert "per_page=5" in next_link and "after=" in next_link
    second = small.client().get(next_link.replace("&amp;", "&")).text
    assert not set(re.findall(r'href="/contradictions/(\d+)', second)) & set(cards)
    assert "← First page" in second


def test_statements_do_not_grow_with_the_data(two_sizes):
    small, large = two_sizes
    assert large.claims == 4 * small.claims

    def cost(data: Data) -> dict[str, int]:  # statements by URL (ids as N)
        client = data.client(Role.reviewer)
        with data.app.app_context():
            source_id = db.session.scalar(sa.select(Claim.source_id).limit(1))
            question_id = db.session.scalar(
                sa.select(Contradiction.question_id).order_by(Contradiction.id).limit(1)
            )
        engine = data.app.extensions["tracker.engine"]
        counts = {}
        urls = [
            "/disputes",
            "/disputes?state=all",
            f"/disputes?source_id={source_id}",
            f"/disputes?question_id={question_id}",
            "/disputes?kind=verdict",
            "/disputes?kind=disputed_claim",
            "/api/v1/disputes?per_page=20",
        ]
        next_page = client.get("/api/v1/disputes?per_page=20").json["next"]
        assert next_page
        urls.append(next_page)
        for url in urls:
            counter = QueryCounter()
            sa.event.listen(engine, "before_cursor_execute", counter)
            try:
                reply = client.get(url)
            finally:
                sa.event.remove(engine, "before_cursor_execute", counter)
            assert reply.status_code == 200, url
            counts[re.sub(r"\d+", "N", url)] = counter.count
        return counts

    small_cost, large_cost = cost(small), cost(large)
    assert small_cost == large_cost
    assert max(small_cost.values()) <= 16


def test_rows_loaded_grow_with_the_page_size_not_with_the_data(two_sizes):
    def loaded(data: Data, per_page: int) -> int:
        seen: Counter[str] = Counter()

        def count(target: Any, _context: Any) -> None:
            seen[type(target).__name__] += 1

        models = (Claim, Contradiction)
        for model in models:
            sa.event.listen(model, "load", count)
        try:
            reply = data.client().get(f"/api/v1/disputes?per_page={per_page}&state=all")
        finally:
            for model in models:
                sa.event.remove(model, "load", count)
        assert len(reply.json["items"]) == per_page
        # Each card is a contradiction (one row, two claims) or a disputed claim.
        assert seen["Claim"] <= 2 * per_page and seen["Contradiction"] <= 2 * per_page
        return seen["Claim"] + seen["Contradiction"]

    small, large = two_sizes
    assert loaded(small, 5) < loaded(small, 15)
    assert loaded(large, 5) < loaded(large, 15)
    # Four times the data, yet no more than the page size allows at either size.
    assert max(loaded(large, 15), loaded(small, 15)) <= 4 * 15


def test_filters_narrow_the_cards_and_the_counts(two_sizes):
    _small, large = two_sizes
    expected = large.expected()
    client = large.client()
    kind = max((k for k in expected if k.startswith("kind:")), key=lambda k: len(expected[k]))
    items, _ = _walk(client, f"/api/v1/disputes?kind={kind.removeprefix('kind:')}&per_page=50")
    assert {i["id"] for i in items} == expected[kind]
    only_claims, _ = _walk(client, "/api/v1/disputes?kind=disputed_claim&per_page=50")
    assert {_key(i)[1] for i in only_claims} == expected["disputed_claims"]
    # One source: every card has a claim of it, and none of its disputes is missing.
    source_id, title = large.sql(
        "SELECT s.id, s.title FROM sources s JOIN claims c ON c.source_id = s.id "
        "JOIN contradictions x ON x.claim_a_id = c.id GROUP BY s.id, s.title "
        "ORDER BY count(*) DESC LIMIT 1"
    )[0]
    of_source = {r.id for r in large.sql("SELECT id FROM claims WHERE source_id = :s", s=source_id)}
    items, _ = _walk(client, f"/api/v1/disputes?source_id={source_id}&per_page=50")
    assert items and all({c["id"] for c in i["claims"]} & of_source for i in items)
    pairs = large.sql(
        "SELECT id, claim_a_id, claim_b_id FROM contradictions WHERE is_current AND state = 'open'"
    )
    assert {i["id"] for i in items if i["id"]} == {
        r.id for r in pairs if {r.claim_a_id, r.claim_b_id} & of_source
    } & expected["open"]
    page = client.get(f"/disputes?source_id={source_id}").text
    assert "Involving" in page and title.split()[0] in page
    # One question.
    question_id = next(iter(items))["question"]["id"]
    items, _ = _walk(client, f"/api/v1/disputes?question_id={question_id}&per_page=50")
    assert items and {i["question"]["id"] for i in items} == {question_id}


def test_a_decided_dispute_moves_from_open_to_decided(two_sizes):
    small, _large = two_sizes
    reviewer = small.client(Role.reviewer)
    first = reviewer.get("/api/v1/disputes?kind=verdict&per_page=1").json
    row = first["items"][0]
    before = first["summary"]
    reply = reviewer.post(
        f"/api/v1/contradictions/{row['id']}",
        json={"state": "not_a_contradiction", "rationale": "Different periods."},
    )
    assert reply.status_code == 200, reply.json
    after = reviewer.get("/api/v1/disputes?per_page=1").json["summary"]
    assert after["open"] == before["open"] - 1 and after["decided"] == before["decided"] + 1
    decided, _ = _walk(reviewer, "/api/v1/disputes?state=decided&per_page=50")
    assert row["id"] in {i["id"] for i in decided}
    assert all(i["state"] != "open" for i in decided)
    page = reviewer.get("/disputes?state=decided").text
    assert f'href="/contradictions/{row["id"]}' in page and "Different periods." in page


def test_each_dispute_has_its_own_page_with_its_decision_form(two_sizes):
    small, _large = two_sizes
    row = small.client().get("/api/v1/disputes?per_page=1").json["items"][0]
    viewer_page = small.client().get(f"/contradictions/{row['id']}")
    assert viewer_page.status_code == 200
    assert f"<h1>Contradiction #{row['id']}</h1>" in viewer_page.text
    assert "Record decision" not in viewer_page.text
    for claim in row["claims"]:
        assert f'id="claim-{claim["id"]}"' in viewer_page.text
    reviewer_page = small.client(Role.reviewer).get(
        f"/contradictions/{row['id']}?next=/disputes%3Fkind%3Dverdict"
    )
    assert "Record decision" in reviewer_page.text
    assert 'value="/disputes?kind=verdict"' in reviewer_page.text  # back where it came from
    assert small.client().get("/contradictions/2147483000").status_code == 404


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("source_id=abc", "source_id", "source_id must be a whole number."),
        ("question_id=99999999999", "question_id", "question_id must be a whole number."),
        ("source_id=2147483000", "source_id", "There is no source #2147483000."),
        ("kind=rumour", "kind", "kind must be one of"),
        ("state=later", "state", "state must be one of open, decided, all."),
        ("after=12.9.x", "after", "That page link is not valid."),
        ("per_page=0", "per_page", "per_page must be between 1 and 500."),
    ],
)
def test_bad_filters_are_refused_with_a_message_and_kept(two_sizes, query, field, message):
    small, _large = two_sizes
    client = small.client()
    api = client.get(f"/api/v1/disputes?{query}")
    assert api.status_code == 400
    assert message in api.json["error"]["message"]
    page = client.get(f"/disputes?{query}")
    assert page.status_code == 400 and message in page.text
    if field in ("source_id", "question_id"):  # typed into the form: kept, message on it
        typed = query.partition("=")[2]
        assert f'value="{typed}"' in page.text
        assert re.search(rf'has-error">[^<]*<label for="{field}"', page.text)


def test_the_cli_prints_every_dispute_a_page_at_a_time(two_sizes):
    small, _large = two_sizes
    expected = small.expected()
    result = small.app.test_cli_runner().invoke(args=["disputes"])
    assert result.exit_code == 0, result.output
    listed = len(expected["open"]) + len(expected["disputed_claims"])
    assert result.output.rstrip().endswith(f"{listed} open dispute(s).")
    assert len(re.findall(r"^-- #\d+ ", result.output, re.M)) == len(expected["open"])
