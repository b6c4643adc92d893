"""tracker sources import / list and tracker seed."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tracker.core import db
from tracker.sources.models import Source

ROOT = Path(__file__).resolve().parents[2]


def test_import_a_file_with_metadata(runner, app):
    path = ROOT / "seeds" / "de-openai-talent-exodus.txt"
    result = runner.invoke(
        args=[
            "sources",
            "import",
            str(path),
            "--title",
            "Talentabfluss",
            "--language",
            "de",
            "--url",
            "https://example.org/x",
            "--published",
            "2024-08-07",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Talentabfluss" in result.output and "language de" in result.output
    again = runner.invoke(args=["sources", "import", str(path)])
    assert again.exit_code == 0 and "already imported as source #" in again.output
    with app.app_context():
        source = db.session.scalar(sa.select(Source))
        assert source.published.isoformat() == "2024-08-07"
        assert source.text.encode() == path.read_bytes()


def test_import_refuses_bad_files_and_stores_nothing(runner, app, tmp_path):
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Größe".encode("latin-1"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n\n")
    good = tmp_path / "good.txt"
    good.write_text("Ein Satz.", encoding="utf-8")
    cases = [
        ([str(latin)], "not UTF-8"),
        ([str(empty)], "empty"),
        ([str(good), "--language", "klingonish"], "not a known language code"),
        ([str(good), "--url", "not a url"], "not a web address"),
        ([str(good), "--published", "2024/08/06"], "YYYY-MM-DD"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["sources", "import", *args])
        assert result.exit_code == 1, result.output
        assert message in result.output and "Nothing was stored" in result.output
    app.config["MAX_SOURCE_BYTES"] = 4
    too_big = runner.invoke(args=["sources", "import", str(good)])
    assert too_big.exit_code == 1 and "largest accepted is 4 bytes" in too_big.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Source)) == 0
