"""Fixtures for claims: a seeded source and a claim factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tracker.claims import services
from tracker.claims.models import Claim
from tracker.core import db
from tracker.sources import services as sources

AMODEI_SENTENCE = "Statistiken zufolge haben bisher fast 75 wichtige Mitarbeiter OpenAI verlassen"


@pytest.fixture
def de_source_id(app: Flask, seed_text: Callable[[str], str]) -> int:
    with app.app_context():
        source = sources.import_source(seed_text("de-openai-talent-exodus.txt"), actor=None)
        db.session.commit()
        return source.id


@pytest.fixture
def zh_source_id(app: Flask, seed_text: Callable[[str], str]) -> int:
    with app.app_context():
        source = sources.import_source(seed_text("zh-openai-leadership-shakeup.txt"), actor=None)
        db.session.commit()
        return source.id


@pytest.fixture
def make_claim(app: Flask, de_source_id: int) -> Callable[..., Claim]:
    def make(quote: str = AMODEI_SENTENCE, source_id: int | None = None, **fields: Any) -> Claim:
        with app.app_context():
            source = sources.get_source(source_id or de_source_id)
            start = services.locate_quote(source, quote)
            draft = services.ClaimDraft(
                start=start,
                end=start + len(quote),
                statement=fields.pop("statement", "About 75 key staff have left OpenAI."),
                **fields,
            )
            claim = services.mark_claim(source.id, draft, actor=None)
            db.session.commit()
            return claim

    return make
