"""Fold traditional and simplified Chinese together, so a search in one finds the other.

OpenCC's `t2s` config converts character by character (plus phrases of the same length), so a
converted text keeps its length and every offset. The phrase configs (`tw2sp`, `s2twp`) change
lengths and are not used here.
"""

from __future__ import annotations

import threading

import opencc

_converter: opencc.OpenCC | None = None
_lock = threading.Lock()


def _t2s() -> opencc.OpenCC:
    # Loading the dictionaries takes a moment: do it once, on first use, not at import time.
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    return _converter


def to_simplified(text: str) -> str:
    """`text` with traditional Chinese characters made simplified; same length as `text`."""
    converted = _t2s().convert(text)
    if len(converted) != len(text):
        # Callers use offsets into the result as offsets into `text`: should a dictionary entry
        # ever change the length, fall back to converting one character at a time.
        convert = _t2s().convert
        converted = "".join(c if len(c := convert(ch)) == 1 else ch for ch in text)
    return converted


def search_key(text: str) -> str:
    """The form of `text` that search queries and searched text are compared in.

    Simplified and case-folded. Case folding can change the length (German `ß` becomes `ss`),
    so use the key for matching only, never for offsets.
    """
    return to_simplified(text).casefold()
