"""The claims JSON API: queue filters, marking, PATCH with versions, evidence, history."""

from __future__ import annotations

import pytest

from tests.claims.conftest import AMODEI_SENTENCE
from tracker.accounts.models import Role


@pytest.fixture
def bearer(make_user, runner):
    def make(role: Role = Role.reviewer) -> dict[str, str]:
        user = make_user(role)
        token = runner.invoke(args=["tokens", "create", user.username]).output.strip()
        return {"Authorization": f"Bearer {token}"}

    return make


def test_mark_edit_verdict_evidence_history(client, bearer, de_source_id):
    headers = bearer(Role.reviewer)
    created = client.post(
        "/api/v1/claims",
        headers=headers,
        json={
            "source_id": de_source_id,
            "quote": AMODEI_SENTENCE,
            "statement": "75 left OpenAI.",
            "subjects": ["OpenAI"],
        },
    )
    assert created.status_code == 201, created.json
    claim = created.json
    assert claim["quote"] == AMODEI_SENTENCE and claim["end"] - claim["start"] == len(
        AMODEI_SENTENCE
    )
    assert set(claim) >= {
        "id",
        "source_id",
        "start",
        "end",
        "quote",
        "statement",
        "speaker",
        "subjects",
        "status",
        "rationale",
        "version",
        "evidence",
    }
    url = f"/api/v1/claims/{claim['id']}"

    patched = client.patch(
        url, headers=headers, json={"version": 1, "speaker": "the article", "status": "in_review"}
    )
    assert patched.status_code == 200 and patched.json["version"] == 2

    evidence = client.post(
        f"{url}/evidence",
        headers=headers,
        json={
            "url": "https://openai.com/index/openai-elon-musk/",
            "title": "OpenAI and Elon Musk",
            "stance": "context",
            "publisher": "OpenAI",
            "published": "2024-03-05",
        },
    )
    assert evidence.status_code == 201 and evidence.json["stance"] == "context"

    verdict = client.patch(
        url,
        headers=headers,
        json={
            "version": 2,
            "status": "verified",
            "rationale": "Matches the count reported elsewhere.",
        },
    )
    assert verdict.status_code == 200, verdict.json
    body = client.get(url, headers=headers).json
    assert body["status"] == "verified" and body["evidence"][0]["title"] == "OpenAI and Elon Musk"

    history = client.get(f"{url}/history", headers=headers).json["items"]
    assert [(h["entity_type"], h["action"], h["field"]) for h in history] == [
        ("claim", "create", None),
        ("claim", "update", "status"),
        ("evidence", "create", None),
        ("claim", "update", "rationale"),
        ("claim", "update", "status"),
    ]
    status_change = [h for h in history if h["field"] == "status"][-1]
    assert status_change["before"] == "in_review" and status_change["after"] == "verified"
    assert status_change["reason"] == "Matches the count reported elsewhere."
    assert all(h["actor"] for h in history if h["action"] == "update")


def test_a_stale_patch_gets_409_and_changes_nothing(client, bearer, make_claim):
    claim = make_claim()
    alice, bob = bearer(), bearer()
    url = f"/api/v1/claims/{claim.id}"
    assert (
        client.patch(url, headers=alice, json={"version": 1, "statement": "Alice's"}).status_code
        == 200
    )
    stale = client.patch(url, headers=bob, json={"version": 1, "statement": "Bob's"})
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "conflict" and stale.json["error"]["current_version"] == 2
    assert client.get(url, headers=bob).json["statement"] == "Alice's"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"statement": "no version"}, "version"),
        ({"version": 1, "colour": "red"}, "colour"),
        ({"version": 1, "status": "maybe"}, "status"),
        ({"version": 1, "start": "0"}, "start"),
        ({"version": 1, "subjects": "OpenAI"}, "subjects"),
        ({"version": 1, "status": "misleading"}, "rationale"),
        ({"version": 1, "start": 0, "end": 99999999}, "start"),
    ],
)
def test_bad_patches_get_400_with_the_field(client, bearer, make_claim, body, field):
    claim = make_claim()
    response = client.patch(f"/api/v1/claims/{claim.id}", headers=bearer(), json=body)
    assert response.status_code == 400, response.json
    assert field in response.json["error"]["fields"]


def test_reviewer_verified_without_evidence_gets_403(client, bearer, make_claim):
    claim = make_claim()
    response = client.patch(
        f"/api/v1/claims/{claim.id}",
        headers=bearer(Role.reviewer),
        json={"version": 1, "status": "verified", "rationale": "Sure."},
    )
    assert response.status_code == 403 and "Attach evidence" in response.json["error"]["message"]
    ok = client.patch(
        f"/api/v1/claims/{claim.id}",
        headers=bearer(Role.editor),
        json={"version": 1, "status": "verified", "rationale": "Sure."},
    )
    assert ok.status_code == 200


def test_evidence_urls_must_be_http(client, bearer, make_claim):
    claim = make_claim()
    response = client.post(
        f"/api/v1/claims/{claim.id}/evidence",
        headers=bearer(),
        json={"url": "javascript:alert(1)", "title": "x", "stance": "supports"},
    )
    assert response.status_code == 400 and "url" in response.json["error"]["fields"]


def test_delete_is_for_editors_and_soft(client, bearer, make_claim):
    claim = make_claim()
    url = f"/api/v1/claims/{claim.id}"
    assert client.delete(f"{url}?version=1", headers=bearer(Role.reviewer)).status_code == 403
    editor = bearer(Role.editor)
    assert client.delete(url, headers=editor).status_code == 400
    assert client.delete(f"{url}?version=1", headers=editor).status_code == 204
    # Editors still see it, marked deleted, as on the claim page; below editor it is gone.
    assert client.get(url, headers=editor).json["is_deleted"] is True
    assert client.get(url, headers=bearer(Role.reviewer)).status_code == 404
    history = client.get(f"{url}/history", headers=editor).json["items"]
    assert history[-1]["action"] == "delete"


def test_queue_filters_through_the_api(client, bearer, make_claim, zh_source_id):
    make_claim()
    make_claim(
        "聯(lián)創(chuàng)John Schulman辭職跑路",
        source_id=zh_source_id,
        statement="Schulman quit.",
        speaker="the article",
    )
    headers = bearer(Role.viewer)
    assert client.get("/api/v1/claims", headers=headers).json["total"] == 2
    assert client.get("/api/v1/claims?language=zh", headers=headers).json["total"] == 1
    assert client.get("/api/v1/claims?q=联创", headers=headers).json["total"] == 1
    assert (
        client.get("/api/v1/claims?status=unreviewed&per_page=1", headers=headers).json["pages"]
        == 2
    )
    assert client.get("/api/v1/claims?assignee=none", headers=headers).json["total"] == 2
    bad = client.get("/api/v1/claims?status=maybe", headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["fields"] == {"status": "invalid"}


def test_a_quote_that_is_not_unique_is_refused(client, bearer, de_source_id):
    response = client.post(
        "/api/v1/claims",
        headers=bearer(),
        json={"source_id": de_source_id, "quote": "OpenAI", "statement": "x"},
    )
    assert response.status_code == 400 and response.json["error"]["fields"] == {
        "quote": "ambiguous"
    }
