"""Values in claim text (amounts, percentages, dates, counts, durations, titles) and comparing them."""

from __future__ import annotations

import datetime
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from tracker.text.glosses import find_glosses, strip_glosses
from tracker.text.values import (
    Relation,
    Value,
    ValueKind,
    compare,
    describe,
    extract_values,
    pick_answer,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
GERMAN = (SEEDS / "de-openai-talent-exodus.txt").read_text(encoding="utf-8")
CHINESE_VERBATIM = (SEEDS / "zh-openai-leadership-shakeup.txt").read_text(encoding="utf-8")
CLAIMS = json.loads((SEEDS / "claims.json").read_text(encoding="utf-8"))["claims"]

D = Decimal
money, percent, date, count, duration, title = (
    ValueKind.money,
    ValueKind.percent,
    ValueKind.date,
    ValueKind.count,
    ValueKind.duration,
    ValueKind.title,
)


def reading(text: str) -> str:
    """The text as callers hand it over: without pinyin glosses."""
    return strip_glosses(text, find_glosses(text)).text


CHINESE = reading(CHINESE_VERBATIM)


def only(text: str, language: str | None = None, kind: ValueKind | None = None) -> Value:
    values = [v for v in extract_values(text, language) if kind is None or v.kind is kind]
    assert len(values) == 1, values
    return values[0]


def brief(values: list[Value]) -> list[tuple[str, str, Decimal | None, Decimal | None, bool]]:
    return [(v.kind.value, v.text, v.low, v.high, v.approximate) for v in values]


# --- The seeds --------------------------------------------------------------------------------


def test_german_seed_has_all_ten_amounts() -> None:
    amounts = [v for v in extract_values(GERMAN, "de") if v.kind is money]
    assert {v.unit for v in amounts} == {"USD"}
    assert [(v.text, v.low, v.high) for v in amounts] == [
        ("18 Milliarden Dollar", D("18000000000"), D("18000000000")),
        ("10 Milliarden Dollar", D("10000000000"), D("10000000000")),
        ("über 1 Milliarde Dollar", D("1000000000"), None),
        ("40 Millionen Dollar", D("40000000"), D("40000000")),
        ("3 Milliarden Dollar", D("3000000000"), D("3000000000")),
        ("1,6 Milliarden Dollar", D("1600000000"), D("1600000000")),
        ("1 Milliarde Dollar", D("1000000000"), D("1000000000")),  # Musk's pledge
        ("44 Millionen Dollar", D("44000000"), D("44000000")),
        ("1 Milliarde Dollar", D("1000000000"), D("1000000000")),  # Microsoft, 2019
        ("1 Milliarde Dollar", D("1000000000"), D("1000000000")),
    ]
    assert [v.approximate for v in amounts].count(True) == 1  # only "über"


def test_german_seed_without_a_hint_finds_the_same() -> None:
    assert extract_values(GERMAN, None) == extract_values(GERMAN, "de")


def test_german_seed_counts_percentages_dates_and_durations() -> None:
    values = [v for v in extract_values(GERMAN, "de") if v.kind not in (money, title)]
    assert brief(values) == [
        ("count", "fast 75", D(75), D(75), True),
        ("count", "etwa 30", D(30), D(30), True),
        ("date", "2015", D(20150101), D(20151231), False),
        ("count", "Etwa zehn", D(10), D(10), True),
        ("count", "drei", D(3), D(3), False),
        ("count", "Viererteam", D(4), D(4), False),
        ("date", "2017", D(20170101), D(20171231), False),
        ("percent", "0%", D(0), D(0), False),
        ("date", "2019", D(20190101), D(20191231), False),
        ("date", "2021", D(20210101), D(20211231), False),
        ("count", "zwei", D(2), D(2), False),
        ("duration", "24 Stunden", D(24), D(24), False),
        ("count", "Millionen", D(10**6), D(10**9 - 1), True),
        # "im November letzten Jahres": the seed has no date, so the year stays 0000.
        ("date", "November letzten Jahres", D(1101), D(1130), False),
        ("count", "Hunderte", D(100), D(999), True),
        ("percent", "95%", D(95), D(95), False),
        ("date", "2016", D(20160101), D(20161231), False),
        ("count", "20", D(20), D(20), False),
        ("date", "2017", D(20170101), D(20171231), False),
    ]


def test_german_seed_skips_list_numbers_and_model_names() -> None:
    texts = {v.text for v in extract_values(GERMAN, "de")}
    # "1. Vorgeschichte", "2. Porträt", "GPT-2", "GPT-3", "Claude 3": none is a value.
    assert not texts & {"1", "2", "3"}


def test_german_seed_titles() -> None:
    labels = [v.label for v in extract_values(GERMAN, "de") if v.kind is title]
    assert labels[:10] == [
        "vp research",
        "vp safety and policy",
        "chief scientist",
        "vp engineering",
        "technical lead",
        "research scientist",
        "engineer",
        "co-founder",
        "founder",
        "ai scientist",
    ]
    assert {"cto", "ceo", "board member"} <= set(labels)


def test_chinese_seed_amounts_percentages_counts_dates_and_durations() -> None:
    values = [v for v in extract_values(CHINESE, "zh") if v.kind is not title]
    assert brief(values) == [
        ("duration", "直到年底", None, None, False),  # until the end of an unknown year
        ("date", "10月1日", D(1001), D(1001), False),  # no year: year 0000
        ("duration", "9年", D(9), D(9), False),
        ("date", "年底", D(901), D(1231), True),  # 對年底之后的計劃
        ("duration", "20分鐘", D(20), D(20), False),
        ("count", "兩人", D(2), D(2), False),
        ("date", "2015年", D(20150101), D(20151231), False),
        ("date", "今年五月份", D(501), D(531), False),
        ("date", "今年5月", D(501), D(531), False),
        ("count", "兩名", D(2), D(2), False),
        ("duration", "不到一年", None, D(1), True),
        ("count", "十幾條", D(11), D(19), True),
        ("percent", "20%", D(20), D(20), False),
        ("date", "3月底", D(321), D(331), True),
        ("count", "十幾名", D(11), D(19), True),
        ("date", "7月末", D(721), D(731), True),
        ("percent", "至少20%", D(20), None, False),
        ("percent", "20%", D(20), D(20), False),
    ]
    assert extract_values(CHINESE, None) == extract_values(CHINESE, "zh")


def test_chinese_seed_titles() -> None:
    labels = [v.label for v in extract_values(CHINESE, "zh") if v.kind is title]
    assert labels == [
        "co-founder",
        "president",
        "co-founder",
        "co-founder",
        "president",
        "vp product",
        "president",
        "co-founder",
        "chief scientist",
        "founder",
        "vp research",
        "deputy director of safety and policy",
        "lead engineer",
        "founder",
        "head of safety",
        "ceo",
        "president",
        "lawyer",
    ]


def test_chinese_seed_skips_conference_and_model_names() -> None:
    texts = " ".join(v.text for v in extract_values(CHINESE))
    assert "2023" not in texts  # ICML2023
    assert "3.5" not in texts and "4" not in texts  # GPT-3.5, GPT-4, GPT-4o


def test_every_offset_points_at_the_matched_text() -> None:
    texts = [GERMAN, CHINESE, CHINESE_VERBATIM]
    texts += [c[field] for c in CLAIMS for field in ("quote", "statement", "question")]
    for text in texts:
        for language in (None, "de", "en", "pt", "zh"):
            for v in extract_values(text, language):
                assert text[v.start : v.end] == v.text
                assert all(isinstance(x, Decimal | None) for x in (v.low, v.high))


def test_claim_quotes_agree_with_their_english_statements() -> None:
    # The reviewers restated each quote faithfully, so every value of a quote should meet a
    # value of its statement that is the same, compatible or only more precise.
    checked = 0
    for claim in CLAIMS:
        quoted = extract_values(reading(claim["quote"]), claim["source"][:2])
        stated = extract_values(claim["statement"], "en")
        for value in quoted:
            relations = {compare(value, other) for other in stated if other.kind is value.kind}
            if relations:
                checked += 1
                agreeing = {Relation.same, Relation.compatible, Relation.precision}
                assert relations & agreeing, (claim["key"], value.text, relations)
    assert checked >= 50


@pytest.mark.parametrize(
    ("key", "kind", "quoted", "stated"),
    [
        ("de-75-key-employees-left", count, "fast 75", "almost 75"),
        ("de-anthropic-valued-18b", money, "18 Milliarden Dollar", "18 billion dollars"),
        ("de-dinner-about-ten", count, "Etwa zehn", "About ten"),
        ("de-four-person-team", count, "Viererteam", "four"),
        ("de-dario-vp-research", title, "Forschungs-Vizepräsident", "vice president of research"),
        ("zh-brockman-first-break-9-years", duration, "9年", "nine years"),
        ("zh-altman-thanked-schulman", duration, "20分鐘", "Twenty minutes"),
        ("zh-superalignment-under-a-year", duration, "不到一年", "less than a year"),
        ("zh-leike-compute-not-honoured", count, "十幾條", "more than a dozen"),
        ("zh-amodeis-took-a-dozen", count, "十幾名", "more than ten"),
        ("zh-ryan-lowe-left-march", date, "3月底", "the end of March"),
        ("zh-daniela-deputy-director", title, "安全與策略部門副總監",
         "deputy director of OpenAI's safety and policy department"),
        ("zh-madry-moved-off-safety", title, "安全部門高級主管", "senior safety head"),
    ],
)  # fmt: skip
def test_claim_values_in_both_languages(
    key: str, kind: ValueKind, quoted: str, stated: str
) -> None:
    claim = next(c for c in CLAIMS if c["key"] == key)
    in_quote = extract_values(reading(claim["quote"]), claim["source"][:2])
    in_statement = extract_values(claim["statement"], "en")
    a = next(v for v in in_quote if v.text == quoted)
    b = next(v for v in in_statement if v.text == stated)
    assert a.kind is b.kind is kind
    assert compare(a, b) in (Relation.same, Relation.compatible)


def test_the_two_accounts_of_daniela_amodeis_role_disagree() -> None:
    german = only("die ehemalige Vizepräsidentin für Sicherheit und Politik Daniela Amodei", "de")
    chinese = only("妹妹Daniela則是安全與策略部門副總監", "zh")
    assert compare(german, chinese) is Relation.different


# --- Extraction, phrase by phrase ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "matched", "kind", "low", "high", "unit", "approximate"),
    [
        # German
        ("1,6 Milliarden Dollar", "de", "1,6 Milliarden Dollar", money, "1.6e9", "1.6e9", "USD", False),
        ("bewertet mit über 1 Milliarde Dollar", "de", "über 1 Milliarde Dollar", money, "1e9", None, "USD", True),
        ("insgesamt 44 Millionen Dollar gespendet", "de", "44 Millionen Dollar", money, "44e6", "44e6", "USD", False),
        ("1,5 Mio. Euro", "de", "1,5 Mio. Euro", money, "1.5e6", "1.5e6", "EUR", False),
        ("2 Mrd. €", "de", "2 Mrd. €", money, "2e9", "2e9", "EUR", False),
        ("30 Millionen US-Dollar", "de", "30 Millionen US-Dollar", money, "30e6", "30e6", "USD", False),
        ("fast 75 wichtige Mitarbeiter", "de", "fast 75", count, "75", "75", "", True),
        ("etwa 30 KI-Unternehmen", "de", "etwa 30", count, "30", "30", "", True),
        ("1.000 Mitarbeiter", "de", "1.000", count, "1000", "1000", "", False),
        ("Hunderte von OpenAI-Mitarbeitern", "de", "Hunderte", count, "100", "999", "", True),
        ("20 Prozent", "de", "20 Prozent", percent, "20", "20", "%", False),
        ("3,5 Prozentpunkte", "de", "3,5 Prozentpunkte", percent, "3.5", "3.5", "pp", False),
        ("nach 9 Jahren", "de", "9 Jahren", duration, "9", "9", "year", False),
        ("vier Jahre lang", "de", "vier Jahre", duration, "4", "4", "year", False),
        ("am 3. Oktober 2024", "de", "3. Oktober 2024", date, "20241003", "20241003", "date", False),
        ("im November", "de", "November", date, "1101", "1130", "date", False),
        ("Ende 2023", "de", "Ende 2023", date, "20230901", "20231231", "date", True),
        # English
        ("Musk gave $44.6 million", "en", "$44.6 million", money, "44.6e6", "44.6e6", "USD", False),
        ("valued at over $1 billion", "en", "over $1 billion", money, "1e9", None, "USD", True),
        ("a $1.2B round", "en", "$1.2B", money, "1.2e9", "1.2e9", "USD", False),
        ("18 billion dollars", "en", "18 billion dollars", money, "18e9", "18e9", "USD", False),
        ("millions of dollars", "en", "millions of dollars", money, "1e6", "999999999", "USD", True),
        ("over 700 employees", "en", "over 700", count, "700", None, "", True),
        ("1,600 people", "en", "1,600", count, "1600", "1600", "", False),
        ("hundreds of employees", "en", "hundreds", count, "100", "999", "", True),
        ("more than a dozen tweets", "en", "more than a dozen", count, "12", None, "", True),
        ("About 95%", "en", "About 95%", percent, "95", "95", "%", True),
        ("less than a year", "en", "less than a year", duration, None, "1", "year", True),
        ("Twenty minutes later", "en", "Twenty minutes", duration, "20", "20", "minute", False),
        ("on October 3, 2024", "en", "October 3, 2024", date, "20241003", "20241003", "date", False),
        ("the November 2023 letter", "en", "November 2023", date, "20231101", "20231130", "date", False),
        ("at the end of March", "en", "the end of March", date, "321", "331", "date", True),
        ("In a May interview", "en", "May", date, "501", "531", "date", False),
        ("in the 1990s", "en", "1990s", date, "19900101", "19991231", "date", False),
        # Chinese
        ("估值180億美元", "zh", "180億美元", money, "1.8e10", "1.8e10", "USD", False),
        ("一千萬美元", "zh", "一千萬美元", money, "1e7", "1e7", "USD", False),
        ("投資5億元", "zh", "5億元", money, "5e8", "5e8", "CNY", False),
        ("3000萬人民幣", "zh", "3000萬人民幣", money, "3e7", "3e7", "CNY", False),
        ("數百萬美元", "zh", "數百萬美元", money, "1e6", "9999999", "USD", True),
        ("20%算力", "zh", "20%", percent, "20", "20", "%", False),
        ("百分之二十的算力", "zh", "百分之二十", percent, "20", "20", "%", False),
        ("十幾名員工", "zh", "十幾名", count, "11", "19", "", True),
        ("兩名負責人", "zh", "兩名", count, "2", "2", "", False),
        ("二十多名員工", "zh", "二十多名", count, "21", "29", "", True),
        ("约30家公司", "zh", "约30家", count, "30", "30", "", True),
        ("連續工作了9年", "zh", "9年", duration, "9", "9", "year", False),
        ("20分鐘後", "zh", "20分鐘", duration, "20", "20", "minute", False),
        ("2024年8月6日", "zh", "2024年8月6日", date, "20240806", "20240806", "date", False),
        ("8月6日", "zh", "8月6日", date, "806", "806", "date", False),
        ("二〇二四年", "zh", "二〇二四年", date, "20240101", "20241231", "date", False),
        # Portuguese
        ("Musk doou 44 milhões de dólares", "pt", "44 milhões de dólares", money, "44e6", "44e6", "USD", False),
        ("uma avaliação de 18 bilhões de dólares", "pt", "18 bilhões de dólares", money, "18e9", "18e9", "USD", False),
        ("R$ 1,6 bilhão", "pt", "R$ 1,6 bilhão", money, "1.6e9", "1.6e9", "BRL", False),
        ("20% do poder computacional", "pt", "20%", percent, "20", "20", "%", False),
        ("vinte por cento", "pt", "vinte por cento", percent, "20", "20", "%", False),
        ("cerca de 30 empresas", "pt", "cerca de 30", count, "30", "30", "", True),
        ("mais de 700 funcionários", "pt", "mais de 700", count, "700", None, "", True),
        ("centenas de funcionários", "pt", "centenas", count, "100", "999", "", True),
        ("quatro anos depois", "pt", "quatro anos", duration, "4", "4", "year", False),
        ("em 3 de outubro de 2024", "pt", "3 de outubro de 2024", date, "20241003", "20241003", "date", False),
    ],
)  # fmt: skip
def test_values_in_four_languages(
    text: str,
    language: str,
    matched: str,
    kind: ValueKind,
    low: str | None,
    high: str | None,
    unit: str,
    approximate: bool,
) -> None:
    for hint in (language, None):
        value = only(text, hint)
        assert value.text == matched
        assert text[value.start : value.end] == matched
        assert (value.kind, value.unit, value.approximate) == (kind, unit, approximate)
        assert value.low == (None if low is None else D(low))
        assert value.high == (None if high is None else D(high))


def test_amounts_are_decimals_without_exponents() -> None:
    value = only("1,6 Milliarden Dollar", "de")
    assert isinstance(value.low, Decimal)
    assert str(value.low) == "1600000000"


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("1,600", "en", "1600"),
        ("1,600", None, "1600"),
        ("1,600", "de", "1.6"),
        ("1.600", "de", "1600"),
        ("1.600", "en", "1.6"),
        ("1,6 Milliarden", None, "1.6e9"),  # the German scale word settles it
        ("1.234,5", None, "1234.5"),
        ("1,234.5", None, "1234.5"),
        ("1 000 000", None, "1000000"),
    ],
)
def test_decimal_separators_follow_the_language(
    text: str, language: str | None, number: str
) -> None:
    assert only(text, language).low == D(number)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("在ICML2023的演講中", "zh"),
        ("von GPT-2 und GPT-3", "de"),
        ("GPT-3.5 and GPT-4o", "en"),
        ("1. Vorgeschichte der Thronbesteigung", "de"),
        ("Dementsprechend kann Claude 3 ausdrücken", "de"),
        ("the meeting at 10:30 went long", "en"),
        ("They may go", "en"),
        ("Jan Leike left", "en"),
        ("這是他第一次放鬆", "zh"),
        ("在同一天內", "zh"),
        ("做了一個艱難的決定", "zh"),
        ("感到十分不滿", "zh"),
        ("One More Thing", "en"),
        ("Founders Fund", "en"),
    ],
)
def test_names_codes_and_idioms_are_not_values(text: str, language: str) -> None:
    assert extract_values(text, language) == []
    assert extract_values(text) == []


def test_a_year_with_a_bound_is_a_count() -> None:
    value = only("über 2000 Mitarbeiter", "de")
    assert (value.kind, value.low, value.high) == (count, D(2000), None)
    assert only("In 2015 Google bought DeepMind", "en").kind is date


# --- Titles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("Der ehemalige Forschungs-Vizepräsident Dario Amodei", "de", "vp research"),
        ("Vizepräsident für Forschung", "de", "vp research"),
        ("OpenAI的研究副總裁", "zh", "vp research"),
        ("VP of Research", "en", "vp research"),
        ("o ex-vice-presidente de pesquisa", "pt", "vp research"),
        ("Vizepräsidentin für Sicherheit und Politik", "de", "vp safety and policy"),
        ("VP of Safety and Policy", "en", "vp safety and policy"),
        ("安全與政策副總裁", "zh", "vp safety and policy"),
        ("Produkt-Vizepräsident", "de", "vp product"),
        ("產品副總裁Peter Deng", "zh", "vp product"),
        ("Vice President of Product", "en", "vp product"),
        ("Chefwissenschaftler", "de", "chief scientist"),
        ("Chief Scientist", "en", "chief scientist"),
        ("首席科學家", "zh", "chief scientist"),
        ("a cientista-chefe", "pt", "chief scientist"),
        ("Präsidentin", "de", "president"),
        ("OpenAI總裁Greg Brockman", "zh", "president"),
        ("总裁", "zh", "president"),
        ("o presidente", "pt", "president"),
        ("YC CEO Sam Altman", "de", "ceo"),
        ("首席執行官", "zh", "ceo"),
        ("Stripe CTO Brockman", "de", "cto"),
        ("技術長", "zh", "cto"),
        ("Mitbegründer von PayPal", "de", "co-founder"),
        ("OpenAI co-founder John Schulman", "en", "co-founder"),
        ("聯創John Schulman", "zh", "co-founder"),
        ("联合创始人", "zh", "co-founder"),
        ("a cofundadora", "pt", "co-founder"),
        ("Head of Safety", "en", "head of safety"),
        ("Leiterin der Forschung", "de", "head of research"),
        ("Forschungsleiter", "de", "head of research"),
    ],
)
def test_titles_get_an_english_key(text: str, language: str, label: str) -> None:
    value = only(text, language, title)
    assert (value.label, value.low, value.high, value.unit) == (label, None, None, "")


def test_titles_compare_across_languages() -> None:
    german = only("Forschungs-Vizepräsident", "de")
    chinese = only("研究副總裁", "zh")
    assert compare(german, chinese) is Relation.same
    assert compare(german, only("Chefwissenschaftler", "de")) is Relation.different
    assert compare(only("CEO", "en"), only("CTO", "en")) is Relation.different
    # A co-founder is a founder; a vice president of research is a vice president.
    assert compare(only("Mitbegründer", "de"), only("founder", "en")) is Relation.compatible
    assert compare(only("副總裁", "zh"), german) is Relation.compatible


# --- Comparison -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        # Musk's pledge against what he gave.
        ("1 Milliarde Dollar", "44 Millionen Dollar", Relation.different),
        ("44 Millionen Dollar", "$44.6 million", Relation.precision),
        ("1,6 Milliarden Dollar", "$1.62 billion", Relation.precision),
        ("$1 billion", "$1.2 billion", Relation.precision),
        ("$1 billion", "$1.6 billion", Relation.different),
        ("über 1 Milliarde Dollar", "$1.2 billion", Relation.compatible),
        ("über 1 Milliarde Dollar", "$800 million", Relation.different),
        ("18 Milliarden Dollar", "180億美元", Relation.same),
        ("1 Milliarde Dollar", "$1,000,000,000", Relation.same),
        ("44 Millionen Dollar", "45 Millionen Dollar", Relation.different),
        ("$44,000,000", "$44,100,000", Relation.same),  # within 0.5 %
        ("18 Milliarden Dollar", "18 Milliarden Euro", Relation.incomparable),
        ("in 2014", "in 2015", Relation.different),
        ("2024", "2024-08-06", Relation.compatible),
        ("2024", "August 2024", Relation.compatible),
        ("2015", "2015年", Relation.same),
        ("Ende 2023", "November 2023", Relation.compatible),
        ("Ende 2023", "März 2023", Relation.different),
        ("3月底", "the end of March", Relation.same),
        ("3月底", "March 2024", Relation.compatible),
        ("3月底", "in May", Relation.different),
        ("fast 75", "74", Relation.compatible),
        ("fast 75", "60", Relation.different),
        ("十幾名", "more than ten", Relation.compatible),
        ("十幾名", "25", Relation.different),
        ("hundreds", "over 700", Relation.compatible),
        ("20%", "20 Prozent", Relation.same),
        ("至少20%", "20%", Relation.compatible),
        ("至少20%", "15%", Relation.different),
        ("20%", "20", Relation.incomparable),
        ("9年", "nine years", Relation.same),
        ("a year", "12 months", Relation.same),
        ("3 Tage", "72 Stunden", Relation.same),
        ("不到一年", "14 months", Relation.different),
    ],
)
def test_compare(a: str, b: str, relation: Relation) -> None:
    first, second = only(a), only(b)
    assert compare(first, second) is relation
    assert compare(second, first) is relation


def test_different_kinds_are_incomparable() -> None:
    assert compare(only("95%"), only("hundreds of employees")) is Relation.incomparable
    assert compare(only("2015"), only("2015 Dollar")) is Relation.incomparable


def test_compare_never_raises() -> None:
    nan = Value(money, D("NaN"), D("NaN"), "USD", "x", 0, 1)
    infinite = Value(money, D("Infinity"), None, "USD", "x", 0, 1)
    empty = Value(count, None, None, "", "x", 0, 1)
    nameless = Value(title, None, None, "", "x", 0, 1)
    amount = only("$1 billion")
    for a, b in [(nan, amount), (infinite, amount), (empty, amount), (nameless, nameless)]:
        assert compare(a, b) is Relation.incomparable
        describe(a)
    assert compare(amount, "1 billion") is Relation.incomparable  # type: ignore[arg-type]


# --- Description ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("1 Milliarde Dollar", "$1,000,000,000"),
        ("über 1 Milliarde Dollar", "> $1,000,000,000"),
        ("180億美元", "$18,000,000,000"),
        ("5億元", "CNY 500,000,000"),
        ("fast 75", "≈75"),
        ("十幾名", "11–19"),
        ("20%算力", "20%"),
        ("至少20%", "≥ 20%"),
        ("August 2024", "2024-08"),
        ("2024-08-06", "2024-08-06"),
        ("8月6日", "--08-06"),
        ("Ende 2023", "≈2023-09–2023-12"),
        ("9 Jahre", "9 years"),
        ("不到一年", "< 1 year"),
        ("研究副總裁", "VP Research"),
        ("聯創", "Co-Founder"),
    ],
)
def test_describe(text: str, described: str) -> None:
    assert describe(only(text)) == described


# --- Odd input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00",
        "9" * 500,
        "百分之",
        "$",
        "1e309",
        "...",
        "十十十",
        "萬億",
        "2100年13月40日",
    ],
)
def test_odd_input_does_not_raise(text: str) -> None:
    for value in extract_values(text):
        assert text[value.start : value.end] == value.text
        describe(value)


def test_random_input_does_not_raise() -> None:
    pieces = list("0123456789.,%$€ -–/:年月日億萬十幾兩百之多名個天約超過 ") + [
        "Milliarde", "million", "Dollar", "über", "fast", "百分之", "GPT-", "Vizepräsident",
        " für ", "Sicherheit", "2024", "März", "Ende ", "3. ", "de ", "bilhões",
    ]  # fmt: skip
    rng = random.Random(7)
    found: list[Value] = []
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        for language in (None, "de", "zh", "xx"):
            for value in extract_values(text, language):
                assert text[value.start : value.end] == value.text
                describe(value)
                found.append(value)
    for a, b in zip(found, found[1:], strict=False):
        compare(a, b)


# --- Bounds: "at least", "more than", "up to", "nearly" ----------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "matched", "kind", "low", "high", "approximate", "described"),
    [
        ("at least 20% of its compute", "en", "at least 20%", percent, "20", None, False, "≥ 20%"),
        ("more than 10 researchers joined", "en", "more than 10", count, "10", None, True, "> 10"),
        ("over 700 staff signed", "en", "over 700", count, "700", None, True, "> 700"),
        ("more than $1 billion in cash", "en", "more than $1 billion", money, "1e9", None, True, "> $1,000,000,000"),
        ("up to 30 engineers", "en", "up to 30", count, None, "30", False, "≤ 30"),
        ("less than 5% of users", "en", "less than 5%", percent, None, "5", True, "< 5%"),
        ("fewer than 10 people", "en", "fewer than 10", count, None, "10", True, "< 10"),
        ("no more than 30 people", "en", "no more than 30", count, None, "30", False, "≤ 30"),
        ("no fewer than 20 staff", "en", "no fewer than 20", count, "20", None, False, "≥ 20"),
        ("nearly 40 engineers", "en", "nearly 40", count, "40", "40", True, "≈40"),
        ("almost a year", "en", "almost a year", duration, "1", "1", True, "≈1 year"),
        ("more than a dozen tweets", "en", "more than a dozen", count, "12", None, True, "> 12"),
        ("mindestens 20 Prozent", "de", "mindestens 20 Prozent", percent, "20", None, False, "≥ 20%"),
        ("über 300 Forscher", "de", "über 300", count, "300", None, True, "> 300"),
        ("mehr als zehn Leute", "de", "mehr als zehn", count, "10", None, True, "> 10"),
        ("bis zu 50 Stellen", "de", "bis zu 50", count, None, "50", False, "≤ 50"),
        ("weniger als 5 Prozent", "de", "weniger als 5 Prozent", percent, None, "5", True, "< 5%"),
        ("nicht mehr als 30 Leute", "de", "nicht mehr als 30", count, None, "30", False, "≤ 30"),
        ("knapp 80 Entwickler", "de", "knapp 80", count, "80", "80", True, "≈80"),
        ("fast 75 wichtige Mitarbeiter", "de", "fast 75", count, "75", "75", True, "≈75"),
        ("pelo menos 20% do orçamento", "pt", "pelo menos 20%", percent, "20", None, False, "≥ 20%"),
        ("mais de 10 engenheiros", "pt", "mais de 10", count, "10", None, True, "> 10"),
        ("acima de 500 pessoas", "pt", "acima de 500", count, "500", None, True, "> 500"),
        ("até 30 vagas", "pt", "até 30", count, None, "30", False, "≤ 30"),
        ("menos de 5% dos votos", "pt", "menos de 5%", percent, None, "5", True, "< 5%"),
        ("quase 75 pessoas", "pt", "quase 75", count, "75", "75", True, "≈75"),
        ("cerca de 40 startups", "pt", "cerca de 40", count, "40", "40", True, "≈40"),
        ("至少20%算力", "zh", "至少20%", percent, "20", None, False, "≥ 20%"),
        ("超過300名工程師", "zh", "超過300名", count, "300", None, True, "> 300"),
        ("超过300名工程师", "zh", "超过300名", count, "300", None, True, "> 300"),
        ("逾50家公司", "zh", "逾50家", count, "50", None, True, "> 50"),
        ("多於10人", "zh", "多於10人", count, "10", None, True, "> 10"),
        ("不到5%的用戶", "zh", "不到5%", percent, None, "5", True, "< 5%"),
        ("不足10人", "zh", "不足10人", count, None, "10", True, "< 10"),
        ("最多30人", "zh", "最多30人", count, None, "30", False, "≤ 30"),
        ("不超過30人", "zh", "不超過30人", count, None, "30", False, "≤ 30"),
        ("500名以上員工", "zh", "500名以上", count, "500", None, True, "> 500"),
        ("30人以下", "zh", "30人以下", count, None, "30", False, "≤ 30"),
        ("近80名員工", "zh", "近80名", count, "80", "80", True, "≈80"),
        ("十幾條推文", "zh", "十幾條", count, "11", "19", True, "11–19"),
    ],
)  # fmt: skip
def test_bounds_in_four_languages(
    text: str,
    language: str,
    matched: str,
    kind: ValueKind,
    low: str | None,
    high: str | None,
    approximate: bool,
    described: str,
) -> None:
    value = only(text, language)
    assert (value.text, value.kind, value.approximate) == (matched, kind, approximate)
    assert value.low == (None if low is None else D(low))
    assert value.high == (None if high is None else D(high))
    assert describe(value) == described


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("at least 20%", "20%", Relation.compatible),
        ("at least 20%", "25%", Relation.compatible),
        ("at least 20%", "10%", Relation.different),
        ("more than 10", "about 12", Relation.compatible),
        ("more than 10", "5", Relation.different),
        ("up to 30", "25", Relation.compatible),
        ("up to 30", "45", Relation.different),
        ("no more than 30", "more than 40", Relation.different),
        ("mindestens 20 Prozent", "至少20%", Relation.same),
        ("more than a dozen", "十幾條", Relation.compatible),
    ],
)
def test_compare_bounds(a: str, b: str, relation: Relation) -> None:
    first, second = only(a), only(b)
    assert compare(first, second) is relation
    assert compare(second, first) is relation


# --- Ranges in words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "matched", "kind", "low", "high", "unit"),
    [
        ("between 2016 and 2020", "en", "between 2016 and 2020", date, "20160101", "20201231", "date"),
        ("from 20 to 30 people", "en", "20 to 30", count, "20", "30", ""),
        ("from twenty to thirty people", "en", "from twenty to thirty", count, "20", "30", ""),
        ("between 20 and 30 percent", "en", "between 20 and 30 percent", percent, "20", "30", "%"),
        ("between 2 and 3 billion dollars", "en", "between 2 and 3 billion dollars", money, "2e9", "3e9", "USD"),
        ("between March and May 2024", "en", "between March and May 2024", date, "20240301", "20240531", "date"),
        ("zwischen 20 und 30 Mitarbeitern", "de", "zwischen 20 und 30", count, "20", "30", ""),
        ("zwischen 2016 und 2020", "de", "zwischen 2016 und 2020", date, "20160101", "20201231", "date"),
        ("von 2016 bis 2020", "de", "2016 bis 2020", date, "20160101", "20201231", "date"),
        ("zwischen 20 und 30 Millionen Dollar", "de", "zwischen 20 und 30 Millionen Dollar", money, "2e7", "3e7", "USD"),
        ("entre 20 e 30 funcionários", "pt", "entre 20 e 30", count, "20", "30", ""),
        ("entre 2016 e 2020", "pt", "entre 2016 e 2020", date, "20160101", "20201231", "date"),
        ("de 2016 a 2020", "pt", "2016 a 2020", date, "20160101", "20201231", "date"),
        ("de maio a julho de 2024", "pt", "de maio a julho de 2024", date, "20240501", "20240731", "date"),
        ("2016年至2020年", "zh", "2016年至2020年", date, "20160101", "20201231", "date"),
        ("2016年到2020年間", "zh", "2016年到2020年", date, "20160101", "20201231", "date"),
        ("20到30名員工", "zh", "20到30名", count, "20", "30", ""),
    ],
)  # fmt: skip
def test_ranges_in_words(
    text: str,
    language: str,
    matched: str,
    kind: ValueKind,
    low: str,
    high: str,
    unit: str,
) -> None:
    value = only(text, language)
    assert (value.text, value.kind, value.unit) == (matched, kind, unit)
    assert (value.low, value.high) == (D(low), D(high))
    assert text[value.start : value.end] == matched


def test_words_that_make_no_range_leave_two_values() -> None:
    # The second number is smaller, the joiner does not belong to the opener, or no opener.
    assert len(extract_values("between 30 and 20 people", "en")) == 2
    assert len(extract_values("from 2016 and 2020", "en")) == 2
    assert len(extract_values("In 2016 and 2020 it grew", "en")) == 2


# --- Numbers written as words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "matched", "kind", "number", "unit"),
    [
        ("zwölf Forscher", "de", "zwölf", count, "12", ""),
        ("fünfundzwanzig Mitarbeiter", "de", "fünfundzwanzig", count, "25", ""),
        ("dreißig Leute", "de", "dreißig", count, "30", ""),
        ("hundert Entwickler", "de", "hundert", count, "100", ""),
        ("tausend Stellen", "de", "tausend", count, "1000", ""),
        ("zweitausendfünfhundert Stellen", "de", "zweitausendfünfhundert", count, "2500", ""),
        ("eine Milliarde Dollar", "de", "eine Milliarde Dollar", money, "1e9", "USD"),
        ("zwei Millionen Euro", "de", "zwei Millionen Euro", money, "2e6", "EUR"),
        ("dez funcionários", "pt", "dez", count, "10", ""),
        ("vinte e cinco engenheiros", "pt", "vinte e cinco", count, "25", ""),
        ("cem pessoas", "pt", "cem", count, "100", ""),
        ("cento e vinte pessoas", "pt", "cento e vinte", count, "120", ""),
        ("trezentas vagas", "pt", "trezentas", count, "300", ""),
        ("mil funcionários", "pt", "mil", count, "1000", ""),
        ("dois mil e quinhentos funcionários", "pt", "dois mil e quinhentos", count, "2500", ""),
        ("44 milhões de dólares", "pt", "44 milhões de dólares", money, "44e6", "USD"),
        ("US$ 1 bilhão", "pt", "US$ 1 bilhão", money, "1e9", "USD"),
        ("1 bilhão de dólares", "pt", "1 bilhão de dólares", money, "1e9", "USD"),
        ("R$ 5 milhões", "pt", "R$ 5 milhões", money, "5e6", "BRL"),
        ("mil milhões de dólares", "pt", "mil milhões de dólares", money, "1e9", "USD"),
        ("dois mil milhões de euros", "pt", "dois mil milhões de euros", money, "2e9", "EUR"),
    ],
)
def test_number_words_in_german_and_portuguese(
    text: str, language: str, matched: str, kind: ValueKind, number: str, unit: str
) -> None:
    value = only(text, language)
    assert (value.text, value.kind, value.unit) == (matched, kind, unit)
    assert value.low == value.high == D(number)


def test_vague_and_idiomatic_number_words() -> None:
    dozens = only("Dutzende Forscher", "de")
    assert (dozens.low, dozens.high, dozens.approximate) == (D(20), D(99), True)
    assert only("vinte por cento", "pt").kind is percent  # `cento` of `por cento` is no number


# --- Dates relative to the publication date ---------------------------------------------------

PUBLISHED = datetime.date(2024, 8, 6)


@pytest.mark.parametrize(
    ("text", "language", "matched", "key", "low", "high"),
    [
        ("It happened last year.", "en", "last year", "last_year", "20230101", "20231231"),
        ("Last year, OpenAI grew.", "en", "Last year", "last_year", "20230101", "20231231"),
        ("this year", "en", "this year", "this_year", "20240101", "20241231"),
        ("next year", "en", "next year", "next_year", "20250101", "20251231"),
        ("in November last year", "en", "November last year", "last_year", "20231101", "20231130"),
        ("letztes Jahr", "de", "letztes Jahr", "last_year", "20230101", "20231231"),
        ("im vergangenen Jahr", "de", "vergangenen Jahr", "last_year", "20230101", "20231231"),
        ("im November letzten Jahres", "de", "November letzten Jahres", "last_year", "20231101", "20231130"),
        ("Ende letzten Jahres", "de", "Ende letzten Jahres", "end_of_last_year", "20230901", "20231231"),
        ("no ano passado", "pt", "ano passado", "last_year", "20230101", "20231231"),
        ("em novembro do ano passado", "pt", "novembro do ano passado", "last_year", "20231101", "20231130"),
        ("este ano", "pt", "este ano", "this_year", "20240101", "20241231"),
        ("去年", "zh", "去年", "last_year", "20230101", "20231231"),
        ("今年", "zh", "今年", "this_year", "20240101", "20241231"),
        ("明年", "zh", "明年", "next_year", "20250101", "20251231"),
        ("去年11月", "zh", "去年11月", "last_year", "20231101", "20231130"),
        ("今年五月份", "zh", "今年五月份", "this_year", "20240501", "20240531"),
        ("計劃在年底之前", "zh", "年底", "end_of_year", "20240901", "20241231"),
    ],
)  # fmt: skip
def test_relative_dates_resolve_with_a_publication_date(
    text: str, language: str, matched: str, key: str, low: str, high: str
) -> None:
    resolved = only(text, language, date)
    assert (resolved.text, resolved.relative) == (matched, key)
    with_date = [v for v in extract_values(text, language, PUBLISHED) if v.kind is date]
    assert len(with_date) == 1
    assert (with_date[0].text, with_date[0].relative) == (matched, key)
    assert (with_date[0].low, with_date[0].high) == (D(low), D(high))


def test_relative_dates_without_a_publication_date() -> None:
    year = only("last year", "en")
    assert (year.low, year.high, year.label) == (None, None, "year")
    assert describe(year) == "last year (no publication date to resolve it)"
    # A month keeps year 0000, as "im November" does, so it still compares by month.
    november = only("im November letzten Jahres", "de")
    assert (november.low, november.high, november.label) == (D(1101), D(1130), "month")
    assert describe(november) == "November of last year (no publication date to resolve it)"
    end = only("Ende letzten Jahres", "de")
    assert (end.low, end.high, end.approximate) == (D(901), D(1231), True)
    assert describe(end) == "≈the end of last year (no publication date to resolve it)"
    assert describe(only("im November letzten Jahres", "de", date)) != describe(
        extract_values("im November letzten Jahres", "de", PUBLISHED)[0]
    )
    assert describe(extract_values("last year", "en", PUBLISHED)[0]) == "2023"
    assert describe(extract_values("去年11月", "zh", PUBLISHED)[0]) == "2023-11"


@pytest.mark.parametrize(
    ("text", "language", "matched", "key"),
    [
        ("He is on leave until the end of the year.", "en", "until the end of the year", "end_of_year"),
        ("by the end of the year", "en", "by the end of the year", "end_of_year"),
        ("until the end of next year", "en", "until the end of next year", "end_of_next_year"),
        ("until year-end.", "en", "until year-end", "end_of_year"),
        ("bis Ende des Jahres", "de", "bis Ende des Jahres", "end_of_year"),
        ("bis zum Jahresende", "de", "bis zum Jahresende", "end_of_year"),
        ("bis zum Ende des Jahres", "de", "bis zum Ende des Jahres", "end_of_year"),
        ("até o fim do ano", "pt", "até o fim do ano", "end_of_year"),
        ("até ao final do ano", "pt", "até ao final do ano", "end_of_year"),
        ("休長假,直到年底。", "zh", "直到年底", "end_of_year"),
        ("到年底", "zh", "到年底", "end_of_year"),
        ("到今年年底為止", "zh", "到今年年底為止", "end_of_year"),
    ],
)  # fmt: skip
def test_until_the_end_of_the_year_is_a_duration(
    text: str, language: str, matched: str, key: str
) -> None:
    open_end = only(text, language)
    assert (open_end.kind, open_end.unit, open_end.relative) == (duration, "until", key)
    assert (open_end.text, open_end.low, open_end.high) == (matched, None, None)
    year = 2025 if "next" in key else 2024
    resolved = only_with(text, language, PUBLISHED)
    assert (resolved.kind, resolved.unit, resolved.relative) == (duration, "until", key)
    assert resolved.low == resolved.high == D(year * 10000 + 1231)


def only_with(text: str, language: str, reference: datetime.date) -> Value:
    values = extract_values(text, language, reference)
    assert len(values) == 1, values
    return values[0]


def test_describe_until() -> None:
    assert describe(only("until the end of the year", "en")) == (
        "until the end of the year (no publication date to resolve it)"
    )
    assert describe(only_with("bis Ende des Jahres", "de", PUBLISHED)) == "until 2024-12-31"
    assert describe(only("直到明年底", "zh")) == (
        "until the end of next year (no publication date to resolve it)"
    )


def test_compare_relative_values() -> None:
    chinese, english = only("直到年底", "zh"), only("until the end of the year", "en")
    assert compare(chinese, english) is Relation.same  # both unresolved, same key
    assert compare(chinese, only("until the end of next year", "en")) is Relation.incomparable
    this_year = only_with("直到年底", "zh", PUBLISHED)
    assert compare(this_year, only_with("bis zum Jahresende", "de", PUBLISHED)) is Relation.same
    next_pub = datetime.date(2025, 3, 1)
    assert compare(this_year, only_with("bis Jahresende", "de", next_pub)) is Relation.different
    assert compare(this_year, english) is Relation.compatible  # one publication date known
    # An end date against a length: no way to tell without the start of the leave.
    assert compare(english, only("3 months", "en")) is Relation.incomparable
    assert compare(this_year, only("3 months", "en")) is Relation.incomparable
    # Relative dates.
    assert compare(only("last year", "en"), only("去年", "zh")) is Relation.same
    assert compare(only("last year", "en"), only("next year", "en")) is Relation.incomparable
    november = only("im November letzten Jahres", "de")
    assert compare(november, only("last year", "en")) is Relation.compatible
    assert compare(november, only("November 2023", "en")) is Relation.compatible
    assert compare(november, only("March 2023", "en")) is Relation.different
    assert compare(only("last year", "en"), only("2023", "en")) is Relation.incomparable
    resolved = extract_values("last year", "en", PUBLISHED)[0]
    assert compare(resolved, only("2023", "en")) is Relation.same
    assert compare(resolved, only("2022", "en")) is Relation.different


def test_relative_words_that_are_not_dates() -> None:
    assert extract_values("over the last year", "en") == []  # the past twelve months
    assert extract_values("公司失去年輕人才", "zh") == []  # 失去 + 年輕
    assert extract_values("by year-end results", "en") == []
    # A month without a year stays a year-0000 date, even with a publication date.
    assert only_with("In a May interview", "en", PUBLISHED).low == D(501)


def test_reference_is_optional_and_checked() -> None:
    assert extract_values("last year", "en", None) == extract_values("last year", "en")
    assert extract_values("last year", "en", "2024-08-06") == extract_values("last year")  # type: ignore[arg-type]


# --- Picking the answer among several values ----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "kind", "question", "text", "answer"),
    [
        ("en", "count", "How many employees left OpenAI?",
         "Of the 12 people who founded the lab in 2015, 7 employees have left.", "7"),
        ("en", "count", "How many researchers did OpenAI start with?",
         "OpenAI, which started with 20 researchers, now employs more than 700 people.", "20"),
        ("en", "count", "How many people work at OpenAI?",
         "OpenAI, which started with 20 researchers, now employs more than 700 people.",
         "more than 700"),
        ("en", "count", "How many tweets did Leike post?",
         "After 9 years at the lab and work on GPT-4, he posted 14 tweets about 3 teams.", "14"),
        ("en", "money", "How much money did Musk donate?",
         "Musk, who pledged $1 billion, donated $44 million in the end.", "$44 million"),
        ("en", "date", "When was Anthropic founded?",
         "In 2019 the two left Google, and in 2021 they founded Anthropic.", "2021"),
        ("de", "count", "How many employees left OpenAI?",
         "Von den 12 Gründern aus dem Jahr 2015 haben inzwischen 7 Mitarbeiter OpenAI verlassen.",
         "7"),
        ("de", "count", "How many researchers did OpenAI start with?",
         "Anfangs arbeiteten 20 Forscher bei OpenAI, heute sind es über 700 Mitarbeiter.", "20"),
        ("de", "count", "How many AI companies have former employees founded?",
         "In 9 Jahren haben 75 Mitarbeiter das Haus verlassen und etwa 30 Unternehmen gegründet.",
         "etwa 30"),
        ("de", "money", "How much money did Musk give?",
         "Musk versprach 1 Milliarde Dollar, gespendet hat er am Ende 44 Millionen Dollar.",
         "44 Millionen Dollar"),
        ("zh", "count", "How many employees left OpenAI?",
         "2015年創立實驗室的12人中,已有7名員工離開。", "7名"),
        ("zh", "count", "How many tweets did Leike post?",
         "他在9年裡發了十幾條推文,涉及GPT-4和3家公司。", "十幾條"),
        ("zh", "count", "How many companies did they found?",
         "兩名研究員離開後創立了3家公司。", "3家"),
        ("pt", "count", "How many employees left OpenAI?",
         "Dos 12 fundadores, 7 funcionários já deixaram a OpenAI.", "7"),
    ],
)  # fmt: skip
def test_pick_answer_takes_the_value_beside_the_questions_words(
    language: str, kind: str, question: str, text: str, answer: str
) -> None:
    values = extract_values(text, language)
    assert len([v for v in values if v.kind.value == kind]) >= 2  # a real choice
    picked = pick_answer(values, kind, question, text)
    assert picked is not None and picked.text == answer


def test_pick_answer_edge_cases() -> None:
    text = "7 employees left in 2015."
    values = extract_values(text, "en")
    assert pick_answer(values, "title", "Who left?", text) is None
    assert pick_answer(values, "text", "Who left?", text) is None  # not a value kind
    assert pick_answer([], "count", "How many?", text) is None
    assert pick_answer(values, ValueKind.count, "How many employees left?", text) == values[0]
    # No word of the question near any of them: the first one, as before.
    two = extract_values("12 and 7", "en")
    assert pick_answer(two, "count", "How many?", "12 and 7") == two[0]
    # Values read from another text (a quote's values with the statement) stay candidates.
    quote = extract_values("Etwa zehn Leute und 3 Gründer", "de")
    assert pick_answer(quote, "count", "How many founders?", "unrelated") == quote[0]


def test_pick_answer_puts_years_read_as_counts_last() -> None:
    year_like = Value(count, D(2015), D(2015), "", "2015", 0, 4)
    real = Value(count, D(7), D(7), "", "7", 12, 13)
    assert pick_answer([year_like, real], "count", "How many left?", "2015 and so 7 left") is real
