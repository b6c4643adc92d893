"""Exports of 10k and 100k claims to CSV and ClaimReview, beside a bare SQL query written with
the csv module, in one run: time and peak memory.

For each backend and size: migrate, fill with bench/generate.py (10 claims per source), then
time, interleaved and median of N runs, writing to a sink that only counts characters:
- bare CSV: one SELECT of the claim columns joined to their source, streamed (yield_per with a
  server-side cursor on PostgreSQL), each row written with csv.writer; no evidence, reviewer,
  question or formula guard;
- `export_claims` in csv and in claimreview (verdicts only).
Peak memory is measured in a separate run of each under tracemalloc (Python allocations), so
tracing does not slow the timed runs. Flat memory means the 100k peak is about the 10k peak.
Run: .venv/bin/python bench/export_speed.py [--repeat N] [--sizes 10000,100000] [--no-postgres]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.generate import generate  # noqa: E402
from tests.support.postgres import running_server  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.claims.models import Claim  # noqa: E402
from tracker.core import db, migrate  # noqa: E402
from tracker.exports.services import ExportFormat, ExportRequest, export_claims  # noqa: E402
from tracker.sources.models import Source  # noqa: E402


class Sink:
    """A file that keeps nothing: counts what is written."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def bare_csv() -> int:
    sink = Sink()
    writer = csv.writer(sink)
    stmt = (
        sa.select(
            Claim.id,
            Claim.statement,
            Claim.quote,
            Claim.source_id,
            Source.title,
            Source.url,
            Source.language,
            Claim.start,
            Claim.end,
            Claim.speaker,
            Claim.status,
            Claim.rationale,
            Claim.updated_at,
        )
        .join(Source, Claim.source_id == Source.id)
        .where(Claim.is_deleted.is_(False))
        .order_by(Claim.id)
        .execution_options(yield_per=1000)
    )
    for row in db.session.execute(stmt):
        writer.writerow(row)
    return sink.chars


def exported(fmt: ExportFormat) -> Callable[[], int]:
    def run() -> int:
        sink = Sink()
        for chunk in export_claims(ExportRequest(fmt)):
            sink.write(chunk)
        return sink.chars

    return run


RUNS: dict[str, Callable[[], int]] = {
    "bare csv (SQL + csv)": bare_csv,
    "export csv": exported(ExportFormat.csv),
    "export claimreview": exported(ExportFormat.claimreview),
}


def measure(url: str, claims: int, repeat: int) -> dict[str, Any]:
    migrate.upgrade(url)
    started = time.perf_counter()
    generate(url, sources=claims // 10, claims=claims)
    generation = time.perf_counter() - started
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    times: dict[str, list[float]] = {name: [] for name in RUNS}
    sizes: dict[str, int] = {}
    peaks: dict[str, int] = {}
    for _ in range(repeat + 1):  # the first round warms caches and is not counted
        for name, run in RUNS.items():
            with app.app_context():
                t0 = time.perf_counter()
                sizes[name] = run()
                times[name].append(time.perf_counter() - t0)
    for name, run in RUNS.items():
        with app.app_context():
            tracemalloc.start()
            run()
            peaks[name] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    app.extensions["tracker.engine"].dispose()
    return {
        "claims": claims,
        "generation": generation,
        "median": {name: statistics.median(t[1:]) for name, t in times.items()},
        "sizes": sizes,
        "peaks": peaks,
    }


def report(backend: str, results: list[dict[str, Any]], repeat: int) -> None:
    print(f"\n{backend}: median of {repeat} interleaved runs; peak = tracemalloc peak")
    print(f"{'claims':>8}  {'what':<22}{'seconds':>9}{'x bare':>8}{'MB out':>8}{'peak MB':>9}")
    for r in results:
        bare = r["median"]["bare csv (SQL + csv)"]
        for name in RUNS:
            print(
                f"{r['claims']:>8,}  {name:<22}{r['median'][name]:>9.2f}"
                f"{r['median'][name] / bare:>8.2f}{r['sizes'][name] / 1e6:>8.1f}"
                f"{r['peaks'][name] / 1e6:>9.2f}"
            )
    first, last = results[0], results[-1]
    growth = ", ".join(
        f"{name}: {last['peaks'][name] / first['peaks'][name]:.2f}x" for name in RUNS
    )
    print(f"peak memory at {last['claims']:,} vs {first['claims']:,} claims: {growth}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        results = [measure(f"sqlite:///{tmp}/bench{n}.db", n, args.repeat) for n in sizes]
        report("sqlite", results, args.repeat)
    if not args.no_postgres:
        with running_server() as server:
            results = [measure(server.create_database(f"bench{n}"), n, args.repeat) for n in sizes]
            report("postgresql", results, args.repeat)


if __name__ == "__main__":
    main()
