"""Fixtures: the app on SQLite and on a real PostgreSQL server, each test in a rolled-back
transaction, a logged-in client for any role, and query counting."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.support.postgres import PostgresServer, running_server
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role, User
from tracker.core import db, migrate

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
BACKENDS = ["sqlite", "postgresql"]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    with running_server() as server:
        yield server


_db_names = itertools.count()


@pytest.fixture(scope="session")
def new_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """Make an empty database on a backend and return its URL."""

    def make(backend: str) -> str:
        n = next(_db_names)
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / f'tracker{n}.db'}"
        server: PostgresServer = request.getfixturevalue("pg_server")
        return server.create_database(f"tracker_test_{n}")

    return make


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, new_database: Callable[[str], str]) -> str:
    """A database migrated to head, shared by the session's tests on one backend."""
    url = new_database(request.param)
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def shared_app(database_url: str) -> Iterator[Flask]:
    """One app per backend for the session: building one costs about 0.1-0.2 s (compiling its
    routes), a tenth of a typical test. Tests that need other settings at start-up build their
    own with create_app."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
        }
    )
    yield app
    app.extensions["tracker.engine"].dispose()


@pytest.fixture
def app(shared_app: Flask) -> Iterator[Flask]:
    """The app, with every test inside a transaction that is rolled back afterwards, and the
    settings a test changed put back."""
    app = shared_app
    config = dict(app.config)
    extensions = dict(app.extensions)
    engine: sa.Engine = app.extensions["tracker.engine"]
    connection = engine.connect()
    transaction = connection.begin()
    app.extensions["tracker.session_options"] = {
        "bind": connection,
        "join_transaction_mode": "create_savepoint",
        "expire_on_commit": False,
    }
    try:
        yield app
    finally:
        transaction.rollback()
        connection.close()
        app.config.clear()
        app.config.update(config)
        app.extensions.clear()
        app.extensions.update(extensions)


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    names = itertools.count()

    def make(role: Role | str = Role.reviewer, username: str | None = None) -> User:
        with app.app_context():
            user = accounts.create_user(
                username or f"{Role(role).value}{next(names)}", PASSWORD, role
            )
            db.session.commit()
            return user

    return make


class AuthActions:
    def __init__(self, client: FlaskClient, make_user: Callable[..., User]) -> None:
        self.client = client
        self.make_user = make_user

    def login(self, role: Role | str = Role.reviewer) -> User:
        user = self.make_user(role)
        response = self.client.post(
            "/login", data={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302, response.text
        return user

    def logout(self) -> None:
        self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient, make_user: Callable[..., User]) -> AuthActions:
    return AuthActions(client, make_user)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """Use as ``with count_queries() as counter: ...``; counts SQL statements sent."""
    import contextlib

    engine: sa.Engine = app.extensions["tracker.engine"]

    @contextlib.contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def seed_text() -> Callable[[str], str]:
    def read(name: str) -> str:
        return (SEEDS / name).read_text(encoding="utf-8")

    return read


@pytest.fixture(scope="session", params=BACKENDS)
def two_sizes(request: pytest.FixtureRequest, new_database: Callable[[str], str]) -> Iterator[Any]:
    """Databases of 300 and 1,200 generated claims on one backend, their own (not inside the
    rolled-back transaction of `app`): for pages measured at two data sizes."""
    from tests.support.sized import fill

    small = fill(new_database(request.param), 300)
    large = fill(new_database(request.param), 1200)
    yield small, large
    for data in (small, large):
        data.app.extensions["tracker.engine"].dispose()


# --- headless Debian Chromium -----------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session, here so every test package shares it: Playwright's
    sync API cannot start a second time while the first is running."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
