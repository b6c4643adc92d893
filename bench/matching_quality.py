"""How well the tracker groups claims and finds disagreements by itself, on labelled data.

Three sets, all the project's own:
1. Leave-one-out over the seed claims in a question: with the seeds loaded (answers and
   rulings as the seeds give them), each claim in turn leaves its question (and an answer
   only it gives is forgotten); `suggest()` ranks questions for it (top-1, top-3), then it
   rejoins its question and the tracker proposes its answer, compared with the seeds' one.
2. The seeds' disagreements (bench/data/seed_disagreements.json): the seeds are loaded with
   their grouping but without answers or rulings, so the tracker proposes every answer and
   qualifier itself; the pairs it then finds (open contradictions of any kind) are compared
   with the labelled pairs.
3. Restatements (bench/data/restatements.json), written for this project in en, de, pt and
   zh: each one, alone, is marked as a claim of a source in its language next to the full
   seeds; its suggested question, its proposed answer in the labelled question, and the
   contradictions it then raises are compared with its labels. A restatement labelled with
   no question is right when "new question" is suggested first.

Sets 1 and 3 also record every suggestion shown (up to five questions and five claims a
claim) with its raw score and whether it was right (the claim's labelled question; for a claim,
that it answers the labelled question). From these the script prints how well the shown scores
are calibrated (per band of shown score: how many, mean score, share right; expected
calibration error, in sample and fitted on one set while measured on the other), and with
``--fit`` it fits the monotone map from raw score to share right (scikit-learn's
IsotonicRegression) on both sets and writes tracker/questions/calibration.json.

Prints a table per set, per language and per answer kind, and as its last line the pooled
fractions: ``matching: top1=0.00 top3=0.00 answer=0.00 recall=0.00 precision=0.00``.
Asserts nothing. Run: .venv/bin/python bench/matching_quality.py [--set 1,2,3] [--verbose]
[--fit]
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402
from flask import Flask  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.claims import services as claims  # noqa: E402
from tracker.claims import values  # noqa: E402
from tracker.claims.models import Claim  # noqa: E402
from tracker.core import db, migrate  # noqa: E402
from tracker.core.errors import TrackerError  # noqa: E402
from tracker.questions import calibration, disputes, suggestions  # noqa: E402
from tracker.questions import services as questions  # noqa: E402
from tracker.questions.models import Answer, AnswerKind, ConflictState, Contradiction  # noqa: E402
from tracker.seeding import SEED_DIR, load_seeds  # noqa: E402
from tracker.sources import services as sources  # noqa: E402
from tracker.text.script import search_key  # noqa: E402
from tracker.text.values import Relation, compare  # noqa: E402

DATA = ROOT / "bench" / "data"


@dataclass
class Tally:
    """Hits and trials for one measure, by group (language, answer kind)."""

    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    trials: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, ok: bool, *groups: str) -> None:
        for group in ("all", *groups):
            self.trials[group] += 1
            self.hits[group] += int(ok)

    def rate(self, group: str = "all") -> float | None:
        n = self.trials.get(group, 0)
        return self.hits.get(group, 0) / n if n else None


@dataclass
class Pairs:
    """Found and labelled disagreements (as sets of frozen key pairs), by group."""

    true_pos: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    labelled: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, found: set[frozenset[str]], labelled: set[frozenset[str]], *groups: str) -> None:
        for group in ("all", *groups):
            self.true_pos[group] += len(found & labelled)
            self.found[group] += len(found)
            self.labelled[group] += len(labelled)

    def recall(self, group: str = "all") -> float | None:
        n = self.labelled.get(group, 0)
        return self.true_pos.get(group, 0) / n if n else None

    def precision(self, group: str = "all") -> float | None:
        n = self.found.get(group, 0)
        return self.true_pos.get(group, 0) / n if n else None


@dataclass
class SetResult:
    name: str
    top1: Tally = field(default_factory=Tally)
    top3: Tally = field(default_factory=Tally)
    answer: Tally = field(default_factory=Tally)
    pairs: Pairs = field(default_factory=Pairs)
    misses: list[str] = field(default_factory=list)
    #: (raw score, shown score, right) of every suggestion shown, by what was suggested and
    #: whether it was shown first.
    shown: dict[tuple[str, str], list[tuple[float, float, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def _app(tmp: Path) -> Flask:
    logging.getLogger("alembic").setLevel(logging.WARNING)  # keep the figures readable
    url = f"sqlite:///{tmp / 'matching.db'}"
    config = migrate.alembic_config(url)
    config.attributes["configure_logging"] = False  # keep the figures readable
    command.upgrade(config, "head")
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})


@contextmanager
def _undone() -> Iterator[None]:
    """Run a trial inside a SAVEPOINT and undo it, so every trial starts from the same state."""
    savepoint = db.session.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()
        db.session.expire_all()


def _seed_spec() -> dict[str, dict[str, Any]]:
    data = json.loads((SEED_DIR / "questions.json").read_text(encoding="utf-8"))
    return {q["text"]: q for q in data["questions"]}


def _keys() -> dict[int, str]:
    rows = db.session.execute(sa.select(Claim.id, Claim.key).where(Claim.key.is_not(None)))
    return {claim_id: key for claim_id, key in rows}


def _ranked(claim_id: int, wanted: int | None, result: SetResult) -> list[int | None]:
    """Suggested question ids, best first; None stands for "a new question". Every suggestion
    shown is recorded with its scores and whether it is right (`wanted` is the claim's
    labelled question)."""
    found = suggestions.suggest(claim_id, limit=5)
    ranked: list[int | None] = [s.question.id for s in found.questions if s.question]
    for i, s in enumerate(found.questions):
        result.shown["question", _position(i)].append(
            (s.raw_score, s.score, s.question is not None and s.question.id == wanted)
        )
    for i, s in enumerate(found.claims):
        right = wanted is not None and s.claim is not None and s.claim.question_id == wanted
        result.shown["claim", _position(i)].append((s.raw_score, s.score, right))
    if getattr(found, "new_question_first", False):
        ranked.insert(0, None)
    return ranked


def _position(i: int) -> str:
    return calibration.POSITIONS[0] if i == 0 else calibration.POSITIONS[1]


def _same_answer(kind: AnswerKind, claim: Claim, label: str, label_answer: Answer | None) -> bool:
    """Whether the tracker's proposal for the claim gives the labelled answer."""
    if claim.answer_id is None:
        return False
    if label_answer is not None and claim.answer_id == label_answer.id:
        return True
    if kind.is_value:
        mine = values.value_of(claim)
        try:
            wanted = values.parse_value(label, kind)
        except TrackerError:
            return label_answer is None and claim.answer.key == search_key(label)
        return mine is not None and compare(mine, wanted) in (Relation.same, Relation.compatible)
    if kind == AnswerKind.yes_no:
        return claim.answer.text == label.strip().casefold()
    # A text answer no other claim gives: right when the tracker proposed a new answer.
    if label_answer is None:
        others = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Claim)
            .where(Claim.answer_id == claim.answer_id, Claim.id != claim.id)
        )
        return not others
    return False


def _open_pairs(claim_ids: dict[int, str], question_id: int | None = None) -> set[frozenset[str]]:
    stmt = sa.select(Contradiction).where(
        Contradiction.is_current.is_(True), Contradiction.state == ConflictState.open
    )
    if question_id is not None:
        stmt = stmt.where(Contradiction.question_id == question_id)
    return {
        frozenset((claim_ids[r.claim_a_id], claim_ids[r.claim_b_id]))
        for r in db.session.scalars(stmt)
        if r.claim_a_id in claim_ids and r.claim_b_id in claim_ids
    }


# --- set 1: leave one out -------------------------------------------------------------------


def leave_one_out(verbose: bool) -> SetResult:
    result = SetResult("seeds, leave one out")
    spec = _seed_spec()
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        with app.app_context():
            load_seeds()
            db.session.commit()
            keys = _keys()
            grouped = list(
                db.session.scalars(
                    sa.select(Claim).where(Claim.question_id.is_not(None)).order_by(Claim.id)
                )
            )
            for claim in grouped:
                qid, key = claim.question_id, keys[claim.id]
                question = questions.get_question(qid)  # type: ignore[arg-type]
                kind, language = question.answer_kind, claim.source.language
                label = spec[question.text]["claims"][key]["answer"]
                with _undone():
                    shared = db.session.scalar(
                        sa.select(sa.func.count())
                        .select_from(Claim)
                        .where(Claim.answer_id == claim.answer_id, Claim.id != claim.id)
                    )
                    label_answer = db.session.get(Answer, claim.answer_id) if shared else None
                    own_answer = claim.answer_id if not shared else None
                    questions.assign_question(claim.id, None, actor=None)
                    if own_answer is not None:
                        db.session.execute(sa.delete(Answer).where(Answer.id == own_answer))
                    ranked = _ranked(claim.id, qid, result)
                    result.top1.add(ranked[:1] == [qid], language, kind.value)
                    result.top3.add(qid in ranked[:3], language, kind.value)
                    questions.assign_question(claim.id, qid, actor=None)
                    fresh = claims.get_claim(claim.id)
                    ok = _same_answer(kind, fresh, label, label_answer)
                    result.answer.add(ok, language, kind.value)
                    if verbose and (not ok or ranked[:1] != [qid]):
                        result.misses.append(
                            f"{key}: ranked {ranked[:3]} want {qid}; proposed "
                            f"{fresh.answer.text if fresh.answer else None!r} want {label!r}"
                        )
    return result


# --- set 2: the seeds' disagreements, found by the tracker ------------------------------------


def seed_disagreements(verbose: bool) -> SetResult:
    result = SetResult("seeds, disagreements")
    labels = json.loads((DATA / "seed_disagreements.json").read_text(encoding="utf-8"))
    labelled_by_question: dict[str, set[frozenset[str]]] = defaultdict(set)
    for item in labels["disagreements"]:
        labelled_by_question[item["question"]].add(frozenset(item["claims"]))
    with tempfile.TemporaryDirectory() as tmp:
        seeds = Path(tmp) / "seeds"
        shutil.copytree(SEED_DIR, seeds)
        bare = json.loads((seeds / "questions.json").read_text(encoding="utf-8"))
        for entry in bare["questions"]:
            entry["claims"], entry["rulings"] = {}, []
        (seeds / "questions.json").write_text(json.dumps(bare), encoding="utf-8")
        app = _app(Path(tmp))
        with app.app_context():
            load_seeds(seeds)
            disputes.detect_all()
            db.session.commit()
            keys = _keys()
            for question_id, text, kind in db.session.execute(
                sa.text("SELECT id, text, answer_kind FROM questions ORDER BY id")
            ):
                found = _open_pairs(keys, question_id)
                wanted = labelled_by_question.get(text, set())
                result.pairs.add(found, wanted, kind)
                if verbose:
                    for pair in sorted(found - wanted, key=sorted):
                        result.misses.append(f"false alarm in {text!r}: {sorted(pair)}")
                    for pair in sorted(wanted - found, key=sorted):
                        result.misses.append(f"missed in {text!r}: {sorted(pair)}")
    return result


# --- set 3: restatements ----------------------------------------------------------------------


def restatements(verbose: bool) -> SetResult:
    result = SetResult("restatements")
    items = json.loads((DATA / "restatements.json").read_text(encoding="utf-8"))["items"]
    spec = _seed_spec()
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        with app.app_context():
            load_seeds()
            claim_of: dict[str, int] = {}
            by_language: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for item in items:
                by_language[item["language"]].append(item)
            for language, group in sorted(by_language.items()):
                text = "\n".join(item["sentence"] for item in group) + "\n"
                source = sources.import_source(
                    text,
                    sources.SourceMetadata(title=f"Restatements ({language})", language=language),
                    actor=None,
                )
                for item in group:
                    start = claims.locate_quote(source, item["sentence"])
                    claim = claims.mark_claim(
                        source.id,
                        claims.ClaimDraft(
                            start=start,
                            end=start + len(item["sentence"]),
                            statement=item["statement"],
                            speaker=item.get("speaker") or claims.THE_ARTICLE,
                            subjects=item.get("subjects") or [],
                        ),
                        actor=None,
                    )
                    claim_of[item["id"]] = claim.id
            db.session.commit()
            keys = _keys()
            for item in items:
                _one_restatement(item, claim_of[item["id"]], keys, spec, result, verbose)
    return result


def _one_restatement(
    item: dict[str, Any],
    claim_id: int,
    keys: dict[int, str],
    spec: dict[str, dict[str, Any]],
    result: SetResult,
    verbose: bool,
) -> None:
    language, label_text = item["language"], item["question"]
    with _undone():
        target = questions.find_question(label_text) if label_text else None
        wanted: int | None = target.id if target else None
        ranked = _ranked(claim_id, wanted, result)
        kind = target.answer_kind.value if target else "none"
        result.top1.add(ranked[:1] == [wanted] or (wanted is None and not ranked), language, kind)
        result.top3.add(wanted in ranked[:3] or (wanted is None and not ranked), language, kind)
        if target is None:
            return
        questions.assign_question(claim_id, target.id, actor=None)
        claim = claims.get_claim(claim_id)
        if item.get("qualifiers"):
            pass  # the tracker proposes qualifiers itself; the label is what it should find
        label = item["answer"]
        seed_holders = [
            k for k, given in spec[target.text]["claims"].items() if given["answer"] == label
        ]
        label_answer = None
        if seed_holders:
            label_answer = db.session.scalar(
                sa.select(Answer)
                .join(Claim, Claim.answer_id == Answer.id)
                .where(Claim.key == seed_holders[0])
            )
        ok = _same_answer(target.answer_kind, claim, label, label_answer)
        result.answer.add(ok, language, kind)
        keys = {**keys, claim_id: item["id"]}
        found = {p for p in _open_pairs(keys, target.id) if item["id"] in p}
        labelled = {frozenset((item["id"], k)) for k in item.get("disagrees_with", [])}
        result.pairs.add(found, labelled, language, kind)
        if verbose and (not ok or found != labelled or ranked[:1] != [wanted]):
            result.misses.append(
                f"{item['id']}: ranked {ranked[:3]} want {wanted}; proposed "
                f"{claim.answer.text if claim.answer else None!r} want {label!r}; "
                f"found {sorted(sorted(p) for p in found)} want {sorted(sorted(p) for p in labelled)}"
            )


# --- printing ---------------------------------------------------------------------------------


def _fmt(x: float | None) -> str:
    return "   -" if x is None else f"{x:4.2f}"


def print_set(result: SetResult) -> None:
    groups = sorted(
        set(result.top1.trials)
        | set(result.answer.trials)
        | set(result.pairs.labelled)
        | set(result.pairs.found),
        key=lambda g: (g != "all", len(g) > 3, g),
    )
    print(f"\n{result.name}")
    print(
        f"{'group':<10} {'n':>4} {'top1':>5} {'top3':>5} {'answer':>6} {'recall':>6} "
        f"{'prec':>5} {'pairs':>11}"
    )
    for group in groups:
        n = max(result.top1.trials.get(group, 0), result.answer.trials.get(group, 0))
        pairs = (
            f"{result.pairs.true_pos.get(group, 0)}/{result.pairs.found.get(group, 0)}/"
            f"{result.pairs.labelled.get(group, 0)}"
        )
        print(
            f"{group:<10} {n:>4} {_fmt(result.top1.rate(group)):>5} "
            f"{_fmt(result.top3.rate(group)):>5} {_fmt(result.answer.rate(group)):>6} "
            f"{_fmt(result.pairs.recall(group)):>6} {_fmt(result.pairs.precision(group)):>5} "
            f"{pairs:>11}"
        )
    print("(pairs: found and right / found / labelled)")
    for miss in result.misses:
        print(f"  {miss}")


# --- calibration ------------------------------------------------------------------------------

BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


def _isotonic(samples: list[tuple[float, float, bool]]) -> Any:
    from sklearn.isotonic import IsotonicRegression

    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    model.fit([raw for raw, _, _ in samples], [float(right) for _, _, right in samples])
    return model


def _ece(pairs: list[tuple[float, bool]]) -> float:
    """Expected calibration error: the gap between score and share right, over the bands,
    weighted by how many suggestions fall in each."""
    total, gap = len(pairs), 0.0
    for low, high in zip(BANDS, BANDS[1:], strict=False):
        band = [(p, r) for p, r in pairs if low <= p < high]
        if band:
            mean = sum(p for p, _ in band) / len(band)
            share = sum(r for _, r in band) / len(band)
            gap += len(band) / total * abs(mean - share)
    return gap


def print_calibration(results: list[SetResult]) -> None:
    by_set = {r.name: r.shown for r in results if r.shown}
    if not by_set:
        return
    print("\ncalibration of shown scores (sets 1 and 3)")
    print(f"{'what':<15} {'band':<9} {'n':>4} {'score':>6} {'right':>6}")
    for kind in [(k, p) for k in calibration.KINDS for p in calibration.POSITIONS]:
        shown = [x for per_set in by_set.values() for x in per_set[kind]]
        what = " ".join(kind)
        for low, high in zip(BANDS, BANDS[1:], strict=False):
            band = [(p, r) for _, p, r in shown if low <= p < high]
            if band:
                mean = sum(p for p, _ in band) / len(band)
                share = sum(r for _, r in band) / len(band)
                print(
                    f"{what:<15} {low:.1f}-{min(high, 1):.1f}   {len(band):>4} {mean:6.2f} "
                    f"{share:6.2f}"
                )
        raw_ece = _ece([(raw, r) for raw, _, r in shown])
        shown_ece = _ece([(p, r) for _, p, r in shown])
        line = f"{what}: ECE raw {raw_ece:.3f}, shown {shown_ece:.3f}"
        if len(by_set) == 2:
            (name_a, a), (name_b, b) = by_set.items()
            crossed = []
            for fit_on, test_on in ((a[kind], b[kind]), (b[kind], a[kind])):
                if fit_on and test_on:
                    model = _isotonic(fit_on)
                    predicted = model.predict([raw for raw, _, _ in test_on])
                    crossed.append(
                        _ece([(p, r) for p, (_, _, r) in zip(predicted, test_on, strict=True)])
                    )
            if crossed:
                line += ", fitted on one set and measured on the other " + " / ".join(
                    f"{x:.3f}" for x in crossed
                )
        print(line)


def fit_calibration(results: list[SetResult]) -> None:
    table: dict[str, Any] = {
        "about": "Written by bench/matching_quality.py --fit: isotonic fit of the share of "
        "right suggestions against their raw score, on the labelled suggestions of sets 1 "
        "(seeds, leave one out) and 3 (restatements). See tracker/questions/calibration.py.",
    }
    for kind in calibration.KINDS:
        for position in calibration.POSITIONS:
            samples = [x for r in results for x in r.shown[kind, position]]
            if len(samples) < 20:
                continue
            model = _isotonic(samples)
            table.setdefault(kind, {})[position] = {
                "samples": len(samples),
                "raw": [round(float(x), 4) for x in model.X_thresholds_],
                "right": [round(float(y), 4) for y in model.y_thresholds_],
            }
    calibration.TABLE.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    calibration.reload()
    print(f"\nwrote {calibration.TABLE.relative_to(ROOT)}")


def pooled(results: list[SetResult]) -> str:
    def frac(hits: int, trials: int) -> float:
        return hits / trials if trials else 0.0

    top1 = frac(
        sum(r.top1.hits["all"] for r in results), sum(r.top1.trials["all"] for r in results)
    )
    top3 = frac(
        sum(r.top3.hits["all"] for r in results), sum(r.top3.trials["all"] for r in results)
    )
    answer = frac(
        sum(r.answer.hits["all"] for r in results), sum(r.answer.trials["all"] for r in results)
    )
    tp = sum(r.pairs.true_pos["all"] for r in results)
    recall = frac(tp, sum(r.pairs.labelled["all"] for r in results))
    precision = frac(tp, sum(r.pairs.found["all"] for r in results))
    return (
        f"matching: top1={top1:.2f} top3={top3:.2f} answer={answer:.2f} "
        f"recall={recall:.2f} precision={precision:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="1,2,3", help="which sets to run, e.g. 1,3")
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument(
        "--fit",
        action="store_true",
        help="fit score calibration on sets 1 and 3, write it, then measure with it",
    )
    args = parser.parse_args()
    chosen = {int(x) for x in args.set.split(",") if x.strip()}
    runs = {1: leave_one_out, 2: seed_disagreements, 3: restatements}
    if args.fit:
        fit_calibration([runs[n](False) for n in (1, 3)])
    results = [runs[n](args.verbose) for n in sorted(chosen) if n in runs]
    for result in results:
        print_set(result)
    print_calibration(results)
    print(pooled(results))


if __name__ == "__main__":
    main()
