"""The review queue (GET /claims) on 100k claims / 10k sources, beside its bare SQL.

For each backend: migrate, fill with bench/generate.py, log in as a reviewer through the test
client, then time three pages (median of N runs after one warm-up): the first page in the
default order, the last page, and a text search narrowed by status and language. For each it
prints the server time of the whole page, the SQL statements it sent (BEGIN/COMMIT/SAVEPOINT
not counted), the time those statements took in the driver (execute plus fetching every row:
bench/statements.py), and the "bare" time of the same
rows: the COUNT plus the page SELECT of claim rows built from tracker.claims.queue.filtered()
and SORTS, without loader options, template or other queries.
Run: .venv/bin/python bench/queue_speed.py [--repeat N] [--no-postgres] [--statements]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

from bench.generate import RARE_WORD, generate  # noqa: E402
from bench.statements import StatementLog, timed  # noqa: E402
from tests.support.postgres import running_server  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.accounts import services as accounts  # noqa: E402
from tracker.accounts.models import Role  # noqa: E402
from tracker.claims import queue  # noqa: E402
from tracker.claims.models import Claim  # noqa: E402
from tracker.core import db, migrate  # noqa: E402
from tracker.sources.models import Source  # noqa: E402

SOURCES = 10_000
CLAIMS = 100_000
PER_PAGE = 50
PASSWORD = "bench password"


def bare_query(app: Flask, filters: queue.ClaimFilter, page: int) -> tuple[int, int]:
    """The queue's COUNT and page SELECT alone: claim rows, no loader options, no template."""
    with app.app_context():
        base = queue.filtered(filters)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
        rows = db.session.execute(
            base.order_by(*queue.SORTS[filters.sort]).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        ).all()
    return int(total or 0), len(rows)


def measure(url: str, repeat: int, show_statements: bool) -> dict[str, Any]:
    migrate.upgrade(url)
    generation, _ = timed(lambda: generate(url, sources=SOURCES, claims=CLAIMS))
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    engine: sa.Engine = app.extensions["tracker.engine"]
    with app.app_context():
        accounts.create_user("bench", PASSWORD, Role.reviewer)
        db.session.commit()
        claims = db.session.scalar(sa.select(sa.func.count()).select_from(Claim))
        sources = db.session.scalar(sa.select(sa.func.count()).select_from(Source))
        live = db.session.scalar(
            sa.select(sa.func.count()).select_from(queue.filtered(queue.ClaimFilter()).subquery())
        )
        rare = db.session.scalar(
            sa.select(sa.func.count()).select_from(
                queue.filtered(queue.ClaimFilter(q=RARE_WORD)).subquery()
            )
        )
    client = app.test_client()
    response = client.post("/login", data={"username": "bench", "password": PASSWORD})
    assert response.status_code == 302, response.text
    last = -(-int(live or 0) // PER_PAGE)
    search = {"q": RARE_WORD, "status": "in_review", "language": "de"}
    pages = [
        ("first page", "/claims", queue.ClaimFilter(), 1),
        (f"last page ({last})", f"/claims?page={last}", queue.ClaimFilter(), last),
        (
            "search+status+lang",
            f"/claims?{urlencode(search)}",
            queue.ClaimFilter(**search),  # type: ignore[arg-type]
            1,
        ),
    ]
    rows = []
    for label, path, filters, page in pages:
        page_times, bare_times, sql_times, counts = [], [], [], []
        for n in range(repeat + 1):  # the first run warms caches and is not counted
            with StatementLog(engine) as log:
                seconds, response = timed(lambda path=path: client.get(path))
            assert response.status_code == 200, (path, response.status_code)
            bare_seconds, (total, got) = timed(
                lambda filters=filters, page=page: bare_query(app, filters, page)
            )
            assert got > 0, (label, total)
            if n:
                page_times.append(seconds)
                bare_times.append(bare_seconds)
                sql_times.append(log.sql_seconds)
                counts.append(len(log.statements))
        rows.append(
            {
                "page": label,
                "server": statistics.median(page_times),
                "queries": max(counts),
                "sql": statistics.median(sql_times),
                "bare": statistics.median(bare_times),
                "total": total,
            }
        )
        if show_statements:
            print(f"  statements of {label} (last run), slowest first:")
            for statement, secs in sorted(log.statements, key=lambda s: -s[1]):
                print(f"    {secs * 1000:8.1f} ms  {' '.join(statement.split())[:150]}")
    # The statement count must not grow with the page size.
    by_size = {}
    for per_page in (10, 50, 200):
        with StatementLog(engine) as log:
            assert client.get(f"/claims?per_page={per_page}").status_code == 200
        by_size[per_page] = len(log.statements)
    engine.dispose()
    return {
        "generation": generation,
        "claims": claims,
        "sources": sources,
        "live": live,
        "rare": rare,
        "rows": rows,
        "by_size": by_size,
    }


def report(backend: str, r: dict[str, Any], repeat: int) -> None:
    print(
        f"\n{backend}: {r['claims']:,} claims ({r['live']:,} not deleted), {r['sources']:,} "
        f"sources, generated in {r['generation']:.1f} s; q={RARE_WORD!r} matches "
        f"{r['rare']:,} claims ({r['rare'] / r['claims']:.1%}); median of {repeat} runs"
    )
    print(
        f"{'page':<22}{'rows':>8}{'server ms':>11}{'queries':>9}{'SQL ms':>9}{'bare ms':>9}"
        f"{'ratio':>7}"
    )
    for row in r["rows"]:
        print(
            f"{row['page']:<22}{row['total']:>8,}{row['server'] * 1000:>11.1f}{row['queries']:>9}"
            f"{row['sql'] * 1000:>9.1f}{row['bare'] * 1000:>9.1f}"
            f"{row['server'] / row['bare']:>7.1f}"
        )
    sizes = ", ".join(f"per_page={k}: {v}" for k, v in r["by_size"].items())
    print(f"statements on the first page by page size: {sizes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--statements", action="store_true", help="list each page's statements")
    args = parser.parse_args()

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = measure(f"sqlite:///{tmp}/bench.db", args.repeat, args.statements)
        report("sqlite", results["sqlite"], args.repeat)
    if not args.no_postgres:
        with running_server() as server:
            url = server.create_database("bench")
            results["postgresql"] = measure(url, args.repeat, args.statements)
            report("postgresql", results["postgresql"], args.repeat)


if __name__ == "__main__":
    main()
