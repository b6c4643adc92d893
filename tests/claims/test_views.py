"""Claim pages: marking from a sentence, the claim page, verdicts, evidence, conflicts, queue."""

from __future__ import annotations

import re

from tests.claims.conftest import AMODEI_SENTENCE
from tracker.accounts.models import Role
from tracker.claims import services


def _location_id(response) -> int:
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1].split("#")[0])


def test_mark_a_claim_from_a_sentence_without_javascript(client, auth, de_source_id, app):
    auth.login(Role.reviewer)
    page = client.get(f"/sources/{de_source_id}").text
    link = re.search(rf'href="(/sources/{de_source_id}/claims/new\?sentence=5)"', page)
    assert link, "each sentence offers a link to mark a claim"
    form = client.get(link.group(1)).text
    assert AMODEI_SENTENCE in form  # the exact quote that will be stored
    start = int(re.search(r'name="start"[^>]*value="(\d+)"', form).group(1))
    end = int(re.search(r'name="end"[^>]*value="(\d+)"', form).group(1))
    # The reviewer shortens the quote to the words that make the claim.
    response = client.post(
        f"/sources/{de_source_id}/claims/new",
        data={
            "start": start,
            "end": end,
            "quote": "fast 75 wichtige Mitarbeiter OpenAI verlassen",
            "statement": "Almost 75 key employees have left OpenAI.",
            "speaker": "the article",
            "subjects": "OpenAI",
            "status": "unreviewed",
        },
    )
    assert response.status_code == 302, response.text
    claim_id = _location_id(response)
    with app.app_context():
        claim = services.get_claim(claim_id)
        assert claim.quote == "fast 75 wichtige Mitarbeiter OpenAI verlassen"
        assert claim.source.text[claim.start : claim.end] == claim.quote
        assert claim.start > start and claim.end < end
    detail = client.get(f"/claims/{claim_id}").text
    assert (
        "<mark" in detail and "fast 75 wichtige Mitarbeiter OpenAI verlassen</a></mark>" in detail
    )
    source_page = client.get(f"/sources/{de_source_id}").text
    assert f'href="/claims/{claim_id}"' in source_page and "status-unreviewed" in source_page


def test_a_quote_not_in_the_sentence_is_refused_and_the_form_kept(client, auth, de_source_id):
    auth.login(Role.reviewer)
    response = client.post(
        f"/sources/{de_source_id}/claims/new",
        data={
            "start": 0,
            "end": 20,
            "quote": "Musk zahlte alles",
            "statement": "Mein Satz",
            "status": "unreviewed",
        },
    )
    assert response.status_code == 400
    assert "is not found in the chosen sentences" in response.text
    assert "Mein Satz" in response.text


def test_a_selection_span_opens_the_form_with_its_exact_quote(client, auth, de_source_id):
    auth.login(Role.reviewer)
    page = client.get(f"/sources/{de_source_id}/claims/new?start=0&end=6").text
    assert "OpenAI</textarea>" in page
    assert client.get(f"/sources/{de_source_id}/claims/new?start=5&end=999999").status_code == 400
    assert client.get(f"/sources/{de_source_id}/claims/new?sentence=9999").status_code == 404


def test_verdict_evidence_and_history_on_the_claim_page(client, auth, make_claim):
    auth.login(Role.reviewer)
    claim = make_claim()
    no_reason = client.post(
        f"/claims/{claim.id}/verdict",
        data={"status": "misleading", "rationale": "", "version": "1"},
    )
    assert no_reason.status_code == 400 and "needs a rationale" in no_reason.text
    added = client.post(
        f"/claims/{claim.id}/evidence",
        data={
            "url": "https://openai.com/index/openai-elon-musk/",
            "title": "OpenAI and Elon Musk",
            "publisher": "OpenAI",
            "published": "2024-03-05",
            "stance": "supports",
        },
    )
    assert added.status_code == 302
    bad = client.post(
        f"/claims/{claim.id}/evidence",
        data={"url": "javascript:alert(1)", "title": "x", "stance": "supports"},
        follow_redirects=True,
    )
    assert "not a web address" in bad.text
    ok = client.post(
        f"/claims/{claim.id}/verdict",
        data={"status": "verified", "rationale": "OpenAI's own post confirms it.", "version": "1"},
    )
    assert ok.status_code == 302
    page = client.get(f"/claims/{claim.id}").text
    assert "Verified (it holds)" in page and "OpenAI&#39;s own post confirms it." in page
    assert 'rel="noopener noreferrer nofollow"' in page and "stance-supports" in page
    assert re.search(
        r"update\s+claim: status</td>\s*<td[^>]*>unreviewed</td>\s*<td[^>]*>verified", page
    )


def test_the_same_address_twice_is_refused_on_the_url_field_keeping_what_was_typed(
    client, auth, make_claim
):
    auth.login(Role.reviewer)
    claim = make_claim()
    form = {"url": "https://example.org/report", "title": "A report", "stance": "supports"}
    assert client.post(f"/claims/{claim.id}/evidence", data=form).status_code == 302
    again = client.post(f"/claims/{claim.id}/evidence", data={**form, "title": "Typed again"})
    assert again.status_code == 409
    field = re.search(r'<div class="field has-error">(.*?)</div>', again.text, re.S)
    assert field is not None and 'name="url"' in field.group(1)
    assert f"This address is already evidence for claim #{claim.id}." in field.group(1)
    assert 'value="Typed again"' in again.text  # the rest of the form is kept


def test_two_reviewers_saving_the_same_version_get_a_conflict_page(client, auth, make_claim, app):
    claim = make_claim()
    auth.login(Role.reviewer)
    form = {
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "speaker": "the article",
        "subjects": "OpenAI",
        "status": "unreviewed",
        "rationale": "",
        "version": "1",
    }
    first = client.post(f"/claims/{claim.id}/edit", data={**form, "statement": "Alice's words"})
    assert first.status_code == 302
    second = client.post(f"/claims/{claim.id}/edit", data={**form, "statement": "Bob's words"})
    assert second.status_code == 409
    html = second.text
    assert "Someone else changed this claim first" in html
    assert "Alice&#39;s words" in html and "Bob&#39;s words" in html  # both, side by side
    assert re.search(r'name="version" type="hidden" value="2"', html)
    with app.app_context():
        assert services.get_claim(claim.id).statement == "Alice's words"


def test_claim_text_is_inert(client, auth, make_claim):
    auth.login(Role.viewer)
    claim = make_claim(
        statement="<script>alert(1)</script>", speaker="<b>Mallory</b>", subjects=["<img src=x>"]
    )
    for url in (f"/claims/{claim.id}", "/claims", f"/sources/{claim.source_id}"):
        html = client.get(url).text
        assert "<script>alert(1)" not in html and "<b>Mallory" not in html
        assert "<img src=x>" not in html


def test_queue_filters_and_bulk_assign(client, auth, make_claim, make_user, zh_source_id, app):
    first = make_claim()
    second = make_claim(
        "聯(lián)創(chuàng)John Schulman辭職跑路",
        source_id=zh_source_id,
        statement="Schulman quit OpenAI.",
    )
    rita = make_user(Role.reviewer, "rita")
    auth.login(Role.reviewer)
    page = client.get("/claims").text
    assert "2 claims." in page
    assert "1 claim." in client.get("/claims?q=联创").text
    assert "1 claim." in client.get("/claims?language=zh").text
    response = client.post(
        "/claims/assign",
        data={"claim_ids": [first.id, second.id], "assignee_id": rita.id, "next": "/claims"},
    )
    assert response.status_code == 302
    assert "2 claim(s) assigned to rita" in client.get("/claims").text
    assert "2 claims." in client.get(f"/claims?assignee={rita.id}").text
    assert "0 claims." in client.get("/claims?assignee=none").text
    paged = client.get("/claims?per_page=1&sort=oldest").text
    assert (
        "Page 1 of 2" in paged and 'href="/claims?per_page=1&amp;sort=oldest&amp;page=2"' in paged
    )


def test_activity_lists_changes_by_user_and_date(client, auth, make_claim, app):
    claim = make_claim()
    user = auth.login(Role.editor)
    client.post(
        f"/claims/{claim.id}/verdict",
        data={"status": "unverifiable", "rationale": "No record.", "version": "1"},
    )
    page = client.get(f"/activity?user={user.id}").text
    assert "No record." in page and f"claim #{claim.id}" in page
    assert "No changes in this range." in client.get("/activity?until=2000-01-01").text
    assert client.get("/activity?since=yesterday").status_code == 400


def test_queue_and_claim_page_cost_a_fixed_number_of_queries(
    client, auth, make_claim, count_queries
):
    auth.login(Role.viewer)
    # Two claims with the same statement: the page also shows the other as a suggestion.
    claims = [make_claim(), make_claim("Früher gab es die PayPal-Mafia")]

    def cost(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    queue_one, detail_one = cost("/claims"), cost(f"/claims/{claims[0].id}")
    assert "PayPal-Mafia" in client.get(f"/claims/{claims[0].id}").text
    for quote in (
        "heute gibt es die OpenAI-Abtrünnigen",
        "Der ehemalige Chefwissenschaftler Ilya Sutskever gründete SSI",
    ):
        claims.append(make_claim(quote))
    assert cost("/claims") == queue_one
    page = client.get(f"/claims/{claims[0].id}").text
    assert "Ilya Sutskever" in page  # more suggestions shown, for the same number of queries
    assert cost(f"/claims/{claims[0].id}") == detail_one
