"""The sources JSON API: list, read, sentences, import, and its errors."""

from __future__ import annotations

import pytest

from tracker.accounts.models import Role


@pytest.fixture
def token(app, make_user, runner) -> str:
    user = make_user(Role.reviewer)
    result = runner.invoke(args=["tokens", "create", user.username])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _post(client, token, body):
    return client.post("/api/v1/sources", json=body, headers={"Authorization": f"Bearer {token}"})


def test_import_then_read_back_through_the_api(client, token, seed_text):
    text = seed_text("zh-openai-leadership-shakeup.txt")
    created = _post(client, token, {"text": text, "url": "https://example.org/zh"})
    assert created.status_code == 201, created.json
    source_id = created.json["id"]
    assert created.headers["Location"].endswith(f"/api/v1/sources/{source_id}")
    headers = {"Authorization": f"Bearer {token}"}

    detail = client.get(f"/api/v1/sources/{source_id}", headers=headers).json
    assert detail["text"] == text
    assert detail["language"] == "zh"
    assert detail["url"] == "https://example.org/zh"
    assert detail["published"] is None
    assert len(detail["sha256"]) == 64
    assert detail["title"] == "OpenAI高層巨變:聯創辭職總裁休假,網友:領導層成了空殼"

    sentences = client.get(f"/api/v1/sources/{source_id}/sentences", headers=headers).json
    assert sentences["total"] == detail["sentence_count"] == len(sentences["items"])
    for item in sentences["items"]:
        assert text[item["start"] : item["end"]] == item["text"]
        assert set(item) >= {"index", "start", "end", "text", "reading_text"}
    glossed = [i for i in sentences["items"] if i["glosses"]]
    assert sum(len(i["glosses"]) for i in glossed) == 58
    assert "(lián)" in glossed[0]["text"] and "(lián)" not in glossed[0]["reading_text"]


def test_lists_paginate(client, token):
    for n in range(3):
        assert _post(client, token, {"text": f"Artikel {n}. Er hat einen Satz."}).status_code == 201
    headers = {"Authorization": f"Bearer {token}"}
    first = client.get("/api/v1/sources?per_page=2", headers=headers).json
    second = client.get("/api/v1/sources?per_page=2&page=2", headers=headers).json
    assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (
        3,
        2,
        2,
        1,
    )
    assert "text" not in first["items"][0]
    titles = [i["title"] for i in first["items"] + second["items"]]
    assert sorted(titles) == [
        "Artikel 0. Er hat einen Satz.",
        "Artikel 1. Er hat einen Satz.",
        "Artikel 2. Er hat einen Satz.",
    ]
    bad = client.get("/api/v1/sources?per_page=0", headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["fields"] == {"per_page": "invalid"}


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"text": ""}, 400, "invalid", "text"),
        ({"title": "no text"}, 400, "invalid", "text"),
        ({"text": 42}, 400, "invalid", "text"),
        ({"text": "Satz.", "language": "xx"}, 400, "invalid", "language"),
        ({"text": "Satz.", "url": "javascript:alert(1)"}, 400, "invalid", "url"),
        ({"text": "Satz.", "published": "yesterday"}, 400, "invalid", "published"),
        ({"text": "Satz.", "published": 20240806}, 400, "invalid", "published"),
    ],
)
def test_bad_imports_get_json_errors(client, token, body, status, code, field):
    response = _post(client, token, body)
    assert response.status_code == status
    error = response.json["error"]
    assert error["code"] == code and field in error["fields"] and error["message"]
    listing = client.get("/api/v1/sources", headers={"Authorization": f"Bearer {token}"}).json
    assert listing["total"] == 0


def test_a_body_that_is_not_json_gets_a_json_error(client, token):
    response = client.post(
        "/api/v1/sources", data="text=hello", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400 and "JSON object" in response.json["error"]["message"]


def test_a_text_over_the_limit_gets_413(app, client, token):
    app.config["MAX_SOURCE_BYTES"] = 100
    response = _post(client, token, {"text": "Wort " * 50})
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"


def test_a_duplicate_gets_409_naming_the_existing_source(client, token):
    first = _post(client, token, {"text": "Einmal. Zweimal."}).json
    again = _post(client, token, {"text": "Einmal. Zweimal."})
    assert again.status_code == 409
    assert again.json["error"]["existing_id"] == first["id"]


def test_unknown_source_is_404_json(client, token):
    response = client.get("/api/v1/sources/999999", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_the_api_needs_a_valid_token_or_session(client, token):
    assert client.get("/api/v1/sources").status_code == 401
    bad = client.get("/api/v1/sources", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json["error"]["message"]


def test_viewers_may_read_but_not_import(client, make_user, runner):
    viewer = make_user(Role.viewer)
    viewer_token = runner.invoke(args=["tokens", "create", viewer.username]).output.strip()
    headers = {"Authorization": f"Bearer {viewer_token}"}
    assert client.get("/api/v1/sources", headers=headers).status_code == 200
    refused = client.post("/api/v1/sources", json={"text": "Satz."}, headers=headers)
    assert refused.status_code == 403 and "reviewer" in refused.json["error"]["message"]


def test_cookie_sessions_need_the_csrf_token_to_post(app, client, auth):
    auth.login(Role.reviewer)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/sources", json={"text": "Ohne Token."})
    assert response.status_code == 400 and "CSRF" in response.json["error"]["message"]
