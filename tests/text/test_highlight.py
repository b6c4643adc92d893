"""Cutting text into highlighted pieces."""

from __future__ import annotations

from tracker.text.highlight import Piece, pieces


def test_plain_text_is_one_piece() -> None:
    assert pieces(5, []) == [Piece(0, 5, ())]


def test_overlapping_spans_cut_into_covered_pieces() -> None:
    result = pieces(10, [(2, 6, "a"), (4, 8, "b")])
    assert result == [
        Piece(0, 2, ()),
        Piece(2, 4, ("a",)),
        Piece(4, 6, ("a", "b")),
        Piece(6, 8, ("b",)),
        Piece(8, 10, ()),
    ]


def test_spans_are_clipped_and_empty_ones_ignored() -> None:
    assert pieces(4, [(-3, 2, 1), (3, 99, 2), (2, 2, 3), (7, 9, 4)]) == [
        Piece(0, 2, (1,)),
        Piece(2, 3, ()),
        Piece(3, 4, (2,)),
    ]


def test_pieces_rebuild_the_text() -> None:
    text = "<script>alert(1)</script> 聯(lián)創"
    result = pieces(len(text), [(1, 7, "x"), (20, 30, "y")])
    assert "".join(text[p.start : p.end] for p in result) == text
