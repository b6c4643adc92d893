"""Fill a migrated database with many realistic sources, claims and evidence, fast.

Texts are built from sentences of the seed articles (German, traditional Chinese) and from the
English restatements in seeds/claims.json, so quotes, glosses and search keys look like real
ones. Rows go in with bulk Core INSERTs (executemany) in one transaction, not through the
services: 100k claims through ``mark_claim`` would take many minutes.

Use: ``generate(url, sources=10_000, claims=100_000, seed=1)`` on a database at
``alembic upgrade head`` (it may already hold rows; new ids follow the largest existing ones).
Run alone: ``.venv/bin/python bench/generate.py URL [--sources N] [--claims N] [--seed N]``.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tracker.accounts.models import Role, User  # noqa: E402
from tracker.claims.models import Claim, ClaimStatus, Evidence, Stance  # noqa: E402
from tracker.core.db import create_engine  # noqa: E402
from tracker.sources.models import Sentence, Source  # noqa: E402
from tracker.sources.services import default_title  # noqa: E402
from tracker.text.glosses import find_glosses, strip_glosses  # noqa: E402
from tracker.text.script import search_key  # noqa: E402
from tracker.text.splitting import split_sentences  # noqa: E402

SEEDS = ROOT / "seeds"
BATCH = 5_000
#: A word that appears in about 1% of statements and nowhere else (seeds included), so a
#: search for it selects ~1% of the claims.
RARE_WORD = "severance"
RARE_SHARE = 0.01

REVIEWERS = [
    ("anna.keller", Role.reviewer),
    ("bernd.vogt", Role.reviewer),
    ("chen.wei", Role.reviewer),
    ("dora.lin", Role.editor),
    ("emil.braun", Role.reviewer),
    ("fang.zhou", Role.editor),
    ("admin", Role.admin),
]
SPEAKERS = [
    ("the article", 50),
    ("Elon Musk", 12),
    ("Sam Altman", 12),
    ("Jan Leike", 8),
    ("Greg Brockman", 6),
    ("John Schulman", 5),
    ("people close to Sam Altman", 4),
    ("Marc Toberoff", 3),
]
STATUS_WEIGHTS = {
    ClaimStatus.unreviewed: 35,
    ClaimStatus.in_review: 15,
    ClaimStatus.verified: 15,
    ClaimStatus.partly_true: 10,
    ClaimStatus.false: 7,
    ClaimStatus.misleading: 7,
    ClaimStatus.unverifiable: 6,
    ClaimStatus.disputed: 5,
}
RATIONALES = [
    "Confirmed by the company's own announcement.",
    "Two independent reports agree on the figure.",
    "The number is rounded; the primary source gives a slightly different count.",
    "No primary source found; the article cites unnamed people.",
    "The quote is accurate but leaves out that the move was announced months earlier.",
    "Contradicted by the court filing.",
]
TEMPLATES = [
    "{subject} {verb} {detail}.",
    "According to {speaker}, {subject} {verb} {detail}.",
    "{speaker} claims that {subject} {verb} {detail}.",
    "It is implied that {subject} {verb} {detail}.",
]
VERBS = [
    "left OpenAI",
    "founded a competitor",
    "was offered a board seat",
    "raised money",
    "disagreed with the leadership",
    "took a long leave",
    "joined Anthropic",
    "warned about safety",
    "was paid",
    "sued OpenAI",
]
DETAILS = [
    "in {year}",
    "after the board crisis of November 2023",
    "with about {n} colleagues",
    "for roughly {n} million dollars",
    "before the launch of ChatGPT",
    "over disagreements about safety",
    "within {n} months",
    "together with {other}",
]
PUBLISHERS = [
    "Reuters",
    "The Verge",
    "Bloomberg",
    "heise online",
    "Der Spiegel",
    "36Kr",
    "Caixin",
    "The Information",
    "TechCrunch",
]
STANCES = [Stance.supports, Stance.refutes, Stance.context]


@dataclass(frozen=True)
class SeedSentence:
    text: str
    #: Glosses as offsets relative to the start of the sentence.
    glosses: tuple[tuple[int, int, str], ...]
    reading_text: str
    search_text: str


def _seed_sentences() -> dict[str, list[SeedSentence]]:
    """Sentences of the seed articles with their glosses, by language (de, zh, en)."""
    pools: dict[str, list[SeedSentence]] = {}
    for name, language in (
        ("de-openai-talent-exodus.txt", "de"),
        ("zh-openai-leadership-shakeup.txt", "zh"),
    ):
        text = (SEEDS / name).read_text(encoding="utf-8")
        glosses = find_glosses(text)
        starts = [g.start for g in glosses]
        pool = []
        for span in split_sentences(text, language):
            inside = glosses[
                bisect.bisect_left(starts, span.start) : bisect.bisect_left(starts, span.end)
            ]
            reading = (
                strip_glosses(text, inside, span.start, span.end).text
                if inside
                else text[span.start : span.end]
            )
            pool.append(
                SeedSentence(
                    text=text[span.start : span.end],
                    glosses=tuple(
                        (g.start - span.start, g.end - span.start, g.reading) for g in inside
                    ),
                    reading_text=reading,
                    search_text=search_key(reading),
                )
            )
        pools[language] = pool
    statements = [c["statement"] for c in _seed_claims()]
    pools["en"] = [SeedSentence(s, (), s, search_key(s)) for s in dict.fromkeys(statements)]
    return pools


def _seed_claims() -> list[dict[str, Any]]:
    claims: list[dict[str, Any]] = json.loads((SEEDS / "claims.json").read_text("utf-8"))["claims"]
    return claims


_CUT = re.compile(r"[,，:：;；、]\s*|\s+[-–]\s+")


def _quote_span(rng: random.Random, sentence: str) -> tuple[int, int]:
    """A span of a sentence: usually all of it, sometimes a clause (trimmed of white space)."""
    cuts = [0, *(m.end() for m in _CUT.finditer(sentence)), len(sentence)]
    if len(cuts) > 2 and rng.random() < 0.4:
        i = rng.randrange(len(cuts) - 1)
        j = rng.randrange(i + 1, len(cuts))
        start, end = cuts[i], cuts[j]
    else:
        start, end = 0, len(sentence)
    piece = sentence[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip(" \t,，:：;；、-–"))
    if end <= start:
        return 0, len(sentence)
    return start, end


def _statement(
    rng: random.Random, speaker: str, subjects: list[str], seed_statements: list[str]
) -> str:
    if rng.random() < 0.35:
        text = rng.choice(seed_statements)
    else:
        detail = rng.choice(DETAILS).format(
            year=rng.randint(2015, 2024), n=rng.randint(2, 90), other=rng.choice(SUBJECTS)
        )
        text = rng.choice(TEMPLATES).format(
            subject=subjects[0],
            speaker=speaker,
            verb=rng.choice(VERBS),
            detail=detail,
        )
        text = text[0].upper() + text[1:]
    if rng.random() < RARE_SHARE:
        text += f" The {RARE_WORD} terms are cited as the reason."
    return text


SUBJECTS = sorted({s for c in _seed_claims() for s in c["subjects"]})


def _batches(rows: list[dict[str, Any]], size: int) -> Any:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]], size: int) -> None:
    for batch in _batches(rows, size):
        conn.execute(table.insert(), batch)


def _max_id(conn: sa.Connection, table: sa.Table) -> int:
    return int(conn.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))) or 0)


def generate(url: str, sources: int = 10_000, claims: int = 100_000, seed: int = 1) -> None:
    """Add `sources` sources and `claims` claims (plus users, sentences and evidence) to `url`."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    year_ago = now - timedelta(days=365)

    def moment(after: datetime = year_ago) -> datetime:
        return after + timedelta(seconds=rng.uniform(0, max(1.0, (now - after).total_seconds())))

    pools = _seed_sentences()
    seed_claims = _seed_claims()
    seed_statements = [c["statement"] for c in seed_claims]
    seed_evidence = list({e["url"]: e for c in seed_claims for e in c["evidence"]}.values())

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            users_t = User.__table__
            sources_t = Source.__table__
            sentences_t = Sentence.__table__
            claims_t = Claim.__table__
            evidence_t = Evidence.__table__
            size = BATCH

            # --- users --------------------------------------------------------------------
            taken = set(conn.scalars(sa.select(users_t.c.username)))
            new_users = [
                {
                    "username": name,
                    "password_hash": "scrypt:32768:8:1$bench$"
                    + hashlib.sha256(name.encode()).hexdigest(),
                    "role": role,
                    "is_active": True,
                    "created_at": year_ago,
                }
                for name, role in REVIEWERS
                if name not in taken
            ]
            if new_users:
                conn.execute(users_t.insert(), new_users)
            reviewer_ids = list(
                conn.scalars(
                    sa.select(users_t.c.id).where(
                        users_t.c.username.in_([name for name, _ in REVIEWERS])
                    )
                )
            )

            # --- sources and their sentences -----------------------------------------------
            languages = [("de", 45), ("de-CH", 5), ("zh-Hant", 25), ("zh", 10), ("en", 15)]
            source_base = _max_id(conn, sources_t)
            digests = set(conn.scalars(sa.select(sources_t.c.sha256)))
            source_rows: list[dict[str, Any]] = []
            sentence_rows: list[dict[str, Any]] = []
            #: per new source: its id, language and the (start, end) of every sentence
            source_spans: list[tuple[int, str, list[tuple[int, int]]]] = []
            lang_codes = [code for code, _ in languages]
            lang_weights = [w for _, w in languages]
            while len(source_rows) < sources:
                language = rng.choices(lang_codes, lang_weights)[0]
                pool = pools[language.split("-")[0]]
                count = rng.randint(4, 12)
                picked = rng.sample(pool, min(count, len(pool)))
                sep = "" if language.startswith("zh") else " "
                parts: list[str] = []
                offset = 0
                spans: list[tuple[int, int]] = []
                for n, sentence in enumerate(picked):
                    if n == 1:
                        joiner = "\n\n"
                    elif n > 1:
                        joiner = "\n\n" if rng.random() < 0.3 else sep
                    else:
                        joiner = ""
                    offset += len(joiner)
                    parts.append(joiner + sentence.text)
                    spans.append((offset, offset + len(sentence.text)))
                    offset += len(sentence.text)
                text = "".join(parts) + "\n"
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                if digest in digests:
                    continue
                digests.add(digest)
                source_id = source_base + len(source_rows) + 1
                gloss_count = 0
                for index, (sentence, (start, end)) in enumerate(zip(picked, spans, strict=True)):
                    gloss_count += len(sentence.glosses)
                    sentence_rows.append(
                        {
                            "source_id": source_id,
                            "index": index,
                            "start": start,
                            "end": end,
                            "reading_text": sentence.reading_text,
                            "search_text": sentence.search_text,
                            "glosses": [[s + start, e + start, r] for s, e, r in sentence.glosses],
                        }
                    )
                imported_at = moment()
                source_rows.append(
                    {
                        "id": source_id,
                        "title": default_title(text),
                        "text": text,
                        "sha256": digest,
                        "language": language,
                        "is_language_detected": rng.random() < 0.5,
                        "url": f"https://news.example.org/{language.lower()}/{source_id}"
                        if rng.random() < 0.8
                        else None,
                        "published": (imported_at - timedelta(days=rng.randint(0, 60))).date()
                        if rng.random() < 0.7
                        else None,
                        "char_count": len(text),
                        "sentence_count": len(spans),
                        "gloss_count": gloss_count,
                        "imported_at": imported_at,
                        "imported_by_id": rng.choice(reviewer_ids),
                    }
                )
                source_spans.append((source_id, language, spans))
            _insert(conn, sources_t, source_rows, size)
            _insert(conn, sentences_t, sentence_rows, size)
            texts = {row["id"]: row["text"] for row in source_rows}
            del source_rows, sentence_rows

            # --- claims ------------------------------------------------------------------
            claim_base = _max_id(conn, claims_t)
            speakers = [s for s, _ in SPEAKERS]
            speaker_weights = [w for _, w in SPEAKERS]
            statuses = list(STATUS_WEIGHTS)
            status_weights = list(STATUS_WEIGHTS.values())
            hot = source_spans[: max(1, len(source_spans) // 50)]  # 2% of sources get 20%
            claim_rows: list[dict[str, Any]] = []
            evidence_rows: list[dict[str, Any]] = []
            for n in range(claims):
                claim_id = claim_base + n + 1
                source_id, _language, spans = rng.choice(
                    hot if rng.random() < 0.2 else source_spans
                )
                text = texts[source_id]
                s_start, s_end = rng.choice(spans)
                q_start, q_end = _quote_span(rng, text[s_start:s_end])
                start, end = s_start + q_start, s_start + q_end
                quote = text[start:end]
                speaker = rng.choices(speakers, speaker_weights)[0]
                subjects = rng.sample(SUBJECTS, rng.choice((1, 1, 2, 2, 3)))
                statement = _statement(rng, speaker, subjects, seed_statements)
                status = rng.choices(statuses, status_weights)[0]
                reading_quote = strip_glosses(quote, find_glosses(quote)).text
                created_at = moment()
                updated_at = moment(created_at) if rng.random() < 0.6 else created_at
                claim_rows.append(
                    {
                        "id": claim_id,
                        "key": None,
                        "source_id": source_id,
                        "start": start,
                        "end": end,
                        "quote": quote,
                        "statement": statement,
                        "speaker": speaker,
                        "subjects": subjects,
                        "status": status,
                        "rationale": rng.choice(RATIONALES) if status.is_verdict else None,
                        "assignee_id": rng.choice(reviewer_ids) if rng.random() < 0.3 else None,
                        "search_text": search_key(
                            "\n".join([statement, reading_quote, speaker, *subjects])
                        ),
                        "is_deleted": rng.random() < 0.01,
                        "created_by_id": rng.choice(reviewer_ids),
                        "created_at": created_at,
                        "updated_at": updated_at,
                        "version": 1,
                    }
                )
                if rng.random() < 0.2:
                    evidence_rows.extend(
                        _evidence(rng, claim_id, created_at, reviewer_ids, seed_evidence, moment)
                    )
            _insert(conn, claims_t, claim_rows, size)
            del claim_rows, texts
            evidence_base = _max_id(conn, evidence_t)
            for n, row in enumerate(evidence_rows):
                row["id"] = evidence_base + n + 1
            _insert(conn, evidence_t, evidence_rows, size)

            if conn.dialect.name == "postgresql":
                for table in (users_t, sources_t, sentences_t, claims_t, evidence_t):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table.name}))"
                    )
        if engine.dialect.name == "postgresql":
            # What autovacuum does soon after a load this size (statistics, and the visibility
            # map that lets COUNT use an index-only scan); SQLite has no such thing and the app
            # never runs ANALYZE there, so it is left as the app leaves it.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()
    print(
        f"generated {sources:,} sources, {claims:,} claims, {len(evidence_rows):,} evidence "
        f"on {engine.dialect.name} in {time.perf_counter() - started:.1f} s"
    )


def _evidence(
    rng: random.Random,
    claim_id: int,
    created_at: datetime,
    reviewer_ids: list[int],
    seed_evidence: list[dict[str, Any]],
    moment: Any,
) -> list[dict[str, Any]]:
    count = rng.choice((1, 1, 2, 2, 3))
    if count >= 2 and rng.random() < 0.4:
        stances = [Stance.supports, Stance.refutes] + rng.choices(STANCES, k=count - 2)
    else:
        stances = rng.choices(STANCES, k=count)
    rows = []
    used: set[str] = set()
    for stance in stances:
        if rng.random() < 0.3:
            seed = rng.choice(seed_evidence)
            url, title = seed["url"], seed["title"]
            publisher, published = seed.get("publisher"), seed.get("date")
        else:
            publisher = rng.choice(PUBLISHERS)
            slug = rng.choice(VERBS).replace(" ", "-")
            url = f"https://{publisher.lower().replace(' ', '')}.example/{slug}-{rng.randrange(10**6)}"
            title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)}"
            day: date = (created_at - timedelta(days=rng.randint(0, 400))).date()
            published = rng.choice((day.isoformat(), day.isoformat()[:7], str(day.year)))
        if url in used:
            continue
        used.add(url)
        rows.append(
            {
                "claim_id": claim_id,
                "url": url,
                "title": title,
                "publisher": publisher,
                "published": published,
                "stance": stance,
                "passage": None,
                "is_deleted": rng.random() < 0.03,
                "added_by_id": rng.choice(reviewer_ids),
                "added_at": moment(created_at),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.url, args.sources, args.claims, args.seed)


if __name__ == "__main__":
    main()
