"""Every route, walked as every role: who may do what, and no route without a role check."""

from __future__ import annotations

import pytest
from flask import Flask

from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.core import db
from tracker.entities import services as entities
from tracker.questions import disputes
from tracker.questions import services as questions
from tracker.sources import services as sources

#: Routes anyone may reach: logging in and out, the home redirect, static files, the API's
#: OpenAPI document (the operations it lists still need their roles), the health check, and
#: the metrics (off unless METRICS_ENABLED, then loopback or METRICS_TOKEN only).
PUBLIC = {
    "accounts.login",
    "accounts.logout",
    "sources.home",
    "static",
    "openapi.document",
    "health.healthz",
    "metrics.metrics",
}
ROLES = [None, *Role]


@pytest.fixture
def ids(app: Flask) -> dict[str, int | str]:
    with app.app_context():
        source = sources.import_source("Ein Satz hier. Noch ein Satz dort.\n", actor=None)
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
        entity = entities.create_entity("Ada Lovelace", "person", ["Lovelace"], actor=None)
        # Routes on a user (log out everywhere, force a new password) act on a bystander, so
        # the walking clients stay logged in.
        bystander = accounts.create_user("bystander", "correct horse battery", Role.viewer)
        accounts.create_token("bystander", "walk")
        token_id = accounts.list_tokens(bystander)[0].id
        db.session.commit()
        return {
            "source_id": source.id,
            "claim_id": claim.id,
            "evidence_id": evidence.id,
            "question_id": question.id,
            "contradiction_id": contradiction.id,
            "entity_id": entity.id,
            "target_id": question.id,
            "action": "restore",
            "user_id": bystander.id,
            "token_id": token_id,
        }


#: Routes that end the caller's own login: walked last, or every route after them would see
#: logged-out clients.
ENDS_OWN_LOGIN = {"accounts.log_out_everywhere"}


def routes(app: Flask) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, rule.rule, method))
    return sorted(found, key=lambda route: route[0] in ENDS_OWN_LOGIN)


def test_every_route_declares_the_role_it_needs(app):
    missing = [
        (endpoint, rule)
        for endpoint, rule, _ in routes(app)
        if endpoint not in PUBLIC and not hasattr(app.view_functions[endpoint], "required_role")
    ]
    assert missing == []


def test_every_route_as_every_role(app, make_user, ids):
    clients = {None: app.test_client()}
    for role in Role:
        user = make_user(role)
        client = app.test_client()
        client.post("/login", data={"username": user.username, "password": "correct horse battery"})
        clients[role] = client
    checked = 0
    for endpoint, rule, method in routes(app):
        if endpoint in PUBLIC:
            continue
        needed: Role = app.view_functions[endpoint].required_role
        url = rule
        for name, value in ids.items():
            url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        url = url.replace("<any(delete, restore):action>", "restore")
        url = url.replace("<any(question, claim):kind>", "question")
        url = url.replace("<any(accept, reject):decision>", "reject")
        for role in ROLES:
            response = clients[role].open(url, method=method, json={} if "/api/" in url else None)
            response.close()  # a streamed download holds its request open until closed
            where = f"{method} {url} as {role}"
            if role is None:
                expected = 401 if url.startswith("/api/") else 302
                assert response.status_code == expected, where
            elif not role.includes(needed):
                assert response.status_code == 403, where
            else:
                assert response.status_code not in (401, 403), f"{where}: {response.status_code}"
            checked += 1
    assert checked > 100
