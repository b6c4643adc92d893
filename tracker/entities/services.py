"""Entities and aliases, and linking claims to the people and organisations they involve."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Role, User
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.claims.models import Claim
from tracker.core import db, unique
from tracker.core.errors import Duplicate, InvalidInput, NotAllowed, NotFound
from tracker.core.pagination import Page, paginate
from tracker.entities.models import ClaimEntity, Entity, EntityAlias, EntityKind, EntityRole
from tracker.questions.models import Question
from tracker.sources.models import Source
from tracker.text.glosses import find_glosses, strip_glosses
from tracker.text.script import search_key

MAX_NAME = 200
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PARENTHESIS = re.compile(r"\s*[(（][^)）]*[)）]\s*$")


def alias_key(name: str) -> str:
    """The form names are compared in: simplified Chinese, case-folded, single spaces."""
    return search_key(re.sub(r"\s+", " ", name).strip())


def _require_reviewer(actor: User | None) -> None:
    if actor is not None and not actor.can(Role.reviewer):
        raise NotAllowed("Adding people and organisations needs the reviewer role.")


def _check_alias(name: str, entity: Entity | None = None, field: str = "alias") -> str:
    """`name` with single spaces; `field` is what an error calls it.

    :raises InvalidInput: an empty or too long name.
    :raises Duplicate: the name means another entity already.
    """
    name = re.sub(r"\s+", " ", name).strip()
    if not name:
        raise InvalidInput("A name is empty.", {field: "empty"})
    # Names are compared folded, and a name can fold longer than it is written (ß is ss):
    # both must fit the columns.
    if len(name) > MAX_NAME or len(alias_key(name)) > MAX_NAME:
        raise InvalidInput(
            f"A name has at most {MAX_NAME} characters (counting ß as ss, as names are compared).",
            {field: "too long"},
        )
    owner = db.session.scalar(
        sa.select(EntityAlias).where(EntityAlias.alias_key == alias_key(name))
    )
    if owner is not None and (entity is None or owner.entity_id != entity.id):
        raise _taken(name, owner.entity_id, field)
    return name


def _taken(name: str, entity_id: int, field: str = "alias") -> Duplicate:
    owner = db.session.get(Entity, entity_id)
    return Duplicate(
        f"“{name}” already names {owner.name if owner else f'#{entity_id}'}; "
        "a name can mean only one entity.",
        entity_id,
        {field: "taken"},
    )


def _owner_of(names: Iterable[str]) -> tuple[str, int] | None:
    """The first of these names that already means an entity, and that entity's id."""
    for name in names:
        clean = re.sub(r"\s+", " ", name).strip()
        found = db.session.scalar(
            sa.select(EntityAlias.entity_id).where(EntityAlias.alias_key == alias_key(clean))
        )
        if found is None:
            found = db.session.scalar(sa.select(Entity.id).where(Entity.name == clean))
        if found is not None:
            return clean, found
    return None


def create_entity(
    name: str, kind: EntityKind | str, aliases: Iterable[str] = (), *, actor: User | None
) -> Entity:
    """Add a person or organisation with its names; claims naming it are linked to it.

    :raises InvalidInput: an empty name, or an unknown kind.
    :raises Duplicate: a name means another entity already (naming it).
    """
    _require_reviewer(actor)
    try:
        kind = EntityKind(kind)
    except ValueError:
        raise InvalidInput("The kind is person or organisation.", {"kind": "invalid"}) from None
    name = _check_alias(name, field="name")
    entity = Entity(name=name, kind=kind)
    keys: set[str] = set()

    def add() -> None:
        db.session.add(entity)
        db.session.flush()
        for i, alias in enumerate([name, *aliases]):
            clean = _check_alias(alias, entity, "name" if i == 0 else "aliases")
            if alias_key(clean) not in keys:
                keys.add(alias_key(clean))
                db.session.add(
                    EntityAlias(entity_id=entity.id, alias=clean, alias_key=alias_key(clean))
                )

    # One of the names given to another entity at the same moment: that one has it.
    owner: list[str] = []

    def find_existing() -> int | None:
        found = _owner_of([name, *aliases])
        if found is None:
            return None
        owner.append(found[0])
        return found[1]

    def taken(entity_id: int) -> Duplicate:
        return _taken(owner[-1], entity_id, "name" if owner[-1] == name else "aliases")

    unique.insert_or_refuse(add, find_existing, taken)
    audit.record(
        actor,
        "entity",
        entity.id,
        AuditAction.create,
        snapshot={"name": name, "kind": kind, "aliases": sorted(aliases)},
    )
    relink_claims_naming(keys)
    return entity


def add_alias(entity_id: int, alias: str, *, actor: User | None) -> EntityAlias:
    """Add another name for an entity and link the claims that use it.

    :raises InvalidInput: the name is empty.
    :raises Duplicate: the name means another entity already (naming it).
    """
    _require_reviewer(actor)
    entity = get_entity(entity_id)
    clean = _check_alias(alias, entity)
    key = alias_key(clean)
    existing = next((a for a in entity.aliases if a.alias_key == key), None)
    if existing is not None:
        return existing
    row = EntityAlias(entity_id=entity.id, alias=clean, alias_key=key)
    try:
        with unique.first_writer():
            db.session.add(row)
    except unique.UniqueViolation:
        # Someone else gave this name at the same moment: to this entity (then it is done, as
        # when it was there before), or to another one, which it now names.
        won = db.session.scalar(sa.select(EntityAlias).where(EntityAlias.alias_key == key))
        if won is None:
            raise
        if won.entity_id == entity.id:
            return won
        raise _taken(clean, won.entity_id) from None
    audit.record(actor, "entity", entity.id, AuditAction.update, changes={"aliases": (None, clean)})
    relink_claims_naming({key})
    return row


def get_entity(entity_id: int) -> Entity:
    entity = db.session.scalar(
        sa.select(Entity).where(Entity.id == entity_id).options(selectinload(Entity.aliases))
    )
    if entity is None:
        raise NotFound(f"There is no person or organisation #{entity_id}.")
    return entity


def find_entity(name: str) -> Entity | None:
    """The entity this name (or alias) means, if any."""
    alias = db.session.scalar(
        sa.select(EntityAlias).where(EntityAlias.alias_key == alias_key(name))
    )
    return alias.entity if alias is not None else None


def list_entities(page: int = 1, per_page: int = 50, q: str | None = None) -> Page[Entity]:
    """A page of entities by name, with their aliases; `q` finds a name in any of its
    spellings (traditional and simplified Chinese alike). COUNT, page and aliases: three
    queries whatever the number of entities."""
    stmt = sa.select(Entity)
    if q and q.strip():
        stmt = stmt.where(
            Entity.id.in_(
                sa.select(EntityAlias.entity_id).where(
                    EntityAlias.alias_key.contains(search_key(q.strip()), autoescape=True)
                )
            )
        )
    return paginate(
        stmt.options(selectinload(Entity.aliases)).order_by(Entity.name, Entity.id),
        page,
        per_page,
    )


@dataclass(frozen=True)
class AliasIndex:
    """Every alias key and its entity, for finding names in text."""

    by_key: dict[str, int]
    #: Latin-script aliases as one regex with word boundaries; CJK aliases matched as substrings.
    latin: re.Pattern[str] | None
    cjk: tuple[str, ...]

    def resolve(self, name: str) -> int | None:
        key = alias_key(name)
        found = self.by_key.get(key)
        if found is None:
            # "Elon Musk (lawsuit)" -> "Elon Musk"
            stripped = _PARENTHESIS.sub("", name)
            found = self.by_key.get(alias_key(stripped)) if stripped != name else None
        return found

    def mentions(self, text: str) -> set[int]:
        key = alias_key(text)
        found = {self.by_key[k] for k in self.cjk if k in key}
        if self.latin is not None:
            found |= {self.by_key[m.group(0)] for m in self.latin.finditer(key)}
        return found


def alias_index() -> AliasIndex:
    rows = db.session.execute(sa.select(EntityAlias.alias_key, EntityAlias.entity_id)).all()
    by_key = {key: entity_id for key, entity_id in rows}
    latin = sorted((k for k in by_key if not _CJK.search(k)), key=len, reverse=True)
    pattern = (
        re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in latin) + r")(?!\w)")
        if latin
        else None
    )
    return AliasIndex(by_key, pattern, tuple(k for k in by_key if _CJK.search(k)))


def link_claim(claim: Claim, index: AliasIndex | None = None) -> set[int]:
    """Recompute which entities the claim is about, by, or mentions; returns their ids.

    When another transaction linked the claim to one of the same entities a moment ago (two
    names of one entity added at once), it runs again and keeps that link.
    """
    return unique.retried_once(lambda: _link_claim(claim, index or alias_index()))


def _link_claim(claim: Claim, index: AliasIndex) -> set[int]:
    quote = strip_glosses(claim.quote, find_glosses(claim.quote)).text
    wanted: set[tuple[int, EntityRole]] = set()
    for subject in claim.subjects:
        if (entity_id := index.resolve(subject)) is not None:
            wanted.add((entity_id, EntityRole.subject))
    if (speaker := index.resolve(claim.speaker)) is not None:
        wanted.add((speaker, EntityRole.speaker))
    for entity_id in index.mentions(f"{quote}\n{claim.statement}"):
        wanted.add((entity_id, EntityRole.mention))
    current = {
        (row.entity_id, row.role): row
        for row in db.session.scalars(
            sa.select(ClaimEntity).where(ClaimEntity.claim_id == claim.id)
        )
    }
    for key, row in current.items():
        if key not in wanted:
            db.session.delete(row)
    for entity_id, role in wanted - set(current):
        db.session.add(ClaimEntity(claim_id=claim.id, entity_id=entity_id, role=role))
    db.session.flush()
    return {entity_id for entity_id, _ in wanted}


def relink_claims_naming(keys: set[str]) -> int:
    """Relink the claims whose text may name one of these alias keys (after a new alias)."""
    if not keys:
        return 0
    claims = db.session.scalars(
        sa.select(Claim).where(
            sa.or_(*(Claim.search_text.contains(k, autoescape=True) for k in keys))
        )
    ).all()
    index = alias_index()
    for claim in claims:
        link_claim(claim, index)
    return len(claims)


@dataclass(frozen=True)
class ClaimPage:
    """A keyset page of an entity's claims in one role, by claim id."""

    items: list[Claim]
    total: int
    #: The last id shown when there are more (pass it as `after`), else None.
    next_after: int | None


def entity_claim_page(
    entity_id: int, *, said: bool, after: int | None = None, per_page: int = 50
) -> ClaimPage:
    """The claims an entity said (or that are about it), `per_page` at a time after the claim
    id `after`: a COUNT, a page and its sources, evidence and answers, whatever the data."""
    live = sa.and_(Claim.id.in_(_in_role(entity_id, said)), Claim.is_deleted.is_(False))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Claim).where(live)) or 0
    stmt = sa.select(Claim).where(live)
    if after is not None:
        stmt = stmt.where(Claim.id > after)
    rows = list(
        db.session.scalars(
            stmt.options(
                selectinload(Claim.source).load_only(Source.id, Source.title, Source.language),
                selectinload(Claim.evidence),
                selectinload(Claim.answer),
            )
            .order_by(Claim.id)
            .limit(per_page + 1)
        )
    )
    more = len(rows) > per_page
    rows = rows[:per_page]
    return ClaimPage(rows, total, rows[-1].id if more else None)


#: On an entity's page: questions a page, and claims shown under each question.
QUESTIONS_PER_PAGE = 20
CLAIMS_PER_QUESTION = 6


@dataclass
class QuestionClaims:
    """One question (None: claims in no question) with the first of its claims and how many."""

    question: Question | None
    claims: list[Claim]
    count: int


@dataclass
class RoleClaims:
    """What an entity says (or what is said about it), a page of questions at a time."""

    claims: int
    questions: Page[QuestionClaims]


def _role_is(entity_id: int, said: bool) -> sa.ColumnElement[bool]:
    role = (
        ClaimEntity.role == EntityRole.speaker if said else ClaimEntity.role != EntityRole.speaker
    )
    return sa.and_(ClaimEntity.entity_id == entity_id, role)


def _in_role(entity_id: int, said: bool) -> sa.Select[int]:
    return sa.select(ClaimEntity.claim_id).where(_role_is(entity_id, said))


def entity_role_claims(entity_id: int, *, said: bool, page: int = 1) -> RoleClaims:
    """A page of the questions the entity's claims (as speaker, or about it) answer, ordered
    by question text with ungrouped claims last, each with its claim count and its first
    claims. A fixed number of queries, loading only what the page shows."""
    live = sa.and_(Claim.id.in_(_in_role(entity_id, said)), Claim.is_deleted.is_(False))
    # The page of questions and, by window functions over the same grouping, how many
    # questions and claims there are in all: one pass over the entity's claims, not three.
    rows = db.session.execute(
        sa.select(
            Claim.question_id,
            sa.func.count(),
            sa.func.count().over(),
            sa.func.sum(sa.func.count()).over(),
        )
        .select_from(Claim)
        .outerjoin(Question, Question.id == Claim.question_id)
        .where(live)
        .group_by(Claim.question_id, Question.text)
        .order_by(Claim.question_id.is_(None), Question.text, Claim.question_id)
        .limit(QUESTIONS_PER_PAGE)
        .offset((page - 1) * QUESTIONS_PER_PAGE)
    ).all()
    if rows:
        total_groups, total_claims = rows[0][2], int(rows[0][3])
    elif page == 1:
        total_groups = total_claims = 0
    else:  # past the last page: count apart
        total_claims = (
            db.session.scalar(sa.select(sa.func.count()).select_from(Claim).where(live)) or 0
        )
        total_groups = (
            db.session.scalar(
                sa.select(sa.func.count(sa.distinct(sa.func.coalesce(Claim.question_id, 0)))).where(
                    live
                )
            )
            or 0
        )
    groups = [(qid, count) for qid, count, _, _ in rows]
    ids = [qid for qid, _ in groups if qid is not None]
    questions = (
        {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(ids)))}
        if ids
        else {}
    )
    shown: dict[int | None, list[Claim]] = defaultdict(list)
    if groups:
        place = (
            sa.func.row_number()
            .over(
                partition_by=Claim.question_id,
                order_by=(Claim.source_id, Claim.start, Claim.id),
            )
            .label("place")
        )
        in_page: sa.ColumnElement[bool] = Claim.question_id.in_(ids) if ids else sa.false()
        if any(qid is None for qid, _ in groups):
            in_page = sa.or_(in_page, Claim.question_id.is_(None))
        # Found from the page's questions (their index), each checked for the entity's role:
        # not from all of the entity's claims, which may be tens of thousands.
        in_role = (
            sa.select(ClaimEntity.claim_id)
            .where(ClaimEntity.claim_id == Claim.id, _role_is(entity_id, said))
            .exists()
        )
        first = (
            sa.select(Claim.id, place)
            # coalesce(): so that SQLite (no statistics) reads the questions' index, not the
            # index of every live claim.
            .where(in_page, in_role, sa.func.coalesce(Claim.is_deleted, False).is_(False))
            .subquery()
        )
        for claim in db.session.scalars(
            sa.select(Claim)
            .join(first, first.c.id == Claim.id)
            .where(first.c.place <= CLAIMS_PER_QUESTION)
            .options(
                selectinload(Claim.source).load_only(Source.id, Source.title, Source.language),
                selectinload(Claim.evidence),
            )
            .order_by(Claim.source_id, Claim.start, Claim.id)
        ):
            shown[claim.question_id].append(claim)
    items = [
        QuestionClaims(questions.get(qid) if qid is not None else None, shown[qid], count)
        for qid, count in groups
    ]
    return RoleClaims(
        claims=total_claims or 0,
        questions=Page(
            items=items, total=total_groups or 0, page=page, per_page=QUESTIONS_PER_PAGE
        ),
    )
