"""The pages for questions, disputes, people and the matrix, driven through their forms."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.questions.conftest import BILLION, EN_PAID, PAID
from tracker.accounts.models import Role
from tracker.audit import services as audit
from tracker.claims import services as claims_services
from tracker.core import db
from tracker.questions import disputes
from tracker.questions import services as questions

MONEY = "How much money did Elon Musk give OpenAI?"


@pytest.fixture
def money(app: Flask, claim_on, people) -> dict[str, int]:
    """A money question answered by two German amounts and the English payment."""
    ids = {
        "pledge": claim_on("de", BILLION, "OpenAI got $1 billion.", subjects=["Elon Musk"]),
        "paid": claim_on("de", PAID, "Musk gave $44 million in all.", subjects=["Elon Musk"]),
        "en": claim_on("en", EN_PAID, "Musk gave OpenAI $44.6 million.", subjects=["Elon Musk"]),
    }
    with app.app_context():
        ids["question"] = questions.create_question(MONEY, "money", actor=None).id
        for key in ("pledge", "paid", "en"):
            questions.assign_question(ids[key], ids["question"], actor=None)
        db.session.commit()
    return ids


def _contradiction(app: Flask, a: int, b: int) -> int:
    with app.app_context():
        (row,) = [r for r in disputes.between(a, b) if r.kind.value == "value"]
        return row.id


def test_adding_a_question_keeps_what_was_typed_when_refused(client, auth, money):
    auth.login(Role.reviewer)
    empty = client.post("/questions", data={"text": "  ", "answer_kind": "money"})
    assert empty.status_code == 400 and "This field is required" in empty.text
    twice = client.post("/questions", data={"text": MONEY.lower(), "answer_kind": "money"})
    assert twice.status_code == 400 and "exists already" in twice.text
    assert f'value="{MONEY.lower()}"' in twice.text.replace("&#39;", "'")
    added = client.post(
        "/questions", data={"text": "When was OpenAI founded?", "answer_kind": "date"}
    )
    assert added.status_code == 302
    page = client.get(added.location).text
    assert "When was OpenAI founded?" in page and "answers are date" in page


def test_question_page_shows_claims_side_by_side_with_values(client, auth, money):
    auth.login(Role.viewer)
    page = client.get(f"/questions/{money['question']}").text
    assert "3 claims answering it" in page
    for shown in ("$1,000,000,000", "$44,000,000", "$44,600,000", 'lang="de"', 'lang="en"'):
        assert shown in page
    assert "$1,000,000,000 vs $44,000,000" in page and "one source contradicting itself" in page
    assert "Same figure, different precision" in page


def test_deciding_a_dispute_in_the_browser_is_recorded_and_refusals_keep_the_rationale(
    app, client, auth, money
):
    user = auth.login(Role.reviewer)
    row = _contradiction(app, money["pledge"], money["paid"])
    rationale = "A pledge and a payment are different facts."
    wrong_claim = client.post(
        f"/contradictions/{row}",
        data={
            f"c{row}-state": "resolved",
            f"c{row}-holding_claim_id": str(money["en"]),
            f"c{row}-rationale": rationale,
            "next": "/disputes",
        },
    )
    assert wrong_claim.status_code == 400
    assert "one of the two" in wrong_claim.text and rationale in wrong_claim.text
    # The dispute's own page, its form open with what was typed, and a way back to the list.
    assert f"<h1>Contradiction #{row}</h1>" in wrong_claim.text
    assert "<details open>" in wrong_claim.text
    assert 'href="/disputes">← Back' in wrong_claim.text

    done = client.post(
        f"/contradictions/{row}",
        data={
            f"c{row}-state": "not_a_contradiction",
            f"c{row}-rationale": rationale,
            "next": "/disputes",
        },
    )
    assert done.status_code == 302 and done.location.endswith("/disputes")
    disputes_page = client.get("/disputes").text
    assert "$1,000,000,000 vs $44,000,000" not in disputes_page
    assert "$1,000,000,000 vs $44,600,000" in disputes_page  # the English payment still differs
    assert "$1,000,000,000 vs $44,000,000" in client.get("/disputes?all=1").text
    with app.app_context():
        entries = audit.claim_history(money["pledge"])
        assert any(e.reason == rationale and e.actor_id == user.id for e in entries)
    history = client.get(f"/claims/{money['pledge']}/history").text
    assert rationale in history


def test_flagging_two_claims_from_the_question_page(app, client, auth, money):
    auth.login(Role.reviewer)
    url = f"/questions/{money['question']}/flag"
    reason = "One counts the pledge, the other only what was paid."
    refused = client.post(
        url, data={"claim_a_id": money["pledge"], "claim_b_id": "999999", "reason": reason}
    )
    assert refused.status_code == 400 and "does not exist" in refused.text
    assert reason in refused.text  # the typed reason is still in the form
    flagged = client.post(
        url, data={"claim_a_id": money["pledge"], "claim_b_id": money["en"], "reason": reason}
    )
    assert flagged.status_code == 302
    assert "Flagged by a reviewer" in client.get(f"/questions/{money['question']}").text


def test_correcting_a_value_from_the_claim_page(app, client, auth, money):
    auth.login(Role.reviewer)
    url = f"/claims/{money['pledge']}/value"
    with app.app_context():
        version = claims_services.get_claim(money["pledge"]).version
    bad = client.post(
        url, data={"value": "sometime soon", "version": str(version)}, follow_redirects=True
    )
    assert "No money found in “sometime soon”" in bad.text
    client.post(url, data={"value": "44 million dollars", "version": str(version)})
    page = client.get(f"/claims/{money['pledge']}").text
    assert "$44,000,000" in page and '<span class="badge">confirmed</span>' in page
    stale = client.post(
        url, data={"value": "45 million dollars", "version": str(version)}, follow_redirects=True
    )
    assert "changed by someone else" in stale.text


def test_people_pages_group_what_they_said_and_what_is_said_about_them(
    app, client, auth, money, claim_on, people
):
    claim_on(
        "zh", "馬斯克剛剛再一次把OpenAI告上了法庭", "Musk sued OpenAI again.", speaker="Elon Musk"
    )
    auth.login(Role.reviewer)
    page = client.get(f"/entities/{people['musk']}").text
    says, about = page.split("Claims about Elon Musk")
    assert "What Elon Musk says (1)" in says and "Musk sued OpenAI again." in says
    assert MONEY in about and "OpenAI got $1 billion." in about and 'lang="en"' in about

    taken = client.post(
        f"/entities/{people['brockman']}/aliases", data={"alias": "马斯克"}, follow_redirects=True
    )
    assert "already names Elon Musk" in taken.text  # simplified = traditional (OpenCC)
    client.post(f"/entities/{people['brockman']}/aliases", data={"alias": "布羅克曼"})
    assert "布羅克曼" in client.get(f"/entities/{people['brockman']}").text


def test_source_page_says_what_it_answers_and_where_it_disagrees(client, auth, money, source_ids):
    auth.login(Role.viewer)
    page = client.get(f"/sources/{source_ids['en']}").text
    answered, disagrees = page.split("Where it disagrees")
    assert MONEY in answered.split("Questions it answers")[1]
    assert "$1,000,000,000 vs $44,600,000" in disagrees
    assert re.search(r"against <a [^>]*>#\d+</a> in <a [^>]*lang=\"de\"", disagrees)
    german = client.get(f"/sources/{source_ids['de']}").text
    assert "this source contradicts itself" in german


def test_matrix_shows_each_source_value_or_silence(app, client, auth, money, claim_on):
    sued = claim_on("zh", "馬斯克剛剛再一次把OpenAI告上了法庭", "Musk sued OpenAI again.")
    with app.app_context():
        other = questions.create_question("Did Musk sue OpenAI again?", actor=None).id
        questions.assign_question(sued, other, actor=None)
        db.session.commit()
    auth.login(Role.viewer)
    page = client.get("/matrix").text
    row = page[page.index(MONEY) :]
    row = row[: row.index("</tr>")]
    assert "$44,600,000" in row and "$1,000,000,000" in row
    assert row.count('class="silent"') == 1  # the Chinese article says nothing about it


def test_untrusted_text_on_these_pages_is_inert(app, client, auth, claim_on, people):
    evil = "<script>alert(1)</script> Was it <b>paid</b>?"
    with app.app_context():
        qid = questions.create_question(evil, "money", actor=None).id
        db.session.commit()
    paid = claim_on("de", PAID, "<img src=x onerror=alert(2)>", subjects=["Elon Musk"])
    with app.app_context():
        questions.assign_question(paid, qid, actor=None)
        db.session.commit()
    auth.login(Role.viewer)
    for url in ("/questions", f"/questions/{qid}", "/matrix", f"/entities/{people['musk']}"):
        page = client.get(url).text
        assert "<script>alert(1)" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;" in page or "&lt;img" in page, url


def test_disputes_matrix_and_people_pages_cost_a_fixed_number_of_queries(
    app, client, auth, money, claim_on, people, count_queries
):
    auth.login(Role.viewer)
    urls = [
        "/disputes",
        "/matrix",
        f"/entities/{people['musk']}",
        f"/questions/{money['question']}",
    ]

    def costs() -> list[int]:
        found = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            found.append(counter.count)
        return found

    before = costs()
    # A second question with its own contradiction, in another source and language.
    zh = claim_on(
        "zh",
        "馬斯克剛剛再一次把OpenAI告上了法庭",
        "Musk sued OpenAI again.",
        subjects=["Elon Musk"],
        status="disputed",
        rationale="Unclear.",
    )
    en = claim_on(
        "en",
        "Greg Brockman, OpenAI's president, is taking leave",
        "Brockman is taking leave.",
        subjects=["Elon Musk"],
    )
    with app.app_context():
        other = questions.create_question("What happened next?", actor=None).id
        for cid in (zh, en):
            questions.assign_question(cid, other, actor=None)
        disputes.flag(zh, en, "They tell different stories.", actor=None)
        db.session.commit()
    page = client.get("/disputes").text
    assert "What happened next?" in page and "They tell different stories." in page
    assert costs() == before


def test_the_questions_list_marks_disputed_ones_without_reading_every_claim(
    app, client, auth, money, claim_on, count_queries
):
    auth.login(Role.viewer)
    with app.app_context():
        quiet = questions.create_question("Who led OpenAI's safety team?", actor=None).id
        db.session.commit()

    def listing() -> tuple[list[str], str]:
        with count_queries() as counter:
            page = client.get("/questions")
            assert page.status_code == 200
        return counter.statements, page.text

    before, page = listing()
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r'href="/questions/(\d+)"(.*?)</tr>', page, re.S)
    }
    assert "disputed" in rows[str(money["question"])]
    assert "disputed" not in rows[str(quiet)]
    # More claims in more questions: the same statements, and none reads the claims' table
    # without naming the questions shown.
    for n in range(6):
        cid = claim_on("en", EN_PAID, f"Musk gave OpenAI $44.6 million ({n}).")
        with app.app_context():
            other = questions.create_question(f"Question number {n}?", actor=None).id
            questions.assign_question(cid, other, actor=None)
            db.session.commit()
    after, _ = listing()
    assert len(after) == len(before)
    assert not [s for s in after if "FROM claims" in s and "question_id IN" not in s]


def test_an_entity_page_shows_a_page_of_questions_with_their_counts(
    app, client, auth, claim_on, people, count_queries, monkeypatch
):
    from tracker.entities import services as entity_services

    monkeypatch.setattr(entity_services, "QUESTIONS_PER_PAGE", 2)
    monkeypatch.setattr(entity_services, "CLAIMS_PER_QUESTION", 2)
    texts = ["A: how much?", "B: when?", "C: who?"]
    with app.app_context():
        qids = [questions.create_question(t, actor=None).id for t in texts]
        db.session.commit()
    for i in range(3):  # three claims about Musk in question A, one each in B and C
        cid = claim_on("en", EN_PAID, f"Musk paid, version {i}.", subjects=["Elon Musk"])
        with app.app_context():
            questions.assign_question(cid, qids[0], actor=None)
            db.session.commit()
    for qid, n in ((qids[1], 3), (qids[2], 4)):
        cid = claim_on("en", EN_PAID, f"Musk paid, version {n}.", subjects=["Elon Musk"])
        with app.app_context():
            questions.assign_question(cid, qid, actor=None)
            db.session.commit()
    auth.login(Role.viewer)
    url = f"/entities/{people['musk']}"
    with count_queries() as first_cost:
        first = client.get(url).text
    about = first.split("Claims about Elon Musk")[1]
    assert "Claims about Elon Musk (5)" in first
    assert "A: how much?" in about and "B: when?" in about and "C: who?" not in about
    assert "(3 claims, the first 2 shown)" in about
    # Two of question A's three claims, and question B's one.
    assert sum(f"Musk paid, version {i}." in about for i in range(5)) == 3
    assert "about_page=2" in about and "Next questions" in about
    with count_queries() as second_cost:
        second = client.get(url, query_string={"about_page": 2}).text
    assert "C: who?" in second.split("Claims about Elon Musk")[1]
    assert "A: how much?" not in second.split("Claims about Elon Musk")[1]
    assert second_cost.count == first_cost.count
    assert client.get(url, query_string={"about_page": "x"}).status_code == 400
