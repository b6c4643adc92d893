"""Dates as people type them: YYYY, YYYY-MM or YYYY-MM-DD, in ASCII digits, on the calendar.

One reading for every date field (evidence and source dates, answer qualifiers, the activity
filters): year 0001 to 9999, month 01 to 12, a day the month has (no 2024-02-30). Python's
``\\d``, ``int()`` and ``strptime`` also take other scripts' digits (Arabic-Indic ``٢٠٢٤``);
these functions do not.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
FORMATS = "YYYY, YYYY-MM or YYYY-MM-DD"


class InvalidDate(ValueError):
    """Not a date on the calendar written YYYY, YYYY-MM or YYYY-MM-DD in ASCII digits."""


def _parts(text: str) -> tuple[int, int | None, int | None]:
    m = _PARTIAL.fullmatch(text)
    if m is None:
        raise InvalidDate(text)
    year = int(m[1])
    month = int(m[2]) if m[2] else None
    day = int(m[3]) if m[3] else None
    if year < 1 or (month is not None and not 1 <= month <= 12):
        raise InvalidDate(text)
    if day is not None and not 1 <= day <= calendar.monthrange(year, month or 1)[1]:
        raise InvalidDate(text)
    return year, month, day


def check_partial_date(text: str) -> str:
    """`text` (stripped) when it is YYYY, YYYY-MM or YYYY-MM-DD and on the calendar.

    :raises InvalidDate: otherwise.
    """
    text = text.strip()
    _parts(text)
    return text


def parse_date(text: str) -> date:
    """A full date, YYYY-MM-DD.

    :raises InvalidDate: for anything else, partial dates included.
    """
    year, month, day = _parts(text.strip())
    if month is None or day is None:
        raise InvalidDate(text)
    return date(year, month, day)


def date_range(text: str) -> tuple[date, date]:
    """The first and last day YYYY, YYYY-MM or YYYY-MM-DD covers.

    :raises InvalidDate: when `text` is not such a date.
    """
    year, month, day = _parts(text.strip())
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if day is None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, day), date(year, month, day)
