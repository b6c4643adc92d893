"""Text search with the trigram index against the LIKE scan, at 1M claims.

For each backend: migrate to 0008, fill with bench/generate.py (one source per 10 claims),
give 20 claims and 20 new sentences a very rare word, then time migration 0009 filling the index for the
existing rows. For each kind of word it times, median of N runs after one warm-up, one search
as the review queue runs it (COUNT plus the first page of 50 in the default order, claim rows
only) and as ``/search`` runs it over sentences, once through the index and once with the LIKE
scan (``tracker.core.textsearch.Strategy``), and then the service as the app calls it
(``queue.list_claims``, ``search_sentences``) with the strategy the tracker chooses, loader
options included. ``rows`` are what the LIKE scan finds; ``index rows`` what the index finds
(on SQLite the index finds nothing for a 2-character word: the reason for the fallback).
Run: .venv/bin/python bench/search_speed.py [--claims 1000000] [--repeat 5] [--postgres]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

from bench.generate import RARE_WORD, generate  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.claims import queue  # noqa: E402
from tracker.claims.models import Claim  # noqa: E402
from tracker.core import db, migrate, textsearch  # noqa: E402
from tracker.core.pagination import paginate  # noqa: E402
from tracker.core.textsearch import Strategy  # noqa: E402
from tracker.sources import services as sources  # noqa: E402
from tracker.sources.models import Sentence, Source  # noqa: E402

PER_PAGE = 50
#: Added to the statements of VERY_RARE_ROWS claims spread over the table, and the one
#: sentence of as many small articles.
VERY_RARE_WORD = "quokka"
VERY_RARE_ROWS = 20
#: The kinds of word, for the claims' search text and for the sentences'. Generated claims
#: quote seed sentences and state templates; ``daedalus`` is in one seed sentence of 236.
OTHER_WORDS = [("common", "openai"), ("none", "marmalade"), ("2-char CJK", "公司")]
CLAIM_WORDS = [("rare", RARE_WORD), ("very rare", VERY_RARE_WORD), *OTHER_WORDS]
SENTENCE_WORDS = [("rare", "daedalus"), ("very rare", VERY_RARE_WORD), *OTHER_WORDS]
FILTERED = {"status": "in_review", "language": "de"}


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median seconds of `repeat` runs after a warm-up, and the last result."""
    times = []
    result = None
    for n in range(repeat + 1):
        start = time.perf_counter()
        result = run()
        if n:
            times.append(time.perf_counter() - start)
    return statistics.median(times), result


def claims_search(word: str, strategy: Strategy | None, filters: dict[str, str]) -> int:
    match = textsearch.find(Claim.search_text, word, strategy)
    stmt = queue.filtered(queue.ClaimFilter(**filters))  # type: ignore[arg-type]
    stmt = stmt.where(match.condition).order_by(*match.order_by(*queue.SORTS["updated"]))
    return paginate(stmt, 1, PER_PAGE).total


def sentences_search(word: str, strategy: Strategy | None) -> int:
    match = textsearch.find(Sentence.search_text, word, strategy)
    stmt = (
        sa.select(Sentence)
        .where(match.condition)
        .order_by(*match.order_by(Sentence.source_id.desc(), Sentence.index))
    )
    return paginate(stmt, 1, PER_PAGE).total


def add_very_rare(url: str) -> None:
    """Append VERY_RARE_WORD to a few statements (to their search text as well) and import as
    many articles with it, before migration 0009: its fill must find them."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        for n in range(VERY_RARE_ROWS):
            text = f"Ein {VERY_RARE_WORD.title()} namens Nummer {n} lebt im Zoo.\n"
            sources.import_source(text, sources.SourceMetadata(language="de"), actor=None)
        db.session.commit()
    app.extensions["tracker.engine"].dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        total = conn.scalar(sa.select(sa.func.max(Claim.id)))
        ids = [1 + n * (total // VERY_RARE_ROWS) for n in range(VERY_RARE_ROWS)]
        suffix = f" Quoted in the {VERY_RARE_WORD} report."
        conn.execute(
            sa.update(Claim)
            .where(Claim.id.in_(ids))
            .values(
                statement=Claim.statement + suffix,
                search_text=Claim.search_text + suffix.lower(),
            )
        )
    engine.dispose()


def index_size(app: Flask) -> float:
    """MB the search indexes take."""
    with app.app_context():
        if db.session.get_bind().dialect.name == "sqlite":
            names = [
                f"{fts}_{s}" for fts in textsearch.FTS_TABLES.values() for s in ("data", "idx")
            ]
            pages = db.session.execute(
                sa.text("SELECT sum(pgsize) FROM dbstat WHERE name IN :names").bindparams(
                    sa.bindparam("names", expanding=True)
                ),
                {"names": names},
            ).scalar()
            return (pages or 0) / 1e6
        sizes = [
            db.session.scalar(sa.text("SELECT pg_relation_size(:name)"), {"name": name})
            for name in textsearch.TRGM_INDEXES.values()
        ]
        return sum(sizes) / 1e6


def measure(url: str, claims: int, repeat: int) -> dict[str, Any]:
    migrate.upgrade(url, "0008")
    started = time.perf_counter()
    generate(url, sources=max(1, claims // 10), claims=claims)
    add_very_rare(url)
    generation = time.perf_counter() - started
    started = time.perf_counter()
    migrate.upgrade(url)
    filling = time.perf_counter() - started
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    rows = []
    with app.app_context():
        counts = {
            "claims": db.session.scalar(sa.select(sa.func.count()).select_from(Claim)),
            "sources": db.session.scalar(sa.select(sa.func.count()).select_from(Source)),
            "sentences": db.session.scalar(sa.select(sa.func.count()).select_from(Sentence)),
        }
        cases: list[tuple[str, str, str, Any, Callable[[Strategy | None], int], Any]] = []
        for kind, word in CLAIM_WORDS:
            cases.append(
                (
                    "claims",
                    kind,
                    word,
                    Claim.search_text,
                    lambda s, w=word: claims_search(w, s, {}),
                    lambda w=word: queue.list_claims(queue.ClaimFilter(q=w), 1, PER_PAGE),
                )
            )
        cases.append(
            (
                "claims+filters",
                "rare",
                RARE_WORD,
                Claim.search_text,
                lambda s: claims_search(RARE_WORD, s, FILTERED),
                lambda: queue.list_claims(queue.ClaimFilter(q=RARE_WORD, **FILTERED), 1, PER_PAGE),
            )
        )
        for kind, word in SENTENCE_WORDS:
            cases.append(
                (
                    "sentences",
                    kind,
                    word,
                    Sentence.search_text,
                    lambda s, w=word: sentences_search(w, s),
                    lambda w=word: sources.search_sentences(w, 1, PER_PAGE),
                )
            )
        for search, kind, word, column, run, service in cases:
            index_s, index_rows = timed(lambda run=run: run(Strategy.index), repeat)
            like_s, like_rows = timed(lambda run=run: run(Strategy.scan), repeat)
            app_s, page = timed(service, repeat)
            assert page.total == like_rows, (search, word, page.total, like_rows)
            rows.append(
                {
                    "search": search,
                    "kind": kind,
                    "word": word,
                    "rows": like_rows,
                    "index_rows": index_rows,
                    "index": index_s,
                    "like": like_s,
                    "chosen": textsearch.find(column, word).strategy,
                    "app": app_s,
                }
            )
            db.session.rollback()
    size = index_size(app)
    app.extensions["tracker.engine"].dispose()
    return {
        **counts,
        "generation": generation,
        "filling": filling,
        "size": size,
        "rows": rows,
    }


def report(backend: str, r: dict[str, Any], repeat: int) -> None:
    print(
        f"\n{backend}: {r['claims']:,} claims, {r['sources']:,} sources, {r['sentences']:,} "
        f"sentences, generated in {r['generation']:.1f} s; migration 0009 filled the index in "
        f"{r['filling']:.1f} s ({r['size']:,.0f} MB); one search = COUNT + first page of "
        f"{PER_PAGE}; median of {repeat} runs"
    )
    print(
        f"{'search':<15}{'kind':<11}{'word':<12}{'rows':>9}{'index rows':>11}{'index ms':>10}"
        f"{'LIKE ms':>10}{'LIKE/index':>11}  {'app uses':<9}{'app ms':>8}"
    )
    for row in r["rows"]:
        print(
            f"{row['search']:<15}{row['kind']:<11}{row['word']:<12}{row['rows']:>9,}"
            f"{row['index_rows']:>11,}{row['index'] * 1000:>10.1f}{row['like'] * 1000:>10.1f}"
            f"{row['like'] / row['index']:>11.1f}  {row['chosen']:<9}{row['app'] * 1000:>8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report(
            "sqlite", measure(f"sqlite:///{tmp}/bench.db", args.claims, args.repeat), args.repeat
        )
    if args.postgres:
        from tests.support.postgres import running_server

        with running_server() as server:
            url = server.create_database("bench")
            report("postgresql", measure(url, args.claims, args.repeat), args.repeat)


if __name__ == "__main__":
    main()
