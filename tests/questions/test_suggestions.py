"""Suggestions: explained, ranked, cross-language, accepted or rejected for good."""

from __future__ import annotations

import pytest

from tests.questions.conftest import EN_PAID, PAID, PLEDGE
from tracker.core.errors import InvalidInput
from tracker.entities import services as entities
from tracker.questions import calibration, suggestions
from tracker.questions import services as questions

MONEY = "How much money did Elon Musk give OpenAI?"


def test_a_new_claim_is_offered_the_question_of_a_claim_about_the_same_fact(
    app_ctx, claim_on, people
):
    qid = questions.create_question(MONEY, "money", actor=None).id
    paid = claim_on(
        "de", PAID, "Musk gave OpenAI $44 million in total.", subjects=["Elon Musk", "OpenAI"]
    )
    questions.assign_question(paid, qid, actor=None)
    unrelated = claim_on(
        "en",
        "Greg Brockman, OpenAI's president, is taking leave",
        "Brockman is taking leave.",
        subjects=["Greg Brockman"],
    )
    en = claim_on(
        "en", EN_PAID, "Musk gave OpenAI $44.6 million.", subjects=["Elon Musk", "OpenAI"]
    )
    found = suggestions.suggest(en)
    assert found.questions and found.questions[0].question.id == qid
    reasons = " ".join(found.questions[0].reasons)
    assert "Elon Musk" in reasons and "44" in reasons
    assert [s.claim.id for s in found.claims][:1] == [paid]
    assert unrelated not in [s.claim.id for s in found.claims]

    suggestions.reject_question(en, qid, actor=None, reason="Different period")
    assert all(s.question.id != qid for s in suggestions.suggest(en).questions)
    suggestions.accept_claim(en, paid, actor=None)
    assert questions.get_question(qid) and suggestions.suggest(en).claims == []


def test_names_match_across_scripts_and_languages(app_ctx, claim_on, people):
    zh = claim_on("zh", "馬斯克剛剛再一次把OpenAI告上了法庭", "Musk has sued OpenAI again.")
    linked = entities.entity_claim_page(people["musk"], said=False)
    assert zh in [c.id for c in linked.items]
    # A name written in simplified Chinese resolves to the same person.
    assert entities.find_entity("马斯克").id == people["musk"]
    assert entities.alias_index().resolve("Elon Musk (lawsuit)") == people["musk"]
    entities.add_alias(people["brockman"], "布羅克曼", actor=None)
    assert entities.find_entity("布罗克曼").id == people["brockman"]


def test_accepting_a_pair_without_a_question_needs_one(app_ctx, claim_on, people):
    a = claim_on("de", PLEDGE, "Musk pledged $1 billion.", subjects=["Elon Musk"])
    b = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.", subjects=["Elon Musk"])
    with pytest.raises(InvalidInput, match="write the question"):
        suggestions.accept_claim(a, b, actor=None)
    question = suggestions.accept_claim(a, b, actor=None, question_text=MONEY, answer_kind="money")
    assert question.text == MONEY
    musk = entities.entity_claim_page(people["musk"], said=False)
    assert {c.id for c in musk.items} >= {a, b}
    assert all(c.question_id == question.id for c in musk.items if c.id in (a, b))


def test_statement_similarity_ignores_case_and_chinese_script():
    assert suggestions.text_similarity("馬斯克起訴OpenAI", "马斯克起诉openai") == 1.0
    assert (
        suggestions.text_similarity(
            "Musk gave OpenAI $44 million.", "musk gave openai $44 million."
        )
        == 1.0
    )
    assert suggestions.text_similarity("Musk gave OpenAI money.", "Brockman takes leave.") < 0.5


def test_scores_say_the_share_of_such_suggestions_that_were_right(tmp_path, monkeypatch):
    # A table as bench/matching_quality.py --fit writes it: raw score -> share right.
    table = tmp_path / "calibration.json"
    table.write_text(
        '{"question": {"first": {"raw": [0.3, 0.5, 0.7], "right": [0.1, 0.5, 0.9]},'
        ' "rest": {"raw": [0.3, 0.7], "right": [0.5, 0.6]}}}',
        encoding="utf-8",
    )
    monkeypatch.setattr(calibration, "TABLE", table)
    calibration.reload()
    try:
        assert calibration.share_right("question", 0.6) == pytest.approx(0.7)
        assert calibration.share_right("question", 0.1) == pytest.approx(0.1)
        assert calibration.share_right("question", 0.95) == pytest.approx(0.9)
        assert calibration.share_right("question", 0.5, first=False) == pytest.approx(0.55)
        # The runner-up never shows more than the suggestion above it.
        assert calibration.calibrate("question", [0.4, 0.39, 0.2]) == pytest.approx([0.3, 0.3, 0.3])
        # Nothing fitted for claims in this table: their raw score is shown.
        assert calibration.share_right("claim", 0.456) == pytest.approx(0.456)
    finally:
        calibration.reload()


def test_a_claim_that_fits_no_question_is_offered_a_new_one_first(app_ctx, claim_on, people):
    qid = questions.create_question(MONEY, "money", actor=None).id
    questions.assign_question(
        claim_on("de", PAID, "Musk gave OpenAI $44 million in total."), qid, actor=None
    )
    fits = suggestions.suggest(claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million."))
    assert fits.questions[0].question.id == qid and not fits.new_question_first
    assert 0 < fits.questions[0].score <= 1
    leave = claim_on(
        "en", "Greg Brockman, OpenAI's president, is taking leave", "Brockman is taking leave."
    )
    found = suggestions.suggest(leave)
    assert found.new_question_first
    assert all(s.score < suggestions.NEW_QUESTION for s in found.questions)
