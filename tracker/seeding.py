"""Loading the versioned seeds/ folder through the same services users go through; rerunnable."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tracker.core.errors import Duplicate
from tracker.core.migrate import PROJECT_ROOT
from tracker.sources import services as sources

SEED_DIR = PROJECT_ROOT / "seeds"


@dataclass
class SeedReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def load_seeds(seed_dir: Path = SEED_DIR) -> SeedReport:
    """Import every source listed in ``sources.json``; sources already there are skipped.

    The caller commits once, so a failure leaves nothing half-loaded.
    """
    report = SeedReport()
    manifest = json.loads((seed_dir / "sources.json").read_text(encoding="utf-8"))
    for entry in manifest["sources"]:
        path = seed_dir / entry["file"]
        text = sources.decode_text(path.read_bytes())
        meta = sources.SourceMetadata(
            title=entry.get("title"),
            language=entry.get("language"),
            url=entry.get("url"),
            published=entry.get("published"),
        )
        try:
            sources.import_source(text, meta, actor=None)
        except Duplicate:
            report.skipped.append(entry["file"])
        else:
            report.imported.append(entry["file"])
    return report
