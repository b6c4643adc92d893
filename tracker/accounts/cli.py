"""tracker users ... and tracker tokens ..."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from tracker.accounts import services
from tracker.accounts.models import Role
from tracker.core import db
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
        db.session.commit()
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created user {user.username} with role {user.role.value}.")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(username: str, password_stdin: bool) -> None:
    """Give USERNAME a new password (e.g. after a restore without password hashes)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        services.set_password(username, password, actor=None)
        db.session.commit()
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"New password set for {username}.")


@users_cli.command("ensure-admin")
@click.option("--username", default="admin", show_default=True)
def ensure_admin(username: str) -> None:
    """Create an administrator with a random password when there are no users yet."""
    password = services.ensure_admin(username)
    db.session.commit()
    if password is None:
        click.echo("Users exist already; no administrator created.")
    else:
        click.echo(f"Created administrator '{username}' with password: {password}")
        click.echo("This password is shown only once: write it down or change it.")


@tokens_cli.command("create")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
def create_token(username: str, name: str) -> None:
    """Print a new API token for USERNAME (send it as 'Authorization: Bearer TOKEN')."""
    try:
        token = services.create_token(username, name)
        db.session.commit()
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(token)
