"""Every list page of issue 11 ("every page bounded") on N claims: time, SQL statements, size,
peak memory, and the ratio to the page's bare query.

It fills a fresh database (a new SQLite file; a throwaway PostgreSQL server with ``--postgres``)
with ``bench/generate.py`` claims with their cross-source part (entities, questions, values;
``generate.py --cross-source``, 10 claims a source), proposes the answers of the grouped claims
(``answers.propose_missing()``: generate.py writes values, not answers) and runs ``detect_all()``
to find the contradictions, as ``tracker disputes --recompute`` does, then makes ``--edits``
changes through the services as an editor (status, assignee, evidence, statement), so the history
has rows and the disputes follow the edits. Then, logged in as a viewer through Flask's test
client, it times each page of ``PAGES``, and each later page a page links to (its "next" links in
the HTML, its next cursor or page in the JSON: parsed from the response, never built here).

Each page runs in a process of its own, forked when the data is ready: one warm-up request, then
the median of ``--repeat`` requests (a page whose warm-up takes over 10 s is not run again; that
run is its figure). A request that takes longer than ``--timeout`` seconds (or a process that
grows past ``--memory-limit`` MB of address space) is reported as ``timeout`` (``memory``) and
the process killed, so one unbounded page does not stop the run.

Columns: **ms** (median wall time of the request, in the test client: routing, auth, queries,
template), **statements** (SQL statements the request sent, counted by a
``before_cursor_execute`` listener; BEGIN/COMMIT/SAVEPOINT not counted), **SQL ms** (their time
in the driver, execute plus fetch: bench/statements.py), **KB** (response body), **rows** (what the
page shows: distinct claims it links, or questions on /questions, entities on /entities, claims in
the JSON), **bare ms** (the page's bare query, below), **ratio** (ms / bare ms) and **peak MB**
(the peak resident memory of the page's process above what it had before its first request).

The bare query of a page is one SELECT of all columns of the rows the page shows, with the page's
filter and order, LIMIT the rows it shows (OFFSET the rows the page before showed, for a later
page), executed and every row fetched through Core: no loader options, no other query, no
template. So when a page learns to show fewer rows, its bare query follows. Per page: ``bare_*``.

Run: .venv/bin/python bench/pages.py [--claims 10000] [--postgres | --database-url URL]
[--pages matrix,disputes,...] [--repeat 5] [--timeout 60] [--memory-limit 4096] [--edits N]
[--statements]. The last line is ``pages: slowest=<page> <ms> ms, worst ratio=<x> (<page>)``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import resource
import statistics
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from bench.databases import fresh_database  # noqa: E402
from bench.generate import generate  # noqa: E402
from bench.statements import StatementLog, time_fetches, timed  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.accounts import services as accounts  # noqa: E402
from tracker.accounts.models import Role, User  # noqa: E402
from tracker.audit.models import AuditEntry  # noqa: E402
from tracker.claims import queue  # noqa: E402
from tracker.claims import services as claims  # noqa: E402
from tracker.claims.models import Claim, ClaimStatus  # noqa: E402
from tracker.core import db, migrate  # noqa: E402
from tracker.entities.models import ClaimEntity, Entity  # noqa: E402
from tracker.questions import answers, disputes  # noqa: E402
from tracker.questions.models import ConflictState, Contradiction, Question  # noqa: E402
from tracker.sources.models import Source  # noqa: E402

CLAIMS_PER_SOURCE = 10
SEED = 1
PASSWORD = "bench viewer password"
#: A page whose warm-up request takes longer is not run again: that request is its figure.
SLOW_PAGE = 10.0
#: How many "next" links of one page are followed (the entity page has one per role).
MAX_NEXT = 3

claims_t = Claim.__table__
LIVE = claims_t.c.is_deleted.is_(False)


@dataclass(frozen=True)
class Targets:
    """What the pages about one thing are about: the entity and the source with most claims."""

    entity_id: int
    source_id: int


# --- the pages ----------------------------------------------------------------------------


def _ids(pattern: str) -> Callable[[bytes], list[int]]:
    """Distinct ids of the links matching `pattern` (a path with one group), in order."""
    link = re.compile(rf'href="{pattern}"'.encode())

    def shown(body: bytes) -> list[int]:
        return list(dict.fromkeys(int(m.group(1)) for m in link.finditer(body)))

    return shown


def _json_claim_ids(body: bytes) -> list[int]:
    """Distinct ids of the claims in a JSON answer: the objects with a quote."""
    found: dict[int, None] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "quote" in value and isinstance(value.get("id"), int):
                found[value["id"]] = None
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(body))
    return list(found)


CLAIM_LINKS = _ids(r"/claims/(\d+)")


def _open_contradictions() -> sa.ColumnElement[bool]:
    c = Contradiction.__table__.c
    return sa.and_(c.is_current.is_(True), c.state == ConflictState.open)


def bare_disputes(_t: Targets) -> sa.Select[Any]:
    """Claims of the open contradictions, and the disputed claims (status or evidence)."""
    c = Contradiction.__table__.c
    in_conflict = sa.union(
        sa.select(c.claim_a_id).where(_open_contradictions()),
        sa.select(c.claim_b_id).where(_open_contradictions()),
    )
    disputed = queue.filtered(queue.ClaimFilter(status=ClaimStatus.disputed.value))
    return (
        sa.select(claims_t)
        .where(
            sa.or_(
                claims_t.c.id.in_(in_conflict),
                claims_t.c.id.in_(disputed.with_only_columns(Claim.id)),
            )
        )
        .order_by(claims_t.c.question_id, claims_t.c.id)
    )


def bare_matrix(_t: Targets) -> sa.Select[Any]:
    """Live claims in a question, by question."""
    return (
        sa.select(claims_t)
        .where(claims_t.c.question_id.is_not(None), LIVE)
        .order_by(claims_t.c.question_id, claims_t.c.source_id, claims_t.c.start)
    )


def bare_questions(_t: Targets) -> sa.Select[Any]:
    """Questions by text, as /questions lists them."""
    q = Question.__table__
    return sa.select(q).order_by(q.c.text, q.c.id)


def bare_entity(t: Targets) -> sa.Select[Any]:
    """Live claims the entity says or is named in, by question and place."""
    named = sa.select(ClaimEntity.claim_id).where(ClaimEntity.entity_id == t.entity_id)
    return (
        sa.select(claims_t)
        .where(claims_t.c.id.in_(named), LIVE)
        .order_by(claims_t.c.question_id, claims_t.c.source_id, claims_t.c.start, claims_t.c.id)
    )


def bare_source(t: Targets) -> sa.Select[Any]:
    """The source's live claims in text order."""
    return (
        sa.select(claims_t)
        .where(claims_t.c.source_id == t.source_id, LIVE)
        .order_by(claims_t.c.start, claims_t.c.id)
    )


def bare_entities(_t: Targets) -> sa.Select[Any]:
    """Entities by name."""
    e = Entity.__table__
    return sa.select(e).order_by(e.c.name, e.c.id)


def bare_queue(_t: Targets) -> sa.Select[Any]:
    """The queue's default filter and order (no COUNT: only the rows shown)."""
    return (
        queue.filtered(queue.ClaimFilter())
        .with_only_columns(*claims_t.columns)
        .order_by(*queue.SORTS["updated"])
    )


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable[[Targets], str]
    #: The ids of the rows the page shows, from its body.
    shown: Callable[[bytes], list[int]]
    #: The page's bare query, without LIMIT and OFFSET.
    bare: Callable[[Targets], sa.Select[Any]]
    is_json: bool = False


PAGES = {
    page.name: page
    for page in [
        Page("matrix", lambda t: "/matrix", CLAIM_LINKS, bare_matrix),
        Page("disputes", lambda t: "/disputes", CLAIM_LINKS, bare_disputes),
        Page("api-disputes", lambda t: "/api/v1/disputes", _json_claim_ids, bare_disputes, True),
        Page("questions", lambda t: "/questions", _ids(r"/questions/(\d+)"), bare_questions),
        Page("entity", lambda t: f"/entities/{t.entity_id}", CLAIM_LINKS, bare_entity),
        Page("source", lambda t: f"/sources/{t.source_id}", CLAIM_LINKS, bare_source),
        Page("entities", lambda t: "/entities", _ids(r"/entities/(\d+)"), bare_entities),
        Page("claims", lambda t: "/claims", CLAIM_LINKS, bare_queue),
    ]
}


# --- finding the next page in a response ----------------------------------------------------


class _Links(HTMLParser):
    """The href of every <a> and <link> that says it leads to the next page (rel="next", or
    link text with the word "next")."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: tuple[str, bool] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("a", "link"):
            return
        values = dict(attrs)
        href = values.get("href") or ""
        is_next = "next" in (values.get("rel") or "").lower().split()
        if tag == "link":
            if is_next and href:
                self.found.append(href)
            return
        self._open, self._text = (href, is_next), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "a" or self._open is None:
            return
        href, is_next = self._open
        self._open = None
        if href and (is_next or re.search(r"\bnext\b", "".join(self._text), re.IGNORECASE)):
            self.found.append(href)


def _json_next(path: str, body: Any) -> list[str]:
    """The next page a JSON answer offers: a ``next``/``next_url`` link, a ``next_<param>``
    cursor (sent back as ``<param>``; ``next_cursor`` as ``cursor``), or ``page`` < ``pages``."""
    if not isinstance(body, dict):
        return []
    parts = urlsplit(path)
    query = dict(parse_qsl(parts.query))
    found = []
    for key, value in body.items():
        if not key.startswith("next") or value in (None, "", False):
            continue
        if isinstance(value, str) and (value.startswith("/") or "://" in value):
            found.append(value)
        elif isinstance(value, str | int):
            param = key.removeprefix("next").lstrip("_") or "cursor"
            found.append(urlunsplit(parts._replace(query=urlencode(query | {param: value}))))
    page, pages = body.get("page"), body.get("pages")
    if not found and isinstance(page, int) and isinstance(pages, int) and page < pages:
        query["page"] = str(page + 1)
        found.append(urlunsplit(parts._replace(query=urlencode(query))))
    return found


def next_links(path: str, body: bytes, is_json: bool, link_header: str | None) -> list[str]:
    """Paths of the later pages a response links to, in order, without fragments."""
    found = []
    if link_header:
        found += re.findall(r'<([^>]+)>\s*;[^,]*rel="?next"?', link_header)
    if is_json:
        found += _json_next(path, json.loads(body))
    else:
        parser = _Links()
        parser.feed(body.decode("utf-8", "replace"))
        found += parser.found
    paths = []
    for href in found:
        parts = urlsplit(urljoin(path, href))
        if parts.netloc and parts.netloc != "localhost":
            continue
        paths.append(urlunsplit(("", "", parts.path, parts.query, "")))
    return [p for p in dict.fromkeys(paths) if p != path][:MAX_NEXT]


def _label(name: str, path: str, later: str) -> str:
    """ "claims next (page=2)": the query parameters that differ from the page before, but for
    those new at 1 (another list of the page at its first page)."""
    before = dict(parse_qsl(urlsplit(path).query))
    after = dict(parse_qsl(urlsplit(later).query))
    changed = [
        f"{k}={v if len(v) <= 12 else v[:10] + '…'}"
        for k, v in after.items()
        if before.get(k) != v and not (k not in before and v == "1")
    ]
    return f"{name} next ({', '.join(changed)})" if changed else f"{name} next"


# --- one page in a process of its own -------------------------------------------------------


@dataclass
class Bench:
    app: Flask
    engine: sa.Engine
    client: FlaskClient
    targets: Targets
    repeat: int
    timeout: float
    memory_mb: int
    show_statements: bool


@dataclass
class Row:
    label: str
    path: str
    failure: str | None = None
    status: int = 200
    ms: float = 0.0
    runs: int = 0
    statements: int = 0
    sql_ms: float = 0.0
    size: int = 0
    rows: int = 0
    bare_ms: float | None = None
    bare_rows: int = 0
    peak_mb: float | None = None
    later: list[str] = field(default_factory=list)
    slowest: list[tuple[str, int, float]] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.failure or not self.bare_ms:
            return None
        return self.ms / self.bare_ms


def _proc_kb(name: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{name}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Make VmHWM (peak resident memory) start again from now (Linux 4.0+)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _limit_memory(megabytes: int) -> None:
    size = _proc_kb("VmSize")
    if size is not None and megabytes > 0:
        limit = size * 1024 + megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _slowest(statements: list[list[Any]], limit: int = 6) -> list[tuple[str, int, float]]:
    grouped: dict[str, list[float]] = {}
    for statement, seconds in statements:
        grouped.setdefault(" ".join(statement.split())[:150], []).append(seconds)
    ranked = sorted(grouped.items(), key=lambda kv: -sum(kv[1]))[:limit]
    return [(text, len(secs), sum(secs)) for text, secs in ranked]


def measure_page(bench: Bench, page: Page, row: Row, offset: int, alive: Callable[[], None]) -> Row:
    """Time `row.path` (warm-up, then the runs), then its bare query; in the page's process."""
    client = bench.client
    times, sql, counts = [], [], []
    response = None
    statements: list[list[Any]] = []
    before_kb = _proc_kb("VmRSS")
    peak_ok = _reset_peak()
    for n in range(bench.repeat + 1):
        alive()
        with StatementLog(bench.engine) as log:
            seconds, response = timed(lambda: client.get(row.path))
        statements = log.statements
        if response.status_code != 200:
            row.status = response.status_code
            row.failure = f"HTTP {response.status_code}"
            return row
        if n or seconds > SLOW_PAGE:
            times.append(seconds)
            sql.append(log.sql_seconds)
            counts.append(len(statements))
        if n == 0 and seconds > SLOW_PAGE:
            break
    after_kb = _proc_kb("VmHWM")
    assert response is not None
    body = response.get_data()
    row.ms = statistics.median(times) * 1000
    row.sql_ms = statistics.median(sql) * 1000
    row.runs = len(times)
    row.statements = max(counts)
    row.size = len(body)
    if peak_ok and before_kb is not None and after_kb is not None:
        row.peak_mb = max(0, after_kb - before_kb) / 1024
    shown = page.shown(body)
    row.rows = len(shown)
    row.later = next_links(row.path, body, page.is_json, response.headers.get("Link"))
    if bench.show_statements:
        row.slowest = _slowest(statements)
    if shown:
        stmt = page.bare(bench.targets).limit(len(shown)).offset(offset)
        bare = []
        for n in range(bench.repeat + 1):
            alive()
            with bench.app.app_context():
                seconds, result = timed(lambda: db.session.execute(stmt).all())
            if n:
                bare.append(seconds)
            row.bare_rows = len(result)
        row.bare_ms = statistics.median(bare) * 1000
    return row


def _child(send: Connection, bench: Bench, page: Page, row: Row, offset: int) -> None:
    bench.engine.dispose(close=False)  # the parent's connections stay the parent's
    _limit_memory(bench.memory_mb)
    try:
        result = measure_page(bench, page, row, offset, lambda: send.send(("alive", None)))
    except MemoryError:
        send.send(("failure", "memory"))
    except Exception as exc:  # noqa: BLE001 - reported in the table; the run goes on
        send.send(("failure", f"{type(exc).__name__}: {str(exc)[:80]}"))
    else:
        send.send(("done", result))
    finally:
        send.close()


def run_isolated(bench: Bench, page: Page, row: Row, offset: int) -> Row:
    """measure_page in a forked process; a request over the time limit kills it."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    bench.engine.dispose()
    process = context.Process(target=_child, args=(send, bench, page, row, offset))
    process.start()
    send.close()
    try:
        while True:
            if not receive.poll(bench.timeout):
                process.kill()
                row.failure = "timeout"
                return row
            try:
                kind, value = receive.recv()
            except EOFError:
                row.failure = f"died (exit {process.exitcode})"
                return row
            if kind == "done":
                return value  # type: ignore[no-any-return]
            if kind == "failure":
                row.failure = value
                return row
    finally:
        process.join(timeout=30)
        receive.close()


def measure_all(bench: Bench, names: list[str]) -> Iterator[Row]:
    for name in names:
        page = PAGES[name]
        first = run_isolated(bench, page, Row(name, page.path(bench.targets)), 0)
        yield first
        for later in first.later:
            row = Row(_label(name, first.path, later), later)
            yield run_isolated(bench, page, row, first.rows)


# --- the data ----------------------------------------------------------------------------


def make_history(app: Flask, edits: int, seed: int = SEED) -> int:
    """`edits` changes through the services as an editor, so the history has rows and the
    disputes follow them: evidence, status, assignee, and now and then a statement."""
    rng = random.Random(seed)
    with app.app_context():
        editor = accounts.create_user("bench-editor", PASSWORD, Role.editor)
        db.session.commit()
        reviewers = list(
            db.session.scalars(sa.select(User.id).where(User.role != Role.viewer).order_by(User.id))
        )
        ids = list(
            db.session.scalars(
                sa.select(Claim.id).where(Claim.is_deleted.is_(False)).order_by(Claim.id)
            )
        )
    picked = rng.sample(ids, min(edits, len(ids)))
    for n, claim_id in enumerate(picked):
        with app.app_context():
            editor = db.session.get(User, editor.id)
            claim = claims.get_claim(claim_id)
            if n % 4 == 0:
                claims.attach_evidence(
                    claim_id,
                    claims.EvidenceDraft(
                        url=f"https://bench.example/evidence/{claim_id}",
                        title="A report checked for the benchmark",
                        stance=rng.choice(["supports", "refutes", "context"]),
                    ),
                    actor=editor,
                )
            else:
                if n % 10 == 1:
                    change = claims.ClaimChanges(statement=f"{claim.statement} (checked)")
                elif claim.status in (ClaimStatus.unreviewed, ClaimStatus.in_review):
                    other = {
                        ClaimStatus.unreviewed: ClaimStatus.in_review,
                        ClaimStatus.in_review: ClaimStatus.unreviewed,
                    }
                    change = claims.ClaimChanges(status=other[claim.status])
                else:
                    change = claims.ClaimChanges(assignee_id=rng.choice(reviewers))
                claims.edit_claim(claim_id, change, version=claim.version, actor=editor)
            db.session.commit()
    return len(picked)


def count(stmt: sa.Select[Any]) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0)


def prepare(url: str, size: int, edits: int) -> tuple[Flask, Targets, list[str]]:
    """Migrate and fill `url`; returns the app, the pages' targets and lines describing it."""
    migrate.upgrade(url)
    generation, _ = timed(
        lambda: generate(
            url,
            sources=max(1, size // CLAIMS_PER_SOURCE),
            claims=size,
            seed=SEED,
            cross_source=True,
        )
    )
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            # A page that fails raises in its process (reported by name, MemoryError as
            # "memory") rather than answering a bare 500.
            "PROPAGATE_EXCEPTIONS": True,
        }
    )
    with app.app_context():
        # generate.py writes values but no answers: propose them, as `tracker disputes
        # --recompute` does, so the disputes between answers are there as in use.
        proposing, proposed = timed(answers.propose_missing)
        db.session.commit()
        detection, _ = timed(lambda: (disputes.detect_all(), db.session.commit()))
    history, made = timed(lambda: make_history(app, edits))
    with app.app_context():
        accounts.create_user("bench-viewer", PASSWORD, Role.viewer)
        db.session.commit()
        live = sa.select(Claim.id).where(Claim.is_deleted.is_(False))
        entity_id, entity_claims = db.session.execute(
            sa.select(ClaimEntity.entity_id, sa.func.count(sa.distinct(ClaimEntity.claim_id)))
            .join(Claim, Claim.id == ClaimEntity.claim_id)
            .where(Claim.is_deleted.is_(False))
            .group_by(ClaimEntity.entity_id)
            .order_by(
                sa.func.count(sa.distinct(ClaimEntity.claim_id)).desc(), ClaimEntity.entity_id
            )
            .limit(1)
        ).one()
        source_id, source_claims = db.session.execute(
            sa.select(Claim.source_id, sa.func.count())
            .where(Claim.is_deleted.is_(False))
            .group_by(Claim.source_id)
            .order_by(sa.func.count().desc(), Claim.source_id)
            .limit(1)
        ).one()
        entity_name = db.session.get(Entity, entity_id).name  # type: ignore[union-attr]
        current = sa.select(Contradiction.id).where(Contradiction.is_current.is_(True))
        lines = [
            f"{count(sa.select(Claim.id)):,} claims ({count(live):,} live), "
            f"{count(sa.select(Source.id)):,} sources, {count(sa.select(Question.id)):,} questions "
            f"({count(live.where(Claim.question_id.is_not(None))):,} live claims in one), "
            f"{count(sa.select(Entity.id)):,} entities, {count(current):,} current "
            f"contradictions ({count(current.where(_open_contradictions())):,} open), "
            f"{count(sa.select(AuditEntry.id)):,} history rows from {made:,} edits",
            f"generated in {generation:.1f} s, {proposed:,} answers proposed in {proposing:.1f} s, "
            f"detect_all() {detection:.1f} s, "
            f"edits {history:.1f} s; entity page: {entity_name} ({entity_claims:,} claims), "
            f"source page: #{source_id} ({source_claims:,} claims)",
        ]
    return app, Targets(entity_id, source_id), lines


def _statement_timeout(seconds: float) -> Callable[..., None]:
    """A PostgreSQL connection option: a query of a killed page stops at the time limit."""

    def on_connect(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        options = cparams.get("options", "")
        cparams["options"] = f"{options} -c statement_timeout={int(seconds * 1000)}".strip()

    return on_connect


# --- report -----------------------------------------------------------------------------


def _cell(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def print_row(row: Row, width: int) -> None:
    if row.failure:
        print(f"{row.label:<{width}} {row.failure}")
        return
    print(
        f"{row.label:<{width}}{row.ms:>10.1f}{row.statements:>11}{row.sql_ms:>9.1f}"
        f"{row.size / 1024:>10,.1f}{row.rows:>8,}{_cell(row.bare_ms, '.1f'):>9}"
        f"{_cell(row.ratio, '.1f'):>7}{_cell(row.peak_mb, '.1f'):>9}{row.runs:>5}"
    )
    for text, n, seconds in row.slowest:
        print(f"    {n:>5} x {seconds * 1000:8.1f} ms  {text}")


def summary(rows: list[Row]) -> str:
    timed_out = [r for r in rows if r.failure]
    done = [r for r in rows if not r.failure]
    if timed_out:
        slowest = f"{timed_out[0].label} {timed_out[0].failure}"
    elif done:
        top = max(done, key=lambda r: r.ms)
        slowest = f"{top.label} {top.ms:.1f} ms"
    else:
        slowest = "-"
    ratios = [r for r in done if r.ratio is not None]
    worst = (
        f"{max(ratios, key=lambda r: r.ratio or 0).ratio:.1f} "
        f"({max(ratios, key=lambda r: r.ratio or 0).label})"
        if ratios
        else "-"
    )
    line = f"pages: slowest={slowest}, worst ratio={worst}"
    if timed_out:
        line += f", {len(timed_out)} not measured ({', '.join(r.label for r in timed_out)})"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000, help="generated claims")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL")
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"a subset of: {', '.join(PAGES)}")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the warm-up")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a request may take")
    parser.add_argument(
        "--memory-limit", type=int, default=4096, help="MB a page's process may add (0: none)"
    )
    parser.add_argument("--edits", type=int, help="changes through the services (claims / 50)")
    parser.add_argument("--statements", action="store_true", help="each page's slowest SQL")
    args = parser.parse_args()
    names = [n.strip() for n in args.pages.split(",") if n.strip()]
    unknown = [n for n in names if n not in PAGES]
    if unknown:
        parser.error(f"unknown pages {', '.join(unknown)}; known: {', '.join(PAGES)}")
    edits = args.edits if args.edits is not None else max(10, args.claims // 50)

    with fresh_database("bench_pages", postgres=args.postgres, url=args.database_url) as url:
        app, targets, lines = prepare(url, args.claims, edits)
        engine: sa.Engine = app.extensions["tracker.engine"]
        if engine.dialect.name == "postgresql":
            sa.event.listen(engine, "do_connect", _statement_timeout(args.timeout))
        time_fetches(engine)
        client = app.test_client()
        login = client.post("/login", data={"username": "bench-viewer", "password": PASSWORD})
        if login.status_code != 302:
            raise SystemExit(f"login as a viewer failed: {login.status_code}")
        bench = Bench(
            app,
            engine,
            client,
            targets,
            args.repeat,
            args.timeout,
            args.memory_limit,
            args.statements,
        )
        print(f"pages on {engine.dialect.name}: {lines[0]}")
        print(lines[1])
        print(
            f"median of {args.repeat} runs after a warm-up (a page slower than {SLOW_PAGE:g} s: "
            f"its one run); time limit {args.timeout:g} s a request; viewer, Flask test client"
        )
        width = 30
        print(
            f"{'page':<{width}}{'ms':>10}{'statements':>11}{'SQL ms':>9}{'KB':>10}{'rows':>8}"
            f"{'bare ms':>9}{'ratio':>7}{'peak MB':>9}{'runs':>5}"
        )
        rows = []
        for row in measure_all(bench, names):
            rows.append(row)
            print_row(row, width)
            sys.stdout.flush()
        paths = ", ".join(f"{r.label} = {r.path}" for r in rows if r.label in ("entity", "source"))
        if paths:
            print(f"paths: {paths}")
        engine.dispose()
    print(summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
