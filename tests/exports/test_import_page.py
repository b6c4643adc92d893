"""Importing claims from a file in the browser."""

from __future__ import annotations

import io

import pytest
from flask import Flask

from tracker.accounts.models import Role
from tracker.core import db
from tracker.sources import services as sources

ARTICLE = "Musk gave OpenAI $44 million. OpenAI was founded in 2015.\n"


@pytest.fixture
def source_id(app: Flask) -> int:
    with app.app_context():
        source = sources.import_source(ARTICLE, actor=None)
        db.session.commit()
        return source.id


def _post(client, text: str, name: str = "claims.csv", **fields: str):  # type: ignore[no-untyped-def]
    data = {"file": (io.BytesIO(text.encode("utf-8")), name), **fields}
    return client.post("/import/claims", data=data, content_type="multipart/form-data")


def test_a_bad_row_refuses_the_file_and_says_which_line(client, auth, source_id):
    auth.login(Role.reviewer)
    text = (
        "source_id,quote,statement\n"
        f"{source_id},Musk gave OpenAI $44 million.,Musk gave $44M.\n"
        f"{source_id},<script>alert(1)</script>,x\n"
    )
    refused = _post(client, text)
    assert refused.status_code == 400 and "1 of 2 rows are bad; nothing was loaded" in refused.text
    assert '<td class="num">3</td>' in refused.text and "is not found in the source" in refused.text
    assert "<script>alert(1)" not in refused.text  # the bad row is shown inertly
    assert "Musk gave $44M." not in client.get("/claims").text

    loaded = _post(client, text, skip_bad="y")
    assert loaded.status_code == 200 and "1 claim added; 1 bad row left out" in loaded.text
    assert "Musk gave $44M." in client.get("/claims").text
    again = _post(client, text, skip_bad="y")
    assert "0 claims added" in again.text and "there already" in again.text


def test_files_that_are_not_claims_get_a_clear_error(client, auth, source_id):
    auth.login(Role.reviewer)
    assert "Choose a file." in client.post("/import/claims", data={}).text
    latin1 = client.post(
        "/import/claims",
        data={"file": (io.BytesIO("Größe".encode("latin-1")), "x.csv")},
        content_type="multipart/form-data",
    )
    assert latin1.status_code == 400 and "not UTF-8" in latin1.text
    xlsx = _post(client, "a,b\n", name="claims.xlsx")
    assert xlsx.status_code == 400 and "not .csv, .json or .jsonl" in xlsx.text
    auth.logout()
    auth.login(Role.viewer)
    assert _post(client, "source_id,quote,statement\n").status_code == 403
