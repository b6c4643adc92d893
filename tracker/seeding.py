"""Loading the versioned seeds/ folder through the same services users go through; rerunnable."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.claims import services as claims
from tracker.core.errors import Duplicate, TrackerError
from tracker.core.paths import SEEDS_DIR
from tracker.entities import services as entities
from tracker.questions import answers, disputes, rulings
from tracker.questions import services as questions
from tracker.questions.qualifiers import Qualifiers
from tracker.sources import services as sources

SEED_DIR = SEEDS_DIR


class SeedError(TrackerError):
    """The seed files are wrong (a quote not found once, an unknown source): fix the seeds."""


@dataclass
class SeedReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    claims_added: int = 0
    claims_present: int = 0
    entities_added: int = 0
    questions_added: int = 0
    open_disputes: int = 0


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
    _seed_entities(seed_dir / "entities.json", report)
    added: dict[str, int] = {}
    claims_file = seed_dir / "claims.json"
    items = (
        json.loads(claims_file.read_text(encoding="utf-8"))["claims"]
        if (claims_file.exists())
        else []
    )
    for item in items:
        if claims.find_by_key(item["key"]) is not None:
            report.claims_present += 1
            continue
        added[item["key"]] = _seed_claim(item, source_ids)
        report.claims_added += 1
    _seed_questions(seed_dir / "questions.json", items, added, report)
    report.open_disputes = disputes.dispute_summary(disputes.DisputeFilter()).matching
    return report


def _seed_entities(path: Path, report: SeedReport) -> None:
    if not path.exists():
        return
    for item in json.loads(path.read_text(encoding="utf-8"))["entities"]:
        entity = entities.find_entity(item["name"])
        if entity is None:
            try:
                entities.create_entity(
                    item["name"], item["kind"], item.get("aliases", []), actor=None
                )
            except TrackerError as exc:
                raise SeedError(f"Seed entity {item['name']}: {exc.message}") from None
            report.entities_added += 1


def _seed_questions(
    path: Path, items: list[dict[str, Any]], added: dict[str, int], report: SeedReport
) -> None:
    """Group the claims added in this run into their questions, give each seed claim the
    answer the seeds record (unless a reviewer confirmed one) and add the rulings on answers;
    a reviewer's regrouping is never undone by seeding again. The tracker finds the
    disagreements itself."""
    if not path.exists():
        return
    spec = {q["text"]: q for q in json.loads(path.read_text(encoding="utf-8"))["questions"]}
    for item in items:
        text = item.get("question")
        if not text or item["key"] not in added:
            continue
        question = questions.find_question(text)
        if question is None:
            kind = spec.get(text, {}).get("answer_kind", "text")
            question = questions.create_question(text, kind, actor=None)
            report.questions_added += 1
        questions.assign_question(added[item["key"]], question.id, actor=None, reason="seeded")
    for entry in spec.values():
        question = questions.find_question(entry["text"])
        if question is not None:
            _seed_answers(question.id, entry)


def _seed_answers(question_id: int, entry: dict[str, Any]) -> None:
    holders: dict[str, int] = {}
    for key, given in entry.get("claims", {}).items():
        claim = claims.find_by_key(key)
        if claim is None or claim.question_id != question_id or claim.is_deleted:
            continue
        if not claim.is_answer_confirmed:
            try:
                answers.set_answer(
                    claim.id,
                    given["answer"],
                    qualifiers=Qualifiers(
                        given.get("as_of"),
                        given.get("from"),
                        given.get("until"),
                        given.get("aspect"),
                    ),
                    version=None,
                    actor=None,
                )
            except TrackerError as exc:
                raise SeedError(f"Seed answer for {key}: {exc.message}", exc.fields) from None
        if claim.answer_id is not None:
            holders.setdefault(given["answer"], claim.answer_id)
    for ruling in entry.get("rulings", []):
        first, second = (holders.get(text) for text in ruling["answers"])
        if first is None or second is None:
            continue  # a reviewer moved the claims that gave these answers
        if rulings.ruling_between(first, second) is not None:
            continue
        holds = holders.get(ruling["holds"]) if ruling.get("holds") else None
        rulings.rule(
            first,
            second,
            "resolved" if ruling["ruling"] == "holds" else "not_a_contradiction",
            ruling["rationale"],
            holding_answer_id=holds,
            actor=None,
        )


def _seed_claim(item: dict[str, Any], source_ids: dict[str, int]) -> int:
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
    return claim.id
