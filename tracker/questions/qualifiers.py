"""Qualifiers on a claim's answer: when it holds (a point in time, or a start and an end) and
what it is about (an aspect such as "pledged" vs "paid"). Two answers can conflict only when
their qualifiers overlap."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.claims.models import Claim
from tracker.core.errors import InvalidInput
from tracker.questions.models import AnswerKind
from tracker.text.dates import InvalidDate, check_partial_date, date_range
from tracker.text.script import search_key
from tracker.text.values import ValueKind, extract_values

MAX_ASPECT = 100
QUALIFIER_FIELDS = ("as_of", "valid_from", "valid_until", "aspect")


@dataclass(frozen=True)
class Qualifiers:
    """When an answer holds and what it is about; None leaves a qualifier out."""

    as_of: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    aspect: str | None = None

    @classmethod
    def of(cls, claim: Claim) -> Qualifiers:
        return cls(claim.as_of, claim.valid_from, claim.valid_until, claim.aspect)

    def as_dict(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in QUALIFIER_FIELDS}

    @property
    def is_empty(self) -> bool:
        return not any(self.as_dict().values())


def _day_range(text: str) -> tuple[int, int]:
    """YYYY, YYYY-MM or YYYY-MM-DD as the first and last day it covers (YYYYMMDD numbers).

    A value stored before dates were checked (``0000``, other scripts' digits) covers all
    time, as a qualifier left out does.
    """
    try:
        first, last = date_range(text)
    except InvalidDate:
        return 0, 99991231
    return (
        first.year * 10000 + first.month * 100 + first.day,
        last.year * 10000 + last.month * 100 + last.day,
    )


def span(q: Qualifiers) -> tuple[int, int] | None:
    """The time the answer is said to hold, or None when nothing says."""
    if q.as_of:
        return _day_range(q.as_of)
    if q.valid_from or q.valid_until:
        low = _day_range(q.valid_from)[0] if q.valid_from else 0
        high = _day_range(q.valid_until)[1] if q.valid_until else 99991231
        return low, high
    return None


def overlap(a: Qualifiers, b: Qualifiers) -> bool:
    """Whether two answers speak of the same thing at the same time, so they can conflict.

    Different aspects never overlap ("pledged" vs "paid"); disjoint times never do ("CTO in
    2016" vs "President in 2024"); a qualifier left out overlaps everything.
    """
    if a.aspect and b.aspect and search_key(a.aspect.strip()) != search_key(b.aspect.strip()):
        return False
    sa_, sb = span(a), span(b)
    if sa_ is None or sb is None:
        return True
    return sa_[0] <= sb[1] and sb[0] <= sa_[1]


def check_qualifiers(q: Qualifiers) -> Qualifiers:
    """Trimmed qualifiers, empty ones as None.

    :raises InvalidInput: a date not written YYYY, YYYY-MM or YYYY-MM-DD, an end before its
        start, or an aspect over 100 characters.
    """
    cleaned: dict[str, str | None] = {}
    for name in ("as_of", "valid_from", "valid_until"):
        text = (getattr(q, name) or "").strip() or None
        if text is not None:
            try:
                check_partial_date(text)
            except InvalidDate:
                raise InvalidInput(
                    f"Write the date as YYYY, YYYY-MM or YYYY-MM-DD (not “{text[:20]}”).",
                    {name: "invalid"},
                ) from None
        cleaned[name] = text
    aspect = re.sub(r"\s+", " ", q.aspect or "").strip() or None
    if aspect is not None and len(aspect) > MAX_ASPECT:
        raise InvalidInput(
            f"Keep the aspect under {MAX_ASPECT} characters.", {"aspect": "too long"}
        )
    result = Qualifiers(cleaned["as_of"], cleaned["valid_from"], cleaned["valid_until"], aspect)
    if (
        result.valid_from
        and result.valid_until
        and _day_range(result.valid_from)[0] > _day_range(result.valid_until)[1]
    ):
        raise InvalidInput("The end comes before the start.", {"valid_until": "before start"})
    return result


# Money given: a promise is not a payment. Cues in en/de/pt/zh, matched on folded words.
_ASPECT_CUES = {
    "pledged": (
        "pledge",
        "promise",
        "commit",
        "versprach",
        "versprochen",
        "zugesagt",
        "zusage",
        "prometeu",
        "prometido",
        "promessa",
        "comprometeu",
        "承諾",
        "承诺",
        "答應",
        "答应",
    ),
    "paid": (
        "donat",
        "paid",
        "gave",
        "contribut",
        "spendete",
        "gespendet",
        "gezahlt",
        "zahlte",
        "überwies",
        "doou",
        "doação",
        "pagou",
        "contribuiu",
        "捐",
        "支付",
        "給了",
        "给了",
    ),
}


def propose_qualifiers(kind: AnswerKind, quote: str, statement: str) -> Qualifiers:
    """Qualifiers the words suggest: pledged vs paid for money, the one year an answer is
    dated by (not for date and duration questions, whose answer the year is)."""
    folded = search_key(f"{quote} {statement}")
    aspect = None
    if kind == AnswerKind.money:
        found = [name for name, cues in _ASPECT_CUES.items() if any(c in folded for c in cues)]
        aspect = found[0] if len(found) == 1 else None
    as_of = valid_from = valid_until = None
    if kind not in (AnswerKind.date, AnswerKind.duration):
        spans = {
            (int(v.low) // 10000, int(v.high) // 10000)
            for v in extract_values(statement, "en")
            if v.kind == ValueKind.date
            and v.low is not None
            and v.high is not None
            and int(v.low) // 10000 > 0
        }
        if len(spans) == 1:
            first, last = spans.pop()
            if first == last:
                as_of = str(first)
            else:
                valid_from, valid_until = str(first), str(last)
    return Qualifiers(as_of, valid_from, valid_until, aspect)
