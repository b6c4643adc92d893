"""Many people writing at once to the default SQLite database through a real server."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable

import sqlalchemy as sa

from tests.support.live import call, populate, serving
from tracker import create_app
from tracker.audit.models import AuditEntry
from tracker.claims.models import Claim
from tracker.core import db, migrate

WRITERS = 20
ROUNDS = 6


def _sqlite_app(new_database: Callable[[str], str], **config: object):
    url = new_database("sqlite")
    migrate.upgrade(url)
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "concurrency", **config})


def _history_and_versions(app, claim_ids: list[int]) -> tuple[int, int]:
    with app.app_context():
        history = db.session.scalar(
            sa.select(sa.func.count()).where(
                AuditEntry.claim_id.in_(claim_ids),
                # a claim's creation is not a write of this test; evidence added is
                sa.or_(AuditEntry.entity_type != "claim", AuditEntry.action != "create"),
            )
        )
        versions = db.session.scalar(
            sa.select(sa.func.sum(Claim.version)).where(Claim.id.in_(claim_ids))
        )
        return history or 0, versions or 0


def test_concurrent_writers_on_sqlite_get_no_5xx_and_lose_no_write(new_database):
    # Writers queue for the lock instead of being refused (the defect: "database is locked" at
    # once). How long they queue depends on the machine: the default 5 s was passed on a CI
    # machine running other suites beside this one, so the test waits up to 30 s; a lock that
    # does time out is the 503 of the next test.
    app = _sqlite_app(new_database, SQLITE_BUSY_TIMEOUT=30)
    people = populate(app, reviewers=WRITERS, claim_count=5)
    history_before, versions_before = _history_and_versions(app, people.claim_ids)
    statuses: Counter[int] = Counter()
    saved = Counter()
    lock = threading.Lock()

    def writer(n: int, base: str) -> None:
        token = people.tokens[n]
        claim_id = people.claim_ids[n % len(people.claim_ids)]
        for rnd in range(ROUNDS):
            current = call(f"{base}/api/v1/claims/{claim_id}", token=token)
            patched = call(
                f"{base}/api/v1/claims/{claim_id}",
                "PATCH",
                token=token,
                body={
                    "statement": f"Edited by {n} in round {rnd}",
                    "version": current.json()["version"],
                },
            )
            added = call(
                f"{base}/api/v1/claims/{claim_id}/evidence",
                "POST",
                token=token,
                body={
                    "url": f"https://example.org/{n}/{rnd}",
                    "title": "A report",
                    "stance": "supports",
                },
            )
            queue = call(f"{base}/api/v1/claims?per_page=5", token=token)
            with lock:
                for reply in (current, patched, added, queue):
                    statuses[reply.status] += 1
                saved["patch"] += patched.status == 200
                saved["evidence"] += added.status == 201

    with serving(app, threads=8) as base:
        threads = [threading.Thread(target=writer, args=(n, base)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after = call(f"{base}/api/v1/claims?per_page=5", token=people.tokens[0])

    assert not [s for s in statuses if s >= 500], statuses
    assert after.status == 200
    assert saved["evidence"] == WRITERS * ROUNDS  # evidence adds never conflict
    assert saved["patch"] > 0 and statuses[409] == WRITERS * ROUNDS - saved["patch"]
    history, versions = _history_and_versions(app, people.claim_ids)
    # Every answered write left its history line, and only those did.
    assert history - history_before == saved["patch"] + saved["evidence"]
    assert versions - versions_before == saved["patch"]
    app.extensions["tracker.engine"].dispose()


def test_a_lock_that_times_out_is_a_503_and_the_next_request_succeeds(new_database):
    app = _sqlite_app(new_database, SQLITE_BUSY_TIMEOUT=0.2, WTF_CSRF_ENABLED=False)
    people = populate(app, reviewers=1, claim_count=1)
    token, claim_id = people.tokens[0], people.claim_ids[0]
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with serving(app, threads=1) as base:  # one thread: the next request reuses its connection
        version = call(f"{base}/api/v1/claims/{claim_id}", token=token).json()["version"]
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # someone else holds the write lock
        try:
            refused = call(
                f"{base}/api/v1/claims/{claim_id}",
                "PATCH",
                token=token,
                body={"statement": "Blocked", "version": version},
            )
            page = call(  # the browser's evidence form
                f"{base}/claims/{claim_id}/evidence",
                "POST",
                token=token,
                form={"url": "https://example.org/r", "title": "A report", "stance": "supports"},
            )
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        queue = call(f"{base}/claims", token=token)
        saved = call(
            f"{base}/api/v1/claims/{claim_id}",
            "PATCH",
            token=token,
            body={"statement": "Saved after the lock", "version": version},
        )
    assert refused.status == 503 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"]["code"] == "unavailable"
    assert page.status == 503 and page.headers["Retry-After"]
    assert b"busy" in page.body and page.headers["Content-Type"].startswith("text/html")
    assert queue.status == 200
    assert saved.status == 200 and saved.json()["statement"] == "Saved after the lock"
    app.extensions["tracker.engine"].dispose()
