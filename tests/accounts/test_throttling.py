"""Failed logins are limited per account across addresses too (issue 12, defect 10), counted
in the database so a restart forgets nothing, and a locked account's administrators are told."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import PASSWORD
from tracker import create_app
from tracker.accounts.models import LoginFailure, Role
from tracker.audit.models import AuditEntry
from tracker.core import db


def _attempt(client, username: str, password: str, address: str) -> int:  # type: ignore[no-untyped-def]
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_one_account_is_locked_whatever_the_address(app, client, make_user):
    victim = make_user(Role.admin)
    statuses = [
        _attempt(client, victim.username, "a wrong guess!", f"198.51.100.{n}") for n in range(10)
    ]
    assert statuses == [401] * 10
    # Now even the right password, from an address that never failed, waits.
    refused = client.post(
        "/login",
        data={"username": victim.username, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert refused.status_code == 429 and "Too many failed logins" in refused.text
    assert 14 * 60 <= int(refused.headers["Retry-After"]) <= 15 * 60
    # Other accounts are not locked, from the same addresses.
    other = make_user(Role.viewer)
    assert _attempt(client, other.username, PASSWORD, "198.51.100.1") == 302
    # The failures are rows, so a restarted server (a new app on the same database) refuses too.
    with app.app_context():
        stored = db.session.scalars(
            sa.select(LoginFailure.address).where(LoginFailure.username == victim.username.lower())
        ).all()
    assert sorted(stored) == sorted(f"198.51.100.{n}" for n in range(10))
    restarted = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
        }
    )
    restarted.extensions["tracker.engine"].dispose()
    restarted.extensions["tracker.session_options"] = app.extensions["tracker.session_options"]
    again = restarted.test_client().post(
        "/login", data={"username": victim.username, "password": PASSWORD}
    )
    assert again.status_code == 429


def test_a_user_name_in_other_case_counts_for_the_same_account(client, make_user):
    victim = make_user(Role.viewer)
    for n in range(10):
        name = victim.username.upper() if n % 2 else victim.username
        _attempt(client, name, "a wrong guess!", f"192.0.2.{n}")
    assert _attempt(client, victim.username, PASSWORD, "192.0.2.99") == 429


def test_the_accounts_admins_are_told_of_the_lock(app, client, make_user):
    victim = make_user(Role.editor)
    for n in range(12):
        _attempt(client, victim.username, "a wrong guess!", f"198.51.100.{n % 3}")
    admin = app.test_client()
    admin_user = make_user(Role.admin)
    assert _attempt(admin, admin_user.username, PASSWORD, "127.0.0.1") == 302
    page = admin.get("/users").text
    assert f"Logins for {victim.username} are refused until" in page
    assert "10 failed logins" in page and "from 3 addresses" in page
    with app.app_context():
        notices = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.entity_type == "user",
                AuditEntry.entity_id == victim.id,
                AuditEntry.field == "login",
            )
        ).all()
    # One notice per lock, by the system, saying why.
    assert len(notices) == 1 and notices[0].actor_id is None
    assert notices[0].after.startswith("locked until") and "from 3 addresses" in notices[0].reason
    assert "locked until" in admin.get("/activity").text


def test_names_that_are_no_account_are_limited_but_tell_nobody(app, client):
    for n in range(10):
        _attempt(client, "nobody-here", "a wrong guess!", f"198.51.100.{n}")
    assert _attempt(client, "nobody-here", "a wrong guess!", "203.0.113.1") == 429
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.field == "login")
            )
            == 0
        )
