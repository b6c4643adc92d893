"""A reviewer adds an English article, marks a claim, accepts the suggested question, and sees
the disagreement beside the German and Chinese claims."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tracker.core import db
from tracker.seeding import load_seeds

ARTICLE = (
    "How much did Musk really give OpenAI?\n"
    "Elon Musk gave OpenAI $44.6 million between 2016 and 2020, according to his new lawsuit.\n"
    "The figure is far below the $1 billion he promised in 2015.\n"
    "Daniela Amodei, who was OpenAI's vice president of safety and policy, co-founded Anthropic"
    " with her brother Dario in 2021.\n"
)
MONEY = "How much money did Elon Musk give OpenAI?"
TITLE = "What was Daniela Amodei's position at OpenAI?"


def _import_and_mark(page: Page, url: str, quote: str, statement: str, subjects: str) -> None:
    page.goto(f"{url}/sources/new")
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_role("button", name="Import").click()
    # Imported now, or by the module's other test already (then the page says so).
    expect(page.get_by_role("status")).to_contain_text(re.compile("language en|imported before"))
    page.locator(".sentence", has_text=quote[:30]).locator(".mark-claim").click()
    page.get_by_label("Exact quote").fill(quote)
    page.get_by_label("Statement").fill(statement)
    page.get_by_label("Speaker").fill("the article")
    page.get_by_label("Subjects").fill(subjects)
    page.get_by_role("button", name="Mark claim").click()
    expect(page.get_by_role("status")).to_contain_text("marked")


def test_a_new_english_claim_joins_the_german_and_chinese_dispute(
    live_server: LiveServer, page: Page
) -> None:
    with live_server.app.app_context():
        load_seeds()
        db.session.commit()
    live_server.login(page, "reviewer")

    page.goto(f"{live_server.url}/disputes")
    dispute = page.locator("section.dispute", has_text=TITLE)
    expect(dispute.locator(".pair")).to_have_count(1)  # the seeds: German VP vs Chinese deputy

    _import_and_mark(
        page,
        live_server.url,
        "Daniela Amodei, who was OpenAI's vice president of safety and policy",
        "Daniela Amodei was OpenAI's vice president of safety and policy.",
        "Daniela Amodei, OpenAI",
    )
    suggestion = page.locator("ul.suggestions li", has_text=TITLE)
    expect(suggestion).to_contain_text("Daniela Amodei")  # explained: the shared person
    suggestion.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_contain_text("now answers that question")
    expect(page.locator("#question + p")).to_contain_text("VP Safety and Policy")

    page.goto(f"{live_server.url}/disputes")
    dispute = page.locator("section.dispute", has_text=TITLE)
    expect(dispute.locator(".pair")).to_have_count(2)  # now the English claim differs too
    english = dispute.locator(".pair", has_text="vice president of safety and policy")
    expect(english.locator("blockquote[lang=en]")).to_be_visible()
    expect(english.locator("blockquote[lang^=zh]")).to_contain_text("副總監")
    expect(dispute.locator("blockquote[lang=de]")).to_contain_text("Vizepräsidentin")
    expect(english).to_contain_text("Deputy Director of Safety and Policy")

    # The seeds' 64 questions fill several pages: find the question with the filter form.
    page.goto(f"{live_server.url}/matrix")
    expect(page.locator("tr", has_text=TITLE)).to_have_count(0)  # not on the first page
    expect(page.get_by_role("link", name="Next questions ›").first).to_be_visible()
    page.get_by_label("Question words").fill("Daniela Amodei's position")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"1 of \d+ questions and 3 of 3 sources match")
    )
    row = page.locator("tr", has_text=TITLE)
    expect(row.locator(".cell-claim")).to_have_count(3)  # German, Chinese and English
    expect(row.locator(".badge.status-disputed")).to_be_visible()
    page.get_by_label("Only where sources differ").check()
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tr", has_text=TITLE)).to_have_count(1)  # it still differs


def test_a_payment_figure_in_english_differs_in_precision_only_and_not_from_the_pledge(
    live_server: LiveServer, page: Page
) -> None:
    with live_server.app.app_context():
        load_seeds()
        db.session.commit()
    live_server.login(page, "reviewer")

    page.goto(f"{live_server.url}/disputes")
    expect(page.locator("section.dispute", has_text=MONEY)).to_have_count(0)  # pledge ≠ payment

    _import_and_mark(
        page,
        live_server.url,
        "Elon Musk gave OpenAI $44.6 million between 2016 and 2020",
        "Musk gave OpenAI $44.6 million from 2016 to 2020.",
        "Elon Musk, OpenAI",
    )
    suggestion = page.locator("ul.suggestions li", has_text=MONEY)
    expect(suggestion).to_contain_text("Elon Musk")
    suggestion.get_by_role("button", name="Accept").click()
    expect(page.locator("#question + p")).to_contain_text("$44,600,000")

    page.goto(f"{live_server.url}/disputes")
    dispute = page.locator("section.dispute", has_text=MONEY)
    # A payment does not contradict the pledge: the tracker read "gave" as paid.
    expect(dispute.locator(".conflict-row", has_text="$1,000,000,000")).to_have_count(0)
    rounder = dispute.locator(".conflict-row", has_text="$44,000,000 vs $44,600,000")
    expect(rounder).to_contain_text("Same figure, different precision")  # not a flat "wrong"
    expect(dispute.locator("blockquote[lang=de]", has_text="44 Millionen Dollar")).to_be_visible()

    page.goto(f"{live_server.url}/matrix")
    row = page.locator("tr", has_text=MONEY)
    expect(row).to_contain_text("$44,600,000")
    expect(row.locator(".silent")).to_have_count(1)  # the Chinese article gives no amount
