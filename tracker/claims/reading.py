"""Claims shown in their text: a claim's quote in context, a source's claims highlighted."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.claims.models import Claim
from tracker.core import db
from tracker.sources.models import Sentence, Source
from tracker.text.highlight import pieces


@dataclass(frozen=True)
class Segment:
    """A run of a sentence's reading text and the claims whose spans cover it."""

    text: str
    claims: tuple[Claim, ...]

    @property
    def css_status(self) -> str:
        """The status to colour the run by: the claims' status, or 'mixed'."""
        statuses = {c.status.value for c in self.claims}
        return statuses.pop() if len(statuses) == 1 else "mixed"


def segments(sentence: Sentence, claims: list[Claim]) -> list[Segment]:
    """The sentence's reading text cut where the claims' spans begin and end.

    Claim offsets point into the verbatim text; they are mapped through the sentence's gloss map
    so that the highlight falls on the right characters of the text without glosses.
    """
    reading = sentence.reading()
    spans = [
        (
            reading.to_reading(max(c.start, sentence.start)),
            reading.to_reading(min(c.end, sentence.end)),
            c,
        )
        for c in claims
        if c.start < sentence.end and c.end > sentence.start
    ]
    return [
        Segment(reading.text[p.start : p.end], p.marks) for p in pieces(len(reading.text), spans)
    ]


@dataclass(frozen=True)
class ContextLine:
    sentence: Sentence
    segments: list[Segment]
    #: False for the sentences shown only as context before and after the quote.
    holds_quote: bool


def claim_context(claim: Claim, around: int = 1) -> list[ContextLine]:
    """The sentences the claim quotes, with `around` sentences before and after, highlighted."""
    first, last = db.session.execute(
        sa.select(sa.func.min(Sentence.index), sa.func.max(Sentence.index)).where(
            Sentence.source_id == claim.source_id,
            Sentence.start < claim.end,
            Sentence.end > claim.start,
        )
    ).one()
    if first is None:  # a span between sentences (white space or a list marker only)
        return []
    sentences = db.session.scalars(
        sa.select(Sentence)
        .where(
            Sentence.source_id == claim.source_id,
            Sentence.index.between(first - around, last + around),
        )
        .order_by(Sentence.index)
    )
    return [ContextLine(s, segments(s, [claim]), first <= s.index <= last) for s in sentences]


def source_claims(source: Source) -> list[Claim]:
    """The source's live claims in text order, with their evidence (two queries, whatever the
    number of claims)."""
    return list(
        db.session.scalars(
            sa.select(Claim)
            .where(Claim.source_id == source.id, Claim.is_deleted.is_(False))
            .options(selectinload(Claim.evidence))
            .order_by(Claim.start, Claim.id)
        )
    )


def highlighted_sentences(source: Source, claims: list[Claim]) -> dict[int, list[Segment]]:
    """Segments for every sentence of the source that some claim touches, by sentence index."""
    result: dict[int, list[Segment]] = {}
    ordered = sorted(claims, key=lambda c: c.start)
    for sentence in source.sentences:
        touching = [c for c in ordered if c.start < sentence.end and c.end > sentence.start]
        if touching:
            result[sentence.index] = segments(sentence, touching)
    return result
