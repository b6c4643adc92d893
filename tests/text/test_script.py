"""Traditional and simplified Chinese folded together for search."""

from __future__ import annotations

import threading
from pathlib import Path

from tracker.text.script import search_key, to_simplified

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
CHINESE = (SEEDS / "zh-openai-leadership-shakeup.txt").read_text(encoding="utf-8")


def test_simplified_seed_keeps_its_length() -> None:
    simplified = to_simplified(CHINESE)
    assert len(simplified) == len(CHINESE) == 2869
    assert sum(a != b for a, b in zip(CHINESE, simplified, strict=True)) == 525


def test_traditional_becomes_simplified() -> None:
    assert to_simplified("聯創辭職總裁休假") == "联创辞职总裁休假"
    assert to_simplified("联创辞职") == "联创辞职"
    assert to_simplified("OpenAI (約翰·舒曼) 😀") == "OpenAI (约翰·舒曼) 😀"
    assert to_simplified("") == ""


def test_search_key_matches_either_script_and_any_case() -> None:
    assert search_key("OpenAI 聯創") == search_key("openai 联创") == "openai 联创"


def test_search_key_may_change_length() -> None:
    # casefold turns ß into ss: the key is for matching, never for offsets.
    assert search_key("Straße") == "strasse"


def test_conversion_from_many_threads_agrees() -> None:
    expected = to_simplified(CHINESE)
    results: list[str] = []

    def convert() -> None:
        results.append(to_simplified(CHINESE))

    threads = [threading.Thread(target=convert) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 8
