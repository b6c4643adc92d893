"""The people list and an entity's claims, page and API, at two data sizes: bounded pages that
list what the claim links say, in a fixed number of statements."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from tests.conftest import QueryCounter
from tests.support.sized import Data


def _statements(data: Data, url: str) -> tuple[int, Any]:
    engine = data.app.extensions["tracker.engine"]
    counter = QueryCounter()
    client = data.client()
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        reply = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    assert reply.status_code == 200, (url, reply.text[:500])
    return counter.count, reply


def _busiest(data: Data) -> int:
    """The entity with the most claims linked to it (OpenAI, in generated data)."""
    return data.sql(
        "SELECT entity_id FROM claim_entities GROUP BY entity_id ORDER BY count(*) DESC LIMIT 1"
    )[0][0]


def test_the_people_list_is_paged_in_the_same_statements_at_four_times_the_data(two_sizes):
    small, large = two_sizes
    small_entities = small.sql("SELECT count(*) FROM entities")[0][0]
    large_entities = large.sql("SELECT count(*) FROM entities")[0][0]
    assert large_entities > 2 * 10  # more than two pages of ten
    costs = []
    for data, total in ((small, small_entities), (large, large_entities)):
        cost, reply = _statements(data, "/entities?per_page=10")
        costs.append(cost)
        assert len(re.findall(r'<tr><td><a href="/entities/\d+"', reply.text)) == min(10, total)
        assert f"{total:,} entit" in reply.text
        cost_api, _ = _statements(data, "/api/v1/entities?per_page=10&page=2")
        costs.append(cost_api)
    assert costs[0] == costs[2] and costs[1] == costs[3]


def test_every_entity_once_over_the_pages_and_a_name_in_any_spelling(two_sizes):
    _small, large = two_sizes
    client = large.client()
    seen: list[int] = []
    page = 1
    while True:
        body = client.get(f"/api/v1/entities?per_page=7&page={page}").json
        seen += [e["id"] for e in body["items"]]
        if page >= body["pages"]:
            break
        page += 1
    assert sorted(seen) == sorted(r[0] for r in large.sql("SELECT id FROM entities"))
    assert body["total"] == len(seen)
    # Written in simplified Chinese, found through its traditional alias and the other way.
    for spelling in ("马斯克", "馬斯克", "musk"):
        found = client.get("/api/v1/entities", query_string={"q": spelling}).json["items"]
        assert [e["name"] for e in found] == ["Elon Musk"]
    page = client.get("/entities", query_string={"q": "no such name"}).text
    assert "No one by that name." in page and 'value="no such name"' in page
    assert client.get("/api/v1/entities?per_page=0").status_code == 400


def test_an_entitys_claims_page_through_the_api_in_fixed_statements(two_sizes):
    costs: list[list[int]] = []
    for data in two_sizes:
        entity = _busiest(data)
        links = data.sql(
            "SELECT ce.claim_id, ce.role FROM claim_entities ce JOIN claims c ON c.id = ce.claim_id"
            " WHERE ce.entity_id = :e AND NOT c.is_deleted",
            e=entity,
        )
        said = {claim for claim, role in links if role == "speaker"}
        about = {claim for claim, role in links if role != "speaker"}
        assert len(about) > 30  # more than a page of 20 even at the small size
        cost, reply = _statements(data, f"/api/v1/entities/{entity}?per_page=20")
        costs.append([cost])
        body = reply.json
        assert body["said_total"] == len(said) and body["about_total"] == len(about)
        assert len(body["about"]) == 20 and body["about_next"]
        walked = [c["id"] for c in body["about"]]
        url = body["about_next"]
        while url:
            cost, reply = _statements(data, url)
            walked += [c["id"] for c in reply.json["items"]]
            url = reply.json["next"]
            costs[-1].append(cost)
        assert len(walked) == len(set(walked)) and set(walked) == about
        # The HTML page of the same entity, too.
        cost_html, _ = _statements(data, f"/entities/{entity}")
        costs[-1].append(cost_html)
    small_costs, large_costs = costs
    # The entity page, the first of its next pages, and its HTML page; every next page alike.
    assert large_costs[0] == small_costs[0] and large_costs[-1] == small_costs[-1]
    assert len(set(small_costs[1:-1] + large_costs[1:-1])) == 1


def test_bad_entity_claim_queries_are_refused(two_sizes):
    small, _large = two_sizes
    client = small.client()
    entity = _busiest(small)
    for query, message in (
        ("role=spoke", "role must be said or about."),
        ("role=said&after=x", "after must be a claim id."),
        ("role=said&per_page=100000", "per_page must be between 1 and 500."),
    ):
        reply = client.get(f"/api/v1/entities/{entity}/claims?{query}")
        assert reply.status_code == 400 and message in reply.json["error"]["message"]
    assert client.get("/api/v1/entities/2147483000/claims?role=said").status_code == 404
