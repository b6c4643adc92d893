"""Suggesting the question a claim answers and the claims that state the same fact.

Candidates are blocked first (claims sharing a person or organisation that few claims name, or
a value of the same kind and size), never by comparing one claim with all others; only the few
hundred candidates are scored. Every score comes with the reasons a reviewer sees.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVarTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Role, User
from tracker.claims.models import Claim, ClaimValue
from tracker.claims.services import get_claim
from tracker.core import db, unique
from tracker.core.errors import InvalidInput, NotAllowed
from tracker.entities.models import ClaimEntity, Entity
from tracker.questions import calibration
from tracker.questions import services as questions
from tracker.questions.models import Answer, AnswerKind, Decision, Question, SuggestionDecision
from tracker.text import similarity
from tracker.text.script import search_key

#: An entity named by at least this many claims is too common to block on (like a stop word).
COMMON_ENTITY = 1000
#: How many candidate claims each blocking key may bring, at most.
PER_KEY = 300
#: Raw scores below this are not shown at all.
MIN_SCORE = 0.25
#: When the best question's calibrated score is below this (it is more likely wrong than
#: right), "a new question" is suggested first.
NEW_QUESTION = 0.5
#: An answer's or a member claim's likeness counts this much against the question's own text.
MEMBER_WEIGHT = 0.9
#: How a question's raw score weighs likeness in meaning (to its text, answers and claims),
#: the names shared with its best claim, and the answer kind. Chosen on sets 1 and 3 of
#: bench/matching_quality.py (a grid over the weights; top-1 0.63 -> 0.78 on the seeds,
#: 0.72 -> 0.77 on the restatements). Names weigh little here: the same people appear in
#: many questions; they matter for finding candidates and for suggested claims.
TEXT_WEIGHT, NAMES_WEIGHT, KIND_WEIGHT = 0.75, 0.05, 0.2
#: A text or yes/no question's kind fit (a value question's is 1 when the claim holds a
#: value of its kind, 0 when not).
OPEN_KIND_FIT = 0.4
#: How many candidate questions are scored on their own text, answers and claims.
QUESTIONS_SCORED = 25
#: Token-set likeness of two statements, ignoring case and Chinese script (one definition,
#: in tracker.text.similarity).
text_similarity = similarity.lexical_similarity


@dataclass
class Suggestion:
    #: Calibrated: about this share of suggestions with this score are right
    #: (tracker.questions.calibration).
    score: float
    reasons: list[str]
    question: Question | None = None
    claim: Claim | None = None
    #: The share of the two claims' weighted names they have in common (claims only).
    entity_score: float = 0.0
    #: The score before calibration, on which suggestions are ranked.
    raw_score: float = 0.0

    @property
    def kind(self) -> str:
        return "question" if self.question is not None else "claim"


@dataclass
class Suggestions:
    claim: Claim
    questions: list[Suggestion] = field(default_factory=list)
    claims: list[Suggestion] = field(default_factory=list)
    #: No question fits well enough: a new question is the first suggestion.
    new_question_first: bool = False


Ts = TypeVarTuple("Ts")

#: SQLite allows at most 500 SELECTs in one compound SELECT; stay well below.
UNION_PARTS = 200


def _capped_union(parts: list[sa.Select[*Ts]]) -> list[sa.Row[*Ts]]:
    """Run several LIMITed selects as few queries (each part stops early on its index)."""
    rows: list[sa.Row[*Ts]] = []
    for i in range(0, len(parts), UNION_PARTS):
        chunk = [sa.select(*part.subquery().c) for part in parts[i : i + UNION_PARTS]]
        rows += db.session.execute(sa.union_all(*chunk)).all()
    return rows


def _entity_frequencies(entity_ids: set[int]) -> dict[int, int]:
    """How many claims name each entity (one grouped COUNT on the entity's index)."""
    counts = dict.fromkeys(entity_ids, 0)
    if entity_ids:
        for entity_id, n in db.session.execute(
            sa.select(ClaimEntity.entity_id, sa.func.count(sa.distinct(ClaimEntity.claim_id)))
            .where(ClaimEntity.entity_id.in_(entity_ids))
            .group_by(ClaimEntity.entity_id)
        ):
            counts[entity_id] = n
    return counts


def _rejected(claim_id: int) -> tuple[set[int], set[int]]:
    rows = db.session.execute(
        sa.select(
            SuggestionDecision.claim_id,
            SuggestionDecision.question_id,
            SuggestionDecision.other_claim_id,
        ).where(
            SuggestionDecision.decision == Decision.rejected,
            sa.or_(
                SuggestionDecision.claim_id == claim_id,
                SuggestionDecision.other_claim_id == claim_id,
            ),
        )
    ).all()
    questions_ = {q for c, q, _ in rows if q is not None and c == claim_id}
    # A decision names a question or another claim (CHECK one_target): o is set when q is not.
    claims_ = {o if c == claim_id else c for c, q, o in rows if o is not None}
    return questions_, claims_


def _claim_total() -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Claim).where(Claim.is_deleted.is_(False))
        )
        or 1
    )


_WORD = re.compile(r"[^\W\d_]{5,}")


def _questions_by_words(statement: str) -> list[Question]:
    """Questions whose text holds one of the statement's longer words (a question no other
    claim answers yet is found this way), at most 50 a word."""
    words = sorted(
        {w for w in _WORD.findall(search_key(statement)) if w not in _QUESTION_WORDS},
        key=len,
        reverse=True,
    )[:6]
    if not words:
        return []
    parts = [
        sa.select(Question.id).where(Question.search_text.contains(word, autoescape=True)).limit(50)
        for word in words
    ]
    ids = {row[0] for row in _capped_union(parts)}
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Question).where(Question.id.in_(ids))))


#: Words every question or statement has, which find nothing.
_QUESTION_WORDS = frozenset(
    {"about", "after", "again", "before", "being", "could", "their", "there", "these"}
    | {"those", "which", "while", "where", "would", "openai", "openais"}
)


def question_score(
    text_fit: float, entity_fit: float, kind: AnswerKind, value_kinds: set[str]
) -> float:
    """A question's raw score for a claim: likeness in meaning to its text, answers and
    claims; the names shared with its best claim; whether the claim holds a value of its
    kind."""
    # A claim with no value of a value question's kind can only answer it if a reviewer types
    # one in.
    kind_fit = (1.0 if kind.value in value_kinds else 0.0) if kind.is_value else OPEN_KIND_FIT
    return TEXT_WEIGHT * text_fit + NAMES_WEIGHT * entity_fit + KIND_WEIGHT * kind_fit


def _rank_questions(
    claim: Claim,
    scored: list[Suggestion],
    rejected: set[int],
    *,
    value_kinds: set[str],
) -> list[Suggestion]:
    """Score the questions the candidates answer, and those whose words the statement uses,
    on the question's own text, its answers and its claims' statements (by meaning), on the
    names they share, and on whether the claim holds a value of the question's kind."""
    best_claim: dict[int, Suggestion] = {}
    members: dict[int, list[Claim]] = defaultdict(list)
    for suggestion in scored:
        other = suggestion.claim
        assert other is not None
        qid = other.question_id
        if qid is None or qid == claim.question_id or qid in rejected:
            continue
        members[qid].append(other)
        if qid not in best_claim:
            best_claim[qid] = suggestion
    found = {q.id: q for q in _questions_by_words(claim.statement)}
    ids = sorted(best_claim, key=lambda q: -best_claim[q].raw_score)[:QUESTIONS_SCORED]
    ids += [q for q in found if q not in best_claim][:QUESTIONS_SCORED]
    ids = [q for q in ids if q != claim.question_id and q not in rejected]
    if not ids:
        return []
    loaded = {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(ids)))}
    phrases: dict[int, list[str]] = defaultdict(list)
    for qid, text in db.session.execute(
        sa.select(Answer.question_id, Answer.text).where(Answer.question_id.in_(ids))
    ):
        phrases[qid].append(text)
    ranked: list[Suggestion] = []
    for qid in ids:
        question = loaded[qid]
        texts = [question.text, *phrases[qid][:10], *(m.statement for m in members[qid][:5])]
        fits = similarity.rank(claim.statement, texts)
        # The question's own words define it; its answers and claims count a little less.
        fits = [fits[0], *(MEMBER_WEIGHT * f for f in fits[1:])]
        text_fit = max(fits)
        entity_fit = best_claim[qid].entity_score if qid in best_claim else 0.0
        kind = question.answer_kind
        score = question_score(text_fit, entity_fit, kind, value_kinds)
        reasons = []
        if qid in best_claim and (answering := best_claim[qid].claim) is not None:
            reasons += [*best_claim[qid].reasons, f"claim #{answering.id} answers it"]
        where = max(range(len(texts)), key=lambda i: fits[i])
        what = (
            "the question"
            if where == 0
            else ("one of its answers" if where <= len(phrases[qid][:10]) else "a claim in it")
        )
        reasons.append(f"statement {text_fit:.0%} alike in meaning to {what}")
        if kind.is_value and kind.value in value_kinds:
            reasons.append(f"holds a {kind.value} value, as its answers do")
        ranked.append(
            Suggestion(
                score=round(score, 3),
                raw_score=round(score, 3),
                reasons=reasons,
                question=question,
            )
        )
    ranked.sort(key=lambda s: (-s.raw_score, s.question.id if s.question else 0))
    return [s for s in ranked if s.raw_score >= MIN_SCORE]


def suggest(claim_id: int, limit: int = 5) -> Suggestions:
    """Ranked questions the claim may answer and claims that look like the same fact."""
    claim = get_claim(claim_id)
    result = Suggestions(claim)
    entity_ids = set(
        db.session.scalars(sa.select(ClaimEntity.entity_id).where(ClaimEntity.claim_id == claim.id))
    )
    value_keys = set(
        db.session.scalars(sa.select(ClaimValue.key).where(ClaimValue.claim_id == claim.id))
    )
    frequencies = _entity_frequencies(entity_ids)
    rare = {e for e, n in frequencies.items() if n < COMMON_ENTITY}

    shared_entities: dict[int, set[int]] = defaultdict(set)
    for other_id, entity_id in _capped_union(
        [
            sa.select(ClaimEntity.claim_id, ClaimEntity.entity_id)
            .where(ClaimEntity.entity_id == entity_id, ClaimEntity.claim_id != claim.id)
            .order_by(ClaimEntity.claim_id.desc())
            .limit(PER_KEY)
            for entity_id in sorted(rare)
        ]
    ):
        shared_entities[other_id].add(entity_id)
    shared_values: dict[int, set[str]] = defaultdict(set)
    for other_id, key in _capped_union(
        [
            sa.select(ClaimValue.claim_id, ClaimValue.key)
            .where(ClaimValue.key == key, ClaimValue.claim_id != claim.id)
            .order_by(ClaimValue.claim_id.desc())
            .limit(PER_KEY)
            for key in sorted(value_keys)
        ]
    ):
        shared_values[other_id].add(key)

    candidate_ids = set(shared_entities) | set(shared_values)
    rejected_questions, rejected_claims = _rejected(claim.id)
    candidates = (
        {
            c.id: c
            for c in db.session.scalars(
                sa.select(Claim)
                .where(Claim.id.in_(candidate_ids), Claim.is_deleted.is_(False))
                .options(selectinload(Claim.source))
            )
        }
        if candidate_ids
        else {}
    )
    names = (
        {
            e.id: e.name
            for e in db.session.scalars(sa.select(Entity).where(Entity.id.in_(entity_ids)))
        }
        if entity_ids
        else {}
    )
    their_entities: dict[int, set[int]] = defaultdict(set)
    if candidates:
        for claim_id, entity_id in db.session.execute(
            sa.select(ClaimEntity.claim_id, ClaimEntity.entity_id).where(
                ClaimEntity.claim_id.in_(candidates)
            )
        ):
            their_entities[claim_id].add(entity_id)
        frequencies |= _entity_frequencies(
            set().union(*their_entities.values(), set()) - frequencies.keys()
        )
    value_texts = {
        row.key: row.text
        for row in db.session.scalars(sa.select(ClaimValue).where(ClaimValue.claim_id == claim.id))
    }
    total = _claim_total()

    def rarity(entity_id: int) -> float:
        """Inverse document frequency, 0..1: a name most claims carry (OpenAI) weighs
        almost nothing; a name one claim in a thousand carries weighs nearly 1."""
        df = max(1, frequencies.get(entity_id, 1))
        return max(0.0, math.log((total + 1) / df) / math.log(total + 1))

    scored: list[Suggestion] = []
    for other in candidates.values():
        reasons: list[str] = []
        # Weighted Jaccard over both claims' people and organisations: rare names count most,
        # and a name the other claim adds (someone else's story) lowers the score.
        weight = sum(rarity(e) for e in shared_entities[other.id])
        # At least 1 below: sharing only a name most claims carry (OpenAI) is worth little,
        # even when neither claim names anyone else.
        possible = max(1.0, sum(rarity(e) for e in entity_ids | their_entities[other.id]))
        entity_score = min(1.0, weight / possible)
        if shared_entities[other.id]:
            shared = sorted(names.get(e, "?") for e in shared_entities[other.id])
            reasons.append("both name " + ", ".join(shared))
        value_score = 1.0 if shared_values[other.id] else 0.0
        if shared_values[other.id]:
            reasons.append(
                "values of the same kind and size: "
                + ", ".join(sorted(value_texts.get(k, k) for k in shared_values[other.id]))
            )
        similarity = text_similarity(claim.statement, other.statement)
        if similarity >= 0.5:
            reasons.append(f"statements {similarity:.0%} alike")
        score = 0.5 * entity_score + 0.2 * value_score + 0.3 * similarity
        scored.append(
            Suggestion(
                score=round(score, 3),
                raw_score=round(score, 3),
                reasons=reasons,
                claim=other,
                entity_score=entity_score,
            )
        )
    scored.sort(key=lambda s: (-s.raw_score, s.claim.id if s.claim else 0))

    result.questions = _rank_questions(
        claim,
        scored,
        rejected_questions,
        value_kinds={k.split(":")[0] for k in value_keys},
    )[:limit]
    _calibrate("question", result.questions)
    result.new_question_first = not result.questions or (result.questions[0].score < NEW_QUESTION)
    result.claims = [
        s
        for s in scored
        if s.claim is not None
        and s.claim.id not in rejected_claims
        and s.raw_score >= MIN_SCORE
        and (claim.question_id is None or s.claim.question_id != claim.question_id)
    ][:limit]
    _calibrate("claim", result.claims)
    return result


def _calibrate(kind: str, shown: list[Suggestion]) -> None:
    """Turn the raw scores of the suggestions shown into the share of such suggestions that
    were right (tracker.questions.calibration)."""
    for suggestion, score in zip(
        shown, calibration.calibrate(kind, [s.raw_score for s in shown]), strict=True
    ):
        suggestion.score = score


def _require(actor: User | None) -> None:
    if actor is not None and not actor.can(Role.reviewer):
        raise NotAllowed("Grouping claims needs the reviewer role.")


def _decide(
    claim_id: int,
    decision: Decision,
    *,
    question_id: int | None = None,
    other_claim_id: int | None = None,
    reason: str | None,
    actor: User | None,
) -> None:
    def find() -> SuggestionDecision | None:
        return db.session.scalar(
            sa.select(SuggestionDecision).where(
                SuggestionDecision.claim_id == claim_id,
                SuggestionDecision.question_id == question_id
                if question_id is not None
                else SuggestionDecision.other_claim_id == other_claim_id,
            )
        )

    def make() -> SuggestionDecision:
        return SuggestionDecision(
            claim_id=claim_id,
            question_id=question_id,
            other_claim_id=other_claim_id,
            decision=decision,
            reason=reason,
            decided_by_id=actor.id if actor else None,
        )

    # Decided by someone else at the same moment: this decision replaces theirs, as it would
    # a moment later.
    row = unique.find_or_insert(find, make)
    row.decision = decision
    row.reason = reason
    row.decided_by_id = actor.id if actor else None
    db.session.flush()


def accept_question(claim_id: int, question_id: int, *, actor: User | None) -> Claim:
    """The claim answers this question: group it there (recorded)."""
    _require(actor)
    claim = questions.assign_question(
        claim_id, question_id, actor=actor, reason="suggestion accepted"
    )
    _decide(claim_id, Decision.accepted, question_id=question_id, reason=None, actor=actor)
    return claim


def reject_question(
    claim_id: int, question_id: int, *, actor: User | None, reason: str | None = None
) -> None:
    """The claim does not answer this question: never suggest it again."""
    _require(actor)
    questions.get_question(question_id)
    get_claim(claim_id)
    _decide(claim_id, Decision.rejected, question_id=question_id, reason=reason, actor=actor)


def accept_claim(
    claim_id: int,
    other_claim_id: int,
    *,
    actor: User | None,
    question_text: str | None = None,
    answer_kind: AnswerKind | str = AnswerKind.text,
) -> Question:
    """The two claims state the same fact: put them in one question.

    The question is the one either already answers; when neither does, `question_text` names a
    new one.

    :raises InvalidInput: the claims answer different questions, or a new question has no text.
    """
    _require(actor)
    claim, other = get_claim(claim_id), get_claim(other_claim_id)
    if claim.question_id and other.question_id and claim.question_id != other.question_id:
        raise InvalidInput(
            f"Claim #{claim.id} and claim #{other.id} answer different questions; move one of "
            "them first.",
            {"other_claim_id": "other question"},
        )
    question_id = claim.question_id or other.question_id
    if question_id is None:
        if not question_text or not question_text.strip():
            raise InvalidInput(
                "Neither claim answers a question yet: write the question.",
                {"question_text": "required"},
            )
        existing = questions.find_question(question_text)
        question_id = (
            existing or questions.create_question(question_text, answer_kind, actor=actor)
        ).id
    for cid in (claim.id, other.id):
        questions.assign_question(cid, question_id, actor=actor, reason="suggestion accepted")
    _decide(claim.id, Decision.accepted, other_claim_id=other.id, reason=None, actor=actor)
    return questions.get_question(question_id)


def reject_claim(
    claim_id: int, other_claim_id: int, *, actor: User | None, reason: str | None = None
) -> None:
    """The two claims are not about the same fact: never pair them again."""
    _require(actor)
    get_claim(claim_id)
    get_claim(other_claim_id)
    _decide(claim_id, Decision.rejected, other_claim_id=other_claim_id, reason=reason, actor=actor)
