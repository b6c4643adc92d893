"""Who said what: the /matrix page a page of questions by a page of sources, its filters, the
CSV of every cell and the API, each costing the same whatever the data."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.claims.models import Claim
from tracker.core import db
from tracker.questions import disputes, rulings
from tracker.questions import services as questions
from tracker.questions.models import Question
from tracker.sources import services as sources
from tracker.sources.models import Source

SENTENCES = 40


@dataclass
class Grid:
    """What the test put in: question and source ids, and the claims of each cell."""

    questions: list[int] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    cells: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def expected(self) -> set[tuple[int, int]]:
        return {cell for cell, ids in self.cells.items() if ids}


@pytest.fixture
def grid(app: Flask) -> Callable[..., Grid]:
    """``build(questions, sources, layout)``: questions named Q00..., articles of numbered
    sentences, and ``layout[(q, s)]`` claims of source s answering question q (indices)."""
    made = Grid()

    def add_source(n: int) -> int:
        text = "".join(f"Artikel {n}, Satz {k} sagt etwas. " for k in range(SENTENCES)) + "\n"
        source = sources.import_source(
            text, sources.SourceMetadata(title=f"Artikel {n}", language="de"), actor=None
        )
        return source.id

    def claim(source_id: int, n: int, k: int, statement: str) -> int:
        source = sources.get_source(source_id)
        quote = f"Artikel {n}, Satz {k} sagt etwas."
        start = claims.locate_quote(source, quote)
        return claims.mark_claim(
            source_id,
            claims.ClaimDraft(start=start, end=start + len(quote), statement=statement),
            actor=None,
        ).id

    def build(
        n_questions: int,
        n_sources: int,
        layout: dict[tuple[int, int], int],
        prefix: str = "Q",
    ) -> Grid:
        with app.app_context():
            first_q, first_s = len(made.questions), len(made.sources)
            for i in range(n_questions):
                made.questions.append(
                    questions.create_question(
                        f"{prefix}{first_q + i:02d}: did it happen?", "yes_no", actor=None
                    ).id
                )
            for i in range(n_sources):
                made.sources.append(add_source(first_s + i))
            used: dict[int, int] = {}
            for (q, s), count in sorted(layout.items()):
                qid, sid = made.questions[first_q + q], made.sources[first_s + s]
                for _ in range(count):
                    k = used.get(s, 0)
                    used[s] = k + 1
                    cid = claim(sid, first_s + s, k, f"Claim {q}/{s}/{k}: it happened.")
                    questions.assign_question(cid, qid, actor=None)
                    made.cells.setdefault((qid, sid), []).append(cid)
            db.session.commit()
        return made

    return build


class MatrixTable(HTMLParser):
    """The matrix as a reader sees it: the columns' source ids, and per row (question id)
    what each cell shows."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.columns: list[int] = []
        self.rows: dict[int, list[dict[str, Any]]] = {}
        self.disputed_rows: set[int] = set()
        self._row: int | None = None
        self._cell: dict[str, Any] | None = None
        self._in_more = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "th" and a.get("data-source"):
            self.columns.append(int(a["data-source"] or 0))
        elif tag == "tr" and a.get("data-question"):
            self._row = int(a["data-question"] or 0)
            self.rows[self._row] = []
            if "disputed" in (a.get("class") or ""):
                self.disputed_rows.add(self._row)
        elif tag == "td" and self._row is not None:
            self._cell = {
                "claims": [],
                "more": 0,
                "silent": False,
                "disputed": "disputed" in (a.get("class") or ""),
            }
            self.rows[self._row].append(self._cell)
        elif tag == "a" and self._cell is not None:
            href = a.get("href") or ""
            if "cell-claim" in (a.get("class") or ""):
                self._cell["claims"].append(int(href.rsplit("/", 1)[1]))
            elif "more" in (a.get("class") or ""):
                self._in_more = True
        elif tag == "span" and self._cell is not None and a.get("class") == "silent":
            self._cell["silent"] = True

    def handle_data(self, data: str) -> None:
        if self._in_more and self._cell is not None:
            self._cell["more"] = int(re.search(r"\+(\d+) more", data).group(1))  # type: ignore[union-attr]
            self._in_more = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None
        elif tag == "tr":
            self._row = None

    def cells(self) -> dict[tuple[int, int], dict[str, Any]]:
        return {
            (qid, sid): cell
            for qid, row in self.rows.items()
            for sid, cell in zip(self.columns, row, strict=True)
        }


def _link(page: str, label: str) -> str | None:
    found = re.search(r'<a (?:rel="\w+" )?href="([^"]+)">[«‹ ]*' + re.escape(label), page)
    return found.group(1).replace("&amp;", "&") if found else None


def test_a_cell_shows_its_first_three_claims_and_how_many_more(client, auth, grid):
    made = grid(2, 2, {(0, 0): 5, (0, 1): 1, (1, 1): 2})
    auth.login(Role.viewer)
    page = client.get("/matrix")
    assert page.status_code == 200
    table = MatrixTable(page.text)
    q0, q1 = made.questions
    s0, s1 = made.sources
    crowded = table.cells()[(q0, s0)]
    assert crowded["claims"] == made.cells[(q0, s0)][:3]  # in the article's order
    assert crowded["more"] == 2
    assert f'href="/questions/{q0}">+2 more' in page.text
    assert table.cells()[(q1, s1)]["claims"] == made.cells[(q1, s1)]
    assert table.cells()[(q1, s1)]["more"] == 0
    assert table.cells()[(q1, s0)]["silent"]
    assert "2 questions answered by 2 sources." in page.text


def _walk_page(client, url: str) -> Iterator[list[str]]:
    """Every page of the matrix from ``url``: for each page of questions, its pages of
    sources, as a reader follows the links."""
    while url:
        row_page = client.get(url)
        assert row_page.status_code == 200, row_page.text
        column_url: str | None = url
        pages = []
        while column_url:
            page = client.get(column_url).text
            pages.append(page)
            column_url = _link(page, "Next sources")
        yield pages
        url = _link(row_page.text, "Next questions")  # type: ignore[assignment]


def test_paging_through_rows_and_columns_shows_every_cell_once(client, auth, grid):
    layout = {(q, s): 1 + (q + s) % 3 for q in range(7) for s in range(5) if (q * s) % 4 != 1}
    made = grid(7, 5, layout)
    auth.login(Role.viewer)
    seen: list[tuple[int, int]] = []
    shown_claims: dict[tuple[int, int], list[int]] = {}
    row_pages = 0
    for pages in _walk_page(client, "/matrix?per_page=3&sources_per_page=2"):
        row_pages += 1
        tables = [MatrixTable(page) for page in pages]
        rows = list(tables[0].rows)
        assert len(rows) <= 3 and all(list(t.rows) == rows for t in tables)
        # The columns, page after page, are the sources answering these questions, by id.
        columns = [sid for t in tables for sid in t.columns]
        assert all(len(t.columns) <= 2 for t in tables)
        assert columns == sorted({s for q, s in made.expected() if q in rows})
        for table in tables:
            for cell, shown in table.cells().items():
                if not shown["silent"]:
                    seen.append(cell)
                    shown_claims[cell] = shown["claims"]
    assert row_pages == 3  # 7 questions by 3
    assert sorted(seen) == sorted(made.expected())  # each once
    assert shown_claims == {cell: ids[:3] for cell, ids in made.cells.items()}


def test_the_columns_are_the_sources_that_answer_the_questions_shown(client, auth, grid):
    # Four articles; the first question is answered only by the last, the second by the first.
    made = grid(2, 4, {(0, 3): 1, (1, 0): 2, (1, 1): 1})
    q0, q1 = made.questions
    auth.login(Role.viewer)
    first = client.get("/matrix?per_page=1&sources_per_page=1").text
    table = MatrixTable(first)
    assert list(table.rows) == [q0] and table.columns == [made.sources[3]]
    assert "Showing 1 question × 1 of the 1 source that answer it." in first
    assert _link(first, "Next sources") is None
    second = client.get(_link(first, "Next questions")).text
    table = MatrixTable(second)
    assert list(table.rows) == [q1] and table.columns == [made.sources[0]]
    assert "× 1 of the 2 sources that answer it." in second
    right = client.get(_link(second, "Next sources")).text
    assert MatrixTable(right).columns == [made.sources[1]]
    assert list(MatrixTable(right).rows) == [q1]
    back = client.get(_link(right, "Previous questions")).text
    assert MatrixTable(back).columns == [made.sources[3]]  # its own sources, from the first


def test_previous_pages_come_back_the_same(client, auth, grid):
    made = grid(5, 3, {(q, s): 1 for q in range(5) for s in range(3)})
    auth.login(Role.viewer)
    first = client.get("/matrix?per_page=2&sources_per_page=2").text
    second = client.get(_link(first, "Next questions")).text
    back = client.get(_link(second, "Previous questions")).text
    assert list(MatrixTable(back).rows) == list(MatrixTable(first).rows) == made.questions[:2]
    right = client.get(_link(second, "Next sources")).text
    assert list(MatrixTable(right).rows) == made.questions[2:4]  # rows kept while paging columns
    assert MatrixTable(right).columns == made.sources[2:]
    left = client.get(_link(right, "Previous sources")).text
    assert MatrixTable(left).columns == made.sources[:2]
    assert _link(first, "Previous questions") is None and _link(first, "First questions") is None
    assert _link(second, "First questions") == "/matrix?per_page=2&sources_per_page=2"


def test_filters_by_words_question_sources_and_open_contradictions(app, client, auth, grid):
    made = grid(4, 3, {(0, 0): 1, (0, 1): 1, (1, 1): 1, (2, 2): 1, (3, 0): 1})
    with app.app_context():
        other = questions.create_question("Was the money 問題 paid?", "yes_no", actor=None).id
        cid = made.cells[(made.questions[3], made.sources[0])][0]
        questions.assign_question(cid, other, actor=None)  # Q03 now has no claim
        a, b = (
            made.cells[(made.questions[0], made.sources[0])]
            + made.cells[(made.questions[0], made.sources[1])]
        )
        flag = disputes.flag(a, b, "One says it happened twice.", actor=None)
        db.session.commit()
    q0, q1, q2, q3 = made.questions
    s0, s1, s2 = made.sources
    auth.login(Role.viewer)

    def shown(**args: str) -> MatrixTable:
        page = client.get("/matrix", query_string=args)
        assert page.status_code == 200, page.text
        return MatrixTable(page.text)

    everything = shown()
    assert q3 not in everything.rows  # answered by no claim: not a row
    assert set(everything.rows) == {q0, q1, q2, other}
    assert shown(q="MONEY 问题").rows.keys() == {other}  # case and script folded
    only_q1 = shown(question_id=str(q1))
    assert list(only_q1.rows) == [q1] and only_q1.columns == [s1]
    one_source = shown(source_id=str(s1))
    assert set(one_source.rows) == {q0, q1} and one_source.columns == [s1]
    two = shown(source_id=f"{s2}, {s0}")
    assert set(two.rows) == {q0, q2, other} and two.columns == [s0, s2]
    differ = client.get("/matrix", query_string={"differ": "1"}).text
    table = MatrixTable(differ)
    assert list(table.rows) == [q0] and table.columns == [s0, s1]
    assert table.disputed_rows == {q0}
    assert all(cell["disputed"] for cell in table.cells().values())
    assert "1 of 4 questions and 2 of 3 sources match." in differ
    assert re.search(r'<input[^>]* checked[^>]* name="differ"', differ)  # the form remembers
    combined = shown(differ="1", source_id=str(s2))
    assert not combined.rows
    with app.app_context():
        rulings.decide(flag.id, "not_a_contradiction", "Both can be true.", actor=None)
        db.session.commit()
    assert not shown(differ="1").rows  # decided: no longer a difference


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"question_id": "seven"}, "The question # must be a whole number"),
        ({"question_id": "999999"}, "There is no question #999999."),
        ({"source_id": "1, x"}, "A source # must be a whole number"),
        ({"source_id": "999999"}, "There is no source #999999."),
        ({"after": "abc"}, "after must be a whole number"),
        ({"after": "999999"}, "after names no question (#999999)."),
        ({"sources_after": "999999"}, "sources_after names no source (#999999)."),
        ({"after": "1", "before": "2"}, "Give after or before, not both."),
        ({"per_page": "0"}, "per_page is between 1 and 100."),
        ({"differ": "maybe"}, "differ is 1 or 0."),
        ({"q": "x" * 201}, "at most 200 characters"),
        ({"q": "a\x00b"}, "a character text cannot"),
    ],
)
def test_bad_input_is_a_400_that_says_why_and_keeps_the_form(client, auth, grid, query, message):
    grid(1, 1, {(0, 0): 1})
    auth.login(Role.viewer)
    page = client.get("/matrix", query_string=query)
    assert page.status_code == 400
    assert message in page.text.replace("&#34;", '"').replace("&#39;", "'")
    assert '<form method="get" action="/matrix"' in page.text
    if "question_id" in query:
        assert f'value="{query["question_id"]}"' in page.text
    api = client.get("/api/v1/matrix", query_string=query)
    if not {"before", "sources_after"} & set(query):  # the API pages by cell
        assert api.status_code == 400, (query, api.json)
        assert api.json["error"]["message"]


@contextmanager
def loading_rows() -> Iterator[list[str]]:
    """Rows turned into questions, sources and claims while inside (ORM load events)."""
    loaded: list[str] = []
    listeners = [
        (model, lambda target, _ctx, m=model.__name__: loaded.append(m))
        for model in (Claim, Question, Source)
    ]
    for model, listener in listeners:
        sa.event.listen(model, "load", listener)
    try:
        yield loaded
    finally:
        for model, listener in listeners:
            sa.event.remove(model, "load", listener)


def test_a_page_loads_what_it_shows_in_a_fixed_number_of_statements(
    app, client, auth, grid, count_queries
):
    small = {(q, s): 3 for q in range(3) for s in range(3)}
    made = grid(3, 3, small)
    auth.login(Role.viewer)
    urls = [
        "/matrix?per_page=2&sources_per_page=2",
        "/matrix?per_page=2&sources_per_page=2&q=did&differ=1",
        "/api/v1/matrix?per_page=3",
    ]

    def cost() -> tuple[list[int], list[int]]:
        statements, rows = [], []
        for url in urls:
            with count_queries() as counter, loading_rows() as loaded:
                response = client.get(url)
                assert response.status_code == 200
            statements.append(counter.count)
            rows.append(len(loaded))
        return statements, rows

    with app.app_context():
        q0, (s0, s1) = made.questions[0], made.sources[:2]
        disputes.flag(
            made.cells[(q0, s0)][0], made.cells[(q0, s1)][0], "They disagree.", actor=None
        )
        db.session.commit()
    before, rows_before = cost()
    # Ten times the claims: more questions, more sources, crowded cells.
    big = {(q, s): 4 for q in range(9) for s in range(8)}
    grid(9, 8, big, prefix="R")
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Claim))
    assert total == 3 * 9 + 4 * 72
    after, rows_after = cost()
    assert after == before
    # A page of 2 questions x 2 sources loads those (and one more of each, to know whether
    # there is a next page) and at most 3 claims a cell.
    assert rows_after[0] <= 3 + 3 + 2 * 2 * 3 and rows_after[0] == rows_before[0]
    wider = client.get("/matrix?per_page=4&sources_per_page=4")
    assert wider.status_code == 200
    with loading_rows() as loaded:
        client.get("/matrix?per_page=4&sources_per_page=4")
    assert 5 + 5 + 4 * 4 * 3 >= len(loaded) > rows_after[0]  # grows with the page


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_csv_has_every_cell_with_all_its_claims_streamed(
    app, client, auth, grid, count_queries, monkeypatch
):
    from tracker.questions import matrix

    made = grid(4, 3, {(q, s): 1 + (q * s) % 5 for q in range(4) for s in range(3) if q != s})
    auth.login(Role.viewer)
    assert client.get("/export/matrix.csv").status_code == 403  # exports are for editors
    auth.logout()
    auth.login(Role.editor)
    response = client.get("/export/matrix.csv?bom=1")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="who-said-what-' in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeffquestion_id,".encode())
    rows = _csv(response)
    by_cell = {(int(r["question_id"]), int(r["source_id"])): r for r in rows}
    assert len(rows) == len(by_cell) == len(made.expected())
    assert set(by_cell) == made.expected()
    for cell, ids in made.cells.items():
        row = by_cell[cell]
        assert [int(i) for i in row["claim_ids"].split("\n")] == ids  # all, not three
        assert row["claims"] == str(len(ids))
        assert len(row["statements"].split("\n")) == len(ids)
        assert row["disputed"] == "no"
        assert row["question"].endswith("did it happen?") and row["source"].startswith("Artikel")

    # Written a batch of cells at a time, as the rows are read (one statement, streamed).
    monkeypatch.setattr(matrix, "BATCH", 2)
    with count_queries() as counter:
        streamed = client.get("/export/matrix.csv", buffered=False)
        chunks = list(streamed.response)
        streamed.close()
    assert len([q for q in counter.statements if "FROM claims" in q]) == 1
    assert len(chunks) == -(-len(rows) // 2)
    assert chunks[0].startswith(b"question_id,") and chunks[0].count(b"\r\n") == 1 + 2
    assert len(_csv_text(b"".join(chunks))) == len(rows)
    filtered = _csv(client.get(f"/export/matrix.csv?source_id={made.sources[0]}"))
    assert {int(r["source_id"]) for r in filtered} == {made.sources[0]}
    bad = client.get("/export/matrix.csv?source_id=999999")
    assert bad.status_code == 400 and "There is no source #999999." in bad.text


def _csv_text(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_csv_cells_cannot_run_as_formulas(app, client, auth):
    with app.app_context():
        source = sources.import_source(
            "Der Satz steht da.\n",
            sources.SourceMetadata(title="@SUM(1+1)", language="de"),
            actor=None,
        )
        qid = questions.create_question("=HYPERLINK(evil)", "text", actor=None).id
        start = claims.locate_quote(source, "Der Satz steht da.")
        cid = claims.mark_claim(
            source.id,
            claims.ClaimDraft(start=start, end=start + 18, statement="-2+3 is what it says"),
            actor=None,
        ).id
        questions.assign_question(cid, qid, actor=None)
        db.session.commit()
    auth.login(Role.editor)
    rows = _csv(client.get("/export/matrix.csv", query_string={"question_id": qid}))
    assert len(rows) == 1 and int(rows[0]["claim_ids"]) == cid
    assert rows[0]["question"] == "'=HYPERLINK(evil)"
    assert rows[0]["source"] == "'@SUM(1+1)"
    assert rows[0]["statements"] == "'-2+3 is what it says"


def test_the_api_pages_every_cell_once_with_a_cursor(app, client, headers, grid):
    made = grid(5, 3, {(q, s): 1 + (q + s) % 4 for q in range(5) for s in range(3) if q % 2 or s})
    h = headers()
    seen: list[tuple[int, int]] = []
    url: str | None = "/api/v1/matrix?per_page=4"
    pages = 0
    while url:
        page = client.get(url, headers=h)
        assert page.status_code == 200, page.json
        body = page.json
        pages += 1
        assert len(body["items"]) <= 4
        for item in body["items"]:
            cell = (item["question"]["id"], item["source"]["id"])
            seen.append(cell)
            ids = made.cells[cell]
            assert item["claim_count"] == len(ids)
            assert [c["id"] for c in item["claims"]] == ids[:3]
        assert body["counts"]["questions"] == 5 and body["counts"]["sources"] == 3
        assert (body["next"] is None) == (body["next_cursor"] is None)
        url = body["next"]
    assert sorted(seen) == sorted(made.expected()) and len(seen) == len(set(seen))
    assert pages == -(-len(seen) // 4)
    only = client.get(
        "/api/v1/matrix", query_string={"source_id": str(made.sources[1])}, headers=h
    ).json
    assert {i["source"]["id"] for i in only["items"]} == {made.sources[1]}
    assert only["counts"]["matching_sources"] == 1
    bad = client.get("/api/v1/matrix", query_string={"after": "12"}, headers=h)
    assert bad.status_code == 400 and bad.json["error"]["fields"] == {"after": "invalid"}


def test_the_next_link_ignores_arguments_named_like_url_for_keywords(client, headers, grid):
    # `_method`, `_anchor` and `_external` are url_for's own keywords: passed on from the query
    # they made the link unbuildable (a 500) or pointed it elsewhere.
    made = grid(2, 2, {(q, s): 1 for q in range(2) for s in range(2)})
    h = headers()
    url = "/api/v1/matrix?per_page=1&_method=POST&_anchor=x&_external=1"
    seen = []
    while url:
        page = client.get(url, headers=h)
        assert page.status_code == 200, page.json
        seen += [(i["question"]["id"], i["source"]["id"]) for i in page.json["items"]]
        url = page.json["next"]
        assert url is None or (url.startswith("/api/v1/matrix?") and "#" not in url)
    assert sorted(seen) == sorted(made.expected())
