"""A question groups claims from any sources; contradictions are found between its claims."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import Base, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from tracker.claims.models import Claim


class AnswerKind(enum.StrEnum):
    """What kind of answer a question has (the value kinds, plus free text)."""

    money = "money"
    percent = "percent"
    date = "date"
    count = "count"
    duration = "duration"
    title = "title"
    text = "text"

    @property
    def label(self) -> str:
        return {
            "money": "An amount of money",
            "percent": "A percentage",
            "date": "A date or year",
            "count": "A number of people or things",
            "duration": "A duration",
            "title": "A title or role",
            "text": "Free text (reasons, descriptions)",
        }[self.value]


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: In the reviewer's words: "How much money did Musk give OpenAI?"
    text: Mapped[str] = mapped_column(sa.Text)
    answer_kind: Mapped[AnswerKind] = mapped_column(
        str_enum(AnswerKind, "answer_kind"), default=AnswerKind.text
    )
    #: Case-folded, simplified-Chinese text: what search and suggestions match.
    search_text: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.text[:40]!r}>"


class Decision(enum.StrEnum):
    accepted = "accepted"
    rejected = "rejected"


class SuggestionDecision(Base):
    """A reviewer's answer to a suggestion; a rejected one is never suggested again."""

    __tablename__ = "suggestion_decisions"
    __table_args__ = (
        sa.UniqueConstraint("claim_id", "question_id"),
        sa.UniqueConstraint("claim_id", "other_claim_id"),
        sa.CheckConstraint("(question_id IS NULL) <> (other_claim_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE")
    )
    other_claim_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE")
    )
    decision: Mapped[Decision] = mapped_column(str_enum(Decision, "decision"))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConflictKind(enum.StrEnum):
    value = "value"  # different amounts, dates, counts, titles
    precision = "precision"  # the same figure at different precision ($44M vs $44.6M)
    verdict = "verdict"  # one claim verified, the other false
    evidence = "evidence"  # one page cited for one claim and against the other
    flagged = "flagged"  # a reviewer says they disagree (reasons, descriptions)

    @property
    def label(self) -> str:
        return {
            "value": "Different values",
            "precision": "Same figure, different precision",
            "verdict": "Opposite verdicts",
            "evidence": "Evidence supports one, refutes the other",
            "flagged": "Flagged by a reviewer",
        }[self.value]


class ConflictState(enum.StrEnum):
    open = "open"
    resolved = "resolved"  # a reviewer settled which holds, or why both do
    not_a_contradiction = "not_a_contradiction"  # e.g. a pledge and a payment


class Contradiction(Base):
    """Two claims of one question that disagree; kept with the reviewer's decision on it."""

    __tablename__ = "contradictions"
    __table_args__ = (
        sa.UniqueConstraint("claim_a_id", "claim_b_id", "kind"),
        sa.CheckConstraint("claim_a_id < claim_b_id", name="ordered_pair"),
        sa.Index("ix_contradictions_state_question_id", "state", "question_id"),
        sa.Index("ix_contradictions_question_id", "question_id"),
        sa.Index("ix_contradictions_claim_b_id", "claim_b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    claim_a_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"))
    claim_b_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"))
    kind: Mapped[ConflictKind] = mapped_column(str_enum(ConflictKind, "conflict_kind"))
    #: Why it was detected, e.g. "$1,000,000,000 vs $44,000,000".
    detail: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[ConflictState] = mapped_column(
        str_enum(ConflictState, "conflict_state"), default=ConflictState.open
    )
    #: False once the detector no longer finds it (a value was corrected); kept for the record.
    is_current: Mapped[bool] = mapped_column(default=True)
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    holding_claim_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="SET NULL")
    )
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    question: Mapped[Question] = relationship()
    claim_a: Mapped[Claim] = relationship(foreign_keys=[claim_a_id], viewonly=True)
    claim_b: Mapped[Claim] = relationship(foreign_keys=[claim_b_id], viewonly=True)
    resolved_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Contradiction {self.id} {self.kind} {self.claim_a_id}-{self.claim_b_id}>"
