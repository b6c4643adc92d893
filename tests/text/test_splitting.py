"""Sentence splitting on the seed articles and on odd inputs."""

from __future__ import annotations

import random
from pathlib import Path

import pysbd
import pytest

from tracker.text.glosses import find_glosses
from tracker.text.splitting import Span, split_sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
GERMAN = (SEEDS / "de-openai-talent-exodus.txt").read_text(encoding="utf-8")
CHINESE = (SEEDS / "zh-openai-leadership-shakeup.txt").read_text(encoding="utf-8")
LIST_MARKERS = "•◦‣▪▫●○■□◆◇·・-–*"

ODD_INPUTS = [
    "",
    " ",
    "\n\n\n",
    "\t \u3000 \r\n",
    "•",
    "• ",
    "  •  \n•\n- ",
    "-",
    '"',
    "”",
    "。",
    "?",
    "...",
    "😀",
    "😀 Hallo Welt. Noch ein Satz.",
    "😀你好。世界！",
    "👩‍👩‍👧 Familie. Gut.",
    "Eins.\r\nZwei. Drei.\r\n",
    "Eins.\rZwei.\u2028Drei.\u2029Vier.\x85Fünf.",
    "Kein Punkt am Ende",
    "ohne Großbuchstaben. und weiter",
    "(((",
    "))) ...",
    '"Nein." "Doch." "Oh!"',
    "“好！”“不好。”",
    "聯(lián)創(chuàng)?x?y?z",
    "a?b!c.d",
    "1.\n2.\n3. Punkt",
    "* * *",
    "-5 Grad. Kalt.",
]


def sentences(text: str, language: str | None) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, language)]


def list_marker_positions(text: str) -> set[int]:
    """Positions of list markers opening a line: the one kind of text no sentence holds."""
    positions = set()
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        at = offset + len(line) - len(stripped)
        if (
            stripped
            and stripped[0] in LIST_MARKERS
            and (len(stripped) == 1 or stripped[1].isspace())
        ):
            positions.add(at)
        offset += len(line)
    return positions


def assert_invariants(text: str, spans: list[Span]) -> None:
    previous_end = 0
    covered: set[int] = set()
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text), (span, text[:80])
        sentence = text[span.start : span.end]
        assert sentence == sentence.strip()
        assert len(sentence.splitlines()) == 1, sentence
        covered.update(range(span.start, span.end))
        previous_end = span.end
    non_space = {i for i, ch in enumerate(text) if not ch.isspace()}
    assert non_space - covered == list_marker_positions(text)


@pytest.mark.parametrize(("text", "language"), [(GERMAN, "de"), (CHINESE, "zh")])
def test_seed_sentences_hold_the_invariants(text: str, language: str) -> None:
    assert_invariants(text, split_sentences(text, language))


@pytest.mark.parametrize("text", ODD_INPUTS)
@pytest.mark.parametrize("language", ["de", "zh", "en", None])
def test_odd_inputs_hold_the_invariants(text: str, language: str | None) -> None:
    assert_invariants(text, split_sentences(text, language))


def test_random_mixtures_hold_the_invariants() -> None:
    # Pieces of both seeds cut at random places, glued with odd inputs: whatever comes in,
    # the spans stay exact, ordered, trimmed and complete.
    rng = random.Random(20241123)
    sources = [GERMAN, CHINESE, *ODD_INPUTS]
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 6)):
            source = rng.choice(sources)
            start = rng.randint(0, len(source))
            parts.append(source[start : start + rng.randint(0, 400)])
        text = rng.choice(["", " ", "\n", "\r\n", "•", "。", '"']).join(parts)
        assert_invariants(text, split_sentences(text, rng.choice(["de", "zh", "en", None])))


def test_empty_and_blank_texts_have_no_sentences() -> None:
    assert split_sentences("", "de") == []
    assert split_sentences(" \n\t\u3000\r\n", "zh") == []


def test_a_lone_bullet_is_no_sentence() -> None:
    assert split_sentences("•", "de") == []


def test_offsets_count_code_points_after_an_emoji() -> None:
    # The emoji is one code point (two UTF-16 units) and part of the first sentence.
    text = "😀 Hallo Welt. Noch ein Satz."
    assert split_sentences(text, "de") == [Span(0, 13), Span(14, 28)]
    assert text[14:28] == "Noch ein Satz."


def test_crlf_line_endings_end_sentences_and_stay_outside_them() -> None:
    assert sentences("Eins\r\nZwei. Drei.\r\n", "de") == ["Eins", "Zwei.", "Drei."]


def test_text_without_final_newline_keeps_its_last_sentence() -> None:
    assert sentences(GERMAN, "de")[-1] == (
        "Ein ehemaliger Mitarbeiter erinnert sich, dass er jeden Morgen bei der Ankunft"
    )
    assert not GERMAN.endswith("\n")


@pytest.mark.parametrize("language", ["de-DE", "zh-Hant", "ZH_tw", "xx", "", None])
def test_language_codes_are_normalised_or_fall_back(language: str | None) -> None:
    assert sentences("Erster Satz. Zweiter Satz.", language) == ["Erster Satz.", "Zweiter Satz."]


# German seed


def test_german_seed_has_91_sentences() -> None:
    assert len(split_sentences(GERMAN, "de")) == 91


@pytest.mark.parametrize(
    "sentence",
    [
        # z.B. inside a sentence
        "Einerseits konnte OpenAI wie ein normales Unternehmen operieren, z.B. Kapital beschaffen "
        "und Mitarbeiteraktien ausgeben; andererseits war die Rendite für OpenAI-Investoren "
        "begrenzt.",
        # 1 Milliarde Dollar, quotes
        '2019 erhielt OpenAI 1 Milliarde Dollar von Microsoft, um weiterhin "gute" KI zu '
        "entwickeln.",
        "Beim Abendessen versprach Musk eine Investition von 1 Milliarde Dollar und schlug vor, "
        "das Projekt OpenAI zu nennen - es sollte als gemeinnützige Organisation betrieben werden, "
        "die sich auf die Entwicklung sicherer KI zum Wohle der Menschheit konzentriert, anstatt "
        "Profit anzustreben.",
        # numbered headings
        '1. Vorgeschichte der "Thronbesteigung": Es geht um Sicherheit, aber nicht nur',
        '2. Porträt des "neuen Königs": Autoritär, betrügerisch, profitgierig, laisser-faire',
        # bullet lines: the sentence is the text after "• "
        "Der ehemalige Techniker Tim Shi gründete die KI-Kundenservice-Plattform Cresta AI, "
        "bewertet mit 1,6 Milliarden Dollar;",
        "Der ehemalige Technik-Vizepräsident David Luan gründete Adept AI (von Amazon übernommen), "
        "bewertet mit über 1 Milliarde Dollar;",
        "Der ehemalige Forschungswissenschaftler Aravind Srinivas gründete Perplexity.AI, "
        "bewertet mit 3 Milliarden Dollar;",
        # a closing quote at the end of a quoted paragraph belongs to its last sentence
        'Also haben wir mit dieser Idee unser eigenes Unternehmen gegründet."',
        # a quote opening the paragraph stays with its first sentence
        '"Es gab eine Gruppe von Leuten bei OpenAI, die nach der Erschaffung von GPT-2 und GPT-3 '
        "zwei sehr starke Überzeugungen hatten.",
        '"Hinterfragen, verstehen, werden" ist vielleicht der unvermeidliche Weg für KI-Startups '
        "mit großen Sprachmodellen.",
        'Andernfalls würden die Unterzeichner Maßnahmen ergreifen und "möglicherweise Altman und '
        'Brockman in ihrer neu gegründeten Microsoft-Tochtergesellschaft beitreten".',
        'Davon hat sich Anthropic zum Hauptkonkurrenten von OpenAI und zur "Zuflucht" für '
        "ehemalige Mitarbeiter entwickelt; Perplexity.AI wurde zum besten Wrapper für OpenAI und "
        "Herausforderer von Google Search...",
        "Bevor er ging, verfluchte er noch OpenAI, dass ihre Chancen, DeepMind/Google zu "
        "schlagen, bei 0% lägen.",
        "Was Ilya Sutskever's gescheiterten Putschversuch und erzwungenen Abgang betrifft, so lag "
        "das neben seinem mangelnden Verständnis für die menschliche Natur auch an Altmans "
        "extremer Fähigkeit zur Machtausübung, wie im Folgenden beschrieben.",
        "2021 sagte Dario Amodei bei der Gründung von Anthropic:",
        'Erster Schritt: Sturz von Musks "Tyrannei"',
    ],
)
def test_german_seed_sentences_come_out_whole(sentence: str) -> None:
    found = sentences(GERMAN, "de")
    assert sentence in found
    span = split_sentences(GERMAN, "de")[found.index(sentence)]
    assert span.start == GERMAN.index(sentence)


def test_german_bullet_spans_start_after_the_bullet() -> None:
    bullets = [i for i, ch in enumerate(GERMAN) if ch == "•"]
    starts = {s.start for s in split_sentences(GERMAN, "de")}
    assert len(bullets) == 6
    assert all(i + 2 in starts for i in bullets)


def test_german_paragraph_splits_where_a_reader_would() -> None:
    assert sentences(
        "Die Aussicht, mit diesem Geld vorzeitig in den Ruhestand zu gehen, wurde plötzlich vom "
        '"Bösewicht" Ilya Sutskever zunichte gemacht! Wer wäre da nicht wütend?',
        "de",
    ) == [
        "Die Aussicht, mit diesem Geld vorzeitig in den Ruhestand zu gehen, wurde plötzlich vom "
        '"Bösewicht" Ilya Sutskever zunichte gemacht!',
        "Wer wäre da nicht wütend?",
    ]
    headline = GERMAN.splitlines()[0]
    assert sentences(headline, "de") == [
        "OpenAI warum es schwierig ist, Spitzentalente zu halten?",
        "Analyse des umgekehrten Talentabflusses",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Er kam z.B. am 3. Oktober mit Dr. Müller und ca. 30 Leuten. Dann ging er.",
            ["Er kam z.B. am 3. Oktober mit Dr. Müller und ca. 30 Leuten.", "Dann ging er."],
        ),
        ("Siehe Abs. 3 und Fig. 2 im Anhang. Gut.", ["Siehe Abs. 3 und Fig. 2 im Anhang.", "Gut."]),
        ("Das geschah im 19. Jh. in Wien.", ["Das geschah im 19. Jh. in Wien."]),
        ('Er sagte: "Nein." Dann ging er.', ['Er sagte: "Nein."', "Dann ging er."]),
        ('"Nein." sagte er. Sie ging.', ['"Nein." sagte er.', "Sie ging."]),
        ("„Nein“, sagte er. „Doch!“ Sie lachte.", ["„Nein“, sagte er.", "„Doch!“", "Sie lachte."]),
        (
            "Es kostet 1,6 Milliarden Dollar. Das ist viel.",
            ["Es kostet 1,6 Milliarden Dollar.", "Das ist viel."],
        ),
    ],
)
def test_german_rules(text: str, expected: list[str]) -> None:
    assert sentences(text, "de") == expected


# Chinese seed


def test_chinese_seed_has_55_sentences() -> None:
    # Every line of this article is one sentence: no line holds a second 。
    assert len(split_sentences(CHINESE, "zh")) == 55 == len(CHINESE.splitlines())


def test_chinese_headline_is_one_sentence() -> None:
    assert sentences(CHINESE, "zh")[:2] == [
        "OpenAI高層巨變:聯(lián)創(chuàng)辭職總裁休假,網(wǎng)友:領導層成了空殼",
        "剛剛,OpenAI高層大地震:",
    ]


def test_chinese_mojibake_line_is_not_split_at_question_marks() -> None:
    line = next(line for line in CHINESE.splitlines() if "適當?" in line)
    assert line.count("?") == 2
    assert sentences(line, "zh") == [line.removeprefix("- ")]


def test_chinese_dash_bullets_are_not_part_of_the_sentence() -> None:
    found = sentences(CHINESE, "zh")
    assert "ChatGPT 中的一些令人討厭的行為(例如過度道歉)是過度優(yōu)化的結果。" in found
    assert "獎勵信號必須評估整個對話的質(zhì)量,而不僅僅是個別反饋。" in found


def test_chinese_seed_sentences_end_at_their_line_or_full_stop() -> None:
    for sentence in sentences(CHINESE, "zh"):
        assert "。" not in sentence[:-1], sentence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("這是真的嗎？是的！當然。", ["這是真的嗎？", "是的！", "當然。"]),
        (
            "這次他自述的離職原因也是與此相關：希望加深對AI對齊的關注。後來呢？",
            ["這次他自述的離職原因也是與此相關：希望加深對AI對齊的關注。", "後來呢？"],
        ),
        # A quotation opening the sentence stays with who said it.
        ("“好！”他笑了。", ["“好！”他笑了。"]),
        ("他笑了。“好！”他說。", ["他笑了。", "“好！”他說。"]),
        # A quotation closing a sentence ends it.
        ("他說：“走吧。”我們走了。", ["他說：“走吧。”", "我們走了。"]),
        ("他問：“你好嗎？”我說：“很好。”", ["他問：“你好嗎？”", "我說：“很好。”"]),
        ("“好”，他說：“走吧。”我們走了。", ["“好”，他說：“走吧。”", "我們走了。"]),
        ("“走吧。”“好。”", ["“走吧。”", "“好。”"]),
        ("「好！」他笑了。", ["「好！」他笑了。"]),
        # A latin word may start a Chinese sentence.
        ("互聯網還是有記憶的。emm……真的。", ["互聯網還是有記憶的。", "emm……真的。"]),
        ("1. 第一點。2. 第二點。", ["1. 第一點。", "2. 第二點。"]),
        # Half-width ? with no space after it is not a boundary (the documented cost).
        ("你好嗎?我很好。", ["你好嗎?我很好。"]),
    ],
)
def test_chinese_rules(text: str, expected: list[str]) -> None:
    assert sentences(text, "zh") == expected


# Glosses and long lines


def test_no_sentence_boundary_falls_inside_a_gloss() -> None:
    # 1,200 glossed characters and no punctuation: longer than one pysbd piece, so the splitter
    # has to cut somewhere, but never between a character and its reading.
    text = "聯(lián)" * 1_200 + "。" + CHINESE
    glosses = find_glosses(text)
    spans = split_sentences(text, "zh")
    assert_invariants(text, spans)
    for gloss in glosses:
        for span in spans:
            assert not gloss.start <= span.start < gloss.end
            assert not gloss.start < span.end < gloss.end


@pytest.mark.parametrize(("text", "language", "glue"), [(GERMAN, "de", " "), (CHINESE, "zh", "")])
def test_a_long_line_splits_like_its_paragraphs(text: str, language: str, glue: str) -> None:
    # Paragraphs ending in a full stop, glued into one line far longer than one pysbd piece:
    # the pieces must not change a single boundary.
    paragraphs = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and line.strip()[-1] in ".!?。" and line.strip()[0] not in LIST_MARKERS
    ] * 8
    expected = []
    position = 0
    for paragraph in paragraphs:
        expected += [
            Span(position + s.start, position + s.end) for s in split_sentences(paragraph, language)
        ]
        position += len(paragraph) + len(glue)
    line = glue.join(paragraphs)
    assert len(line) > 15_000
    assert split_sentences(line, language) == expected


def test_pysbd_never_gets_a_long_line_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # pysbd's cost grows much faster than linearly with input length (a 1 MB text fed whole
    # takes minutes), so however long a line is, pysbd only ever sees bounded pieces of it.
    seen: list[int] = []
    processor = pysbd.Segmenter.processor

    def recording(self: pysbd.Segmenter, text: str) -> object:
        seen.append(len(text))
        return processor(self, text)

    monkeypatch.setattr(pysbd.Segmenter, "processor", recording)
    text = " ".join(GERMAN.splitlines()) * 20
    assert len(text) > 200_000
    spans = split_sentences(text, "de")
    assert len(spans) > 1_500
    assert max(seen) <= 5_000


def test_a_byte_order_mark_is_not_part_of_the_first_sentence() -> None:
    text = "\ufeffTitel\nEin Satz."
    assert [text[s.start : s.end] for s in split_sentences(text, "de")] == ["Titel", "Ein Satz."]
