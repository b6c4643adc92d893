"""A reviewer imports articles through the form in real Chromium and reads them back."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_upload_an_article_and_read_it_back(live_server: LiveServer, page: Page) -> None:
    live_server.login(page, "reviewer")
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("…or a UTF-8 .txt file").set_input_files(
        str(SEEDS / "zh-openai-leadership-shakeup.txt")
    )
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("status")).to_contain_text("language zh")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("OpenAI高層巨變:聯創辭職總裁休假,網友:領導層成了空殼")
    sentences = page.locator(".sentence")
    assert sentences.count() == int(page.locator("dt:has-text('Sentences') + dd").inner_text())
    # The reading view hides the pinyin glosses; the verbatim text keeps them.
    text = page.locator(".text")
    expect(text).to_contain_text("聯創John Schulman辭職跑路")
    expect(text).not_to_contain_text("(lián)")
    # Anchors are stable and targetable.
    page.goto(page.url.split("#")[0] + "#s3")
    expect(page.locator("#s3")).to_contain_text("John Schulman")
    page.get_by_role("link", name="verbatim text").click()
    assert "聯(lián)創(chuàng)" in page.content()


def test_paste_an_article_with_markup_and_see_it_inert(live_server: LiveServer, page: Page) -> None:
    live_server.login(page, "reviewer")
    page.goto(f"{live_server.url}/sources/new")
    article = (
        "Schädlicher Artikel <script>window.pwned = 1</script>\n"
        'Er enthält <img src=x onerror="window.pwned = 2"> Markup. Zweiter Satz, z.B. hier.'
    )
    page.get_by_label("Article text").fill(article)
    page.get_by_label("Address (URL)").fill("https://example.org/artikel")
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("status")).to_contain_text("Imported")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Schädlicher Artikel <script>window.pwned = 1</script>"
    )
    expect(page.locator(".text")).to_contain_text('<img src=x onerror="window.pwned = 2">')
    expect(page.locator(".text")).to_contain_text("Zweiter Satz, z.B. hier.")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator(".text img").count() == 0

    # The same text again is reported as the existing source, not stored twice.
    page.goto(f"{live_server.url}/sources/new")
    page.get_by_label("Article text").fill(article)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("imported before")


def test_bad_input_is_explained_and_what_was_typed_is_kept(
    live_server: LiveServer, page: Page
) -> None:
    live_server.login(page, "reviewer")
    page.goto(f"{live_server.url}/sources/new")
    page.get_by_label("Article text").fill("Ein kurzer Text.")
    page.get_by_label("Title").fill("Mein Titel")
    page.get_by_label("Language").fill("klingonisch")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("not a known language code")
    expect(page.get_by_label("Article text")).to_have_value("Ein kurzer Text.")
    expect(page.get_by_label("Title")).to_have_value("Mein Titel")


def test_viewers_read_but_see_no_import(live_server: LiveServer, page: Page) -> None:
    live_server.login(page, "viewer")
    expect(page.get_by_role("link", name="Import", exact=True)).to_have_count(0)
    response = page.goto(f"{live_server.url}/sources/new")
    assert response is not None and response.status == 403
    page.goto(f"{live_server.url}/search?q=" + "总裁")
    expect(page.locator("main")).to_contain_text(re.compile(r"\d+ sentences? found"))
