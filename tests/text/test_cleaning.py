"""The input rule on strings: NUL and lone surrogates refused, invisible-only text empty."""

from __future__ import annotations

import pytest

from tracker.text.cleaning import UnstorableText, clean_input, clean_tree, has_bidi_controls

#: Each made only of characters a reader cannot see.
INVISIBLE = [
    "",
    "   ",
    "\u200b",  # zero-width space
    "\u200c\u200d",  # zero-width non-joiner, joiner
    "\u200e\u200f",  # left-to-right, right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e",  # embeddings and overrides
    "\u2066\u2067\u2068\u2069",  # isolates
    "\ufeff",  # byte order mark
    "\u2060\u00ad\u034f\u061c",  # word joiner, soft hyphen, grapheme joiner, Arabic mark
    "\u3164\u115f\uffa0",  # Hangul fillers
    "\ufe0f\U000e0041",  # variation selector, tag
    " \u200b\t\u3000\u202e\n",
]
VISIBLE = ["a", "\u200bSatz", "👩\u200d💻", "\u202eabc", "聯合", " x "]


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_text_counts_as_empty(text):
    assert clean_input(text) == ""


@pytest.mark.parametrize("text", VISIBLE)
def test_visible_text_is_kept_exactly(text):
    assert clean_input(text) == text


@pytest.mark.parametrize("text", ["admin\x00", "\x00", "a\ud800b", "\udfff", "x\udc80"])
def test_nul_and_lone_surrogates_are_refused(text):
    with pytest.raises(UnstorableText) as info:
        clean_input(text, "username")
    assert info.value.field == "username" and "NUL" in str(info.value)


def test_a_paired_surrogate_is_an_ordinary_character():
    assert clean_input("😀") == "😀"


def test_a_tree_names_the_top_level_field_and_empties_blank_strings():
    data = {"statement": "\u200b", "subjects": ["A", "\u2066"], "nested": {"x": [" \ufeff"]}}
    assert clean_tree(data) == {"statement": "", "subjects": ["A", ""], "nested": {"x": [""]}}
    assert data["statement"] == "\u200b" and data["nested"] == {"x": [" \ufeff"]}  # a copy
    assert clean_tree([1, "b", None, [2.5, "\u200b"]]) == [1, "b", None, [2.5, ""]]
    with pytest.raises(UnstorableText) as info:
        clean_tree({"ok": "fine", "qualifiers": {"as_of": ["2024", "\x00"]}})
    assert info.value.field == "qualifiers"
    with pytest.raises(UnstorableText) as info:
        clean_tree({"a\x00b": 1})
    assert info.value.field == "ab"


def test_a_deep_tree_does_not_recurse():
    data: list = []
    inner = data
    for _ in range(100_000):
        inner.append([])
        inner = inner[0]
    inner.append("\x00")
    with pytest.raises(UnstorableText):
        clean_tree({"deep": data})


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("https://example.org/\u202egpj.exe", True),
        ("https://exa\u200emple.org/", True),
        ("https://example.org/\u2067x", True),
        ("https://example.org/\u061c", True),
        ("https://example.org/עברית", False),
        ("https://example.org/a\u200bb", False),
    ],
)
def test_bidi_controls_are_found(text, found):
    assert has_bidi_controls(text) is found
