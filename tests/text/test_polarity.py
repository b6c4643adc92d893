"""The answer a claim's quote or statement gives to a yes/no question, and the words why."""

from __future__ import annotations

import pytest

from tracker.text.polarity import NO, YES, YesNo, answer_yes_no, combine

LEAVE = "Did John Schulman leave OpenAI?"
PROMISE = "Did OpenAI keep its promise of 20% of compute?"
PHD = "Had John Schulman finished his PhD when he co-founded OpenAI?"
SAFETY = "Is Aleksander Madry still working on AI safety at OpenAI?"
SCRAPE = "Did Anthropic scrape millions of websites within 24 hours?"
#: (question, text, language, answer, a cue the reviewer is shown). Our own sentences, but
#: for the first eight: the seeds' claims about these questions.
CASES = [
    # seeds
    (LEAVE, "聯創John Schulman辭職跑路", "zh", YES, "辭職"),
    (LEAVE, "OpenAI co-founder John Schulman has resigned.", "en", YES, "resigned"),
    (
        PROMISE,
        "accusing it of not keeping its promise to give the superalignment team 20% of compute",
        "en",
        NO,
        "not",
    ),
    (
        PROMISE,
        "Sam Altman says OpenAI has kept its promise of at least 20% of compute",
        "en",
        YES,
        "kept",
    ),
    (PHD, "博士還未畢業", "zh", NO, "未"),
    (PHD, "he had not yet finished his PhD", "en", NO, "not"),
    (SAFETY, "把安全部門高級主管Aleksander Madry調離了安全崗位", "zh", NO, "調離"),
    (
        SAFETY,
        "Madry will keep working on AI safety in his new role",
        "en",
        YES,
        "will keep working",
    ),
    # English
    (LEAVE, "Schulman is staying at OpenAI for now", "en", NO, "staying"),
    (LEAVE, "Schulman did not leave OpenAI", "en", NO, "not"),
    (LEAVE, "Schulman never left OpenAI despite the offers", "en", NO, "never"),
    (LEAVE, "Schulman stepped down and is joining Anthropic", "en", YES, "stepped down"),
    (LEAVE, "OpenAI denied that Schulman had left", "en", NO, "denied"),
    (LEAVE, "Schulman has handed in his resignation", "en", YES, "handed in his resignation"),
    (LEAVE, "Not only did Schulman leave, he joined Anthropic", "en", YES, "leave"),
    (PROMISE, "Leike says OpenAI broke its promise of compute for his team", "en", NO, "broke"),
    (PROMISE, "OpenAI denied that it had broken its promise", "en", YES, "broken"),
    (PROMISE, "OpenAI failed to honour its pledge", "en", NO, "failed to"),
    (PROMISE, "OpenAI never failed to honour its pledge", "en", YES, "never"),
    (PROMISE, "Altman insists OpenAI lived up to its promise", "en", YES, "lived up to"),
    (PROMISE, "the company went back on its word about compute", "en", NO, "went back on"),
    (PROMISE, "Altman says it did.", "en", YES, "it did"),
    (PROMISE, "Leike says it did not.", "en", NO, "it did not"),
    (PHD, "Schulman had already completed his doctorate by then", "en", YES, "completed"),
    (
        PHD,
        "he was still a PhD student at Berkeley at the time",
        "en",
        NO,
        "was still a PhD student",
    ),
    (PHD, "Schulman had yet to finish his doctorate", "en", NO, "had yet to"),
    (SAFETY, "OpenAI moved Madry off his safety role", "en", NO, "moved Madry off"),
    (SAFETY, "Madry no longer works on safety", "en", NO, "no longer"),
    (SAFETY, "Madry has been reassigned to AI reasoning", "en", NO, "reassigned"),
    (SAFETY, "Madry continues to lead safety research", "en", YES, "continues"),
    (SCRAPE, "Anthropic reportedly scraped millions of websites in a day", "en", YES, "scraped"),
    (SCRAPE, "Anthropic did not scrape any websites", "en", NO, "not"),
    (SCRAPE, "Anthropic denies scraping the websites", "en", NO, "denies"),
    # German
    (LEAVE, "Schulman hat OpenAI verlassen", "de", YES, "verlassen"),
    (LEAVE, "Schulman hat OpenAI nicht verlassen", "de", NO, "nicht"),
    (LEAVE, "Schulman verließ OpenAI nicht", "de", NO, "nicht"),
    (LEAVE, "Schulman trat im August zurück", "de", YES, "trat im August zurück"),
    (LEAVE, "Schulman bleibt bei OpenAI", "de", NO, "bleibt"),
    (
        LEAVE,
        "Schulman hat nicht nur OpenAI verlassen, sondern auch Berkeley",
        "de",
        YES,
        "verlassen",
    ),
    (LEAVE, "Es stimmt nicht, dass Schulman OpenAI verlassen hat", "de", NO, "nicht"),
    (PROMISE, "OpenAI hat sein Versprechen gebrochen", "de", NO, "gebrochen"),
    (PROMISE, "OpenAI hat das Versprechen nicht gebrochen", "de", YES, "nicht"),
    (PROMISE, "OpenAI bestritt, das Versprechen gebrochen zu haben", "de", YES, "bestritt"),
    (PROMISE, "OpenAI hielt sein Versprechen ein", "de", YES, "hielt"),
    (SAFETY, "Madry arbeitet nicht mehr an KI-Sicherheit", "de", NO, "nicht mehr"),
    (SAFETY, "Madry arbeitet weiterhin an KI-Sicherheit", "de", YES, "weiterhin"),
    (PHD, "Schulman hatte seine Promotion noch nicht abgeschlossen", "de", NO, "nicht"),
    # Portuguese
    (LEAVE, "Schulman deixou a OpenAI", "pt", YES, "deixou"),
    (LEAVE, "Schulman não deixou a OpenAI", "pt", NO, "não"),
    (LEAVE, "Schulman nunca saiu da OpenAI", "pt", NO, "nunca"),
    (LEAVE, "Ele não saiu nunca", "pt", NO, "não"),
    (LEAVE, "Não é verdade que Schulman não saiu", "pt", YES, "saiu"),
    (PROMISE, "A OpenAI cumpriu a promessa", "pt", YES, "cumpriu"),
    (PROMISE, "A OpenAI não cumpriu a promessa", "pt", NO, "não"),
    (PROMISE, "A OpenAI quebrou a promessa", "pt", NO, "quebrou"),
    (PROMISE, "A OpenAI negou que tenha quebrado a promessa", "pt", YES, "negou"),
    (SAFETY, "Madry deixou de trabalhar em segurança", "pt", NO, "deixou de"),
    (SAFETY, "Madry já não trabalha em segurança", "pt", NO, "já não"),
    (SAFETY, "Madry continua a trabalhar em segurança", "pt", YES, "continua"),
    (PHD, "Schulman ainda não tinha concluído o doutorado", "pt", NO, "não"),
    # Chinese
    (LEAVE, "舒曼從未離開OpenAI", "zh", NO, "從未"),
    (LEAVE, "舒曼不得不离开OpenAI", "zh", YES, "离开"),
    (LEAVE, "舒曼留任OpenAI", "zh", NO, "留任"),
    (PROMISE, "控訴其沒有兌現20%算力的承諾", "zh", NO, "沒有"),
    (PROMISE, "OpenAI堅持了給安全團隊20%算力的承諾", "zh", YES, "堅持"),
    (PROMISE, "OpenAI食言了", "zh", NO, "食言"),
    (PROMISE, "OpenAI背信棄義", "zh", NO, "背信棄義"),
    (PROMISE, "OpenAI违背了承诺", "zh", NO, "违背"),
    (PROMISE, "OpenAI并非没有兑现承诺", "zh", YES, "并非"),
    (PHD, "他成为联创时已经获得博士学位", "zh", YES, "获得"),
    (SAFETY, "Madry仍將致力於人工智能安全工作", "zh", YES, "仍將"),
    (SAFETY, "Madry不再負責安全工作", "zh", NO, "不再"),
    ("Did Peter Deng leave OpenAI?", "產品副總裁Peter Deng也被曝離職", "zh", YES, "離職"),
]


@pytest.mark.parametrize(
    ("question", "text", "language", "answer", "cue"),
    CASES,
    ids=[f"{lang}-{i}" for i, (_, _, lang, _, _) in enumerate(CASES)],
)
def test_the_answer_a_text_gives_and_the_words_that_decided_it(
    question: str, text: str, language: str, answer: str, cue: str
) -> None:
    reading = answer_yes_no(question, text, language)
    assert reading.answer == answer
    assert cue in reading.cues
    assert 0.3 <= reading.confidence <= 1.0


def test_there_are_cases_in_every_language() -> None:
    languages = [lang for _, _, lang, _, _ in CASES]
    assert len(CASES) >= 40
    assert all(languages.count(lang) >= 10 for lang in ("en", "de", "pt", "zh"))


@pytest.mark.parametrize(
    ("question", "text", "answer"),
    [
        ("Has OpenAI not kept its promise?", "OpenAI broke its promise", YES),
        ("Has OpenAI not kept its promise?", "OpenAI kept its promise", NO),
        ("Hasn't OpenAI kept its promise?", "OpenAI kept its promise", NO),
        ("Did OpenAI break its promise?", "OpenAI kept its promise", NO),
        ("Did OpenAI break its promise?", "控訴其沒有兌現承諾", YES),
        ("Is Madry no longer working on safety?", "Madry still works on safety", NO),
        ("Is Madry no longer working on safety?", "OpenAI moved Madry off safety", YES),
        ("Did Schulman stay at OpenAI?", "Schulman hat OpenAI verlassen", NO),
    ],
)
def test_yes_means_what_a_negated_question_says_is_true(
    question: str, text: str, answer: str
) -> None:
    assert answer_yes_no(question, text, None).answer == answer


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("Why did John Schulman leave OpenAI?", "he resigned to focus on alignment"),
        ("Was Musk driven by safety concerns or by rivalry with Altman?", "Musk was jealous"),
        (LEAVE, "Schulman gave a talk on reinforcement learning"),
        (LEAVE, ""),
        (PROMISE, "Schulman resigned"),  # about leaving, not about the promise
        (LEAVE, "It is not clear whether Schulman left"),
        (LEAVE, "If Schulman leaves, others will follow"),
        (LEAVE, "Es ist unklar, ob Schulman OpenAI verlassen hat"),
        (LEAVE, "Não se sabe se Schulman saiu"),
        (LEAVE, "目前尚不清楚舒曼是否離職"),
    ],
)
def test_no_answer_when_the_question_is_not_yes_no_or_the_text_does_not_say(
    question: str, text: str
) -> None:
    reading = answer_yes_no(question, text, None)
    assert reading == YesNo(None, [], 0.0)


def test_an_or_not_question_is_still_a_yes_no_question() -> None:
    assert answer_yes_no("Did Schulman leave OpenAI or not?", "he quit", "en").answer == YES


def test_cues_are_shown_as_the_text_writes_them() -> None:
    traditional = answer_yes_no(PROMISE, "控訴其沒有兌現20%算力的承諾", "zh-Hant")
    simplified = answer_yes_no(PROMISE, "控诉其没有兑现20%算力的承诺", "zh-Hans")
    assert traditional.cues == ["沒有", "兌現"]
    assert simplified.cues == ["没有", "兑现"]
    assert traditional.answer == simplified.answer == NO


def test_the_language_hint_is_optional() -> None:
    for question, text, language, answer, _ in CASES:
        assert answer_yes_no(question, text, None).answer == answer, (text, language)


def test_a_hedge_lowers_the_confidence_but_keeps_the_answer() -> None:
    plain = answer_yes_no("Did Peter Deng leave OpenAI?", "Peter Deng has left", "en")
    hedged = answer_yes_no("Did Peter Deng leave OpenAI?", "Peter Deng has reportedly left", "en")
    assert plain.answer == hedged.answer == YES
    assert hedged.confidence < plain.confidence


def test_a_double_negation_is_read_but_trusted_less() -> None:
    single = answer_yes_no(PROMISE, "OpenAI honoured its pledge", "en")
    double = answer_yes_no(PROMISE, "OpenAI never failed to honour its pledge", "en")
    assert single.answer == double.answer == YES
    assert double.confidence < single.confidence


def test_clauses_that_disagree_leave_little_confidence() -> None:
    both = answer_yes_no(
        PROMISE, "Altman says OpenAI kept its promise, but Leike says it broke it", "en"
    )
    assert both.answer is None
    mostly = answer_yes_no(
        PROMISE, "Altman says OpenAI kept its promise, but Leike says it did not", "en"
    )
    assert mostly.confidence < 0.4


def test_a_clause_about_something_else_does_not_count() -> None:
    # "Leike left" is about leaving, not about the promise the question asks about.
    reading = answer_yes_no(
        PROMISE, "Jan Leike離開后連發十幾條推文,控訴其沒有兌現20%算力的承諾", "zh"
    )
    assert reading.answer == NO
    assert "離開" not in reading.cues


def test_both_seed_readings_of_a_claim_agree() -> None:
    pairs = [
        (LEAVE, "聯創John Schulman辭職跑路", "OpenAI co-founder John Schulman has resigned."),
        (
            PHD,
            "在他成為OpenAI聯創時,博士還未畢業。",
            "When John Schulman became an OpenAI co-founder, he had not yet finished his PhD.",
        ),
        (
            SAFETY,
            "但OpenAI告訴媒體,Madry到了新職位上之後,仍將致力於人工智能安全工作。",
            "OpenAI told the media that Madry will keep working on AI safety in his new role.",
        ),
        (
            SAFETY,
            "7月末,OpenAI把安全部門高級主管Aleksander Madry調離了安全崗位,並給他重新分配了“AI推理”的工作。",
            "At the end of July, OpenAI moved senior safety head Aleksander Madry off his safety role and reassigned him to work on AI reasoning.",
        ),
    ]
    for question, quote, statement in pairs:
        from_quote = answer_yes_no(question, quote, "zh")
        from_statement = answer_yes_no(question, statement, "en")
        assert from_quote.answer == from_statement.answer is not None
        together = combine(from_quote, from_statement)
        assert together.answer == from_statement.answer
        assert together.confidence > max(from_quote.confidence, from_statement.confidence)


def test_combine_agreeing_readings_reinforce_and_keep_all_cues() -> None:
    together = combine(YesNo(YES, ["辭職"], 0.8), YesNo(YES, ["resigned"], 0.7))
    assert together.answer == YES
    assert together.confidence > 0.8
    assert set(together.cues) == {"辭職", "resigned"}


def test_combine_disagreeing_readings_trust_the_statement_less_sure() -> None:
    quote, statement = YesNo(NO, ["沒有"], 0.8), YesNo(YES, ["kept"], 0.8)
    together = combine(quote, statement)
    assert together.answer == YES
    assert together.cues == ["kept"]
    assert together.confidence < statement.confidence


def test_combine_lets_a_much_surer_quote_win_over_a_weak_statement() -> None:
    together = combine(YesNo(NO, ["調離"], 0.85), YesNo(YES, ["work"], 0.3))
    assert together.answer == NO
    assert together.confidence < 0.85


def test_combine_with_an_unsure_reading_keeps_the_other() -> None:
    sure = YesNo(NO, ["not"], 0.85)
    assert combine(YesNo(None, [], 0.0), sure) == sure
    assert combine(sure, YesNo(None, [], 0.0)) == sure
    assert combine(YesNo(None, [], 0.0), YesNo(None, [], 0.0)).answer is None
