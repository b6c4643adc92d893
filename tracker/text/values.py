"""Find the checkable values in claim text (amounts, percentages, dates, counts, durations, job
titles) and compare two of them: same, compatible, only rounded differently, or contradicting.

Works on German, English, Portuguese and Chinese (traditional or simplified) with one rule set;
the language hint only settles what cannot be read from the text itself: whether `1,600` is
1600 (English) or 1.6 (German, Portuguese), what a capitalised `Billion` is (10^12 in German)
and which word numbers to look for. Chinese pinyin glosses (`聯(lián)創`) must be stripped first.

Conventions:
- Every number is a `Decimal`, stored plainly (`Decimal("1600000000")`), never a float.
- Open ranges: "over $1 billion" has `low=1e9, high=None`; "less than a year" `low=None`
  (also for counts and money: no invented 0). A strict bound ("over", "less than") is also
  `approximate`, an inclusive one ("at least", "up to") is not; `describe` writes `> $1,000`,
  `< 1 year`, `≥ 20%`, `≤ 30`. "almost 75" stays 75..75, approximate (`≈75`).
- Ranges in words ("zwischen 20 und 30", "between 2016 and 2020", `2016年至2020年`) are one
  value whose text starts at the opening word.
- Dates are `Decimal(YYYYMMDD)` ranges: 2024 is 20240101..20241231, label "year"; August 2024
  label "month"; 2024-08-06 label "day". A date without a year (`8月6日`, "im November") has
  year 0000, so `8月6日` is 806..806 with label "day"; `describe` prints it as `--08-06`.
- Vague quantities are approximate ranges: `十幾` 11-19, "hundreds" 100-999, "millions"
  10^6..10^9-1, "dozens" 20-99.
- Relative dates ("last year", "im November letzten Jahres", `去年`) carry a `relative` key
  ("last_year", "end_of_last_year", ...). `extract_values(..., reference=publication_date)`
  resolves them to real dates; without it a month or part of the year keeps year 0000 (like
  "im November") and a bare year has `low=high=None`. "until the end of the year" (`直到年底`,
  "bis Ende des Jahres") is a duration of unit "until" whose `low == high` is the end date
  (YYYYMMDD) when resolved, None otherwise; it is incomparable with lengths like "3 months".
- `pick_answer` chooses, among several values of a kind, the one nearest the question's words.
- Titles carry an English key in `label` ("vp research", "co-founder") so they compare across
  languages; `low` and `high` are None.

Chinese numerals are read with cn2an; everything else is small regular expressions.
"""

from __future__ import annotations

import calendar
import enum
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an


class ValueKind(enum.StrEnum):
    money = "money"  # unit: ISO currency code
    percent = "percent"  # unit: "%" (or "pp" for percentage points)
    date = "date"  # unit: "date"; low/high: Decimal(YYYYMMDD)
    count = "count"  # type: ignore[assignment]  # hides str.count (not used on kinds); unit: ""
    duration = "duration"  # unit: year, month, week, day, hour, minute; "until": an end date
    title = "title"  # type: ignore[assignment]  # hides str.title; label: normalised English key


@dataclass(frozen=True, slots=True)
class Value:
    kind: ValueKind
    low: Decimal | None  # the lower bound (== high when exact); None: open below
    high: Decimal | None  # None: open above
    unit: str
    text: str  # the matched text as it stands in the input
    start: int  # str offsets of the match in the input
    end: int
    approximate: bool = False
    label: str = ""  # titles: English key; dates: precision ("year", "month", "day")
    # Relative to the source's publication date ("last_year", "end_of_year"); "" when absolute.
    relative: str = ""


class Relation(enum.StrEnum):
    same = "same"
    compatible = "compatible"
    precision = "precision"
    different = "different"
    incomparable = "incomparable"


# --- Shared pieces ----------------------------------------------------------------------------

_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
_NO_LETTER_BEFORE = f"(?<![{_LETTER}])"
_NO_LETTER_AFTER = f"(?![{_LETTER}])"
_CJK_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_LANGUAGES = {"de", "en", "pt", "zh"}


def _language(language: str | None) -> str | None:
    if not isinstance(language, str):
        return None
    code = language.replace("_", "-").split("-")[0].lower()
    return code if code in _LANGUAGES else None


def _plain(number: Decimal) -> Decimal:
    """`number` without exponent notation: Decimal("1.6E+9") becomes Decimal("1600000000")."""
    if number == number.to_integral_value():
        return Decimal(int(number))  # exact at any size, unlike quantize()
    return number.normalize()


def _scaled(number: Decimal | None, exponent: int) -> Decimal | None:
    return None if number is None else _plain(number.scaleb(exponent))


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first so a prefix never wins over its word."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(slots=True)
class _Candidate:
    value: Value
    priority: int = 0  # lower wins between two candidates of one length


class _Scan:
    """The input and what every finder needs to know about it."""

    def __init__(self, text: str, language: str | None, reference: date | None = None) -> None:
        self.text = text
        self.language = language
        self.reference = reference
        self.has_cjk = bool(_CJK_RE.search(text))
        self.candidates: list[_Candidate] = []

    def add(
        self,
        kind: ValueKind,
        start: int,
        end: int,
        low: Decimal | None,
        high: Decimal | None,
        unit: str,
        *,
        approximate: bool = False,
        label: str = "",
        priority: int = 0,
        relative: str = "",
    ) -> None:
        text = self.text[start:end]
        if not text.strip() or start < 0 or end > len(self.text):
            return
        value = Value(kind, low, high, unit, text, start, end, approximate, label, relative)
        self.candidates.append(_Candidate(value, priority))


# --- Numbers written with digits --------------------------------------------------------------

_NUMBER = (
    # `1 000 000` (a plain space only between groups of three), else `1.234,5`, `1,600`, `44`.
    r"[0-9]{1,3}(?: [0-9]{3})+(?![0-9]|[.,][0-9])|[0-9]+(?:[.,\u00a0\u202f'][0-9]+)*"
)
# Not inside a token: `ICML2023`, `GPT-4`, the `5` of `3.5`, the `30` of `10:30`.
_DIGITS_RE = re.compile(rf"(?<![A-Za-z0-9_])(?<![A-Za-z0-9][-.,/:])(?:{_NUMBER})")
_SECOND_NUMBER_RE = re.compile(_NUMBER)


def _decimal_comma(language: str | None) -> bool:
    return language in ("de", "pt")


def _parse_digits(raw: str, language: str | None) -> Decimal | None:
    """`1,6` (de) or `1.6` (en) as 1.6, `1.000.000` or `1,000,000` as 10^6; None if malformed."""
    separators = [(i, c) for i, c in enumerate(raw) if not c.isdigit()]
    decimal_at = -1
    if separators:
        last_at, last = separators[-1]
        kinds = {c for _, c in separators}
        tail = len(raw) - last_at - 1
        if len(kinds) > 1:
            # `1.234,5` or `1,234.5`: the last separator, if it occurs once, is the decimal one.
            if last not in ".," or sum(c == last for _, c in separators) != 1:
                return None
            decimal_at = last_at
        elif last in ".," and len(separators) == 1:
            if tail != 3 or raw[:last_at] == "0":
                decimal_at = last_at
            elif language is None:
                decimal_at = -1  # `1,600` and `1.600` both read as 1600 without a hint
            elif (last == ",") == _decimal_comma(language):
                decimal_at = last_at
        groups_end = decimal_at if decimal_at >= 0 else len(raw)
        group_marks = [i for i, _ in separators if i < groups_end]
        if group_marks:
            pieces = re.split(r"[^0-9]", raw[:groups_end])
            if len(pieces[0]) > 3 or any(len(p) != 3 for p in pieces[1:]):
                return None
    integer = re.sub(r"[^0-9]", "", raw[: decimal_at if decimal_at >= 0 else len(raw)])
    fraction = raw[decimal_at + 1 :] if decimal_at >= 0 else ""
    try:
        return Decimal(f"{integer}.{fraction}" if fraction else integer)
    except InvalidOperation:
        return None


# --- Scale words, currencies, percentages, time units, qualifiers ------------------------------

# Word -> (power of ten, language the word settles for the decimal separator).
_SCALES: dict[str, tuple[int, str | None]] = {
    "thousand": (3, "en"), "thousands": (3, "en"), "million": (6, "en"), "millions": (6, "en"), "billion": (9, "en"),
    "billions": (9, "en"), "trillion": (12, "en"), "trillions": (12, "en"), "bn": (9, "en"),
    "mn": (6, "en"), "tn": (12, "en"),
    "tausend": (3, "de"), "mio.": (6, "de"), "mio": (6, "de"), "millionen": (6, "de"),
    "mrd.": (9, "de"), "mrd": (9, "de"), "milliarde": (9, "de"), "milliarden": (9, "de"),
    "billionen": (12, "de"),
    "mil": (3, "pt"), "milhão": (6, "pt"), "milhao": (6, "pt"), "milhões": (6, "pt"),
    "milhoes": (6, "pt"), "bilhão": (9, "pt"), "bilhao": (9, "pt"), "bilhões": (9, "pt"),
    "bilhoes": (9, "pt"), "trilhão": (12, "pt"), "trilhões": (12, "pt"),
    "mil milhões": (9, "pt"), "mil milhoes": (9, "pt"),
}  # fmt: skip
_SCALE_RE = re.compile(
    rf"[ \u00a0]?(?P<word>(?i:{_alternation(_SCALES)})){_NO_LETTER_AFTER}"
    rf"|(?P<attached>[MBKk])(?![{_LETTER}0-9])"
)
_ZH_DIGIT_VALUES = {"十": 1, "百": 2, "千": 3, "萬": 4, "万": 4, "億": 8, "亿": 8}
_ZH_SCALE_RE = re.compile("[十百千]?[萬万億亿]{1,2}|[百千](?![分])")

_CURRENCIES: dict[str, str] = {
    "US-Dollar": "USD", "US-Dollars": "USD", "US dollars": "USD", "US dollar": "USD",
    "U.S. dollars": "USD", "Dollar": "USD", "Dollars": "USD", "dollar": "USD",
    "dollars": "USD", "USD": "USD", "$": "USD", "US$": "USD", "dólares": "USD", "dólar": "USD",
    "dolares": "USD", "dólares americanos": "USD", "美元": "USD", "美金": "USD",
    "Euro": "EUR", "Euros": "EUR", "euro": "EUR", "euros": "EUR", "EUR": "EUR", "€": "EUR",
    "歐元": "EUR", "欧元": "EUR",
    "GBP": "GBP", "£": "GBP", "Pfund Sterling": "GBP", "pounds sterling": "GBP",
    "英鎊": "GBP", "英镑": "GBP",
    "人民幣": "CNY", "人民币": "CNY", "RMB": "CNY", "CNY": "CNY", "元": "CNY",
    "港元": "HKD", "港幣": "HKD", "港币": "HKD", "HKD": "HKD",
    "日元": "JPY", "日圓": "JPY", "JPY": "JPY", "yen": "JPY", "Yen": "JPY",
    "reais": "BRL", "BRL": "BRL", "CHF": "CHF", "Franken": "CHF",
}  # fmt: skip
_CURRENCY_SUFFIX_RE = re.compile(
    rf"(?:[ \u00a0]+(?:de|of)[ \u00a0]+|[ \u00a0]?)(?P<cur>{_alternation(_CURRENCIES)})"
    rf"{_NO_LETTER_AFTER}"
)
_CURRENCY_PREFIXES = {
    "US$": "USD", "US-$": "USD", "$": "USD", "R$": "BRL", "HK$": "HKD", "€": "EUR", "£": "GBP",
    "¥": "JPY", "￥": "CNY", "USD": "USD", "EUR": "EUR", "GBP": "GBP", "CNY": "CNY",
    "RMB": "CNY", "BRL": "BRL", "HKD": "HKD", "JPY": "JPY", "CHF": "CHF",
}  # fmt: skip
_CURRENCY_PREFIX_RE = re.compile(
    rf"(?:(?<![{_LETTER}$])(?P<cur>{_alternation(_CURRENCY_PREFIXES)}))[ \u00a0]?\Z"
)

_PERCENT_RE = re.compile(
    r"(?P<pp>[ \u00a0]?(?:(?i:percentage points?|pontos? percentuais)|Prozentpunkte?n?)"
    r"|個百分點|个百分点|百分點|百分点)"
    r"|[ \u00a0]?(?:%|％|(?i:prozent|percent|per cent|pct\.|por cento)"
    rf"{_NO_LETTER_AFTER})"
)

_TIME_UNITS: dict[str, str] = {
    "year": "year", "years": "year", "yr": "year", "yrs": "year", "month": "month",
    "months": "month", "week": "week", "weeks": "week", "day": "day", "days": "day",
    "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "minute": "minute",
    "minutes": "minute", "min": "minute", "mins": "minute",
    "jahr": "year", "jahre": "year", "jahren": "year", "jahres": "year", "monat": "month",
    "monate": "month", "monaten": "month", "woche": "week", "wochen": "week", "tag": "day",
    "tage": "day", "tagen": "day", "stunde": "hour", "stunden": "hour", "minuten": "minute",
    "ano": "year", "anos": "year", "mês": "month", "mes": "month", "meses": "month",
    "semana": "week", "semanas": "week", "dia": "day", "dias": "day", "hora": "hour",
    "horas": "hour", "minuto": "minute", "minutos": "minute",
}  # fmt: skip
_ZH_TIME_UNITS = {
    "年": "year", "個月": "month", "个月": "month", "週": "week", "周": "week", "星期": "week",
    "個星期": "week", "个星期": "week", "天": "day", "小時": "hour", "小时": "hour",
    "個小時": "hour", "个小时": "hour", "分鐘": "minute", "分钟": "minute",
}  # fmt: skip
_TIME_UNIT_RE = re.compile(
    rf"(?:[ \u00a0]|-(?=[a-z]))(?P<unit>(?i:{_alternation(_TIME_UNITS)})){_NO_LETTER_AFTER}"
    # A Chinese 年 after a number is a duration unless a date goes on (月), or it is 年代, ...
    rf"|(?P<zh>年(?![月代級级度底初末中])|{_alternation(set(_ZH_TIME_UNITS) - {'年'})})"
)
_ZH_CLASSIFIER_RE = re.compile(
    "(?:[個个](?![月小星鐘钟]))?[名位人條条家項项篇款次場场件台輛辆座所支隻只張张]"
    "|[個个](?![月小星鐘钟])"
)

# Qualifiers before a number: how they change it.
_QUALIFIERS: dict[str, str] = {
    **dict.fromkeys(
        ["about", "around", "approximately", "approx.", "roughly", "nearly", "almost", "some",
         "circa", "ca.", "close to", "an estimated", "as many as", "fast", "etwa", "ungefähr",
         "rund", "zirka", "knapp", "nahezu", "beinahe", "annähernd", "schätzungsweise", "gut",
         "cerca de", "aproximadamente", "quase", "por volta de", "perto de"],
        "approx"),
    **dict.fromkeys(
        ["over", "more than", "above", "upwards of", "in excess of", "north of", "über",
         "mehr als", "mais de", "mais do que", "acima de", "superior a"],
        "over"),
    # "no more than" must not read as "more than": the longer phrase wins in the alternation.
    **dict.fromkeys(["at least", "no fewer than", "no less than", "not less than", "mindestens",
                     "wenigstens", "nicht weniger als", "pelo menos", "no mínimo",
                     "não menos de"],
                    "at least"),
    **dict.fromkeys(
        ["under", "less than", "fewer than", "below", "weniger als", "unter", "menos de",
         "menos do que", "abaixo de"],
        "under"),
    **dict.fromkeys(["at most", "up to", "no more than", "not more than", "bis zu",
                     "höchstens", "maximal", "nicht mehr als", "até", "no máximo",
                     "não mais de", "não mais que"], "at most"),
}  # fmt: skip
_ZH_QUALIFIERS = {
    "約": "approx", "约": "approx", "大約": "approx", "大约": "approx", "將近": "approx",
    "将近": "approx", "接近": "approx", "近": "approx", "超過": "over", "超过": "over",
    "逾": "over", "多於": "over", "多于": "over", "至少": "at least", "不少於": "at least",
    "不少于": "at least", "不低於": "at least", "不低于": "at least", "不到": "under",
    "不足": "under", "少於": "under", "少于": "under", "未滿": "under", "未满": "under",
    "最多": "at most", "不超過": "at most", "不超过": "at most", "多達": "approx",
    "多达": "approx", "~": "approx", "≈": "approx", "～": "approx",
}  # fmt: skip
_QUALIFIER_RE = re.compile(
    rf"(?:{_NO_LETTER_BEFORE}(?P<q>(?i:{_alternation(_QUALIFIERS)}))[ \u00a0]+"
    rf"|(?<!最)(?P<zq>{_alternation(_ZH_QUALIFIERS)})[ \u00a0]?)\Z"
)
_SUFFIX_QUALIFIER_RE = re.compile(
    r"(?P<zh>左右|上下|以上|之多|以下|以內|以内)|\+(?![0-9])|[ \u00a0](?i:or more|oder mehr|ou mais)\b"
)
_SUFFIX_MODES = {"左右": "approx", "上下": "approx", "以上": "over", "之多": "over",
                 "以下": "at most", "以內": "at most", "以内": "at most"}  # fmt: skip

# --- Numbers written as words -----------------------------------------------------------------

_EN_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a": 1, "an": 1, "hundred": 100,
}  # fmt: skip
_DE_WORDS = {
    "ein": 1, "eins": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "zwei": 2, "zwo": 2,
    "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15,
    "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20,
    "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
    "siebzig": 70, "achtzig": 80, "neunzig": 90,
}  # fmt: skip
_PT_WORDS = {
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "tres": 3, "quatro": 4, "cinco": 5,
    "seis": 6, "sete": 7, "oito": 8, "nove": 9, "dez": 10, "onze": 11, "doze": 12,
    "treze": 13, "catorze": 14, "quatorze": 14, "quinze": 15, "dezesseis": 16,
    "dezasseis": 16, "dezessete": 17, "dezassete": 17, "dezoito": 18, "dezenove": 19,
    "dezanove": 19, "vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50,
    "sessenta": 60, "setenta": 70, "oitenta": 80, "noventa": 90, "cem": 100,
    "cento": 100, "duzentos": 200, "duzentas": 200, "trezentos": 300, "trezentas": 300,
    "quatrocentos": 400, "quatrocentas": 400, "quinhentos": 500, "quinhentas": 500,
    "seiscentos": 600, "seiscentas": 600, "setecentos": 700, "setecentas": 700,
    "oitocentos": 800, "oitocentas": 800, "novecentos": 900, "novecentas": 900, "mil": 1000,
}  # fmt: skip
_ONE_WORDS = {"a", "an", "one", "ein", "eins", "eine", "einen", "einem", "einer", "um", "uma"}
_EN_U9 = "one|two|three|four|five|six|seven|eight|nine"
_EN_BELOW_100 = (
    f"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:{_EN_U9}))?"
    f"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|{_EN_U9}"
)
_DE_U9 = "ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun"
_DE_BELOW_100 = (
    f"(?:(?:{_DE_U9})und)?(?:zwanzig|dreißig|dreissig|vierzig|fünfzig|sechzig|siebzig|achtzig"
    "|neunzig)|zehn|elf|zwölf|dreizehn|vierzehn|fünfzehn|sechzehn|siebzehn|achtzehn|neunzehn"
    "|eins|zwei|zwo|drei|vier|fünf|sechs|sieben|acht|neun"
)
_DE_BELOW_1000 = f"(?:(?:{_DE_U9})?hundert(?:und)?(?:{_DE_BELOW_100})?|{_DE_BELOW_100})"
_PT_BELOW_100 = (
    "(?:vinte|trinta|quarenta|cinquenta|sessenta|setenta|oitenta|noventa)"
    "(?: e (?:um|uma|dois|duas|três|tres|quatro|cinco|seis|sete|oito|nove))?"
    f"|{_alternation(k for k in _PT_WORDS if _PT_WORDS[k] < 20)}"
)
# `cento` only starts a compound (`cento e vinte`); alone it is the `cento` of `por cento`.
_PT_HUNDREDS = _alternation(k for k in _PT_WORDS if 100 < _PT_WORDS[k] < 1000)
_PT_BELOW_1000 = (
    f"(?:{_PT_HUNDREDS})(?: e (?:{_PT_BELOW_100}))?|cento e (?:{_PT_BELOW_100})|cem|{_PT_BELOW_100}"
)
_WORD_NUMBER_RES = {
    "en": re.compile(
        rf"{_NO_LETTER_BEFORE}(?i:(?:(?:{_EN_U9}|a) hundred(?: (?:and )?(?:{_EN_BELOW_100}))?)"
        rf"|{_EN_BELOW_100}|an?){_NO_LETTER_AFTER}"
    ),
    # The lookaheads on the first letter only make the scan fast.
    "de": re.compile(
        rf"{_NO_LETTER_BEFORE}(?=(?i:[adefhnstvz]))(?i:(?:{_DE_BELOW_1000}|ein)?tausend(?:und)?(?:{_DE_BELOW_1000})?"
        rf"|{_DE_BELOW_1000}|ein(?:e[mnr]?)?){_NO_LETTER_AFTER}"
    ),
    "pt": re.compile(
        rf"{_NO_LETTER_BEFORE}(?=(?i:[cdmnoqstuv]))(?i:(?:(?:{_PT_BELOW_1000}) )?mil"
        rf"(?: e (?:{_PT_BELOW_1000})| (?:{_PT_HUNDREDS})(?: e (?:{_PT_BELOW_100}))?)?"
        rf"|{_PT_BELOW_1000}){_NO_LETTER_AFTER}"
    ),
}
# Capitalised, these German words are nouns (die Acht, der Elf), not numbers.
_NOT_NUMBERS = {"Acht", "Elf"}


def _word_value(word: str, language: str) -> int | None:
    w = word.lower()
    if language == "en":
        total = 0
        for part in re.split(r"[- ]+", w):
            if part == "and":
                continue
            if part == "hundred":
                total = (total or 1) * 100
            elif part in _EN_WORDS:
                total += _EN_WORDS[part]
            else:
                return None
        return total
    if language == "de":
        if w in _DE_WORDS:
            return _DE_WORDS[w]
        if "tausend" in w:
            head, _, rest = w.partition("tausend")
            thousands = _word_value(head, "de") if head else 1
            rest = rest.removeprefix("und")
            tail = _word_value(rest, "de") if rest else 0
            return None if not thousands or tail is None else thousands * 1000 + tail
        if "hundert" in w:
            head, _, rest = w.partition("hundert")
            rest = rest.removeprefix("und")
            hundreds = _DE_WORDS.get(head, 0 if head else 1)
            tail = _word_value(rest, "de") if rest else 0
            return None if not hundreds or tail is None else hundreds * 100 + tail
        if "und" in w:
            unit, _, tens = w.partition("und")
            if unit in _DE_WORDS and tens in _DE_WORDS:
                return _DE_WORDS[unit] + _DE_WORDS[tens]
        return None
    return _pt_word_value(w)


def _pt_word_value(words: str) -> int | None:
    """`dois mil e quinhentos` 2500: `mil` multiplies what came before it, the rest adds up."""
    total = pending = 0
    for part in words.split():
        if part == "e":
            continue
        if part not in _PT_WORDS:
            return None
        if part == "mil":
            total, pending = total + (pending or 1) * 1000, 0
        else:
            pending += _PT_WORDS[part]
    return total + pending


# Vague quantities: word -> (low, high); all approximate.
_VAGUE_WORDS: dict[str, tuple[int, int]] = {
    "hundreds": (100, 999), "thousands": (1000, 9999), "millions": (10**6, 10**9 - 1),
    "billions": (10**9, 10**12 - 1), "dozens": (20, 99), "a dozen": (12, 12),
    "hunderte": (100, 999), "tausende": (1000, 9999), "zehntausende": (10**4, 10**5 - 1),
    "hunderttausende": (10**5, 10**6 - 1), "millionen": (10**6, 10**9 - 1),
    "milliarden": (10**9, 10**12 - 1), "dutzende": (20, 99), "ein dutzend": (12, 12),
    "centenas": (100, 999), "milhares": (1000, 9999), "dezenas": (10, 99),
    "milhões": (10**6, 10**9 - 1), "bilhões": (10**9, 10**12 - 1), "uma dúzia": (12, 12),
    "dúzias": (20, 99),
}  # fmt: skip
_VAGUE_RE = re.compile(
    rf"{_NO_LETTER_BEFORE}(?P<w>(?i:{_alternation(_VAGUE_WORDS)})|(?i:tens)(?= of ))"
    rf"{_NO_LETTER_AFTER}"
)
_CONNECTOR_RE = re.compile(r"[ \u00a0]+(?:of|von|de)(?=[ \u00a0])")
_RANGE_RE = re.compile(r"[ \u00a0]?(?:[-–—~〜]|(?:bis|to|a|até)(?= )|到|至)[ \u00a0]?")
_GROUP_RE = re.compile(
    r"(?<![A-Za-zÄÖÜäöüß])(?P<n>Zweier|Dreier|Vierer|Fünfer|Sechser|Zehner)"
    r"(?:team|gruppe|runde|bande)(?![a-zäöüß])"
)
_GROUP_SIZES = {"Zweier": 2, "Dreier": 3, "Vierer": 4, "Fünfer": 5, "Sechser": 6, "Zehner": 10}

# --- Chinese numerals -------------------------------------------------------------------------

_ZH_NUMERAL = "〇零一二兩两三四五六七八九十百千萬万億亿壹貳贰參叁肆伍陸陆柒捌玖拾佰仟"
_ZH_NUMBER_RE = re.compile(
    # 十幾 (11-19) and 二十幾; 幾十, 數百 (tens, hundreds); 上百 (a hundred or more);
    # 二十多, 100多 (21-29, 101-199); then plain numerals, then the scale after any of them.
    rf"(?P<teens>[{_ZH_NUMERAL}]*十)[幾几]"
    r"|(?P<some>[幾几數数])(?P<unit>[十百千萬万])"
    r"|上(?P<upper>[百千萬万億亿])"
    rf"|(?P<more>[{_ZH_NUMERAL}]+)[多餘余](?=[十百千萬万億亿]|[^\s{_ZH_NUMERAL}])"
    rf"|(?P<plain>[{_ZH_NUMERAL}]+(?:[點点][〇零一二三四五六七八九]+)?)"
)
_ZH_ONE_OK_BEFORE = re.compile("[名位人]")  # 一名, 一位: a count of one; 一個, 一家: "a"


def _zh_number(numeral: str) -> Decimal | None:
    if numeral[:1] and numeral[0] in "十百千拾佰仟萬万億亿":
        numeral = "一" + numeral  # cn2an reads 一千萬, not 千萬
    try:
        result = cn2an.cn2an(numeral, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    try:
        return _plain(Decimal(str(result)))
    except InvalidOperation:
        return None


def _trailing_zero_power(number: Decimal) -> int:
    """10^k is the largest power of ten dividing `number` (0 for 0 or fractions)."""
    if not number.is_finite() or number == 0 or number != number.to_integral_value():
        return 0
    exponent = number.normalize().as_tuple().exponent  # 44000000 -> 4.4E+7 -> 6
    return exponent if isinstance(exponent, int) and exponent > 0 else 0


# --- Quantities: a number, its scale and unit ---------------------------------------------------


def _find_quantities(scan: _Scan) -> None:
    text = scan.text
    for m in _DIGITS_RE.finditer(text):
        _quantity(scan, m.start(), m.end(), raw=m.group())
    if scan.has_cjk:
        for m in _ZH_NUMBER_RE.finditer(text):
            _zh_quantity(scan, m)
    languages = [scan.language] if scan.language in _WORD_NUMBER_RES else _WORD_NUMBER_RES
    for language in languages:
        for m in _WORD_NUMBER_RES[language].finditer(text):
            word = m.group()
            if word in _NOT_NUMBERS:
                continue
            number = _word_value(word, language)
            if number is not None:
                one = word.lower() in _ONE_WORDS
                _quantity(
                    scan, m.start(), m.end(), value=Decimal(number), one=one, word_language=language
                )
    for m in _VAGUE_RE.finditer(text):
        low, high = _VAGUE_WORDS.get(m.group("w").lower(), (10, 99))
        _quantity(scan, m.start(), m.end(), value=Decimal(low), high=Decimal(high), vague=True)
    for m in _GROUP_RE.finditer(text):
        size = Decimal(_GROUP_SIZES[m.group("n")])
        scan.add(ValueKind.count, m.start(), m.end(), size, size, "")


def _quantity(
    scan: _Scan,
    start: int,
    end: int,
    *,
    raw: str = "",
    value: Decimal | None = None,
    high: Decimal | None = None,
    one: bool = False,
    vague: bool = False,
    word_language: str | None = None,
) -> None:
    """Read what follows and precedes a number at `start:end` and add the value it makes."""
    text = scan.text
    pos = end
    # A range with a second number: `10-20 %`, `$10–20 million`, `2015 bis 2017`.
    raw_high = ""
    if raw:
        m = _RANGE_RE.match(text, pos)
        if m:
            second = _SECOND_NUMBER_RE.match(text, m.end())
            if second:
                raw_high, pos = second.group(), second.end()
    # Chinese approximate `100多`, `20餘`: 101-199, 21-29.
    more = False
    if raw and pos < len(text) and text[pos] in "多餘余" and not raw_high:
        more, pos = True, pos + 1
    # Scale: `44 Millionen`, `$1.2B`, `180億`.
    exponent, hint = 0, word_language
    m = _SCALE_RE.match(text, pos)
    if vague and not m:
        # "hundreds of millions", "Hunderte von Millionen"
        connector = _CONNECTOR_RE.match(text, pos)
        m = _SCALE_RE.match(text, connector.end()) if connector else None
    if m and m.group("word"):
        word = m.group("word").lower()
        if not (word == "mil" and scan.language == "en"):
            exponent, hint = _SCALES[word]
            if word == "billion" and m.group("word") == "Billion" and scan.language == "de":
                exponent = 12
            pos = m.end()
    elif m and m.group("attached") and raw and not raw_high:
        exponent = {"M": 6, "B": 9, "K": 3, "k": 3}[m.group("attached")]
        pos = m.end()
    if not exponent:
        zm = _ZH_SCALE_RE.match(text, pos)
        if zm and raw:
            exponent = sum(_ZH_DIGIT_VALUES[c] for c in zm.group())
            pos = zm.end()
    language = scan.language or hint
    if raw:
        value = _parse_digits(raw, language)
        if raw_high:
            high = _parse_digits(raw_high, language)
            if high is None or value is None or high < value:
                return
        else:
            high = value
    if value is None:
        return
    if more:
        step = Decimal(10) ** max(_trailing_zero_power(value), 1)
        value, high = value + 1, value + step - 1
        vague = True
    high = value if high is None else high
    low, high = _scaled(value, exponent), _vague_top(value, high, exponent, vague)

    # What it counts.
    kind, unit, label = ValueKind.count, "", ""
    cur = _CURRENCY_SUFFIX_RE.match(text, pos)
    if cur and (cur.group("cur") not in ("元",) or scan.has_cjk):
        kind, unit, pos = ValueKind.money, _CURRENCIES[cur.group("cur")], cur.end()
    elif (pm := _PERCENT_RE.match(text, pos)) and not exponent:
        kind, unit, pos = ValueKind.percent, "pp" if pm.group("pp") else "%", pm.end()
    elif (tm := _TIME_UNIT_RE.match(text, pos)) and not exponent:
        unit_word = tm.group("unit") or tm.group("zh")
        unit = _TIME_UNITS.get(unit_word.lower()) or _ZH_TIME_UNITS[unit_word]
        if unit_word == "年" and raw and _is_year(raw):
            return  # 2015年 is a date: _find_dates reads it
        kind, pos = ValueKind.duration, tm.end()
    elif (cm := _ZH_CLASSIFIER_RE.match(text, pos)) and scan.has_cjk:
        pos = cm.end()
    elif one:
        return  # "a", "ein", "um": only with a unit or a scale
    elif exponent and pos > end:
        pass  # `18 Milliarden`, `44M`: a count of that size
    elif vague:
        pass
    elif raw and _is_year(raw) and (not raw_high or _is_year(raw_high)):
        kind = ValueKind.date
    elif raw and len(raw) > 1 and raw[0] == "0" and raw[1].isdigit():
        return  # `007`, `000`: a code, not a count
    elif raw and not _bare_count_ok(scan, start, pos) or more:
        return
    if one and kind is ValueKind.count and not exponent:
        return

    # Prefixes: currency symbol, 百分之, qualifiers.
    begin = start
    before = text[max(0, begin - 8) : begin]
    pm = _CURRENCY_PREFIX_RE.search(before)
    if pm and kind in (ValueKind.count, ValueKind.date):
        symbol = pm.group("cur")
        unit = _CURRENCY_PREFIXES[symbol]
        if symbol == "¥" and scan.has_cjk:
            unit = "CNY"
        kind, begin = ValueKind.money, begin - (len(before) - pm.start())
        if raw and not exponent and _is_year(raw):
            low = high = _parse_digits(raw, language)
    if kind is ValueKind.date:
        year = int(raw)
        low, high, label = Decimal(year * 10000 + 101), Decimal(year * 10000 + 1231), "year"
        unit = "date"
        if raw_high:
            high = Decimal(int(raw_high) * 10000 + 1231)
    mode = ""
    qm = _QUALIFIER_RE.search(text, max(0, begin - 30), begin)
    if qm:
        q = qm.group("q")
        mode = _QUALIFIERS[q.lower()] if q else _ZH_QUALIFIERS[qm.group("zq")]
        if kind is ValueKind.date and mode != "approx":
            # "über 2000 Mitarbeiter": with a bound, a year-like number is a count.
            kind, unit, label = ValueKind.count, "", ""
            low, high = Decimal(int(raw)), _parse_digits(raw_high, language) if raw_high else None
            high = high if high is not None else low
        begin = qm.start()
    sm = _SUFFIX_QUALIFIER_RE.match(text, pos)
    if sm and not mode:
        mode = _SUFFIX_MODES.get(sm.group("zh") or "", "over")
        pos = sm.end()
    low, high, approximate = _bounded(mode, low, high, vague)
    if kind is ValueKind.date and approximate:
        label = "year"
    scan.add(
        kind,
        begin,
        pos,
        low,
        high,
        unit,
        approximate=approximate,
        label=label,
        priority=1 if kind is ValueKind.count else 0,
    )


def _bounded(
    mode: str, low: Decimal | None, high: Decimal | None, approximate: bool
) -> tuple[Decimal | None, Decimal | None, bool]:
    """Apply a qualifier: "about" marks it approximate, "over" opens the top, "under" the bottom."""
    if mode == "approx":
        return low, high, True
    if mode in ("over", "at least"):
        return low, None, approximate or mode == "over"
    if mode in ("under", "at most"):
        return None, high, approximate or mode == "under"
    return low, high, approximate


def _vague_top(
    low: Decimal | None, high: Decimal | None, exponent: int, vague: bool
) -> Decimal | None:
    """The top of a scaled range: "tens of thousands" ends at 99,999, not 99,000."""
    if high is None or not vague or not exponent or high == low:
        return _scaled(high, exponent)
    return _plain((high + 1).scaleb(exponent) - 1)


def _is_year(raw: str) -> bool:
    return raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100


_CAPITALISED_BEFORE_RE = re.compile(rf"(?P<w>[{_LETTER}][{_LETTER}.]*)[ \u00a0]\Z")
_COUNT_WORDS_BEFORE = {w.split()[-1] for w in _QUALIFIERS} | {"insgesamt", "total", "bisher"}


def _bare_count_ok(scan: _Scan, start: int, end: int) -> bool:
    """Whether a number with no unit after it is a count, not part of a name, list or time."""
    text = scan.text
    after = text[end : end + 2]
    if after[:1] and (after[0].isalnum() or after[0] in "_@/" or _CJK_RE.match(after[0])):
        return False  # `4o`, `3D`, `10月` (dates read elsewhere), a number glued to Chinese
    if after[:1] == ":" and after[1:2].isdigit():
        return False  # 10:30
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip() and after[:1] in (".", ")"):
        return False  # `1. Vorgeschichte`: a list number
    if after[:1] == "." and re.match(r"\. ?[a-zäöü]", text[end : end + 3]):
        return False  # `am 3. des Monats`: an ordinal
    before = text[max(0, start - 40) : start]
    if before.endswith(("#", "Nr. ", "No. ", "第", "Nr.", "No.")):
        return False
    m = _CAPITALISED_BEFORE_RE.search(before)
    if m and m.group("w")[0].isupper() and m.group("w").lower() not in _COUNT_WORDS_BEFORE:
        # `Claude 3`, `Windows 11`: a name with a number, unless the word starts a sentence.
        before_word = before[: m.start()].rstrip()
        if before_word and before_word[-1] not in '.!?:;"„“”»«–—-•':
            return False
    return True


def _zh_quantity(scan: _Scan, m: re.Match[str]) -> None:
    text = scan.text
    start, pos = m.start(), m.end()
    preceding = text[start - 1 : start] if start else ""
    if m.group("plain") and start >= 3 and text.startswith("百分之", start - 3):
        number = _zh_number(m.group("plain"))
        if number is not None:
            scan.add(ValueKind.percent, start - 3, pos, number, number, "%")
        return
    if preceding in ("第", "每", "同", "唯", "初", "之", "周", "週"):
        return  # ordinals, 每一天, 同一天, 唯一, 之一
    low: Decimal | None
    high: Decimal | None
    if m.group("teens") is not None:
        base = _zh_number(m.group("teens"))
        if base is None:
            return
        low, high, approximate = base + 1, base + 9, True
    elif m.group("some"):
        magnitude = Decimal(10) ** _ZH_DIGIT_VALUES[m.group("unit")]
        low, high, approximate = magnitude, magnitude * 10 - 1, True
    elif m.group("upper"):
        low, high, approximate = Decimal(10) ** _ZH_DIGIT_VALUES[m.group("upper")], None, True
    elif m.group("more"):
        base = _zh_number(m.group("more"))
        if base is None:
            return
        step = Decimal(10) ** max(_trailing_zero_power(base), 1)
        low, high, approximate = base + 1, base + step - 1, True
    else:
        low = high = _zh_number(m.group("plain"))
        approximate = False
        if low is None:
            return
    zm = _ZH_SCALE_RE.match(text, pos)
    exponent = 0
    if zm and not m.group("plain"):
        exponent, pos = sum(_ZH_DIGIT_VALUES[c] for c in zm.group()), zm.end()
    low, high = _scaled(low, exponent), _vague_top(low, high, exponent, approximate)
    kind, unit = ValueKind.count, ""
    cur = _CURRENCY_SUFFIX_RE.match(text, pos)
    tm = _TIME_UNIT_RE.match(text, pos)
    cm = _ZH_CLASSIFIER_RE.match(text, pos)
    is_one = m.group("plain") in ("一", "壹")
    if cur:
        kind, unit, pos = ValueKind.money, _CURRENCIES[cur.group("cur")], cur.end()
    elif (pm := _PERCENT_RE.match(text, pos)) and pm.group() in ("%", "％"):
        kind, unit, pos = ValueKind.percent, "%", pm.end()
    elif tm and tm.group("zh"):
        kind, unit, pos = ValueKind.duration, _ZH_TIME_UNITS[tm.group("zh")], tm.end()
    elif cm and (not is_one or _ZH_ONE_OK_BEFORE.match(cm.group()[-1])):
        pos = cm.end()
    else:
        return
    begin = start
    mode = ""
    qm = _QUALIFIER_RE.search(text, max(0, begin - 4), begin)
    if qm and qm.group("zq"):
        mode, begin = _ZH_QUALIFIERS[qm.group("zq")], qm.start()
    sm = _SUFFIX_QUALIFIER_RE.match(text, pos)
    if sm and sm.group("zh") and not mode:
        mode, pos = _SUFFIX_MODES[sm.group("zh")], sm.end()
    low, high, approximate = _bounded(mode, low, high, approximate)
    scan.add(
        kind,
        begin,
        pos,
        low,
        high,
        unit,
        approximate=approximate,
        priority=1 if kind is ValueKind.count else 0,
    )


# --- Dates ------------------------------------------------------------------------------------

_MONTHS = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    "Januar": 1, "Jänner": 1, "Februar": 2, "März": 3, "Mai": 5, "Juni": 6, "Juli": 7,
    "Oktober": 10, "Dezember": 12,
    "janeiro": 1, "fevereiro": 2, "março": 3, "abril": 4, "maio": 5, "junho": 6,
    "julho": 7, "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
}  # fmt: skip
_MONTHS.update({k.capitalize(): v for k, v in list(_MONTHS.items()) if k.islower()})
_MONTH_ABBREVIATIONS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
    "Sept": 9, "Oct": 10, "Okt": 10, "Nov": 11, "Dec": 12, "Dez": 12,
}  # fmt: skip
_MONTH = rf"(?P<mon>{_alternation(_MONTHS)}){_NO_LETTER_AFTER}"
_MONTH_OR_ABBR = (
    rf"(?P<mon>{_alternation(_MONTHS)}|(?:{_alternation(_MONTH_ABBREVIATIONS)})\.?)"
    rf"{_NO_LETTER_AFTER}"
)
_YEAR = r"(?P<year>19[0-9]{2}|20[0-9]{2}|2100)(?![0-9])"
_DAY = r"(?P<day>3[01]|[12][0-9]|0?[1-9])"
_PARTS = {
    "early": "early", "beginning of": "early", "the beginning of": "early",
    "start of": "early", "the start of": "early", "anfang": "early", "beginn": "early",
    "início de": "early", "inicio de": "early", "começo de": "early",
    "mid": "mid", "the middle of": "mid", "middle of": "mid", "mitte": "mid",
    "meados de": "mid", "late": "late", "end of": "late", "the end of": "late",
    "ende": "late", "final de": "late", "fim de": "late", "fins de": "late",
    "no final de": "late", "em meados de": "mid",
    "初": "early", "上旬": "early", "中旬": "mid", "中": "mid", "底": "late", "末": "late",
    "下旬": "late",
}  # fmt: skip
_LATIN_PARTS = _alternation(p for p in _PARTS if not _CJK_RE.match(p))
_ZH_MONTH = "1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_ZH_DAY = "3[01]|[12][0-9]|0?[1-9]|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九]"
_ZH_YEAR = "19[0-9]{2}|20[0-9]{2}|[一二][〇零九][〇零一二三四五六七八九]{2}"
_ZH_DIGITS = dict(zip("〇零一二三四五六七八九", "00123456789", strict=True))

_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"(?<![0-9-]){_YEAR}-(?P<m>0[1-9]|1[0-2])-(?P<day>[0-3][0-9])(?![0-9])")),
    ("dmy", re.compile(rf"(?<![0-9.]){_DAY}\.(?P<m>1[0-2]|0?[1-9])\.{_YEAR}")),
    ("slash", re.compile(rf"(?<![0-9/])(?P<a>[0-3]?[0-9])/(?P<b>[0-3]?[0-9])/{_YEAR}")),
    ("d.month", re.compile(rf"(?<![0-9]){_DAY}\.[ \u00a0]?{_MONTH_OR_ABBR}(?:[ \u00a0]{_YEAR})?")),
    (
        "month d",
        re.compile(
            rf"{_NO_LETTER_BEFORE}{_MONTH_OR_ABBR}[ \u00a0]{_DAY}(?:st|nd|rd|th)?(?![0-9{_LETTER}])"
            rf"(?:,?[ \u00a0]{_YEAR})?"
        ),
    ),
    (
        "d month",
        re.compile(
            rf"(?<![0-9.]){_DAY}(?:st|nd|rd|th|º|°)?[ \u00a0](?:of |de )?{_MONTH_OR_ABBR}"
            rf"(?:,?[ \u00a0](?:de )?{_YEAR})?"
        ),
    ),
    ("month year", re.compile(rf"{_NO_LETTER_BEFORE}{_MONTH_OR_ABBR},?[ \u00a0](?:de )?{_YEAR}")),
    (
        "part",
        re.compile(
            rf"{_NO_LETTER_BEFORE}(?P<part>(?i:{_LATIN_PARTS}))(?:[ \u00a0]*-[ \u00a0]*|[ \u00a0]+)"
            rf"(?:{_MONTH}(?:,?[ \u00a0](?:de )?{_YEAR})?|(?P<year2>19[0-9]{{2}}|20[0-9]{{2}})(?![0-9]))"
        ),
    ),
    (
        # `May` and `August` are also a verb and a name: only after a preposition or article.
        "in month",
        re.compile(
            rf"{_NO_LETTER_BEFORE}(?i:in|im|seit|bis|ab|since|until|by|em|desde|of|during|während"
            r"|a|an|last|this|next|letzten|vergangenen|diesen|nächsten)"
            rf"[ \u00a0]+(?P<only>{_MONTH})(?![ \u00a0]*[0-9])"
        ),
    ),
    (
        "month",
        re.compile(
            rf"{_NO_LETTER_BEFORE}(?P<only>{_alternation(set(_MONTHS) - {'May', 'August'})})"
            rf"{_NO_LETTER_AFTER}(?![ \u00a0]*[0-9])"
        ),
    ),
    (
        "decade",
        re.compile(
            r"(?<![0-9])(?P<year>19[0-9]0|20[0-9]0)(?:s|'s|’s|er(?:[ \u00a0]Jahren?)?|年代)"
            rf"{_NO_LETTER_AFTER}"
        ),
    ),
    (
        "zh",
        re.compile(
            rf"(?<![0-9A-Za-z])(?:(?P<year>{_ZH_YEAR})年)?"
            r"(?(year)|(?<![〇零一二三四五六七八九十個个]))"
            rf"(?P<m>{_ZH_MONTH})月份?(?:(?P<day>{_ZH_DAY})[日號号])?"
            r"(?P<part>初(?!次)|上旬|中旬|下旬|底|末)?"
        ),
    ),
    (
        "zh year",
        re.compile(
            rf"(?<![0-9A-Za-z])(?P<year>{_ZH_YEAR})年"
            r"(?P<part>初(?!次)|底|末|中(?![國国文]))?(?![月代])"
        ),
    ),
]


def _small_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    number = _zh_number(text)
    return int(number) if number is not None else None


def _zh_year(text: str) -> int:
    return int(text) if text.isdigit() else int("".join(_ZH_DIGITS[c] for c in text))


def _find_dates(scan: _Scan) -> None:
    text = scan.text
    for name, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            written_year = groups.get("year") or groups.get("year2")
            year = _zh_year(written_year) if written_year else 0
            month = day = 0
            part = _PARTS.get((groups.get("part") or "").lower(), "")
            if name == "slash":
                a, b = int(groups["a"]), int(groups["b"])
                if scan.language in ("de", "pt") or a > 12:
                    day, month = a, b
                elif scan.language == "en" or b > 12:
                    month, day = a, b
                else:
                    continue  # 03/04/2024 without a language: ambiguous
            elif groups.get("m"):
                month = _small_number(groups["m"]) or 0
            elif groups.get("mon") or groups.get("only"):
                word = (groups.get("mon") or groups.get("only") or "").rstrip(".")
                month = _MONTHS.get(word) or _MONTH_ABBREVIATIONS.get(word, 0)
            if groups.get("day") and name != "zh year":
                day = _small_number(groups["day"]) or 0
            start, end = m.span("only") if groups.get("only") else m.span()
            if name == "decade":
                scan.add(
                    ValueKind.date,
                    start,
                    end,
                    Decimal(year * 10000 + 101),
                    Decimal((year + 9) * 10000 + 1231),
                    "date",
                    label="year",
                )
                continue
            bounds = _date_bounds(year, month, day, part)
            if bounds is None or (name in ("zh year", "zh") and not (year or month)):
                continue
            low, high, label = bounds
            scan.add(
                ValueKind.date, start, end, low, high, "date", approximate=bool(part), label=label
            )


def _date_bounds(year: int, month: int, day: int, part: str) -> tuple[Decimal, Decimal, str] | None:
    if not (year or month) or not 0 <= month <= 12:
        return None
    calendar_year = year or 2000  # a leap year, so 2月29日 without a year stays valid
    if day:
        if not month or day > calendar.monthrange(calendar_year, month)[1]:
            return None
        point = Decimal(year * 10000 + month * 100 + day)
        return point, point, "day"
    if month:
        last = calendar.monthrange(calendar_year, month)[1]
        first_day, last_day = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}.get(
            part, (1, last)
        )
        base = year * 10000 + month * 100
        return Decimal(base + first_day), Decimal(base + last_day), "month"
    first_month, last_month = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}.get(part, (1, 12))
    last = calendar.monthrange(calendar_year, last_month)[1]
    return (
        Decimal(year * 10000 + first_month * 100 + 1),
        Decimal(year * 10000 + last_month * 100 + last),
        "year",
    )


# --- Dates relative to the publication date ---------------------------------------------------

# Phrase -> years from the publication year. "the last year" is the past twelve months, not
# the calendar year before, so a preceding "the" is excluded in the pattern.
_RELATIVE_YEARS: dict[str, int] = {
    "last year": -1, "this year": 0, "next year": 1,
    "letztes Jahr": -1, "letzten Jahres": -1, "letzten Jahr": -1, "vergangenes Jahr": -1,
    "vergangenen Jahres": -1, "vergangenen Jahr": -1, "voriges Jahr": -1, "vorigen Jahres": -1,
    "vorigen Jahr": -1, "letztem Jahr": -1, "vergangenem Jahr": -1, "vorigem Jahr": -1,
    "Vorjahr": -1, "Vorjahres": -1, "dieses Jahr": 0, "dieses Jahres": 0, "diesen Jahres": 0,
    "diesem Jahr": 0, "nächstes Jahr": 1, "nächsten Jahres": 1, "nächsten Jahr": 1,
    "nächstem Jahr": 1, "kommendes Jahr": 1, "kommenden Jahres": 1, "kommenden Jahr": 1,
    "ano passado": -1, "do ano passado": -1, "este ano": 0, "neste ano": 0, "deste ano": 0,
    "próximo ano": 1, "do próximo ano": 1, "ano que vem": 1, "do ano que vem": 1,
}  # fmt: skip
# After a part word ("the end of", "Ende", "fim") the year itself means this year.
_THIS_YEAR_AFTER_PART = {"the year": 0, "des Jahres": 0, "do ano": 0}
_RELATIVE_PARTS = {
    "end of": "late", "the end of": "late", "beginning of": "early", "the beginning of": "early",
    "start of": "early", "the start of": "early", "middle of": "mid", "the middle of": "mid",
    "early": "early", "late": "late", "ende": "late", "anfang": "early", "beginn": "early",
    "mitte": "mid", "fim": "late", "final": "late", "início": "early", "inicio": "early",
    "começo": "early", "meados": "mid", "jahresende": "late", "jahresanfang": "early",
    "jahresbeginn": "early", "jahresmitte": "mid",
    "底": "late", "末": "late", "初": "early", "中": "mid",
}  # fmt: skip
_ZH_RELATIVE_YEARS = {"去年": -1, "今年": 0, "明年": 1}
_LOWER_RELATIVE_YEARS = {k.lower(): v for k, v in _RELATIVE_YEARS.items()}
_NO_YEAR_AFTER = r"(?![ \u00a0]*(?:de[ \u00a0]+)?(?:19|20)[0-9]{2})"
_REL = rf"(?i:{_alternation(_RELATIVE_YEARS)})"
_REL_AFTER_PART = rf"(?i:{_alternation({**_RELATIVE_YEARS, **_THIS_YEAR_AFTER_PART})})"
# 去年 is also the end of 失去 or 過去 before 年輕 ("young"): not a year there.
_ZH_REL = (
    "(?<![失過过回出進进上下離离死逝老拿如現现當当而古從从聰聪光文透證证說说表發发清分鮮鲜])"
    "(?:去年|今年|明年)(?![輕轻紀纪齡龄青少])"
)
_RELATIVE_PATTERNS: list[re.Pattern[str]] = [
    # "the end of last year", "Ende des Jahres", "fim do ano passado"; `Jahresende`
    re.compile(
        rf"{_NO_LETTER_BEFORE}(?P<part>(?i:(?:the )?(?:end|beginning|start|middle) of|early|late"
        r"|ende|anfang|beginn|mitte|(?:fim|final)(?= d)|início|inicio|começo|meados))[ \u00a0]+"
        rf"(?P<rel>{_REL_AFTER_PART}){_NO_LETTER_AFTER}{_NO_YEAR_AFTER}"
        rf"|{_NO_LETTER_BEFORE}(?P<part2>Jahres(?:ende|anfang|beginn|mitte)){_NO_LETTER_AFTER}"
    ),
    # "November last year", "im November letzten Jahres", "novembro do ano passado"
    re.compile(
        rf"{_NO_LETTER_BEFORE}{_MONTH}(?:[ \u00a0]+(?:of|de))?[ \u00a0]+(?P<rel>{_REL})"
        rf"{_NO_LETTER_AFTER}{_NO_YEAR_AFTER}"
    ),
    re.compile(rf"{_NO_LETTER_BEFORE}(?<!the )(?<!The )(?P<rel>{_REL}){_NO_LETTER_AFTER}"),
    # 去年11月, 今年五月份, 今年5月初
    re.compile(
        rf"(?P<rel>{_ZH_REL})(?P<m>{_ZH_MONTH})月份?(?:(?P<day>{_ZH_DAY})[日號号])?"
        r"(?P<part>初(?!次)|上旬|中旬|下旬|底|末)?"
    ),
    # 去年底, 今年年底, 明年初; 年底 alone is the end of this year
    re.compile(
        rf"(?P<rel>{_ZH_REL})(?:年(?=[底末初]))?(?P<part>底|末|初(?![次期步])|中(?![國国文心]))"
        r"|(?<![0-9〇零一二三四五六七八九十百千年月週周新])年(?P<part2>底|末|初(?![一二三四五六七八九十次]))"
    ),
    re.compile(rf"(?P<rel>{_ZH_REL})"),
]
# Before the end of a year, these make it the end of a span: "until the end of the year".
_UNTIL_RE = re.compile(
    rf"(?:{_NO_LETTER_BEFORE}(?i:until|till|through|by|bis(?: zum)?|até(?: (?:o|ao))?)[ \u00a0]+"
    r"|一直到|直到|直至|到|至)\Z"
)
_UNTIL_TAIL_RE = re.compile("為止|为止")
# Only after "until" or "by", and not as an adjective: "by year-end results" is no date.
_YEAR_END_RE = re.compile(r"(?i:(?:the )?year[- ]end)(?![a-z])(?![ \u00a0]+[a-z])")
_YEAR_KEYS = {-1: "last_year", 0: "this_year", 1: "next_year"}
_PART_KEYS = {"early": "start", "mid": "middle", "late": "end"}


def _relative_key(offset: int, part: str) -> str:
    """A stable name: "last_year", "end_of_year" (this year), "start_of_next_year"."""
    if not part:
        return _YEAR_KEYS[offset]
    return f"{_PART_KEYS[part]}_of_{'year' if offset == 0 else _YEAR_KEYS[offset]}"


def _key_offset(key: str) -> int:
    return -1 if key.endswith("last_year") else 1 if key.endswith("next_year") else 0


def _find_relative_dates(scan: _Scan) -> None:
    text = scan.text
    for pattern in _RELATIVE_PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            rel = groups.get("rel") or ""
            offset = _ZH_RELATIVE_YEARS.get(rel, _LOWER_RELATIVE_YEARS.get(rel.lower(), 0))
            part = _RELATIVE_PARTS.get((groups.get("part") or groups.get("part2") or "").lower())
            month = day = 0
            if groups.get("mon"):
                month = _MONTHS.get(groups["mon"], 0)
            elif groups.get("m"):
                month = _small_number(groups["m"]) or 0
            if groups.get("day"):
                day = _small_number(groups["day"]) or 0
            if groups.get("part") in ("上旬", "中旬", "下旬"):
                part = _PARTS[groups["part"]]
            _relative_date(scan, m.start(), m.end(), offset, month, day, part or "")
            if part == "late" and not month:
                _until(scan, m.start(), m.end(), offset)
    for m in _YEAR_END_RE.finditer(text):
        _until(scan, m.start(), m.end(), 0)


def _relative_date(
    scan: _Scan, start: int, end: int, offset: int, month: int, day: int, part: str
) -> None:
    """Add the date: resolved with the publication date, else with year 0000 (or no bounds)."""
    year = scan.reference.year + offset if scan.reference else 0
    bounds: tuple[Decimal | None, Decimal | None, str] | None
    if year or month:
        bounds = _date_bounds(year, month, day, part)
    elif part:
        # Only a part of an unknown year: the months of that part, in year 0000.
        first, last, label = _date_bounds(2000, 0, 0, part) or (Decimal(0), Decimal(0), "")
        bounds = first - 20000000, last - 20000000, label
    else:
        bounds = None, None, "year"  # "last year" unresolved: nothing to compare by
    if bounds is None:
        return
    low, high, label = bounds
    key = _relative_key(offset, "" if month else part)
    scan.add(
        ValueKind.date, start, end, low, high, "date",
        approximate=bool(part), label=label, relative=key,
    )  # fmt: skip


def _until(scan: _Scan, start: int, end: int, offset: int) -> None:
    """Add "until the end of the year" as a duration of unit "until" ending on 31 December."""
    um = _UNTIL_RE.search(scan.text, max(0, start - 12), start)
    if um is None:
        return
    tail = _UNTIL_TAIL_RE.match(scan.text, end)
    end = tail.end() if tail else end
    last_day = None
    if scan.reference:
        last_day = Decimal((scan.reference.year + offset) * 10000 + 1231)
    scan.add(
        ValueKind.duration, um.start(), end, last_day, last_day, "until",
        label="day" if last_day else "", relative=_relative_key(offset, "late"),
    )  # fmt: skip


# --- Job titles -------------------------------------------------------------------------------

_TOPICS = {
    "research": "research", "forschung": "research", "forschungs": "research",
    "pesquisa": "research", "investigação": "research", "研究": "research",
    "product": "product", "products": "product", "produkt": "product", "produkte": "product",
    "produto": "product", "produtos": "product", "產品": "product", "产品": "product",
    "engineering": "engineering", "technology": "engineering", "technik": "engineering",
    "technologie": "engineering", "engenharia": "engineering", "tecnologia": "engineering",
    "工程": "engineering", "技術": "engineering", "技术": "engineering",
    "safety": "safety", "sicherheit": "safety", "sicherheits": "safety",
    "segurança": "safety", "安全": "safety",
    "policy": "policy", "politik": "policy", "política": "policy", "políticas": "policy",
    "政策": "policy", "策略": "policy",  # the seed's 安全與策略 is "safety and policy"
    "operations": "operations", "betrieb": "operations", "betriebs": "operations",
    "operações": "operations", "運營": "operations", "运营": "operations",
    "alignment": "alignment", "ausrichtung": "alignment", "alinhamento": "alignment",
    "對齊": "alignment", "对齐": "alignment",
    "strategy": "strategy", "strategie": "strategy", "estratégia": "strategy",
    "戰略": "strategy", "战略": "strategy",
}  # fmt: skip
_TOPIC_ORDER = ["research", "product", "engineering", "alignment", "safety", "policy",
                "operations", "strategy"]  # fmt: skip
_T_EN = "(?i:research|products?|engineering|technology|safety|policy|operations|alignment|strategy)"
_T_DE = (
    "(?:Forschung|Sicherheit|Politik|Produkte?|Technik|Technologie|Betrieb|Ausrichtung|Strategie)"
)
_T_DE_PREFIX = "(?:Forschungs|Sicherheits|Produkt|Technik|Betriebs|Strategie)"
_T_PT = (
    "(?:pesquisa|investigação|segurança|políticas?|produtos?|engenharia|tecnologia|operações"
    "|alinhamento|estratégia)"
)
_T_ZH = "(?:研究|產品|产品|工程|技術|技术|安全|政策|策略|運營|运营|對齊|对齐|戰略|战略)"
_EN_OF = rf"(?:,? (?:of|for) (?:the |[A-Z][\w.-]*'s )?{_T_EN}(?: (?:and|&) {_T_EN})?)"
_DE_FOR = rf"(?:[ \u00a0]+(?:für|der|des)[ \u00a0]+{_T_DE}(?:[ \u00a0]+und[ \u00a0]+{_T_DE})?)"
_PT_OF = rf"(?:[ \u00a0]+(?:de|da|do|para)[ \u00a0]+{_T_PT}(?:[ \u00a0]+e[ \u00a0]+{_T_PT})?)"
_ZH_TOPICS = rf"{_T_ZH}(?:[與与和及&、]{_T_ZH})?(?:部門|部门|團隊|团队)?(?:高級|高级|資深|资深)?"
_DE_END = "(?:in|innen|en)?(?![a-zäöüß])"

# Language -> (pattern, role); a role naming topics ("vp") takes them from the matched text.
# English titles are looked for in every language: "Stripe CTO", "CEO奧特曼".
_TITLES: dict[str, list[tuple[str, str]]] = {
    "en": [
    (rf"(?:(?i:senior|executive) )?(?:[Vv]ice[- ][Pp]resident|VP|SVP|EVP)s?"
     rf"(?:{_EN_OF}|,? {_T_EN}(?: (?:and|&) {_T_EN})?)?", "vp"),
    (rf"{_T_EN} (?:VP|[Vv]ice[- ][Pp]resident)", "vp"),
    (rf"[Dd]eputy [Dd]irector{_EN_OF}?(?: department)?", "deputy director"),
    (rf"[Dd]irector{_EN_OF}", "director"),
    (rf"[Hh]ead{_EN_OF.replace('(?:of|for)', 'of')}(?: team)?|(?:[Ss]enior )?{_T_EN} head",
     "head"),
    (r"[Tt]ech(?:nical)? [Ll]ead", "technical lead"),
    (r"(?:[Ll]ead|[Cc]hief) [Ee]ngineers?", "lead engineer"),
    (r"[Cc]hief [Ss]cientists?", "chief scientist"),
    (r"[Rr]esearch [Ss]cientists?", "research scientist"),
    (r"AI [Ss]cientists?", "ai scientist"),
    (r"[Cc]o-?[Ff]ounders?", "co-founder"),
    (r"[Ff]ounder(?:s(?! Fund))?", "founder"),
    (r"CEOs?|[Cc]hief [Ee]xecutive(?: [Oo]fficer)?", "ceo"),
    (r"CTOs?|[Cc]hief [Tt]echnology [Oo]fficer", "cto"),
    (r"CFOs?|[Cc]hief [Ff]inancial [Oo]fficer", "cfo"),
    (r"COOs?|[Cc]hief [Oo]perating [Oo]fficer", "coo"),
    (r"[Pp]resident", "president"),
    (r"[Cc]hair(?:man|woman|person)|[Cc]hair of the [Bb]oard", "chair"),
    (r"[Bb]oard [Mm]embers?", "board member"),
    (r"[Ll]awyers?|[Aa]ttorneys?", "lawyer"),
    ],
    "de": [
    (rf"{_T_DE_PREFIX}-?[Vv]ize-?[Pp]räsident{_DE_END}", "vp"),
    (rf"Vize-?[Pp]räsident{_DE_END}{_DE_FOR}?", "vp"),
    (rf"{_T_DE_PREFIX}-?[Ll]eiter(?:in)?|Leiter(?:in)?{_DE_FOR}", "head"),
    (r"[Tt]echnische[rn]? Leiter(?:in)?", "technical lead"),
    (rf"[Ss]tellvertretende[rn]? (?:Direktor|Leiter)(?:in)?{_DE_FOR}?", "deputy director"),
    (rf"Chefwissenschaftler{_DE_END}", "chief scientist"),
    (rf"Forschungswissenschaftler{_DE_END}", "research scientist"),
    (rf"(?:KI|AI)-Wissenschaftler{_DE_END}", "ai scientist"),
    (rf"(?:Mitbegründer|Mitgründer|Co-Gründer){_DE_END}", "co-founder"),
    (rf"Gründer{_DE_END}", "founder"),
    (rf"Präsident{_DE_END}", "president"),
    (r"Vorstandsvorsitzende[rn]?|Vorstandschef(?:in)?", "ceo"),
    (rf"Technikchef{_DE_END}|Technologiechef{_DE_END}", "cto"),
    (rf"Geschäftsführer{_DE_END}", "managing director"),
    (r"Aufsichtsratsvorsitzende[rn]?|Aufsichtsratschef(?:in)?", "chair"),
    (r"Vorstandsmitglied(?:er|ern)?", "board member"),
    (rf"Chefingenieur{_DE_END}", "lead engineer"),
    (rf"Techniker{_DE_END}|Ingenieur(?:in|innen|e)?(?![a-zäöüß])", "engineer"),
    (r"(?:Rechts)?[Aa]nw(?:a|ä)lt(?:in|e)?(?![a-zäöüß])", "lawyer"),
    ],
    "pt": [
    (rf"(?i:vice-?[ ]?presidente)s?{_PT_OF}?", "vp"),
    (rf"(?i:diretor(?:a)? adjunt[oa]|vice-diretor(?:a)?){_PT_OF}?", "deputy director"),
    (rf"(?i:diretor(?:a)?){_PT_OF}", "director"),
    (rf"(?i:chefe){_PT_OF}", "head"),
    (r"(?i:presidente[- ]executiv[oa]|diretor(?:a)?[- ]executiv[oa])", "ceo"),
    (r"(?i:cientista[- ]chefe)", "chief scientist"),
    (r"(?i:cientista de pesquisa)", "research scientist"),
    (r"(?i:co-?fundador(?:a|es|as)?)", "co-founder"),
    (r"(?i:fundador(?:a|es|as)?)", "founder"),
    (r"(?i:presidente do conselho)", "chair"),
    (r"(?i:presidente)s?", "president"),
    (r"(?i:membro do conselho)", "board member"),
    (r"(?i:engenheir[oa][- ]chefe)", "lead engineer"),
    (r"(?i:advogad[oa]s?)", "lawyer"),
    ],
    "zh": [
    (rf"{_ZH_TOPICS}(?:副總裁|副总裁)", "vp"),
    (rf"{_ZH_TOPICS}(?:副總監|副总监)", "deputy director"),
    (rf"{_ZH_TOPICS}(?:總監|总监)", "director"),
    (rf"{_ZH_TOPICS}(?:主管|負責人|负责人)", "head"),
    (r"副總裁|副总裁", "vp"),
    (r"副總監|副总监", "deputy director"),
    (r"首席執行官|首席执行官|執行長|执行长|行政總裁|行政总裁", "ceo"),
    (r"首席技術官|首席技术官|技術長|技术长", "cto"),
    (r"總裁|总裁", "president"),
    (r"首席科學家|首席科学家", "chief scientist"),
    (r"研究科學家|研究科学家", "research scientist"),
    (r"首席工程師|首席工程师|總工程師|总工程师", "lead engineer"),
    (r"聯創|联创|聯合創始人|联合创始人|聯合創辦人|联合创办人|共同創辦人|共同创办人", "co-founder"),
    (r"創始人|创始人|創辦人|创办人", "founder"),
    (r"董事長|董事长", "chair"),
    (r"董事會成員|董事会成员", "board member"),
    (r"律師|律师", "lawyer"),
    ],
}  # fmt: skip
_TITLE_RES = [
    # Chinese titles sit between any characters: `OpenAI總裁Greg`.
    (
        re.compile(
            pattern if language == "zh" else f"{_NO_LETTER_BEFORE}(?:{pattern})(?![a-zà-ÿ])"
        ),
        role,
        language,
    )
    for language, table in _TITLES.items()
    for pattern, role in table
]
_TOPIC_RE = re.compile(rf"(?i:{_alternation(_TOPICS)})")
_TOPIC_ROLES = {"vp", "deputy director", "director", "head"}
_ROLE_PREFIX = {"vp": "vp", "deputy director": "deputy director of", "director": "director of",
                "head": "head of"}  # fmt: skip


def _find_titles(scan: _Scan) -> None:
    for pattern, role, language in _TITLE_RES:
        if scan.language and language not in (scan.language, "en"):
            continue
        for m in pattern.finditer(scan.text):
            label = role
            if role in _TOPIC_ROLES:
                found = {_TOPICS[t.group().lower()] for t in _TOPIC_RE.finditer(m.group())}
                # A head or director needs a field; a bare vice president is still one.
                if not found and role in ("director", "head"):
                    continue
                topics = [t for t in _TOPIC_ORDER if t in found]
                if topics:
                    label = f"{_ROLE_PREFIX[role]} {' and '.join(topics)}"
            scan.add(ValueKind.title, m.start(), m.end(), None, None, "", label=label)


# --- Ranges in words ---------------------------------------------------------------------------

# "between 2016 and 2020": the opener before the first value -> the words that may join it to
# the second. Digit ranges with a dash or "bis" are read with the number itself (_RANGE_RE).
_RANGE_OPENERS = {
    "between": {"and"}, "from": {"to", "through", "until"}, "zwischen": {"und"},
    "von": {"bis"}, "entre": {"e"}, "de": {"a", "até"}, "desde": {"até"},
}  # fmt: skip
_OPENER_RE = re.compile(
    rf"{_NO_LETTER_BEFORE}(?P<op>(?i:{_alternation(_RANGE_OPENERS)}))[ \u00a0]+\Z"
)
_JOINER_RE = re.compile(
    r"[ \u00a0]+(?P<word>(?i:and|to|through|until|und|bis|e|a|até))[ \u00a0]+"
    r"|[ \u00a0]?(?P<zh>至|到)[ \u00a0]?|[ \u00a0]?(?P<dash>[-–—~〜～])[ \u00a0]?"
)
_PRECISION = {"year": 3, "month": 2, "day": 1}


def _join_ranges(scan: _Scan, values: list[Value]) -> list[Value]:
    """Join "zwischen 20 und 30", "entre 2016 e 2020", `2016年至2020年` into one range each."""
    joined: list[Value] = []
    i = 0
    while i < len(values):
        a = values[i]
        b = values[i + 1] if i + 1 < len(values) else None
        both = _joined(scan, a, b) if b is not None else None
        if both is not None:
            joined.append(both)
            i += 2
        else:
            joined.append(a)
            i += 1
    return joined


def _joined(scan: _Scan, a: Value, b: Value) -> Value | None:
    text = scan.text
    joiner = _JOINER_RE.fullmatch(text, a.end, b.start)
    if joiner is None or a.relative or b.relative:
        return None
    start = a.start
    if joiner.group("word"):
        opener = _OPENER_RE.search(text, max(0, a.start - 12), a.start)
        if opener is None:
            return None
        if joiner.group("word").lower() not in _RANGE_OPENERS[opener.group("op").lower()]:
            return None
        start = opener.start()
    elif joiner.group("zh") and not scan.has_cjk:
        return None
    elif joiner.group("dash") and not (a.kind is b.kind is ValueKind.date):
        return None  # `3 - 5`-style digit ranges are already read; dashes join only dates here
    span = _range_bounds(scan, a, b)
    if span is None:
        return None
    kind, unit, low, high, label = span
    return Value(
        kind, low, high, unit, text[start : b.end], start, b.end,
        a.approximate or b.approximate, label,
    )  # fmt: skip


def _range_bounds(
    scan: _Scan, a: Value, b: Value
) -> tuple[ValueKind, str, Decimal, Decimal, str] | None:
    """The kind, unit and bounds of `a` to `b`, or None when they make no range."""
    low, high = a.low, b.high
    if low is None or high is None or a.high is None or b.low is None:
        return None  # "between over 20 and 30": an open bound makes no range
    if ValueKind.title in (a.kind, b.kind):
        return None
    kind, unit, label = b.kind, b.unit, b.label
    if a.kind is b.kind is ValueKind.date:
        if low < 10000 <= high:
            low += high // 10000 * 10000  # "zwischen März und Mai 2024": the year is said once
        if _PRECISION.get(a.label, 0) > _PRECISION.get(b.label, 0):
            label = a.label
    elif a.kind is ValueKind.count and not a.unit and b.kind is not ValueKind.date:
        # "between 2 and 3 billion dollars": the first number shares the second one's scale.
        if not _written_exponent(a.text, scan.language):
            low = _plain(low.scaleb(_written_exponent(b.text, scan.language)))
    elif (a.kind, a.unit) != (b.kind, b.unit):
        return None
    if low > high:
        return None
    return kind, unit, low, high, label


def _written_exponent(text: str, language: str | None) -> int:
    """The power of ten a scale word in `text` stands for: `30 Millionen Dollar` 6, `20` 0."""
    m = _SCALE_RE.search(text)
    if m and m.group("word"):
        word = m.group("word")
        if word == "Billion" and language == "de":
            return 12
        return _SCALES[word.lower()][0]
    if m and m.group("attached"):
        return {"M": 6, "B": 9, "K": 3, "k": 3}[m.group("attached")]
    zm = _ZH_SCALE_RE.search(text)
    return sum(_ZH_DIGIT_VALUES[c] for c in zm.group()) if zm else 0


# --- Extraction -------------------------------------------------------------------------------


def extract_values(
    text: str, language: str | None = None, reference: date | None = None
) -> list[Value]:
    """All values in `text`, in text order, none overlapping another.

    `language` ("de", "en", "pt", "zh", or a tag like "pt-BR") is a hint; None tries them all.
    `reference` is the source's publication date: with it "last year" or "bis Ende des Jahres"
    become real dates; without it they keep their `relative` key and no year (see `Value`).
    Where two readings overlap, the longer one wins (`über 1 Milliarde Dollar` over `1`).
    """
    if not isinstance(text, str) or not text:
        return []
    if not isinstance(reference, date):
        reference = None
    scan = _Scan(text, _language(language), reference)
    _find_dates(scan)
    _find_relative_dates(scan)
    _find_quantities(scan)
    _find_titles(scan)
    ordered = sorted(
        scan.candidates,
        key=lambda c: (-(c.value.end - c.value.start), c.priority, c.value.start),
    )
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping spans
    chosen: list[Value] = []
    for candidate in ordered:
        start, end = candidate.value.start, candidate.value.end
        i = bisect_left(taken, (start, end))
        if i > 0 and taken[i - 1][1] > start:
            continue
        if i < len(taken) and taken[i][0] < end:
            continue
        taken.insert(i, (start, end))
        chosen.append(candidate.value)
    chosen.sort(key=lambda v: (v.start, v.end))
    return _join_ranges(scan, chosen)


# --- Comparison -------------------------------------------------------------------------------

# Durations compare in minutes; a month is 1/12 of a Julian year (365.25 days), so months and
# years are exact among themselves and only approximately equal to days.
_MINUTES = {"minute": Decimal(1), "hour": Decimal(60), "day": Decimal(1440),
            "week": Decimal(10080), "month": Decimal(43830), "year": Decimal(525960)}  # fmt: skip
_CALENDAR_UNITS = {"month", "year"}
_SAME_TOLERANCE = Decimal("0.005")
_APPROXIMATE_TOLERANCE = Decimal("0.10")
_PRECISION_TOLERANCE = Decimal("0.20")  # "$1 billion" may round $1.2 billion, not $1.6 billion
_RELATED_TITLES = {frozenset({"founder", "co-founder"})}


def compare(a: Value, b: Value) -> Relation:
    """How two values relate; never raises: values that cannot be compared are incomparable."""
    if not isinstance(a, Value) or not isinstance(b, Value) or a.kind != b.kind:
        return Relation.incomparable
    if a.relative or b.relative or "until" in (a.unit, b.unit):
        relation = _compare_relative(a, b)
        if relation is not None:
            return relation
    if a.kind is ValueKind.title:
        return _compare_titles(a.label, b.label)
    bounds = (a.low, a.high, b.low, b.high)
    if not all(x is None or isinstance(x, Decimal) and x.is_finite() for x in bounds):
        return Relation.incomparable
    if (a.low is None and a.high is None) or (b.low is None and b.high is None):
        return Relation.incomparable
    try:
        if a.kind is ValueKind.date:
            return _compare_dates(a, b)
        factor_a = factor_b = Decimal(1)
        loose = False  # converted between months/years and days: only approximately equal
        if a.kind is ValueKind.duration:
            if a.unit not in _MINUTES or b.unit not in _MINUTES:
                return Relation.incomparable
            factor_a, factor_b = _MINUTES[a.unit], _MINUTES[b.unit]
            loose = (a.unit in _CALENDAR_UNITS) != (b.unit in _CALENDAR_UNITS)
        elif a.unit != b.unit and (a.kind is not ValueKind.count or (a.unit and b.unit)):
            return Relation.incomparable
        return _compare_numbers(a, b, factor_a, factor_b, loose)
    except ArithmeticError:
        return Relation.incomparable  # NaN or infinite Decimals made by hand


def _unresolved(value: Value) -> bool:
    """A relative value read without a publication date: no year to compare by."""
    return bool(value.relative) and (value.low is None or value.low < 10000)


def _compare_relative(a: Value, b: Value) -> Relation | None:
    """Relations that hold for relative values; None: compare them like any other."""
    if a.kind is ValueKind.duration:
        if a.unit != b.unit:
            return Relation.incomparable  # an end date against a length: both are needed
        if a.low is not None and b.low is not None:
            return Relation.same if (a.low, a.high) == (b.low, b.high) else Relation.different
        if a.relative and a.relative == b.relative:
            return Relation.same if a.low is None and b.low is None else Relation.compatible
        return Relation.incomparable
    if a.kind is not ValueKind.date or not (_unresolved(a) and _unresolved(b)):
        return None
    # Both from texts without a date: only one publication year apart can they be told apart.
    if _key_offset(a.relative) != _key_offset(b.relative):
        return Relation.incomparable
    if a.low is None and b.low is None:
        return Relation.same
    if a.low is None or b.low is None:
        return Relation.compatible  # "November last year" lies in "last year"
    return None


def _compare_titles(a: str, b: str) -> Relation:
    if not a or not b:
        return Relation.incomparable
    if a == b:
        return Relation.same
    if frozenset({a, b}) in _RELATED_TITLES or a == "vp" and b.startswith("vp "):
        return Relation.compatible
    if b == "vp" and a.startswith("vp "):
        return Relation.compatible
    return Relation.different


def _times(x: Decimal | None, factor: Decimal) -> Decimal | None:
    return None if x is None else x * factor


def _compare_numbers(a: Value, b: Value, fa: Decimal, fb: Decimal, loose: bool) -> Relation:
    a_low, a_high = _times(a.low, fa), _times(a.high, fa)
    b_low, b_high = _times(b.low, fb), _times(b.high, fb)
    if a_low == b_low and a_high == b_high:
        return Relation.same
    approximate = a.approximate or b.approximate or loose
    if a_low is not None and a_low == a_high and b_low is not None and b_low == b_high:
        x, y = a_low, b_low
        largest = max(abs(x), abs(y))
        if abs(x - y) <= largest * _SAME_TOLERANCE:
            return Relation.same
        qa, qb = _quantum(a) * fa, _quantum(b) * fb
        if qa != qb and abs(x - y) <= largest * _PRECISION_TOLERANCE:
            # The finer number rounds or truncates to the coarser one at its step: 44.6 -> 44.
            coarse, fine, step = (x, y, qa) if qa > qb else (y, x, qb)
            if -step / 2 <= fine - coarse < step:
                return Relation.precision
        if approximate and abs(x - y) <= largest * _APPROXIMATE_TOLERANCE:
            return Relation.compatible
        return Relation.different
    low = _max_bound(a_low, b_low)
    high = _min_bound(a_high, b_high)
    if low is None or high is None or low <= high:
        return Relation.compatible
    if approximate and low - high <= abs(low) * _APPROXIMATE_TOLERANCE:
        return Relation.compatible
    return Relation.different


def _max_bound(x: Decimal | None, y: Decimal | None) -> Decimal | None:
    return y if x is None else x if y is None else max(x, y)


def _min_bound(x: Decimal | None, y: Decimal | None) -> Decimal | None:
    return y if x is None else x if y is None else min(x, y)


@lru_cache(maxsize=4096)
def _written_quantum(text: str, number: Decimal) -> Decimal:
    """The step of the number as written: `44 Millionen` 10^6, `$44.6 million` 10^5."""
    digits = _DIGITS_RE.search(text)
    if digits:
        hint = None
        scale = _SCALE_RE.search(text, digits.end())
        if scale and scale.group("word"):
            hint = _SCALES[scale.group("word").lower()][1]
        written = _parse_digits(digits.group(), hint)
        if written:
            ratio = number / written
            power = _trailing_zero_power(ratio)
            exponent = written.as_tuple().exponent  # an int: `written` is finite
            if ratio == Decimal(10) ** power and isinstance(exponent, int):
                return Decimal(1).scaleb(exponent + power)
    # Words and Chinese numerals: `eine Milliarde`, `一千萬` are as precise as their zeros.
    return Decimal(1).scaleb(_trailing_zero_power(number))


def _quantum(value: Value) -> Decimal:
    number = value.low if value.low is not None else value.high
    if number is None or number == 0:
        return Decimal(1)
    return _written_quantum(value.text, number)


def _compare_dates(a: Value, b: Value) -> Relation:
    spans = [(a.low, a.high), (b.low, b.high)]
    if any(x is not None and x < 10000 for pair in spans for x in pair):
        # A year is missing on one side: compare month and day only.
        spans = [_without_year(low, high) for low, high in spans]
        if (a.low is not None and a.low >= 10000) or (b.low is not None and b.low >= 10000):
            if spans[0] == spans[1] or _overlap(*spans[0], *spans[1]):
                return Relation.compatible
            return Relation.different
    (a_low, a_high), (b_low, b_high) = spans
    if a_low == b_low and a_high == b_high:
        return Relation.same
    if _overlap(a_low, a_high, b_low, b_high):
        return Relation.compatible
    return Relation.different


def _without_year(
    low: Decimal | None, high: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    if low is None or high is None or low // 10000 != high // 10000:
        return (None, None)  # spans years: any month and day
    return (low % 10000, high % 10000)


def _overlap(
    a_low: Decimal | None, a_high: Decimal | None, b_low: Decimal | None, b_high: Decimal | None
) -> bool:
    low, high = _max_bound(a_low, b_low), _min_bound(a_high, b_high)
    return low is None or high is None or low <= high


# --- Description ------------------------------------------------------------------------------

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
_TITLE_WORDS = {"vp": "VP", "ceo": "CEO", "cto": "CTO", "cfo": "CFO", "coo": "COO", "ai": "AI",
                "and": "and", "of": "of", "co-founder": "Co-Founder"}  # fmt: skip


def describe(value: Value) -> str:
    """Short human text: `$1,000,000,000`, `≈75`, `11–19`, `20%`, `2024-08`, `VP Research`."""
    if value.kind is ValueKind.title:
        words = (value.label or value.text).split()
        return " ".join(_TITLE_WORDS.get(w, w[:1].upper() + w[1:]) for w in words)
    if _unresolved(value) or value.unit == "until":
        return _describe_relative(value)
    if value.kind is ValueKind.date:
        return _describe_date(value)
    if value.kind is ValueKind.money:
        symbol = _SYMBOLS.get(value.unit)

        def one(x: Decimal) -> str:
            return f"{symbol}{_number(x)}" if symbol else f"{value.unit} {_number(x)}"

    elif value.kind is ValueKind.percent:

        def one(x: Decimal) -> str:
            return f"{_number(x)}{'%' if value.unit == '%' else ' ' + value.unit}"

    elif value.kind is ValueKind.duration:

        def one(x: Decimal) -> str:
            return f"{_number(x)} {value.unit}{'' if x == 1 else 's'}"

    else:

        def one(x: Decimal) -> str:
            return _number(x)

    low, high = value.low, value.high
    if low is None:
        return value.text if high is None else f"{'<' if value.approximate else '≤'} {one(high)}"
    if high is None:
        return f"{'>' if value.approximate else '≥'} {one(low)}"
    if low == high:
        return f"{'≈' if value.approximate else ''}{one(low)}"
    if value.kind is ValueKind.duration:
        return f"{_number(low)}–{one(high)}"
    return f"{one(low)}–{one(high)}"


_UNRESOLVED = " (no publication date to resolve it)"
_MONTH_NAMES = list(_MONTHS)[:12]  # January ... December


def _describe_relative(value: Value) -> str:
    """`until 2024-12-31`, or for want of a publication date the phrase in English:
    "until the end of the year (no publication date to resolve it)"."""
    if value.unit == "until":
        if value.low is not None and value.low == value.high and value.low.is_finite():
            return f"until {_describe_date(replace(value, kind=ValueKind.date))}"
        if not value.relative:
            return value.text
        return f"until {_relative_words(value.relative)}{_UNRESOLVED}"
    words = _relative_words(value.relative)
    if value.low is not None and value.low.is_finite() and value.label in ("month", "day"):
        month, day = int(value.low) // 100 % 100, int(value.low) % 100
        if 1 <= month <= 12:
            named = f"{_MONTH_NAMES[month - 1]} {day}" if value.label == "day" else ""
            words = f"{named or _MONTH_NAMES[month - 1]} of {words}"
    return f"{'≈' if value.approximate else ''}{words}{_UNRESOLVED}"


def _relative_words(key: str) -> str:
    """The key in English words: "end_of_last_year" is "the end of last year"."""
    part, _, year = key.rpartition("_of_")
    year = "the year" if year == "year" else year.replace("_", " ")
    return f"the {part} of {year}" if part else year


def _number(x: Decimal) -> str:
    if not x.is_finite():
        return str(x)
    if x == x.to_integral_value():
        return f"{int(x):,}"
    return format(x.normalize(), ",f")


def _describe_date(value: Value) -> str:
    low, high = value.low, value.high
    if low is None or high is None or not (low.is_finite() and high.is_finite()):
        return value.text

    def day(x: Decimal) -> tuple[int, int, int]:
        n = int(x)
        return n // 10000, n // 100 % 100, n % 100

    (y1, m1, d1), (y2, m2, d2) = day(low), day(high)

    def fmt(y: int, m: int, d: int | None) -> str:
        year = f"{y:04d}" if y else "-"
        if not m:
            return year
        return f"{year}-{m:02d}" + (f"-{d:02d}" if d else "")

    prefix = "≈" if value.approximate else ""
    last2 = calendar.monthrange(y2 or 2000, m2)[1] if 1 <= m2 <= 12 else 31
    if (m1, d1, m2, d2) == (1, 1, 12, 31):
        return prefix + (f"{y1:04d}" if y1 == y2 else f"{y1:04d}–{y2:04d}")
    if d1 == 1 and d2 == last2:
        if (y1, m1) == (y2, m2):
            return prefix + fmt(y1, m1, None)
        return prefix + f"{fmt(y1, m1, None)}–{fmt(y2, m2, None)}"
    if low == high:
        return prefix + fmt(y1, m1, d1)
    # Without a year, the second date drops the `--`: `--03-21–03-31`.
    return prefix + f"{fmt(y1, m1, d1)}–{fmt(y2, m2, d2).removeprefix('--')}"


# --- Choosing the value that answers a question ------------------------------------------------

_QUESTION_STOPWORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "and", "or",
    "but", "not", "no", "how", "many", "much", "what", "which", "who", "whom", "whose", "when",
    "where", "why", "long", "old", "is", "are", "was", "were", "be", "been", "being", "do",
    "does", "did", "have", "has", "had", "will", "would", "can", "could", "should", "may",
    "might", "it", "its", "this", "that", "these", "those", "there", "their", "they", "them",
    "he", "she", "his", "her", "him", "so", "as", "than", "then", "into", "about", "over",
    "under", "up", "out", "if", "all", "any", "some", "more", "most", "also", "still", "yet",
})  # fmt: skip
# A verb ends the thing asked about: "how many important employees | have left".
_QUESTION_VERBS = frozenset({"is", "are", "was", "were", "do", "does", "did", "have", "has",
                             "had", "will", "would", "can", "could"})  # fmt: skip
# Question words (as stems, see _stem) -> how the article languages say them, so an English
# question finds its words beside a German or Chinese number. Latin entries are word starts.
_GLOSSES_BY_WORD: dict[str, tuple[str, ...]] = {
    "employees": ("Mitarbeit", "Angestellt", "Beschäftigt", "Belegschaft", "funcionári",
                  "empregad", "colaborador", "員工", "员工", "職員", "职员", "雇員", "雇员"),
    "staff": ("Mitarbeit", "Belegschaft", "funcionári", "員工", "员工"),
    "people": ("Menschen", "Personen", "Leute", "pessoas", "人"),
    "researchers": ("Forscher", "Wissenschaftler", "pesquisador", "investigador", "cientista",
                    "研究員", "研究员", "研究人員", "研究人员", "研究者", "科學家", "科学家"),
    "scientists": ("Wissenschaftler", "Forscher", "cientista", "科學家", "科学家"),
    "left": ("verlassen", "verließ", "verliess", "gegangen", "ausgeschieden", "gekündigt",
             "Abgang", "Weggang", "deixa", "deixou", "deixaram", "saíram", "saiu", "saída",
             "離開", "离开", "離職", "离职", "出走", "辭職", "辞职"),
    "leave": ("Urlaub", "Auszeit", "beurlaubt", "verlassen", "licença", "deixar", "休假",
              "長假", "长假", "離開", "离开"),
    "quit": ("gekündigt", "verlassen", "deixaram", "saíram", "離職", "离职", "辭職", "辞职"),
    "founded": ("gegründet", "gründe", "Gründ", "fund", "創立", "创立", "創辦", "创办", "成立",
                "創始", "创始", "創建", "创建"),
    "start": ("Anfang", "anfangs", "begann", "Beginn", "gestartet", "começ", "início", "inici",
              "起初", "最初", "開始", "开始", "之初"),
    "companies": ("Unternehmen", "Firma", "Firmen", "Startup", "Start-up", "empresa",
                  "companhia", "公司", "企業", "企业"),
    "tweets": ("Tweet", "Beitr", "Post", "publicaç", "推文", "推特", "帖"),
    "compute": ("Rechenleistung", "Rechenkapazität", "Rechenressourcen", "computaç", "算力",
                "計算", "计算"),
    "valued": ("bewertet", "Bewertung", "wert", "avaliad", "avaliaç", "valor", "估值"),
    "give": ("spende", "gespendet", "gegeben", "doou", "doaram", "doaç", "deu", "捐", "給", "给"),
    "donated": ("spende", "gespendet", "doou", "doaram", "doaç", "捐"),
    "promised": ("versprach", "versprochen", "Versprechen", "zugesagt", "Zusage", "prometeu",
                 "promessa", "承諾", "承诺"),
    "invest": ("investier", "Investition", "investiment", "投資", "投资"),
    "signed": ("unterschrieb", "unterzeichne", "Unterschrift", "assin", "簽", "签"),
    "leaders": ("Leiter", "Führung", "leitete", "líder", "lider", "負責人", "负责人", "領導",
                "领导"),
    "team": ("Team", "equipe", "equipa", "團隊", "团队"),
    "members": ("Mitglied", "membro", "成員", "成员"),
    "money": ("Geld", "Finanzierung", "dinheiro", "financiamento", "資金", "资金", "融資", "融资"),
    "share": ("Anteil", "Prozent", "parte", "份額", "份额", "比例"),
    "safety": ("Sicherheit", "segurança", "安全"),
    "years": ("Jahr", "ano", "年"),
    "months": ("Monat", "mês", "meses", "月"),
    "users": ("Nutzer", "usuári", "utilizador", "用戶", "用户"),
}  # fmt: skip
_WORD_RE = re.compile(rf"[{_LETTER}][{_LETTER}'’-]*")
_SENTENCE_END_RE = re.compile(r"[.!?;](?=\s|\Z)|[。！？；\n]")
_CLAUSE_MARK_RE = re.compile("[,，、:：()（）–—]")


def _stem(word: str) -> str:
    """A crude English stem good enough to meet its word again: "employees" -> "emplo"."""
    word = word.lower().removesuffix("'s").removesuffix("’s")
    return word[:5] if len(word) > 5 else word.removesuffix("s") if len(word) > 3 else word


_GLOSSES = {_stem(word): glosses for word, glosses in _GLOSSES_BY_WORD.items()}


@lru_cache(maxsize=256)
def _question_terms(question: str) -> tuple[tuple[re.Pattern[str], float], ...]:
    """Patterns for the question's content words and their weights: the thing asked about
    ("how many *employees*") weighs twice."""
    terms: list[tuple[re.Pattern[str], float]] = []
    seen: set[str] = set()
    after_how = False
    for m in _WORD_RE.finditer(question):
        word = m.group().lower()
        if word in ("many", "much"):
            after_how = True
            continue
        if word in _QUESTION_VERBS:
            after_how = False
        if word in _QUESTION_STOPWORDS or len(word) < 2:
            continue
        stem = _stem(word)
        if stem in seen:
            continue
        seen.add(stem)
        forms = [rf"(?<![{_LETTER}]){re.escape(stem)}"]
        for gloss in _GLOSSES.get(stem, ()):
            short = len(gloss) < 6 and not _CJK_RE.match(gloss)
            forms.append(f"(?<![{_LETTER}]){re.escape(gloss)}" if short else re.escape(gloss))
        # The whole word, so its distance to a value is measured from where it ends.
        pattern = re.compile(f"(?:{'|'.join(forms)})[{_LETTER}]*", re.IGNORECASE)
        # A name ("Musk", "OpenAI") picks the sentence more than the value in it: it weighs
        # half, below what is done or counted.
        name = m.start() > 0 and m.group()[0].isupper()
        terms.append((pattern, 0.5 if name else 2 if after_how else 1))
    return tuple(terms)


def pick_answer(
    values: list[Value], kind: str | ValueKind, question: str, text: str
) -> Value | None:
    """Of the values of `kind` (money, percent, date, count, duration, title), the one that
    answers `question`: the one whose sentence in `text` has the question's words nearest to
    it (in English, or as the small gloss list says them in de, pt, zh). Ties go to the
    first; a count written like a year comes last. Values whose offsets are not in `text`
    are still candidates, with no words near them."""
    try:
        wanted = ValueKind(kind)
    except ValueError:
        return None
    candidates = [v for v in values if isinstance(v, Value) and v.kind is wanted]
    if len(candidates) <= 1 or not isinstance(text, str) or not isinstance(question, str):
        return candidates[0] if candidates else None
    placed = [v for v in candidates if text[v.start : v.end] == v.text and v.text]
    scores = dict.fromkeys(range(len(candidates)), 0.0)
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(text)]
    unit = 2 if _CJK_RE.search(text) else 6  # characters a word takes, roughly
    for pattern, weight in _question_terms(question):
        best: dict[int, float] = {}
        for m in pattern.finditer(text):
            nearest = _nearest(placed, text, m.start(), m.end(), ends, unit)
            if nearest is not None:
                value, distance = nearest
                i = next(i for i, v in enumerate(candidates) if v is value)
                best[i] = max(best.get(i, 0.0), weight / (1 + distance))
        for i, score in best.items():
            scores[i] += score
    for i, v in enumerate(candidates):
        if wanted is ValueKind.count and _is_year(v.text.strip()):
            scores[i] = -1.0
    return candidates[max(scores, key=lambda i: (scores[i], -i))]


def _nearest(
    values: list[Value], text: str, start: int, end: int, ends: list[int], unit: int
) -> tuple[Value, float] | None:
    """The value nearest to the word at `start:end` in its sentence, and how far, in words.

    A comma between them counts as four more words (the word likely belongs to the other
    clause: "Musk versprach 1 Milliarde, gespendet hat er 44 Millionen"), and a word before the value as half a word more: the thing counted mostly
    follows its number ("7 employees", "7名員工")."""
    sentence = bisect_left(ends, end)
    found: tuple[Value, float] | None = None
    for value in values:
        if bisect_left(ends, value.end) != sentence:
            continue
        before = end <= value.start
        between = text[end : value.start] if before else text[value.end : start]
        if len(between) > 80:
            continue
        distance = len(between) / unit + 4 * len(_CLAUSE_MARK_RE.findall(between))
        distance += 0.5 if before else 0
        if found is None or distance < found[1]:
            found = (value, distance)
    return found
