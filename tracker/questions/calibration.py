"""What a suggestion's score means: the share of such suggestions that were right.

`suggestions.suggest` first scores each candidate question or claim on its own scale (a mix of
meaning, shared names and value kind; `raw_score`). That scale ranks well but does not say how
often a suggestion of, say, 0.6 is right. This module maps it onto the share of right
suggestions seen at that raw score, by a monotone (isotonic) fit over labelled suggestions:
the leave-one-out seed claims and the restatements of `bench/matching_quality.py`, which
writes `calibration.json` beside this file (`--fit`). Between the fitted points the share is
interpolated linearly, so the order of suggestions never changes, only what their score says.

The first suggestion shown is fitted apart from the ones below it: at the same raw score, the
best of a claim's candidates is right far more often than a runner-up (a runner-up at 0.45
means another candidate scored higher). A runner-up never shows more than the one above it.

Without the file (or for a kind it does not hold), the raw score is shown as it is.
"""

from __future__ import annotations

import bisect
import json
import logging
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

TABLE = Path(__file__).with_name("calibration.json")
#: What is calibrated: a suggested question, a suggested claim (same fact).
KINDS = ("question", "claim")
#: The first suggestion shown, and the ones below it.
POSITIONS = ("first", "rest")


@cache
def _curves() -> dict[tuple[str, str], tuple[list[float], list[float]]]:
    try:
        data = json.loads(TABLE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("No calibration of suggestion scores (%s): raw scores are shown.", err)
        return {}
    curves = {}
    for kind in KINDS:
        for position in POSITIONS:
            points = (data.get(kind) or {}).get(position) or {}
            xs, ys = list(points.get("raw", [])), list(points.get("right", []))
            if xs and len(xs) == len(ys) and xs == sorted(xs):
                curves[kind, position] = (xs, ys)
    return curves


def calibrate(kind: str, raw_scores: list[float]) -> list[float]:
    """Calibrated scores for the raw scores of suggestions as shown, best first."""
    shown: list[float] = []
    for i, raw in enumerate(raw_scores):
        share = share_right(kind, raw, first=i == 0)
        shown.append(min(share, shown[-1]) if shown else share)
    return shown


def share_right(kind: str, raw: float, *, first: bool = True) -> float:
    """The calibrated score for a raw score: about this share of such suggestions (first
    shown, or below the first) are right."""
    curve = _curves().get((kind, "first" if first else "rest"))
    if curve is None:
        return round(raw, 3)
    xs, ys = curve
    if raw <= xs[0]:
        return round(ys[0], 3)
    if raw >= xs[-1]:
        return round(ys[-1], 3)
    i = bisect.bisect_right(xs, raw)
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    share = y0 if x1 == x0 else y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
    return round(share, 3)


def reload() -> None:
    """Read calibration.json again (after a fit)."""
    _curves.cache_clear()
