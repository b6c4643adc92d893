"""Decisions on disputes: rulings that bind a pair of answers (for every claim that gives
them, now and later), and decisions on a single pair of claims where no answer is at stake
(opposite verdicts, evidence cited both ways, a reviewer's flag)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Role, User
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.claims.models import Claim
from tracker.core import db, unique
from tracker.core.db import utcnow
from tracker.core.errors import InvalidInput, NotAllowed, NotFound
from tracker.questions import disputes
from tracker.questions.models import Answer, AnswerRuling, ConflictState, Contradiction


def _require(actor: User | None, doing: str) -> None:
    if actor is not None and not actor.can(Role.reviewer):
        raise NotAllowed(f"{doing} needs the reviewer role.")


def get_answer(answer_id: int) -> Answer:
    answer = db.session.get(Answer, answer_id)
    if answer is None:
        raise NotFound(f"There is no answer #{answer_id}.")
    return answer


def _state(state: ConflictState | str) -> ConflictState:
    try:
        return ConflictState(state)
    except ValueError:
        raise InvalidInput(
            "The state is open, resolved or not_a_contradiction.", {"state": "invalid"}
        ) from None


def rule(
    answer_a_id: int,
    answer_b_id: int,
    state: ConflictState | str,
    rationale: str,
    *,
    holding_answer_id: int | None = None,
    actor: User | None,
) -> AnswerRuling | None:
    """Rule on two answers of one question, for every claim that gives them, now and later:
    ``not_a_contradiction`` (both can be true), ``resolved`` (with the answer that holds, or
    none when the rationale says why both stand), or ``open`` (take the ruling back).

    :raises InvalidInput: the same answer twice, answers of different questions, no
        rationale, or a holding answer not in the pair.
    """
    _require(actor, "Ruling on answers")
    if answer_a_id == answer_b_id:
        raise InvalidInput("Pick two different answers.", {"answer_ids": "same"})
    a, b = sorted((get_answer(answer_a_id), get_answer(answer_b_id)), key=lambda x: x.id)
    if a.question_id != b.question_id:
        raise InvalidInput(
            "Both answers must answer the same question.", {"answer_ids": "other question"}
        )
    state = _state(state)
    rationale = (rationale or "").strip()
    if not rationale:
        raise InvalidInput("Say why: the rationale is required.", {"rationale": "required"})
    if holding_answer_id is not None and holding_answer_id not in (a.id, b.id):
        raise InvalidInput(
            "The answer that holds must be one of the two.", {"holding_answer_id": "invalid"}
        )

    def find() -> AnswerRuling | None:
        return db.session.scalar(
            sa.select(AnswerRuling).where(
                AnswerRuling.answer_a_id == a.id, AnswerRuling.answer_b_id == b.id
            )
        )

    row = find()
    before = _ruling_state(row)
    if state == ConflictState.open:
        if row is not None:
            disputes.reopen_ruled(row.id)
            db.session.delete(row)
            db.session.flush()
        result = None
    else:
        if row is None:
            made: list[AnswerRuling] = []

            def make() -> AnswerRuling:
                made.append(
                    AnswerRuling(
                        question_id=a.question_id,
                        answer_a_id=a.id,
                        answer_b_id=b.id,
                        state=state,
                        rationale=rationale,
                        decided_by_id=actor.id if actor else None,
                    )
                )
                return made[-1]

            # Ruled by someone else at the same moment: this ruling replaces theirs, as it
            # would a moment later, and the history shows theirs as what came before.
            row = unique.find_or_insert(find, make)
            if row not in made:
                before = _ruling_state(row)
        row.state = state
        row.holding_answer_id = holding_answer_id if state == ConflictState.resolved else None
        row.rationale = rationale
        row.decided_by_id = actor.id if actor else None
        row.decided_at = utcnow()
        db.session.flush()
        result = row
    after = _ruling_state(result)
    ruling_id = row.id if row is not None else 0
    holders = db.session.scalars(
        sa.select(Claim.id).where(Claim.answer_id.in_([a.id, b.id]), Claim.is_deleted.is_(False))
    ).all()
    for claim_id in holders:
        audit.record(
            actor,
            "ruling",
            ruling_id,
            AuditAction.update,
            claim_id=claim_id,
            changes={"ruling": (before, after)},
            reason=rationale,
        )
    disputes.detect(a.question_id)
    return result


def ruling_between(answer_a_id: int, answer_b_id: int) -> AnswerRuling | None:
    a, b = sorted((answer_a_id, answer_b_id))
    return db.session.scalar(
        sa.select(AnswerRuling).where(AnswerRuling.answer_a_id == a, AnswerRuling.answer_b_id == b)
    )


def _ruling_state(row: AnswerRuling | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "answers": [row.answer_a_id, row.answer_b_id],
        "state": row.state.value,
        "holding_answer_id": row.holding_answer_id,
    }


def question_rulings(question_id: int) -> list[AnswerRuling]:
    return list(
        db.session.scalars(
            sa.select(AnswerRuling)
            .where(AnswerRuling.question_id == question_id)
            .options(
                selectinload(AnswerRuling.answer_a),
                selectinload(AnswerRuling.answer_b),
                selectinload(AnswerRuling.decided_by),
            )
            .order_by(AnswerRuling.id)
        )
    )


def decide(
    contradiction_id: int,
    state: ConflictState | str,
    rationale: str,
    *,
    holding_claim_id: int | None = None,
    actor: User | None,
) -> Contradiction:
    """Decide a contradiction: resolved (which claim holds, or why both do), not a
    contradiction, or open again; the rationale is required and recorded.

    Where the two claims give different answers the decision is a ruling on those answers,
    so it also settles every other pair of claims that gives them, now and later.

    :raises InvalidInput: no rationale, an unknown state, or a holding claim not in the pair.
    """
    _require(actor, "Settling disputes")
    row = disputes.get_contradiction(contradiction_id)
    state = _state(state)
    if not rationale.strip():
        raise InvalidInput("Say why: the rationale is required.", {"rationale": "required"})
    if holding_claim_id is not None and holding_claim_id not in (row.claim_a_id, row.claim_b_id):
        raise InvalidInput(
            "The claim that holds must be one of the two.", {"holding_claim_id": "invalid"}
        )
    a, b = db.session.get(Claim, row.claim_a_id), db.session.get(Claim, row.claim_b_id)
    assert a is not None and b is not None
    if row.kind.is_about_answers and a.answer_id and b.answer_id and a.answer_id != b.answer_id:
        holding = None
        if holding_claim_id is not None:
            holding = a.answer_id if holding_claim_id == a.id else b.answer_id
        rule(a.answer_id, b.answer_id, state, rationale, holding_answer_id=holding, actor=actor)
        db.session.refresh(row)
        return row
    before = {
        "state": row.state,
        "resolution": row.resolution,
        "holding_claim_id": row.holding_claim_id,
    }
    row.state = state
    row.resolution = rationale.strip()
    row.holding_claim_id = holding_claim_id if state == ConflictState.resolved else None
    row.resolved_by_id = actor.id if actor and state != ConflictState.open else None
    row.resolved_at = utcnow() if state != ConflictState.open else None
    changes = {k: (v, getattr(row, k)) for k, v in before.items() if getattr(row, k) != v}
    for claim_id in (row.claim_a_id, row.claim_b_id):
        audit.record(
            actor,
            "contradiction",
            row.id,
            AuditAction.update,
            claim_id=claim_id,
            changes=changes,
            reason=row.resolution,
        )
    db.session.flush()
    return row
