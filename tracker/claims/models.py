"""A claim quotes an exact span of one source; evidence links bear on it.

``start``/``end`` are Python ``str`` indices into ``Source.text`` (see tracker.sources.models).
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import Base, DecimalString, UTCDateTime, str_enum, utcnow
from tracker.sources.models import Source

if TYPE_CHECKING:
    from tracker.questions.models import Answer


class ClaimStatus(enum.StrEnum):
    unreviewed = "unreviewed"
    in_review = "in_review"
    verified = "verified"
    partly_true = "partly_true"
    false = "false"
    misleading = "misleading"
    unverifiable = "unverifiable"
    disputed = "disputed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_verdict(self) -> bool:
        return self not in (ClaimStatus.unreviewed, ClaimStatus.in_review)


STATUS_LABELS = {
    ClaimStatus.unreviewed: "Unreviewed",
    ClaimStatus.in_review: "In review",
    ClaimStatus.verified: "Verified (it holds)",
    ClaimStatus.partly_true: "Partly true",
    ClaimStatus.false: "False",
    ClaimStatus.misleading: "Misleading",
    ClaimStatus.unverifiable: "Unverifiable",
    ClaimStatus.disputed: "Disputed",
}


class Stance(enum.StrEnum):
    supports = "supports"
    refutes = "refutes"
    context = "context"

    @property
    def label(self) -> str:
        return {"supports": "Supports", "refutes": "Refutes", "context": "Context"}[self.value]


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (
        sa.CheckConstraint('0 <= start AND start < "end"', name="span_order"),
        sa.Index("ix_claims_source_id_start", "source_id", "start"),
        sa.Index("ix_claims_status_updated_at", "status", "updated_at"),
        # The queue's orders walk these instead of sorting every claim (bench/queue_speed.py).
        sa.Index("ix_claims_is_deleted_updated_at", "is_deleted", "updated_at", "id"),
        sa.Index("ix_claims_is_deleted_created_at", "is_deleted", "created_at", "id"),
        # Exports walk the claims in id order, a batch at a time (bench/export_speed.py).
        sa.Index("ix_claims_is_deleted_id", "is_deleted", "id"),
        # Which questions and sources have a live claim (the matrix's rows, columns and
        # counts) read these alone, never the claims' rows (bench/pages.py, matrix).
        sa.Index("ix_claims_question_id_is_deleted", "question_id", "is_deleted"),
        sa.Index(
            "ix_claims_source_id_question_id_is_deleted", "source_id", "question_id", "is_deleted"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A stable name given by whoever loaded the claim (the seeds, a bulk import); optional.
    key: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id", ondelete="CASCADE"))
    #: ``source.text[start:end] == quote``, checked by the service on every save.
    start: Mapped[int] = mapped_column()
    end: Mapped[int] = mapped_column()
    quote: Mapped[str] = mapped_column(sa.Text)
    #: The claim in the reviewer's own words, any language.
    statement: Mapped[str] = mapped_column(sa.Text)
    #: Who in the article makes the claim: "the article" or a person it quotes.
    speaker: Mapped[str] = mapped_column(sa.String(200), index=True)
    #: People and organisations the claim is about.
    subjects: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[ClaimStatus] = mapped_column(
        str_enum(ClaimStatus, "claim_status"), default=ClaimStatus.unreviewed
    )
    rationale: Mapped[str | None] = mapped_column(sa.Text)
    assignee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Simplified-Chinese, case-folded statement, quote (without glosses), speaker and
    #: subjects: what the queue's text search matches.
    search_text: Mapped[str] = mapped_column(sa.Text)
    is_deleted: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    #: The question this claim answers (at most one).
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="SET NULL")
    )
    #: The claim's answer to its question as a normalised value (see tracker.text.values):
    #: extracted from the quote or statement, or set by a reviewer (then confirmed).
    value_kind: Mapped[str | None] = mapped_column(sa.String(10))
    value_low: Mapped[Decimal | None] = mapped_column(DecimalString())
    value_high: Mapped[Decimal | None] = mapped_column(DecimalString())
    value_unit: Mapped[str | None] = mapped_column(sa.String(10))
    value_label: Mapped[str | None] = mapped_column(sa.String(100))
    #: A date or end read relative to a publication date the source does not give
    #: ("last year", "until the end of the year"): which one, e.g. ``end_of_year``.
    value_relative: Mapped[str | None] = mapped_column(sa.String(40))
    value_text: Mapped[str | None] = mapped_column(sa.String(200))
    is_value_approximate: Mapped[bool] = mapped_column(default=False)
    is_value_confirmed: Mapped[bool] = mapped_column(default=False)
    #: The claim's answer to its question (tracker.questions.models.Answer): proposed by the
    #: tracker when the claim joins the question, until a reviewer confirms or changes it.
    answer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("answers.id", ondelete="SET NULL"), index=True
    )
    is_answer_confirmed: Mapped[bool] = mapped_column(default=False)
    #: Why the tracker proposed the answer ("negation: nicht"; "72% like claim #12").
    answer_basis: Mapped[str | None] = mapped_column(sa.String(300))
    #: Qualifiers of the answer (YYYY, YYYY-MM or YYYY-MM-DD): when it holds. Two answers
    #: conflict only when their qualifiers overlap; a missing one overlaps everything.
    as_of: Mapped[str | None] = mapped_column(sa.String(10))
    valid_from: Mapped[str | None] = mapped_column(sa.String(10))
    valid_until: Mapped[str | None] = mapped_column(sa.String(10))
    #: What the answer is about, where a question's answers split ("pledged" vs "paid").
    aspect: Mapped[str | None] = mapped_column(sa.String(100))
    #: Bumped by every UPDATE; a save based on an older version is refused (no lost edits).
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    source: Mapped[Source] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="claim", order_by="Evidence.id", cascade="all, delete-orphan"
    )
    answer: Mapped[Answer | None] = relationship("Answer")

    @property
    def live_evidence(self) -> list[Evidence]:
        return [e for e in self.evidence if not e.is_deleted]

    @property
    def has_conflicting_evidence(self) -> bool:
        """Both supporting and refuting evidence: disputed, whatever its status says."""
        stances = {e.stance for e in self.live_evidence}
        return Stance.supports in stances and Stance.refutes in stances

    @property
    def is_disputed(self) -> bool:
        return self.status == ClaimStatus.disputed or self.has_conflicting_evidence

    def __repr__(self) -> str:
        return f"<Claim {self.id} source={self.source_id} [{self.start}:{self.end}] {self.status}>"


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (
        sa.UniqueConstraint("claim_id", "url"),
        sa.Index("ix_evidence_claim_id_stance", "claim_id", "stance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"))
    #: An absolute http(s) address.
    url: Mapped[str] = mapped_column(sa.String(2048))
    title: Mapped[str] = mapped_column(sa.String(500))
    publisher: Mapped[str | None] = mapped_column(sa.String(200))
    #: When the page was published: YYYY, YYYY-MM or YYYY-MM-DD (as precise as is known).
    published: Mapped[str | None] = mapped_column(sa.String(10))
    stance: Mapped[Stance] = mapped_column(str_enum(Stance, "stance"))
    #: A passage quoted from the page, optional.
    passage: Mapped[str | None] = mapped_column(sa.Text)
    is_deleted: Mapped[bool] = mapped_column(default=False)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="evidence")
    added_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Evidence {self.id} claim={self.claim_id} {self.stance} {self.url[:40]!r}>"


class ClaimValue(Base):
    """Every value found in a claim's quote and statement: the blocking keys for suggestions."""

    __tablename__ = "claim_values"
    # Suggestions take a key's newest claims without sorting them all (bench/suggest_speed.py).
    __table_args__ = (sa.Index("ix_claim_values_key_claim_id", "key", "claim_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(10))
    #: kind, unit and magnitude in one string ("money:USD:1e9"), equal for values that block
    #: together.
    key: Mapped[str] = mapped_column(sa.String(80))
    text: Mapped[str] = mapped_column(sa.String(200))
