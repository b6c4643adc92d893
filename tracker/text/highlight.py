"""Cutting a text into pieces by the marked spans that cover them (for highlighting)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Piece(Generic[K]):
    start: int
    end: int
    #: The marks covering this piece, in the order they were given; empty for plain text.
    marks: tuple[K, ...]


def pieces(length: int, spans: Sequence[tuple[int, int, K]]) -> list[Piece[K]]:
    """Cut ``[0, length)`` at every span edge; each piece lists the spans covering it.

    Spans are clipped to the text; empty spans are ignored. Pieces are contiguous and cover the
    whole range, so joining their texts gives the original text back.
    """
    clipped = [(max(0, s), min(length, e), k) for s, e, k in spans if min(length, e) > max(0, s)]
    cuts = sorted({0, length, *(s for s, _, _ in clipped), *(e for _, e, _ in clipped)})
    result: list[Piece[K]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        marks = tuple(k for s, e, k in clipped if s <= a and b <= e)
        result.append(Piece(a, b, marks))
    return result
