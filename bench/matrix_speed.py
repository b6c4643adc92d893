"""Who said what (/matrix, its CSV export and GET /api/v1/matrix) at two data sizes.

For each size and backend: migrate, fill with bench/generate.py (cross-source: questions, one
per 7 claims, answered by 70% of the claims), find the contradictions (``detect_all``), log in
as an editor through the test client, then time pages (median of N runs after one warm-up):
the first page, a page deep into the questions (a keyset cursor 90% of the way), "only where
sources differ", a search by question words, and two sources side by side. For each it prints
the server time, the SQL statements sent (BEGIN/COMMIT/SAVEPOINT not counted) and the size of
the HTML. Then the whole CSV export, streamed: time, rows, bytes, and the peak of Python memory
while streaming it (tracemalloc); and the API's first page (50 cells).
Run: .venv/bin/python bench/matrix_speed.py [--repeat N] [--no-postgres] [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.generate import generate  # noqa: E402
from bench.statements import StatementLog  # noqa: E402
from tests.support.postgres import running_server  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.accounts import services as accounts  # noqa: E402
from tracker.accounts.models import Role  # noqa: E402
from tracker.claims.models import Claim  # noqa: E402
from tracker.core import db, migrate  # noqa: E402
from tracker.questions import disputes  # noqa: E402
from tracker.questions.models import Question  # noqa: E402

PASSWORD = "bench password"


def measure(url: str, claims: int, repeat: int) -> dict[str, Any]:
    migrate.upgrade(url)
    started = time.perf_counter()
    generate(url, sources=max(1, claims // 10), claims=claims, cross_source=True)
    generation = time.perf_counter() - started
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    engine: sa.Engine = app.extensions["tracker.engine"]
    with app.app_context():
        started = time.perf_counter()
        current = disputes.detect_all()
        db.session.commit()
        detection = time.perf_counter() - started
        accounts.create_user("bench", PASSWORD, Role.editor)
        db.session.commit()
        grouped = db.session.scalar(
            sa.select(sa.func.count()).where(Claim.question_id.is_not(None))
        )
        ordered = list(
            db.session.scalars(sa.select(Question.id).order_by(Question.text, Question.id))
        )
        deep = ordered[int(len(ordered) * 0.9)]
        two = list(db.session.scalars(sa.select(Claim.source_id).distinct().limit(2)))
    client = app.test_client()
    response = client.post("/login", data={"username": "bench", "password": PASSWORD})
    assert response.status_code == 302, response.text
    pages = [
        ("first page", "/matrix"),
        ("deep (keyset 90%)", f"/matrix?after={deep}"),
        ("only where differ", "/matrix?differ=1"),
        ("question words", "/matrix?q=left+openai"),
        ("two sources", f"/matrix?source_id={two[0]},{two[1]}"),
        ("API, 50 cells", "/api/v1/matrix"),
    ]
    rows = []
    for label, path in pages:
        times, counts = [], []
        for n in range(repeat + 1):  # the first run warms caches and is not counted
            with StatementLog(engine) as log:
                started = time.perf_counter()
                response = client.get(path)
                seconds = time.perf_counter() - started
            assert response.status_code == 200, (path, response.status_code, response.text[:300])
            if n:
                times.append(seconds)
                counts.append(len(log.statements))
        rows.append(
            {
                "page": label,
                "server": statistics.median(times),
                "queries": max(counts),
                "bytes": len(response.data),
            }
        )
    # The CSV: once for the time, once under tracemalloc for the memory it holds.
    with StatementLog(engine) as log:
        started = time.perf_counter()
        response = client.get("/export/matrix.csv", buffered=False)
        size = lines = 0
        for chunk in response.response:
            size += len(chunk)
            lines += chunk.count(b"\r\n")
        response.close()
        csv_seconds = time.perf_counter() - started
    tracemalloc.start()
    response = client.get("/export/matrix.csv", buffered=False)
    for _chunk in response.response:
        pass
    response.close()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine.dispose()
    return {
        "claims": claims,
        "grouped": grouped,
        "questions": len(ordered),
        "generation": generation,
        "detection": detection,
        "contradictions": current,
        "rows": rows,
        "csv": {
            "seconds": csv_seconds,
            "rows": lines - 1,
            "bytes": size,
            "statements": len(log.statements),
            "peak": peak,
        },
    }


def report(backend: str, r: dict[str, Any], repeat: int) -> None:
    print(
        f"\n{backend}: {r['claims']:,} claims ({r['grouped']:,} in {r['questions']:,} "
        f"questions), generated in {r['generation']:.0f} s; detect_all {r['detection']:.0f} s, "
        f"{r['contradictions']:,} current contradictions; median of {repeat} runs"
    )
    print(f"{'page':<20}{'server ms':>11}{'queries':>9}{'KB':>8}")
    for row in r["rows"]:
        print(
            f"{row['page']:<20}{row['server'] * 1000:>11.1f}{row['queries']:>9}"
            f"{row['bytes'] / 1024:>8.1f}"
        )
    c = r["csv"]
    print(
        f"CSV: {c['rows']:,} cells, {c['bytes'] / 1e6:.1f} MB in {c['seconds']:.1f} s, "
        f"{c['statements']} statements; Python memory peak while streaming "
        f"{c['peak'] / 1e6:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    for claims in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            report("sqlite", measure(f"sqlite:///{tmp}/bench.db", claims, args.repeat), args.repeat)
    if not args.no_postgres:
        with running_server() as server:
            for claims in sizes:
                url = server.create_database(f"bench_matrix_{claims}")
                report("postgresql", measure(url, claims, args.repeat), args.repeat)


if __name__ == "__main__":
    main()
