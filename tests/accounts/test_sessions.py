"""Logins end when they should (issue 12, defect 1): a session or "remember me" cookie copied
before logout, logout everywhere, a new password, a new role, a lock or a forced reset is
refused afterwards; the CSRF token and the session rotate at login; remember cookies are
HttpOnly, SameSite=Lax, Secure under https, and live 30 days unless configured."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD
from tracker import create_app
from tracker.accounts import services
from tracker.accounts.models import Role, User, UserSession
from tracker.audit.models import AuditEntry
from tracker.core import db

COOKIES = ("session", "remember_token")


def _login(client: FlaskClient, user: User, *, remember: bool = True) -> None:
    data = {"username": user.username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.text


def _copy(client: FlaskClient, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _replay(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    """A fresh browser holding only the copied cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _assert_logged_in(client: FlaskClient) -> None:
    assert client.get("/sources").status_code == 200
    assert client.get("/api/v1/claims").status_code == 200


def _assert_refused(client: FlaskClient) -> None:
    page = client.get("/sources")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert client.get("/api/v1/claims").status_code == 401


@pytest.mark.parametrize("kept", [("session",), ("remember_token",), COOKIES])
def test_cookies_copied_before_logout_are_refused_after_it(app, client, make_user, kept):
    user = make_user(Role.viewer)
    _login(client, user)
    copied = {name: _copy(client, name) for name in kept}
    _assert_logged_in(_replay(app, copied))
    client.post("/logout")
    _assert_refused(client)
    _assert_refused(_replay(app, copied))


def _set_password_cli(app: Flask, user: User) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", user.username, "--password-stdin"],
        input="another long password\n",
    )
    assert result.exit_code == 0, result.output


def _logout_cli(app: Flask, user: User) -> None:
    result = app.test_cli_runner().invoke(args=["users", "logout", user.username])
    assert result.exit_code == 0 and "Logged" in result.output, result.output


def _as_admin(app: Flask, make_user: Callable[..., User]) -> FlaskClient:
    admin_client = app.test_client()
    _login(admin_client, make_user(Role.admin), remember=False)
    return admin_client


def _admin_logs_out(app, make_user, user):  # type: ignore[no-untyped-def]
    page = _as_admin(app, make_user).post(f"/users/{user.id}/logout", follow_redirects=True)
    assert f"{user.username} is logged out everywhere" in page.text


def _admin_changes_role(app, make_user, user):  # type: ignore[no-untyped-def]
    page = _as_admin(app, make_user).post(
        f"/users/{user.id}",
        data={f"u{user.id}-role": "reviewer", f"u{user.id}-is_active": "y"},
        follow_redirects=True,
    )
    assert f"{user.username} is now reviewer" in page.text


def _admin_locks(app, make_user, user):  # type: ignore[no-untyped-def]
    _as_admin(app, make_user).post(f"/users/{user.id}", data={f"u{user.id}-role": "viewer"})


def _admin_requires_new_password(app, make_user, user):  # type: ignore[no-untyped-def]
    page = _as_admin(app, make_user).post(
        f"/users/{user.id}/require-new-password", follow_redirects=True
    )
    assert "must choose a new password" in page.text


ENDINGS = {
    "tracker users set-password": lambda app, make_user, user: _set_password_cli(app, user),
    "tracker users logout": lambda app, make_user, user: _logout_cli(app, user),
    "an admin logs them out": _admin_logs_out,
    "an admin changes their role": _admin_changes_role,
    "an admin locks them": _admin_locks,
    "an admin requires a new password": _admin_requires_new_password,
}


@pytest.mark.parametrize("how", list(ENDINGS))
def test_every_login_ends_when_an_account_changes(app, client, make_user, how):
    user = make_user(Role.viewer)
    _login(client, user)
    elsewhere = app.test_client()
    _login(elsewhere, user, remember=False)
    copied = {name: _copy(client, name) for name in COOKIES}
    ENDINGS[how](app, make_user, user)
    for browser in (client, elsewhere, _replay(app, copied)):
        _assert_refused(browser)


def test_log_out_everywhere_from_the_account_page(app, client, make_user):
    user = make_user(Role.reviewer)
    _login(client, user)
    phone = app.test_client()
    _login(phone, user)
    copied = {name: _copy(phone, name) for name in COOKIES}
    page = client.get("/account")
    assert page.status_code == 200 and "2 logins open" in page.text
    out = client.post("/account/logout", follow_redirects=True)
    assert "Logged out everywhere" in out.text
    for browser in (client, phone, _replay(app, copied)):
        _assert_refused(browser)
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.entity_id == user.id, AuditEntry.field == "sessions"
            )
        )
        assert entry is not None and (entry.actor_id, entry.before, entry.after) == (
            user.id,
            2,
            0,
        )


def test_changing_ones_password_ends_the_other_logins_only(app, client, make_user):
    user = make_user(Role.viewer)
    _login(client, user)
    laptop = app.test_client()
    _login(laptop, user)
    changed = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "a brand new passphrase"},
        follow_redirects=True,
    )
    assert "Your password is changed" in changed.text
    _assert_logged_in(client)
    _assert_refused(laptop)
    with app.app_context():
        assert services.authenticate(user.username, "a brand new passphrase") is not None


def test_a_login_is_a_new_session_with_a_new_csrf_token(app, client, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user(Role.viewer)

    def token_of(html: str) -> str:
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        assert found, "no CSRF token in the page"
        return found.group(1)

    before = token_of(client.get("/login").text)
    anonymous_cookie = _copy(client, "session")
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": before}
    )
    assert response.status_code == 302
    assert _copy(client, "session") != anonymous_cookie
    # The token of the login form belongs to the anonymous session: refused once logged in.
    stale = client.post("/account/display-name", data={"display_name": "Ada", "csrf_token": before})
    assert stale.status_code == 400 and "CSRF" in stale.text
    fresh = token_of(client.get("/account").text)
    assert fresh != before
    ok = client.post("/account/display-name", data={"display_name": "Ada", "csrf_token": fresh})
    assert ok.status_code == 302


def _set_cookie(response, name: str) -> str:  # type: ignore[no-untyped-def]
    found = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert found, f"no Set-Cookie for {name}"
    return found[0]


def _expires_in(header: str) -> timedelta:
    expires = re.search(r"Expires=([^;]+)", header)
    assert expires, header
    return parsedate_to_datetime(expires.group(1)) - datetime.now(UTC)


def test_remember_cookie_is_httponly_lax_and_lasts_30_days(client, make_user):
    user = make_user(Role.viewer)
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "remember": "y"}
    )
    header = _set_cookie(response, "remember_token")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    assert timedelta(days=29, hours=23) < _expires_in(header) <= timedelta(days=30)


def _sibling_app(app: Flask, **overrides: object) -> Flask:
    """Another app on the test's connection (its transaction), with other settings."""
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            **overrides,
        }
    )
    other.extensions["tracker.engine"].dispose()
    other.extensions["tracker.engine"] = app.extensions["tracker.engine"]
    other.extensions["tracker.session_options"] = app.extensions["tracker.session_options"]
    return other


def test_remember_cookie_is_secure_under_https_and_its_lifetime_configurable(
    app, make_user, monkeypatch
):
    user = make_user(Role.viewer)
    monkeypatch.setenv("REMEMBER_COOKIE_DAYS", "7")
    secure = _sibling_app(app, FORCE_HTTPS=True)
    client = secure.test_client()
    response = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    assert response.status_code == 302
    header = _set_cookie(response, "remember_token")
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert timedelta(days=6, hours=23) < _expires_in(header) <= timedelta(days=7)
    with secure.app_context():
        stored = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
        assert stored is not None and stored.is_remembered
        lifetime = stored.expires_at - stored.created_at
        assert timedelta(days=7) - timedelta(seconds=1) < lifetime <= timedelta(days=7)


def test_an_expired_login_is_refused(app, client, make_user):
    user = make_user(Role.viewer)
    _login(client, user)
    with app.app_context():
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.user_id == user.id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    _assert_refused(client)


def test_only_a_hash_of_the_session_key_is_stored(app, client, make_user):
    user = make_user(Role.viewer)
    _login(client, user)
    with client.session_transaction() as session:
        key = session["_user_id"]
    with app.app_context():
        stored = db.session.scalars(sa.select(UserSession.key_hash)).all()
    assert len(key) >= 40 and key not in stored and len(stored) == 1
