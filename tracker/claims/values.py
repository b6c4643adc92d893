"""A claim's values: every amount, date, count or title in its quote and statement, and the
one that answers its question (extracted, or corrected by a reviewer)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tracker.claims.models import Claim, ClaimValue
from tracker.core import db, unique
from tracker.core.errors import InvalidInput
from tracker.questions.models import Answer, AnswerKind, Question
from tracker.text.glosses import find_glosses, strip_glosses
from tracker.text.values import Value, ValueKind, describe, extract_values, pick_answer

VALUE_FIELDS = (
    "value_kind",
    "value_low",
    "value_high",
    "value_unit",
    "value_label",
    "value_relative",
    "value_text",
    "is_value_approximate",
    "is_value_confirmed",
)


def blocking_key(value: Value) -> str:
    """Values that may answer the same question share a key: kind, unit and magnitude."""
    if value.kind == ValueKind.title:
        return f"title:{value.label or value.text.casefold()}"[:80]
    number = value.low if value.low is not None else value.high
    if number is None:
        return f"{value.kind}:{value.unit}"
    if value.kind == ValueKind.date:
        return f"date:{str(int(number))[:4]}"
    if value.kind == ValueKind.percent:
        return f"percent:{number.normalize()}"
    magnitude = int(math.floor(math.log10(abs(number)))) if number else 0
    return f"{value.kind}:{value.unit}:{magnitude}"


def _language(claim: Claim) -> str | None:
    language = claim.source.language if claim.source is not None else None
    return language.split("-")[0] if language else None


def _published(claim: Claim) -> date | None:
    """Relative dates ("last year", 直到年底) resolve against the source's publication date."""
    return claim.source.published if claim.source is not None else None


def found_values(claim: Claim) -> list[Value]:
    """Values in the quote (read without pinyin glosses), then in the statement."""
    quote = strip_glosses(claim.quote, find_glosses(claim.quote)).text
    reference = _published(claim)
    return [
        *extract_values(quote, _language(claim), reference=reference),
        *extract_values(claim.statement, "en", reference=reference),
    ]


@dataclass(frozen=True)
class Found:
    """A value read in a claim, where (the quote or the statement), as the tracker reads it."""

    value: Value
    where: str
    display: str


def found_in(claim: Claim) -> list[Found]:
    """Every value in the claim's quote and statement, shown from the moment it is marked."""
    quote = strip_glosses(claim.quote, find_glosses(claim.quote)).text
    reference = _published(claim)
    return [
        *(
            Found(v, "quote", describe(v))
            for v in extract_values(quote, _language(claim), reference=reference)
        ),
        *(
            Found(v, "statement", describe(v))
            for v in extract_values(claim.statement, "en", reference=reference)
        ),
    ]


def _question(claim: Claim) -> Question | None:
    return db.session.get(Question, claim.question_id) if claim.question_id else None


def _answer_kind(claim: Claim) -> AnswerKind | None:
    if claim.question_id is None:
        return None
    return db.session.scalar(
        sa.select(Question.answer_kind).where(Question.id == claim.question_id)
    )


def value_columns(value: Value | None, *, confirmed: bool) -> dict[str, Any]:
    """The claim columns (VALUE_FIELDS) that store ``value`` as its answer."""
    return {
        "value_kind": value.kind.value if value else None,
        "value_low": value.low if value else None,
        "value_high": value.high if value else None,
        "value_unit": value.unit if value else None,
        "value_label": (value.label or None) if value else None,
        "value_relative": (value.relative or None) if value else None,
        "value_text": value.text[:200] if value else None,
        "is_value_approximate": bool(value and value.approximate),
        "is_value_confirmed": confirmed,
    }


def _apply(claim: Claim, value: Value | None, *, confirmed: bool) -> None:
    new = value_columns(value, confirmed=confirmed)
    # Only what really changes is set: an unchanged claim keeps its version.
    for name, wanted in new.items():
        if getattr(claim, name) != wanted:
            setattr(claim, name, wanted)


def refresh_values(claim: Claim) -> None:
    """Re-extract the claim's values and, unless a reviewer confirmed one, its answer value."""
    values = found_values(claim)
    db.session.execute(sa.delete(ClaimValue).where(ClaimValue.claim_id == claim.id))
    seen: set[str] = set()
    for value in values:
        key = blocking_key(value)
        if key not in seen:
            seen.add(key)
            db.session.add(
                ClaimValue(claim_id=claim.id, kind=value.kind.value, key=key, text=value.text[:200])
            )
    if not claim.is_value_confirmed:
        question = _question(claim)
        kind = question.answer_kind if question is not None else None
        wanted = [v for v in values if kind is not None and v.kind.value == kind.value]
        if question is not None and len(wanted) > 1:
            # Of several values of the kind, the one beside the question's words answers it.
            chosen = pick_answer(wanted, question.answer_kind.value, question.text, claim.statement)
        else:
            chosen = wanted[0] if wanted else None
        _apply(claim, chosen, confirmed=False)
    sync_value_answer(claim)


def _plain(number: Decimal | None) -> str:
    return "" if number is None else format(Decimal(number).normalize(), "f")


def answer_key(fields: Mapping[str, Any]) -> str:
    """The normal form of a stored value: claims with equal keys give the same answer.

    Frozen in migration 0006 too, which made the first answers from the stored values (a
    relative value, unknown then, adds its key at the end).
    """
    relative = fields.get("value_relative")
    return (
        f"{fields['value_kind']}|{_plain(fields['value_low'])}|{_plain(fields['value_high'])}"
        f"|{fields['value_unit'] or ''}|{fields['value_label'] or ''}"
        f"|{'~' if fields['is_value_approximate'] else ''}" + (f"|{relative}" if relative else "")
    )[:300]


def find_or_add_answer(question_id: int, text: str, key: str) -> Answer:
    """The question's answer with this key, added when no claim gave it before. Text and key
    are cut to their columns' 300 characters: a key can fold longer than its text (ß is ss)."""
    key = key[:300]
    # Added by another claim's save at the same moment: that is the answer, shared.
    return unique.find_or_insert(
        lambda: db.session.scalar(
            sa.select(Answer).where(Answer.question_id == question_id, Answer.key == key)
        ),
        lambda: Answer(question_id=question_id, text=text[:300], key=key),
    )


def set_answer_id(claim: Claim, answer_id: int | None) -> None:
    """Point the claim at another answer; its loaded `answer` must not linger."""
    claim.answer_id = answer_id
    db.session.expire(claim, ["answer"])


def sync_value_answer(claim: Claim) -> None:
    """In a value question the answer is the claim's value: keep the two in step."""
    kind = _answer_kind(claim)
    if kind is None or not kind.is_value:
        return
    if claim.is_answer_confirmed and claim.value_kind is None and claim.answer_id is not None:
        return  # a reviewer's answer in words, where no value could be read
    fields = snapshot(claim)
    if fields["value_kind"] is None or claim.question_id is None:
        wanted: int | None = None
    else:
        wanted = find_or_add_answer(
            claim.question_id, display_of(fields) or claim.value_text or "", answer_key(fields)
        ).id
    if claim.answer_id != wanted:
        set_answer_id(claim, wanted)
    confirmed = bool(claim.is_value_confirmed)
    if claim.is_answer_confirmed != confirmed:
        claim.is_answer_confirmed = confirmed
    basis = "typed by a reviewer" if confirmed else "read from the quote or statement"
    if wanted is not None and claim.answer_basis != basis:
        claim.answer_basis = basis


def parse_value(text: str, kind: AnswerKind | None, language: str | None = None) -> Value:
    """The value a reviewer typed ("$44.6 million", "2014", "VP Research").

    :raises InvalidInput: when no value of the question's kind is found in it.
    """
    values = extract_values(text, language)
    if kind is not None and kind != AnswerKind.text:
        values = [v for v in values if v.kind.value == kind.value]
    if not values:
        what = kind.value if kind is not None and kind != AnswerKind.text else "value"
        raise InvalidInput(
            f"No {what} found in “{text[:60]}”; write it as in an article, e.g. "
            "“44 million dollars”, “20%”, “2015”, “about 75”, “President”.",
            {"value": "not found"},
        )
    return values[0]


def value_from(fields: Mapping[str, Any]) -> Value | None:
    """A stored answer value (the VALUE_FIELDS columns, by name) as a `Value`."""
    if fields["value_kind"] is None:
        return None
    text = fields["value_text"] or ""
    return Value(
        kind=ValueKind(fields["value_kind"]),
        low=fields["value_low"],
        high=fields["value_high"],
        unit=fields["value_unit"] or "",
        text=text,
        start=0,
        end=len(text),
        approximate=bool(fields["is_value_approximate"]),
        label=fields["value_label"] or "",
        relative=fields.get("value_relative") or "",
    )


def value_of(claim: Claim) -> Value | None:
    """The claim's answer value as a `Value`, for comparing with other claims."""
    return value_from(snapshot(claim))


def display_of(fields: Mapping[str, Any]) -> str | None:
    """A stored answer value as the tracker reads it (`$44,000,000`), or None."""
    value = value_from(fields)
    return describe(value) if value is not None else None


def display(claim: Claim) -> str | None:
    """The claim's answer value as the tracker reads it (`$44,000,000`), or None."""
    return display_of(snapshot(claim))


def snapshot(claim: Claim) -> dict[str, object]:
    return {name: getattr(claim, name) for name in VALUE_FIELDS}


def clear_value(claim: Claim) -> None:
    """No value answers the question (a reviewer answered in words)."""
    _apply(claim, None, confirmed=False)


def set_confirmed_value(claim: Claim, value: Value | None) -> None:
    _apply(claim, value, confirmed=value is not None)
    if value is None:
        refresh_values(claim)
    else:
        sync_value_answer(claim)


__all__ = [
    "Decimal",
    "answer_key",
    "find_or_add_answer",
    "sync_value_answer",
    "blocking_key",
    "display",
    "display_of",
    "found_values",
    "parse_value",
    "refresh_values",
    "set_confirmed_value",
    "snapshot",
    "value_columns",
    "value_from",
    "value_of",
]
