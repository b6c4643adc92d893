"""Questions, disputes, entities and suggestions through the API and the CLI."""

from __future__ import annotations

from wcwidth import wcswidth

from tests.questions.conftest import BILLION, EN_PAID, PAID, PLEDGE
from tracker.accounts.models import Role
from tracker.core import db
from tracker.questions import services as questions

MONEY = "How much money did Elon Musk give OpenAI?"


def test_group_claims_and_read_the_disputes(client, headers, claim_on, people, app):
    h = headers()
    pledge = claim_on("de", BILLION, "OpenAI got $1 billion.", subjects=["Elon Musk"])
    en = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.", subjects=["Elon Musk"])
    created = client.post(
        "/api/v1/questions", headers=h, json={"text": MONEY, "answer_kind": "money"}
    )
    assert created.status_code == 201
    qid = created.json["id"]
    for cid in (pledge, en):
        moved = client.put(f"/api/v1/claims/{cid}/question", headers=h, json={"question_id": qid})
        assert moved.status_code == 200 and moved.json["question_id"] == qid
    assert client.get(f"/api/v1/claims/{en}", headers=h).json["value"]["unit"] == "USD"

    question = client.get(f"/api/v1/questions/{qid}", headers=h).json
    assert question["claim_count"] == 2 and question["source_count"] == 2
    assert {c["value"]["kind"] for c in question["claims"]} == {"money"}

    disputes = client.get("/api/v1/disputes", headers=h).json["items"]
    assert len(disputes) == 1
    item = disputes[0]
    assert item["kind"] == "value" and item["question"]["id"] == qid
    for claim in item["claims"]:
        assert set(claim) >= {"source_id", "quote", "start", "end", "value"}

    decided = client.post(
        f"/api/v1/contradictions/{item['id']}",
        headers=h,
        json={
            "state": "resolved",
            "rationale": "The lawsuit's figure is what he paid.",
            "holding_claim_id": en,
        },
    )
    assert decided.status_code == 200 and decided.json["state"] == "resolved"
    assert client.get("/api/v1/disputes", headers=h).json["total"] == 0
    bad = client.post(
        f"/api/v1/contradictions/{item['id']}", headers=h, json={"state": "maybe", "rationale": "x"}
    )
    assert bad.status_code == 400 and bad.json["error"]["fields"] == {"state": "invalid"}


def test_suggestions_through_the_api(client, headers, claim_on, people, app):
    h = headers()
    with app.app_context():
        qid = questions.create_question(MONEY, "money", actor=None).id
        db.session.commit()
    paid = claim_on("de", PAID, "Musk gave OpenAI $44 million.", subjects=["Elon Musk"])
    client.put(f"/api/v1/claims/{paid}/question", headers=h, json={"question_id": qid})
    en = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.", subjects=["Elon Musk"])
    found = client.get(f"/api/v1/claims/{en}/suggestions", headers=h).json
    assert found["questions"][0]["id"] == qid and found["questions"][0]["reasons"]
    bad = client.post(f"/api/v1/claims/{en}/suggestions", headers=h, json={"type": "x"})
    assert bad.status_code == 400
    accepted = client.post(
        f"/api/v1/claims/{en}/suggestions",
        headers=h,
        json={"type": "question", "id": qid, "decision": "accept"},
    )
    assert accepted.status_code == 200 and accepted.json["question_id"] == qid
    viewer = headers(Role.viewer)
    refused = client.post(
        f"/api/v1/claims/{en}/suggestions",
        headers=viewer,
        json={"type": "question", "id": qid, "decision": "reject"},
    )
    assert refused.status_code == 403


def test_entities_through_the_api(client, headers, claim_on, people):
    h = headers()
    zh = claim_on("zh", "馬斯克剛剛再一次把OpenAI告上了法庭", "Musk sued OpenAI again.")
    musk = client.get(f"/api/v1/entities/{people['musk']}", headers=h).json
    assert "馬斯克" in musk["aliases"] and zh in [c["id"] for c in musk["about"]]
    created = client.post(
        "/api/v1/entities",
        headers=h,
        json={"name": "John Schulman", "kind": "person", "aliases": ["舒曼", "Schulman"]},
    )
    assert created.status_code == 201
    taken = client.post(
        "/api/v1/entities",
        headers=h,
        json={"name": "Someone", "kind": "person", "aliases": ["Musk"]},
    )
    assert taken.status_code == 409 and "already names Elon Musk" in taken.json["error"]["message"]
    assert taken.json["existing_id"] == people["musk"]


def test_tracker_disputes_prints_the_seeds_disputes(runner):
    seeded = runner.invoke(args=["seed"])
    assert seeded.exit_code == 0, seeded.output
    result = runner.invoke(args=["disputes"])
    assert result.exit_code == 0, result.output
    questions_shown = [line for line in result.output.splitlines() if line.endswith("?")]
    assert len(set(questions_shown)) >= 8
    assert " | " in result.output and "open dispute(s)." in result.output
    # Side by side even with Chinese text (two terminal columns a character): one pipe column.
    pipes = {wcswidth(line.split(" | ")[0]) for line in result.output.splitlines() if " | " in line}
    assert len(pipes) == 1
    assert "奧特曼" in result.output and "Vizepräsidentin" in result.output


def test_values_flags_and_aliases_through_the_api(client, headers, claim_on, people, app):
    h = headers()
    pledge = claim_on("de", PLEDGE, "Musk pledged $1 billion.", subjects=["Elon Musk"])
    paid = claim_on("de", PAID, "Musk gave $44 million in all.", subjects=["Elon Musk"])
    with app.app_context():
        qid = questions.create_question(MONEY, "money", actor=None).id
        for cid in (pledge, paid):
            questions.assign_question(cid, qid, actor=None)
        db.session.commit()
    version = client.get(f"/api/v1/claims/{pledge}", headers=h).json["version"]

    not_money = client.put(
        f"/api/v1/claims/{pledge}/value",
        headers=h,
        json={"value": "next spring", "version": version},
    )
    assert not_money.status_code == 400 and not_money.json["error"]["fields"] == {
        "value": "not found"
    }
    fixed = client.put(
        f"/api/v1/claims/{pledge}/value",
        headers=h,
        json={"value": "44 million dollars", "version": version},
    )
    assert fixed.status_code == 200
    assert fixed.json["value"]["display"] == "$44,000,000" and fixed.json["value"]["confirmed"]
    stale = client.put(
        f"/api/v1/claims/{pledge}/value",
        headers=h,
        json={"value": "1 billion dollars", "version": version},
    )
    assert stale.status_code == 409

    reason = "One is pledged, one is paid."
    flagged = client.post(
        f"/api/v1/questions/{qid}/contradictions",
        headers=h,
        json={"claim_ids": [paid, pledge], "reason": reason},
    )
    assert flagged.status_code == 201 and flagged.json["kind"] == "flagged"
    assert flagged.json["claim_ids"] == sorted([paid, pledge])
    elsewhere = client.post(
        "/api/v1/questions/999999/contradictions",
        headers=h,
        json={"claim_ids": [paid, pledge], "reason": reason},
    )
    assert elsewhere.status_code == 404
    malformed = client.post(
        f"/api/v1/questions/{qid}/contradictions",
        headers=h,
        json={"claim_ids": [paid], "reason": reason},
    )
    assert malformed.status_code == 400

    alias = client.post(
        f"/api/v1/entities/{people['brockman']}/aliases", headers=h, json={"alias": "布羅克曼"}
    )
    assert alias.status_code == 201 and "布羅克曼" in alias.json["aliases"]
    taken = client.post(
        f"/api/v1/entities/{people['brockman']}/aliases", headers=h, json={"alias": "马斯克"}
    )
    assert taken.status_code == 409 and "already names Elon Musk" in taken.json["error"]["message"]
    assert taken.json["existing_id"] == people["musk"]
