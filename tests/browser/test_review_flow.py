"""A reviewer's whole loop in Chromium, and two reviewers editing one claim at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tracker.claims import services as claims
from tracker.core import db
from tracker.sources import services as sources

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _source(live: LiveServer, name: str) -> int:
    text = (SEEDS / name).read_text(encoding="utf-8")
    with live.app.app_context():
        existing = sources.find_by_text(text)
        if existing is not None:
            return existing.id
        source = sources.import_source(text, actor=None)
        db.session.commit()
        return source.id


@pytest.fixture
def de_source(live_server: LiveServer) -> int:
    return _source(live_server, "de-openai-talent-exodus.txt")


def test_reviewer_marks_a_claim_adds_evidence_sets_a_verdict_and_sees_history(
    live_server: LiveServer, page: Page, de_source: int
) -> None:
    live_server.login(page, "reviewer")
    page.goto(f"{live_server.url}/sources/{de_source}")
    page.locator("#s5 .mark-claim").click()

    quote = page.get_by_label("Exact quote")
    expect(quote).to_have_value(re.compile(r"^Statistiken zufolge haben bisher fast 75"))
    quote.fill("fast 75 wichtige Mitarbeiter OpenAI verlassen")
    page.get_by_label("Statement").fill("Almost 75 key employees have left OpenAI.")
    page.get_by_label("Subjects").fill("OpenAI")
    page.get_by_role("button", name="Mark claim").click()

    expect(page.get_by_role("status")).to_contain_text("marked")
    expect(page.locator(".context mark")).to_have_text(
        "fast 75 wichtige Mitarbeiter OpenAI verlassen"
    )
    page.get_by_label("Address (URL)").fill("https://openai.com/index/openai-elon-musk/")
    page.get_by_label("Title", exact=True).fill("OpenAI and Elon Musk")
    page.get_by_label("Publisher").fill("OpenAI")
    page.get_by_label("Stance").select_option("supports")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_role("status")).to_contain_text("Evidence added")
    expect(page.locator("ul.evidence")).to_contain_text("Supports")

    page.locator(".verdict-form").get_by_label("Status").select_option("verified")
    page.locator(".verdict-form").get_by_label("Rationale").fill("The count matches reports.")
    page.get_by_role("button", name="Set status").click()
    expect(page.locator(".badge").first).to_have_text("Verified (it holds)")
    history = page.locator("table.history")
    expect(history).to_contain_text("create claim")
    expect(history).to_contain_text("create evidence")
    expect(history).to_contain_text("The count matches reports.")
    expect(history.locator("tr", has_text="update claim: status")).to_contain_text("verified")

    page.goto(f"{live_server.url}/sources/{de_source}")
    expect(page.locator("#s5 mark.status-verified")).to_have_text(
        "fast 75 wichtige Mitarbeiter OpenAI verlassen"
    )


def test_two_reviewers_never_overwrite_each_other(
    live_server: LiveServer, new_page: Callable[[], Page], de_source: int
) -> None:
    with live_server.app.app_context():
        source = sources.get_source(de_source)
        quote = "Früher gab es die PayPal-Mafia"
        start = claims.locate_quote(source, quote)
        claim = claims.mark_claim(
            de_source,
            claims.ClaimDraft(start=start, end=start + len(quote), statement="Original words."),
            actor=None,
        )
        db.session.commit()
        claim_id = claim.id
    alice, bob = new_page(), new_page()
    live_server.login(alice, "reviewer")
    live_server.login(bob, "editor")
    for page in (alice, bob):
        page.goto(f"{live_server.url}/claims/{claim_id}/edit")

    alice.get_by_label("Statement").fill("Alice's statement.")
    alice.get_by_role("button", name="Save").click()
    expect(alice.get_by_role("status")).to_contain_text("version 2")

    bob.get_by_label("Statement").fill("Bob's statement.")
    bob.get_by_label("Note for the history").fill("Bob's reason")
    bob.get_by_role("button", name="Save").click()
    conflict = bob.locator("section.conflict")
    expect(conflict).to_contain_text("Someone else changed this claim first")
    expect(conflict.locator(".current-statement")).to_have_text("Alice's statement.")
    expect(conflict.locator(".yours-statement")).to_have_text("Bob's statement.")
    expect(bob.get_by_label("Statement")).to_have_value("Bob's statement.")  # nothing lost

    bob.get_by_role("button", name="Save mine over theirs").click()
    expect(bob.get_by_role("status")).to_contain_text("version 3")
    expect(bob.locator("h1.statement")).to_have_text("Bob's statement.")
    rows = bob.locator("table.history tr", has_text="update claim: statement")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Alice's statement.")
    expect(rows.nth(1)).to_contain_text("Bob's reason")


def test_selecting_words_marks_exactly_that_span_through_glosses(
    live_server: LiveServer, page: Page
) -> None:
    source_id = _source(live_server, "zh-openai-leadership-shakeup.txt")
    live_server.login(page, "reviewer")
    page.goto(f"{live_server.url}/sources/{source_id}")
    # Select "辭職跑路" in §2, which comes after two glossed characters (聯創 = 聯(lián)創(chuàng)).
    page.evaluate(
        """() => {
          const rt = document.querySelector('#s2 .rt');
          const node = rt.firstChild;
          const at = node.textContent.indexOf('辭職跑路');
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + 4);
          const selection = document.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }"""
    )
    link = page.get_by_role("link", name="Mark a claim for this selection")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_label("Exact quote")).to_have_value("辭職跑路")
