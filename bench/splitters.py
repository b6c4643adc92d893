"""Benchmark sentence splitters on the seed articles: counts, exact offsets, errors, speed.

Compares our splitter (`tracker.text.splitting`: pysbd one line at a time, plus our rules) with
pysbd fed the whole text and with ICU's sentence BreakIterator (PyICU, when installed).
Run from the repository root: `python bench/splitters.py`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    # Run as a plain script from a checkout that is not installed into the environment.
    sys.path.insert(0, str(ROOT))

import pysbd  # noqa: E402

from tracker.text.splitting import split_sentences  # noqa: E402

try:
    import icu
except ImportError:
    icu = None

SEEDS = {
    "de": (ROOT / "seeds" / "de-openai-talent-exodus.txt").read_text(encoding="utf-8"),
    "zh": (ROOT / "seeds" / "zh-openai-leadership-shakeup.txt").read_text(encoding="utf-8"),
}
MEGABYTE = 1_000_000
EMOJI_PROBE = "😀 Erster Satz. 😀 Zweiter Satz."
LIST_MARKERS = "•◦‣▪▫●○■□◆◇·・-–*"
SHOWN_DIFFERENCES = 10
# Cases the seeds lack or hold only once: what each splitter makes of them.
PROBES = [
    ("de", "Er kam z.B. am 3. Oktober mit Dr. Müller und ca. 30 Leuten. Dann ging er."),
    ("de", 'Er sagte: "Nein." Dann ging er.'),
    ("zh", "“好！”他笑了。"),
    ("zh", "他說：“走吧。”我們走了。"),
]

Spans = list[tuple[int, int]]


def ours(text: str, language: str) -> Spans:
    return [(s.start, s.end) for s in split_sentences(text, language)]


def pysbd_whole(text: str, language: str) -> Spans:
    segmenter = pysbd.Segmenter(language=language, clean=False, char_span=True)
    return [(s.start, s.end) for s in segmenter.segment(text)]


def icu_sentences(text: str, language: str) -> Spans:
    iterator = icu.BreakIterator.createSentenceInstance(icu.Locale(language))
    iterator.setText(text)
    boundaries = [iterator.first(), *iterator]
    # ICU counts UTF-16 code units: every character outside the BMP (emoji) counts twice.
    code_points = _utf16_to_code_points(text, boundaries)
    return list(zip(code_points, code_points[1:], strict=False))


def icu_sentences_utf16(text: str, language: str) -> Spans:
    """ICU's offsets used as they come, to show what skipping the conversion costs."""
    iterator = icu.BreakIterator.createSentenceInstance(icu.Locale(language))
    iterator.setText(text)
    boundaries = [iterator.first(), *iterator]
    return list(zip(boundaries, boundaries[1:], strict=False))


def _utf16_to_code_points(text: str, boundaries: list[int]) -> list[int]:
    result = []
    units = 0
    index = 0
    for boundary in boundaries:
        while units < boundary:
            units += 2 if ord(text[index]) > 0xFFFF else 1
            index += 1
        result.append(index)
    return result


def normalise(text: str, spans: Spans) -> Spans:
    """Spans trimmed of whitespace and of a line-leading list marker, empty ones dropped."""
    result = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        at_line_start = start == 0 or text[:start].rstrip(" \t").endswith(("\n", "\r"))
        if (
            at_line_start
            and start < end
            and text[start] in LIST_MARKERS
            and (start + 1 == end or text[start + 1].isspace())
        ):
            start += 1
            while start < end and text[start].isspace():
                start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            result.append((start, end))
    return result


def is_exact(text: str, spans: Spans, sentences: list[str] | None = None) -> bool:
    """Spans in order, inside the text, covering every non-whitespace character once
    (line-leading list markers aside), and matching the splitter's own strings if it has any."""
    if sentences is not None and [text[s:e] for s, e in spans] != sentences:
        return False
    covered = [False] * len(text)
    previous = 0
    for start, end in spans:
        if not previous <= start <= end <= len(text):
            return False
        for i in range(start, end):
            covered[i] = True
        previous = end
    markers = line_leading_markers(text)
    return all(covered[i] or text[i].isspace() or i in markers for i in range(len(text)))


def line_leading_markers(text: str) -> set[int]:
    """Positions of list markers (`•`, `-`, ...) that open a line and are followed by a space."""
    positions = set()
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped and stripped[0] in LIST_MARKERS and stripped[1:2] in ("", *" \t\r\n"):
            positions.add(offset + len(line) - len(stripped))
        offset += len(line)
    return positions


def differences(text: str, reference: Spans, other: Spans) -> list[str]:
    """Where `other` puts a sentence start that `reference` does not, and the reverse."""
    ours_starts = {s for s, _ in normalise(text, reference)}
    their_starts = {s for s, _ in normalise(text, other)}
    result = []
    for position in sorted(ours_starts ^ their_starts):
        before = text[max(0, position - 22) : position].replace("\n", "⏎")
        after = text[position : position + 18].replace("\n", "⏎")
        kind = "splits" if position in their_starts else "joins"
        result.append(f"{kind} at {position:>5}: …{before}|{after}…")
    return result


def megabyte(language: str) -> str:
    base = SEEDS[language] + "\n"
    return base * (MEGABYTE // len(base) + 1)


def timed(split: Callable[[str, str], Spans], text: str, language: str) -> float:
    began = time.perf_counter()
    split(text, language)
    return time.perf_counter() - began


def main() -> None:
    splitters: list[tuple[str, Callable[[str, str], Spans], bool]] = [
        ("ours: pysbd per line", ours, True),
        ("pysbd whole text", pysbd_whole, False),
    ]
    if icu is None:
        print("PyICU not installed: ICU BreakIterator skipped (pip install pyicu).")
    else:
        print(f"PyICU {icu.VERSION}, ICU {icu.ICU_VERSION}; pysbd {pysbd.__version__}")
        splitters.append(("ICU BreakIterator", icu_sentences, True))
    print(f"1 MB text: each seed repeated to {MEGABYTE:,}+ characters, split with its language.")
    print()
    header = (
        f"{'splitter':<22} {'seed':<4} {'sentences':>9} {'exact':>5} {'emoji':>5} "
        f"{'diffs':>5} {'seed s':>7} {'1 MB s':>7} {'chars/s':>9}"
    )
    print(header)
    print("-" * len(header))
    listings = []
    for name, split, fast in splitters:
        for language, text in SEEDS.items():
            spans = split(text, language)
            sentences = None
            if split is pysbd_whole:
                segmenter = pysbd.Segmenter(language=language, clean=False, char_span=True)
                sentences = [s.sent for s in segmenter.segment(text)]
            exact = is_exact(text, spans, sentences)
            probe = normalise(EMOJI_PROBE, split(EMOJI_PROBE, language))
            emoji_exact = [EMOJI_PROBE[s:e] for s, e in probe] == [
                "😀 Erster Satz.",
                "😀 Zweiter Satz.",
            ]
            seed_seconds = timed(split, text, language)
            diff = [] if split is ours else differences(text, ours(text, language), spans)
            if fast:
                big = megabyte(language)
                seconds = timed(split, big, language)
                big_time, rate = f"{seconds:7.2f}", f"{len(big) / seconds / 1000:8.0f}k"
            else:
                big_time, rate = "skipped", "-"
            print(
                f"{name:<22} {language:<4} {len(normalise(text, spans)):>9} "
                f"{'yes' if exact else 'NO':>5} {'yes' if emoji_exact else 'NO':>5} "
                f"{len(diff) if split is not ours else '-':>5} {seed_seconds:7.3f} "
                f"{big_time:>7} {rate:>9}"
            )
            if diff:
                listings.append((name, language, diff))
    if icu is not None:
        spans = icu_sentences_utf16(EMOJI_PROBE, "de")
        print()
        print(
            f"ICU's UTF-16 offsets used unconverted on {EMOJI_PROBE!r}: "
            + " | ".join(repr(EMOJI_PROBE[s:e]) for s, e in spans)
        )
    print()
    print("Probes (sentences separated by ' | '):")
    for language, text in PROBES:
        print(f"  {language} {text}")
        for name, split, _ in splitters:
            found = " | ".join(text[s:e] for s, e in normalise(text, split(text, language)))
            print(f"      {name:<22} {found}")
    print()
    print("Differences from our split (splits = a sentence start we do not have; joins = one")
    print("of ours it lacks; '|' marks the place; list markers and whitespace are ignored):")
    for name, language, diff in listings:
        print(f"\n{name}, {language}: {len(diff)} differences")
        for line in diff[:SHOWN_DIFFERENCES]:
            print(f"  {line}")


if __name__ == "__main__":
    main()
