"""After an import: every claim of a source not yet in a question, with the question the
tracker proposes and the answer it would give there, to accept one by one or all at once."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.claims.models import Claim
from tracker.claims.queue import is_id
from tracker.core import db
from tracker.core.errors import InvalidInput
from tracker.questions import answers, suggestions
from tracker.questions.models import Question
from tracker.sources.models import Source
from tracker.sources.services import get_source


@dataclass
class Option:
    """One question a claim may answer, with its score and the answer it would get."""

    suggestion: suggestions.Suggestion
    answer: str | None

    @property
    def question(self) -> Question:
        assert self.suggestion.question is not None
        return self.suggestion.question


@dataclass
class ClaimProposal:
    claim: Claim
    options: list[Option] = field(default_factory=list)
    #: No question fits well: the tracker suggests a new question first.
    new_question_first: bool = False

    @property
    def best(self) -> Option | None:
        return self.options[0] if self.options and not self.new_question_first else None


def _ungrouped(source: Source) -> list[Claim]:
    return list(
        db.session.scalars(
            sa.select(Claim)
            .where(
                Claim.source_id == source.id,
                Claim.is_deleted.is_(False),
                Claim.question_id.is_(None),
            )
            .order_by(Claim.start, Claim.id)
        )
    )


def source_proposals(source_id: int, options: int = 3) -> list[ClaimProposal]:
    """For each claim of the source in no question: its best questions and their answers.

    :raises NotFound: no such source.
    """
    source = get_source(source_id)
    result = []
    for claim in _ungrouped(source):
        found = suggestions.suggest(claim.id, limit=options)
        result.append(
            ClaimProposal(
                claim,
                [
                    Option(s, answers.preview(claim, s.question))
                    for s in found.questions
                    if s.question
                ],
                found.new_question_first,
            )
        )
    return result


def accept(pairs: list[tuple[int, int]], *, actor: User | None) -> list[Claim]:
    """Put each claim in the question chosen for it, as accepting its suggestion does.

    :raises InvalidInput: one claim given two questions.
    """
    chosen: dict[int, int] = {}
    for claim_id, question_id in pairs:
        if chosen.setdefault(claim_id, question_id) != question_id:
            raise InvalidInput(
                f"Pick one question for claim #{claim_id}.", {"accept": "two questions"}
            )
    return [
        suggestions.accept_question(claim_id, question_id, actor=actor)
        for claim_id, question_id in chosen.items()
    ]


def accept_above(
    source_id: int,
    threshold: float,
    *,
    actor: User | None,
    proposals: list[ClaimProposal] | None = None,
) -> list[Claim]:
    """Accept the best question of every ungrouped claim whose score reaches `threshold`
    (from `proposals` when the caller has them already).

    :raises InvalidInput: a threshold outside 0..1.
    """
    if not 0 <= threshold <= 1:
        raise InvalidInput("The threshold is a score from 0 to 1.", {"accept_above": "range"})
    pairs = [
        (p.claim.id, p.best.question.id)
        for p in (proposals if proposals is not None else source_proposals(source_id, options=1))
        if p.best is not None and p.best.suggestion.score >= threshold
    ]
    return accept(pairs, actor=actor)


def parse_choices(items: list[str]) -> list[tuple[int, int]]:
    """The grouping form's ticked "claim:question" values as pairs.

    :raises InvalidInput: none ticked, or a value that is not a pair of numbers.
    """
    pairs = []
    for item in items:
        claim_id, _, question_id = item.partition(":")
        if not (is_id(claim_id) and is_id(question_id)):
            raise InvalidInput("Pick proposals from the list.", {"accept": "invalid"})
        pairs.append((int(claim_id), int(question_id)))
    if not pairs:
        raise InvalidInput("Tick the proposals to accept.", {"accept": "none"})
    return pairs
