"""API tokens can be listed, revoked and expired (issue 12, defect 8): a tokens page per
user (a new token shown once), `tracker tokens list|revoke`, and a revoked or expired token
gets a 401 on its next request."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tracker.accounts import services
from tracker.accounts.models import ApiToken, Role
from tracker.audit.models import AuditEntry
from tracker.core import db


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _stored(app, name: str) -> ApiToken:  # type: ignore[no-untyped-def]
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == name))
        assert token is not None
        db.session.expunge(token)
        return token


def test_the_tokens_page_makes_a_token_shows_it_once_and_revokes_it(app, client, auth):
    auth.login(Role.reviewer)
    made = client.post("/account/tokens", data={"name": "my script", "expires_in_days": "30"})
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    token = re.search(r'<code class="token" id="new-token">(fct_[^<]+)</code>', made.text).group(1)
    api = app.test_client()
    assert api.get("/api/v1/claims", headers=_bearer(token)).status_code == 200
    listing = client.get("/account/tokens").text
    assert "my script" in listing and token not in listing
    stored = _stored(app, "my script")
    assert token not in stored.token_hash
    assert stored.expires_at is not None
    assert (
        timedelta(days=29, hours=23) < stored.expires_at - datetime.now(UTC) <= timedelta(days=30)
    )
    assert stored.last_used_at is not None  # the call above
    revoked = client.post(f"/account/tokens/{stored.id}/revoke", follow_redirects=True)
    assert "Revoked the token &#39;my script&#39;" in revoked.text
    answer = api.get("/api/v1/claims", headers=_bearer(token))
    assert answer.status_code == 401 and answer.json["error"]["code"] == "unauthorized"
    with app.app_context():
        actions = db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.field).where(
                AuditEntry.entity_type == "api_token", AuditEntry.entity_id == stored.id
            )
        ).all()
    assert [(a.value, f) for a, f in actions] == [("create", None), ("update", "is_revoked")]


def test_a_token_without_a_name_is_refused_on_its_field(client, auth):
    auth.login(Role.viewer)
    page = client.post("/account/tokens", data={"name": "   ", "expires_in_days": ""})
    assert page.status_code == 400
    field = page.text.split('<label for="name">')[1].split("</div>")[0]
    assert 'class="error"' in field


def test_nobody_revokes_another_users_token(app, client, auth, make_user):
    owner = make_user(Role.editor)
    with app.app_context():
        token = services.create_token(owner.username, "theirs")
        db.session.commit()
    auth.login(Role.viewer)
    stored = _stored(app, "theirs")
    client.post(f"/account/tokens/{stored.id}/revoke")
    assert "theirs" not in client.get("/account/tokens").text
    assert app.test_client().get("/api/v1/claims", headers=_bearer(token)).status_code == 200


def test_an_expired_token_gets_a_401(app, make_user):
    user = make_user(Role.viewer)
    with app.app_context():
        token = services.create_token(user.username, "short-lived", expires_in_days=1)
        db.session.commit()
    api = app.test_client()
    assert api.get("/api/v1/claims", headers=_bearer(token)).status_code == 200
    with app.app_context():  # a day passes
        db.session.execute(
            sa.update(ApiToken)
            .where(ApiToken.name == "short-lived")
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    assert api.get("/api/v1/claims", headers=_bearer(token)).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(app, make_user):
    user = make_user(Role.viewer)
    with app.app_context():
        token = services.create_token(user.username, "counted")
        db.session.commit()
    assert _stored(app, "counted").last_used_at is None
    api = app.test_client()
    api.get("/api/v1/claims", headers=_bearer(token))
    first = _stored(app, "counted").last_used_at
    assert first is not None and datetime.now(UTC) - first < timedelta(minutes=1)
    api.get("/api/v1/claims", headers=_bearer(token))
    assert _stored(app, "counted").last_used_at == first
    with app.app_context():  # two minutes pass
        db.session.execute(
            sa.update(ApiToken)
            .where(ApiToken.name == "counted")
            .values(last_used_at=first - timedelta(minutes=2))
        )
        db.session.commit()
    api.get("/api/v1/claims", headers=_bearer(token))
    assert _stored(app, "counted").last_used_at > first - timedelta(seconds=1)


def test_tokens_list_and_revoke_from_the_cli(app, runner, make_user):
    user = make_user(Role.editor)
    made = runner.invoke(
        args=["tokens", "create", user.username, "--name", "nightly", "--expires-in", "90"]
    )
    assert made.exit_code == 0, made.output
    token = made.output.strip()
    listing = runner.invoke(args=["tokens", "list", user.username])
    assert listing.exit_code == 0, listing.output
    header, row = listing.output.strip().splitlines()
    assert header.split("\t") == [
        "id",
        "user",
        "name",
        "created",
        "last_used",
        "expires",
        "state",
    ]
    token_id, username, name, _created, last_used, expires, state = row.split("\t")
    assert (username, name, last_used, state) == (user.username, "nightly", "never", "active")
    assert expires != "never" and token not in listing.output
    revoked = runner.invoke(args=["tokens", "revoke", token_id])
    assert revoked.exit_code == 0 and f"Revoked token #{token_id} (nightly)" in revoked.output
    assert app.test_client().get("/api/v1/claims", headers=_bearer(token)).status_code == 401
    again = runner.invoke(args=["tokens", "list"])
    assert again.output.strip().splitlines()[-1].endswith("\trevoked")
    missing = runner.invoke(args=["tokens", "revoke", "999999"])
    assert missing.exit_code == 1 and "no token #999999" in missing.output
    bad = runner.invoke(args=["tokens", "create", user.username, "--expires-in", "0"])
    assert bad.exit_code == 1 and "1 to 3650 days" in bad.output
