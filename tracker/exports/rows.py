"""Claims read for export: the queue's filters, in id order, a batch at a time.

Rows are plain dataclasses read with Core SELECTs (nothing stays in the session's identity
map), so an export of any size holds one batch in memory. Source texts are never loaded: the
few characters around a quote that annotations need are cut out by the database (``substr``
counts characters on SQLite and PostgreSQL alike, as our offsets do).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.audit.models import AuditAction, AuditEntry
from tracker.claims import values
from tracker.claims.models import Claim, ClaimStatus, Evidence
from tracker.claims.queue import ClaimFilter, filtered
from tracker.core import db
from tracker.entities.models import ClaimEntity, Entity, EntityRole
from tracker.questions.models import Question
from tracker.sources.models import Source

BATCH = 500
#: Characters of context kept on each side of a quote (W3C TextQuoteSelector prefix/suffix).
CONTEXT = 32


@dataclass(frozen=True)
class EvidenceRow:
    url: str
    title: str
    stance: str
    publisher: str | None
    published: str | None
    #: The passage quoted from the page, when the reviewer gave one.
    passage: str | None = None


@dataclass
class ClaimRow:
    id: int
    statement: str
    quote: str
    start: int
    end: int
    speaker: str
    subjects: list[str]
    status: ClaimStatus
    rationale: str | None
    source_id: int
    source_title: str
    source_url: str | None
    source_language: str
    source_published: date | None
    question_id: int | None
    question: str | None
    value: str | None
    created_at: datetime
    updated_at: datetime
    evidence: list[EvidenceRow] = field(default_factory=list)
    #: Who set the current status (their login: private exports only); when a verdict was
    #: given (the claim's creation if it was created with one), None without a verdict.
    reviewer: str | None = None
    #: The name that reviewer chose for public pages (None: they chose none).
    reviewer_display_name: str | None = None
    verdict_at: datetime | None = None
    #: The speaker resolved to a person or organisation, when the tracker knows them.
    speaker_name: str | None = None
    speaker_kind: str | None = None
    prefix: str = ""
    suffix: str = ""


def _columns(with_context: bool) -> list[sa.SQLColumnExpression[Any]]:
    columns: list[sa.SQLColumnExpression[Any]] = [
        Claim.id,
        Claim.statement,
        Claim.quote,
        Claim.start,
        Claim.end,
        Claim.speaker,
        Claim.subjects,
        Claim.status,
        Claim.rationale,
        Claim.source_id,
        Source.title,
        Source.url,
        Source.language,
        Source.published,
        Claim.question_id,
        Question.text,
        Claim.created_at,
        Claim.updated_at,
        *(getattr(Claim, name) for name in values.VALUE_FIELDS),
    ]
    if with_context:
        before = sa.case((Claim.start > CONTEXT, CONTEXT), else_=Claim.start)
        columns += [
            sa.func.substr(Source.text, Claim.start - before + 1, before).label("prefix"),
            sa.func.substr(Source.text, Claim.end + 1, CONTEXT).label("suffix"),
        ]
    return columns


def iter_claim_rows(
    filters: ClaimFilter,
    *,
    statuses: frozenset[ClaimStatus] | None = None,
    with_context: bool = False,
    batch: int = BATCH,
    after: int = 0,
) -> Iterator[list[ClaimRow]]:
    """Batches of the claims the filter selects (the filter's sort is ignored: id order).

    ``statuses`` narrows further (ClaimReview takes only verdicts); ``after`` starts past
    that claim id (a cursor for pages).
    """
    base = _select(filters, statuses, with_context)
    last = after
    while True:
        stmt = base.where(Claim.id > last).order_by(Claim.id).limit(batch)
        rows = db.session.connection().execute(stmt)
        found = [_row(r, with_context) for r in rows]
        if not found:
            return
        _add_details(found)
        yield found
        last = found[-1].id


def _select(
    filters: ClaimFilter, statuses: frozenset[ClaimStatus] | None, with_context: bool
) -> sa.Select[*tuple[Any, ...]]:
    stmt = (
        filtered(filters)
        .with_only_columns(*_columns(with_context))
        .join_from(Claim, Source, Claim.source_id == Source.id)
        .outerjoin(Question, Claim.question_id == Question.id)
    )
    if statuses is not None:
        stmt = stmt.where(Claim.status.in_(sorted(statuses)))
    return stmt


def claim_row(claim_id: int) -> ClaimRow | None:
    """One claim as an export row (not deleted), or None."""
    stmt = _select(ClaimFilter(), None, False).where(Claim.id == claim_id)
    found = db.session.connection().execute(stmt)
    rows = [_row(r, False) for r in found]
    if rows:
        _add_details(rows)
    return rows[0] if rows else None


def _row(r: sa.Row[*tuple[Any, ...]], with_context: bool) -> ClaimRow:
    # Positional, in the order of _columns: a mapping lookup per field costs more than the SQL.
    (
        id_,
        statement,
        quote,
        start,
        end,
        speaker,
        subjects,
        status,
        rationale,
        source_id,
        title,
        url,
        language,
        published,
        question_id,
        question,
        created_at,
        updated_at,
        *rest,
    ) = r
    stored = dict(zip(values.VALUE_FIELDS, rest, strict=False))
    prefix, suffix = rest[len(values.VALUE_FIELDS) :] if with_context else ("", "")
    return ClaimRow(
        id=id_,
        statement=statement,
        quote=quote,
        start=start,
        end=end,
        speaker=speaker,
        subjects=list(subjects or []),
        status=status,
        rationale=rationale,
        source_id=source_id,
        source_title=title,
        source_url=url,
        source_language=language,
        source_published=published,
        question_id=question_id,
        question=question,
        value=values.display_of(stored) if stored["value_kind"] is not None else None,
        created_at=created_at,
        updated_at=updated_at,
        prefix=prefix,
        suffix=suffix,
    )


def _add_details(rows: list[ClaimRow]) -> None:
    """Evidence, reviewer and resolved speaker for one batch: three queries."""
    by_id = {row.id: row for row in rows}
    ids = list(by_id)
    lo, hi = min(ids), max(ids)

    def of_batch(column: sa.SQLColumnExpression[int | None]) -> sa.ColumnElement[bool]:
        # A batch is a run of ids: a range scan on the index beats a long IN list (PostgreSQL
        # took 9 ms a batch for the evidence with IN); rows of claims outside it are skipped.
        return column.between(lo, hi) if hi - lo < 4 * len(ids) else column.in_(ids)

    evidence = (
        sa.select(
            Evidence.claim_id,
            Evidence.url,
            Evidence.title,
            Evidence.stance,
            Evidence.publisher,
            Evidence.published,
            Evidence.passage,
        )
        .where(of_batch(Evidence.claim_id), Evidence.is_deleted.is_(False))
        .order_by(Evidence.claim_id, Evidence.id)
    )
    found = db.session.connection().execute(evidence)
    for claim_id, url, title, stance, publisher, published, passage in found:
        if claim_id in by_id:
            by_id[claim_id].evidence.append(
                EvidenceRow(url, title, stance.value, publisher, published, passage)
            )
    # The status was set by the newest entry that changed it, or by the creation.
    verdicts: dict[int, tuple[str | None, str | None, datetime]] = {}
    for audited_id, username, display_name, at in db.session.connection().execute(
        sa.select(AuditEntry.claim_id, User.username, User.display_name, AuditEntry.at)
        .outerjoin(User, AuditEntry.actor_id == User.id)
        .where(
            of_batch(AuditEntry.claim_id),
            AuditEntry.entity_type == "claim",
            sa.or_(AuditEntry.field == "status", AuditEntry.action == AuditAction.create),
        )
        .order_by(AuditEntry.claim_id, AuditEntry.id)
    ):
        if audited_id is not None:
            verdicts[audited_id] = (username, display_name, at)
    for claim_id, (reviewer, reviewer_display_name, at) in verdicts.items():
        if claim_id in by_id:
            row = by_id[claim_id]
            row.reviewer, row.reviewer_display_name = reviewer, reviewer_display_name
            # A claim unreviewed or in review has no verdict, so no verdict date.
            row.verdict_at = at if row.status.is_verdict else None
    speakers: dict[int, tuple[str, str]] = {}
    for claim_id, name, entity_kind in db.session.connection().execute(
        sa.select(ClaimEntity.claim_id, Entity.name, Entity.kind)
        .join(Entity, ClaimEntity.entity_id == Entity.id)
        .where(of_batch(ClaimEntity.claim_id), ClaimEntity.role == EntityRole.speaker)
    ):
        speakers[claim_id] = (name, entity_kind.value)
    for claim_id, (name, kind) in speakers.items():
        if claim_id in by_id:
            by_id[claim_id].speaker_name, by_id[claim_id].speaker_kind = name, kind
