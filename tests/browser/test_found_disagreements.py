"""A reviewer imports an English article, marks three claims, accepts the grouping page's
proposals, and finds on /disputes the disagreements nobody flagged: a different account of how
Sutskever left (a text question) and a "no" against a "yes"; a pair ruled compatible in the
seeds ("Chief Scientist" and "AI scientist") does not come back."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tracker.core import db
from tracker.seeding import load_seeds

# Written for this test: it restates, and contradicts, what the seed articles say.
ARTICLE = (
    "Inside OpenAI's year of departures\n"
    "Ilya Sutskever stepped down of his own accord to start a personal project.\n"
    "OpenAI never gave the superalignment team the 20% of compute it had promised.\n"
    "Ilya Sutskever, OpenAI's chief scientist, co-founded the lab in 2015.\n"
)
CLAIMS = [
    (
        "Ilya Sutskever stepped down of his own accord to start a personal project",
        "Ilya Sutskever left OpenAI voluntarily to start a personal project.",
        "Ilya Sutskever, OpenAI",
    ),
    (
        "OpenAI never gave the superalignment team the 20% of compute it had promised",
        "OpenAI did not keep its promise of 20% of compute.",
        "OpenAI",
    ),
    (
        "Ilya Sutskever, OpenAI's chief scientist",
        "Ilya Sutskever was OpenAI's chief scientist.",
        "Ilya Sutskever, OpenAI",
    ),
]
LEFT = "When and how did Ilya Sutskever leave OpenAI?"
COMPUTE = "Did OpenAI keep its promise of 20% of compute?"
ROLE = "What was Ilya Sutskever's role at OpenAI?"


def test_the_tracker_finds_what_the_new_article_contradicts(
    live_server: LiveServer, page: Page
) -> None:
    with live_server.app.app_context():
        load_seeds()
        db.session.commit()
    live_server.login(page, "reviewer")
    page.goto(f"{live_server.url}/sources/new")
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("language en")
    source_url = page.url.split("#")[0]
    for quote, statement, subjects in CLAIMS:
        page.goto(source_url)
        page.locator(".sentence", has_text=quote[:30]).locator(".mark-claim").click()
        page.get_by_label("Exact quote").fill(quote)
        page.get_by_label("Statement").fill(statement)
        page.get_by_label("Speaker").fill("the article")
        page.get_by_label("Subjects").fill(subjects)
        page.get_by_role("button", name="Mark claim").click()
        expect(page.get_by_role("status")).to_contain_text("marked")

    page.goto(source_url)
    page.get_by_role("link", name="Group its claims into questions").click()
    left = page.locator("section.proposal", has_text=CLAIMS[0][1])
    expect(left.locator("li").first).to_contain_text(LEFT)
    role = page.locator("section.proposal", has_text=CLAIMS[2][1])
    expect(role.locator("li").first).to_contain_text(ROLE)
    expect(role.locator("li").first).to_contain_text("answer: Chief Scientist")
    compute = page.locator("section.proposal", has_text=CLAIMS[1][1])
    expect(compute.locator("li").first).to_contain_text(COMPUTE)
    expect(compute.locator("li").first).to_contain_text("answer: no")
    # The best proposal of each claim is ticked: one click accepts them all.
    expect(page.locator("input[name=accept]:checked")).to_have_count(3)
    page.get_by_role("button", name="Accept the ticked proposals").click()
    expect(page.get_by_role("status")).to_contain_text("3 claim(s) put in their questions")

    page.goto(f"{live_server.url}/disputes")
    accounts = page.locator("section.dispute", has_text=LEFT).locator(".conflict-row")
    expect(accounts.filter(has_text="left OpenAI voluntarily")).to_have_count(2)
    expect(accounts.filter(has_text="forced out after the failed coup").first).to_contain_text(
        "Different answers"
    )
    expect(accounts.filter(has_text="left OpenAI voluntarily").first).to_contain_text(
        "from a proposed answer"
    )
    yes_no = page.locator("section.dispute", has_text=COMPUTE).locator(".conflict-row")
    expect(yes_no.filter(has_text="Yes vs no")).to_have_count(2)  # the seeds' one, and ours
    pair = page.locator("section.dispute", has_text=COMPUTE).locator(".pair").last
    expect(pair.locator("blockquote[lang=en]")).to_contain_text("never gave")
    expect(pair.locator("blockquote[lang^=zh]")).to_be_visible()
    # Chief Scientist vs AI scientist was ruled compatible: the new claim brings no dispute.
    expect(page.locator("section.dispute", has_text=ROLE)).to_have_count(0)
    page.goto(f"{live_server.url}/disputes?all=1")
    ruled = page.locator("section.dispute", has_text=ROLE).locator(".conflict-row")
    expect(ruled.first).to_contain_text("Ruled on the answers")
