"""Loading the versioned seeds/ folder through the same services users go through; rerunnable."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.claims import services as claims
from tracker.core.errors import Duplicate, TrackerError
from tracker.core.migrate import PROJECT_ROOT
from tracker.sources import services as sources

SEED_DIR = PROJECT_ROOT / "seeds"


class SeedError(TrackerError):
    """The seed files are wrong (a quote not found once, an unknown source): fix the seeds."""


@dataclass
class SeedReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    claims_added: int = 0
    claims_present: int = 0


def load_seeds(seed_dir: Path = SEED_DIR) -> SeedReport:
    """Import the seed sources and their curated claims; what is there already is skipped.

    The caller commits once, so a failure leaves nothing half-loaded.

    :raises SeedError: when a claim's quote is not found exactly once in its source.
    """
    report = SeedReport()
    source_ids: dict[str, int] = {}
    manifest = json.loads((seed_dir / "sources.json").read_text(encoding="utf-8"))
    for entry in manifest["sources"]:
        text = sources.decode_text((seed_dir / entry["file"]).read_bytes())
        meta = sources.SourceMetadata(
            title=entry.get("title"),
            language=entry.get("language"),
            url=entry.get("url"),
            published=entry.get("published"),
        )
        try:
            source_ids[entry["file"]] = sources.import_source(text, meta, actor=None).id
        except Duplicate as exc:
            source_ids[entry["file"]] = exc.existing_id
            report.skipped.append(entry["file"])
        else:
            report.imported.append(entry["file"])
    claims_file = seed_dir / "claims.json"
    if claims_file.exists():
        for item in json.loads(claims_file.read_text(encoding="utf-8"))["claims"]:
            if claims.find_by_key(item["key"]) is not None:
                report.claims_present += 1
                continue
            _seed_claim(item, source_ids)
            report.claims_added += 1
    return report


def _seed_claim(item: dict[str, Any], source_ids: dict[str, int]) -> None:
    key = item["key"]
    if item["source"] not in source_ids:
        raise SeedError(f"Seed claim {key}: unknown source file {item['source']!r}.")
    source = sources.get_source(source_ids[item["source"]])
    try:
        start = claims.locate_quote(source, item["quote"])
        claim = claims.mark_claim(
            source.id,
            claims.ClaimDraft(
                key=key,
                start=start,
                end=start + len(item["quote"]),
                quote=item["quote"],
                statement=item["statement"],
                speaker=item.get("speaker") or claims.THE_ARTICLE,
                subjects=item.get("subjects") or [],
                status=item.get("status") or "unreviewed",
                rationale=item.get("rationale"),
            ),
            actor=None,
        )
        for evidence in item.get("evidence") or []:
            claims.attach_evidence(
                claim.id,
                claims.EvidenceDraft(
                    url=evidence["url"],
                    title=evidence["title"],
                    stance=evidence["stance"],
                    publisher=evidence.get("publisher"),
                    published=evidence.get("date"),
                    passage=evidence.get("passage"),
                ),
                actor=None,
            )
    except TrackerError as exc:
        raise SeedError(f"Seed claim {key}: {exc.message}", exc.fields) from None
