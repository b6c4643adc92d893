"""tracker sources ..."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.core import db
from tracker.core.errors import Duplicate, TrackerError
from tracker.sources import services

sources_cli = AppGroup("sources", help="Import and list source articles.")


@sources_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", help="Default: the file's first line.")
@click.option("--language", help="BCP 47 code (de, zh, en, pt-BR); detected when omitted.")
@click.option("--url", help="Where the article was published (http or https).")
@click.option("--published", help="Publication date, YYYY-MM-DD.")
def import_command(
    file: Path, title: str | None, language: str | None, url: str | None, published: str | None
) -> None:
    """Import FILE (UTF-8 text) as a source, verbatim."""
    max_bytes = current_app.config["MAX_SOURCE_BYTES"]
    try:
        services.check_size(file.stat().st_size, max_bytes)
        text = services.decode_text(file.read_bytes(), max_bytes)
        meta = services.SourceMetadata(title=title, language=language, url=url, published=published)
        source = services.import_source(text, meta, actor=None, max_bytes=max_bytes)
    except Duplicate as exc:
        click.echo(f"{file}: already imported as source #{exc.existing_id}; nothing stored.")
        return
    except TrackerError as exc:
        raise click.ClickException(f"{file}: {exc.message} Nothing was stored.") from None
    click.echo(
        f"Imported {file} as source #{source.id} “{source.title}”: "
        f"{source.sentence_count} sentences, language {source.language}"
        f"{' (detected)' if source.is_language_detected else ''}, sha256 {source.sha256}."
    )


@sources_cli.command("list")
def list_command() -> None:
    """List sources, newest first."""
    db.reading_only()
    page = services.list_sources(1, 1000)
    for source in page.items:
        click.echo(
            f"#{source.id}\t{source.language}\t{source.sentence_count} sentences\t{source.title}"
        )
    click.echo(f"{page.total} source(s).")
