"""Pinyin glosses: finding them and mapping offsets through their removal."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tracker.text.glosses import Gloss, ReadingText, find_glosses, strip_glosses
from tracker.text.splitting import split_sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
GERMAN = (SEEDS / "de-openai-talent-exodus.txt").read_text(encoding="utf-8")
CHINESE = (SEEDS / "zh-openai-leadership-shakeup.txt").read_text(encoding="utf-8")


def test_chinese_seed_has_58_glosses() -> None:
    glosses = find_glosses(CHINESE)
    assert len(glosses) == 58
    first = glosses[0]
    assert CHINESE[first.start - 1 : first.end] == "聯(lián)"
    assert first.reading == "lián"
    assert all(CHINESE[g.start] == "(" and CHINESE[g.end - 1] == ")" for g in glosses)


def test_german_seed_has_no_glosses() -> None:
    assert find_glosses(GERMAN) == []
    assert "(von Amazon übernommen)" in GERMAN


def test_other_parentheses_are_not_glosses() -> None:
    starts = {g.start for g in find_glosses(CHINESE)}
    for group in ["(約翰·舒曼)", "(例如過度道歉)"]:
        assert CHINESE.index(group) not in starts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("聯（lián）創", [Gloss(1, 7, "lián")]),
        ("綠(lǜ)色", [Gloss(1, 5, "lǜ")]),
        ("女(nü)", [Gloss(1, 5, "nü")]),
        ("創(chuàng)", [Gloss(1, 9, "chuàng")]),
        ("聯(lian)", []),  # no tone mark
        ("A(lián)", []),  # not after a CJK character
        ("聯 (lián)", []),
        ("中文(von Amazon übernommen)", []),
        ("聯(lián", []),
        ("", []),
    ],
)
def test_gloss_shapes(text: str, expected: list[Gloss]) -> None:
    assert find_glosses(text) == expected


def test_decomposed_tone_marks_are_glosses_too() -> None:
    text = unicodedata.normalize("NFD", "聯(lián)創")
    assert [text[g.start : g.end] for g in find_glosses(text)] == ["(lia\u0301n)"]


def test_stripping_two_glosses() -> None:
    text = "聯(lián)創(chuàng)"
    reading = strip_glosses(text, find_glosses(text))
    assert reading.text == "聯創"
    assert reading.offset_map == ((0, 0), (1, 7), (2, 16))
    assert [reading.to_verbatim(i) for i in range(3)] == [0, 7, 16]
    assert [reading.to_reading(v) for v in range(17)] == [0] + [1] * 7 + [2] * 9


def test_reading_text_of_the_seed_round_trips_exactly() -> None:
    reading = strip_glosses(CHINESE, find_glosses(CHINESE))
    assert len(CHINESE) - len(reading.text) == 324
    for i, ch in enumerate(reading.text):
        assert CHINESE[reading.to_verbatim(i)] == ch
        assert reading.to_reading(reading.to_verbatim(i)) == i
    assert reading.to_verbatim(len(reading.text)) == len(CHINESE)
    assert reading.to_reading(len(CHINESE)) == len(reading.text)


def test_each_sentence_maps_straight_into_the_source() -> None:
    glosses = find_glosses(CHINESE)
    removed = 0
    for span in split_sentences(CHINESE, "zh"):
        reading = strip_glosses(CHINESE, glosses, span.start, span.end)
        assert reading.to_verbatim(0) == span.start
        assert reading.to_verbatim(len(reading.text)) == span.end
        for i, ch in enumerate(reading.text):
            assert CHINESE[reading.to_verbatim(i)] == ch
        # A quote in the reading text lands on the verbatim text, glosses included.
        quote_start, quote_end = 0, len(reading.text)
        verbatim = CHINESE[reading.to_verbatim(quote_start) : reading.to_verbatim(quote_end)]
        assert strip_glosses(verbatim, find_glosses(verbatim)).text == reading.text
        removed += span.end - span.start - len(reading.text)
    assert removed == 324


def test_a_range_starting_with_a_gloss_skips_it() -> None:
    text = "聯(lián)創"
    reading = strip_glosses(text, find_glosses(text), 1)
    assert reading.text == "創"
    assert reading.to_verbatim(0) == 7
    assert reading.to_reading(1) == 0
    assert reading.to_reading(8) == 1


def test_a_range_cutting_a_gloss_keeps_its_pieces() -> None:
    text = "聯(lián)創"
    assert strip_glosses(text, find_glosses(text), 0, 3).text == "聯(l"


def test_the_map_survives_json() -> None:
    reading = strip_glosses(CHINESE, find_glosses(CHINESE), 100, 900)
    stored = json.loads(json.dumps({"text": reading.text, "offset_map": reading.offset_map}))
    assert ReadingText(stored["text"], stored["offset_map"]) == reading


def test_offsets_outside_the_range_raise() -> None:
    text = "我聯(lián)創你"
    reading = strip_glosses(text, find_glosses(text), 1, 9)
    assert reading.text == "聯創"
    with pytest.raises(IndexError):
        reading.to_verbatim(3)
    with pytest.raises(IndexError):
        reading.to_verbatim(-1)
    with pytest.raises(IndexError):
        reading.to_reading(0)
    with pytest.raises(IndexError):
        reading.to_reading(10)


def test_a_broken_map_is_refused() -> None:
    with pytest.raises(ValueError):
        ReadingText("abc", ((0, 5), (1, 6)))
    with pytest.raises(ValueError):
        ReadingText("abc", ())
