"""Answers, qualifiers, rulings and the grouping of a new source: API, pages and CLI."""

from __future__ import annotations

import pytest

from tests.questions.conftest import BILLION, EN_PAID, PAID
from tracker.accounts.models import Role
from tracker.core import db
from tracker.questions import services as questions

MONEY = "How much money did Elon Musk give OpenAI?"


@pytest.fixture
def money(app, claim_on, people) -> dict[str, int]:
    ids = {
        "billion": claim_on("de", BILLION, "OpenAI got $1 billion.", subjects=["Elon Musk"]),
        "paid": claim_on("de", PAID, "Musk gave $44 million in all.", subjects=["Elon Musk"]),
        "en": claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.", subjects=["Elon Musk"]),
    }
    with app.app_context():
        ids["question"] = questions.create_question(MONEY, "money", actor=None).id
        for key in ("billion", "paid", "en"):
            questions.assign_question(ids[key], ids["question"], actor=None)
        db.session.commit()
    return ids


def test_a_claim_shows_every_value_it_holds_from_the_moment_it_is_marked(
    client, headers, claim_on, people
):
    en = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million between 2016 and 2020.")
    data = client.get(f"/api/v1/claims/{en}", headers=headers(Role.viewer)).json
    assert data["question_id"] is None and data["answer"] is None
    shown = {(v["kind"], v["display"], v["in"]) for v in data["values"]}
    assert ("money", "$44,600,000", "quote") in shown
    assert any(kind == "date" for kind, _, _ in shown)
    assert data["qualifiers"] == {"as_of": None, "from": None, "until": None, "aspect": None}


def test_answers_and_rulings_through_the_api(client, headers, money):
    h = headers()
    question = client.get(f"/api/v1/questions/{money['question']}", headers=h).json
    texts = {a["text"]: a for a in question["answers"]}
    assert set(texts) == {"$1,000,000,000", "$44,000,000", "$44,600,000"}
    assert texts["$44,600,000"]["claim_ids"] == [money["en"]]
    assert not any(a["confirmed"] for a in question["answers"])
    assert all(c["proposed"] for c in question["contradictions"])

    claim = client.get(f"/api/v1/claims/{money['en']}", headers=h).json
    confirmed = client.put(
        f"/api/v1/claims/{money['en']}/answer",
        headers=h,
        json={"confirm": True, "version": claim["version"]},
    )
    assert confirmed.status_code == 200 and confirmed.json["answer"]["confirmed"]
    stale = client.put(
        f"/api/v1/claims/{money['en']}/answer",
        headers=h,
        json={"answer": "45 million dollars", "version": claim["version"]},
    )
    assert stale.status_code == 409
    bad = client.put(
        f"/api/v1/claims/{money['en']}/answer",
        headers=h,
        json={"qualifiers": {"as_of": "last spring"}, "version": confirmed.json["version"]},
    )
    assert bad.status_code == 400 and "as_of" in bad.json["error"]["fields"]
    split = client.put(
        f"/api/v1/claims/{money['billion']}/answer",
        headers=h,
        json={
            "qualifiers": {"aspect": "pledged"},
            "version": client.get(f"/api/v1/claims/{money['billion']}", headers=h).json["version"],
        },
    )
    assert split.status_code == 200 and split.json["qualifiers"]["aspect"] == "pledged"

    pair = [texts["$44,000,000"]["id"], texts["$44,600,000"]["id"]]
    ruled = client.post(
        f"/api/v1/questions/{money['question']}/rulings",
        headers=h,
        json={
            "answer_ids": pair,
            "state": "not_a_contradiction",
            "rationale": "The same payment, rounded.",
        },
    )
    assert ruled.status_code == 200 and ruled.json["ruling"]["state"] == "not_a_contradiction"
    open_items = client.get("/api/v1/disputes", headers=h).json["items"]
    assert open_items == []  # the pledge is split off, the rounding ruled on
    decided = client.get("/api/v1/disputes?all=1", headers=h).json["items"]
    assert [i["ruling_id"] for i in decided] == [ruled.json["ruling"]["id"]]
    viewer = client.post(
        f"/api/v1/questions/{money['question']}/rulings",
        headers=headers(Role.viewer),
        json={"answer_ids": pair, "state": "open", "rationale": "x"},
    )
    assert viewer.status_code == 403
    reopened = client.post(
        f"/api/v1/questions/{money['question']}/rulings",
        headers=h,
        json={"answer_ids": pair, "state": "open", "rationale": "Not the same payment after all."},
    )
    assert reopened.status_code == 200 and reopened.json["ruling"] is None
    assert len(client.get("/api/v1/disputes", headers=h).json["items"]) == 1


def test_a_refused_answer_keeps_what_was_typed_on_its_field(app, client, auth, money):
    auth.login(Role.reviewer)
    page = client.get(f"/claims/{money['en']}").text
    assert "proposed" in page and "Confirm this answer" in page
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    refused = client.post(
        f"/claims/{money['en']}/answer",
        data={"answer": "45 million dollars", "as_of": "spring 2016", "version": version},
    )
    assert refused.status_code == 400
    assert "YYYY" in refused.text and 'value="spring 2016"' in refused.text
    assert 'value="45 million dollars"' in refused.text
    saved = client.post(
        f"/claims/{money['en']}/answer",
        data={"answer": "45 million dollars", "as_of": "2016", "version": version},
    )
    assert saved.status_code == 302
    page = client.get(f"/claims/{money['en']}").text
    assert "$45,000,000" in page and "as of 2016" in page


def test_the_grouping_page_accepts_a_new_sources_claims_at_once(
    app, client, auth, money, claim_on, source_ids, runner
):
    brockman = claim_on(
        "en",
        "Greg Brockman, OpenAI's president, is taking leave until the end of the year",
        "Greg Brockman is on leave until the end of the year.",
    )
    with app.app_context():
        leave = questions.create_question(
            "How long is Greg Brockman's leave from OpenAI?", "duration", actor=None
        ).id
        db.session.commit()
    other = claim_on(
        "zh",
        "與此同時,OpenAI總裁Greg Brockman也宣布將休長假,直到年底。",
        "Greg Brockman takes a long leave until the end of the year.",
    )
    with app.app_context():
        questions.assign_question(other, leave, actor=None)
        db.session.commit()
    auth.login(Role.reviewer)
    url = f"/sources/{source_ids['en']}/suggestions"
    page = client.get(url).text
    assert "How long is Greg Brockman&#39;s leave from OpenAI?" in page
    assert f'value="{brockman}:{leave}" checked' in page
    refused = client.post(url, data={"accept": [f"{brockman}:{leave}", f"{brockman}:9999"]})
    assert refused.status_code == 400 and "Pick one question" in refused.text
    done = client.post(url, data={"accept": [f"{brockman}:{leave}"]})
    assert done.status_code == 302
    claim = client.get(f"/api/v1/claims/{brockman}").json
    assert claim["question_id"] == leave and claim["answer"] is not None

    listed = runner.invoke(args=["claims", "suggest", "--source", str(source_ids["en"])])
    assert listed.exit_code == 0, listed.output
    assert f"#{brockman}" not in listed.output  # grouped now: nothing left to propose


def test_proposals_through_the_api_and_the_cli(
    app, client, headers, claim_on, people, source_ids, runner
):
    with app.app_context():
        qid = questions.create_question(MONEY, "money", actor=None).id
        db.session.commit()
    paid = claim_on("de", PAID, "Musk gave OpenAI $44 million.", subjects=["Elon Musk"])
    client.put(f"/api/v1/claims/{paid}/question", headers=headers(), json={"question_id": qid})
    en = claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.", subjects=["Elon Musk"])
    h = headers()
    found = client.get(f"/api/v1/sources/{source_ids['en']}/proposals", headers=h).json
    [item] = [i for i in found["items"] if i["claim_id"] == en]
    assert item["options"][0]["id"] == qid and item["options"][0]["answer"] == "$44,600,000"
    bad = client.post(
        f"/api/v1/sources/{source_ids['en']}/proposals",
        headers=h,
        json={"accept": [{"claim_id": paid, "question_id": qid}]},
    )
    assert bad.status_code == 400 and "not in source" in bad.json["error"]["message"]
    printed = runner.invoke(
        args=["claims", "suggest", "--source", str(source_ids["en"]), "--accept-above", "0.3"]
    )
    assert printed.exit_code == 0, printed.output
    assert MONEY in printed.output and "-> $44,600,000" in printed.output
    assert "1 claim(s) accepted at 0.30 or more." in printed.output
    with app.app_context():
        from tracker.claims.services import get_claim

        assert get_claim(en).question_id == qid
