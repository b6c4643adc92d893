"""Marking claims, editing them, settling verdicts, attaching evidence; every change logged.

Services take the acting user as `actor` (None is the system: seeds and maintenance, which act
with an editor's rights) and never commit; the caller commits once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.models import Role, User
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.claims import values
from tracker.claims.models import Claim, ClaimStatus, Evidence, Stance
from tracker.core import db, unique
from tracker.core.errors import Conflict, Duplicate, InvalidInput, NotAllowed, NotFound
from tracker.entities import services as entities
from tracker.questions import answers, disputes
from tracker.sources.models import Source
from tracker.sources.services import check_url
from tracker.text.dates import InvalidDate, check_partial_date
from tracker.text.glosses import find_glosses, strip_glosses
from tracker.text.script import search_key

MAX_SPEAKER = 200
MAX_SUBJECTS = 30
THE_ARTICLE = "the article"


def _can(actor: User | None, role: Role) -> bool:
    return actor is None or actor.can(role)


def _require(actor: User | None, role: Role, doing: str) -> None:
    if not _can(actor, role):
        raise NotAllowed(f"{doing} needs the {role.value} role.")


# --- spans and quotes -----------------------------------------------------------------------


def check_span(source: Source, start: int, end: int, quote: str | None = None) -> str:
    """The exact quote at ``[start:end]``.

    :raises InvalidInput: for a span outside the text, an empty or blank span, or a `quote`
        that differs from the text at those offsets.
    """
    if not (0 <= start < end <= len(source.text)):
        raise InvalidInput(
            f"The span {start}–{end} is outside the source, which has {len(source.text)} "
            "characters.",
            {"start": "out of range", "end": "out of range"},
        )
    found = source.text[start:end]
    if not found.strip():
        raise InvalidInput("The span holds only white space.", {"quote": "blank"})
    if quote is not None and quote != found:
        raise InvalidInput(
            f"The quote does not match the source at {start}–{end}: the text there is "
            f"“{found[:80]}”.",
            {"quote": "mismatch"},
        )
    return found


def locate_quote(source: Source, quote: str, within: tuple[int, int] | None = None) -> int:
    """Where `quote` starts in the source (or in the ``within`` window of it).

    :raises InvalidInput: when the quote is not found exactly once there.
    """
    if not quote.strip():
        raise InvalidInput("The quote is empty.", {"quote": "empty"})
    lo, hi = within if within else (0, len(source.text))
    window = source.text[lo:hi]
    count = window.count(quote)
    if count != 1:
        where = "in the chosen sentences" if within else "in the source"
        problem = "is not found" if count == 0 else f"is found {count} times"
        raise InvalidInput(
            f"The quote “{quote[:80]}” {problem} {where}; it must be an exact, unique part "
            "of the text.",
            {"quote": "not found" if count == 0 else "ambiguous"},
        )
    return lo + window.index(quote)


def _search_text(statement: str, quote: str, speaker: str, subjects: list[str]) -> str:
    reading_quote = strip_glosses(quote, find_glosses(quote)).text
    return search_key("\n".join([statement, reading_quote, speaker, *subjects]))


def _clean_subjects(subjects: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for subject in subjects:
        name = re.sub(r"\s+", " ", subject).strip()
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    if len(seen) > MAX_SUBJECTS:
        raise InvalidInput(f"At most {MAX_SUBJECTS} subjects.", {"subjects": "too many"})
    if any(len(s) > MAX_SPEAKER for s in seen.values()):
        raise InvalidInput(
            f"A subject's name has at most {MAX_SPEAKER} characters.", {"subjects": "too long"}
        )
    return list(seen.values())


def _clean_text(value: str, name: str, label: str, *, limit: int | None = None) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(f"{label} is required.", {name: "required"})
    if limit is not None and len(value) > limit:
        raise InvalidInput(f"{label} has at most {limit} characters.", {name: "too long"})
    return value


# --- claims ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimDraft:
    """A new claim: the span it quotes and what the reviewer says of it."""

    start: int
    end: int
    statement: str
    speaker: str = THE_ARTICLE
    subjects: list[str] = field(default_factory=list)
    #: When given, must equal the source text at the span (a guard against shifted offsets).
    quote: str | None = None
    status: ClaimStatus | str = ClaimStatus.unreviewed
    rationale: str | None = None
    assignee_id: int | None = None
    #: A stable external name (seeds, bulk imports); unique when given.
    key: str | None = None


def mark_claim(source_id: int, draft: ClaimDraft, *, actor: User | None) -> Claim:
    """Create a claim on an exact span of a source.

    :raises NotFound: no such source.
    :raises InvalidInput: bad span, quote mismatch, missing statement, bad status.
    :raises Duplicate: a claim has this `key` already.
    :raises NotAllowed: a verdict the actor may not set.
    """
    _require(actor, Role.reviewer, "Marking a claim")
    source = db.session.get(Source, source_id)
    if source is None:
        raise NotFound(f"There is no source #{source_id}.")
    quote = check_span(source, draft.start, draft.end, draft.quote)
    statement = _clean_text(draft.statement, "statement", "The statement")
    speaker = _clean_text(draft.speaker or THE_ARTICLE, "speaker", "The speaker", limit=MAX_SPEAKER)
    subjects = _clean_subjects(draft.subjects)
    status = _parse_status(draft.status)
    rationale = (draft.rationale or "").strip() or None
    _check_verdict(status, rationale, has_evidence=False, actor=actor)
    assignee = _get_assignee(draft.assignee_id)

    def find_existing() -> int | None:
        if draft.key is None:
            return None
        return db.session.scalar(sa.select(Claim.id).where(Claim.key == draft.key))

    def duplicate(existing: int) -> Duplicate:
        return Duplicate(
            f"A claim with key {draft.key!r} exists already (#{existing}).",
            existing,
            {"key": "taken"},
        )

    if (existing := find_existing()) is not None:
        raise duplicate(existing)
    claim = Claim(
        key=draft.key,
        source_id=source.id,
        start=draft.start,
        end=draft.end,
        quote=quote,
        statement=statement,
        speaker=speaker,
        subjects=subjects,
        status=status,
        rationale=rationale,
        assignee_id=assignee.id if assignee else None,
        search_text=_search_text(statement, quote, speaker, subjects),
        created_by_id=actor.id if actor else None,
    )
    unique.insert_or_refuse(lambda: db.session.add(claim), find_existing, duplicate)
    _refresh_links(claim)
    audit.record(
        actor,
        "claim",
        claim.id,
        AuditAction.create,
        claim_id=claim.id,
        snapshot=_snapshot(claim),
        reason=rationale,
    )
    return claim


def _refresh_links(claim: Claim) -> None:
    """Keep what depends on a claim's words in step: its entities and its values."""
    entities.link_claim(claim)
    values.refresh_values(claim)
    answers.propose(claim)


def _recheck(claim: Claim) -> None:
    """Statuses, values and evidence feed contradictions: look at the claim's question again."""
    if claim.question_id is not None:
        disputes.detect(claim.question_id)


def find_by_key(key: str) -> Claim | None:
    return db.session.scalar(sa.select(Claim).where(Claim.key == key))


def _snapshot(claim: Claim) -> dict[str, Any]:
    return {name: getattr(claim, name) for name in EDITABLE_FIELDS} | {"source_id": claim.source_id}


def _parse_status(value: ClaimStatus | str) -> ClaimStatus:
    try:
        return ClaimStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in ClaimStatus)
        raise InvalidInput(
            f"Unknown status {value!r}; use one of {allowed}.", {"status": "invalid"}
        ) from None


def _check_verdict(
    status: ClaimStatus, rationale: str | None, *, has_evidence: bool, actor: User | None
) -> None:
    if status.is_verdict and not rationale:
        raise InvalidInput(
            f"A verdict ({status.label}) needs a rationale: say why.", {"rationale": "required"}
        )
    needs_evidence = status in (ClaimStatus.verified, ClaimStatus.false) and not has_evidence
    if needs_evidence and not _can(actor, Role.editor):
        raise NotAllowed(
            f"Attach evidence before marking a claim {status.label.lower()}; only editors "
            "may do so without evidence.",
            {"status": "needs evidence"},
        )


def _get_assignee(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise InvalidInput(f"There is no active user #{user_id}.", {"assignee_id": "unknown"})
    if not user.can(Role.reviewer):
        raise InvalidInput(
            f"{user.username} is a viewer and cannot review claims.", {"assignee_id": "viewer"}
        )
    return user


#: Fields a reviewer may change on a claim, in the order the history lists them.
EDITABLE_FIELDS = (
    "start",
    "end",
    "quote",
    "statement",
    "speaker",
    "subjects",
    "status",
    "rationale",
    "assignee_id",
)


@dataclass(frozen=True)
class ClaimChanges:
    """What a save changes; None leaves a field as it is."""

    start: int | None = None
    end: int | None = None
    quote: str | None = None
    statement: str | None = None
    speaker: str | None = None
    subjects: list[str] | None = None
    status: ClaimStatus | str | None = None
    rationale: str | None = None
    #: 0 clears the assignee.
    assignee_id: int | None = None

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


def may_see_deleted(actor: User | None) -> bool:
    """Who sees soft-deleted claims: editors and admins (and the system). Below editor a
    deleted claim is a 404 on its own pages and absent from every list and the change log."""
    return _can(actor, Role.editor)


def get_claim(claim_id: int, *, include_deleted: bool = False) -> Claim:
    """:raises NotFound: no such claim (or it is deleted and `include_deleted` is false)."""
    claim = db.session.scalar(
        sa.select(Claim)
        .where(Claim.id == claim_id)
        .options(
            selectinload(Claim.source),
            selectinload(Claim.evidence).selectinload(Evidence.added_by),
            selectinload(Claim.assignee),
            selectinload(Claim.created_by),
        )
    )
    if claim is None or (claim.is_deleted and not include_deleted):
        raise NotFound(f"There is no claim #{claim_id}.")
    return claim


def check_version(claim: Claim, version: int) -> None:
    if version != claim.version:
        raise Conflict(
            f"Claim #{claim.id} was changed by someone else since you opened it (you edited "
            f"version {version}; it is now at version {claim.version}). Nothing was saved.",
            claim.version,
            {"version": "stale"},
        )


def edit_claim(
    claim_id: int,
    changes: ClaimChanges,
    *,
    version: int,
    actor: User | None,
    note: str | None = None,
) -> Claim:
    """Change a claim's fields, checking every rule, and log each changed field.

    :raises Conflict: `version` is not the claim's current version.
    :raises InvalidInput, NotAllowed: as for :func:`mark_claim`.
    """
    _require(actor, Role.reviewer, "Editing a claim")
    claim = get_claim(claim_id)
    check_version(claim, version)
    given = changes.given()

    new: dict[str, Any] = {}
    start, end = given.get("start", claim.start), given.get("end", claim.end)
    if "start" in given or "end" in given or "quote" in given:
        new["quote"] = check_span(claim.source, start, end, given.get("quote"))
        new["start"], new["end"] = start, end
    if "statement" in given:
        new["statement"] = _clean_text(given["statement"], "statement", "The statement")
    if "speaker" in given:
        new["speaker"] = _clean_text(
            given["speaker"] or THE_ARTICLE, "speaker", "The speaker", limit=MAX_SPEAKER
        )
    if "subjects" in given:
        new["subjects"] = _clean_subjects(given["subjects"])
    if "rationale" in given:
        new["rationale"] = given["rationale"].strip() or None
    if "status" in given:
        new["status"] = _parse_status(given["status"])
    if "assignee_id" in given:
        assignee = _get_assignee(given["assignee_id"] or None)
        new["assignee_id"] = assignee.id if assignee else None

    changed = {k: (getattr(claim, k), v) for k, v in new.items() if getattr(claim, k) != v}
    status = changed.get("status", (None, claim.status))[1]
    rationale = changed.get("rationale", (None, claim.rationale))[1]
    if "status" in changed or ("rationale" in changed and status.is_verdict):
        _check_verdict(status, rationale, has_evidence=bool(claim.live_evidence), actor=actor)
    if not changed:
        return claim

    for name, (_before, after) in changed.items():
        setattr(claim, name, after)
    claim.search_text = _search_text(claim.statement, claim.quote, claim.speaker, claim.subjects)
    reason = rationale if "status" in changed else (note or None)
    audit.record(
        actor,
        "claim",
        claim.id,
        AuditAction.update,
        claim_id=claim.id,
        changes=changed,
        reason=reason,
    )
    _flush_versioned(claim)
    if changed.keys() & {"start", "end", "quote", "statement", "speaker", "subjects"}:
        _refresh_links(claim)
    _recheck(claim)
    return claim


def _flush_versioned(claim: Claim) -> None:
    """Flush, turning a concurrent save that got in first into a Conflict."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except StaleDataError:
        current = db.session.scalar(sa.select(Claim.version).where(Claim.id == claim.id))
        raise Conflict(
            f"Claim #{claim.id} was saved by someone else at the same moment. Nothing was saved.",
            current or 0,
            {"version": "stale"},
        ) from None


def delete_claim(claim_id: int, *, version: int, actor: User | None, note: str | None) -> Claim:
    """Soft-delete a claim (editors); it can be restored.

    :raises Conflict: stale version.
    """
    _require(actor, Role.editor, "Deleting a claim")
    claim = get_claim(claim_id)
    check_version(claim, version)
    claim.is_deleted = True
    audit.record(actor, "claim", claim.id, AuditAction.delete, claim_id=claim.id, reason=note)
    _flush_versioned(claim)
    _recheck(claim)
    return claim


def restore_claim(claim_id: int, *, actor: User | None, note: str | None = None) -> Claim:
    _require(actor, Role.editor, "Restoring a claim")
    claim = get_claim(claim_id, include_deleted=True)
    if not claim.is_deleted:
        raise InvalidInput(f"Claim #{claim.id} is not deleted.")
    claim.is_deleted = False
    audit.record(actor, "claim", claim.id, AuditAction.restore, claim_id=claim.id, reason=note)
    _flush_versioned(claim)
    _recheck(claim)
    return claim


def assign_claims(
    claim_ids: list[int], assignee_id: int | None, *, actor: User | None
) -> list[Claim]:
    """Assign many claims at once (None unassigns); each change is logged.

    :raises InvalidInput: unknown claims or assignee.
    """
    _require(actor, Role.reviewer, "Assigning claims")
    if not claim_ids:
        raise InvalidInput("Choose at least one claim.", {"claim_ids": "required"})
    assignee = _get_assignee(assignee_id)
    claims = list(
        db.session.scalars(
            sa.select(Claim).where(Claim.id.in_(set(claim_ids)), Claim.is_deleted.is_(False))
        )
    )
    missing = set(claim_ids) - {c.id for c in claims}
    if missing:
        raise InvalidInput(
            f"No such claims: {', '.join(f'#{i}' for i in sorted(missing))}.",
            {"claim_ids": "unknown"},
        )
    new_id = assignee.id if assignee else None
    for claim in claims:
        if claim.assignee_id != new_id:
            audit.record(
                actor,
                "claim",
                claim.id,
                AuditAction.update,
                claim_id=claim.id,
                changes={"assignee_id": (claim.assignee_id, new_id)},
            )
            claim.assignee_id = new_id
    db.session.flush()
    return claims


# --- evidence -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceDraft:
    url: str
    title: str
    stance: Stance | str
    publisher: str | None = None
    published: str | None = None
    passage: str | None = None


def _clean_evidence(draft: EvidenceDraft) -> EvidenceDraft:
    errors: dict[str, str] = {}
    messages: list[str] = []
    url = draft.url.strip()
    try:
        url = check_url(url)
    except InvalidInput as exc:
        errors.update(exc.fields)
        messages.append(exc.message)
    try:
        stance = Stance(draft.stance)
    except ValueError:
        stance = Stance.context
        errors["stance"] = "invalid"
        messages.append("The stance is one of supports, refutes, context.")
    title = draft.title.strip()
    if not title or len(title) > 500:
        errors["title"] = "required" if not title else "too long"
        messages.append("Give the page's title (at most 500 characters).")
    published = (draft.published or "").strip() or None
    if published:
        try:
            check_partial_date(published)
        except InvalidDate:
            errors["published"] = "invalid"
            messages.append(
                f"“{published[:20]}” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, "
                "a day the calendar has."
            )
    publisher = (draft.publisher or "").strip() or None
    if publisher and len(publisher) > 200:
        errors["publisher"] = "too long"
        messages.append("The publisher has at most 200 characters.")
    if errors:
        raise InvalidInput(" ".join(messages), errors)
    return replace(
        draft,
        url=url,
        title=title,
        stance=stance,
        published=published,
        publisher=publisher,
        passage=(draft.passage or "").strip() or None,
    )


def attach_evidence(claim_id: int, draft: EvidenceDraft, *, actor: User | None) -> Evidence:
    """Add an evidence link to a claim.

    :raises InvalidInput: a bad URL (http or https only), title, stance or date.
    :raises Duplicate: the same address is evidence for this claim already (naming it), also
        when someone else added it at the same moment.
    """
    _require(actor, Role.reviewer, "Adding evidence")
    claim = get_claim(claim_id)
    draft = _clean_evidence(draft)

    def find_existing() -> int | None:
        return db.session.scalar(
            sa.select(Evidence.id).where(Evidence.claim_id == claim.id, Evidence.url == draft.url)
        )

    def duplicate(existing_id: int) -> Duplicate:
        existing = db.session.get(Evidence, existing_id)
        state = " (deleted: an editor can restore it)" if existing and existing.is_deleted else ""
        return Duplicate(
            f"This address is already evidence for claim #{claim.id}{state}.",
            existing_id,
            {"url": "duplicate"},
        )

    for existing in claim.evidence:
        if existing.url == draft.url:
            raise duplicate(existing.id)
    evidence = Evidence(
        url=draft.url,
        title=draft.title,
        stance=Stance(draft.stance),
        publisher=draft.publisher,
        published=draft.published,
        passage=draft.passage,
        added_by_id=actor.id if actor else None,
    )
    # Added by someone else at the same moment: theirs is the evidence.
    unique.insert_or_refuse(lambda: claim.evidence.append(evidence), find_existing, duplicate)
    audit.record(
        actor,
        "evidence",
        evidence.id,
        AuditAction.create,
        claim_id=claim.id,
        snapshot={
            "url": evidence.url,
            "title": evidence.title,
            "stance": evidence.stance,
            "publisher": evidence.publisher,
            "published": evidence.published,
            "passage": evidence.passage,
        },
    )
    _recheck(claim)
    return evidence


def _get_evidence(claim_id: int, evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.claim_id != claim_id:
        raise NotFound(f"Claim #{claim_id} has no evidence #{evidence_id}.")
    return evidence


def set_evidence_deleted(
    claim_id: int, evidence_id: int, deleted: bool, *, actor: User | None, note: str | None = None
) -> Evidence:
    """Soft-delete evidence, or restore it (editors); logged either way."""
    _require(actor, Role.editor, "Deleting or restoring evidence")
    evidence = _get_evidence(claim_id, evidence_id)
    if evidence.is_deleted == deleted:
        raise InvalidInput(f"Evidence #{evidence.id} is {'already' if deleted else 'not'} deleted.")
    evidence.is_deleted = deleted
    audit.record(
        actor,
        "evidence",
        evidence.id,
        AuditAction.delete if deleted else AuditAction.restore,
        claim_id=claim_id,
        snapshot={"url": evidence.url},
        reason=note,
    )
    db.session.flush()
    _recheck(evidence.claim)
    return evidence
