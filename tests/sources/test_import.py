"""Importing articles: verbatim storage, exact sentence offsets, languages, and refusals."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker.core import db
from tracker.core.errors import Duplicate, InvalidInput, TooLarge
from tracker.sources import services
from tracker.sources.models import Sentence, Source
from tracker.sources.services import SourceMetadata
from tracker.text.glosses import find_glosses, strip_glosses

ROOT = Path(__file__).resolve().parents[2]
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FILES = {
    "de-openai-talent-exodus.txt": "000_099c5e9c44fb6f76.txt",
    "zh-openai-leadership-shakeup.txt": "004_882aa1354f71f25a.txt",
}
SEED_SHA256 = {
    "de-openai-talent-exodus.txt": "c8a30d12ad6059bd57a200813d415c4dfbc144298a9068f75848eb6ed8d776dd",
    "zh-openai-leadership-shakeup.txt": "d4f470c2cf2d9c9d1619fd1283f1a4b3d3f7e49677b639eaae5745283499dd54",
}


@pytest.mark.parametrize("name", sorted(SEED_FILES))
def test_seed_files_are_byte_identical_to_the_originals(name: str) -> None:
    ours = hashlib.sha256((ROOT / "seeds" / name).read_bytes()).hexdigest()
    assert ours == SEED_SHA256[name]
    original = SHARED_SEEDS / SEED_FILES[name]
    if original.exists():  # beside a checkout of the project, as on CI
        assert hashlib.sha256(original.read_bytes()).hexdigest() == ours


@pytest.mark.parametrize(
    ("name", "language", "glosses"),
    [("de-openai-talent-exodus.txt", "de", 0), ("zh-openai-leadership-shakeup.txt", "zh", 58)],
)
def test_seed_imports_verbatim_with_exact_offsets(app_ctx, seed_text, name, language, glosses):
    text = seed_text(name)
    source = services.import_source(text, actor=None)
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(Source, source.id)
    assert stored.text == text
    assert stored.sha256 == SEED_SHA256[name]
    assert stored.language == language and stored.is_language_detected
    assert stored.title == strip_glosses(text, find_glosses(text), 0, text.index("\n")).text
    assert stored.gloss_count == glosses
    sentences = list(
        db.session.scalars(
            sa.select(Sentence).where(Sentence.source_id == source.id).order_by(Sentence.index)
        )
    )
    assert len(sentences) == stored.sentence_count > 20
    assert [s.index for s in sentences] == list(range(len(sentences)))
    previous_end = 0
    for sentence in sentences:
        assert sentence.text == text[sentence.start : sentence.end]
        assert sentence.text == sentence.text.strip()
        # Between sentences there is only white space and list markers.
        assert text[previous_end : sentence.start].strip() in {"", "•", "-"}
        previous_end = sentence.end
    assert text[previous_end:].strip() == ""
    assert sum(len(s.glosses) for s in sentences) == glosses


def test_reading_text_drops_glosses_and_maps_back_to_the_verbatim_text(app_ctx, seed_text):
    text = seed_text("zh-openai-leadership-shakeup.txt")
    source = services.import_source(text, actor=None)
    sentences = services.list_sentences(source.id, 1, 500).items
    headline = sentences[0]
    assert headline.text.startswith("OpenAI高層巨變:聯(lián)創(chuàng)辭職")
    assert headline.reading_text.startswith("OpenAI高層巨變:聯創辭職")
    total_removed = 0
    for sentence in sentences:
        reading = sentence.reading()
        assert reading.text == sentence.reading_text
        for i, char in enumerate(reading.text):
            assert text[reading.to_verbatim(i)] == char
        total_removed += len(sentence.text) - len(sentence.reading_text)
    assert total_removed == 324


def test_given_metadata_is_kept_and_the_language_normalised(app_ctx):
    source = services.import_source(
        "Musk zahlte 44 Millionen Dollar.\n",
        SourceMetadata(
            title="  Zahlen  ",
            language="DE",
            url="https://example.org/a?b=1",
            published="2024-08-06",
        ),
        actor=None,
    )
    assert source.title == "Zahlen"
    assert source.language == "de" and not source.is_language_detected
    assert source.url == "https://example.org/a?b=1"
    assert source.published.isoformat() == "2024-08-06"
    assert source.text == "Musk zahlte 44 Millionen Dollar.\n"  # the newline stays


def test_text_is_stored_without_trimming_or_newline_changes(app_ctx):
    text = "  \ufeffTitle line\r\nFirst sentence. Second one!\r\n\r\n\t"
    source = services.import_source(text, actor=None)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Source, source.id).text == text
    sentences = services.list_sentences(source.id).items
    assert [s.text for s in sentences] == ["Title line", "First sentence.", "Second one!"]
    assert all(text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize(
    ("text", "meta", "field", "message"),
    [
        ("", SourceMetadata(), "text", "empty"),
        (" \n\t\n", SourceMetadata(), "text", "empty"),
        ("Hallo\x00Welt", SourceMetadata(), "text", "NUL"),
        ("Text.", SourceMetadata(language="xx"), "language", "not a known language code"),
        ("Text.", SourceMetadata(language="english"), "language", "not a known language code"),
        ("Text.", SourceMetadata(url="javascript:alert(1)"), "url", "not a web address"),
        ("Text.", SourceMetadata(url="example.org/page"), "url", "not a web address"),
        ("Text.", SourceMetadata(url="https://exa mple.org"), "url", "not a web address"),
        ("Text.", SourceMetadata(url="http://host:99999/"), "url", "not a web address"),
        ("Text.", SourceMetadata(published="06.08.2024"), "published", "YYYY-MM-DD"),
        ("Text.", SourceMetadata(published="2024-02-30"), "published", "YYYY-MM-DD"),
        ("Text.", SourceMetadata(title="x" * 501), "title", "at most 500"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(
    app_ctx, text, meta, field, message
):
    with pytest.raises(InvalidInput) as caught:
        services.import_source(text, meta, actor=None)
    assert field in caught.value.fields
    assert message in caught.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Source)) == 0


def test_every_bad_field_is_reported_at_once(app_ctx):
    with pytest.raises(InvalidInput) as caught:
        services.import_source(
            "Text.", SourceMetadata(language="qq", url="ftp://x", published="soon"), actor=None
        )
    assert set(caught.value.fields) == {"language", "url", "published"}


def test_a_text_over_the_limit_is_refused(app_ctx):
    with pytest.raises(TooLarge) as caught:
        services.import_source("ä" * 600, actor=None, max_bytes=1000)  # 1,200 bytes of UTF-8
    assert "1,200 bytes" in caught.value.message and "1,000" in caught.value.message


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(InvalidInput) as caught:
        services.decode_text("Größe".encode("latin-1"))
    assert "not UTF-8" in caught.value.message and "position 2" in caught.value.message


def test_importing_the_same_text_twice_reports_the_existing_source(app_ctx, seed_text):
    text = seed_text("de-openai-talent-exodus.txt")
    first = services.import_source(text, actor=None)
    db.session.commit()
    with pytest.raises(Duplicate) as caught:
        services.import_source(text, SourceMetadata(title="Another title"), actor=None)
    assert caught.value.existing_id == first.id
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Source)) == 1


def test_offsets_are_code_points_even_after_emoji_and_astral_characters(app_ctx):
    text = "😀 Erster Satz mit 𝔘𝔫𝔦𝔠𝔬𝔡𝔢. Zweiter Satz 🎉 hier.\n第三句。第四句！"
    source = services.import_source(text, SourceMetadata(language="de"), actor=None)
    sentences = services.list_sentences(source.id).items
    assert [s.text for s in sentences][-2:] == ["第三句。", "第四句！"]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_search_ignores_glosses_case_and_chinese_script(app_ctx, seed_text):
    services.import_source(seed_text("zh-openai-leadership-shakeup.txt"), actor=None)
    services.import_source(seed_text("de-openai-talent-exodus.txt"), actor=None)
    # 聯創 is written 聯(lián)創(chuàng) in the verbatim text; 联创 is its simplified form.
    for query in ("聯創辭職", "联创辞职"):
        hits = services.search_sentences(query).items
        assert hits and all("聯創辭職" in h.reading_text for h in hits)
    assert services.search_sentences("PAYPAL-MAFIA").total == 1
    assert services.search_sentences("100%_").total == 0  # LIKE wildcards are literal


def test_an_import_is_recorded_in_the_activity_log(app_ctx):
    from tracker.accounts.services import create_user
    from tracker.audit.services import ActivityFilter, list_activity

    user = create_user("importer", "a long password", "reviewer")
    source = services.import_source(
        "Ein Satz.", SourceMetadata(url="https://example.org/a"), actor=user
    )
    entries = list_activity(ActivityFilter(user_id=user.id)).items
    assert [(e.entity_type, e.entity_id, e.action.value) for e in entries] == [
        ("source", source.id, "create")
    ]
    assert entries[0].after["url"] == "https://example.org/a"
    assert entries[0].after["sha256"] == source.sha256
