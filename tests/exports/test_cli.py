"""tracker export and tracker claims import, from the command line."""

from __future__ import annotations

import csv
import json

from tracker.core import db
from tracker.seeding import load_seeds


def test_export_writes_each_format_to_a_file_or_stdout(app, runner, tmp_path):
    with app.app_context():
        load_seeds()
        db.session.commit()
    target = tmp_path / "verified.csv"
    result = runner.invoke(
        args=["export", "--format", "csv", "--status", "verified", "--bom", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows and {r["status"] for r in rows} == {"verified"}
    assert not (tmp_path / "verified.csv.partial").exists()
    out = runner.invoke(
        args=["export", "--format", "claimreview", "--base-url", "https://checks.example"]
    )
    items = json.loads(out.stdout)
    assert items and all(i["url"].startswith("https://checks.example/review/") for i in items)
    bad = runner.invoke(args=["export", "--format", "csv", "--status", "maybe"])
    assert bad.exit_code == 1 and "Unknown status" in bad.output


def test_claims_import_refuses_a_bad_file_and_skips_bad_rows_on_request(app, runner, tmp_path):
    with app.app_context():
        load_seeds()
        db.session.commit()
    exported = tmp_path / "zh.jsonl"
    runner.invoke(args=["export", "--format", "jsonl", "--language", "zh", "-o", str(exported)])
    lines = exported.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[0]) | {"quote": "這句話不在文章裡"}
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        json.dumps(broken, ensure_ascii=False) + "\n" + lines[1] + "\n", encoding="utf-8"
    )

    refused = runner.invoke(args=["claims", "import", str(mixed)])
    assert refused.exit_code == 1
    assert f"{mixed}:1: The quote" in refused.output and "nothing loaded" in refused.output
    assert f"{mixed}:2: The same claim is there already" in refused.output

    fresh = json.loads(lines[1]) | {"statement": "A second reading of the same sentence."}
    mixed.write_text(
        json.dumps(broken, ensure_ascii=False)
        + "\n"
        + json.dumps(fresh, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    skipped = runner.invoke(args=["claims", "import", str(mixed), "--skip-bad"])
    assert skipped.exit_code == 0, skipped.output
    assert "1 claims added" in skipped.output
    rejects = (tmp_path / "mixed.jsonl.rejects.jsonl").read_text(encoding="utf-8")
    assert json.loads(rejects)["line"] == 1 and "這句話不在文章裡" in rejects
