"""Suggestions for one new claim at 1k, 10k and 100k claims, and recomputing every dispute.

For each backend and size: migrate, fill with bench/generate.py (``cross_source``: entities,
aliases, questions, entity links and values; 10 claims per source), then mark a few new claims
through ``mark_claim`` (so entity linking and value extraction run as in the app), each restating
the fact of an existing claim that answers a question, in another source. For each new claim,
``tracker.questions.suggestions.suggest()`` is timed, median of N runs after one warm-up, each run
in a fresh app context (an empty session, as a request has). Printed per size: the median
``mark_claim`` time, the median ``suggest()`` over all runs and the range of the per-claim medians,
the ratio against the smallest size, SQL statements per call (BEGIN/COMMIT not counted) and their
time in the driver, the largest UNION ALL sent (SELECTs in it), the candidate claims scored
(claims the call loads besides the new one), and how many new claims were offered the question of
the claim they restate first, and at all (among the 5 suggested). A database error in
``suggest()`` is printed, not raised. At the largest size it then times ``detect_all()`` plus the
commit twice: with no contradictions stored yet (as after a bulk load), and again (a recompute
that changes nothing).
Run: .venv/bin/python bench/suggest_speed.py [--sizes 1000,10000,100000] [--repeat N] [--new N]
[--no-postgres] [--statements]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

from bench.generate import generate  # noqa: E402
from bench.statements import StatementLog, timed  # noqa: E402
from tests.support.postgres import running_server  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.claims import services as claims  # noqa: E402
from tracker.claims.models import Claim  # noqa: E402
from tracker.core import db, migrate  # noqa: E402
from tracker.entities.models import Entity  # noqa: E402
from tracker.questions import disputes, suggestions  # noqa: E402
from tracker.questions.models import Contradiction, Question  # noqa: E402
from tracker.sources.models import Sentence, Source  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
CLAIMS_PER_SOURCE = 10
NEW_CLAIMS = 4
SEED = 1


@dataclass
class SizeResult:
    claims: int
    sources: int
    entities: int
    questions: int
    generation: float
    mark: float
    times: list[float] = field(default_factory=list)
    per_claim: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)
    unions: list[int] = field(default_factory=list)
    first: int = 0
    listed: int = 0
    errors: list[str] = field(default_factory=list)
    statements: list[tuple[str, float]] = field(default_factory=list)


def count(stmt: sa.Select[Any]) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0)


def mark_new_claims(app: Flask, new: int) -> tuple[list[tuple[int, int]], float]:
    """Mark `new` claims that restate the facts of existing grouped claims, in other sources.

    Returns (new claim id, the question of the claim it restates) pairs and the median seconds
    of ``mark_claim`` plus its commit.
    """
    rng = random.Random(SEED)
    picked: list[tuple[int, int]] = []
    seconds: list[float] = []
    with app.app_context():
        last_claim = int(db.session.scalar(sa.select(sa.func.max(Claim.id))) or 0)
        last_source = int(db.session.scalar(sa.select(sa.func.max(Source.id))) or 0)
        while len(picked) < new:
            model = db.session.get(Claim, rng.randint(1, last_claim))
            if (
                model is None
                or model.is_deleted
                or model.question_id is None
                or model.question_id in {q for _, q in picked}
            ):
                continue
            source_id = rng.randint(1, last_source)
            sentences = db.session.scalars(
                sa.select(Sentence).where(Sentence.source_id == source_id)
            ).all()
            if source_id == model.source_id or not sentences:
                continue
            sentence = rng.choice(sentences)
            draft = claims.ClaimDraft(
                start=sentence.start,
                end=sentence.end,
                statement=f"It is reported that {model.statement[0].lower()}{model.statement[1:]}",
                speaker=model.speaker,
                subjects=list(model.subjects),
            )
            question_id = model.question_id

            def mark(source_id: int = source_id, draft: claims.ClaimDraft = draft) -> int:
                claim_id = claims.mark_claim(source_id, draft, actor=None).id
                db.session.commit()
                return claim_id

            took, claim_id = timed(mark)
            seconds.append(took)
            picked.append((claim_id, question_id))
    return picked, statistics.median(seconds)


def _union_size(statement: str) -> int:
    return statement.count(" UNION ALL ") + 1


def time_suggest(app: Flask, engine: sa.Engine, claim_id: int, repeat: int) -> dict[str, Any]:
    """`repeat` timed suggest() calls after a warm-up, each in its own app context; or the
    error the database raised."""
    loaded: set[int] = set()

    def on_load(target: Claim, _context: Any) -> None:
        loaded.add(target.id)

    times, sql, queries, candidates, unions = [], [], [], [], []
    offered: list[int] = []
    log = None
    sa.event.listen(Claim, "load", on_load)
    try:
        for n in range(repeat + 1):
            loaded.clear()
            with app.app_context(), StatementLog(engine) as log:
                try:
                    seconds, found = timed(lambda: suggestions.suggest(claim_id))
                except sa.exc.DBAPIError as exc:
                    # Reported, not raised: the figure of interest is where it breaks.
                    union = _union_size(exc.statement or "")
                    return {"error": f"{exc.orig} (a UNION ALL of {union:,} SELECTs)"}
                offered = [s.question.id for s in found.questions if s.question is not None]
            if n:  # the first run warms caches and is not counted
                times.append(seconds)
                sql.append(log.sql_seconds)
                queries.append(len(log.statements))
                candidates.append(len(loaded - {claim_id}))
                unions.append(max(_union_size(s) for s, _ in log.statements))
    finally:
        sa.event.remove(Claim, "load", on_load)
    assert log is not None
    return {
        "times": times,
        "sql": sql,
        "queries": max(queries),
        "candidates": max(candidates),
        "union": max(unions),
        "offered": offered,
        "statements": log.statements,
    }


def measure_size(url: str, size: int, repeat: int, new: int) -> tuple[SizeResult, Flask]:
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
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    engine: sa.Engine = app.extensions["tracker.engine"]
    with app.app_context():
        result = SizeResult(
            claims=count(sa.select(Claim.id)),
            sources=count(sa.select(Source.id)),
            entities=count(sa.select(Entity.id)),
            questions=count(sa.select(Question.id)),
            generation=generation,
            mark=0.0,
        )
    picked, result.mark = mark_new_claims(app, new)
    for claim_id, question_id in picked:
        run = time_suggest(app, engine, claim_id, repeat)
        if "error" in run:
            result.errors.append(run["error"])
            continue
        result.times += run["times"]
        result.per_claim.append(statistics.median(run["times"]))
        result.sql += run["sql"]
        result.queries.append(run["queries"])
        result.candidates.append(run["candidates"])
        result.unions.append(run["union"])
        result.first += run["offered"][:1] == [question_id]
        result.listed += question_id in run["offered"]
        result.statements = run["statements"]
    return result, app


def measure_disputes(app: Flask) -> dict[str, Any]:
    """detect_all() plus the commit: first with nothing stored, then again."""
    engine: sa.Engine = app.extensions["tracker.engine"]
    with app.app_context():
        grouped = sa.select(Claim.id).where(
            Claim.question_id.is_not(None), Claim.is_deleted.is_(False)
        )
        answered = count(
            sa.select(Claim.question_id).where(Claim.question_id.is_not(None)).distinct()
        )
        facts = {"questions": answered, "grouped": count(grouped)}
    runs = []
    for _ in range(2):
        with app.app_context():
            with StatementLog(engine) as log:

                def run() -> int:
                    current = disputes.detect_all()
                    db.session.commit()
                    return current

                seconds, current = timed(run)
            kinds = {
                kind: n
                for kind, n in db.session.execute(
                    sa.select(Contradiction.kind, sa.func.count())
                    .where(Contradiction.is_current.is_(True))
                    .group_by(Contradiction.kind)
                )
            }
            disputed = count(
                sa.select(Contradiction.question_id)
                .where(Contradiction.is_current.is_(True))
                .distinct()
            )
        runs.append(
            {
                "seconds": seconds,
                "current": current,
                "kinds": kinds,
                "disputed": disputed,
                "queries": len(log.statements),
                "sql": log.sql_seconds,
                "statements": log.statements,
            }
        )
    engine.dispose()
    return facts | {"runs": runs}


def measure(
    url_for: Callable[[int], str], sizes: list[int], repeat: int, new: int
) -> tuple[dict[int, SizeResult], dict[str, Any]]:
    results: dict[int, SizeResult] = {}
    detect: dict[str, Any] = {}
    for size in sizes:
        results[size], app = measure_size(url_for(size), size, repeat, new)
        if size == max(sizes):
            detect = measure_disputes(app)
        else:
            app.extensions["tracker.engine"].dispose()
    return results, detect


def _slowest(statements: list[tuple[str, float]], limit: int = 8) -> None:
    grouped: dict[str, list[float]] = {}
    for statement, seconds in statements:
        grouped.setdefault(" ".join(statement.split())[:140], []).append(seconds)
    for text, secs in sorted(grouped.items(), key=lambda kv: -sum(kv[1]))[:limit]:
        print(f"    {len(secs):>6} x {sum(secs) * 1000:9.1f} ms  {text}")


def report(
    backend: str,
    results: dict[int, SizeResult],
    detect: dict[str, Any],
    repeat: int,
    show_statements: bool,
) -> None:
    first = results[min(results)]
    new = len(first.per_claim) + len(first.errors)
    generated = ", ".join(f"{r.claims:,} in {r.generation:.1f} s" for r in results.values())
    print(
        f"\n{backend}: suggest() for {new} new claims marked through mark_claim, median of "
        f"{repeat} runs each; generated {generated}"
    )
    print(
        f"{'claims':>8}{'entities':>9}{'mark ms':>9}{'suggest ms':>11}{'per claim':>13}"
        f"{'ratio':>7}{'queries':>8}{'SQL ms':>8}{'union':>7}{'candidates':>12}{'first':>6}{'listed':>7}"
    )
    base = statistics.median(first.times) if first.times else None
    for size, r in results.items():
        row = f"{r.claims:>8,}{r.entities:>9,}{r.mark * 1000:>9.1f}"
        if r.times:
            median = statistics.median(r.times)
            spread = f"{min(r.per_claim) * 1000:.0f}-{max(r.per_claim) * 1000:.0f}"
            ratio = f"{median / base:.2f}" if base else "-"
            candidates = f"{min(r.candidates)}-{max(r.candidates)}"
            row += (
                f"{median * 1000:>11.1f}{spread:>13}{ratio:>7}{max(r.queries):>8}"
                f"{statistics.median(r.sql) * 1000:>8.1f}{max(r.unions):>7,}{candidates:>12}"
                f"{r.first:>4}/{len(r.per_claim)}{r.listed:>5}/{len(r.per_claim)}"
            )
        print(row)
        for error in dict.fromkeys(r.errors):
            print(f"  suggest() fails for {r.errors.count(error)} of {new} claims: {error}")
        if show_statements and r.statements:
            print(f"  statements of the last suggest() at {size:,} claims, slowest first:")
            _slowest(r.statements)
    if not detect:
        return
    size = max(results)
    print(
        f"detect_all() + commit at {size:,} claims: {detect['questions']:,} questions answered "
        f"by {detect['grouped']:,} claims"
    )
    print(
        f"{'run':<28}{'seconds':>8}{'queries':>9}{'SQL s':>7}{'current':>9}{'questions':>10}  kinds"
    )
    for label, run in zip(
        ("first (none stored)", "again (recompute)"), detect["runs"], strict=True
    ):
        kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(run["kinds"].items()))
        print(
            f"{label:<28}{run['seconds']:>8.1f}{run['queries']:>9,}{run['sql']:>7.1f}"
            f"{run['current']:>9,}{run['disputed']:>10,}  {kinds}"
        )
        if show_statements:
            _slowest(run["statements"], limit=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--new", type=int, default=NEW_CLAIMS, help="new claims to suggest for")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--statements", action="store_true", help="list the slowest statements")
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))

    with tempfile.TemporaryDirectory() as tmp:
        results, detect = measure(
            lambda size: f"sqlite:///{tmp}/bench-{size}.db", sizes, args.repeat, args.new
        )
        report("sqlite", results, detect, args.repeat, args.statements)
    if not args.no_postgres:
        with running_server() as server:
            results, detect = measure(
                lambda size: server.create_database(f"bench_{size}"), sizes, args.repeat, args.new
            )
            report("postgresql", results, detect, args.repeat, args.statements)


if __name__ == "__main__":
    main()
