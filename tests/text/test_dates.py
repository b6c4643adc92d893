"""Dates as typed: on the calendar, YYYY / YYYY-MM / YYYY-MM-DD, ASCII digits only."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.text.dates import InvalidDate, check_partial_date, date_range, parse_date

BAD = [
    "2024-02-30",
    "2023-02-29",
    "2024-04-31",
    "2024-13",
    "2024-00",
    "2024-01-00",
    "0000",
    "0000-01-01",
    "٢٠٢٤",  # Arabic-Indic digits
    "٢٠٢٤-٠١-٠١",
    "２０２４",  # full-width digits
    "2024-1-5",
    "24",
    "20245",
    "2024/01/05",
    "2024-01-05T00:00",
    "",
    "²⁰²⁴",
]


@pytest.mark.parametrize("text", BAD)
def test_impossible_or_foreign_dates_are_refused(text):
    with pytest.raises(InvalidDate):
        check_partial_date(text)
    with pytest.raises(InvalidDate):
        date_range(text)


@pytest.mark.parametrize("text", ["2024", "2024-02", "2024-02-29", "0001-01-01", "9999-12-31"])
def test_real_dates_are_kept(text):
    assert check_partial_date(f" {text} ") == text


def test_a_partial_date_covers_its_days():
    assert date_range("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert date_range("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_range("2023-02") == (date(2023, 2, 1), date(2023, 2, 28))
    assert date_range("2024-02-10") == (date(2024, 2, 10), date(2024, 2, 10))


def test_a_full_date_needs_all_three_parts():
    assert parse_date("2024-08-06") == date(2024, 8, 6)
    for text in ("2024", "2024-08", "2024-02-30", "٢٠٢٤-٠٨-٠٦"):
        with pytest.raises(InvalidDate):
            parse_date(text)
