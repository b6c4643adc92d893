"""Weak passwords are refused (issue 12, defect 9), by the same rule in the users form, the
account page, the CLI and the services; an administrator can force a new password."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tracker.accounts import services
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditEntry
from tracker.core import db
from tracker.core.errors import InvalidInput

LIST = Path(__file__).resolve().parents[2] / "tracker/accounts/data/common-passwords.txt.gz"

#: (what is wrong, the password for the user "Grace_Hopper").
WEAK = [
    ("ten spaces", " " * 10),
    ("twelve spaces", " " * 12),
    ("the user name", "Grace_Hopper"),
    ("the user name in other case", "grace_hopper"),
    ("eleven characters", "abcdefghijk"),
    ("a million characters", "x" * 1_000_000),
    ("a common password of 12 characters", "q1w2e3r4t5y6"),
    ("a common password in capitals", "QWERTY123456"),
    ("one character repeated", "aaaaaaaaaaaaaaaa"),
    ("two characters repeated", "abababababababab"),
]


def test_the_shipped_list_is_there_and_lowercase():
    with gzip.open(LIST, "rt", encoding="utf-8") as text:
        lines = [line.strip() for line in text]
    assert len(lines) > 19_000 and "q1w2e3r4t5y6" in lines and "password" in lines
    assert all(line == line.lower() for line in lines)
    assert (LIST.parent / "COMMON-PASSWORDS-LICENSE.txt").read_text().count("Django") >= 3


@pytest.mark.parametrize(("why", "password"), WEAK, ids=[w for w, _ in WEAK])
def test_weak_passwords_are_refused_by_the_service(app_ctx, why, password):
    with pytest.raises(InvalidInput) as caught:
        services.create_user("Grace_Hopper", password, Role.viewer)
    assert set(caught.value.fields) == {"password"}
    assert db.session.scalar(sa.select(User).where(User.username == "Grace_Hopper")) is None


def test_good_passwords_are_accepted(app_ctx):
    for n, password in enumerate(
        ["correct horse battery", "Tr0ub4dor&3 and more", "ééééaaaaeeeeb"]
    ):
        assert services.create_user(f"user{n}", password, Role.viewer).id


@pytest.mark.parametrize(
    ("why", "password"), WEAK[:4] + WEAK[6:7], ids=[w for w, _ in WEAK[:4] + WEAK[6:7]]
)
def test_the_users_form_puts_the_message_on_the_password_field(client, auth, why, password):
    auth.login(Role.admin)
    page = client.post(
        "/users", data={"username": "Grace_Hopper", "password": password, "role": "editor"}
    )
    assert page.status_code == 400
    field = page.text.split('<label for="password">')[1].split("</div>")[0]
    assert 'class="error"' in field and "password" in field.lower()
    assert 'value="Grace_Hopper"' in page.text  # what was typed is kept
    assert "Grace_Hopper" not in client.get("/users").text.split("<h2>Add a user</h2>")[0]


def test_the_cli_refuses_weak_passwords(runner, app):
    for password in ("          ", "q1w2e3r4t5y6", "Grace_Hopper"):
        result = runner.invoke(
            args=["users", "create", "Grace_Hopper", "--password-stdin"], input=f"{password}\n"
        )
        assert result.exit_code == 1, result.output
        assert "password" in result.output.lower()
    made = runner.invoke(
        args=["users", "create", "Grace_Hopper", "--password-stdin"], input=f"{PASSWORD}\n"
    )
    assert made.exit_code == 0, made.output
    weak = runner.invoke(
        args=["users", "set-password", "Grace_Hopper", "--password-stdin"],
        input="grace_hopper\n",
    )
    assert weak.exit_code == 1 and "user name" in weak.output
    with app.app_context():
        assert services.authenticate("Grace_Hopper", PASSWORD) is not None


def test_the_account_page_refuses_a_weak_new_password_on_its_field(client, auth):
    auth.login(Role.viewer)
    page = client.post(
        "/account/password", data={"current_password": PASSWORD, "password": "q1w2e3r4t5y6"}
    )
    assert page.status_code == 400
    field = page.text.split('<label for="password">')[1].split("</div>")[0]
    assert "most common" in field
    wrong = client.post(
        "/account/password",
        data={"current_password": "not my password", "password": "a perfectly fine one"},
    )
    field = wrong.text.split('<label for="current_password">')[1].split("</div>")[0]
    assert wrong.status_code == 400 and "not your current password" in field


def test_a_megabyte_password_is_refused_at_login_without_a_500(client, make_user):
    user = make_user(Role.viewer)
    response = client.post("/login", data={"username": user.username, "password": "x" * 1_000_000})
    # Bad input (the form's limit), said on the field, before any hashing.
    assert response.status_code == 400
    field = response.text.split('<label for="password">')[1].split("</div>")[0]
    assert 'class="error"' in field


def test_an_admin_forces_a_new_password(app, client, auth, make_user):
    user = make_user(Role.reviewer)
    admin = app.test_client()
    admin.post("/login", data={"username": make_user(Role.admin).username, "password": PASSWORD})
    forced = admin.post(f"/users/{user.id}/require-new-password", follow_redirects=True)
    assert "must choose a new password" in forced.text and "new password due" in forced.text
    # At the next login every page leads to the account page until a new password is set.
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    page = client.get("/sources")
    assert page.status_code == 302 and page.headers["Location"] == "/account"
    assert "asked you to choose a new password" in client.get("/account").text
    assert client.get("/api/v1/claims").status_code == 403
    same = client.post(
        "/account/password", data={"current_password": PASSWORD, "password": PASSWORD}
    )
    assert same.status_code == 400 and "other than the current one" in same.text
    done = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "my own new passphrase"},
    )
    assert done.status_code == 302
    assert client.get("/sources").status_code == 200
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored is not None and stored.must_change_password is False
        fields = db.session.scalars(
            sa.select(AuditEntry.field).where(
                AuditEntry.entity_type == "user", AuditEntry.entity_id == user.id
            )
        ).all()
        assert fields.count("must_change_password") == 2 and "password" in fields


def test_a_temporary_password_from_the_cli_must_be_changed(app, client, make_user, runner):
    user = make_user(Role.viewer)
    result = runner.invoke(
        args=["users", "set-password", user.username, "--password-stdin", "--must-change"],
        input="a temporary passphrase\n",
    )
    assert result.exit_code == 0, result.output
    client.post("/login", data={"username": user.username, "password": "a temporary passphrase"})
    assert client.get("/claims").headers["Location"] == "/account"
