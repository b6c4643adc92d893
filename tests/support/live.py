"""A real served app for tests: waitress in a thread on a fresh database, with reviewers,
their API tokens and a few claims to write to."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from waitress.server import create_server

from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.core import db
from tracker.sources import services as sources

SEED = Path(__file__).resolve().parents[2] / "seeds" / "de-openai-talent-exodus.txt"
PASSWORD = "correct horse battery"


@dataclass
class Population:
    tokens: list[str]
    claim_ids: list[int]


def populate(app: Flask, *, reviewers: int = 4, claim_count: int = 5) -> Population:
    """Reviewers with API tokens, and claims on the first sentences of a seed article."""
    with app.app_context():
        tokens = []
        for n in range(reviewers):
            accounts.create_user(f"reviewer{n}", PASSWORD, Role.reviewer)
            tokens.append(accounts.create_token(f"reviewer{n}"))
        source = sources.import_source(SEED.read_text(encoding="utf-8"), actor=None)
        db.session.flush()
        claim_ids = []
        for sentence in sources.get_source(source.id).sentences[:claim_count]:
            draft = claims.ClaimDraft(
                start=sentence.start, end=sentence.end, statement=f"Claim on {sentence.index}"
            )
            claim_ids.append(claims.mark_claim(source.id, draft, actor=None).id)
        db.session.commit()
        return Population(tokens, claim_ids)


@contextlib.contextmanager
def serving(app: Flask, threads: int = 8) -> Iterator[str]:
    """Serve `app` with waitress on a free loopback port; yields the base URL."""
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            if not stopping.is_set():  # closing the sockets under select() ends it this way
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=5)


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx comes back as an HTTPError, and is returned as a Reply


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    url: str,
    method: str = "GET",
    *,
    token: str | None = None,
    body: Any = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
    follow_redirects: bool = True,
) -> Reply:
    """One HTTP request with a JSON `body` or a `form`; error statuses are returned, not raised
    (and so are redirects, unless `follow_redirects`)."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    elif form is not None:
        request.data = urllib.parse.urlencode(form).encode()
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    opener = (
        urllib.request.build_opener()
        if follow_redirects
        else urllib.request.build_opener(_KeepRedirects())
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read())
