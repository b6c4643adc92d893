"""Find the checkable values in claim text (amounts, percentages, dates, counts, durations, job
titles) and compare two of them: same, compatible, only rounded differently, or contradicting.

Works on German, English, Portuguese and Chinese (traditional or simplified) with one rule set;
the language hint only settles what cannot be read from the text itself: whether `1,600` is
1600 (English) or 1.6 (German, Portuguese), what a capitalised `Billion` is (10^12 in German)
and which word numbers to look for. Chinese pinyin glosses (`聯(lián)創`) must be stripped first.

Conventions:
- Every number is a `Decimal`, stored plainly (`Decimal("1600000000")`), never a float.
- Open ranges: "over $1 billion" has `low=1e9, high=None`; "less than a year" `low=None`.
- Dates are `Decimal(YYYYMMDD)` ranges: 2024 is 20240101..20241231, label "year"; August 2024
  label "month"; 2024-08-06 label "day". A date without a year (`8月6日`, "im November") has
  year 0000, so `8月6日` is 806..806 with label "day"; `describe` prints it as `--08-06`.
- Vague quantities are approximate ranges: `十幾` 11-19, "hundreds" 100-999, "millions"
  10^6..10^9-1, "dozens" 20-99.
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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an


class ValueKind(enum.StrEnum):
    money = "money"  # unit: ISO currency code
    percent = "percent"  # unit: "%" (or "pp" for percentage points)
    date = "date"  # unit: "date"; low/high: Decimal(YYYYMMDD)
    count = "count"  # unit: ""
    duration = "duration"  # unit: year, month, week, day, hour or minute
    title = "title"  # unit: ""; label: normalised English key


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

    def __init__(self, text: str, language: str | None) -> None:
        self.text = text
        self.language = language
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
    ) -> None:
        text = self.text[start:end]
        if not text.strip() or start < 0 or end > len(self.text):
            return
        value = Value(kind, low, high, unit, text, start, end, approximate, label)
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
         "circa", "ca.", "close to", "an estimated", "fast", "etwa", "ungefähr", "rund",
         "zirka", "knapp", "nahezu", "beinahe", "annähernd", "schätzungsweise", "gut",
         "cerca de", "aproximadamente", "quase", "por volta de", "perto de"],
        "approx"),
    **dict.fromkeys(
        ["over", "more than", "above", "upwards of", "in excess of", "north of", "über",
         "mehr als", "mais de", "acima de", "superior a"],
        "over"),
    **dict.fromkeys(["at least", "mindestens", "wenigstens", "pelo menos", "no mínimo"],
                    "at least"),
    **dict.fromkeys(
        ["under", "less than", "fewer than", "below", "weniger als", "unter", "menos de",
         "abaixo de"],
        "under"),
    **dict.fromkeys(["at most", "up to", "bis zu", "höchstens", "maximal", "até",
                     "no máximo"], "at most"),
}  # fmt: skip
_ZH_QUALIFIERS = {
    "約": "approx", "约": "approx", "大約": "approx", "大约": "approx", "將近": "approx",
    "将近": "approx", "接近": "approx", "近": "approx", "超過": "over", "超过": "over",
    "逾": "over", "多於": "over", "多于": "over", "至少": "at least", "不到": "under",
    "不足": "under", "少於": "under", "少于": "under", "未滿": "under", "未满": "under",
    "最多": "at most", "~": "approx", "≈": "approx", "～": "approx",
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
_PT_BELOW_100 = (
    "(?:vinte|trinta|quarenta|cinquenta|sessenta|setenta|oitenta|noventa)"
    "(?: e (?:um|uma|dois|duas|três|tres|quatro|cinco|seis|sete|oito|nove))?"
    f"|{_alternation(k for k in _PT_WORDS if _PT_WORDS[k] < 20)}"
)
_WORD_NUMBER_RES = {
    "en": re.compile(
        rf"{_NO_LETTER_BEFORE}(?i:(?:(?:{_EN_U9}|a) hundred(?: (?:and )?(?:{_EN_BELOW_100}))?)"
        rf"|{_EN_BELOW_100}|an?){_NO_LETTER_AFTER}"
    ),
    "de": re.compile(
        rf"{_NO_LETTER_BEFORE}(?i:(?:(?:{_DE_U9})?hundert(?:und)?(?:{_DE_BELOW_100})?)"
        rf"|{_DE_BELOW_100}|ein(?:e[mnr]?)?){_NO_LETTER_AFTER}"
    ),
    "pt": re.compile(rf"{_NO_LETTER_BEFORE}(?i:cem|{_PT_BELOW_100}){_NO_LETTER_AFTER}"),
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
    parts = w.split(" e ")
    if all(p in _PT_WORDS for p in parts):
        return sum(_PT_WORDS[p] for p in parts)
    return None


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
    if m.group("teens") is not None:
        base = _zh_number(m.group("teens"))
        if base is None:
            return
        low, high, approximate = base + 1, base + 9, True
    elif m.group("some"):
        unit = Decimal(10) ** _ZH_DIGIT_VALUES[m.group("unit")]
        low, high, approximate = unit, unit * 10 - 1, True
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


# --- Extraction -------------------------------------------------------------------------------


def extract_values(text: str, language: str | None = None) -> list[Value]:
    """All values in `text`, in text order, none overlapping another.

    `language` ("de", "en", "pt", "zh", or a tag like "pt-BR") is a hint; None tries them all.
    Where two readings overlap, the longer one wins (`über 1 Milliarde Dollar` over `1`).
    """
    if not isinstance(text, str) or not text:
        return []
    scan = _Scan(text, _language(language))
    _find_dates(scan)
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
    return chosen


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
            if ratio == Decimal(10) ** power:
                return Decimal(1).scaleb(written.as_tuple().exponent + power)  # type: ignore[operator]
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


def _without_year(low: Decimal | None, high: Decimal | None) -> tuple[Decimal | None, ...]:
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
    if low is None and high is None:
        return value.text
    if high is None:
        return f"{'>' if value.approximate else '≥'} {one(low)}"  # type: ignore[arg-type]
    if low is None:
        return f"{'<' if value.approximate else '≤'} {one(high)}"
    if low == high:
        return f"{'≈' if value.approximate else ''}{one(low)}"
    if value.kind is ValueKind.duration:
        return f"{_number(low)}–{one(high)}"
    return f"{one(low)}–{one(high)}"


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
