"""tracker users ... and tracker tokens ..."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask.cli import AppGroup

from tracker.accounts import services, sessions
from tracker.accounts.models import Role, User
from tracker.core import db
from tracker.core.db import utcnow
from tracker.core.errors import TrackerError

users_cli = AppGroup("users", help="Manage user accounts.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")


@users_cli.command("create")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.reviewer.value,
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(username: str, role: str, password_stdin: bool) -> None:
    """Create a user; asks for the password unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(username, password, role)
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created user {user.username} with role {user.role.value}.")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--must-change", is_flag=True, help="A temporary password: they choose another at login."
)
def set_password(username: str, password_stdin: bool, must_change: bool) -> None:
    """Give USERNAME a new password (e.g. after a restore without password hashes); every
    login of theirs ends."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        services.set_password(username, password, actor=None, must_change=must_change)
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"New password set for {username}.")


def _user(username: str) -> User:
    user = services.find_user(username)
    if user is None:
        raise click.ClickException(f"There is no user {username!r}.")
    return user


@users_cli.command("logout")
@click.argument("username")
def logout(username: str) -> None:
    """End every login of USERNAME, in every browser (API tokens stay: see `tokens revoke`)."""
    try:
        _user_row, ended = sessions.log_out_everywhere(_user(username).id, actor=None)
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Logged {username} out everywhere ({ended} sessions ended).")


@users_cli.command("require-new-password")
@click.argument("username")
def require_new_password(username: str) -> None:
    """Make USERNAME choose a new password at the next login; their logins end now."""
    try:
        services.require_new_password(_user(username).id, actor=None)
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{username} must choose a new password at the next login.")


@users_cli.command("ensure-admin")
@click.option("--username", default="admin", show_default=True)
def ensure_admin(username: str) -> None:
    """Create an administrator with a random password when there are no users yet."""
    password = services.ensure_admin(username)
    if password is None:
        click.echo("Users exist already; no administrator created.")
    else:
        click.echo(f"Created administrator '{username}' with password: {password}")
        click.echo("This password is shown only once: write it down or change it.")


@tokens_cli.command("create")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option(
    "--expires-in",
    "expires_in",
    type=int,
    default=None,
    metavar="DAYS",
    help="Days it stays valid (default: until revoked).",
)
def create_token(username: str, name: str, expires_in: int | None) -> None:
    """Print a new API token for USERNAME (send it as 'Authorization: Bearer TOKEN')."""
    try:
        token = services.create_token(username, name, expires_in_days=expires_in)
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(token)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "never"


@tokens_cli.command("list")
@click.argument("username", required=False)
def list_tokens(username: str | None) -> None:
    """List API tokens (of USERNAME, or everyone's): id, user, name, made, last used, expiry,
    state. The tokens themselves are never stored, so never shown."""
    db.reading_only()
    tokens = services.list_tokens(_user(username) if username else None)
    now = utcnow()
    click.echo("id\tuser\tname\tcreated\tlast_used\texpires\tstate")
    for token in tokens:
        click.echo(
            "\t".join(
                [
                    str(token.id),
                    token.user.username,
                    token.name,
                    _when(token.created_at),
                    _when(token.last_used_at),
                    _when(token.expires_at),
                    token.state(now),
                ]
            )
        )


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id: int) -> None:
    """Revoke token TOKEN_ID (see `tokens list`): the next request with it gets a 401."""
    try:
        token = services.revoke_token(token_id, actor=None)
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Revoked token #{token.id} ({token.name}) of {token.user.username}.")
