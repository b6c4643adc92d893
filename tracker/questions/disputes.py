"""Contradictions between the claims of a question, the reviewer's decisions on them, and the
disputes page that puts them side by side (who said what is questions/matrix.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import TypeVarTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Role, User
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.claims import values
from tracker.claims.models import Claim, ClaimStatus, Evidence, Stance
from tracker.claims.queue import is_id
from tracker.core import db, unique
from tracker.core.db import MAX_INTEGER
from tracker.core.errors import InvalidInput, NotAllowed, NotFound
from tracker.questions.models import (
    Answer,
    AnswerKind,
    AnswerRuling,
    ConflictKind,
    ConflictState,
    Contradiction,
    Question,
)
from tracker.questions.qualifiers import Qualifiers, overlap
from tracker.sources.models import Source
from tracker.text.values import Relation, compare, describe

OPPOSITE_VERDICTS = {ClaimStatus.verified, ClaimStatus.false}

Ts = TypeVarTuple("Ts")


def _found_between(
    a: Claim, b: Claim, kind: AnswerKind | None, answers: dict[int, Answer]
) -> list[tuple[ConflictKind, str]]:
    """What the detector sees between two claims of one question.

    Answers conflict when they differ and their qualifiers overlap (the same aspect, times
    that meet): values after tolerance, yes against no, two different phrases. Two phrases
    that one voice gives in one source (an article listing a lawsuit's allegations, a person
    giving a reason and then restating it) add to each other; they conflict only once a
    reviewer has confirmed both answers as different.
    """
    found: list[tuple[ConflictKind, str]] = []
    if (
        a.answer_id is not None
        and b.answer_id is not None
        and a.answer_id != b.answer_id
        and overlap(Qualifiers.of(a), Qualifiers.of(b))
    ):
        va, vb = values.value_of(a), values.value_of(b)
        if kind is not None and kind.is_value and va is not None and vb is not None:
            relation = compare(va, vb)
            if relation == Relation.different:
                found.append((ConflictKind.value, f"{describe(va)} vs {describe(vb)}"))
            elif relation == Relation.precision:
                found.append((ConflictKind.precision, f"{describe(va)} vs {describe(vb)}"))
        elif kind == AnswerKind.yes_no or not _one_voice_adding(a, b):
            text_a, text_b = answers[a.answer_id].text, answers[b.answer_id].text
            conflict = ConflictKind.yes_no if kind == AnswerKind.yes_no else ConflictKind.answer
            found.append((conflict, f"“{text_a}” vs “{text_b}”"))
    if {a.status, b.status} == OPPOSITE_VERDICTS:
        found.append((ConflictKind.verdict, f"{a.status.label} vs {b.status.label}"))
    stances_a = {e.url: e.stance for e in a.live_evidence}
    for e in b.live_evidence:
        other = stances_a.get(e.url)
        if other is not None and {other, e.stance} == {Stance.supports, Stance.refutes}:
            found.append((ConflictKind.evidence, f"{e.title} ({e.url})"))
    return found


def _one_voice_adding(a: Claim, b: Claim) -> bool:
    """Two claims of one source and one speaker whose answers no reviewer confirmed both."""
    return (
        a.source_id == b.source_id
        and a.speaker.casefold() == b.speaker.casefold()
        and not (a.is_answer_confirmed and b.is_answer_confirmed)
    )


@dataclass
class _Context:
    """What detection reads besides the claims: answers and rulings, by id and pair."""

    kinds: dict[int, AnswerKind]
    answers: dict[int, Answer]
    rulings: dict[tuple[int, int], AnswerRuling]


def _context(question_ids: list[int] | None) -> _Context:
    """Kinds, answers and rulings of some questions (None: all), in three queries."""

    def scoped(stmt: sa.Select[*Ts], column: sa.SQLColumnExpression[int]) -> sa.Select[*Ts]:
        return stmt if question_ids is None else stmt.where(column.in_(question_ids))

    kinds = dict(
        db.session.execute(scoped(sa.select(Question.id, Question.answer_kind), Question.id)).all()
    )
    answers = {a.id: a for a in db.session.scalars(scoped(sa.select(Answer), Answer.question_id))}
    rulings = {
        (r.answer_a_id, r.answer_b_id): r
        for r in db.session.scalars(scoped(sa.select(AnswerRuling), AnswerRuling.question_id))
    }
    return _Context(kinds, answers, rulings)


def detect(question_id: int) -> list[Contradiction]:
    """Find the question's contradictions again; decisions and rulings are kept and applied.

    A contradiction the detector no longer sees (a value was corrected) stays on record with
    ``is_current`` false; flagged ones are the reviewers' and never cleared here. When another
    transaction stored one of the same pairs a moment ago (two claims of the question edited
    at once), it runs again and keeps that row.
    """
    return unique.retried_once(lambda: _detect(question_id))


def _detect(question_id: int) -> list[Contradiction]:
    claims = list(
        db.session.scalars(
            sa.select(Claim)
            .where(Claim.question_id == question_id, Claim.is_deleted.is_(False))
            .options(selectinload(Claim.evidence))
            .order_by(Claim.id)
        )
    )
    # Its own rows, and the rows of pairs of its claims stored under the question they were in
    # before (claims moved together keep their pair's row and its decision).
    members = sa.select(Claim.id).where(Claim.question_id == question_id)
    existing = list(
        db.session.scalars(
            sa.select(Contradiction).where(
                sa.or_(
                    Contradiction.question_id == question_id,
                    sa.and_(
                        Contradiction.claim_a_id.in_(members),
                        Contradiction.claim_b_id.in_(members),
                    ),
                )
            )
        )
    )
    current = _detect_group(question_id, claims, existing, _context([question_id]))
    db.session.flush()
    return current


def _detect_group(
    question_id: int, claims: list[Claim], stored: list[Contradiction], context: _Context
) -> list[Contradiction]:
    """Compare a question's claims pairwise against its stored contradictions (no queries)."""
    existing = {(c.claim_a_id, c.claim_b_id, c.kind): c for c in stored}
    seen: set[tuple[int, int, ConflictKind]] = set()
    kind = context.kinds.get(question_id)
    for a, b in combinations(claims, 2):
        for conflict, detail in _found_between(a, b, kind, context.answers):
            key = (a.id, b.id, conflict)
            seen.add(key)
            row = existing.get(key)
            if row is None:
                row = Contradiction(
                    question_id=question_id,
                    claim_a_id=a.id,
                    claim_b_id=b.id,
                    kind=conflict,
                    detail=detail,
                    state=ConflictState.open,
                )
                db.session.add(row)
                existing[key] = row
            else:
                if row.detail != detail:
                    row.detail = detail
                if not row.is_current:
                    row.is_current = True
            if conflict.is_about_answers:
                _apply_ruling(row, a, b, context)
    member_ids = {c.id for c in claims}
    for key, row in existing.items():
        if row.kind == ConflictKind.flagged:
            current = row.claim_a_id in member_ids and row.claim_b_id in member_ids
        else:
            current = key in seen
        if row.is_current != current:
            row.is_current = current
        if current and row.question_id != question_id:
            row.question_id = question_id  # the pair's claims are in this question now
    return [row for row in existing.values() if row.is_current]


def _apply_ruling(row: Contradiction, a: Claim, b: Claim, context: _Context) -> None:
    """A ruling on the two claims' answers decides the pair; without one it is open again
    (unless it was decided on its own before answers existed)."""
    x, y = a.answer_id, b.answer_id
    ruling = None if x is None or y is None else context.rulings.get((min(x, y), max(x, y)))
    if ruling is None:
        if row.ruling_id is not None:
            _set(
                row,
                ruling_id=None,
                state=ConflictState.open,
                resolution=None,
                holding_claim_id=None,
                resolved_by_id=None,
                resolved_at=None,
            )
        return
    holding = None
    if ruling.holding_answer_id is not None:
        holding = a.id if a.answer_id == ruling.holding_answer_id else b.id
    _set(
        row,
        ruling_id=ruling.id,
        state=ruling.state,
        resolution=ruling.rationale,
        holding_claim_id=holding,
        resolved_by_id=ruling.decided_by_id,
        resolved_at=ruling.decided_at,
    )


def reopen_ruled(ruling_id: int) -> None:
    """The ruling is taken back: the pairs it decided are open again."""
    for row in db.session.scalars(
        sa.select(Contradiction).where(Contradiction.ruling_id == ruling_id)
    ):
        _set(
            row,
            ruling_id=None,
            state=ConflictState.open,
            resolution=None,
            holding_claim_id=None,
            resolved_by_id=None,
            resolved_at=None,
        )
    db.session.flush()


def _set(row: Contradiction, **wanted: object) -> None:
    for name, value in wanted.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def detect_all() -> int:
    """Recompute the contradictions of every question; returns how many are current.

    Loads every grouped claim (with evidence), every contradiction, answer and ruling once,
    in a handful of queries, instead of several queries a question.
    """
    return unique.retried_once(_detect_all)


def _detect_all() -> int:
    claims: dict[int, list[Claim]] = defaultdict(list)
    for claim in db.session.scalars(
        sa.select(Claim)
        .where(Claim.question_id.is_not(None), Claim.is_deleted.is_(False))
        .options(selectinload(Claim.evidence))
        .order_by(Claim.question_id, Claim.id)
    ):
        claims[claim.question_id].append(claim)  # type: ignore[index]  # not None: WHERE above
    question_of = {c.id: qid for qid, members in claims.items() for c in members}
    stored: dict[int, list[Contradiction]] = defaultdict(list)
    for row in db.session.scalars(sa.select(Contradiction)):
        # A pair whose claims are now in one question is that question's, wherever it was.
        now = question_of.get(row.claim_a_id)
        if now is None or now != question_of.get(row.claim_b_id):
            now = row.question_id
        stored[now].append(row)
    context = _context(None)
    total = sum(
        len(
            _detect_group(
                question_id,
                claims.get(question_id, []),
                stored.get(question_id, []),
                context,
            )
        )
        for question_id in sorted(claims.keys() | stored.keys())
    )
    db.session.flush()
    return total


def _require(actor: User | None) -> None:
    if actor is not None and not actor.can(Role.reviewer):
        raise NotAllowed("Settling disputes needs the reviewer role.")


def flag(claim_a_id: int, claim_b_id: int, reason: str, *, actor: User | None) -> Contradiction:
    """Say two claims of one question disagree (reasons, descriptions: what no value shows).

    :raises InvalidInput: not two different claims of the same question, or no reason.
    """
    _require(actor)
    if claim_a_id == claim_b_id:
        raise InvalidInput("Pick two different claims.", {"claim_b_id": "same"})
    a_id, b_id = sorted((claim_a_id, claim_b_id))
    pair = {c.id: c for c in db.session.scalars(sa.select(Claim).where(Claim.id.in_([a_id, b_id])))}
    if len(pair) != 2:
        raise NotFound("One of the claims does not exist.")
    a, b = pair[a_id], pair[b_id]
    if a.question_id is None or a.question_id != b.question_id:
        raise InvalidInput(
            "Only claims that answer the same question can contradict each other; group them "
            "first.",
            {"claim_b_id": "other question"},
        )
    if not reason.strip():
        raise InvalidInput("Say how they disagree.", {"reason": "required"})

    def find() -> Contradiction | None:
        return db.session.scalar(
            sa.select(Contradiction).where(
                Contradiction.claim_a_id == a_id,
                Contradiction.claim_b_id == b_id,
                Contradiction.kind == ConflictKind.flagged,
            )
        )

    def make() -> Contradiction:
        return Contradiction(
            question_id=a.question_id,
            claim_a_id=a_id,
            claim_b_id=b_id,
            kind=ConflictKind.flagged,
            detail=reason.strip(),
        )

    # Flagged by someone else at the same moment: this reason replaces theirs, as it would a
    # moment later.
    row = unique.find_or_insert(find, make)
    row.detail, row.is_current, row.state = reason.strip(), True, ConflictState.open
    db.session.flush()
    for claim_id in (a_id, b_id):
        audit.record(
            actor,
            "contradiction",
            row.id,
            AuditAction.create,
            claim_id=claim_id,
            snapshot={"kind": row.kind, "claims": [a_id, b_id], "detail": row.detail},
            reason=reason.strip(),
        )
    return row


# --- reading them -------------------------------------------------------------------------

#: The kind filter that asks for disputed claims rather than contradictions.
DISPUTED_CLAIM = "disputed_claim"
STATES = ("open", "decided", "all")
#: Questions sort by id; claims not grouped into a question come last.
_NO_QUESTION = MAX_INTEGER


@dataclass(frozen=True)
class DisputeFilter:
    """What the disputes page and API list: a state, a kind, one source, one question."""

    state: str = "open"  # open | decided | all
    kind: str | None = None  # a ConflictKind value, or DISPUTED_CLAIM
    source_id: int | None = None
    question_id: int | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise InvalidInput(f"state must be one of {', '.join(STATES)}.", {"state": "invalid"})
        if self.kind not in (None, DISPUTED_CLAIM, *ConflictKind.__members__):
            kinds = ", ".join([*ConflictKind.__members__, DISPUTED_CLAIM])
            raise InvalidInput(f"kind must be one of {kinds}.", {"kind": "invalid"})

    @property
    def wants_contradictions(self) -> bool:
        return self.kind != DISPUTED_CLAIM

    @property
    def wants_disputed_claims(self) -> bool:
        # A disputed claim has no decision of its own: it is open until its status changes.
        return self.kind in (None, DISPUTED_CLAIM) and self.state != "decided"


def filter_from_args(args: Mapping[str, str]) -> tuple[DisputeFilter, Cursor | None]:
    """The filter and the page a query string asks for, the same for the page and the API.

    ``state`` is open (the default), decided or all (``all=1`` as before); ``kind`` a
    contradiction kind or ``disputed_claim``; ``source_id`` and ``question_id`` ids; ``after``
    the cursor of a page link.

    :raises InvalidInput: naming the field that is wrong.
    """
    ids: dict[str, int | None] = {}
    for name in ("source_id", "question_id"):
        text = (args.get(name) or "").strip()
        if text and not is_id(text):
            raise InvalidInput(f"{name} must be a whole number.", {name: "invalid"})
        ids[name] = int(text) if text else None
    state = args.get("state") or ("all" if args.get("all") == "1" else "open")
    after = args.get("after")
    filters = DisputeFilter(
        state=state,
        kind=args.get("kind") or None,
        source_id=ids["source_id"],
        question_id=ids["question_id"],
    )
    return filters, Cursor.parse(after) if after else None


@dataclass(frozen=True, order=True)
class Cursor:
    """Where a page of disputes starts after: (question, contradictions before claims, id)."""

    question_key: int
    rank: int  # 0 a contradiction, 1 a disputed claim
    id: int

    def __str__(self) -> str:
        return f"{self.question_key}.{self.rank}.{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """:raises InvalidInput: for anything a page link did not give."""
        parts = text.split(".")
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
            raise InvalidInput("That page link is not valid.", {"after": "invalid"})
        key, rank, id_ = (int(p) for p in parts)
        if rank not in (0, 1) or key > _NO_QUESTION or id_ > MAX_INTEGER:
            raise InvalidInput("That page link is not valid.", {"after": "invalid"})
        return cls(key, rank, id_)


@dataclass
class Dispute:
    """One card: a contradiction between two claims, or one disputed claim."""

    cursor: Cursor
    question: Question | None
    contradiction: Contradiction | None = None
    #: The disputed claim, for a card that is not a contradiction.
    claim: Claim | None = None
    #: The claims the card shows, by id.
    claims: dict[int, Claim] = field(default_factory=dict)
    #: Reviewers' flags on the pair that the tracker also found in conflict: shown with it
    #: (their reasons), not as disputes of their own.
    also_flagged: list[Contradiction] = field(default_factory=list)


@dataclass
class DisputeGroup:
    """Consecutive cards about one question."""

    question: Question | None
    contradictions: list[Contradiction] = field(default_factory=list)
    #: Claims whose status is disputed or whose evidence both supports and refutes them.
    disputed_claims: list[Claim] = field(default_factory=list)
    claims: dict[int, Claim] = field(default_factory=dict)
    also_flagged: dict[int, list[Contradiction]] = field(default_factory=dict)


@dataclass(frozen=True)
class DisputePage:
    items: list[Dispute]
    per_page: int
    #: Where the next page starts, or None on the last page.
    next_cursor: Cursor | None

    @property
    def groups(self) -> list[DisputeGroup]:
        return group_by_question(self.items)


@dataclass(frozen=True)
class DisputeSummary:
    """Counts for the whole list under a filter's source and question (all kinds)."""

    open_by_kind: dict[ConflictKind, int]
    decided: int
    disputed_claims: int
    #: How many cards the filter lists, over all its pages.
    matching: int

    @property
    def open_contradictions(self) -> int:
        return sum(self.open_by_kind.values())


def group_by_question(items: list[Dispute]) -> list[DisputeGroup]:
    groups: list[DisputeGroup] = []
    for item in items:
        if not groups or groups[-1].question is not item.question:
            groups.append(DisputeGroup(item.question))
        group = groups[-1]
        group.claims.update(item.claims)
        if item.contradiction is not None:
            group.contradictions.append(item.contradiction)
            if item.also_flagged:
                group.also_flagged[item.contradiction.id] = item.also_flagged
        elif item.claim is not None:
            group.disputed_claims.append(item.claim)
    return groups


def _covered_flag() -> sa.ColumnElement[bool]:
    """A reviewer's flag on a pair that the tracker finds in conflict too: one dispute with the
    found one, which carries the decision (a pair decided on its answers does not come back
    through its old flag)."""
    found = sa.orm.aliased(Contradiction)
    return sa.and_(
        Contradiction.kind == ConflictKind.flagged,
        sa.select(found.id)
        .where(
            found.claim_a_id == Contradiction.claim_a_id,
            found.claim_b_id == Contradiction.claim_b_id,
            found.is_current.is_(True),
            found.kind != ConflictKind.flagged,
        )
        .exists(),
    )


def _contradictions_where(
    filters: DisputeFilter, *, with_state: bool = True
) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = [Contradiction.is_current.is_(True), ~_covered_flag()]
    if with_state and filters.state == "open":
        where.append(Contradiction.state == ConflictState.open)
    elif with_state and filters.state == "decided":
        where.append(Contradiction.state != ConflictState.open)
    if filters.kind is not None and filters.kind != DISPUTED_CLAIM:
        where.append(Contradiction.kind == ConflictKind(filters.kind))
    if filters.question_id is not None:
        where.append(Contradiction.question_id == filters.question_id)
    if filters.source_id is not None:
        ids = sa.select(Claim.id).where(Claim.source_id == filters.source_id)
        where.append(sa.or_(Contradiction.claim_a_id.in_(ids), Contradiction.claim_b_id.in_(ids)))
    return where


def _evidence_for(stance: Stance) -> sa.Select[int]:
    return sa.select(Evidence.claim_id).where(
        Evidence.stance == stance, Evidence.is_deleted.is_(False)
    )


def _disputed_claims(filters: DisputeFilter) -> sa.Select[Claim]:
    """Live claims disputed by status, or by evidence both supporting and refuting them.

    Asked as a set of ids (the status index, and the evidence that is both ways) rather than
    an EXISTS per claim, which read every claim: 150 ms at 100,000 claims, now a few."""
    both_ways = sa.intersect(
        _evidence_for(Stance.supports), _evidence_for(Stance.refutes)
    ).subquery()
    ids = sa.union(
        sa.select(Claim.id).where(Claim.status == ClaimStatus.disputed),
        sa.select(both_ways.c.claim_id),
    )
    stmt = sa.select(Claim).where(Claim.id.in_(ids), Claim.is_deleted.is_(False))
    if filters.source_id is not None:
        stmt = stmt.where(Claim.source_id == filters.source_id)
    if filters.question_id is not None:
        stmt = stmt.where(Claim.question_id == filters.question_id)
    return stmt


def _after(
    key: sa.SQLColumnExpression[int], id_: sa.SQLColumnExpression[int], rank: int, cursor: Cursor
) -> sa.ColumnElement[bool]:
    """The keyset condition for one kind of card (all of one rank) after `cursor`."""
    if rank > cursor.rank:
        return key >= cursor.question_key
    if rank < cursor.rank:
        return key > cursor.question_key
    return sa.tuple_(key, id_) > sa.tuple_(cursor.question_key, cursor.id)


@dataclass(frozen=True)
class Scope:
    """The source and the question a filter narrows to, to name them above the cards."""

    source: Source | None
    question: Question | None


def filter_scope(filters: DisputeFilter) -> Scope:
    """:raises InvalidInput: for a source or question that does not exist."""
    source = question = None
    if filters.source_id is not None:
        source = db.session.get(
            Source,
            filters.source_id,
            options=[sa.orm.load_only(Source.id, Source.title, Source.language)],
        )
        if source is None:
            raise InvalidInput(
                f"There is no source #{filters.source_id}.", {"source_id": "unknown"}
            )
    if filters.question_id is not None:
        question = db.session.get(Question, filters.question_id)
        if question is None:
            raise InvalidInput(
                f"There is no question #{filters.question_id}.", {"question_id": "unknown"}
            )
    return Scope(source, question)


def dispute_summary(filters: DisputeFilter) -> DisputeSummary:
    """The counts above the cards, in two aggregate queries whatever the data."""
    scope = DisputeFilter(source_id=filters.source_id, question_id=filters.question_id)
    open_by_kind: dict[ConflictKind, int] = {}
    decided = 0
    matching = 0
    rows = db.session.execute(
        sa.select(Contradiction.kind, Contradiction.state, sa.func.count())
        .where(*_contradictions_where(scope, with_state=False))
        .group_by(Contradiction.kind, Contradiction.state)
    )
    for kind, state, count in rows:
        if state == ConflictState.open:
            open_by_kind[kind] = open_by_kind.get(kind, 0) + count
        else:
            decided += count
        listed = filters.state == "all" or (state == ConflictState.open) == (
            filters.state == "open"
        )
        if filters.wants_contradictions and filters.kind in (None, kind.value) and listed:
            matching += count
    disputed = (
        db.session.scalar(
            _disputed_claims(scope).with_only_columns(sa.func.count(), maintain_column_froms=True)
        )
        or 0
    )
    if filters.wants_disputed_claims:
        matching += disputed
    return DisputeSummary(
        open_by_kind={k: open_by_kind[k] for k in ConflictKind if k in open_by_kind},
        decided=decided,
        disputed_claims=disputed,
        matching=matching,
    )


def _claim_options() -> list[sa.orm.interfaces.LoaderOption]:
    return [
        selectinload(Claim.source).load_only(Source.id, Source.title, Source.language),
        selectinload(Claim.evidence),
        selectinload(Claim.answer),
    ]


def dispute_page(
    filters: DisputeFilter, after: Cursor | None = None, per_page: int = 20
) -> DisputePage:
    """One page of dispute cards, by question: keyset paging, so any page costs the same
    fixed number of queries and loads only the rows it shows."""
    start = after or Cursor(0, 0, 0)
    keys: list[tuple[Cursor, int]] = []
    if filters.wants_contradictions:
        stmt = (
            sa.select(Contradiction.question_id, Contradiction.id)
            .where(*_contradictions_where(filters))
            .where(_after(Contradiction.question_id, Contradiction.id, 0, start))
            .order_by(Contradiction.question_id, Contradiction.id)
            .limit(per_page + 1)
        )
        keys += [(Cursor(q, 0, i), i) for q, i in db.session.execute(stmt)]
    if filters.wants_disputed_claims:
        key = sa.func.coalesce(Claim.question_id, _NO_QUESTION)
        stmt = (
            _disputed_claims(filters)
            .with_only_columns(key, Claim.id)
            .where(_after(key, Claim.id, 1, start))
            .order_by(key, Claim.id)
            .limit(per_page + 1)
        )
        keys += [(Cursor(q, 1, i), i) for q, i in db.session.execute(stmt)]
    keys.sort()
    more = len(keys) > per_page
    items = _cards(keys[:per_page])
    return DisputePage(items, per_page, items[-1].cursor if more else None)


def get_dispute(contradiction_id: int) -> Dispute:
    """One contradiction as its card on the disputes page (its own page, with its form).

    :raises NotFound: no such contradiction.
    """
    row = get_contradiction(contradiction_id)
    return _cards([(Cursor(row.question_id, 0, row.id), row.id)])[0]


def _cards(keys: list[tuple[Cursor, int]]) -> list[Dispute]:
    """The cards for these keys: their contradictions, the flags folded into them, their
    claims and their questions, each in one query."""
    contradiction_ids = [i for cursor, i in keys if cursor.rank == 0]
    claim_ids = {i for cursor, i in keys if cursor.rank == 1}
    rows = {
        r.id: r
        for r in db.session.scalars(
            sa.select(Contradiction)
            .where(Contradiction.id.in_(contradiction_ids))
            .options(selectinload(Contradiction.resolved_by))
        )
    }
    found_pairs = {
        (r.claim_a_id, r.claim_b_id) for r in rows.values() if r.kind != ConflictKind.flagged
    }
    flags: dict[tuple[int, int], list[Contradiction]] = defaultdict(list)
    for flag in db.session.scalars(
        sa.select(Contradiction)
        .where(
            Contradiction.is_current.is_(True),
            Contradiction.kind == ConflictKind.flagged,
            sa.tuple_(Contradiction.claim_a_id, Contradiction.claim_b_id).in_(sorted(found_pairs)),
        )
        .order_by(Contradiction.id)
    ):
        flags[(flag.claim_a_id, flag.claim_b_id)].append(flag)
    for r in rows.values():
        claim_ids |= {r.claim_a_id, r.claim_b_id}
    claims = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Claim).where(Claim.id.in_(claim_ids)).options(*_claim_options())
        )
    }
    question_ids = {c.question_key for c, _ in keys if c.question_key != _NO_QUESTION}
    questions = {
        q.id: q
        for q in db.session.scalars(sa.select(Question).where(Question.id.in_(question_ids)))
    }
    items = []
    for cursor, id_ in keys:
        question = questions.get(cursor.question_key)
        if cursor.rank == 0:
            row = rows[id_]
            pair = {c: claims[c] for c in (row.claim_a_id, row.claim_b_id)}
            folded = flags.get((row.claim_a_id, row.claim_b_id), [])
            items.append(
                Dispute(cursor, question, contradiction=row, claims=pair, also_flagged=folded)
            )
        else:
            claim = claims[id_]
            items.append(Dispute(cursor, question, claim=claim, claims={claim.id: claim}))
    return items


def iter_disputes(filters: DisputeFilter, per_page: int = 200) -> Iterator[Dispute]:
    """Every dispute under a filter, a page at a time (for the CLI: the session's identity map
    holds its objects weakly, so the pages already printed are let go)."""
    after = None
    while True:
        page = dispute_page(filters, after, per_page)
        yield from page.items
        if page.next_cursor is None:
            return
        after = page.next_cursor


def list_disputes(include_decided: bool = False) -> list[DisputeGroup]:
    """Every dispute grouped by question: for small data (seeding, tests); pages use
    dispute_page."""
    filters = DisputeFilter(state="all" if include_decided else "open")
    return group_by_question(list(iter_disputes(filters)))


def get_contradiction(contradiction_id: int) -> Contradiction:
    row = db.session.get(Contradiction, contradiction_id)
    if row is None:
        raise NotFound(f"There is no contradiction #{contradiction_id}.")
    return row


def question_contradictions(question_id: int) -> list[Contradiction]:
    return list(
        db.session.scalars(
            sa.select(Contradiction)
            .where(Contradiction.question_id == question_id, Contradiction.is_current.is_(True))
            .order_by(Contradiction.state, Contradiction.id)
        )
    )


def disputed_questions(question_ids: list[int]) -> set[int]:
    """Which of these questions have an open contradiction (one query on the contradictions'
    question index, whatever the number of claims)."""
    if not question_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Contradiction.question_id)
            .where(
                Contradiction.question_id.in_(question_ids),
                Contradiction.is_current.is_(True),
                Contradiction.state == ConflictState.open,
            )
            .distinct()
        )
    )


def source_disagreements(source_id: int) -> list[Contradiction]:
    """Open contradictions in which one of the source's claims takes part."""
    ids = sa.select(Claim.id).where(Claim.source_id == source_id)
    return list(
        db.session.scalars(
            sa.select(Contradiction)
            .where(
                Contradiction.is_current.is_(True),
                Contradiction.state == ConflictState.open,
                sa.or_(Contradiction.claim_a_id.in_(ids), Contradiction.claim_b_id.in_(ids)),
            )
            .options(
                selectinload(Contradiction.question),
                selectinload(Contradiction.claim_a).selectinload(Claim.source),
                selectinload(Contradiction.claim_b).selectinload(Claim.source),
            )
        )
    )


def questions_answered(claims: list[Claim]) -> list[Question]:
    """The questions these claims answer (one query)."""
    ids = {c.question_id for c in claims if c.question_id is not None}
    if not ids:
        return []
    return list(
        db.session.scalars(sa.select(Question).where(Question.id.in_(ids)).order_by(Question.text))
    )


def between(claim_a_id: int, claim_b_id: int) -> list[Contradiction]:
    """The current contradictions of a pair of claims, any kind."""
    a, b = sorted((claim_a_id, claim_b_id))
    return list(
        db.session.scalars(
            sa.select(Contradiction).where(
                Contradiction.claim_a_id == a,
                Contradiction.claim_b_id == b,
                Contradiction.is_current.is_(True),
            )
        )
    )
