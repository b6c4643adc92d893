"""The review queue: claims filtered, searched, sorted and paged in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.claims.models import Claim, ClaimStatus, Evidence, Stance
from tracker.core.errors import InvalidInput
from tracker.core.pagination import Page, paginate
from tracker.sources.models import Source
from tracker.sources.services import like_pattern
from tracker.text.script import search_key

#: status value that also matches claims whose evidence both supports and refutes them.
DISPUTED = ClaimStatus.disputed.value
SORTS = {
    "updated": (Claim.updated_at.desc(), Claim.id.desc()),
    "oldest": (Claim.created_at.asc(), Claim.id.asc()),
    "newest": (Claim.created_at.desc(), Claim.id.desc()),
    "source": (Claim.source_id.asc(), Claim.start.asc(), Claim.id.asc()),
    "status": (Claim.status.asc(), Claim.updated_at.desc(), Claim.id.desc()),
}
SORT_LABELS = {
    "updated": "Recently changed",
    "newest": "Newest",
    "oldest": "Oldest",
    "source": "Source and position",
    "status": "Status",
}
UNASSIGNED = 0


@dataclass(frozen=True)
class ClaimFilter:
    status: str | None = None
    source_id: int | None = None
    language: str | None = None
    speaker: str | None = None
    #: A user id, or UNASSIGNED (0) for claims nobody is assigned to.
    assignee_id: int | None = None
    q: str | None = None
    include_deleted: bool = False
    sort: str = "updated"


def _evidence_with(stance: Stance) -> sa.Exists:
    return (
        sa.select(Evidence.id)
        .where(
            Evidence.claim_id == Claim.id,
            Evidence.stance == stance,
            Evidence.is_deleted.is_(False),
        )
        .exists()
    )


def filtered(filters: ClaimFilter) -> sa.Select[tuple[Claim]]:
    """The SELECT for a queue filter, without loader options or ordering.

    :raises InvalidInput: an unknown status or sort.
    """
    stmt = sa.select(Claim)
    if not filters.include_deleted:
        stmt = stmt.where(Claim.is_deleted.is_(False))
    if filters.status:
        if filters.status not in ClaimStatus.__members__:
            raise InvalidInput(f"Unknown status {filters.status!r}.", {"status": "invalid"})
        if filters.status == DISPUTED:
            stmt = stmt.where(
                sa.or_(
                    Claim.status == ClaimStatus.disputed,
                    sa.and_(_evidence_with(Stance.supports), _evidence_with(Stance.refutes)),
                )
            )
        else:
            stmt = stmt.where(Claim.status == ClaimStatus(filters.status))
    if filters.source_id is not None:
        stmt = stmt.where(Claim.source_id == filters.source_id)
    if filters.language:
        language = filters.language.strip()
        stmt = stmt.where(
            Claim.source_id.in_(
                sa.select(Source.id).where(
                    sa.or_(Source.language == language, Source.language.like(f"{language}-%"))
                )
            )
        )
    if filters.speaker:
        stmt = stmt.where(sa.func.lower(Claim.speaker) == filters.speaker.strip().lower())
    if filters.assignee_id is not None:
        stmt = stmt.where(
            Claim.assignee_id.is_(None)
            if filters.assignee_id == UNASSIGNED
            else Claim.assignee_id == filters.assignee_id
        )
    if filters.q and filters.q.strip():
        stmt = stmt.where(
            Claim.search_text.like(like_pattern(search_key(filters.q.strip())), escape="\\")
        )
    return stmt


def list_claims(filters: ClaimFilter, page: int = 1, per_page: int = 50) -> Page[Claim]:
    """One page of the queue, with what the list shows loaded up front."""
    if filters.sort not in SORTS:
        raise InvalidInput(f"Unknown sort {filters.sort!r}.", {"sort": "invalid"})
    stmt = (
        filtered(filters)
        .options(
            selectinload(Claim.source).load_only(Source.id, Source.title, Source.language),
            selectinload(Claim.assignee),
            selectinload(Claim.evidence),
        )
        .order_by(*SORTS[filters.sort])
    )
    return paginate(stmt, page, per_page)
