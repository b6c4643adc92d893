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
    count = "count"  # type: ignore[assignment]  # hides str.count, never called on a kind
    duration = "duration"
    title = "title"  # type: ignore[assignment]  # hides str.title, never called on a kind
    text = "text"
    yes_no = "yes_no"

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
            "yes_no": "Yes or no",
        }[self.value]

    @property
    def is_value(self) -> bool:
        """Answers are values read from the text (amounts, dates, titles...)."""
        return self not in (AnswerKind.text, AnswerKind.yes_no)


class Question(Base):
    __tablename__ = "questions"
    # Questions are listed by text (the matrix's rows, /questions): its pages walk this index
    # and stop after a page instead of sorting every question.
    __table_args__ = (sa.Index("ix_questions_text_id", "text", "id"),)

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
    answer = "answer"  # two different answers in words to one question
    yes_no = "yes_no"  # one claim answers yes, the other no

    @property
    def label(self) -> str:
        return {
            "value": "Different values",
            "precision": "Same figure, different precision",
            "verdict": "Opposite verdicts",
            "evidence": "Evidence supports one, refutes the other",
            "flagged": "Flagged by a reviewer",
            "answer": "Different answers",
            "yes_no": "Yes vs no",
        }[self.value]

    @property
    def is_about_answers(self) -> bool:
        """Found from the two claims' answers, so a ruling on those answers settles it."""
        return self in ANSWER_CONFLICTS


ANSWER_CONFLICTS = frozenset(
    {ConflictKind.value, ConflictKind.precision, ConflictKind.answer, ConflictKind.yes_no}
)


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
    #: The ruling on the two claims' answers that decides this pair (state, rationale, who).
    ruling_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("answer_rulings.id", ondelete="SET NULL"), index=True
    )

    question: Mapped[Question] = relationship()
    claim_a: Mapped[Claim] = relationship(foreign_keys=[claim_a_id], viewonly=True)
    claim_b: Mapped[Claim] = relationship(foreign_keys=[claim_b_id], viewonly=True)
    resolved_by: Mapped[User | None] = relationship()
    ruling: Mapped[AnswerRuling | None] = relationship()

    def __repr__(self) -> str:
        return f"<Contradiction {self.id} {self.kind} {self.claim_a_id}-{self.claim_b_id}>"


class Answer(Base):
    """One answer to a question, shared by every claim that gives it (a Wikidata value).

    Value questions: the normalised value (the claims keep the text as written). Yes/no
    questions: "yes" or "no". Text questions: a short phrase in the reviewer's words.
    """

    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("question_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    #: As shown: "forced out after the failed coup", "yes", "$44,000,000".
    text: Mapped[str] = mapped_column(sa.String(300))
    #: Equal for equal answers: the case-folded simplified text, or the value's normal form.
    key: Mapped[str] = mapped_column(sa.String(300))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    question: Mapped[Question] = relationship()

    def __repr__(self) -> str:
        return f"<Answer {self.id} q={self.question_id} {self.text[:40]!r}>"


class AnswerRuling(Base):
    """A reviewer's ruling on two answers of one question; it binds every claim giving them.

    ``not_a_contradiction``: both can be true. ``resolved``: settled, with the answer that
    holds (or none, when the rationale says why both stand).
    """

    __tablename__ = "answer_rulings"
    __table_args__ = (
        sa.UniqueConstraint("answer_a_id", "answer_b_id"),
        sa.CheckConstraint("answer_a_id < answer_b_id", name="ordered_pair"),
        sa.CheckConstraint("state <> 'open'", name="decided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    answer_a_id: Mapped[int] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"))
    answer_b_id: Mapped[int] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"))
    state: Mapped[ConflictState] = mapped_column(str_enum(ConflictState, "ruling_state"))
    holding_answer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("answers.id", ondelete="SET NULL")
    )
    rationale: Mapped[str] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    answer_a: Mapped[Answer] = relationship(foreign_keys=[answer_a_id])
    answer_b: Mapped[Answer] = relationship(foreign_keys=[answer_b_id])
    holding_answer: Mapped[Answer | None] = relationship(foreign_keys=[holding_answer_id])
    decided_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AnswerRuling {self.id} {self.answer_a_id}-{self.answer_b_id} {self.state}>"
