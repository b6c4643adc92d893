"""bench/pages.py runs on a tiny SQLite database and prints a figure line for every page and its
summary line (the figures are measured, not asserted: bench/README.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.pages import PAGES  # noqa: E402

NUMBER = r"(?:-|[\d,]+(?:\.\d+)?)"
#: page, ms, statements, SQL ms, KB, rows, bare ms, ratio, peak MB, runs
FIGURES = re.compile(rf"^(?P<page>\S.*?)\s+{NUMBER}(?:\s+{NUMBER}){{7}}\s+\d+$")
SUMMARY = re.compile(r"^pages: slowest=\S.* [\d.]+ ms, worst ratio=[\d.]+ \(\S.*\)$")


def test_the_pages_benchmark_prints_a_figure_line_for_every_page_and_its_summary():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pages.py"), "--claims", "300", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    measured = {m["page"] for line in lines if (m := FIGURES.match(line))}
    assert set(PAGES) <= measured, (sorted(set(PAGES) - measured), done.stdout)
    # The queue has 298 live claims, 50 a page: its next page is found in the HTML and timed.
    assert "claims next (page=2)" in measured, done.stdout
    assert SUMMARY.match(lines[-1]), lines[-1]
