"""Nothing behind a login is cached (issue 12, part of 14): Cache-Control: no-store on pages,
API answers and exports for logged-in users and token calls; public pages stay cacheable; and
`tracker serve` refuses public reading without PUBLIC_BASE_URL."""

from __future__ import annotations

import pytest

from tracker.accounts import services
from tracker.accounts.models import Role
from tracker.core import db

PRIVATE = [
    "/sources",
    "/claims",
    "/account",
    "/account/tokens",
    "/activity",
    "/export",
    "/export/download?format=csv",
    "/export/download?format=claimreview",
    "/api/v1/claims",
    "/api/v1/export?format=json",
    "/api/v1/export?format=json&limit=5",
    "/api/v1/claims/999999",
]


@pytest.mark.parametrize("url", PRIVATE)
def test_answers_for_a_logged_in_user_are_never_stored(client, auth, url):
    auth.login(Role.editor)
    response = client.get(url)
    response.close()
    assert response.status_code in (200, 404), response.status_code
    assert response.headers.get("Cache-Control") == "no-store"


def test_token_answers_and_refusals_are_never_stored(app, make_user):
    user = make_user(Role.editor)
    with app.app_context():
        token = services.create_token(user.username)
        db.session.commit()
    api = app.test_client()
    ok = api.get("/api/v1/export?format=csv", headers={"Authorization": f"Bearer {token}"})
    ok.close()
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
    for url in ("/api/v1/claims", "/sources"):  # anonymous: 401 or the login redirect
        refused = api.get(url)
        assert refused.status_code in (302, 401)
        assert refused.headers["Cache-Control"] == "no-store"
    login = api.get("/login")  # its CSRF token is this visitor's
    assert login.headers["Cache-Control"] == "no-store"


def test_public_files_stay_cacheable(client):
    style = client.get("/static/style.css")
    style.close()
    assert style.status_code == 200 and "no-store" not in style.headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/api/v1/openapi.json").headers.get("Cache-Control", "")


def test_serve_refuses_public_reading_without_a_public_base_url(app, runner):
    app.config["PUBLIC_READING"] = True
    app.config["PUBLIC_BASE_URL"] = None
    result = runner.invoke(args=["serve", "--port", "0"])
    assert result.exit_code == 1
    assert "PUBLIC_BASE_URL is not set" in result.output
