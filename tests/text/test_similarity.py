"""How alike two short texts are: paraphrases, different facts about the same people, unrelated."""

from __future__ import annotations

import logging
import threading

import pytest

from tracker.text import similarity as sim
from tracker.text.similarity import (
    SemanticModel,
    bm25_rank,
    bm25_similarity,
    lexical_similarity,
    rank,
    same_meaning,
    same_topic,
    semantic_rank,
    semantic_similarity,
    similarity,
)

PARAPHRASE, DIFFERENT, UNRELATED = "paraphrase", "different fact", "unrelated"

#: (language, label, a, b); the first MAIN_PAIRS were measured first, the rest checked the choice. Our own sentences about the people in the seeds. Pairs sharing `a`
#: form a group: a paraphrase, a different fact about the same people, something unrelated.
PAIRS: list[tuple[str, str, str, str]] = [
    # --- English
    (
        "en",
        PARAPHRASE,
        "forced out after the failed coup",
        "he had to leave after his coup attempt failed",
    ),
    (
        "en",
        DIFFERENT,
        "forced out after the failed coup",
        "he left of his own accord to spend time with his family",
    ),
    ("en", UNRELATED, "forced out after the failed coup", "the company released a new image model"),
    (
        "en",
        PARAPHRASE,
        "Brockman is taking a year-long sabbatical",
        "Greg Brockman will be on extended leave for twelve months",
    ),
    (
        "en",
        DIFFERENT,
        "Brockman is taking a year-long sabbatical",
        "Brockman has resigned from OpenAI for good",
    ),
    (
        "en",
        UNRELATED,
        "Brockman is taking a year-long sabbatical",
        "Brockman once gave a talk about compilers",
    ),
    (
        "en",
        PARAPHRASE,
        "Schulman resigned to join Anthropic",
        "Schulman quit OpenAI and moved to its rival Anthropic",
    ),
    (
        "en",
        DIFFERENT,
        "Schulman resigned to join Anthropic",
        "Schulman resigned to join Google DeepMind",
    ),
    ("en", UNRELATED, "Schulman resigned to join Anthropic", "Anthropic calls its chatbot Claude"),
    (
        "en",
        PARAPHRASE,
        "OpenAI promised the safety team a fifth of its computing power",
        "OpenAI pledged 20% of its compute to safety research",
    ),
    (
        "en",
        DIFFERENT,
        "OpenAI promised the safety team a fifth of its computing power",
        "OpenAI gave the safety team more compute than any other group",
    ),
    (
        "en",
        UNRELATED,
        "OpenAI promised the safety team a fifth of its computing power",
        "the founders met over dinner at a hotel",
    ),
    (
        "en",
        PARAPHRASE,
        "Madry was reassigned from safety to reasoning work",
        "Madry was moved off the safety team to focus on AI reasoning",
    ),
    (
        "en",
        DIFFERENT,
        "Madry was reassigned from safety to reasoning work",
        "Madry still leads the safety team",
    ),
    (
        "en",
        UNRELATED,
        "Madry was reassigned from safety to reasoning work",
        "Madry teaches a course at MIT",
    ),
    (
        "en",
        PARAPHRASE,
        "Anthropic is valued at about 18 billion dollars",
        "Anthropic's valuation is roughly $18bn",
    ),
    (
        "en",
        DIFFERENT,
        "Anthropic is valued at about 18 billion dollars",
        "Amazon invested four billion dollars in Anthropic",
    ),
    (
        "en",
        UNRELATED,
        "Anthropic is valued at about 18 billion dollars",
        "Anthropic was founded by siblings",
    ),
    (
        "en",
        PARAPHRASE,
        "he had not finished his doctorate when OpenAI was founded",
        "when he co-founded the company he was still a PhD student",
    ),
    (
        "en",
        DIFFERENT,
        "he had not finished his doctorate when OpenAI was founded",
        "he already held a doctorate when OpenAI was founded",
    ),
    (
        "en",
        PARAPHRASE,
        "Musk tried to poach OpenAI researchers for Tesla",
        "Elon Musk attempted to lure OpenAI scientists away to Tesla",
    ),
    (
        "en",
        DIFFERENT,
        "Musk tried to poach OpenAI researchers for Tesla",
        "Musk donated money to OpenAI in its early years",
    ),
    (
        "en",
        UNRELATED,
        "Musk tried to poach OpenAI researchers for Tesla",
        "Google bought DeepMind a decade ago",
    ),
    (
        "en",
        PARAPHRASE,
        "Sutskever left to start his own company",
        "Ilya Sutskever departed and founded a new startup",
    ),
    (
        "en",
        DIFFERENT,
        "Sutskever left to start his own company",
        "Sutskever stayed on at OpenAI as chief scientist",
    ),
    (
        "en",
        PARAPHRASE,
        "the board fired Altman in November",
        "in November the directors dismissed Sam Altman",
    ),
    (
        "en",
        DIFFERENT,
        "the board fired Altman in November",
        "the board brought Altman back a few days later",
    ),
    ("en", UNRELATED, "the board fired Altman in November", "Altman likes to drive fast cars"),
    (
        "en",
        PARAPHRASE,
        "Leike said his team struggled to get compute",
        "Jan Leike complained that his group was starved of computing resources",
    ),
    (
        "en",
        DIFFERENT,
        "Leike said his team struggled to get compute",
        "Leike said his team had all the compute it asked for",
    ),
    (
        "en",
        PARAPHRASE,
        "employees were allowed to sell part of their shares",
        "staff could cash in some of their stock",
    ),
    (
        "en",
        DIFFERENT,
        "employees were allowed to sell part of their shares",
        "employees were barred from selling any shares",
    ),
    ("en", PARAPHRASE, "the company did not honour its pledge", "OpenAI broke its promise"),
    (
        "en",
        DIFFERENT,
        "the company did not honour its pledge",
        "the company made good on its pledge",
    ),
    (
        "en",
        PARAPHRASE,
        "Peter Deng has reportedly left as well",
        "reports say product chief Peter Deng also departed",
    ),
    (
        "en",
        DIFFERENT,
        "Peter Deng has reportedly left as well",
        "Peter Deng was promoted to head of product",
    ),
    (
        "en",
        UNRELATED,
        "Peter Deng has reportedly left as well",
        "the new model is trained on more data",
    ),
    # --- German
    (
        "de",
        PARAPHRASE,
        "Schulman hat OpenAI verlassen und ist zu Anthropic gewechselt",
        "Schulman kündigte bei OpenAI und ging zur Konkurrenz Anthropic",
    ),
    (
        "de",
        DIFFERENT,
        "Schulman hat OpenAI verlassen und ist zu Anthropic gewechselt",
        "Schulman hat OpenAI verlassen und ist zu Google gewechselt",
    ),
    (
        "de",
        UNRELATED,
        "Schulman hat OpenAI verlassen und ist zu Anthropic gewechselt",
        "Das Abendessen fand in einem Hotel statt",
    ),
    (
        "de",
        PARAPHRASE,
        "Madry wurde von der Sicherheitsarbeit abgezogen",
        "Madry arbeitet nicht mehr im Sicherheitsteam",
    ),
    (
        "de",
        DIFFERENT,
        "Madry wurde von der Sicherheitsarbeit abgezogen",
        "Madry leitet weiterhin das Sicherheitsteam",
    ),
    (
        "de",
        PARAPHRASE,
        "Anthropic ist rund 18 Milliarden Dollar wert",
        "Die Bewertung von Anthropic liegt bei etwa 18 Milliarden US-Dollar",
    ),
    (
        "de",
        DIFFERENT,
        "Anthropic ist rund 18 Milliarden Dollar wert",
        "Amazon hat vier Milliarden Dollar in Anthropic gesteckt",
    ),
    (
        "de",
        UNRELATED,
        "Anthropic ist rund 18 Milliarden Dollar wert",
        "Sutskever gilt als einer der besten KI-Forscher",
    ),
    (
        "de",
        PARAPHRASE,
        "Musk wollte OpenAI-Forscher zu Tesla locken",
        "Musk versuchte, Forscher von OpenAI für Tesla abzuwerben",
    ),
    (
        "de",
        DIFFERENT,
        "Musk wollte OpenAI-Forscher zu Tesla locken",
        "Musk hat OpenAI im Streit verlassen",
    ),
    # --- Chinese, traditional and simplified mixed as the articles are
    ("zh", PARAPHRASE, "聯創舒曼辭職", "联合创始人舒曼已经离职"),
    ("zh", DIFFERENT, "聯創舒曼辭職", "联创舒曼升任首席科学家"),
    ("zh", UNRELATED, "聯創舒曼辭職", "谷歌十年前收购了DeepMind"),
    ("zh", PARAPHRASE, "麥德里被調離安全崗位", "麦德里不再负责安全工作"),
    ("zh", DIFFERENT, "麥德里被調離安全崗位", "麦德里仍然负责安全工作"),
    ("zh", PARAPHRASE, "OpenAI沒有兌現20%算力的承諾", "OpenAI未能履行给安全团队两成算力的诺言"),
    ("zh", DIFFERENT, "OpenAI沒有兌現20%算力的承諾", "OpenAI给其他团队分配了更多算力"),
    ("zh", UNRELATED, "OpenAI沒有兌現20%算力的承諾", "创始团队在一家酒店共进晚餐"),
    ("zh", PARAPHRASE, "他成為聯創時博士還未畢業", "创办公司时他还没有拿到博士学位"),
    ("zh", DIFFERENT, "他成為聯創時博士還未畢業", "他在伯克利读的博士"),
    # --- Written after the first measurement, to check the choice on sentences it had not seen.
    (
        "en",
        PARAPHRASE,
        "Altman was ousted by the board",
        "the directors removed Sam Altman from his post",
    ),
    ("en", DIFFERENT, "Altman was ousted by the board", "Altman stepped down on his own"),
    ("en", UNRELATED, "Altman was ousted by the board", "the board has six members"),
    (
        "en",
        PARAPHRASE,
        "Schulman wants to focus on alignment research",
        "Schulman said he would concentrate on aligning AI",
    ),
    (
        "en",
        DIFFERENT,
        "Schulman wants to focus on alignment research",
        "Schulman wants to build products",
    ),
    (
        "en",
        UNRELATED,
        "Schulman wants to focus on alignment research",
        "Schulman studied physics at Caltech",
    ),
    (
        "en",
        PARAPHRASE,
        "the superalignment team was dissolved",
        "OpenAI disbanded its superalignment group",
    ),
    (
        "en",
        DIFFERENT,
        "the superalignment team was dissolved",
        "the superalignment team was doubled in size",
    ),
    (
        "en",
        PARAPHRASE,
        "Deng ran consumer products",
        "Peter Deng was in charge of consumer products",
    ),
    ("en", DIFFERENT, "Deng ran consumer products", "Deng ran the research lab"),
    ("en", PARAPHRASE, "Musk left the board in 2018", "in 2018 Elon Musk gave up his board seat"),
    ("en", DIFFERENT, "Musk left the board in 2018", "Musk joined the board in 2018"),
    ("en", UNRELATED, "Musk left the board in 2018", "Musk owns a rocket company"),
    ("de", PARAPHRASE, "Brockman nimmt eine Auszeit", "Brockman macht eine längere Pause"),
    ("de", DIFFERENT, "Brockman nimmt eine Auszeit", "Brockman hat gekündigt"),
    ("zh", PARAPHRASE, "布羅克曼休長假", "布罗克曼将休假一段时间"),
    ("zh", DIFFERENT, "布羅克曼休長假", "布罗克曼已经辞职"),
    ("zh", UNRELATED, "布羅克曼休長假", "谷歌收购了DeepMind"),
]

MAIN_PAIRS = 57

#: Claim statements (our own wording) and the question each answers, among QUESTIONS.
QUESTIONS = [
    "Did John Schulman leave OpenAI?",
    "Where did John Schulman go after leaving OpenAI?",
    "Had John Schulman finished his PhD when he co-founded OpenAI?",
    "Did OpenAI keep its promise of 20% of compute?",
    "Is Aleksander Madry still working on AI safety at OpenAI?",
    "Is Greg Brockman taking a leave of absence?",
    "What is Anthropic valued at?",
    "Did Elon Musk try to recruit OpenAI researchers to Tesla?",
    "Why have senior people left OpenAI?",
    "When did Google acquire DeepMind?",
]
STATEMENTS = [
    ("John Schulman has handed in his resignation at OpenAI", 0),
    ("Schulman is heading to rival Anthropic", 1),
    ("Schulman was still a doctoral student when the company was set up", 2),
    ("Jan Leike accused OpenAI of starving his team of the computing power it had pledged", 3),
    ("Sam Altman insists the safety team got the share of compute it was promised", 3),
    ("OpenAI moved Madry to work on reasoning instead of safety", 4),
    ("Madry will go on working on AI safety in his new job", 4),
    ("Greg Brockman is stepping away from the company until the end of the year", 5),
    ("investors put Anthropic's worth at 18 billion dollars", 6),
    ("Musk tried to lure OpenAI staff away to his car company", 7),
    ("many senior staff quit over disagreements about safety", 8),
    ("the search giant bought the London lab DeepMind in 2014", 9),
]


def pairs(language: str, label: str) -> list[tuple[str, str]]:
    return [(a, b) for lang, lab, a, b in PAIRS if lang == language and lab == label]


def test_the_labelled_set_is_large_enough_to_measure() -> None:
    assert len(PAIRS) >= 30
    assert {(lang, label) for lang, label, _, _ in PAIRS} == {
        (lang, label) for lang in ("en", "de", "zh") for label in (PARAPHRASE, DIFFERENT, UNRELATED)
    }


METHODS = {
    "lexical": lexical_similarity,
    "bm25": bm25_similarity,
    "semantic": semantic_similarity,
    "similarity": similarity,
}


def groups(languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Each anchor sentence with its paraphrase, different fact and unrelated sentence."""
    found: dict[str, dict[str, str]] = {}
    for lang, label, a, b in PAIRS:
        if lang in languages:
            found.setdefault(a, {})[label] = b
    return found


@pytest.mark.parametrize("languages", [("en",), ("de",), ("zh",)])
def test_a_paraphrase_scores_above_an_unrelated_sentence_about_the_same_people(
    languages: tuple[str, ...],
) -> None:
    checked = 0
    for anchor, others in groups(languages).items():
        if UNRELATED in others:
            paraphrase, unrelated = others[PARAPHRASE], others[UNRELATED]
            assert similarity(anchor, paraphrase) > similarity(anchor, unrelated), anchor
            checked += 1
    assert checked >= 2


def test_related_sentences_are_told_from_unrelated_ones() -> None:
    related = [similarity(a, b) for _, label, a, b in PAIRS if label != UNRELATED]
    unrelated = [similarity(a, b) for _, label, a, b in PAIRS if label == UNRELATED]
    right = sum(s >= sim.SAME_TOPIC for s in related) + sum(s < sim.SAME_TOPIC for s in unrelated)
    assert right / len(PAIRS) >= 0.85


def test_a_claim_statement_ranks_the_question_it_answers_first() -> None:
    first = 0
    for statement, answered in STATEMENTS:
        scores = rank(statement, QUESTIONS)
        first += max(range(len(QUESTIONS)), key=scores.__getitem__) == answered
    assert first >= 10  # of 12; lexical alone manages 8


def test_the_semantic_method_ranks_better_than_the_lexical_one() -> None:
    def firsts(scorer) -> int:
        return sum(
            max(QUESTIONS, key=lambda q: scorer(statement, q)) == QUESTIONS[answered]
            for statement, answered in STATEMENTS
        )

    assert firsts(semantic_similarity) > firsts(lexical_similarity)


def test_a_paraphrase_in_other_words_is_taken_as_the_same_answer() -> None:
    assert same_meaning(
        "forced out after the failed coup", "he had to leave after his coup attempt failed"
    )
    assert not same_topic(
        "forced out after the failed coup", "the company released a new image model"
    )


@pytest.mark.parametrize("method", METHODS.values(), ids=METHODS.keys())
def test_traditional_and_simplified_chinese_of_one_phrase_score_as_the_same(method) -> None:
    assert method("麥德里被調離安全崗位", "麦德里被调离安全岗位") == pytest.approx(1.0, abs=0.01)
    assert method("聯創辭職", "联创辞职") == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("method", METHODS.values(), ids=METHODS.keys())
def test_scores_stay_between_0_and_1_and_blank_text_scores_0(method) -> None:
    for _, _, a, b in PAIRS:
        assert 0.0 <= method(a, b) <= 1.0
    assert method("", "Schulman resigned") == 0.0
    assert method("Schulman resigned", "   ") == 0.0
    assert method("Schulman resigned", "Schulman resigned") == pytest.approx(1.0, abs=0.01)


def test_rank_gives_each_candidate_its_similarity_in_order() -> None:
    query = "Madry was moved off safety work"
    candidates = [*QUESTIONS, "", "麦德里被调离安全岗位"]
    assert rank(query, candidates) == pytest.approx(
        [similarity(query, c) for c in candidates], abs=1e-6
    )
    assert rank(query, []) == []
    assert semantic_rank(query, []) == []


def test_bm25_in_a_batch_weighs_a_word_few_candidates_share_more() -> None:
    candidates = ["Schulman left", "Schulman stayed", "Schulman spoke", "Anthropic grew"]
    scores = bm25_rank("Schulman joined Anthropic", candidates)
    assert scores[3] > max(scores[:3])
    # A pair alone has no batch to learn from: both shared words count alike.
    assert bm25_similarity("Schulman joined Anthropic", "Schulman left") == pytest.approx(
        bm25_similarity("Schulman joined Anthropic", "Anthropic grew")
    )


def test_without_wordllama_the_semantic_score_is_the_lexical_one_and_the_log_says_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    missing = SemanticModel(package="tracker_text_no_such_embedding_package")
    a, b = "Schulman quit OpenAI", "Schulman resigned from OpenAI"
    with caplog.at_level(logging.WARNING, logger="tracker.text.similarity"):
        assert semantic_similarity(a, b, model=missing) == lexical_similarity(a, b)
        assert semantic_rank(a, [b, ""], model=missing) == [lexical_similarity(a, b), 0.0]
    assert not missing.available
    assert "ModuleNotFoundError" in (missing.unavailable_because or "")
    warnings = [r for r in caplog.records if "semantic similarity unavailable" in r.message]
    assert len(warnings) == 1  # said once, not on every call


def test_the_bundled_model_loads_offline_once_for_many_threads() -> None:
    model = SemanticModel()
    start = threading.Barrier(8)
    loaded: list[object] = []
    scores: list[float] = []

    def use() -> None:
        start.wait()
        scores.append(semantic_similarity("Schulman quit", "Schulman resigned", model=model))
        loaded.append(model._model)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert model.available and model.unavailable_because is None
    assert len({id(m) for m in loaded}) == 1
    assert len(set(scores)) == 1
    # WordLlama knows "quit" and "resigned" are alike beyond their letters.
    assert scores[0] > lexical_similarity("quit", "resigned")


def test_the_vector_cache_stays_within_its_size() -> None:
    model = SemanticModel(cache_size=3)
    texts = [f"claim number {i}" for i in range(10)]
    first = model.vectors(texts)
    assert first.shape[0] == 10
    assert len(model._cache) == 3
    assert model.vectors(texts[-1:])[0] == pytest.approx(first[-1])
