"""The `tracker` command: Flask's CLI group with the tracker's own commands."""

from __future__ import annotations

import os
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from tracker.core import migrate, unit_of_work
from tracker.text.cleaning import UnstorableText, clean_input

db_cli = AppGroup("db", help="Create and upgrade the database schema (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION ('base' removes every table)."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("current")
def db_current() -> None:
    """Show the schema's current revision."""
    migrate.current(current_app.config["DATABASE_URL"])


@db_cli.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree."""
    migrate.check(current_app.config["DATABASE_URL"])


@click.command("seed")
@with_appcontext
def seed() -> None:
    """Load the seed articles from seeds/ (rerunnable: adds only what is missing)."""
    from tracker.core.errors import TrackerError
    from tracker.seeding import load_seeds

    try:
        report = load_seeds()
    except TrackerError as exc:
        raise click.ClickException(f"{exc.message} Nothing was loaded.") from None
    for name in report.imported:
        click.echo(f"seeded {name}")
    for name in report.skipped:
        click.echo(f"already there: {name}")
    click.echo(f"claims: {report.claims_added} added, {report.claims_present} already there")
    click.echo(
        f"entities: {report.entities_added} added; questions: {report.questions_added} added; "
        f"open disputes: {report.open_disputes}"
    )


@click.command("serve")
@with_appcontext
@click.option(
    "--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="127.0.0.1"
)
@click.option(
    "--port",
    default=lambda: int(os.environ.get("PORT", "5000")),
    type=int,
    show_default="5000 or $PORT",
)
@click.option("--threads", default=4, show_default=True)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the app with waitress, a production WSGI server (needs SECRET_KEY)."""
    from waitress import serve as waitress_serve

    from tracker import (
        MissingPublicBaseUrl,
        MissingSecretKey,
        require_public_base_url,
        require_secret_key,
    )
    from tracker.core.requestlog import configure_logging
    from tracker.core.serving import waitress_options

    try:
        require_secret_key(current_app)
        require_public_base_url(current_app)
    except (MissingSecretKey, MissingPublicBaseUrl) as exc:
        raise click.ClickException(str(exc)) from None
    configure_logging()
    click.echo(f"factcheck-tracker is running at http://{host}:{port}/  (Ctrl+C stops it)")
    # The app itself, not the proxy: waitress calls it from its own threads, where the proxy
    # has no app. Flask types the proxy as a Flask, which has no such method.
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # see above
    waitress_serve(app, host=host, port=port, threads=threads, **waitress_options(app))


class CleanText(click.ParamType):
    """A text option or argument under the input rule (tracker/text/cleaning.py): NUL and lone
    surrogates (which a non-UTF-8 argument becomes) are a usage error naming the parameter;
    invisible-only text is empty."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return clean_input(value)
        except UnstorableText as exc:
            self.fail(str(exc), param, ctx)


def _clean_text_params(command: click.Command) -> None:
    """Put every plain text parameter of `command` (and its subcommands) under the rule."""
    for param in command.params:
        if isinstance(param.type, click.types.StringParamType):
            param.type = CleanText()
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _clean_text_params(sub)


def register_commands(app: Flask) -> None:
    from tracker.accounts.cli import tokens_cli, users_cli
    from tracker.claims.cli import claims_cli
    from tracker.exports.cli import commands as exports_commands
    from tracker.questions.cli import disputes_command
    from tracker.sources.cli import sources_cli

    for command in (
        db_cli,
        seed,
        serve,
        sources_cli,
        users_cli,
        tokens_cli,
        claims_cli,
        disputes_command,
    ):
        app.cli.add_command(command)
    for command in exports_commands:
        app.cli.add_command(command)
    _clean_text_params(app.cli)
    unit_of_work.wrap_commands(app.cli)


def _create_app() -> Flask:
    from tracker import create_app

    return create_app()


main = FlaskGroup(
    name="tracker",
    help="factcheck-tracker: manage the database, sources, users, and serve the app.",
    create_app=_create_app,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
)
