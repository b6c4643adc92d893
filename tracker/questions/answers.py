"""A claim's answer to its question: proposed by the tracker, confirmed or changed by a
reviewer, with qualifiers (when, about what); and rulings that bind pairs of answers.

Answers follow Wikidata's statements: one question, several answers side by side, each with
the claims behind it. In a value question the answer is the claim's value (kept in step by
``tracker.claims.values``); in a yes/no question it is "yes" or "no", read from polarity cues;
in a text question it is a short phrase, matched to the answers already given by meaning.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Role, User
from tracker.audit import services as audit
from tracker.claims import values
from tracker.claims.models import Claim
from tracker.core import db
from tracker.core.errors import InvalidInput, NotAllowed
from tracker.questions import disputes
from tracker.questions.models import Answer, AnswerKind, Question
from tracker.questions.qualifiers import Qualifiers, check_qualifiers, propose_qualifiers
from tracker.sources.models import Source
from tracker.text import polarity, similarity
from tracker.text.glosses import find_glosses, strip_glosses
from tracker.text.script import search_key

MAX_ANSWER = 300
#: A new claim's words this alike (0..1) to an answer, or to a claim holding it, give that
#: answer; below, the tracker proposes a new answer (bench/matching_quality.py sets it).
SAME_ANSWER = 0.62
NEW_ANSWER = "a new answer: no answer given yet says this"
ANSWER_FIELDS = (
    "answer_id",
    "is_answer_confirmed",
    "answer_basis",
    "as_of",
    "valid_from",
    "valid_until",
    "aspect",
)
YES_WORDS = {"yes", "y", "ja", "sim", "是", "是的", "对", "對", "true"}
NO_WORDS = {"no", "n", "nein", "não", "nao", "否", "不是", "没有", "沒有", "false"}


def _require(actor: User | None, doing: str) -> None:
    if actor is not None and not actor.can(Role.reviewer):
        raise NotAllowed(f"{doing} needs the reviewer role.")


# --- proposing an answer --------------------------------------------------------------------


def _reading(claim: Claim) -> str:
    return strip_glosses(claim.quote, find_glosses(claim.quote)).text


def _language(claim: Claim) -> str | None:
    language = claim.source.language if claim.source is not None else None
    return language.split("-")[0] if language else None


@dataclass(frozen=True)
class Proposal:
    text: str
    key: str
    basis: str


def _propose_yes_no(question: Question, claim: Claim) -> Proposal | None:
    reading = polarity.combine(
        polarity.answer_yes_no(question.text, _reading(claim), _language(claim)),
        polarity.answer_yes_no(question.text, claim.statement, "en"),
    )
    if reading.answer is None:
        return None
    cues = ", ".join(reading.cues[:4]) or "no negation"
    return Proposal(reading.answer, reading.answer, f"{reading.answer}: {cues}"[:300])


def _propose_text(question: Question, claim: Claim) -> Proposal:
    """The existing answer the claim's words mean (by its phrase or the claims holding it),
    else a new answer in the claim's own words."""
    held: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(Claim.answer_id, Claim.statement).where(
            Claim.question_id == question.id,
            Claim.answer_id.is_not(None),
            Claim.id != claim.id,
            Claim.is_deleted.is_(False),
        )
    ).all()
    for answer_id, statement in rows:
        if answer_id is not None:  # always (the WHERE), but the row's type allows None
            held[answer_id].append(statement)
    answers = list(db.session.scalars(sa.select(Answer).where(Answer.question_id == question.id)))
    best: tuple[float, Answer | None, str] = (0.0, None, "")
    for answer in answers:
        texts = [answer.text, *held.get(answer.id, [])]
        scores = similarity.rank(claim.statement, texts)
        top = max(range(len(texts)), key=lambda i: scores[i])
        if scores[top] > best[0]:
            why = "its phrase" if top == 0 else "a claim that gives it"
            best = (scores[top], answer, why)
    score, closest, why = best
    if closest is not None and score >= SAME_ANSWER:
        return Proposal(closest.text, closest.key, f"{score:.0%} alike to {why}")
    text = _phrase(claim.statement)
    return Proposal(text, search_key(text), NEW_ANSWER)


def _phrase(statement: str) -> str:
    text = re.sub(r"\s+", " ", statement).strip().rstrip(".")
    return text if len(text) <= MAX_ANSWER else text[: MAX_ANSWER - 1].rstrip() + "…"


def preview(claim: Claim, question: Question) -> str | None:
    """The answer the claim would get in the question, without putting it there."""
    if question.answer_kind.is_value:
        found = [
            f for f in values.found_in(claim) if f.value.kind.value == question.answer_kind.value
        ]
        return found[0].display if found else None
    proposal = (
        _propose_yes_no(question, claim)
        if question.answer_kind == AnswerKind.yes_no
        else _propose_text(question, claim)
    )
    if proposal is None:
        return None
    return f"a new answer: {proposal.text}" if proposal.basis == NEW_ANSWER else proposal.text


def propose(claim: Claim, *, force: bool = False) -> None:
    """Give a claim in a question the tracker's answer and qualifiers, unless a reviewer
    confirmed them (``force`` replaces even those: the claim moved to another question)."""
    if claim.question_id is None:
        _apply(claim, None, confirmed=False, basis=None)
        return
    if claim.is_answer_confirmed and not force:
        return
    question = db.session.get(Question, claim.question_id)
    assert question is not None
    if question.answer_kind.is_value:
        values.sync_value_answer(claim)
    else:
        proposal = (
            _propose_yes_no(question, claim)
            if question.answer_kind == AnswerKind.yes_no
            else _propose_text(question, claim)
        )
        if proposal is None:
            _apply(claim, None, confirmed=False, basis=None)
        else:
            answer = values.find_or_add_answer(question.id, proposal.text, proposal.key)
            _apply(claim, answer.id, confirmed=False, basis=proposal.basis)
    if Qualifiers.of(claim).is_empty or force:
        _set_qualifiers(
            claim, propose_qualifiers(question.answer_kind, _reading(claim), claim.statement)
        )


def _apply(claim: Claim, answer_id: int | None, *, confirmed: bool, basis: str | None) -> None:
    if claim.answer_id != answer_id:
        values.set_answer_id(claim, answer_id)
    for name, wanted in (
        ("is_answer_confirmed", confirmed),
        ("answer_basis", basis),
    ):
        if getattr(claim, name) != wanted:
            setattr(claim, name, wanted)


def _set_qualifiers(claim: Claim, q: Qualifiers) -> None:
    for name, wanted in q.as_dict().items():
        if getattr(claim, name) != wanted:
            setattr(claim, name, wanted)


def snapshot(claim: Claim) -> dict[str, Any]:
    return {name: getattr(claim, name) for name in ANSWER_FIELDS}


# --- the reviewer's answer ------------------------------------------------------------------


def _require_phrase(text: str) -> None:
    if len(text) > MAX_ANSWER:
        raise InvalidInput(
            f"Keep the answer to {MAX_ANSWER} characters: a short phrase.", {"answer": "too long"}
        )


def _typed_answer(question: Question, claim: Claim, text: str) -> Proposal:
    """What a reviewer typed, as an answer of the question's kind.

    :raises InvalidInput: nothing of the question's kind in it, or an answer too long.
    """
    if question.answer_kind == AnswerKind.yes_no:
        word = text.strip().casefold().rstrip(".!")
        if word in YES_WORDS:
            return Proposal("yes", "yes", "given by a reviewer")
        if word in NO_WORDS:
            return Proposal("no", "no", "given by a reviewer")
        raise InvalidInput("Answer yes or no.", {"answer": "not yes or no"})
    _require_phrase(text)
    phrase = re.sub(r"\s+", " ", text).strip()
    return Proposal(phrase, search_key(phrase), "given by a reviewer")


def set_answer(
    claim_id: int,
    text: str | None,
    *,
    qualifiers: Qualifiers | None = None,
    version: int | None,
    actor: User | None,
) -> Claim:
    """A reviewer's answer for a claim: confirm the proposal (the same text), give another,
    or (None) let the tracker propose again. `qualifiers` replaces the claim's qualifiers.

    :raises InvalidInput: the claim is in no question, or the answer does not fit its kind.
    :raises Conflict: `version` is stale.
    """
    from tracker.claims.services import check_version, get_claim

    _require(actor, "Answering")
    claim = get_claim(claim_id)
    if version is not None:
        check_version(claim, version)
    if claim.question_id is None:
        raise InvalidInput(
            "Put the claim in a question first: an answer is an answer to a question.",
            {"answer": "no question"},
        )
    question = db.session.get(Question, claim.question_id)
    assert question is not None
    before = snapshot(claim) | values.snapshot(claim)
    cleaned = check_qualifiers(qualifiers) if qualifiers is not None else None
    typed = (text or "").strip()
    if question.answer_kind.is_value and typed:
        try:
            value = values.parse_value(typed, question.answer_kind, _language(claim))
        except InvalidInput:
            # Any answer a reader can write is accepted; one the reader cannot turn into a
            # value is compared as words ("pillar of the business", "95% of the staff").
            _require_phrase(typed)
            values.clear_value(claim)
            phrase = re.sub(r"\s+", " ", typed)
            answer = values.find_or_add_answer(question.id, phrase, search_key(phrase))
            _apply(claim, answer.id, confirmed=True, basis="given by a reviewer, in words")
        else:
            values.set_confirmed_value(claim, value)
    elif question.answer_kind.is_value:
        _apply(claim, claim.answer_id, confirmed=False, basis=claim.answer_basis)
        values.set_confirmed_value(claim, None)
    elif typed:
        proposal = _typed_answer(question, claim, typed)
        answer = values.find_or_add_answer(question.id, proposal.text, proposal.key)
        _apply(claim, answer.id, confirmed=True, basis=proposal.basis)
    else:
        _apply(claim, claim.answer_id, confirmed=False, basis=claim.answer_basis)
        propose(claim)
    if cleaned is not None:
        _set_qualifiers(claim, cleaned)
    db.session.flush()
    _record(claim, before, actor, "answer given" if typed else "answer proposed again")
    disputes.detect(question.id)
    return claim


def confirm_answer(claim_id: int, *, version: int | None, actor: User | None) -> Claim:
    """The reviewer agrees with the tracker's proposed answer and qualifiers (one click).

    :raises InvalidInput: the claim has no answer to confirm.
    """
    from tracker.claims.services import check_version, get_claim

    _require(actor, "Answering")
    claim = get_claim(claim_id)
    if version is not None:
        check_version(claim, version)
    if claim.answer_id is None:
        raise InvalidInput(
            "There is no proposed answer to confirm: type one.", {"answer": "none proposed"}
        )
    before = snapshot(claim) | values.snapshot(claim)
    if claim.value_kind is not None and not claim.is_value_confirmed:
        claim.is_value_confirmed = True
    _apply(claim, claim.answer_id, confirmed=True, basis=claim.answer_basis)
    db.session.flush()
    _record(claim, before, actor, "proposed answer confirmed")
    if claim.question_id is not None:  # always: an answer belongs to the claim's question
        disputes.detect(claim.question_id)
    return claim


def set_qualifiers(
    claim_id: int, qualifiers: Qualifiers, *, version: int | None, actor: User | None
) -> Claim:
    """When the claim's answer holds and what it is about, as the reviewer says: a split
    ("pledged" vs "paid"; 2016 vs 2024) that keeps two answers from conflicting.

    :raises InvalidInput: a badly written date or an end before its start.
    :raises Conflict: `version` is stale.
    """
    from tracker.claims.services import check_version, get_claim

    _require(actor, "Qualifying an answer")
    claim = get_claim(claim_id)
    if version is not None:
        check_version(claim, version)
    cleaned = check_qualifiers(qualifiers)
    before = snapshot(claim)
    _set_qualifiers(claim, cleaned)
    db.session.flush()
    _record(claim, before, actor, "qualifiers given")
    if claim.question_id is not None:
        disputes.detect(claim.question_id)
    return claim


def _record(claim: Claim, before: dict[str, Any], actor: User | None, reason: str) -> None:
    audit.record_claim_changes(actor, claim, before, reason=reason)


# --- reading them ---------------------------------------------------------------------------


@dataclass
class AnswerGroup:
    """One answer of a question with the claims that give it and their sources."""

    answer: Answer
    claims: list[Claim] = field(default_factory=list)

    @property
    def sources(self) -> list[Source]:
        seen: dict[int, Source] = {}
        for claim in self.claims:
            seen.setdefault(claim.source_id, claim.source)
        return list(seen.values())

    @property
    def is_confirmed(self) -> bool:
        return any(c.is_answer_confirmed for c in self.claims)


def answer_groups(question_id: int, claims: list[Claim]) -> tuple[list[AnswerGroup], list[Claim]]:
    """The question's answers, each with its claims (given, most claims first), and the
    claims with no answer yet. `claims` are the question's live claims, already loaded."""
    groups = {
        a.id: AnswerGroup(a)
        for a in db.session.scalars(
            sa.select(Answer).where(Answer.question_id == question_id).order_by(Answer.id)
        )
    }
    unanswered = []
    for claim in claims:
        group = groups.get(claim.answer_id) if claim.answer_id is not None else None
        if group is None:
            unanswered.append(claim)
        else:
            group.claims.append(claim)
    given = sorted((g for g in groups.values() if g.claims), key=lambda g: -len(g.claims))
    return given, unanswered


def propose_missing() -> int:
    """Propose answers for grouped claims that have none (after an upgrade); how many."""
    claims = list(
        db.session.scalars(
            sa.select(Claim)
            .where(
                Claim.question_id.is_not(None),
                Claim.answer_id.is_(None),
                Claim.is_deleted.is_(False),
            )
            .options(selectinload(Claim.source))
            .order_by(Claim.id)
        )
    )
    for claim in claims:
        propose(claim)
    db.session.flush()
    return sum(1 for c in claims if c.answer_id is not None)
