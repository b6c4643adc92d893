"""Split an article into sentences with exact offsets into its verbatim text.

pysbd (pragmatic segmenter) decides where sentences end inside a line; the rules around it are
ours, each one because pysbd or the articles needed it:

- A line break always ends a sentence: headlines, bullet lines and paragraphs never join.
- A list marker that opens a line (`•`, `-`, `*`, ... followed by a space) is not part of the
  sentence: the sentence is the text after it. So the invariant is: every non-whitespace
  character lies in exactly one span, except such line-leading list markers.
- Closing quotes and brackets belong to the sentence they close: pysbd sometimes starts the next
  sentence with them (`...gegründet.` + `"`, `“好！` + `”他笑了。`).
- A quotation that opens a sentence and is followed directly (no space) by more text is one
  sentence with it: `“好！”他笑了。` is one sentence, the speech and who said it. A quote
  closing a sentence that began before it still ends it: `他說：“走吧。”我們走了。` is two.
- An ASCII `?` or `!` with no whitespace after it does not end a sentence. Latin text always
  puts a space after them, so without one they are part of something else: a URL, a name
  (`Yahoo!News`) or mojibake such as `適當?shù)膶…` in the Chinese seed. Cost: Chinese written
  with half-width punctuation (`你好嗎?我很好。`) stays one sentence there; full-width `？`/`！`
  split as usual.
- A sentence never starts with a lowercase letter (`im 19. Jh. in Wien`), with a number after a
  numbering abbreviation (`Abs. 3`, `Fig. 2`), or inside a pinyin gloss; a lone list number
  (`2.`) joins the sentence after it.

pysbd slows down sharply on long inputs, so it only ever sees one line, and lines longer than
`_CHUNK` characters in overlapping pieces (see `_sentence_starts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pysbd
from pysbd.languages import LANGUAGE_CODES

from tracker.text.glosses import find_glosses


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # Python str index into the verbatim text (code points, not bytes / UTF-16)
    end: int


# A line longer than this is fed to pysbd in pieces: its running time grows much faster than
# the input (a 1 MB text fed whole takes minutes).
_CHUNK = 5_000
# Boundaries pysbd finds this close to a piece's cut are decided again in the next piece, where
# they have their right-hand context.
_CONTEXT = 300

_LIST_MARKERS = frozenset("•◦‣▪▫●○■□◆◇·・-–*")
_TERMINALS = frozenset(".!?。！？…‼⁇⁈⁉．｡")
# Any quote or closing bracket: moved to the previous sentence when detached from what follows.
_CLOSERS = frozenset("\"'”’“‘«»‹›)]}）」』】》〉〕〗")
# Characters that only ever close: moved even when text follows directly (CJK has no spaces).
_TIGHT_CLOSERS = frozenset("”’)]}）」』】》〉〕〗")
_OPENERS = frozenset("\"'“‘„‚«»‹›([{（「『【《〈〔〖")
_QUOTE_OPENERS = frozenset("\"'“‘„‚«»‹›「『")
# Quote marks other than those that double as apostrophes.
_QUOTE_MARKS = frozenset('"“”„«»‹›「」『』')
_CLOSING_RUN = _TERMINALS | _CLOSERS
_TIGHT_RUN = _TERMINALS | _TIGHT_CLOSERS
# Full stops that end a sentence whatever follows: CJK sentences may start with a lowercase
# latin word (`emm……`, `iPhone`).
_CJK_TERMINALS = frozenset("。！？｡．")
# Abbreviations that stand before a number (`Abs. 3`, `Fig. 2`) and that pysbd splits after.
_NUMBER_ABBREVIATIONS = frozenset(
    {"Abb", "Abs", "Anm", "Art", "Bd", "Bl", "Fig", "Jg", "Kap", "Nr", "No", "Rn", "Rz", "S"}
    | {"Sp", "Tab", "Tz", "Vol", "Ziff", "bzw", "ca", "vgl", "p", "pp"}
)
_LIST_NUMBER_RE = re.compile(r"\(?(?:\d{1,3}|[A-Za-z]|[ivxlcdm]{1,6})[.)]")
_LAST_WORD_RE = re.compile(r"(\w+)\.\Z")


def split_sentences(text: str, language: str | None = None) -> list[Span]:
    """The sentences of `text` as spans, in order; `language` is a code such as `de`, `zh-Hant`.

    Languages pysbd does not know are split with its English rules.
    """
    segmenter = _segmenter(_pysbd_language(language))
    spans: list[Span] = []
    line_start = 0
    for line in text.splitlines(keepends=True):
        content_start, content_end = _line_content(line)
        if content_start < content_end:
            content = line[content_start:content_end]
            offset = line_start + content_start
            for start, end in _split_line(content, segmenter):
                spans.append(Span(offset + start, offset + end))
        line_start += len(line)
    return spans


def _pysbd_language(language: str | None) -> str:
    if not language:
        return "en"
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGE_CODES else "en"


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    # Only its language rules are used (through `processor`), so one instance can be shared.
    return pysbd.Segmenter(language=language, clean=False)


def _line_content(line: str) -> tuple[int, int]:
    """Where the sentence text of a line starts and ends: no whitespace, no list marker."""
    end = len(line)
    while end and line[end - 1].isspace():
        end -= 1
    start = 0
    # A byte order mark opening a file is not part of the first sentence.
    while start < end and (line[start].isspace() or line[start] == "\ufeff"):
        start += 1
    if start < end and line[start] in _LIST_MARKERS:
        after = start + 1
        if after == end or line[after].isspace():
            start = after
            while start < end and line[start].isspace():
                start += 1
    return start, end


def _split_line(content: str, segmenter: pysbd.Segmenter) -> list[tuple[int, int]]:
    """Sentence spans of one line, given without surrounding whitespace or list marker."""
    starts = _sentence_starts(content, segmenter)
    segments = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(content)
        while content[end - 1].isspace():
            end -= 1
        segments.append((start, end))
    segments = _attach_closers(content, segments)
    in_gloss = {i for gloss in find_glosses(content) for i in range(gloss.start, gloss.end)}
    joined = [segments[0]]
    for start, end in segments[1:]:
        previous_start, previous_end = joined[-1]
        if start in in_gloss or _joins(content, previous_start, previous_end, start):
            joined[-1] = (previous_start, end)
        else:
            joined.append((start, end))
    return joined


def _sentence_starts(content: str, segmenter: pysbd.Segmenter) -> list[int]:
    """Where pysbd starts a sentence in `content`; always begins with 0."""
    if len(content) <= _CHUNK:
        return _pysbd_starts(content, segmenter)
    # Feed overlapping pieces: keep the boundaries well inside a piece and start the next piece
    # at the last one kept, so a cut never decides a boundary.
    starts = [0]
    position = 0
    while len(content) - position > _CHUNK:
        piece = content[position : position + _CHUNK]
        kept = [s for s in _pysbd_starts(piece, segmenter)[1:] if s <= _CHUNK - _CONTEXT]
        if not kept:
            kept = [_forced_start(piece)]
        starts.extend(position + s for s in kept)
        position += kept[-1]
    starts.extend(position + s for s in _pysbd_starts(content[position:], segmenter)[1:])
    return starts


def _pysbd_starts(content: str, segmenter: pysbd.Segmenter) -> list[int]:
    sentences = segmenter.processor(content).process()
    # pysbd returns sentence strings; its own offset search can miss sentences whose text it
    # changed and is quadratic. Count non-whitespace characters instead: the sentences hold the
    # line's non-whitespace characters in order, so the k-th one starts at a known count.
    positions = [i for i, ch in enumerate(content) if not ch.isspace()]
    starts = [0]
    count = 0
    for sentence in sentences[:-1]:
        count += sum(1 for ch in sentence if not ch.isspace())
        if count >= len(positions):
            break
        if positions[count] > starts[-1]:
            starts.append(positions[count])
    return starts


def _forced_start(piece: str) -> int:
    """A sentence start for a piece in which pysbd found none early enough."""
    limit = _CHUNK - _CONTEXT
    for i in range(limit, 0, -1):
        if piece[i - 1] in _CJK_TERMINALS and piece[i] not in _CLOSING_RUN:
            return i
    for i in range(limit, 0, -1):
        if piece[i - 1].isspace() and not piece[i].isspace():
            return i
    return limit


def _attach_closers(content: str, segments: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Move closing quotes, brackets and stray end punctuation to the sentence they close."""
    result = [segments[0]]
    for start, end in segments[1:]:
        previous_start, previous_end = result[-1]
        run = _run(content, start, end, _CLOSING_RUN)
        if run == end:
            # Nothing but punctuation: it ends the previous sentence (a lone closing `"`).
            result[-1] = (previous_start, end)
            continue
        if previous_end == start and content[start] in _CLOSERS:
            if not content[run].isspace():
                # Text follows directly: only characters that never open may move (`”他笑了`).
                run = _run(content, start, end, _TIGHT_RUN)
            if run > start:
                result[-1] = (previous_start, run)
                start = run
                while content[start].isspace():
                    start += 1
        result.append((start, end))
    return result


def _run(content: str, start: int, end: int, characters: frozenset[str]) -> int:
    """The end of the run of `characters` that starts at `start`."""
    while start < end and content[start] in characters:
        start += 1
    return start


def _joins(content: str, previous_start: int, previous_end: int, start: int) -> bool:
    """Whether the boundary between two segments of a line is not a sentence end after all."""
    last = content[previous_end - 1]
    first = content[start]
    touching = previous_end == start
    if touching and last in "?!":
        return True
    if (
        first.islower()
        and _final_terminal(content, previous_start, previous_end) not in _CJK_TERMINALS
    ):
        return True
    if touching and first not in _OPENERS and _is_quotation(content, previous_start, previous_end):
        return True
    if first.isdigit() and last == ".":
        word = _LAST_WORD_RE.search(content, previous_start, previous_end)
        if word and word.group(1) in _NUMBER_ABBREVIATIONS:
            return True
    return _LIST_NUMBER_RE.fullmatch(content, previous_start, previous_end) is not None


def _final_terminal(content: str, start: int, end: int) -> str:
    """The last character of a segment before any closing quotes or brackets."""
    while end > start + 1 and content[end - 1] in _CLOSERS:
        end -= 1
    return content[end - 1]


def _is_quotation(content: str, start: int, end: int) -> bool:
    """Whether a segment is one quotation ending in its own end punctuation: `“好！”`."""
    return (
        end - start >= 3
        and content[start] in _QUOTE_OPENERS
        and content[end - 1] in _CLOSERS
        and content[end - 2] in _CLOSING_RUN
        # One quotation, not `“好”，他說：“走吧。”`, whose last quote closes a longer sentence.
        and not any(ch in _QUOTE_MARKS for ch in content[start + 1 : end - 1])
    )
