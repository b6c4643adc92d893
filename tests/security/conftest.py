"""Fixtures for the security tests: a small world of one source, two claims in one question
with a contradiction between them, and evidence."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from tracker.claims import services as claims
from tracker.core import db
from tracker.entities import services as entities
from tracker.questions import disputes
from tracker.questions import services as questions
from tracker.sources import services as sources

TEXT = "Ein Satz hier. Noch ein Satz dort.\n"


@dataclass(frozen=True)
class World:
    source_id: int
    claim_id: int
    other_id: int
    evidence_id: int
    question_id: int
    contradiction_id: int
    entity_id: int


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def build_world(app: Flask) -> World:
    """One source, two claims in one question with a flagged contradiction, evidence and an
    entity, committed."""
    with app.app_context():
        source = sources.import_source(TEXT, actor=None)
        claim = claims.mark_claim(
            source.id, claims.ClaimDraft(start=0, end=14, statement="One sentence."), actor=None
        )
        evidence = claims.attach_evidence(
            claim.id,
            claims.EvidenceDraft(url="https://example.org/e", title="E", stance="context"),
            actor=None,
        )
        other = claims.mark_claim(
            source.id, claims.ClaimDraft(start=15, end=34, statement="Another one."), actor=None
        )
        question = questions.create_question("How many sentences?", actor=None)
        questions.assign_question(claim.id, question.id, actor=None)
        questions.assign_question(other.id, question.id, actor=None)
        contradiction = disputes.flag(claim.id, other.id, "They differ.", actor=None)
        entity = entities.create_entity("Ada Lovelace", "person", [], actor=None)
        db.session.commit()
        return World(
            source.id, claim.id, other.id, evidence.id, question.id, contradiction.id, entity.id
        )
