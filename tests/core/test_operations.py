"""Running in production: health check, request log lines, metrics, the secret key, gunicorn
with several workers, and login limits shared by every process."""

from __future__ import annotations

import http.cookiejar
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, PASSWORD
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.core import db, migrate
from tracker.core.requestlog import JsonLineFormatter

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_healthz_answers_ok_with_the_database(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.json["status"] == "ok" and reply.json["database"] in {"sqlite", "postgresql"}
    assert reply.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-dir/for-sure/tracker.db",
        "postgresql://tracker@127.0.0.1:9/tracker",  # the discard port: nothing listens
    ],
    ids=["sqlite", "postgresql"],
)
def test_healthz_is_503_when_the_database_cannot_be_reached(url):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 503
    assert reply.json == {"status": "unavailable", "database": "unreachable"}
    assert reply.headers["Retry-After"]


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    formatter = JsonLineFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "tracker.requests"]


def test_one_log_line_per_request_keeps_the_callers_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="tracker.requests")
    reply = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
    missing = client.get("/sources/999999", headers={"Accept": "application/json"})
    (first, second) = _request_lines(caplog)
    assert reply.headers["X-Request-ID"] == "lb-7f3a.42"
    assert first["request_id"] == "lb-7f3a.42"
    assert (first["method"], first["path"], first["status"]) == ("GET", "/healthz", 200)
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert second["status"] in {302, 401, 404} and second["path"] == "/sources/999999"
    assert re.fullmatch("[0-9a-f]{32}", second["request_id"])
    assert missing.headers["X-Request-ID"] == second["request_id"]


def test_a_request_id_that_is_not_an_id_is_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="tracker.requests")
    reply = client.get("/healthz", headers={"X-Request-ID": "x" * 200})
    (line,) = _request_lines(caplog)
    assert re.fullmatch("[0-9a-f]{32}", line["request_id"])
    assert reply.headers["X-Request-ID"] == line["request_id"]


def test_metrics_are_off_unless_enabled(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_give_latency_by_endpoint_to_the_local_machine_only(app, client):
    app.config["METRICS_ENABLED"] = True
    client.get("/healthz")
    reply = client.get("/metrics")
    assert reply.status_code == 200
    assert 'tracker_request_duration_seconds_bucket{endpoint="health.healthz"' in reply.text
    assert 'tracker_responses_total{endpoint="health.healthz",status="200"}' in reply.text
    remote = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert remote.status_code == 403


def test_metrics_with_a_token_need_the_token(app, client):
    app.config.update(METRICS_ENABLED=True, METRICS_TOKEN="s3cret-scrape")
    assert client.get("/metrics").status_code == 403
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    good = client.get(
        "/metrics", headers={"Authorization": "Bearer s3cret-scrape"}, environ_base=remote
    )
    assert good.status_code == 200 and "tracker_request_duration_seconds" in good.text


def _env_without_secret(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}", **extra)
    return env


def test_tracker_serve_refuses_to_start_without_a_secret_key(tmp_path):
    port = _free_port()
    done = subprocess.run(
        [str(BIN / "tracker"), "serve", "--port", str(port)],
        env=_env_without_secret(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr and "make run" in done.stderr
    assert "running at" not in done.stdout


def test_the_wsgi_app_for_gunicorn_refuses_without_a_secret_key(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", "import tracker.wsgi"],
        env=_env_without_secret(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode != 0 and "SECRET_KEY is not set" in done.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_login_limit_counts_failures_across_app_instances(backend, new_database):
    url = new_database(backend)
    migrate.upgrade(url)
    first, second = (
        create_app({"DATABASE_URL": url, "SECRET_KEY": "shared", "WTF_CSRF_ENABLED": False})
        for _ in range(2)
    )
    with first.app_context():
        accounts.create_user("ada", PASSWORD, Role.viewer)
        db.session.commit()
    clients = [first.test_client(), second.test_client()]
    statuses = [
        clients[n % 2]
        .post("/login", data={"username": "ada", "password": "wrong one!"})
        .status_code
        for n in range(11)
    ]
    assert statuses == [401] * 10 + [429]  # 5 + 5 failures, counted together
    right = clients[0].post("/login", data={"username": "ada", "password": PASSWORD})
    assert right.status_code == 429
    for app in (first, second):
        app.extensions["tracker.engine"].dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=BACKENDS)
def gunicorn_server(
    request: pytest.FixtureRequest, new_database: Callable[[str], str], tmp_path: Path
) -> Iterator[str]:
    """gunicorn with 2 workers (sync, one request at a time each), as the README runs it."""
    url = new_database(request.param)
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "gunicorn-tests"})
    with app.app_context():
        accounts.create_user("ada", PASSWORD, Role.reviewer)
        accounts.create_user("bob", PASSWORD, Role.reviewer)
        db.session.commit()
    app.extensions["tracker.engine"].dispose()
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY="gunicorn-tests",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="1",
    )
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).read()
                break
            except OSError:  # not listening yet, or no worker ready yet
                time.sleep(0.1)
        else:
            raise AssertionError((tmp_path / "gunicorn.log").read_text())
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _login_form(opener: urllib.request.OpenerDirector, base: str, username: str, password: str):
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    data = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "username": username, "password": password}
    ).encode()
    try:
        return opener.open(f"{base}/login", data=data)
    except urllib.error.HTTPError as error:
        return error


def test_gunicorn_workers_share_the_secret_key_and_the_login_limit(gunicorn_server):
    base = gunicorn_server
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    assert _login_form(opener, base, "ada", PASSWORD).geturl().endswith("/sources")
    # Each request is a new connection, which either worker may take.
    landed = [opener.open(f"{base}/claims").geturl() for _ in range(20)]
    assert all(u.endswith("/claims") for u in landed), landed  # never sent back to /login

    attacker = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    statuses = [_login_form(attacker, base, "bob", "wrong one!").status for _ in range(11)]
    assert statuses == [401] * 10 + [429]


def test_sql_sqlite_cannot_run_is_a_500_not_a_busy_database(new_database):
    """sqlite3 raises OperationalError for a syntax error as for a lost or locked database;
    only those are 'try again in a moment' (503): a statement that can never run is a bug
    (500). (PostgreSQL raises ProgrammingError for it, a 500 already.)"""
    import sqlalchemy as sa

    from tracker.core import db, migrate

    url = new_database("sqlite")
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})

    @app.get("/broken-sql")
    def broken_sql() -> str:
        db.session.execute(sa.text("SELECT FROM WHERE"))
        return "unreachable"

    with app.app_context():
        accounts.create_user("someone", PASSWORD, "viewer")
        db.session.commit()
    client = app.test_client()
    assert (
        client.post("/login", data={"username": "someone", "password": PASSWORD}).status_code == 302
    )
    page = client.get("/broken-sql")
    assert page.status_code == 500 and "Retry-After" not in page.headers
    assert "went wrong on our side" in page.text
    api = client.get("/broken-sql", headers={"Accept": "application/json"})
    assert api.status_code == 500 and api.json["error"]["code"] == "internal_error"
    assert client.get("/claims").status_code == 200  # the next request starts clean
    app.extensions["tracker.engine"].dispose()
