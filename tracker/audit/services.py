"""Writing the change log beside each change, and reading it back."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.accounts.models import User
from tracker.audit.models import AuditAction, AuditEntry
from tracker.claims.models import Claim
from tracker.core import db
from tracker.core.pagination import Page, paginate


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a field value (enums as their value, dates as ISO)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return str(value)


def record(
    actor: User | None,
    entity_type: str,
    entity_id: int,
    action: AuditAction,
    *,
    claim_id: int | None = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    snapshot: dict[str, Any] | None = None,
    reason: str | None = None,
) -> list[AuditEntry]:
    """Add the log entries for one change, in the caller's transaction.

    `changes` maps field -> (before, after) for updates, one entry per field; `snapshot` is
    what a created, deleted or restored thing looked like.
    """
    entries: list[AuditEntry] = []
    common = {
        "actor_id": actor.id if actor is not None else None,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "claim_id": claim_id,
        "action": action,
        "reason": reason or None,
    }
    if action == AuditAction.update:
        for field, (before, after) in (changes or {}).items():
            entries.append(
                AuditEntry(**common, field=field, before=_plain(before), after=_plain(after))
            )
    else:
        entries.append(AuditEntry(**common, after=_plain(snapshot) if snapshot else None))
    db.session.add_all(entries)
    return entries


def record_claim_changes(
    actor: User | None, claim: Any, before: dict[str, Any], *, reason: str | None
) -> list[AuditEntry]:
    """Log the fields of `claim` that differ from `before` (field -> old value), if any."""
    changes = {
        name: (old, getattr(claim, name))
        for name, old in before.items()
        if getattr(claim, name) != old
    }
    if not changes:
        return []
    return record(
        actor,
        "claim",
        claim.id,
        AuditAction.update,
        claim_id=claim.id,
        changes=changes,
        reason=reason,
    )


def claim_history(claim_id: int) -> list[AuditEntry]:
    """Every change to a claim and its evidence, oldest first."""
    stmt = (
        sa.select(AuditEntry)
        .where(AuditEntry.claim_id == claim_id)
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class ActivityFilter:
    user_id: int | None = None
    since: date | None = None
    until: date | None = None
    #: Whether entries about soft-deleted claims are listed (editors and admins only).
    with_deleted_claims: bool = False


def list_activity(filters: ActivityFilter, page: int = 1, per_page: int = 50) -> Page[AuditEntry]:
    """Recent changes, newest first, by user and date (inclusive, UTC days); entries about
    deleted claims only ``with_deleted_claims``."""
    stmt = sa.select(AuditEntry).options(selectinload(AuditEntry.actor))
    if not filters.with_deleted_claims:
        deleted = sa.select(Claim.id).where(
            Claim.id == AuditEntry.claim_id, Claim.is_deleted.is_(True)
        )
        stmt = stmt.where(~deleted.exists())
    if filters.user_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == filters.user_id)
    if filters.since is not None:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until is not None and filters.until < date.max:  # 9999-12-31: no end
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        stmt = stmt.where(AuditEntry.at < end)
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return paginate(stmt, page, per_page)
