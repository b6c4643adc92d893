"""Questions, answer values, contradictions and their decisions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.questions.conftest import BILLION, EN_PAID, PAID, PLEDGE
from tracker.audit import services as audit
from tracker.claims import services as claims
from tracker.claims.services import ClaimChanges, EvidenceDraft
from tracker.core import db
from tracker.core.errors import InvalidInput
from tracker.questions import disputes, rulings
from tracker.questions import services as questions
from tracker.questions.models import ConflictKind, ConflictState, Contradiction

MONEY = "How much money did Elon Musk give OpenAI?"


def _money_question() -> int:
    return questions.create_question(MONEY, "money", actor=None).id


def test_questions_are_unique_and_need_a_kind(app_ctx):
    _money_question()
    with pytest.raises(InvalidInput, match="exists already"):
        questions.create_question("  how much money did elon musk give openai? ", actor=None)
    with pytest.raises(InvalidInput, match="answer kind"):
        questions.create_question("Who?", "colour", actor=None)


def test_a_claim_in_a_money_question_gets_its_amount(app_ctx, claim_on, people):
    pledge = claim_on("de", PLEDGE, "Musk pledged $1 billion.")
    qid = _money_question()
    claim = questions.assign_question(pledge, qid, actor=None)
    assert claim.value_kind == "money" and claim.value_unit == "USD"
    assert claim.value_low == claim.value_high == 10**9
    assert not claim.is_value_confirmed


def test_one_source_contradicting_itself_is_found_and_can_be_dismissed(app_ctx, claim_on, people):
    qid = _money_question()
    pledge = claim_on("de", BILLION, "OpenAI got $1 billion.")
    paid = claim_on("de", PAID, "Musk gave $44 million in all.")
    for cid in (pledge, paid):
        questions.assign_question(cid, qid, actor=None)
    found = disputes.question_contradictions(qid)
    assert [(r.kind, r.state) for r in found] == [(ConflictKind.value, ConflictState.open)]
    assert found[0].detail == "$1,000,000,000 vs $44,000,000"
    rulings.decide(
        found[0].id,
        "not_a_contradiction",
        "A pledge and a payment are different facts.",
        actor=None,
    )
    assert disputes.list_disputes() == []
    for cid in (pledge, paid):
        reasons = [e.reason for e in audit.claim_history(cid)]
        assert "A pledge and a payment are different facts." in reasons


def test_precision_differences_are_not_flat_contradictions(app_ctx, claim_on, people):
    qid = _money_question()
    paid = claim_on("de", PAID, "Musk gave $44 million in all.")
    en = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.")
    for cid in (paid, en):
        questions.assign_question(cid, qid, actor=None)
    kinds = [r.kind for r in disputes.question_contradictions(qid)]
    assert kinds == [ConflictKind.precision]


def test_correcting_a_value_settles_the_contradiction(app_ctx, claim_on, people):
    qid = _money_question()
    pledge = claim_on("de", BILLION, "OpenAI got $1 billion.")
    paid = claim_on("de", PAID, "Musk gave $44 million in all.")
    for cid in (pledge, paid):
        questions.assign_question(cid, qid, actor=None)
    assert disputes.question_contradictions(qid)
    claim = questions.set_value(pledge, "44 million dollars", version=None, actor=None)
    assert claim.is_value_confirmed and claim.value_low == 44_000_000
    assert disputes.question_contradictions(qid) == []
    kept = db.session.scalars(sa.select(Contradiction)).all()
    assert len(kept) == 1 and not kept[0].is_current  # kept on record
    with pytest.raises(InvalidInput, match="No money found"):
        questions.set_value(pledge, "sometime soon", version=None, actor=None)


def test_opposite_verdicts_and_split_evidence_are_contradictions(app_ctx, claim_on, people):
    qid = questions.create_question("Did Musk fund OpenAI?", "text", actor=None).id
    a = claim_on("de", PLEDGE, "Musk pledged $1 billion.")
    b = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.")
    for cid in (a, b):
        questions.assign_question(cid, qid, actor=None)
    claims.edit_claim(
        a,
        ClaimChanges(status="verified", rationale="Yes."),
        version=claims.get_claim(a).version,
        actor=None,
    )
    claims.edit_claim(
        b,
        ClaimChanges(status="false", rationale="No."),
        version=claims.get_claim(b).version,
        actor=None,
    )
    url = "https://openai.com/index/openai-elon-musk/"
    claims.attach_evidence(a, EvidenceDraft(url=url, title="Post", stance="supports"), actor=None)
    claims.attach_evidence(b, EvidenceDraft(url=url, title="Post", stance="refutes"), actor=None)
    kinds = sorted(r.kind.value for r in disputes.question_contradictions(qid))
    # The tracker proposed each claim its own answer in words, so those differ too.
    assert kinds == ["answer", "evidence", "verdict"]


def test_reasons_are_flagged_by_reviewers_within_one_question(app_ctx, claim_on, people):
    qid = questions.create_question("Why did Musk leave?", "text", actor=None).id
    a = claim_on("de", PLEDGE, "Musk pledged $1 billion.")
    b = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.")
    with pytest.raises(InvalidInput, match="same question"):
        disputes.flag(a, b, "They differ.", actor=None)
    for cid in (a, b):
        questions.assign_question(cid, qid, actor=None)
    row = disputes.flag(b, a, "Conflict of interest vs. being pushed out.", actor=None)
    assert (row.claim_a_id, row.claim_b_id, row.kind) == (
        min(a, b),
        max(a, b),
        ConflictKind.flagged,
    )
    groups = disputes.list_disputes()
    assert len(groups) == 1 and groups[0].question.id == qid
    with pytest.raises(InvalidInput, match="rationale"):
        rulings.decide(row.id, "resolved", "  ", actor=None)
    with pytest.raises(InvalidInput, match="one of the two"):
        rulings.decide(row.id, "resolved", "Because.", holding_claim_id=999, actor=None)
    rulings.decide(
        row.id, "resolved", "The filing says he chose to leave.", holding_claim_id=a, actor=None
    )
    # The flag is settled; the two different answers the tracker proposed are still open.
    [group] = disputes.list_disputes()
    assert [r.kind for r in group.contradictions] == [ConflictKind.answer]


def test_two_claims_moved_together_to_another_question_keep_their_one_contradiction(
    app_ctx, claim_on, people
):
    """Found by the API fuzzing: moving both claims of a contradiction into another question
    tried to store the pair's row a second time (UNIQUE failed: a 500)."""
    first = _money_question()
    second = questions.create_question("What did Musk pay OpenAI in all?", "money", actor=None).id
    pledge = claim_on("de", BILLION, "OpenAI got $1 billion.")
    paid = claim_on("de", PAID, "Musk gave $44 million in all.")
    for cid in (pledge, paid):
        questions.assign_question(cid, first, actor=None)
    [row] = disputes.question_contradictions(first)
    for cid in (pledge, paid):
        questions.assign_question(cid, second, actor=None)
    db.session.flush()
    assert disputes.question_contradictions(second)[0].id == row.id
    assert [r for r in disputes.question_contradictions(first) if r.is_current] == []
    # And back, through the whole recomputation too.
    for cid in (pledge, paid):
        questions.assign_question(cid, first, actor=None)
    disputes.detect_all()
    rows = db.session.scalars(
        sa.select(Contradiction).where(Contradiction.claim_a_id == min(pledge, paid))
    ).all()
    assert [(r.id, r.question_id, r.is_current) for r in rows] == [(row.id, first, True)]
