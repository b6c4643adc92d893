"""Serving behind a TLS reverse proxy (X-Forwarded-*, HSTS, secure cookies, https links), and
bodies over the limit refused before they are read."""

from __future__ import annotations

import html
import http.client
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import BACKENDS, PASSWORD
from tests.support import servers
from tests.support.live import populate
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.core import db, migrate

FIFTY_MIB = 50 * 1024 * 1024
SECRET = "serving-test-secret"


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """An app of its own on the suite's database (these tests only read), with settings."""
    made: list[Flask] = []

    def make(**config: object) -> Flask:
        app = create_app(
            {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, **config}
        )
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["tracker.engine"].dispose()


def _remote_addrs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.fields["remote_addr"]  # type: ignore[attr-defined]
        for r in caplog.records
        if r.name == "tracker.requests"
    ]


FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "tracker.example.org",
    "X-Forwarded-Port": "443",
}


# --- bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/sources", "application/json"),
        ("/sources/new", "application/x-www-form-urlencoded"),
        ("/login", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_declared_over_the_limit_is_a_413_before_login_and_before_reading(
    make_app: Callable[..., Flask], path: str, content_type: str
) -> None:
    app = make_app()
    stream = io.BytesIO(b"")  # nothing of the declared body is ever sent
    response = app.test_client().open(
        path,
        method="POST",
        input_stream=stream,
        # Set last: the test client would otherwise measure the (empty) stream.
        environ_overrides={"CONTENT_LENGTH": str(FIFTY_MIB)},
        content_type=content_type,
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert response.json["error"]["code"] == "request_entity_too_large"
    assert f"{app.config['MAX_CONTENT_LENGTH']:,}" in response.json["error"]["message"]
    assert stream.tell() == 0


def test_a_body_within_the_limit_still_reaches_the_login_check(
    make_app: Callable[..., Flask],
) -> None:
    response = make_app().test_client().post("/api/v1/sources", json={"text": "x" * 1000})
    assert response.status_code == 401


# --- proxies -----------------------------------------------------------------------------


def test_behind_a_trusted_proxy_its_forwarded_headers_are_honoured(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(FORCE_HTTPS=True, TRUSTED_PROXIES=1)
    # The proxy says the client came in over plain http: to https, on the client's host.
    plain_http = {**FORWARDED, "X-Forwarded-Proto": "http", "X-Forwarded-Port": "80"}
    plain = app.test_client().get("/login", headers=plain_http)
    assert plain.status_code == 302
    assert plain.headers["Location"] == "https://tracker.example.org/login"
    caplog.set_level(logging.INFO, logger="tracker.requests")
    response = app.test_client().get("/login", headers=FORWARDED)
    assert response.status_code == 200  # no redirect to https: the proxy said it is https
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert _remote_addrs(caplog) == ["203.0.113.7"]


def test_without_trusted_proxies_forwarded_headers_are_ignored(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tracker.requests")
    response = make_app(FORCE_HTTPS=True).test_client().get("/login", headers=FORWARDED)
    # Anyone could send these headers: the request is plain http from 127.0.0.1.
    assert response.status_code == 302
    assert response.headers["Location"] == "https://localhost/login"
    assert "Strict-Transport-Security" not in response.headers
    assert _remote_addrs(caplog) == ["127.0.0.1"]


def test_two_trusted_proxies_take_the_address_the_outer_one_saw(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tracker.requests")
    headers = {**FORWARDED, "X-Forwarded-For": "198.51.100.1, 203.0.113.7, 10.0.0.2"}
    headers["X-Forwarded-Proto"] = "https, http"
    response = make_app(TRUSTED_PROXIES=2).test_client().get("/login", headers=headers)
    assert response.status_code == 200
    assert _remote_addrs(caplog) == ["203.0.113.7"]


def test_hsts_is_sent_only_when_https_is_forced(make_app: Callable[..., Flask]) -> None:
    forced = make_app(FORCE_HTTPS=True).test_client().get("/login", base_url="https://localhost")
    plain = make_app().test_client().get("/login", base_url="https://localhost")
    assert forced.status_code == plain.status_code == 200
    assert "Strict-Transport-Security" in forced.headers
    assert "Strict-Transport-Security" not in plain.headers


def test_a_bad_trusted_proxies_setting_is_refused_at_start(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET})


# --- served: waitress and gunicorn, alone and behind nginx -------------------------------


@pytest.fixture(params=BACKENDS)
def served_database(
    request: pytest.FixtureRequest, new_database: Callable[[str], str]
) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh database with an admin (API token) and a few claims; yields its URL and the
    admin's token."""
    url = new_database(request.param)
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    populate(app, reviewers=1, claim_count=2)
    with app.app_context():
        accounts.create_user("chief", PASSWORD, Role.admin)
        token = accounts.create_token("chief")
        db.session.commit()
    app.extensions["tracker.engine"].dispose()
    yield url, {"token": token}


@pytest.mark.parametrize("server", servers.SERVERS)
def test_a_declared_50_mib_body_is_refused_at_once_without_being_sent(
    server: str, served_database: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, _ = served_database
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET}
    with servers.app_process(server, env, tmp_path) as port:
        # Anonymous, and not one byte of the body: the answer must come without it.
        answer = servers.declare_body_and_wait(port, "/api/v1/sources", FIFTY_MIB, timeout=10)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def _csrf_token(page: bytes) -> str:
    found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, page[:500]
    return html.unescape(found.group(1).decode())


@pytest.mark.parametrize("server", servers.SERVERS)
def test_behind_nginx_with_tls_https_holds_without_a_redirect_loop(
    server: str, served_database: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, secrets = served_database
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "FORCE_HTTPS": "1", "TRUSTED_PROXIES": "1"}
    with (
        servers.app_process(server, env, tmp_path) as app_port,
        servers.nginx(app_port, tmp_path) as proxy,
    ):
        origin = f"https://127.0.0.1:{proxy.https_port}"
        client = proxy.client()
        page = servers.request(client, "GET", "/login")
        assert page.status == 200, (page.status, page.headers.get("Location"))
        assert "max-age=" in page.headers["Strict-Transport-Security"]
        session = page.cookies()["session"].split(";", 1)[0]
        login = servers.request(
            client,
            "POST",
            "/login",
            body=(
                f"username=chief&password={PASSWORD.replace(' ', '+')}&remember=y"
                f"&csrf_token={_csrf_token(page.body)}"
            ).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": session,
                "Referer": f"{origin}/login",  # Flask-WTF checks it on https
            },
        )
        assert login.status == 302, login.body[:500]
        cookies = login.cookies()
        for name in ("session", "remember_token"):
            attributes = cookies[name].lower()
            assert "; secure" in attributes and "; httponly" in attributes, cookies[name]
            assert "; samesite=lax" in attributes, cookies[name]
        # Links the app makes absolute use the address the reader used, https.
        export = servers.request(
            client,
            "GET",
            "/api/v1/export?format=json",
            headers={"Authorization": f"Bearer {secrets['token']}"},
        )
        assert export.status == 200, export.body[:500]
        links = [item["url"] for item in json.loads(export.body)["claims"]]
        assert links and all(link.startswith(f"{origin}/review/") for link in links), links
        # nginx itself refuses a body far over its client_max_body_size, at once.
        probe = proxy.client()
        probe.putrequest("POST", "/api/v1/sources")
        probe.putheader("Content-Type", "application/json")
        probe.putheader("Content-Length", str(FIFTY_MIB))
        probe.endheaders()
        assert probe.getresponse().status == 413
        # Plain http is sent to https by nginx.
        plain = servers.request(
            http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=30), "GET", "/login"
        )
        assert plain.status == 301 and plain.headers["Location"].startswith("https://127.0.0.1")
