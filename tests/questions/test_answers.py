"""Answers: every claim in a question holds one, qualifiers keep apart what is not the same
thing, and rulings bind pairs of answers for every claim that gives them."""

from __future__ import annotations

import pytest

from tests.questions.conftest import BILLION, EN_PAID, PAID, PLEDGE
from tracker.audit import services as audit
from tracker.claims import services as claims
from tracker.core import db
from tracker.core.errors import InvalidInput
from tracker.questions import answers, disputes, rulings
from tracker.questions import services as questions
from tracker.questions.models import ConflictKind, ConflictState
from tracker.questions.qualifiers import Qualifiers, overlap

MONEY = "How much money did Elon Musk give OpenAI?"
# Neither pledges nor pays: the amounts alone differ.
TOTAL_DE = "Musk hatte insgesamt 44 Millionen Dollar"
COMPUTE = "Did OpenAI keep its promise of 20% of compute?"
KEPT = "OpenAI一直都很重視安全工作,并堅持了“給整個安全團隊至少20%算力”的承諾"
NOT_HONOURED = "控訴其沒有兌現(xiàn)20%算力的承諾"


def _kinds(question_id: int) -> list[tuple[str, str]]:
    return sorted(
        (r.kind.value, r.state.value) for r in disputes.question_contradictions(question_id)
    )


def _in(question_id: int, *claim_ids: int) -> None:
    for cid in claim_ids:
        questions.assign_question(cid, question_id, actor=None)


def test_claims_with_the_same_value_share_one_answer(app_ctx, claim_on, people):
    qid = questions.create_question(MONEY, "money", actor=None).id
    a = claim_on("de", TOTAL_DE, "Musk gave 44 million dollars in all.")
    b = claim_on("de", PAID, "Musk donated 44 million dollars to OpenAI.")
    _in(qid, a, b)
    first, second = claims.get_claim(a), claims.get_claim(b)
    assert first.answer_id is not None and first.answer_id == second.answer_id
    assert first.answer.text == "$44,000,000"
    assert not first.is_answer_confirmed
    assert _kinds(qid) == []
    given, unanswered = answers.answer_groups(qid, [first, second])
    assert [(g.answer.text, len(g.claims)) for g in given] == [("$44,000,000", 2)]
    assert unanswered == []


def test_pledged_and_paid_are_told_apart_by_their_words(app_ctx, claim_on, people):
    qid = questions.create_question(MONEY, "money", actor=None).id
    pledge = claim_on("de", PLEDGE, "Musk pledged $1 billion.")
    paid = claim_on("de", PAID, "Musk donated $44 million in all.")
    _in(qid, pledge, paid)
    assert (claims.get_claim(pledge).aspect, claims.get_claim(paid).aspect) == (
        "pledged",
        "paid",
    )
    assert _kinds(qid) == []
    # A reviewer who says both are payments brings the disagreement back.
    version = claims.get_claim(pledge).version
    answers.set_qualifiers(pledge, Qualifiers(aspect="paid"), version=version, actor=None)
    assert _kinds(qid) == [("value", "open")]


def test_answers_at_different_times_do_not_conflict():
    assert not overlap(Qualifiers(as_of="2016"), Qualifiers(as_of="2024"))
    assert overlap(Qualifiers(as_of="2024-05"), Qualifiers(as_of="2024"))
    assert overlap(Qualifiers(as_of="2016"), Qualifiers())
    assert not overlap(
        Qualifiers(valid_from="2015", valid_until="2018"), Qualifiers(as_of="2019-03")
    )
    assert overlap(Qualifiers(valid_from="2015"), Qualifiers(as_of="2030-01-01"))
    assert not overlap(Qualifiers(aspect="Pledged"), Qualifiers(aspect="paid"))
    assert overlap(Qualifiers(aspect="Pledged"), Qualifiers(aspect="pledged "))


def test_badly_written_qualifiers_are_refused_on_their_field(app_ctx, claim_on, people):
    qid = questions.create_question(MONEY, "money", actor=None).id
    a = claim_on("de", TOTAL_DE, "Musk gave 44 million dollars in all.")
    _in(qid, a)
    for bad, name in (
        (Qualifiers(as_of="May 2024"), "as_of"),
        (Qualifiers(as_of="2024-13"), "as_of"),
        (Qualifiers(valid_from="2024-02-30"), "valid_from"),
        (Qualifiers(valid_from="2020", valid_until="2019"), "valid_until"),
        (Qualifiers(aspect="x" * 101), "aspect"),
    ):
        with pytest.raises(InvalidInput) as caught:
            answers.set_qualifiers(a, bad, version=None, actor=None)
        assert name in caught.value.fields


def test_a_ruling_binds_the_answers_for_claims_added_later(app_ctx, claim_on, people):
    qid = questions.create_question(MONEY, "money", actor=None).id
    de = claim_on("de", TOTAL_DE, "Musk gave 44 million dollars in all.")
    en = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.")
    _in(qid, de, en)
    [row] = disputes.question_contradictions(qid)
    assert row.kind == ConflictKind.precision and row.state == ConflictState.open
    rulings.decide(
        row.id, "not_a_contradiction", "$44.6 million rounds to $44 million.", actor=None
    )
    [ruling] = rulings.question_rulings(qid)
    assert {ruling.answer_a.text, ruling.answer_b.text} == {"$44,000,000", "$44,600,000"}
    # A new claim giving $44 million meets the $44.6 million claim already ruled on.
    later = claim_on("de", PAID, "Musk donated 44 million dollars.")
    _in(qid, later)
    found = disputes.question_contradictions(qid)
    assert len(found) == 2
    assert all(r.state == ConflictState.not_a_contradiction for r in found)
    assert all(r.resolution == "$44.6 million rounds to $44 million." for r in found)
    assert disputes.list_disputes() == []
    reasons = [e.reason for e in audit.claim_history(later)]
    assert "$44.6 million rounds to $44 million." not in reasons  # ruled before it came
    # Taking the ruling back opens both pairs again.
    rulings.rule(
        ruling.answer_a_id, ruling.answer_b_id, "open", "Rounding hides a real gap.", actor=None
    )
    assert [r.state for r in disputes.question_contradictions(qid)] == [ConflictState.open] * 2
    assert rulings.question_rulings(qid) == []


def test_resolving_names_the_answer_that_holds(app_ctx, claim_on, people):
    qid = questions.create_question(MONEY, "money", actor=None).id
    de = claim_on("de", TOTAL_DE, "Musk gave 44 million dollars in all.")
    en = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.")
    _in(qid, de, en)
    [row] = disputes.question_contradictions(qid)
    rulings.decide(
        row.id, "resolved", "The filing says $44.6 million.", holding_claim_id=en, actor=None
    )
    [ruling] = rulings.question_rulings(qid)
    assert ruling.holding_answer_id == claims.get_claim(en).answer_id
    assert disputes.question_contradictions(qid)[0].holding_claim_id == en
    for cid in (de, en):
        assert "The filing says $44.6 million." in [e.reason for e in audit.claim_history(cid)]


def test_rulings_refuse_what_makes_no_sense(app_ctx, claim_on, people):
    qid = questions.create_question(MONEY, "money", actor=None).id
    other = questions.create_question("What is Anthropic valued at?", "money", actor=None).id
    de = claim_on("de", TOTAL_DE, "Musk gave 44 million dollars in all.")
    en = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.")
    anthropic = claim_on("de", "bewertet mit 18 Milliarden Dollar", "Anthropic is valued at $18B.")
    _in(qid, de, en)
    _in(other, anthropic)
    a, b = claims.get_claim(de).answer_id, claims.get_claim(en).answer_id
    elsewhere = claims.get_claim(anthropic).answer_id
    with pytest.raises(InvalidInput, match="different answers"):
        rulings.rule(a, a, "resolved", "Why.", actor=None)
    with pytest.raises(InvalidInput, match="same question"):
        rulings.rule(a, elsewhere, "resolved", "Why.", actor=None)
    with pytest.raises(InvalidInput, match="rationale"):
        rulings.rule(a, b, "not_a_contradiction", " ", actor=None)
    with pytest.raises(InvalidInput, match="one of the two"):
        rulings.rule(a, b, "resolved", "Why.", holding_answer_id=elsewhere, actor=None)


def test_text_answers_conflict_only_when_they_differ(app_ctx, claim_on, people):
    qid = questions.create_question("How did Elon Musk leave OpenAI?", "text", actor=None).id
    a = claim_on("de", TOTAL_DE, "Musk walked out after a row over control.")
    b = claim_on("en", EN_PAID, "Musk left when the board would not make him CEO.")
    _in(qid, a, b)
    answers.set_answer(a, "walked out over control", version=None, actor=None)
    answers.set_answer(b, "  Walked   out over CONTROL ", version=None, actor=None)
    first, second = claims.get_claim(a), claims.get_claim(b)
    assert first.answer_id == second.answer_id and first.is_answer_confirmed
    assert _kinds(qid) == []
    answers.set_answer(b, "voted out by the board", version=None, actor=None)
    assert _kinds(qid) == [("answer", "open")]
    [row] = disputes.question_contradictions(qid)
    assert row.detail == "“walked out over control” vs “voted out by the board”"


def test_yes_no_answers_are_proposed_from_polarity(app_ctx, claim_on, people):
    qid = questions.create_question(COMPUTE, "yes_no", actor=None).id
    kept = claim_on("zh", KEPT, "Sam Altman says OpenAI has kept its promise of 20% of compute.")
    broken = claim_on("zh", NOT_HONOURED, "Jan Leike accuses OpenAI of not keeping its promise.")
    _in(qid, kept, broken)
    yes, no = claims.get_claim(kept), claims.get_claim(broken)
    assert (yes.answer.text, no.answer.text) == ("yes", "no")
    assert not yes.is_answer_confirmed and "沒有" in no.answer_basis  # the cue, as written
    [row] = disputes.question_contradictions(qid)
    assert row.kind == ConflictKind.yes_no
    answers.confirm_answer(kept, version=None, actor=None)
    assert claims.get_claim(kept).is_answer_confirmed
    with pytest.raises(InvalidInput, match="yes or no"):
        answers.set_answer(broken, "perhaps", version=None, actor=None)
    answers.set_answer(broken, "Ja", version=None, actor=None)
    assert claims.get_claim(broken).answer.text == "yes"
    assert _kinds(qid) == []


def test_a_reviewer_may_answer_in_words_what_no_value_reads(app_ctx, claim_on, people):
    qid = questions.create_question("How many people founded OpenAI?", "count", actor=None).id
    a = claim_on("de", TOTAL_DE, "Musk gave 44 million dollars in all.")
    _in(qid, a)
    claim = answers.set_answer(a, "the whole founding dinner", version=None, actor=None)
    assert claim.answer.text == "the whole founding dinner"
    assert claim.is_answer_confirmed and claim.value_kind is None
    with pytest.raises(InvalidInput, match="short phrase"):
        answers.set_answer(a, "x" * 301, version=None, actor=None)
    db.session.rollback()


def test_moving_a_claim_drops_the_old_answer(app_ctx, claim_on, people):
    qid = questions.create_question(MONEY, "money", actor=None).id
    other = questions.create_question("Why did Musk give money?", "text", actor=None).id
    a = claim_on("de", TOTAL_DE, "Musk gave 44 million dollars in all.")
    _in(qid, a)
    answers.confirm_answer(a, version=None, actor=None)
    money_answer = claims.get_claim(a).answer_id
    _in(other, a)
    moved = claims.get_claim(a)
    assert moved.answer_id != money_answer and moved.answer.question_id == other
    assert not moved.is_answer_confirmed


SUIT = "What does Elon Musk's lawsuit against OpenAI allege?"


def test_one_voice_in_one_source_adds_answers_until_a_reviewer_confirms_both(
    app_ctx, claim_on, people
):
    qid = questions.create_question(SUIT, "text", actor=None).id
    # Two allegations the same article reports from the same lawsuit: they add up.
    a = claim_on(
        "de", TOTAL_DE, "Altman deceived Musk into funding a charity.", speaker="Elon Musk"
    )
    b = claim_on(
        "de", PAID, "Microsoft's licence to OpenAI's models must be revoked.", speaker="elon musk"
    )
    _in(qid, a, b)
    first, second = claims.get_claim(a), claims.get_claim(b)
    assert first.answer_id != second.answer_id
    assert _kinds(qid) == []
    # The same answer from another source, or from another voice, is a disagreement.
    c = claim_on("en", EN_PAID, "Musk was never promised anything.", speaker="Elon Musk")
    d = claim_on("de", PLEDGE, "The suit is a bid to slow a competitor down.", speaker="OpenAI")
    _in(qid, c, d)
    found = {
        frozenset((r.claim_a_id, r.claim_b_id))
        for r in disputes.question_contradictions(qid)
        if r.kind == ConflictKind.answer
    }
    assert frozenset((a, b)) not in found
    assert {frozenset((a, c)), frozenset((b, c)), frozenset((a, d)), frozenset((b, d))} <= found
    # A reviewer who confirms both answers as different says they do conflict.
    answers.confirm_answer(a, version=None, actor=None)
    assert frozenset((a, b)) not in {
        frozenset((r.claim_a_id, r.claim_b_id)) for r in disputes.question_contradictions(qid)
    }
    answers.confirm_answer(b, version=None, actor=None)
    assert frozenset((a, b)) in {
        frozenset((r.claim_a_id, r.claim_b_id)) for r in disputes.question_contradictions(qid)
    }


def test_an_end_read_without_a_publication_date_says_so_and_keeps_its_key(
    app_ctx, claim_on, people
):
    from tracker.claims import values

    qid = questions.create_question("How long is Greg Brockman's leave?", "duration", actor=None).id
    leave = claim_on(
        "en", "is taking leave until the end of the year", "Brockman is on leave until year end."
    )
    _in(qid, leave)
    claim = claims.get_claim(leave)
    assert claim.value_relative == "end_of_year"
    assert values.display(claim) == "until the end of the year (no publication date to resolve it)"
    assert claim.answer.key.endswith("|end_of_year")
    first_answer = claim.answer_id
    # A reviewer typing another relative end gives another answer, not the same one.
    answers.set_answer(leave, "until the end of last year", version=None, actor=None)
    again = claims.get_claim(leave)
    assert again.value_relative == "end_of_last_year" and again.answer_id != first_answer


def test_a_flag_typed_by_hand_is_one_dispute_with_the_one_the_tracker_finds(
    app_ctx, claim_on, people, runner
):
    qid = questions.create_question(MONEY, "money", actor=None).id
    pledge = claim_on("de", BILLION, "OpenAI got $1 billion from Microsoft in 2019.")
    paid = claim_on("de", PAID, "Musk donated $44 million in all.")
    _in(qid, pledge, paid)
    flagged = disputes.flag(pledge, paid, "A billion is not 44 million.", actor=None)
    db.session.commit()
    [group] = disputes.list_disputes()
    [found] = group.contradictions
    assert found.kind == ConflictKind.value
    assert [f.id for f in group.also_flagged[found.id]] == [flagged.id]
    printed = runner.invoke(args=["disputes"]).output
    assert "also flagged by hand" in printed and "A billion is not 44 million." in printed
    assert printed.strip().endswith("1 open dispute(s).")
    # Ruled on the answers: the old flag does not bring the pair back.
    rulings.decide(found.id, "not_a_contradiction", "Different money, wrongly grouped.", actor=None)
    db.session.commit()
    assert disputes.list_disputes() == []
    [decided] = disputes.list_disputes(include_decided=True)
    assert [r.id for r in decided.contradictions] == [found.id]
