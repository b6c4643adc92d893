"""Contradictions between the claims of a question, the reviewer's decisions on them, and the
disputes page that puts them side by side (who said what is questions/matrix.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Role, User
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.claims import values
from tracker.claims.models import Claim, ClaimStatus, Stance
from tracker.claims.queue import ClaimFilter, filtered
from tracker.core import db
from tracker.core.errors import InvalidInput, NotAllowed, NotFound
from tracker.questions.models import (
    Answer,
    AnswerKind,
    AnswerRuling,
    ConflictKind,
    ConflictState,
    Contradiction,
    Question,
)
from tracker.questions.qualifiers import Qualifiers, overlap
from tracker.sources.models import Source
from tracker.text.values import Relation, compare, describe

OPPOSITE_VERDICTS = {ClaimStatus.verified, ClaimStatus.false}


def _found_between(
    a: Claim, b: Claim, kind: AnswerKind | None, answers: dict[int, Answer]
) -> list[tuple[ConflictKind, str]]:
    """What the detector sees between two claims of one question.

    Answers conflict when they differ and their qualifiers overlap (the same aspect, times
    that meet): values after tolerance, yes against no, two different phrases. Two phrases
    that one voice gives in one source (an article listing a lawsuit's allegations, a person
    giving a reason and then restating it) add to each other; they conflict only once a
    reviewer has confirmed both answers as different.
    """
    found: list[tuple[ConflictKind, str]] = []
    if (
        a.answer_id is not None
        and b.answer_id is not None
        and a.answer_id != b.answer_id
        and overlap(Qualifiers.of(a), Qualifiers.of(b))
    ):
        va, vb = values.value_of(a), values.value_of(b)
        if kind is not None and kind.is_value and va is not None and vb is not None:
            relation = compare(va, vb)
            if relation == Relation.different:
                found.append((ConflictKind.value, f"{describe(va)} vs {describe(vb)}"))
            elif relation == Relation.precision:
                found.append((ConflictKind.precision, f"{describe(va)} vs {describe(vb)}"))
        elif kind == AnswerKind.yes_no or not _one_voice_adding(a, b):
            text_a, text_b = answers[a.answer_id].text, answers[b.answer_id].text
            conflict = ConflictKind.yes_no if kind == AnswerKind.yes_no else ConflictKind.answer
            found.append((conflict, f"“{text_a}” vs “{text_b}”"))
    if {a.status, b.status} == OPPOSITE_VERDICTS:
        found.append((ConflictKind.verdict, f"{a.status.label} vs {b.status.label}"))
    stances_a = {e.url: e.stance for e in a.live_evidence}
    for e in b.live_evidence:
        other = stances_a.get(e.url)
        if other is not None and {other, e.stance} == {Stance.supports, Stance.refutes}:
            found.append((ConflictKind.evidence, f"{e.title} ({e.url})"))
    return found


def _one_voice_adding(a: Claim, b: Claim) -> bool:
    """Two claims of one source and one speaker whose answers no reviewer confirmed both."""
    return (
        a.source_id == b.source_id
        and a.speaker.casefold() == b.speaker.casefold()
        and not (a.is_answer_confirmed and b.is_answer_confirmed)
    )


@dataclass
class _Context:
    """What detection reads besides the claims: answers and rulings, by id and pair."""

    kinds: dict[int, AnswerKind]
    answers: dict[int, Answer]
    rulings: dict[tuple[int, int], AnswerRuling]


def _context(question_ids: list[int] | None) -> _Context:
    """Kinds, answers and rulings of some questions (None: all), in three queries."""

    def scoped(stmt, column):  # type: ignore[no-untyped-def]
        return stmt if question_ids is None else stmt.where(column.in_(question_ids))

    kinds = dict(
        db.session.execute(scoped(sa.select(Question.id, Question.answer_kind), Question.id)).all()
    )
    answers = {a.id: a for a in db.session.scalars(scoped(sa.select(Answer), Answer.question_id))}
    rulings = {
        (r.answer_a_id, r.answer_b_id): r
        for r in db.session.scalars(scoped(sa.select(AnswerRuling), AnswerRuling.question_id))
    }
    return _Context(kinds, answers, rulings)


def detect(question_id: int) -> list[Contradiction]:
    """Find the question's contradictions again; decisions and rulings are kept and applied.

    A contradiction the detector no longer sees (a value was corrected) stays on record with
    ``is_current`` false; flagged ones are the reviewers' and never cleared here.
    """
    claims = list(
        db.session.scalars(
            sa.select(Claim)
            .where(Claim.question_id == question_id, Claim.is_deleted.is_(False))
            .options(selectinload(Claim.evidence))
            .order_by(Claim.id)
        )
    )
    existing = list(
        db.session.scalars(sa.select(Contradiction).where(Contradiction.question_id == question_id))
    )
    current = _detect_group(question_id, claims, existing, _context([question_id]))
    db.session.flush()
    return current


def _detect_group(
    question_id: int, claims: list[Claim], stored: list[Contradiction], context: _Context
) -> list[Contradiction]:
    """Compare a question's claims pairwise against its stored contradictions (no queries)."""
    existing = {(c.claim_a_id, c.claim_b_id, c.kind): c for c in stored}
    seen: set[tuple[int, int, ConflictKind]] = set()
    kind = context.kinds.get(question_id)
    for a, b in combinations(claims, 2):
        for conflict, detail in _found_between(a, b, kind, context.answers):
            key = (a.id, b.id, conflict)
            seen.add(key)
            row = existing.get(key)
            if row is None:
                row = Contradiction(
                    question_id=question_id,
                    claim_a_id=a.id,
                    claim_b_id=b.id,
                    kind=conflict,
                    detail=detail,
                    state=ConflictState.open,
                )
                db.session.add(row)
                existing[key] = row
            else:
                if row.detail != detail:
                    row.detail = detail
                if not row.is_current:
                    row.is_current = True
            if conflict.is_about_answers:
                _apply_ruling(row, a, b, context)
    member_ids = {c.id for c in claims}
    for key, row in existing.items():
        if row.kind == ConflictKind.flagged:
            current = row.claim_a_id in member_ids and row.claim_b_id in member_ids
        else:
            current = key in seen
        if row.is_current != current:
            row.is_current = current
    return [row for row in existing.values() if row.is_current]


def _apply_ruling(row: Contradiction, a: Claim, b: Claim, context: _Context) -> None:
    """A ruling on the two claims' answers decides the pair; without one it is open again
    (unless it was decided on its own before answers existed)."""
    pair = tuple(sorted((a.answer_id, b.answer_id)))  # type: ignore[type-var]
    ruling = context.rulings.get(pair)
    if ruling is None:
        if row.ruling_id is not None:
            _set(
                row,
                ruling_id=None,
                state=ConflictState.open,
                resolution=None,
                holding_claim_id=None,
                resolved_by_id=None,
                resolved_at=None,
            )
        return
    holding = None
    if ruling.holding_answer_id is not None:
        holding = a.id if a.answer_id == ruling.holding_answer_id else b.id
    _set(
        row,
        ruling_id=ruling.id,
        state=ruling.state,
        resolution=ruling.rationale,
        holding_claim_id=holding,
        resolved_by_id=ruling.decided_by_id,
        resolved_at=ruling.decided_at,
    )


def reopen_ruled(ruling_id: int) -> None:
    """The ruling is taken back: the pairs it decided are open again."""
    for row in db.session.scalars(
        sa.select(Contradiction).where(Contradiction.ruling_id == ruling_id)
    ):
        _set(
            row,
            ruling_id=None,
            state=ConflictState.open,
            resolution=None,
            holding_claim_id=None,
            resolved_by_id=None,
            resolved_at=None,
        )
    db.session.flush()


def _set(row: Contradiction, **wanted: object) -> None:
    for name, value in wanted.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def detect_all() -> int:
    """Recompute the contradictions of every question; returns how many are current.

    Loads every grouped claim (with evidence), every contradiction, answer and ruling once,
    in a handful of queries, instead of several queries a question.
    """
    claims: dict[int, list[Claim]] = defaultdict(list)
    for claim in db.session.scalars(
        sa.select(Claim)
        .where(Claim.question_id.is_not(None), Claim.is_deleted.is_(False))
        .options(selectinload(Claim.evidence))
        .order_by(Claim.question_id, Claim.id)
    ):
        claims[claim.question_id].append(claim)  # type: ignore[index]
    stored: dict[int, list[Contradiction]] = defaultdict(list)
    for row in db.session.scalars(sa.select(Contradiction)):
        stored[row.question_id].append(row)
    context = _context(None)
    total = sum(
        len(
            _detect_group(
                question_id,
                claims.get(question_id, []),
                stored.get(question_id, []),
                context,
            )
        )
        for question_id in sorted(claims.keys() | stored.keys())
    )
    db.session.flush()
    return total


def _require(actor: User | None) -> None:
    if actor is not None and not actor.can(Role.reviewer):
        raise NotAllowed("Settling disputes needs the reviewer role.")


def flag(claim_a_id: int, claim_b_id: int, reason: str, *, actor: User | None) -> Contradiction:
    """Say two claims of one question disagree (reasons, descriptions: what no value shows).

    :raises InvalidInput: not two different claims of the same question, or no reason.
    """
    _require(actor)
    if claim_a_id == claim_b_id:
        raise InvalidInput("Pick two different claims.", {"claim_b_id": "same"})
    a_id, b_id = sorted((claim_a_id, claim_b_id))
    pair = {c.id: c for c in db.session.scalars(sa.select(Claim).where(Claim.id.in_([a_id, b_id])))}
    if len(pair) != 2:
        raise NotFound("One of the claims does not exist.")
    a, b = pair[a_id], pair[b_id]
    if a.question_id is None or a.question_id != b.question_id:
        raise InvalidInput(
            "Only claims that answer the same question can contradict each other; group them "
            "first.",
            {"claim_b_id": "other question"},
        )
    if not reason.strip():
        raise InvalidInput("Say how they disagree.", {"reason": "required"})
    row = db.session.scalar(
        sa.select(Contradiction).where(
            Contradiction.claim_a_id == a_id,
            Contradiction.claim_b_id == b_id,
            Contradiction.kind == ConflictKind.flagged,
        )
    )
    if row is None:
        row = Contradiction(
            question_id=a.question_id,
            claim_a_id=a_id,
            claim_b_id=b_id,
            kind=ConflictKind.flagged,
            detail=reason.strip(),
        )
        db.session.add(row)
    else:
        row.detail, row.is_current, row.state = reason.strip(), True, ConflictState.open
    db.session.flush()
    for claim_id in (a_id, b_id):
        audit.record(
            actor,
            "contradiction",
            row.id,
            AuditAction.create,
            claim_id=claim_id,
            snapshot={"kind": row.kind, "claims": [a_id, b_id], "detail": row.detail},
            reason=reason.strip(),
        )
    return row


# --- reading them -------------------------------------------------------------------------


@dataclass
class DisputeGroup:
    question: Question | None
    contradictions: list[Contradiction] = field(default_factory=list)
    #: Claims whose status is disputed or whose evidence both supports and refutes them.
    disputed_claims: list[Claim] = field(default_factory=list)
    claims: dict[int, Claim] = field(default_factory=dict)
    #: Reviewers' flags on a pair the tracker also found in conflict, by the found
    #: contradiction's id: shown with it (their reasons), not as disputes of their own.
    also_flagged: dict[int, list[Contradiction]] = field(default_factory=dict)


def _fold_flags(
    rows: list[Contradiction],
) -> tuple[list[Contradiction], dict[int, list[Contradiction]]]:
    """Flags typed by hand (before the tracker found disagreements itself, or since) on a pair
    that the tracker finds in conflict are one dispute with the found one: it carries the
    decision, and a pair decided on its answers does not come back through its old flag."""
    flags = [r for r in rows if r.kind == ConflictKind.flagged]
    # One query even without flags, so the page costs the same whatever the data.
    pairs = {(r.claim_a_id, r.claim_b_id) for r in flags}
    found: dict[tuple[int, int], Contradiction] = {}
    for row in db.session.scalars(
        sa.select(Contradiction)
        .where(
            Contradiction.is_current.is_(True),
            Contradiction.kind != ConflictKind.flagged,
            sa.tuple_(Contradiction.claim_a_id, Contradiction.claim_b_id).in_(sorted(pairs)),
        )
        .order_by(Contradiction.id)
    ):
        found.setdefault((row.claim_a_id, row.claim_b_id), row)
    folded: dict[int, list[Contradiction]] = {}
    kept = []
    for row in rows:
        cover = found.get((row.claim_a_id, row.claim_b_id))
        if row.kind == ConflictKind.flagged and cover is not None:
            folded.setdefault(cover.id, []).append(row)
        else:
            kept.append(row)
    return kept, folded


def _claim_options() -> list[sa.orm.interfaces.LoaderOption]:
    return [
        selectinload(Claim.source).load_only(Source.id, Source.title, Source.language),
        selectinload(Claim.evidence),
    ]


def list_disputes(include_decided: bool = False) -> list[DisputeGroup]:
    """Open contradictions and disputed claims, grouped by question, in a fixed number of
    queries."""
    stmt = sa.select(Contradiction).where(Contradiction.is_current.is_(True))
    if not include_decided:
        stmt = stmt.where(Contradiction.state == ConflictState.open)
    rows = list(db.session.scalars(stmt.order_by(Contradiction.question_id, Contradiction.id)))
    rows, folded = _fold_flags(rows)
    claim_ids = {r.claim_a_id for r in rows} | {r.claim_b_id for r in rows}
    disputed_ids = filtered(ClaimFilter(status=ClaimStatus.disputed.value)).with_only_columns(
        Claim.id
    )
    # The claims of the contradictions and the disputed claims, in one query.
    claims = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Claim)
            .where(sa.or_(Claim.id.in_(claim_ids), Claim.id.in_(disputed_ids)))
            .options(*_claim_options())
            .order_by(Claim.source_id, Claim.start, Claim.id)
        )
    }
    disputed = [c for c in claims.values() if not c.is_deleted and c.is_disputed]
    question_ids = {r.question_id for r in rows} | {c.question_id for c in disputed}
    questions = {
        q.id: q
        for q in db.session.scalars(sa.select(Question).where(Question.id.in_(question_ids)))
    }
    groups: dict[int | None, DisputeGroup] = {}
    for row in rows:
        group = groups.setdefault(row.question_id, DisputeGroup(questions.get(row.question_id)))
        group.contradictions.append(row)
        if row.id in folded:
            group.also_flagged[row.id] = folded[row.id]
        group.claims[row.claim_a_id] = claims[row.claim_a_id]
        group.claims[row.claim_b_id] = claims[row.claim_b_id]
    for claim in disputed:
        group = groups.setdefault(claim.question_id, DisputeGroup(questions.get(claim.question_id)))
        group.disputed_claims.append(claim)
        group.claims[claim.id] = claim
    return sorted(
        groups.values(), key=lambda g: (g.question is None, g.question.text if g.question else "")
    )


def get_contradiction(contradiction_id: int) -> Contradiction:
    row = db.session.get(Contradiction, contradiction_id)
    if row is None:
        raise NotFound(f"There is no contradiction #{contradiction_id}.")
    return row


def question_contradictions(question_id: int) -> list[Contradiction]:
    return list(
        db.session.scalars(
            sa.select(Contradiction)
            .where(Contradiction.question_id == question_id, Contradiction.is_current.is_(True))
            .order_by(Contradiction.state, Contradiction.id)
        )
    )


def disputed_questions(question_ids: list[int]) -> set[int]:
    """Which of these questions have an open contradiction (one query on the contradictions'
    question index, whatever the number of claims)."""
    if not question_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Contradiction.question_id)
            .where(
                Contradiction.question_id.in_(question_ids),
                Contradiction.is_current.is_(True),
                Contradiction.state == ConflictState.open,
            )
            .distinct()
        )
    )


def source_disagreements(source_id: int) -> list[Contradiction]:
    """Open contradictions in which one of the source's claims takes part."""
    ids = sa.select(Claim.id).where(Claim.source_id == source_id)
    return list(
        db.session.scalars(
            sa.select(Contradiction)
            .where(
                Contradiction.is_current.is_(True),
                Contradiction.state == ConflictState.open,
                sa.or_(Contradiction.claim_a_id.in_(ids), Contradiction.claim_b_id.in_(ids)),
            )
            .options(
                selectinload(Contradiction.question),
                selectinload(Contradiction.claim_a).selectinload(Claim.source),
                selectinload(Contradiction.claim_b).selectinload(Claim.source),
            )
        )
    )


def questions_answered(claims: list[Claim]) -> list[Question]:
    """The questions these claims answer (one query)."""
    ids = {c.question_id for c in claims if c.question_id is not None}
    if not ids:
        return []
    return list(
        db.session.scalars(sa.select(Question).where(Question.id.in_(ids)).order_by(Question.text))
    )


def between(claim_a_id: int, claim_b_id: int) -> list[Contradiction]:
    """The current contradictions of a pair of claims, any kind."""
    a, b = sorted((claim_a_id, claim_b_id))
    return list(
        db.session.scalars(
            sa.select(Contradiction).where(
                Contradiction.claim_a_id == a,
                Contradiction.claim_b_id == b,
                Contradiction.is_current.is_(True),
            )
        )
    )
