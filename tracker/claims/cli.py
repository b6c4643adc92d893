"""tracker claims ...: claims in bulk."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from tracker.accounts import services as accounts
from tracker.core.errors import TrackerError
from tracker.exports import bulk
from tracker.questions import grouping

claims_cli = AppGroup("claims", help="Claims in bulk.")


@claims_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(bulk.FORMATS), help="Default: by extension.")
@click.option("--skip-bad", is_flag=True, help="Load the good rows; write the bad ones aside.")
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where --skip-bad writes the bad rows (default: FILE.rejects.csv or .jsonl).",
)
@click.option("--user", "username", help="Record the claims as added by this user.")
def import_command(
    file: Path, fmt: str | None, skip_bad: bool, rejects: Path | None, username: str | None
) -> None:
    """Add the claims in FILE (CSV, JSON or JSON Lines, as `tracker export` writes them).

    Each row's quote must be found in its source. Without --skip-bad a file with a bad row
    loads nothing, and every bad row is listed with its line.
    """
    actor = accounts.find_user(username) if username else None
    if username and actor is None:
        raise click.ClickException(f"There is no user {username!r}.")
    try:
        report, fmt = bulk.import_file(
            file.read_bytes(), file.name, fmt, actor=actor, skip_bad=skip_bad
        )
    except TrackerError as exc:
        raise click.ClickException(f"{file}: {exc.message} Nothing loaded.") from None
    for error in report.errors:
        click.echo(f"{file}:{error.line}: {error.message}", err=True)
    if report.errors and not skip_bad:
        raise click.ClickException(
            f"{len(report.errors)} of {report.total} rows are bad; nothing loaded "
            "(fix them, or use --skip-bad)."
        )
    if report.errors:
        target = rejects or file.with_name(
            file.name + (".rejects.csv" if fmt == "csv" else ".rejects.jsonl")
        )
        target.write_text(bulk.write_rejects(report.errors, fmt), encoding="utf-8")
        click.echo(f"{len(report.errors)} bad rows written to {target}.")
    click.echo(f"{len(report.added)} claims added from {file}.")


@claims_cli.command("suggest")
@click.option("--source", "source_id", type=int, required=True, help="The source's number.")
@click.option(
    "--accept-above",
    type=click.FloatRange(0, 1),
    help="Accept every best question scoring at least this (0 to 1; a score is the share of "
    "such suggestions that were right, so 0.9 accepts where about 9 in 10 are right).",
)
@click.option("--user", "username", help="Record the grouping as done by this user.")
def suggest_command(source_id: int, accept_above: float | None, username: str | None) -> None:
    """The proposed question and answer of each claim of a source in no question yet."""
    actor = accounts.find_user(username) if username else None
    if username and actor is None:
        raise click.ClickException(f"There is no user {username!r}.")
    try:
        proposals = grouping.source_proposals(source_id)
        for p in proposals:
            click.echo(f"#{p.claim.id} {p.claim.statement}")
            if p.new_question_first:
                click.echo("   new question (nothing fits well)")
            for option in p.options:
                answer = f" -> {option.answer}" if option.answer else ""
                click.echo(
                    f"   {option.suggestion.score:.2f} #{option.question.id} "
                    f"{option.question.text}{answer}"
                )
        if accept_above is not None:
            accepted = grouping.accept_above(
                source_id, accept_above, actor=actor, proposals=proposals
            )
            click.echo(f"{len(accepted)} claim(s) accepted at {accept_above:.2f} or more.")
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
