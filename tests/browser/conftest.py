"""A live server (waitress, in a thread) on each backend, and headless Debian Chromium."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from tests.conftest import BACKENDS, PASSWORD
from tests.support.live import serving
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.core import db, migrate


@dataclass
class LiveServer:
    url: str
    backend: str
    app: Flask

    def login(self, page: Page, username: str) -> None:
        page.goto(f"{self.url}/login")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{self.url}/sources")


@pytest.fixture(scope="module", params=BACKENDS)
def live_server(
    request: pytest.FixtureRequest, new_database: Callable[[str], str]
) -> Iterator[LiveServer]:
    url = new_database(request.param)
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-tests"})
    with app.app_context():
        for role in Role:
            accounts.create_user(role.value, PASSWORD, role)
        db.session.commit()
    try:
        # Stopped without a thread dying on the closed socket (tests/support/live.py).
        with serving(app, threads=4) as url:
            yield LiveServer(url=url, backend=request.param, app=app)
    finally:
        app.extensions["tracker.engine"].dispose()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages in separate browser contexts: separate cookies, so separate logged-in people."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()
