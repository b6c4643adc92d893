"""The review queue: claims filtered, searched, sorted and paged in a fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.claims.models import Claim, ClaimStatus, Evidence, Stance
from tracker.core import db, textsearch
from tracker.core.db import MAX_INTEGER
from tracker.core.errors import InvalidInput
from tracker.core.pagination import Page, paginate
from tracker.sources.models import Source

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
#: A user or source id in a query string: ASCII digits (``str.isdigit`` also takes "²", which
#: ``int`` refuses), and see ``is_id``.
_ID = re.compile(r"[0-9]{1,10}")


def is_id(text: str) -> bool:
    """Whether `text` is an id a column can hold (the database fails on larger ones)."""
    return bool(_ID.fullmatch(text)) and int(text) <= MAX_INTEGER


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


def filter_from_args(
    args: Mapping[str, str], *, user_id: int | None, may_see_deleted: bool
) -> ClaimFilter:
    """The filter a query string asks for, the same for the queue page, the API and exports.

    ``assignee`` is a user id, ``me`` or ``none``; ``deleted`` (or ``include_deleted``) is
    honoured only for those who may see deleted claims.

    :raises InvalidInput: a malformed assignee or source id.
    """
    assignee = args.get("assignee", "")
    assignee_id: int | None = None
    if assignee == "me":
        assignee_id = user_id
    elif assignee == "none":
        assignee_id = UNASSIGNED
    elif assignee:
        if not is_id(assignee):
            raise InvalidInput("assignee is a user id, 'me' or 'none'.", {"assignee": "invalid"})
        assignee_id = int(assignee)
    source_id = args.get("source_id", "").strip()
    if source_id and not is_id(source_id):
        raise InvalidInput("source_id must be a whole number.", {"source_id": "invalid"})
    deleted = args.get("deleted") or args.get("include_deleted") or ""
    return ClaimFilter(
        status=args.get("status") or None,
        source_id=int(source_id) if source_id else None,
        language=args.get("language") or None,
        speaker=args.get("speaker") or None,
        assignee_id=assignee_id,
        q=args.get("q") or None,
        include_deleted=deleted.lower() in {"1", "true"} and may_see_deleted,
        sort=args.get("sort") or "updated",
    )


def filtered(filters: ClaimFilter) -> sa.Select[Claim]:
    """The SELECT for a queue filter, without loader options or ordering.

    :raises InvalidInput: an unknown status or sort.
    """
    return _filtered(filters)[0]


def _filtered(
    filters: ClaimFilter,
) -> tuple[sa.Select[Claim], textsearch.TextMatch | None]:
    """`filtered`, with the text search's match (which knows how to order what it finds)."""
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
    match = None
    if filters.q and filters.q.strip():
        match = textsearch.find(Claim.search_text, filters.q.strip())
        stmt = stmt.where(match.condition)
    return stmt, match


def list_claims(filters: ClaimFilter, page: int = 1, per_page: int = 50) -> Page[Claim]:
    """One page of the queue, with what the list shows loaded up front."""
    if filters.sort not in SORTS:
        raise InvalidInput(f"Unknown sort {filters.sort!r}.", {"sort": "invalid"})
    stmt, match = _filtered(filters)
    order = match.order_by(*SORTS[filters.sort]) if match else SORTS[filters.sort]
    stmt = stmt.options(
        selectinload(Claim.source).load_only(Source.id, Source.title, Source.language),
        selectinload(Claim.assignee),
        selectinload(Claim.evidence),
        selectinload(Claim.answer),
    ).order_by(*order)
    return paginate(stmt, page, per_page)


def count_claims(filters: ClaimFilter, statuses: frozenset[ClaimStatus] | None = None) -> int:
    """How many claims a filter selects (one COUNT), optionally only those in ``statuses``."""
    stmt = filtered(filters)
    if statuses is not None:
        stmt = stmt.where(Claim.status.in_(sorted(statuses)))
    return db.session.scalar(stmt.with_only_columns(sa.func.count(Claim.id))) or 0
