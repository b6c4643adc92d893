"""tracker seed: both articles and the curated claims, rerunnable, loud about bad quotes."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker.claims.models import Claim, ClaimStatus, Evidence
from tracker.core import db
from tracker.seeding import SeedError, load_seeds
from tracker.sources.models import Source

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
EVIDENCE_LIST = SEEDS.parent.parent / "shared" / "seeds" / "EVIDENCE.md"


def _counts() -> tuple[int, int, int]:
    count = sa.func.count()
    return (
        db.session.scalar(sa.select(count).select_from(Source)),
        db.session.scalar(sa.select(count).select_from(Claim)),
        db.session.scalar(sa.select(count).select_from(Evidence)),
    )


def test_seed_twice_adds_nothing_the_second_time(runner, app):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert first.output.count("seeded") == 2
    with app.app_context():
        after_first = _counts()
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0 and "seeded" not in second.output
    assert "claims: 0 added" in second.output
    with app.app_context():
        assert _counts() == after_first
        assert sorted(db.session.scalars(sa.select(Source.language))) == ["de", "zh"]


def test_seed_claims_quote_their_articles_exactly(app_ctx):
    curated = json.loads((SEEDS / "claims.json").read_text(encoding="utf-8"))["claims"]
    load_seeds()
    db.session.flush()
    claims = db.session.scalars(sa.select(Claim).options(sa.orm.selectinload(Claim.source))).all()
    assert len(claims) == len(curated) >= 40
    per_language = Counter(c.source.language for c in claims)
    assert per_language["de"] >= 15 and per_language["zh"] >= 15
    for claim in claims:
        assert claim.source.text[claim.start : claim.end] == claim.quote
        assert claim.source.text.count(claim.quote) == 1
        assert claim.statement and claim.speaker and claim.subjects
        if claim.status.is_verdict:
            assert claim.rationale
        if claim.status in (ClaimStatus.verified, ClaimStatus.false):
            assert claim.live_evidence
    urls = {e.url for c in claims for e in c.evidence}
    assert urls
    if EVIDENCE_LIST.exists():  # beside a checkout of the project, as on CI
        listed = EVIDENCE_LIST.read_text(encoding="utf-8")
        assert all(url in listed for url in urls)


def test_a_quote_with_a_typo_fails_loudly_and_loads_nothing(app_ctx, tmp_path):
    for name in ("sources.json", "de-openai-talent-exodus.txt", "zh-openai-leadership-shakeup.txt"):
        shutil.copy(SEEDS / name, tmp_path / name)
    data = json.loads((SEEDS / "claims.json").read_text(encoding="utf-8"))
    broken = data["claims"][3]
    broken["quote"] = broken["quote"].replace(broken["quote"][2], "#", 1)
    (tmp_path / "claims.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SeedError, match=broken["key"]):
        load_seeds(tmp_path)
    db.session.rollback()
    assert _counts() == (0, 0, 0)
