"""One row per changed field (or per created/deleted/restored thing)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import Base, UTCDateTime, str_enum, utcnow


class AuditAction(enum.StrEnum):
    create = "create"
    update = "update"
    delete = "delete"
    restore = "restore"


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_entity", "entity_type", "entity_id"),
        sa.Index("ix_audit_entries_claim_id_at", "claim_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: Who made the change; None for the system (seeds, migrations of data).
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: ``source``, ``claim``, ``evidence`` or ``user``.
    entity_type: Mapped[str] = mapped_column(sa.String(20))
    entity_id: Mapped[int] = mapped_column()
    #: The claim the change belongs to (a claim's own fields, or one of its evidence items),
    #: so a claim's history is one indexed query.
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"))
    action: Mapped[AuditAction] = mapped_column(str_enum(AuditAction, "audit_action"))
    #: The field changed, for updates; None for create/delete/restore.
    field: Mapped[str | None] = mapped_column(sa.String(40))
    before: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    after: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    #: Why: the verdict's rationale or the reviewer's note.
    reason: Mapped[str | None] = mapped_column(sa.Text)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.entity_type}#{self.entity_id}>"
