"""Questions: creating them, putting claims in them, and the claims' answer values."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Role, User
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.claims import values
from tracker.claims.models import Claim
from tracker.claims.services import check_version, get_claim
from tracker.core import db
from tracker.core.errors import InvalidInput, NotAllowed, NotFound
from tracker.core.pagination import Page, paginate
from tracker.questions import answers, disputes
from tracker.questions.models import AnswerKind, Question
from tracker.sources.models import Source
from tracker.text.script import search_key

MAX_QUESTION = 500


def _require(actor: User | None, role: Role, doing: str) -> None:
    if actor is not None and not actor.can(role):
        raise NotAllowed(f"{doing} needs the {role.value} role.")


def create_question(
    text: str, answer_kind: AnswerKind | str = AnswerKind.text, *, actor: User | None
) -> Question:
    """Add a question claims can answer.

    :raises InvalidInput: empty or too long text, unknown answer kind, or the same question
        asked already.
    """
    _require(actor, Role.reviewer, "Adding a question")
    text = re.sub(r"\s+", " ", text).strip()
    if not text or len(text) > MAX_QUESTION:
        raise InvalidInput(
            f"Write the question in 1 to {MAX_QUESTION} characters.", {"text": "invalid"}
        )
    try:
        kind = AnswerKind(answer_kind)
    except ValueError:
        allowed = ", ".join(k.value for k in AnswerKind)
        raise InvalidInput(
            f"The answer kind is one of {allowed}.", {"answer_kind": "invalid"}
        ) from None
    key = search_key(text)
    existing = db.session.scalar(sa.select(Question.id).where(Question.search_text == key))
    if existing is not None:
        raise InvalidInput(f"That question exists already (#{existing}).", {"text": "duplicate"})
    question = Question(
        text=text, answer_kind=kind, search_text=key, created_by_id=actor.id if actor else None
    )
    db.session.add(question)
    db.session.flush()
    audit.record(
        actor,
        "question",
        question.id,
        AuditAction.create,
        snapshot={"text": text, "answer_kind": kind},
    )
    return question


def get_question(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFound(f"There is no question #{question_id}.")
    return question


def find_question(text: str) -> Question | None:
    return db.session.scalar(sa.select(Question).where(Question.search_text == search_key(text)))


def assign_question(
    claim_id: int, question_id: int | None, *, actor: User | None, reason: str | None = None
) -> Claim:
    """Put a claim in a question (or take it out), re-pick its value, re-check disputes.

    :raises NotFound: no such claim or question.
    """
    _require(actor, Role.reviewer, "Grouping claims")
    claim = get_claim(claim_id)
    if question_id is not None:
        get_question(question_id)
    before = claim.question_id
    if before == question_id:
        return claim
    value_before = values.snapshot(claim) | answers.snapshot(claim)
    claim.question_id = question_id
    # The answer was to the old question: the tracker proposes one for the new question.
    claim.answer_id, claim.is_answer_confirmed, claim.answer_basis = None, False, None
    db.session.flush()
    values.refresh_values(claim)
    answers.propose(claim, force=True)
    changes: dict[str, tuple[object, object]] = {"question_id": (before, question_id)}
    changes |= {
        k: (v, getattr(claim, k)) for k, v in value_before.items() if getattr(claim, k) != v
    }
    audit.record(
        actor,
        "claim",
        claim.id,
        AuditAction.update,
        claim_id=claim.id,
        changes=changes,
        reason=reason,
    )
    db.session.flush()
    for affected in {before, question_id}:
        if affected is not None:
            disputes.detect(affected)
    return claim


def set_value(claim_id: int, text: str | None, *, version: int | None, actor: User | None) -> Claim:
    """Correct a claim's answer value from what the reviewer typed; empty text re-extracts.

    :raises InvalidInput: the claim has no question, the question's answers are free text, or
        nothing of the question's kind is in the text.
    :raises Conflict: `version` is given and stale.
    """
    _require(actor, Role.reviewer, "Correcting a value")
    claim = get_claim(claim_id)
    if version is not None:
        check_version(claim, version)
    if claim.question_id is None:
        raise InvalidInput(
            "Put the claim in a question first: its value is its answer to that question.",
            {"value": "no question"},
        )
    kind = get_question(claim.question_id).answer_kind
    if kind == AnswerKind.text:
        raise InvalidInput(
            "This question's answers are free text; there is no value to correct.",
            {"value": "text question"},
        )
    before = values.snapshot(claim)
    typed = (text or "").strip()
    values.set_confirmed_value(claim, values.parse_value(typed, kind) if typed else None)
    audit.record_claim_changes(
        actor, claim, before, reason="value corrected" if typed else "value extracted again"
    )
    db.session.flush()
    disputes.detect(claim.question_id)
    return claim


def list_questions(page: int = 1, per_page: int = 50, q: str | None = None) -> Page[Question]:
    stmt = sa.select(Question).order_by(Question.text, Question.id)
    if q and q.strip():
        stmt = stmt.where(Question.search_text.contains(search_key(q.strip()), autoescape=True))
    return paginate(stmt, page, per_page)


def question_counts(question_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(claims, sources) per question, in one query."""
    rows = db.session.execute(
        sa.select(
            Claim.question_id, sa.func.count(Claim.id), sa.func.count(sa.distinct(Claim.source_id))
        )
        # coalesce(): SQLite has no statistics and would read every live claim through the
        # is_deleted index instead of the page's questions through theirs.
        .where(
            Claim.question_id.in_(question_ids),
            sa.func.coalesce(Claim.is_deleted, False).is_(False),
        )
        .group_by(Claim.question_id)
    ).all()
    return {qid: (claims, sources) for qid, claims, sources in rows if qid is not None}


def question_claims(question_id: int) -> list[Claim]:
    """A question's claims with their sources and evidence, by source then position."""
    return list(
        db.session.scalars(
            sa.select(Claim)
            .where(Claim.question_id == question_id, Claim.is_deleted.is_(False))
            .options(
                selectinload(Claim.source).load_only(
                    Source.id, Source.title, Source.language, Source.url, Source.published
                ),
                selectinload(Claim.evidence),
            )
            .order_by(Claim.source_id, Claim.start)
        )
    )
