"""A soft-deleted claim: hidden from viewers and reviewers on every route that can show a
claim, visible to editors on the claim's own pages, in the change log and in the lists where
they ask for deleted claims, and back for everyone once restored."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.security.conftest import World
from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.core import db
from tracker.questions import disputes
from tracker.questions import services as questions

STATEMENT = "Quokkas outnumber zebras in this sentence."

#: Routes that never show a claim's content (or need arguments no claim gives).
SKIP = {
    "static",
    "sources.home",
    "accounts.login",
    "accounts.users",
    "health.healthz",
    "metrics.metrics",
    "openapi.document",
    "sources.new",
    "claims.new",
    "exports.import_page",
}
#: The query a route needs to show anything.
QUERY = {"exports.download_page": "format=json", "exports_api.export": "format=json"}
#: What editors and admins ask for to see deleted claims in a list.
WITH_DELETED = "deleted=1&include_deleted=1"
#: One claim's own pages: a deleted claim is a 404 below editor, shown (marked) to editors.
CLAIM_PAGES = {
    "claims.detail",
    "claims.history",
    "claims.in_source",
    "claims_api.detail",
    "claims_api.history",
}
#: Lists in which editors see deleted claims when they ask for them, and the change log.
EDITOR_LISTS = {
    "claims.index",
    "claims_api.index",
    "exports.download_page",
    "exports_api.export",
    "audit.activity",
}


@pytest.fixture
def deleted(app: Flask, world: World) -> int:
    """A claim reachable from everywhere a claim can be: grouped, with evidence and a verdict,
    naming an entity, in a contradiction."""
    with app.app_context():
        claim = claims.mark_claim(
            world.source_id,
            claims.ClaimDraft(start=15, end=34, statement=STATEMENT, subjects=["Ada Lovelace"]),
            actor=None,
        )
        claims.attach_evidence(
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
        questions.assign_question(claim.id, world.question_id, actor=None)
        disputes.flag(claim.id, world.claim_id, "Quokkas against sentences.", actor=None)
        db.session.commit()
        return claim.id


def _routes(app: Flask, ids: dict[str, int]) -> dict[str, str]:
    urls = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint in SKIP:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{name}>", str(ids[name]), path)
        urls[rule.endpoint] = path + "?" + QUERY.get(rule.endpoint, "")
    return urls


def _shows(client, endpoint: str, url: str) -> bool:
    response = client.get(url)
    if endpoint == "claims.in_source":
        return response.status_code == 302
    return response.status_code == 200 and STATEMENT in response.get_data(as_text=True)


def _as(auth, role: Role) -> None:
    auth.logout()
    auth.login(role)


def test_every_route_hides_a_deleted_claim_below_editor_and_shows_it_to_editors(
    app, client, auth, world, deleted
):
    ids = {
        "claim_id": deleted,
        "source_id": world.source_id,
        "question_id": world.question_id,
        "contradiction_id": world.contradiction_id,
        "entity_id": world.entity_id,
    }
    urls = _routes(app, ids)
    _as(auth, Role.editor)
    shown = {e for e, url in urls.items() if _shows(client, e, url)}
    # The walk is not vacuous: a live claim shows on its pages, lists, question and entity.
    assert shown >= CLAIM_PAGES | EDITOR_LISTS | {
        "questions.detail",
        "questions_api.question",
        "entities.detail",
        "entities_api.detail",
        "exports.review",
        "questions_api.matrix_cells",
    }, sorted(shown)

    with app.app_context():
        editor = auth.make_user(Role.editor)
        claim = claims.get_claim(deleted)
        claims.delete_claim(deleted, version=claim.version, actor=editor, note="Duplicate.")
        db.session.commit()

    for role in (Role.viewer, Role.reviewer):
        _as(auth, role)
        for endpoint in shown:
            for extra in ("", WITH_DELETED):
                assert not _shows(client, endpoint, urls[endpoint] + "&" + extra), (role, endpoint)
        for endpoint in CLAIM_PAGES:
            assert client.get(urls[endpoint]).status_code == 404, (role, endpoint)

    for role in (Role.editor, Role.admin):
        _as(auth, role)
        for endpoint in shown:
            plain = _shows(client, endpoint, urls[endpoint])
            asked = _shows(client, endpoint, urls[endpoint] + "&" + WITH_DELETED)
            if endpoint in CLAIM_PAGES or endpoint == "audit.activity":
                assert plain and asked, (role, endpoint)
            elif endpoint in EDITOR_LISTS:
                assert asked and not plain, (role, endpoint)
            else:  # questions, disputes, matrix, entities, public pages: live claims only
                assert not plain and not asked, (role, endpoint)
        assert "deleted" in client.get(urls["claims.detail"]).text.lower()
        assert client.get(urls["claims_api.detail"]).get_json()["is_deleted"] is True

    with app.app_context():
        claims.restore_claim(deleted, actor=auth.make_user(Role.editor))
        db.session.commit()
    _as(auth, Role.viewer)
    for endpoint in CLAIM_PAGES | {"claims.index", "claims_api.index", "audit.activity"}:
        assert _shows(client, endpoint, urls[endpoint]), endpoint
