"""Fill a migrated database with many realistic sources, claims and evidence, fast.

Texts are built from sentences of the seed articles (German, traditional Chinese) and from the
English restatements in seeds/claims.json, so quotes, glosses and search keys look like real
ones. Rows go in with bulk Core INSERTs (executemany) in one transaction, not through the
services: 100k claims through ``mark_claim`` would take many minutes.

With ``cross_source=True`` it also writes what groups claims across sources: the seed entities
plus one generated person or organisation per 25 claims, with their aliases; questions (one per
7 claims); and per claim its subjects drawn with a Zipf skew (OpenAI, Sam Altman, Elon Musk are
very common, most entities are rare), its entity links (subjects, speaker and the names found in
its quote and statement, as ``link_claim`` finds them), its values (``extract_values`` on the quote
and statement, keyed by ``blocking_key``, as ``refresh_values`` stores them), and for 70% of
claims a question whose fact the statement states, mostly with the question's usual value,
sometimes with another (a contradiction) or a finer one. The base rows (sources, spans, statuses,
evidence) are the same with or without it.

Use: ``generate(url, sources=10_000, claims=100_000, seed=1, cross_source=False)`` on a database
at ``alembic upgrade head`` (it may already hold rows; new ids follow the largest existing ones).
Run alone: ``.venv/bin/python bench/generate.py URL [--sources N] [--claims N] [--seed N]
[--cross-source]``.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import hashlib
import itertools
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
from tracker.claims.models import Claim, ClaimStatus, ClaimValue, Evidence, Stance  # noqa: E402
from tracker.claims.values import blocking_key, value_columns  # noqa: E402
from tracker.core.db import create_engine  # noqa: E402
from tracker.entities.models import (  # noqa: E402
    ClaimEntity,
    Entity,
    EntityAlias,
    EntityKind,
    EntityRole,
)
from tracker.entities.services import AliasIndex, alias_key  # noqa: E402
from tracker.questions.models import AnswerKind, Question  # noqa: E402
from tracker.sources.models import Sentence, Source  # noqa: E402
from tracker.sources.services import default_title  # noqa: E402
from tracker.text.glosses import find_glosses, strip_glosses  # noqa: E402
from tracker.text.script import search_key  # noqa: E402
from tracker.text.splitting import split_sentences  # noqa: E402
from tracker.text.values import Value, extract_values  # noqa: E402

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


# --- cross-source data: entities, questions, links and values -----------------------------


def _words(text: str) -> list[str]:
    return text.split()


#: One generated person or organisation per this many claims besides the seed entities, so that
#: most entities stay rare as the data grows (coverage keeps adding names few articles use).
CLAIMS_PER_ENTITY = 25
#: The seed entities claims name most, most common first; the other seed entities follow in
#: file order, then the generated ones. Subjects are drawn with weight 1/rank (Zipf).
HEAD_ENTITIES = (
    "OpenAI",
    "Sam Altman",
    "Elon Musk",
    "Ilya Sutskever",
    "Greg Brockman",
    "Microsoft",
    "Anthropic",
)
CLAIMS_PER_QUESTION = 7
#: Claims that answer a question; of those, the share stating another value than the one most
#: sources give (a contradiction), and the share stating it more finely ($44.6M for $44M).
GROUPED_SHARE = 0.7
DIFFERENT_SHARE = 0.05
FINER_SHARE = 0.03
FIRST_NAMES = _words(
    "Anna Ben Carla David Elena Felix Grace Hannah Ivan Julia Kai Laura Marco Nina Oscar Priya "
    "Quentin Ruth Stefan Tanja Umar Valentina Wei Xin Yara Zoltan Aiko Bruno Chiara Dmitri "
    "Esther Farid Greta Hugo Ingrid Jamal Katrin Lukas Mei Noah Olivia Pavel Rina Sofia Tomas "
    "Ulrike Vikram Wen Yusuf Zhen"
)
LAST_NAMES = _words(
    "Abramov Bauer Castillo Dubois Eriksen Fischer Gupta Hartmann Ito Jansen Kowalski Lindqvist "
    "Moreau Nakamura Okafor Petrov Quispe Rossi Schneider Tanaka Urban Vogel Wagner Xu Yilmaz "
    "Zhang Almeida Brandt Cohen Dietrich Engel Fontaine Greco Hoffmann Ibarra Jovanovic Keller "
    "Lang Meier Novak Ortega Pohl Richter Sauer Thaler Ulrich Varga Weiss Zimmer Chen Liu Wang "
    "Huang Zhao Sun Ma Guo Lin He"
)
ORG_WORDS = _words(
    "Aurora Basalt Cedar Delta Ember Fjord Granite Harbor Iris Juniper Kestrel Lumen Meridian "
    "Nimbus Onyx Prism Quarry Radiant Summit Tidal Umbra Vector Willow Xenon Yonder Zenith "
    "Atlas Beacon Cobalt Drift"
)
ORG_SUFFIXES = _words(
    "Labs AI Capital Ventures Robotics Research Systems Partners Compute Dynamics"
)
#: Per answer kind: how a claim states the value, and the question (one per entity, verb, kind).
FACTS = {
    AnswerKind.date: ("in {value}", "{entity} {verb}: in what year?"),
    AnswerKind.count: ("with {value} colleagues", "{entity} {verb}: with how many colleagues?"),
    AnswerKind.money: ("for {value} million dollars", "{entity} {verb}: for how much money?"),
    AnswerKind.duration: ("within {value} months", "{entity} {verb}: within how many months?"),
}
MONTHS = list(calendar.month_name)[1:]
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Fact:
    """What a question asks, and the value most sources give."""

    question_id: int
    entity: str
    verb: str
    kind: AnswerKind
    value: int


def _alias_index(by_key: dict[str, int]) -> AliasIndex:
    """``tracker.entities.services.alias_index()`` built from rows in hand, not the session."""
    latin = sorted((k for k in by_key if not _CJK.search(k)), key=len, reverse=True)
    pattern = (
        re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in latin) + r")(?!\w)")
        if latin
        else None
    )
    return AliasIndex(by_key, pattern, tuple(k for k in by_key if _CJK.search(k)))


class CrossSource:
    """Entities, aliases and questions (inserted when made), then for each claim its subjects,
    statement, entity links, values and answer value (inserted after the claims)."""

    entities_t = Entity.__table__
    aliases_t = EntityAlias.__table__
    questions_t = Question.__table__
    links_t = ClaimEntity.__table__
    values_t = ClaimValue.__table__

    def __init__(
        self,
        conn: sa.Connection,
        rng: random.Random,
        claims: int,
        reviewer_ids: list[int],
        since: datetime,
    ) -> None:
        self.rng = rng
        now = datetime.now(UTC).replace(microsecond=0)
        self.ids: dict[str, int] = {
            name: entity_id
            for name, entity_id in conn.execute(
                sa.select(self.entities_t.c.name, self.entities_t.c.id)
            )
        }
        self.by_key: dict[str, int] = {
            key: entity_id
            for key, entity_id in conn.execute(
                sa.select(self.aliases_t.c.alias_key, self.aliases_t.c.entity_id)
            )
        }
        self._entity_base = _max_id(conn, self.entities_t)
        self._entity_rows: list[dict[str, Any]] = []
        self._alias_rows: list[dict[str, Any]] = []

        seeds = json.loads((SEEDS / "entities.json").read_text("utf-8"))["entities"]
        for item in seeds:
            self._add_entity(item["name"], EntityKind(item["kind"]), item.get("aliases", []), now)
        seed_names = [item["name"] for item in seeds]
        ranked = [*HEAD_ENTITIES, *(n for n in seed_names if n not in HEAD_ENTITIES)]
        for _ in range(claims // CLAIMS_PER_ENTITY):
            name, kind = self._new_name()
            self._add_entity(name, kind, [], now)
            ranked.append(name)
        alias_base = _max_id(conn, self.aliases_t)
        for n, row in enumerate(self._alias_rows):
            row["id"] = alias_base + n + 1
        _insert(conn, self.entities_t, self._entity_rows, BATCH)
        _insert(conn, self.aliases_t, self._alias_rows, BATCH)
        self.ranked = ranked
        self.cum_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(ranked))))
        self.index = _alias_index(self.by_key)

        self.facts: list[Fact] = []
        taken = set(conn.scalars(sa.select(self.questions_t.c.search_text)))
        question_base = _max_id(conn, self.questions_t)
        question_rows: list[dict[str, Any]] = []
        while len(question_rows) < claims // CLAIMS_PER_QUESTION:
            entity = self._popular()
            verb = rng.choice(VERBS)
            kind = rng.choice(list(FACTS))
            text = FACTS[kind][1].format(entity=entity, verb=verb)
            if entity in verb or search_key(text) in taken:  # "OpenAI left OpenAI"; asked
                continue
            taken.add(search_key(text))
            question_id = question_base + len(question_rows) + 1
            question_rows.append(
                {
                    "id": question_id,
                    "text": text,
                    "answer_kind": kind,
                    "search_text": search_key(text),
                    "created_by_id": rng.choice(reviewer_ids),
                    "created_at": since + (now - since) * rng.random(),
                }
            )
            usual = {
                AnswerKind.date: rng.randint(2015, 2024),
                AnswerKind.count: rng.randint(3, 90),
                AnswerKind.money: rng.randint(2, 90),
                AnswerKind.duration: rng.randint(2, 24),
            }[kind]
            self.facts.append(Fact(question_id, entity, verb, kind, usual))
        _insert(conn, self.questions_t, question_rows, BATCH)

        self._link_rows: list[dict[str, Any]] = []
        self._value_rows: list[dict[str, Any]] = []
        self._values: dict[tuple[str, str | None], list[Value]] = {}
        self._mentions: dict[str, set[int]] = {}
        self.grouped = 0

    def _add_entity(self, name: str, kind: EntityKind, aliases: list[str], now: datetime) -> None:
        """Like ``create_entity``: the name and aliases, each key once, none taken twice."""
        if name in self.ids:
            return
        entity_id = self._entity_base + len(self._entity_rows) + 1
        self.ids[name] = entity_id
        self._entity_rows.append({"id": entity_id, "name": name, "kind": kind, "created_at": now})
        for alias in [name, *aliases]:
            key = alias_key(alias)
            if key not in self.by_key:
                self.by_key[key] = entity_id
                self._alias_rows.append({"entity_id": entity_id, "alias": alias, "alias_key": key})

    def _new_name(self) -> tuple[str, EntityKind]:
        rng = self.rng
        while True:
            if rng.random() < 0.7:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                middle = f" {rng.choice('ABCDEFGHJKLMNPRSTW')}." if rng.random() < 0.5 else ""
                name, kind = f"{first}{middle} {last}", EntityKind.person
            else:
                words = rng.sample(ORG_WORDS, rng.choice((1, 1, 2)))
                name = f"{' '.join(words)} {rng.choice(ORG_SUFFIXES)}"
                kind = EntityKind.organisation
            if name not in self.ids and alias_key(name) not in self.by_key:
                return name, kind

    def _popular(self) -> str:
        name: str = self.rng.choices(self.ranked, cum_weights=self.cum_weights)[0]
        return name

    def _subjects(self, first: str | None = None) -> list[str]:
        chosen = [first] if first else []
        count = self.rng.choice((1, 1, 2, 2, 3))
        while len(chosen) < count:
            name = self._popular()
            if name not in chosen:
                chosen.append(name)
        return chosen

    def _claimed(self, fact: Fact) -> str:
        """The value a claim gives: usually the usual one, sometimes another or a finer one."""
        rng, usual = self.rng, fact.value
        roll = rng.random()
        if roll < DIFFERENT_SHARE:
            if fact.kind == AnswerKind.date:
                return str(usual + rng.choice((-3, -2, -1, 1, 2)))
            return str(usual + max(1, round(usual * rng.uniform(0.3, 1.0))))
        if roll < DIFFERENT_SHARE + FINER_SHARE:
            if fact.kind == AnswerKind.date:
                return f"{rng.choice(MONTHS)} {usual}"
            if fact.kind == AnswerKind.money:
                return f"{usual}.{rng.randint(1, 9)}"
            return f"about {usual}"
        return str(usual)

    def restate(
        self, speaker: str, seed_statements: list[str]
    ) -> tuple[list[str], str, Fact | None]:
        """Subjects and statement of the next claim, and the question it answers if any."""
        rng = self.rng
        if self.facts and rng.random() < GROUPED_SHARE:
            fact = rng.choice(self.facts)
            detail = FACTS[fact.kind][0].format(value=self._claimed(fact))
            text = rng.choice(TEMPLATES).format(
                subject=fact.entity, speaker=speaker, verb=fact.verb, detail=detail
            )
            return self._subjects(fact.entity), text[0].upper() + text[1:], fact
        subjects = self._subjects()
        return subjects, _statement(rng, speaker, subjects, seed_statements), None

    def _found(self, text: str, language: str | None) -> list[Value]:
        found = self._values.get((text, language))
        if found is None:
            found = self._values[(text, language)] = extract_values(text, language)
        return found

    def _named(self, text: str) -> set[int]:
        found = self._mentions.get(text)
        if found is None:
            found = self._mentions[text] = self.index.mentions(text)
        return found

    def link(
        self, row: dict[str, Any], language: str, reading_quote: str, fact: Fact | None
    ) -> None:
        """The claim's entity links, values and answer, as ``mark_claim`` and
        ``assign_question`` store them (the answer taken from the statement, confirmed)."""
        claim_id = row["id"]
        links = {(self.ids[s], EntityRole.subject) for s in row["subjects"]}
        if (speaker := self.index.resolve(row["speaker"])) is not None:
            links.add((speaker, EntityRole.speaker))
        for entity_id in self._named(reading_quote) | self._named(row["statement"]):
            links.add((entity_id, EntityRole.mention))
        self._link_rows.extend(
            {"claim_id": claim_id, "entity_id": e, "role": role} for e, role in sorted(links)
        )
        in_statement = self._found(row["statement"], "en")
        seen: set[str] = set()
        for value in [*self._found(reading_quote, language.split("-")[0]), *in_statement]:
            key = blocking_key(value)
            if key not in seen:
                seen.add(key)
                self._value_rows.append(
                    {
                        "claim_id": claim_id,
                        "kind": value.kind.value,
                        "key": key,
                        "text": value.text[:200],
                    }
                )
        answer = None
        if fact is not None:
            self.grouped += 1
            answer = next((v for v in in_statement if v.kind.value == fact.kind.value), None)
        row["question_id"] = fact.question_id if fact is not None else None
        row.update(value_columns(answer, confirmed=answer is not None))

    def insert_links(self, conn: sa.Connection, size: int) -> None:
        _insert(conn, self.links_t, self._link_rows, size)
        value_base = _max_id(conn, self.values_t)
        for n, row in enumerate(self._value_rows):
            row["id"] = value_base + n + 1
        _insert(conn, self.values_t, self._value_rows, size)

    def summary(self) -> str:
        return (
            f"{len(self._entity_rows):,} entities, {len(self.facts):,} questions "
            f"({self.grouped:,} claims answer one), {len(self._link_rows):,} entity links, "
            f"{len(self._value_rows):,} values"
        )


def generate(
    url: str,
    sources: int = 10_000,
    claims: int = 100_000,
    seed: int = 1,
    cross_source: bool = False,
) -> None:
    """Add `sources` sources and `claims` claims (plus users, sentences and evidence) to `url`;
    with `cross_source`, also entities, questions, entity links and values (module docstring)."""
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
            # Its own random stream, so the base rows do not depend on `cross_source`.
            links = (
                CrossSource(conn, random.Random(seed + 1), claims, reviewer_ids, year_ago)
                if cross_source
                else None
            )
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
                source_id, language, spans = rng.choice(hot if rng.random() < 0.2 else source_spans)
                text = texts[source_id]
                s_start, s_end = rng.choice(spans)
                q_start, q_end = _quote_span(rng, text[s_start:s_end])
                start, end = s_start + q_start, s_start + q_end
                quote = text[start:end]
                speaker = rng.choices(speakers, speaker_weights)[0]
                subjects = rng.sample(SUBJECTS, rng.choice((1, 1, 2, 2, 3)))
                statement = _statement(rng, speaker, subjects, seed_statements)
                fact = None
                if links is not None:
                    subjects, statement, fact = links.restate(speaker, seed_statements)
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
                if links is not None:
                    links.link(claim_rows[-1], language, reading_quote, fact)
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
            if links is not None:
                links.insert_links(conn, size)

            if conn.dialect.name == "postgresql":
                tables = [users_t, sources_t, sentences_t, claims_t, evidence_t]
                if links is not None:
                    tables += [links.entities_t, links.aliases_t, links.questions_t, links.values_t]
                for table in tables:
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
    extra = f", {links.summary()}" if links is not None else ""
    print(
        f"generated {sources:,} sources, {claims:,} claims, {len(evidence_rows):,} evidence"
        f"{extra} on {engine.dialect.name} in {time.perf_counter() - started:.1f} s"
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
    parser.add_argument(
        "--cross-source",
        action="store_true",
        help="also entities, questions, entity links and values (see above)",
    )
    args = parser.parse_args()
    generate(args.url, args.sources, args.claims, args.seed, args.cross_source)


if __name__ == "__main__":
    main()
