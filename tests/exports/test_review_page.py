"""A claim's public review page, with its ClaimReview JSON-LD in the head."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask

from tests.support.schemaorg import problems
from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.core import db
from tracker.sources import services as sources

SCRIPT = "</script><script>alert(1)</script>"


@pytest.fixture
def checked(app: Flask) -> dict[str, int]:
    """A claim found false (with evidence), and one still in review."""
    with app.app_context():
        source = sources.import_source(
            "Musk gave OpenAI $44 million. OpenAI was founded in 2015.\n",
            sources.SourceMetadata(
                title="Musk and OpenAI", language="en", url="https://news.example/musk"
            ),
            actor=None,
        )
        false = claims.mark_claim(
            source.id,
            claims.ClaimDraft(
                start=0,
                end=29,
                statement=f"Musk gave $44M {SCRIPT}",
                speaker="the article",
                status="false",
                rationale="His lawsuit says $44.6 million.",
            ),
            actor=None,
        )
        claims.attach_evidence(
            false.id,
            claims.EvidenceDraft(
                url="https://openai.com/index/openai-elon-musk/",
                title="OpenAI and Elon Musk",
                stance="refutes",
            ),
            actor=None,
        )
        pending = claims.mark_claim(
            source.id,
            claims.ClaimDraft(start=30, end=57, statement="Founded in 2015."),
            actor=None,
        )
        db.session.commit()
        return {"false": false.id, "pending": pending.id}


def _json_ld(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD in the page"
    return json.loads(found.group(1))


def test_public_page_needs_a_login_unless_public_reading_is_on(app, client, checked):
    url = f"/review/{checked['false']}"
    assert client.get(url).status_code == 302
    app.config["PUBLIC_READING"] = True
    page = client.get(url)
    assert page.status_code == 200 and "His lawsuit says $44.6 million." in page.text
    assert client.get(f"/review/{checked['pending']}").status_code == 404
    assert client.get("/review/999999").status_code == 404


def test_public_page_embeds_its_claimreview_inertly(app, client, checked):
    app.config["PUBLIC_READING"] = True
    app.config["PUBLIC_BASE_URL"] = "https://checks.example"
    page = client.get(f"/review/{checked['false']}").text
    review = _json_ld(page)
    assert problems(review) == []
    assert review["url"] == f"https://checks.example/review/{checked['false']}"
    assert review["reviewRating"]["alternateName"] == "False"
    assert review["claimReviewed"] == f"Musk gave $44M {SCRIPT}"
    assert "<script>alert(1)" not in page  # the statement never closes the JSON-LD block
    assert page.count("<script") == 2  # tracker.js and the JSON-LD, nothing else
    assert 'href="https://news.example/musk" rel="noopener noreferrer nofollow"' in page
    assert '<link rel="canonical" href="https://checks.example/review/' in page


def test_unpublished_claims_are_shown_to_reviewers_without_json_ld(client, auth, checked):
    auth.login(Role.viewer)
    page = client.get(f"/review/{checked['pending']}")
    assert page.status_code == 200 and "Not published" in page.text
    assert "application/ld+json" not in page.text
    with client.application.app_context():
        claim = claims.get_claim(checked["false"])
        claims.delete_claim(claim.id, version=claim.version, actor=None, note="Duplicate.")
        db.session.commit()
    assert client.get(f"/review/{checked['false']}").status_code == 404


def test_claim_page_links_to_its_public_review(client, auth, checked):
    auth.login(Role.viewer)
    assert f'href="/review/{checked["false"]}"' in client.get(f"/claims/{checked['false']}").text
    assert "Public review page" not in client.get(f"/claims/{checked['pending']}").text


def test_public_page_names_the_organisation_or_a_chosen_name_never_the_login(app, client):
    """Issue 12, defect 12: "Reviewed ... by reviewer" showed the reviewer's login."""
    from tests.conftest import PASSWORD
    from tracker.accounts import services as accounts

    with app.app_context():
        editor = accounts.create_user("erin_login", PASSWORD, Role.editor)
        source = sources.import_source(
            "The tower is 300 metres tall.\n", sources.SourceMetadata(language="en"), actor=editor
        )
        claim = claims.mark_claim(
            source.id,
            claims.ClaimDraft(
                start=0,
                end=29,
                statement="The tower is 300 m tall.",
                status="misleading",
                rationale="It is 330 m with its antennas.",
            ),
            actor=editor,
        )
        db.session.commit()
    app.config.update(PUBLIC_READING=True, REVIEW_ORG_NAME="Faktencheck-Redaktion")
    page = client.get(f"/review/{claim.id}").text
    assert "by Faktencheck-Redaktion." in page and "erin_login" not in page
    with app.app_context():
        erin = accounts.get_user(editor.id)
        accounts.set_display_name(erin, "Erin M.", actor=erin)
        db.session.commit()
    page = client.get(f"/review/{claim.id}").text
    assert "by Erin M.." in page and "erin_login" not in page
    with app.app_context(), pytest.raises(accounts.InvalidInput):
        erin = accounts.get_user(editor.id)
        accounts.set_display_name(erin, "ERIN_LOGIN", actor=erin)


def test_the_account_page_refuses_the_login_as_display_name_on_its_field(client, auth):
    user = auth.login(Role.reviewer)
    page = client.post("/account/display-name", data={"display_name": user.username.upper()})
    assert page.status_code == 400
    field = page.text.split('<label for="display_name">')[1].split("</div>")[0]
    assert "never show a login name" in field and f'value="{user.username.upper()}"' in field
    saved = client.post("/account/display-name", data={"display_name": "  Rita   K. "})
    assert saved.status_code == 302
    assert 'value="Rita K."' in client.get("/account").text
