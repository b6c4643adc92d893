"""Databases of generated claims at two sizes, for tests that check a page costs the same
whatever the data (statements, rows loaded) and lists what the rows say it should."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from bench.generate import generate
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.claims.models import Claim
from tracker.core import db, migrate
from tracker.questions import answers, disputes
from tracker.questions.models import Contradiction

#: Every generated database has one user per role, named after it, with this password.
PASSWORD = "correct horse battery"


@dataclass
class Data:
    app: Flask
    claims: int

    def client(self, role: Role = Role.viewer) -> FlaskClient:
        client = self.app.test_client()
        reply = client.post("/login", data={"username": role.value, "password": PASSWORD})
        assert reply.status_code == 302
        return client

    def sql(self, text: str, **params: Any) -> list[Any]:
        with self.app.app_context():
            return list(db.session.execute(sa.text(text), params))

    def expected(self) -> dict[str, set[int]]:
        """What the page should list, worked out from the rows (not by the page's queries):
        open current contradictions, less hand flags on a pair the tracker found too, and
        live claims disputed by status or by evidence both ways."""
        rows = self.sql(
            "SELECT id, kind, state, claim_a_id, claim_b_id FROM contradictions WHERE is_current"
        )
        found = {(r.claim_a_id, r.claim_b_id) for r in rows if r.kind != "flagged"}
        listed = [
            r for r in rows if r.kind != "flagged" or (r.claim_a_id, r.claim_b_id) not in found
        ]
        stances: dict[int, set[str]] = {}
        for claim_id, stance in self.sql(
            "SELECT claim_id, stance FROM evidence WHERE NOT is_deleted"
        ):
            stances.setdefault(claim_id, set()).add(stance)
        disputed = {
            r.id
            for r in self.sql("SELECT id, status FROM claims WHERE NOT is_deleted")
            if r.status == "disputed" or {"supports", "refutes"} <= stances.get(r.id, set())
        }
        return {
            "open": {r.id for r in listed if r.state == "open"},
            "decided": {r.id for r in listed if r.state != "open"},
            "disputed_claims": disputed,
            **{
                f"kind:{kind}": {r.id for r in listed if r.state == "open" and r.kind == kind}
                for kind in {r.kind for r in listed}
            },
        }


def fill(url: str, claims: int) -> Data:
    """Migrate `url`, add `claims` generated claims, find their contradictions, and add two
    hand flags."""
    migrate.upgrade(url)
    generate(url, sources=max(4, claims // 40), claims=claims, seed=7, cross_source=True)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        for role in (Role.viewer, Role.reviewer):
            accounts.create_user(role.value, PASSWORD, role)
        answers.propose_missing()
        disputes.detect_all()
        db.session.commit()
        # A reviewer's flag on a pair the tracker also finds (shown with it), and one on a
        # pair it does not (a dispute of its own).
        found = db.session.scalars(
            sa.select(Contradiction).where(Contradiction.kind != "flagged").limit(1)
        ).one()
        disputes.flag(found.claim_a_id, found.claim_b_id, "Told apart by hand too.", actor=None)
        by_question: dict[int, list[int]] = {}
        for claim_id, question_id in db.session.execute(
            sa.select(Claim.id, Claim.question_id)
            .where(Claim.question_id.is_not(None))
            .order_by(Claim.id)
        ):
            by_question.setdefault(question_id, []).append(claim_id)
        a, b = next(
            (ids[0], ids[1])
            for ids in by_question.values()
            if len(ids) > 1 and not disputes.between(ids[0], ids[1])
        )
        disputes.flag(a, b, "Their accounts differ.", actor=None)
        db.session.commit()
    return Data(app, claims)
