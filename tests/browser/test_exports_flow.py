"""An editor filters the queue, opens the export, and downloads verified claims."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tracker.core import db
from tracker.seeding import load_seeds


def test_editor_downloads_claimreview_and_csv(live_server: LiveServer, page: Page) -> None:
    with live_server.app.app_context():
        load_seeds()
        db.session.commit()
    live_server.login(page, "editor")

    page.goto(f"{live_server.url}/claims?status=verified")
    page.get_by_role("link", name="Export these").click()
    expect(page.get_by_label("Status")).to_have_value("verified")
    expect(page.get_by_role("status")).to_contain_text("have a verdict")

    page.get_by_label("Format").select_option("claimreview")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename.startswith("claimreview-")
    assert download.suggested_filename.endswith(".jsonld")
    items = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert items and {i["reviewRating"]["alternateName"] for i in items} == {"True"}

    page.get_by_label("Format").select_option("csv")
    page.get_by_label("CSV: start with a byte order mark").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(items) and {r["status"] for r in rows} == {"verified"}
