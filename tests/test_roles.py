"""Every route, walked as every role, with a login and with API tokens: who may do what, by a
table of our own (never the role a route says of itself), and no route missing from it. Then a
deleted claim through every route that takes it: gone below editor, there for editors, and
back for everyone once restored."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD
from tracker.accounts import services as accounts
from tracker.accounts.models import ApiToken, Role
from tracker.audit import services as audit
from tracker.claims import services as claims
from tracker.core import db
from tracker.core.db import utcnow
from tracker.entities import services as entities
from tracker.questions import disputes
from tracker.questions import services as questions
from tracker.sources import services as sources

viewer, reviewer, editor, admin = Role.viewer, Role.reviewer, Role.editor, Role.admin

#: Who may use each route, written out here from what the README and the issue say of each
#: page and API call; None: anyone, logged in or not (logging in and out, the home redirect,
#: static files, the OpenAPI document, the health check, and the metrics, which are off
#: unless METRICS_ENABLED, then loopback or METRICS_TOKEN only).
REQUIRED: dict[str, Role | None] = {
    "accounts.account": viewer,
    "accounts.change_display_name": viewer,
    "accounts.change_password": viewer,
    "accounts.create_token": viewer,
    "accounts.log_out_everywhere": viewer,
    "accounts.log_out_user": admin,
    "accounts.login": None,
    "accounts.logout": None,
    "accounts.require_new_password": admin,
    "accounts.revoke_token": viewer,
    "accounts.tokens": viewer,
    "accounts.update_user": admin,
    "accounts.users": admin,
    "audit.activity": viewer,
    "claims.add_evidence": reviewer,
    "claims.assign": reviewer,
    "claims.claim_state": editor,
    "claims.confirm_answer": reviewer,
    "claims.detail": viewer,
    "claims.edit": reviewer,
    "claims.evidence_state": editor,
    "claims.history": viewer,
    "claims.in_source": viewer,
    "claims.index": viewer,
    "claims.new": reviewer,
    "claims.set_answer": reviewer,
    "claims.verdict": reviewer,
    "claims_api.add_evidence": reviewer,
    "claims_api.create": reviewer,
    "claims_api.delete": editor,
    "claims_api.detail": viewer,
    "claims_api.history": viewer,
    "claims_api.index": viewer,
    "claims_api.update": reviewer,
    "entities.add_alias": reviewer,
    "entities.create": reviewer,
    "entities.detail": viewer,
    "entities.index": viewer,
    "entities_api.add_alias": reviewer,
    "entities_api.claims": viewer,
    "entities_api.create": reviewer,
    "entities_api.detail": viewer,
    "entities_api.index": viewer,
    "exports.download_page": editor,
    "exports.import_claims": reviewer,
    "exports.import_page": reviewer,
    "exports.index": editor,
    "exports.matrix_csv": editor,
    "exports.review": viewer,  # and anyone, with PUBLIC_READING (tests/exports)
    "exports_api.export": editor,
    "health.healthz": None,
    "metrics.metrics": None,
    "openapi.document": None,
    "questions.accept_grouping": reviewer,
    "questions.create": reviewer,
    "questions.decide": reviewer,
    "questions.decide_suggestion": reviewer,
    "questions.detail": viewer,
    "questions.dispute": viewer,
    "questions.disputes_page": viewer,
    "questions.flag": reviewer,
    "questions.index": viewer,
    "questions.matrix": viewer,
    "questions.set_question": reviewer,
    "questions.set_value": reviewer,
    "questions.source_suggestions": viewer,
    "questions_api.accept_proposals": reviewer,
    "questions_api.claim_suggestions": viewer,
    "questions_api.decide": reviewer,
    "questions_api.decide_suggestion": reviewer,
    "questions_api.disputes_index": viewer,
    "questions_api.flag": reviewer,
    "questions_api.matrix_cells": viewer,
    "questions_api.put_answer": reviewer,
    "questions_api.put_question": reviewer,
    "questions_api.put_value": reviewer,
    "questions_api.question": viewer,
    "questions_api.questions_create": reviewer,
    "questions_api.questions_index": viewer,
    "questions_api.rule": reviewer,
    "questions_api.source_proposals": viewer,
    "sources.detail": viewer,
    "sources.home": None,
    "sources.index": viewer,
    "sources.new": reviewer,
    "sources.search": viewer,
    "sources.verbatim": viewer,
    "sources_api.create": reviewer,
    "sources_api.detail": viewer,
    "sources_api.index": viewer,
    "sources_api.sentences": viewer,
    "static": None,
}
ROLES = [None, *Role]
STATEMENT = "Quokkas outnumber zebras in this sentence."


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
        bystander = accounts.create_user("bystander", PASSWORD, Role.viewer)
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
            "user_id": bystander.id,
            "token_id": token_id,
        }


#: Routes that end the caller's own login: walked last (logging out after logging out
#: everywhere), or every route after them would see logged-out clients.
ENDS_OWN_LOGIN = ["accounts.log_out_everywhere", "accounts.logout"]


def routes(app: Flask) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, rule.rule, method))
    return sorted(
        found,
        key=lambda route: ENDS_OWN_LOGIN.index(route[0]) + 1 if route[0] in ENDS_OWN_LOGIN else 0,
    )


def fill(rule: str, ids: dict[str, int | str]) -> str:
    """The rule with our ids in it; `action` restores (refused: nothing is deleted)."""
    url = rule
    for name, value in ids.items():
        url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    url = url.replace("<any(delete, restore):action>", "restore")
    url = url.replace("<any(question, claim):kind>", "question")
    url = url.replace("<any(accept, reject):decision>", "reject")
    url = url.replace("<path:filename>", "style.css")
    assert "<" not in url, url
    return url


def call(client: FlaskClient, url: str, method: str, **kwargs) -> int:
    response = client.open(url, method=method, json={} if "/api/" in url else None, **kwargs)
    response.close()  # a streamed download holds its request open until closed
    return response.status_code


def test_every_route_is_in_the_table(app):
    """A new route needs its role written down here; a removed one leaves the table."""
    endpoints = {endpoint for endpoint, _, _ in routes(app)}
    assert endpoints - REQUIRED.keys() == set(), "routes missing from REQUIRED"
    assert REQUIRED.keys() - endpoints == set(), "REQUIRED names routes that are gone"


def test_every_route_declares_the_role_the_table_gives_it(app):
    """Each route checks a role (the walk below shows it is the table's)."""
    declared = {
        endpoint: getattr(app.view_functions[endpoint], "required_role", None)
        for endpoint, _, _ in routes(app)
    }
    assert declared == REQUIRED


def logged_in_clients(app: Flask, make_user) -> dict[Role | None, FlaskClient]:
    clients: dict[Role | None, FlaskClient] = {None: app.test_client()}
    for role in Role:
        user = make_user(role)
        client = app.test_client()
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        clients[role] = client
    return clients


def test_every_route_as_every_role(app, make_user, ids):
    clients = logged_in_clients(app, make_user)
    checked = 0
    for endpoint, rule, method in routes(app):
        needed = REQUIRED[endpoint]
        url = fill(rule, ids)
        for role in ROLES:
            status = call(clients[role], url, method)
            where = f"{method} {url} as {role}: {status}"
            if needed is None:
                assert status not in (401, 403), where
            elif role is None:
                assert status == (401 if url.startswith("/api/") else 302), where
            elif not role.includes(needed):
                assert status == 403, where
            else:
                assert status not in (401, 403), where
            checked += 1
    assert checked > 400
    print(f"\nrole walk with logins: {checked} requests")


@pytest.fixture
def tokens(app: Flask) -> dict[str, dict[Role, str]]:
    """For a user of each role: a token, a revoked one and one that expired yesterday."""
    made: dict[str, dict[Role, str]] = {"valid": {}, "revoked": {}, "expired": {}}
    with app.app_context():
        for role in Role:
            user = accounts.create_user(f"token-{role.value}", PASSWORD, role)
            made["valid"][role] = accounts.create_token(user.username, "walk")
            made["revoked"][role] = accounts.create_token(user.username, "revoked")
            accounts.revoke_token(accounts.list_tokens(user)[0].id, actor=user)
            made["expired"][role] = accounts.create_token(user.username, "old", expires_in_days=1)
            db.session.execute(
                sa.update(ApiToken)
                .where(ApiToken.id == accounts.list_tokens(user)[0].id)
                .values(expires_at=utcnow() - timedelta(days=1))
            )
        db.session.commit()
    return made


def test_every_api_route_with_a_token_of_every_role(app, ids, tokens):
    """Bearer tokens: none, a wrong one, a revoked or an expired one is a 401 on every API
    route; a valid one is a 403 below the route's role and let through from it."""
    client = app.test_client()
    counts: Counter[str] = Counter()
    api = [(e, r, m) for e, r, m in routes(app) if r.startswith("/api/") and REQUIRED[e]]
    assert len(api) >= 30
    for endpoint, rule, method in api:
        needed = REQUIRED[endpoint]
        assert needed is not None
        url = fill(rule, ids)
        refused = [
            ("none", "no token", {}),
            ("none", "not a bearer token", {"Authorization": f"Basic {tokens['valid'][admin]}"}),
            ("unknown", "an unknown token", {"Authorization": "Bearer fct_not-a-token-we-made"}),
            *(
                (
                    state,
                    f"a {state} {role.value}'s token",
                    {"Authorization": f"Bearer {tokens[state][role]}"},
                )
                for state in ("revoked", "expired")
                for role in Role
            ),
        ]
        for kind, why, headers in refused:
            status = call(client, url, method, headers=headers)
            assert status == 401, f"{method} {url} with {why}: {status}"
            counts[kind] += 1
        for role in Role:
            headers = {"Authorization": f"Bearer {tokens['valid'][role]}"}
            status = call(client, url, method, headers=headers)
            where = f"{method} {url} with a {role.value}'s token: {status}"
            if role.includes(needed):
                assert status not in (401, 403), where
            else:
                assert status == 403, where
            counts["valid"] += 1
    print(f"\ntoken walk: {sum(counts.values())} requests ({dict(counts)})")


# --- a deleted claim ------------------------------------------------------------------------

#: What an editor or admin reads of a deleted claim at each route that shows one claim: its
#: pages, history and place in the source; not its edit form (restore it first), nor
#: suggestions for it, nor the public review page (live claims only, to everyone).
DELETED_READS_AS_EDITOR = {
    "claims.edit": 404,
    "claims.detail": 200,
    "claims.history": 200,
    "claims.in_source": 302,
    "claims_api.detail": 200,
    "claims_api.history": 200,
    "questions_api.claim_suggestions": 404,
    "exports.review": 404,
}


@pytest.fixture
def deleted(app: Flask, ids) -> dict[str, int | str]:
    """A claim with evidence and a verdict, in a question and a contradiction, naming an
    entity; then deleted by an editor."""
    with app.app_context():
        claim = claims.mark_claim(
            int(ids["source_id"]),
            claims.ClaimDraft(start=15, end=34, statement=STATEMENT, subjects=["Ada Lovelace"]),
            actor=None,
        )
        evidence = claims.attach_evidence(
            claim.id,
            claims.EvidenceDraft(url="https://example.org/q", title="Q", stance="supports"),
            actor=None,
        )
        claims.edit_claim(
            claim.id,
            claims.ClaimChanges(status="verified", rationale="Counted."),
            version=claim.version,
            actor=None,
        )
        questions.assign_question(claim.id, int(ids["question_id"]), actor=None)
        disputes.flag(claim.id, int(ids["claim_id"]), "Quokkas against sentences.", actor=None)
        claim = claims.get_claim(claim.id)
        claims.delete_claim(claim.id, version=claim.version, actor=None, note="Duplicate.")
        db.session.commit()
        return {**ids, "claim_id": claim.id, "evidence_id": evidence.id}


def claim_routes(app: Flask) -> list[tuple[str, str, str]]:
    return [(e, r, m) for e, r, m in routes(app) if "<int:claim_id>" in r]


def lists(deleted: dict[str, int | str]) -> dict[str, str]:
    """Lists that can show the claim: the queue and the API searched for it, the change log
    (its entries name it), the exports (asking for deleted claims too), and its question,
    entity, contradiction and place in the matrix."""
    question, entity = deleted["question_id"], deleted["entity_id"]
    return {
        "queue search": "/claims?q=Quokkas&deleted=1",
        "API search": "/api/v1/claims?q=Quokkas&include_deleted=1",
        "activity": "/activity?per_page=500",
        "export": "/export/download?format=json&deleted=1",
        "API export": "/api/v1/export?format=jsonl&include_deleted=1",
        "live only: question": f"/questions/{question}",
        "live only: API question": f"/api/v1/questions/{question}",
        "live only: entity": f"/entities/{entity}",
        "live only: API entity claims": f"/api/v1/entities/{entity}/claims?role=about",
        "live only: disputes": "/disputes?state=all",
        "live only: API disputes": "/api/v1/disputes?state=all",
        "live only: matrix": "/matrix",
    }


def refused(client: FlaskClient, status: int) -> bool:
    """A write was refused: a 400 or 404, or (pages that flash and go back) a redirect
    flashing an error."""
    with client.session_transaction() as session:
        flashes = session.pop("_flashes", [])
    if status == 302:
        return bool(flashes) and flashes[-1][0] == "danger"
    return status in (400, 404)


def shows(client: FlaskClient, url: str, claim_id: int | str) -> bool:
    response = client.get(url)
    text = response.get_data(as_text=True)
    response.close()
    if response.status_code != 200:
        return False
    return STATEMENT in text or f"claim #{claim_id}" in text


def test_a_deleted_claim_through_every_route_that_takes_it(app, make_user, deleted):
    clients = logged_in_clients(app, make_user)
    claim_id = deleted["claim_id"]
    with app.app_context():
        written_before = len(audit.claim_history(int(claim_id)))
    checked = 0
    for endpoint, rule, method in claim_routes(app):
        url = fill(rule, deleted)
        needed = REQUIRED[endpoint]
        assert needed is not None
        for role in Role:
            if endpoint == "claims.claim_state" and role.includes(editor):
                continue  # restores it: walked at the end
            status = call(clients[role], url, method)
            where = f"{method} {url} (deleted) as {role.value}: {status}"
            checked += 1
            if not role.includes(needed):
                assert status == 403, where
            elif method == "GET" and role.includes(editor):
                assert status == DELETED_READS_AS_EDITOR[endpoint], where
            elif method == "GET":
                assert status == 404, where
            else:  # nobody writes to a deleted claim; an editor restores it first
                assert refused(clients[role], status), where
    with app.app_context():
        assert len(audit.claim_history(int(claim_id))) == written_before, "a write got through"

    for name, url in lists(deleted).items():
        for role in Role:
            if name.endswith("export") and not role.includes(editor):
                continue  # editors' pages: 403 below (walked above)
            # Editors see it where they ask for deleted claims and in the change log; the
            # pages across claims show live ones only, to everyone.
            expected = role.includes(editor) and not name.startswith("live only")
            assert shows(clients[role], url, claim_id) == expected, (name, role)
            checked += 1

    # An editor restores it through the page; everyone sees it again.
    status = call(clients[editor], f"/claims/{claim_id}/restore", "POST")
    assert status == 302
    for endpoint, rule, method in claim_routes(app):
        if method != "GET":
            continue
        url = fill(rule, deleted)
        for role in Role:
            status = call(clients[role], url, method)
            if not role.includes(REQUIRED[endpoint] or viewer):
                assert status == 403, (url, role, status)
            else:
                assert status == (302 if endpoint == "claims.in_source" else 200), (
                    url,
                    role,
                    status,
                )
            checked += 1
    for name, url in lists(deleted).items():
        for role in Role:
            if name.endswith("export") and not role.includes(editor):
                continue
            assert shows(clients[role], url, claim_id), (name, role)
            checked += 1
    print(f"\ndeleted and restored claim: {checked} requests")
