"""bench/matching_quality.py runs and ends with the line scripts read (its figures are not
asserted: they are measured, in bench/README.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(
    r"^matching: top1=\d\.\d\d top3=\d\.\d\d answer=\d\.\d\d recall=\d\.\d\d precision=\d\.\d\d$"
)


def test_the_matching_benchmark_runs_and_prints_its_last_line():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "matching_quality.py"), "--set", "2"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert "seeds, disagreements" in lines
    assert LAST_LINE.match(lines[-1]), lines[-1]
