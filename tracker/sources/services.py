"""Importing source articles and reading them back: the actions views, API and CLI share."""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import langcodes
import py3langid
import sqlalchemy as sa
from sqlalchemy.orm import load_only, selectinload

from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.core import db, textsearch, unique
from tracker.core.errors import Duplicate, InvalidInput, NotFound, TooLarge
from tracker.core.pagination import Page, paginate
from tracker.sources.models import Sentence, Source
from tracker.text.cleaning import has_bidi_controls, is_blank
from tracker.text.dates import InvalidDate, parse_date
from tracker.text.glosses import find_glosses, strip_glosses
from tracker.text.script import search_key
from tracker.text.splitting import split_sentences

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_TITLE_LENGTH = 500
MAX_URL_LENGTH = 2048


@dataclass(frozen=True)
class SourceMetadata:
    """What the importer may be told about an article besides its text; all optional."""

    title: str | None = None
    language: str | None = None
    url: str | None = None
    published: str | date | None = None


def decode_text(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode an uploaded file as UTF-8, strictly.

    :raises TooLarge: over `max_bytes`.
    :raises InvalidInput: when the bytes are not UTF-8.
    """
    check_size(len(data), max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InvalidInput(
            f"The file is not UTF-8 text (byte 0x{bad} at position {exc.start} cannot be "
            "decoded). Save it as UTF-8 and try again.",
            {"text": "not UTF-8"},
        ) from None


def check_size(size: int, max_bytes: int) -> None:
    """:raises TooLarge: when `size` bytes is over the limit."""
    if size > max_bytes:
        raise TooLarge(
            f"The text is {size:,} bytes; the largest accepted is {max_bytes:,} bytes.",
            {"text": "too large"},
        )


def check_text(text: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """:raises InvalidInput, TooLarge: for an empty, binary or oversized text."""
    if not text or is_blank(text):
        raise InvalidInput("The text is empty.", {"text": "empty"})
    if "\x00" in text:
        raise InvalidInput(
            "The text contains NUL characters; it looks like a binary file, not an article.",
            {"text": "binary"},
        )
    check_size(len(text.encode("utf-8")), max_bytes)


def default_title(text: str) -> str:
    """The article's first non-empty line, its headline, as a reader sees it (no glosses)."""
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            clean = strip_glosses(line, find_glosses(line)).text.strip()
            return _shorten(clean, MAX_TITLE_LENGTH)
    return "Untitled"


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def normalise_language(code: str) -> str:
    """A BCP 47 tag in its standard form (``DE`` -> ``de``, ``zh-hant`` -> ``zh-Hant``).

    :raises InvalidInput: for a code no registry knows.
    """
    code = code.strip()
    if not langcodes.tag_is_valid(code):
        raise InvalidInput(
            f"{code!r} is not a known language code; use a BCP 47 tag such as de, zh, "
            "zh-Hant, en or pt-BR.",
            {"language": "unknown"},
        )
    return langcodes.standardize_tag(code)


def detect_language(text: str) -> str:
    """The most likely language of an article, as an ISO 639-1 code."""
    code, _score = py3langid.classify(text[:20000])
    return str(code)


def check_url(url: str) -> str:
    """:raises InvalidInput: unless `url` is an absolute http(s) address, without control
    characters or bidirectional controls (which make a link read other than it goes)."""
    url = url.strip()
    if has_bidi_controls(url) or any(unicodedata.category(c) == "Cc" for c in url):
        raise InvalidInput(
            "The address holds invisible direction or control characters (such as U+202E, "
            "which shows the text after it reversed); type it again without them.",
            {"url": "invalid"},
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a malformed port)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or re.search(r"\s", url)
        or len(url) > MAX_URL_LENGTH
    ):
        raise InvalidInput(
            f"{_shorten(url, 80)!r} is not a web address; give an absolute http:// or https:// "
            f"URL of at most {MAX_URL_LENGTH} characters.",
            {"url": "invalid"},
        )
    return url


def check_date(value: str | date) -> date:
    """:raises InvalidInput: unless `value` is a date or a real one written YYYY-MM-DD in
    ASCII digits."""
    if isinstance(value, date):
        return value
    try:
        return parse_date(value)
    except InvalidDate:
        raise InvalidInput(
            f"{_shorten(value, 40)!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-08-06.",
            {"published": "invalid"},
        ) from None


def find_by_text(text: str) -> Source | None:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return db.session.scalar(
        sa.select(Source).options(load_only(Source.id, Source.title)).where(Source.sha256 == digest)
    )


def import_source(
    text: str,
    meta: SourceMetadata | None = None,
    *,
    actor: User | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Source:
    """Store an article verbatim and split it into sentences with exact offsets.

    Every field is checked before anything is written; the caller commits once.

    :raises InvalidInput: for an empty text or a bad language, URL, date or title.
    :raises TooLarge: when the text is over `max_bytes`.
    :raises Duplicate: when the same text (same SHA-256) was imported before.
    """
    meta = meta or SourceMetadata()
    check_text(text, max_bytes)
    errors: dict[str, str] = {}
    messages: list[str] = []

    def collect(check: Any, value: Any) -> Any:
        try:
            return check(value)
        except InvalidInput as exc:
            errors.update(exc.fields)
            messages.append(exc.message)
            return None

    title = (meta.title or "").strip() or default_title(text)
    if len(title) > MAX_TITLE_LENGTH:
        errors["title"] = "too long"
        messages.append(f"A title has at most {MAX_TITLE_LENGTH} characters.")
    language = collect(normalise_language, meta.language) if meta.language else None
    url = collect(check_url, meta.url) if meta.url and meta.url.strip() else None
    published = None
    if meta.published and (not isinstance(meta.published, str) or meta.published.strip()):
        published = collect(check_date, meta.published)
    if errors:
        raise InvalidInput(" ".join(messages), errors)

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()

    def find_existing() -> int | None:
        return db.session.scalar(sa.select(Source.id).where(Source.sha256 == digest))

    def duplicate(existing: int) -> Duplicate:
        return Duplicate(
            f"This text was imported before, as source #{existing}.", existing, {"text": "dup"}
        )

    if (existing := find_existing()) is not None:
        raise duplicate(existing)

    is_detected = language is None
    if language is None:
        language = detect_language(text)

    spans = split_sentences(text, language.split("-")[0])
    glosses = find_glosses(text)
    source = Source(
        title=title,
        text=text,
        sha256=digest,
        language=language,
        is_language_detected=is_detected,
        url=url,
        published=published,
        char_count=len(text),
        sentence_count=len(spans),
        gloss_count=len(glosses),
        imported_by=actor,
    )
    # The same text imported at the same moment by someone else: theirs is the source.
    unique.insert_or_refuse(lambda: db.session.add(source), find_existing, duplicate)

    gloss_starts = [g.start for g in glosses]
    rows = []
    for index, span in enumerate(spans):
        inside = glosses[
            bisect.bisect_left(gloss_starts, span.start) : bisect.bisect_left(
                gloss_starts, span.end
            )
        ]
        reading = strip_glosses(text, inside, span.start, span.end) if inside else None
        reading_text = reading.text if reading else text[span.start : span.end]
        rows.append(
            {
                "source_id": source.id,
                "index": index,
                "start": span.start,
                "end": span.end,
                "reading_text": reading_text,
                "search_text": search_key(reading_text),
                "glosses": [[g.start, g.end, g.reading] for g in inside],
            }
        )
    if rows:
        db.session.execute(sa.insert(Sentence), rows)
    audit.record(
        actor,
        "source",
        source.id,
        AuditAction.create,
        snapshot={
            "title": title,
            "language": language,
            "url": url,
            "published": published,
            "sha256": digest,
            "sentences": len(spans),
        },
    )
    db.session.flush()
    return source


def list_sources(page: int = 1, per_page: int = 50) -> Page[Source]:
    """Sources, newest first, without their (possibly large) texts."""
    stmt = (
        sa.select(Source)
        .options(
            load_only(
                Source.id,
                Source.title,
                Source.language,
                Source.url,
                Source.published,
                Source.char_count,
                Source.sentence_count,
                Source.gloss_count,
                Source.imported_at,
            ),
            selectinload(Source.imported_by),
        )
        .order_by(Source.imported_at.desc(), Source.id.desc())
    )
    return paginate(stmt, page, per_page)


def get_source(source_id: int, *, with_sentences: bool = False) -> Source:
    """:raises NotFound: when there is no such source."""
    stmt = sa.select(Source).where(Source.id == source_id)
    if with_sentences:
        stmt = stmt.options(selectinload(Source.sentences), selectinload(Source.imported_by))
    source = db.session.scalar(stmt)
    if source is None:
        raise NotFound(f"There is no source #{source_id}.")
    return source


def list_sentences(source_id: int, page: int = 1, per_page: int = 500) -> Page[Sentence]:
    """A source's sentences in order.

    :raises NotFound: when there is no such source.
    """
    get_source(source_id)  # loads the text once; each sentence slices it from the identity map
    stmt = sa.select(Sentence).where(Sentence.source_id == source_id).order_by(Sentence.index)
    return paginate(stmt, page, per_page)


def search_sentences(query: str, page: int = 1, per_page: int = 50) -> Page[Sentence]:
    """Sentences whose reading text contains `query`.

    Pinyin glosses are ignored, case is ignored, and traditional and simplified Chinese match
    each other.
    """
    query = query.strip()
    if not query:
        return Page(items=[], total=0, page=page, per_page=per_page)
    match = textsearch.find(Sentence.search_text, query)
    stmt = (
        sa.select(Sentence)
        .where(match.condition)
        .options(selectinload(Sentence.source).load_only(Source.id, Source.title, Source.language))
        .order_by(*match.order_by(Sentence.source_id.desc(), Sentence.index.asc()))
    )
    return paginate(stmt, page, per_page)


@dataclass(frozen=True)
class ReadingLine:
    """A sentence as the reading view lays it out."""

    sentence: Sentence
    #: True when a line break precedes the sentence in the verbatim text.
    starts_paragraph: bool
    #: A list marker (``•``, ``-``) that stands before the sentence but outside its span.
    marker: str


def reading_layout(source: Source) -> list[ReadingLine]:
    """The source's sentences with the paragraph breaks and list markers between them."""
    lines: list[ReadingLine] = []
    previous_end = 0
    for sentence in source.sentences:
        gap = source.text[previous_end : sentence.start]
        lines.append(
            ReadingLine(
                sentence=sentence,
                starts_paragraph=not lines or "\n" in gap,
                marker=gap.strip(),
            )
        )
        previous_end = sentence.end
    return lines
