"""Fixtures for questions: sources in three languages and a claim factory that finds quotes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.core import db
from tracker.entities import services as entities
from tracker.sources import services as sources

ENGLISH_ARTICLE = (
    "Musk's money and OpenAI's founding\n"
    "Elon Musk gave OpenAI $44.6 million between 2016 and 2020, according to his lawsuit.\n"
    "Greg Brockman, OpenAI's president, is taking leave until the end of the year.\n"
)


@pytest.fixture
def headers(make_user, runner) -> Callable[..., dict[str, str]]:
    """Bearer-token headers for a new user of a role (reviewer by default)."""

    def make(role: Role = Role.reviewer) -> dict[str, str]:
        user = make_user(role)
        token = runner.invoke(args=["tokens", "create", user.username]).output.strip()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def people(app: Flask) -> dict[str, int]:
    with app.app_context():
        found = {
            "musk": entities.create_entity("Elon Musk", "person", ["Musk", "馬斯克"], actor=None),
            "openai": entities.create_entity("OpenAI", "organisation", [], actor=None),
            "brockman": entities.create_entity("Greg Brockman", "person", ["Brockman"], actor=None),
        }
        db.session.commit()
        return {k: v.id for k, v in found.items()}


@pytest.fixture
def source_ids(app: Flask, seed_text: Callable[[str], str]) -> dict[str, int]:
    with app.app_context():
        ids = {
            "de": sources.import_source(seed_text("de-openai-talent-exodus.txt"), actor=None).id,
            "zh": sources.import_source(
                seed_text("zh-openai-leadership-shakeup.txt"), actor=None
            ).id,
            "en": sources.import_source(ENGLISH_ARTICLE, actor=None).id,
        }
        db.session.commit()
        return ids


@pytest.fixture
def claim_on(app: Flask, source_ids: dict[str, int]) -> Callable[..., int]:
    def make(language: str, quote: str, statement: str, **fields: Any) -> int:
        with app.app_context():
            source = sources.get_source(source_ids[language])
            start = claims.locate_quote(source, quote)
            claim = claims.mark_claim(
                source.id,
                claims.ClaimDraft(
                    start=start, end=start + len(quote), statement=statement, **fields
                ),
                actor=None,
            )
            db.session.commit()
            return claim.id

    return make


PLEDGE = "Beim Abendessen versprach Musk eine Investition von 1 Milliarde Dollar"
PAID = "Musk hatte insgesamt 44 Millionen Dollar für OpenAI gespendet"
EN_PAID = "Elon Musk gave OpenAI $44.6 million between 2016 and 2020"
# An amount with no verb of promising or paying: it conflicts with PAID on the value alone.
BILLION = "2019 erhielt OpenAI 1 Milliarde Dollar von Microsoft"
