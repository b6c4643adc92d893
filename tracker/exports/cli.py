"""tracker export, dump and restore: claims in every export format; the whole database to one
JSON Lines file and back."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.claims import queue
from tracker.core import db
from tracker.core.errors import TrackerError
from tracker.exports import backup, services


@click.command("dump")
@click.option(
    "-o",
    "--output",
    "path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (replaced only once the dump is complete).",
)
@click.option(
    "--with-passwords",
    is_flag=True,
    help="Include password hashes and API tokens (keep such a file as secret as the database).",
)
@with_appcontext
def dump_command(path: Path, with_passwords: bool) -> None:
    """Write the whole database to a JSON Lines file that `tracker restore` loads."""
    db.reading_only()  # one snapshot, without holding SQLite's write lock for the whole dump
    partial = path.with_name(path.name + ".partial")
    # Readable by its owner only: a dump holds every unpublished review (and maybe hashes).
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with open(descriptor, "w", encoding="utf-8", newline="\n") as out:
            report = backup.dump_database(out, with_passwords=with_passwords)
    except TrackerError as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(exc.message) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    click.echo(
        f"Wrote {report.total} rows of {len(report.row_counts)} tables "
        f"(schema {report.schema_revision}) to {path}."
    )
    if not with_passwords:
        click.echo(backup.NOTE_WITHOUT_PASSWORDS)


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Load a file written by `tracker dump` into an empty database, all or nothing.

    Make the database first with `tracker db upgrade` (to the dump's schema revision).
    """
    try:
        with path.open("rb") as raw:
            report = backup.restore_database(line.decode("utf-8") for line in raw)
    except TrackerError as exc:
        raise click.ClickException(f"{exc.message} Nothing was restored.") from None
    click.echo(
        f"Restored {report.total} rows of {len(report.row_counts)} tables from a dump made "
        f"{report.created_at}."
    )
    if report.users_without_password:
        click.echo(
            f"The dump had no password hashes: its {report.users_without_password} users cannot "
            "log in (and their old browser sessions no longer work) until a password is set "
            "with `tracker users set-password NAME`."
        )


#: Registered by tracker.cli.register_commands.
@click.command("export")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice([f.value for f in services.ExportFormat]),
    help="csv, json, jsonl, claimreview or annotations.",
)
@click.option("--status", help="Only claims with this status.")
@click.option("--source-id", help="Only claims of this source.")
@click.option("--language", help="Only claims of sources in this language (de, zh, ...).")
@click.option("--speaker", help="Only claims by this speaker.")
@click.option("--assignee", help="A user id, or 'none'.")
@click.option("--q", help="Only claims whose words contain this text.")
@click.option("--include-deleted", is_flag=True, help="Deleted claims too.")
@click.option("--bom", is_flag=True, help="CSV: start with a byte order mark.")
@click.option(
    "--base-url", help="Absolute URL of this instance for links (default: PUBLIC_BASE_URL)."
)
@click.option(
    "-o",
    "--output",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (default: standard output).",
)
@with_appcontext
def export_command(
    fmt: str,
    status: str | None,
    source_id: str | None,
    language: str | None,
    speaker: str | None,
    assignee: str | None,
    q: str | None,
    include_deleted: bool,
    bom: bool,
    base_url: str | None,
    path: Path | None,
) -> None:
    """Write claims in FORMAT, with the review queue's filters; streams however many."""
    db.reading_only()
    args = {
        "status": status or "",
        "source_id": source_id or "",
        "language": language or "",
        "speaker": speaker or "",
        "assignee": assignee or "",
        "q": q or "",
        "deleted": "1" if include_deleted else "",
    }
    try:
        filters = queue.filter_from_args(args, user_id=None, may_see_deleted=True)
        config = dict(current_app.config)
        config["PUBLIC_BASE_URL"] = base_url or config.get("PUBLIC_BASE_URL")
        base, publisher = services.publishing(config, None)
        request = services.ExportRequest(
            services.ExportFormat(fmt), filters, base_url=base, publisher=publisher, bom=bom
        )
        chunks = services.export_claims(request)
        if path is None:
            for chunk in chunks:
                click.echo(chunk, nl=False)
            return
        partial = path.with_name(path.name + ".partial")
        with open(partial, "w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
        partial.replace(path)
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Wrote {path}.", err=True)


commands = (dump_command, restore_command, export_command)
