"""Find pinyin glosses such as `聯(lián)` and map offsets between verbatim and reading text.

Some Chinese articles print the reading of a character right after it, in parentheses. Readers
(and search, fuzzy matching, quoting) want the text without them, while every stored offset
points into the verbatim text. `strip_glosses` gives both: the reading text and a small map of
breakpoints from reading offsets back to verbatim offsets.

A gloss is a CJK character followed by `(` or `（`, latin letters with at least one tone-marked
vowel (or `ü`), and `)` or `）`. The CJK character is not part of the gloss: only the
parenthesised reading is removed. `(約翰·舒曼)` (not latin) and `Adept AI (von Amazon
übernommen)` (not after a CJK character, has spaces) are not glosses.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

# Unified ideographs, extension A, compatibility ideographs, the supplementary planes, and 〇.
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Precomposed tone-marked vowels, plus ü: the brief for this module counts ü as marking a
# pinyin syllable too. NFD input carries the marks as combining characters instead.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛÜ"
_COMBINING_MARKS = "\u0300\u0301\u0304\u0308\u030c"
_LETTERS = f"A-Za-z{_TONED}{_COMBINING_MARKS}"

_GLOSS_RE = re.compile(
    rf"(?<=[{_CJK}])[(（](?P<reading>[{_LETTERS}]*[{_TONED}{_COMBINING_MARKS}][{_LETTERS}]*)[)）]"
)


@dataclass(frozen=True, slots=True)
class Gloss:
    start: int  # verbatim offset of the opening parenthesis
    end: int  # verbatim offset just after the closing parenthesis
    reading: str  # the pinyin inside, e.g. "lián"


def find_glosses(text: str) -> list[Gloss]:
    """Every pinyin gloss in `text`, in order."""
    if "(" not in text and "（" not in text:
        return []
    return [Gloss(m.start(), m.end(), m.group("reading")) for m in _GLOSS_RE.finditer(text)]


@dataclass(frozen=True, slots=True)
class ReadingText:
    """Text without glosses, and how to get from its offsets back to the verbatim text.

    `offset_map` holds breakpoints `(reading_offset, verbatim_offset)`: the first is
    `(0, start)`, then one after each removed gloss. Between breakpoints the two texts advance
    together. Verbatim offsets strictly increase; reading offsets never decrease (two equal
    reading offsets only when the range starts with a gloss).
    """

    text: str
    offset_map: tuple[tuple[int, int], ...]

    def __post_init__(self) -> None:
        # Accept the lists that come back from JSON, so a stored map round-trips unchanged.
        pairs = tuple((int(r), int(v)) for r, v in self.offset_map)
        if not pairs or pairs[0][0] != 0:
            raise ValueError("offset_map must start with a breakpoint at reading offset 0")
        for (r0, v0), (r1, v1) in zip(pairs, pairs[1:], strict=False):
            if r1 < r0 or v1 - v0 <= r1 - r0:
                raise ValueError("offset_map breakpoints must each skip a removed gloss")
        if pairs[-1][0] > len(self.text):
            raise ValueError("offset_map points past the end of the reading text")
        object.__setattr__(self, "offset_map", pairs)

    @property
    def verbatim_end(self) -> int:
        """The verbatim offset just after the range this text was made from."""
        r, v = self.offset_map[-1]
        return v + len(self.text) - r

    def to_verbatim(self, index: int) -> int:
        """The verbatim offset of reading offset `index` (`len(text)` gives the range's end).

        :raises IndexError: if `index` is outside `0..len(text)`.
        """
        if not 0 <= index <= len(self.text):
            raise IndexError(f"reading offset {index} outside 0..{len(self.text)}")
        # The last breakpoint at or before index: after a gloss, not before it, so a character
        # followed by a gloss ends after its gloss.
        r, v = self.offset_map[bisect_right(self.offset_map, index, key=_reading_key) - 1]
        return v + index - r

    def to_reading(self, verbatim_index: int) -> int:
        """The reading offset of a verbatim offset; inside a gloss, the gloss start's position.

        :raises IndexError: if `verbatim_index` is outside the range this text was made from.
        """
        first = self.offset_map[0][1]
        if not first <= verbatim_index <= self.verbatim_end:
            raise IndexError(
                f"verbatim offset {verbatim_index} outside {first}..{self.verbatim_end}"
            )
        i = bisect_right(self.offset_map, verbatim_index, key=_verbatim_key) - 1
        r, v = self.offset_map[i]
        limit = self.offset_map[i + 1][0] if i + 1 < len(self.offset_map) else len(self.text)
        # Past the next gloss's start the reading offset stands still until the gloss ends.
        return min(r + verbatim_index - v, limit)


def _reading_key(pair: tuple[int, int]) -> int:
    return pair[0]


def _verbatim_key(pair: tuple[int, int]) -> int:
    return pair[1]


def strip_glosses(
    text: str, glosses: Sequence[Gloss], start: int = 0, end: int | None = None
) -> ReadingText:
    """The reading text of `text[start:end]`, its map holding absolute verbatim offsets.

    `glosses` are those of the whole `text` (from `find_glosses`), sorted; only glosses lying
    wholly inside the range are removed, so a range that cuts a gloss keeps its pieces.
    """
    if end is None:
        end = len(text)
    if not 0 <= start <= end <= len(text):
        raise IndexError(f"range {start}..{end} outside 0..{len(text)}")
    pieces: list[str] = []
    offset_map: list[tuple[int, int]] = [(0, start)]
    reading_length = 0
    position = start
    first = bisect_left(glosses, start, key=_gloss_start_key)
    for gloss in glosses[first:]:
        if gloss.end > end:
            break
        pieces.append(text[position : gloss.start])
        reading_length += gloss.start - position
        position = gloss.end
        offset_map.append((reading_length, position))
    pieces.append(text[position:end])
    return ReadingText("".join(pieces), tuple(offset_map))


def _gloss_start_key(gloss: Gloss) -> int:
    return gloss.start
