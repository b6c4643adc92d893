"""An entity (person or organisation), its aliases, and which claims are about or by it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import Base, UTCDateTime, str_enum, utcnow


class EntityKind(enum.StrEnum):
    person = "person"
    organisation = "organisation"


class EntityRole(enum.StrEnum):
    """How a claim involves an entity."""

    subject = "subject"  # listed among the claim's subjects
    speaker = "speaker"  # makes the claim
    mention = "mention"  # named in the quote or statement


class Entity(Base):
    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Canonical name (English where there is one): what claims' subjects use.
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[EntityKind] = mapped_column(str_enum(EntityKind, "entity_kind"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    aliases: Mapped[list[EntityAlias]] = relationship(
        back_populates="entity", order_by="EntityAlias.alias", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Entity {self.id} {self.name!r}>"


class EntityAlias(Base):
    """One way of writing an entity's name; traditional and simplified Chinese share a key."""

    __tablename__ = "entity_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entities.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(sa.String(200))
    #: ``tracker.text.script.search_key(alias)``: unique, so a name means one entity.
    alias_key: Mapped[str] = mapped_column(sa.String(200), unique=True)

    entity: Mapped[Entity] = relationship(back_populates="aliases")

    def __repr__(self) -> str:
        return f"<EntityAlias {self.alias!r} -> {self.entity_id}>"


class ClaimEntity(Base):
    """A claim is about, by, or mentions an entity (kept in step by the claim services)."""

    __tablename__ = "claim_entities"
    # Suggestions walk an entity's claims newest first (bench/suggest_speed.py).
    __table_args__ = (sa.Index("ix_claim_entities_entity_id_claim_id", "entity_id", "claim_id"),)

    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[EntityRole] = mapped_column(str_enum(EntityRole, "entity_role"), primary_key=True)

    entity: Mapped[Entity] = relationship()
