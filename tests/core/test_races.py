"""Two people saving the same thing at the same moment, through a real served app: exactly one
row is stored, and every other request gets a 409 naming it (never a 500).

Each case runs twice. Against a holder: a transaction of its own has stored the row and not
committed yet while the requests arrive; on PostgreSQL every request then passes the service's
"is it there already?" check (the row is not visible yet) and waits on the unique index until
the holder commits: the race is taken every time. And as a burst: the requests alone, released
together. On SQLite writers queue for the lock, so there the check itself answers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.conftest import BACKENDS, PASSWORD
from tests.support.live import Reply, call, serving
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role, User
from tracker.claims import services as claims
from tracker.claims.models import Evidence
from tracker.core import db, migrate
from tracker.entities import services as entities
from tracker.entities.models import ClaimEntity, Entity, EntityAlias
from tracker.questions import answers, disputes, rulings, suggestions
from tracker.questions import services as questions
from tracker.questions.models import (
    Answer,
    AnswerRuling,
    ConflictKind,
    Contradiction,
    SuggestionDecision,
)
from tracker.sources import services as sources
from tracker.sources.models import Source

SEED = Path(__file__).resolve().parents[2] / "seeds" / "de-openai-talent-exodus.txt"
#: Requests sent at once (each with a token of its own) and waitress threads to take them.
BURST = 6


@dataclass
class Site:
    app: Flask
    base: str
    backend: str
    tokens: list[str]
    admin_token: str
    source_id: int
    _claims: Iterator[int]
    _names: Iterator[int]

    def new_claims(self, count: int) -> list[int]:
        """Claims of their own for a test (the site is shared by the module's tests)."""
        with self.app.app_context():
            sentences = sources.get_source(self.source_id).sentences
            made = []
            for _ in range(count):
                n = next(self._claims)
                sentence = sentences[n % len(sentences)]
                draft = claims.ClaimDraft(
                    start=sentence.start, end=sentence.end, statement=f"Statement {n}"
                )
                made.append(claims.mark_claim(self.source_id, draft, actor=None).id)
            db.session.commit()
            return made

    def name(self, prefix: str) -> str:
        return f"{prefix} {next(self._names)}"

    def count(self, statement: Any) -> int:
        with self.app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, new_database: Callable[[str], str]) -> Iterator[Site]:
    import itertools

    url = new_database(request.param)
    migrate.upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "races",
            "WTF_CSRF_ENABLED": False,
            "SQLITE_BUSY_TIMEOUT": 30,
        }
    )
    with app.app_context():
        tokens = []
        for n in range(BURST):
            accounts.create_user(f"reviewer{n}", PASSWORD, Role.reviewer)
            tokens.append(accounts.create_token(f"reviewer{n}"))
        accounts.create_user("chief", PASSWORD, Role.admin)
        admin_token = accounts.create_token("chief")
        source = sources.import_source(SEED.read_text(encoding="utf-8"), actor=None)
        db.session.commit()
        source_id = source.id
    with serving(app, threads=BURST + 2) as base:
        yield Site(
            app,
            base,
            request.param,
            tokens,
            admin_token,
            source_id,
            itertools.count(),
            itertools.count(),
        )
    app.extensions["tracker.engine"].dispose()


def _in_threads(send: Callable[[int], Reply], count: int) -> tuple[list[threading.Thread], list]:
    barrier = threading.Barrier(count)
    replies: list[Reply | None] = [None] * count

    def run(n: int) -> None:
        barrier.wait()
        replies[n] = send(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    return threads, replies


def burst(send: Callable[[int], Reply], count: int = BURST) -> list[Reply]:
    """Send `count` requests released together; `send(n)` makes the n-th."""
    threads, replies = _in_threads(send, count)
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in replies), "a request did not come back"
    return replies  # type: ignore[return-value]


def _waiting_on_locks(site: Site) -> int:
    engine: sa.Engine = site.app.extensions["tracker.engine"]
    with engine.connect() as connection:
        return connection.scalar(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )


def against_holder(
    site: Site, hold: Callable[[], int], send: Callable[[int], Reply], count: int = BURST
) -> tuple[int, list[Reply]]:
    """Store a row with `hold()` in a transaction of this test, send the requests while it is
    uncommitted, commit once they all wait (PostgreSQL), and return its id and their replies."""
    with site.app.app_context():
        held = hold()
        db.session.flush()
        threads, replies = _in_threads(send, count)
        if site.backend == "postgresql":
            deadline = time.monotonic() + 30
            while _waiting_on_locks(site) < count and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _waiting_on_locks(site) >= count, "the requests never waited on the holder"
        else:
            time.sleep(0.5)  # they queue for SQLite's write lock
        db.session.commit()
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in replies), "a request did not come back"
    return held, replies  # type: ignore[return-value]


def assert_all_refused_naming(replies: list[Reply], existing_id: int) -> None:
    statuses = [r.status for r in replies]
    assert statuses == [409] * len(replies), [(r.status, r.body[:300]) for r in replies]
    for reply in replies:
        body = reply.json()
        assert body["existing_id"] == existing_id, body
        assert body["error"]["existing_id"] == existing_id
        assert body["error"]["code"] == "duplicate" and body["error"]["message"]


def assert_one_stored_rest_refused(replies: list[Reply], created: int = 201) -> int:
    """Exactly one request stored it; returns the id the others were given."""
    winners = [r for r in replies if r.status == created]
    losers = [r for r in replies if r.status != created]
    assert len(winners) == 1, [(r.status, r.body[:300]) for r in replies]
    assert {r.status for r in losers} <= {409}, [(r.status, r.body[:300]) for r in losers]
    ids = {r.json()["existing_id"] for r in losers}
    assert len(ids) <= 1, ids
    return ids.pop() if ids else -1


# --- evidence: one URL once per claim ------------------------------------------------------


def _evidence(url: str) -> dict[str, str]:
    return {"url": url, "title": "A report", "stance": "supports"}


def test_the_same_evidence_url_added_at_once_is_stored_once(site: Site) -> None:
    (claim_id,) = site.new_claims(1)
    url = f"https://example.org/{site.name('report').replace(' ', '-')}"

    def hold() -> int:
        draft = claims.EvidenceDraft(**_evidence(url))
        return claims.attach_evidence(claim_id, draft, actor=None).id

    def send(n: int) -> Reply:
        path = f"{site.base}/api/v1/claims/{claim_id}/evidence"
        return call(path, "POST", token=site.tokens[n], body=_evidence(url))

    held, replies = against_holder(site, hold, send)
    assert_all_refused_naming(replies, held)
    for reply in replies:
        assert reply.json()["error"]["fields"] == {"url": "duplicate"}
    stored = sa.select(Evidence.id).where(Evidence.claim_id == claim_id, Evidence.url == url)
    assert site.count(stored) == 1


def test_a_burst_of_the_same_evidence_url_stores_one(site: Site) -> None:
    (claim_id,) = site.new_claims(1)
    url = f"https://example.org/{site.name('burst').replace(' ', '-')}"
    replies = burst(
        lambda n: call(
            f"{site.base}/api/v1/claims/{claim_id}/evidence",
            "POST",
            token=site.tokens[n],
            body=_evidence(url),
        )
    )
    existing = assert_one_stored_rest_refused(replies)
    winner = next(r for r in replies if r.status == 201).json()["id"]
    assert existing == winner
    stored = sa.select(Evidence.id).where(Evidence.claim_id == claim_id, Evidence.url == url)
    assert site.count(stored) == 1


def test_the_evidence_form_racing_a_save_says_the_address_is_there(site: Site) -> None:
    (claim_id,) = site.new_claims(1)
    url = f"https://example.org/{site.name('form').replace(' ', '-')}"

    def hold() -> int:
        return claims.attach_evidence(
            claim_id, claims.EvidenceDraft(**_evidence(url)), actor=None
        ).id

    def send(n: int) -> Reply:
        path = f"{site.base}/claims/{claim_id}/evidence"
        return call(path, "POST", token=site.tokens[n], form=_evidence(url), follow_redirects=False)

    _, replies = against_holder(site, hold, send, count=3)
    # The form comes back with the message on its address field, naming the claim.
    assert [r.status for r in replies] == [409] * 3, [r.body[:300] for r in replies]
    for reply in replies:
        assert f"already evidence for claim #{claim_id}".encode() in reply.body
    stored = sa.select(Evidence.id).where(Evidence.claim_id == claim_id, Evidence.url == url)
    assert site.count(stored) == 1


# --- sources: the same text once ------------------------------------------------------------


def test_the_same_text_imported_at_once_is_stored_once(site: Site) -> None:
    text = f"{site.name('An article')}.\nIt says one thing and then another.\n"

    def hold() -> int:
        return sources.import_source(text, actor=None).id

    def send(n: int) -> Reply:
        return call(
            f"{site.base}/api/v1/sources", "POST", token=site.tokens[n], body={"text": text}
        )

    held, replies = against_holder(site, hold, send)
    assert_all_refused_naming(replies, held)
    assert site.count(sa.select(Source.id).where(Source.text == text)) == 1


def test_a_burst_of_the_same_text_stores_one_source(site: Site) -> None:
    text = f"{site.name('Another article')}.\nWith a second sentence.\n"
    replies = burst(
        lambda n: call(
            f"{site.base}/api/v1/sources", "POST", token=site.tokens[n], body={"text": text}
        )
    )
    existing = assert_one_stored_rest_refused(replies)
    assert existing == next(r for r in replies if r.status == 201).json()["id"]
    assert site.count(sa.select(Source.id).where(Source.text == text)) == 1


def test_the_import_form_racing_an_import_goes_to_the_stored_source(site: Site) -> None:
    text = f"{site.name('A pasted article')}.\nPasted twice at once.\n"

    def hold() -> int:
        return sources.import_source(text, actor=None).id

    def send(n: int) -> Reply:
        return call(
            f"{site.base}/sources/new",
            "POST",
            token=site.tokens[n],
            form={"text": text},
            follow_redirects=False,
        )

    held, replies = against_holder(site, hold, send, count=3)
    for reply in replies:
        assert reply.status == 302, reply.body[:300]
        assert reply.headers["Location"].endswith(f"/sources/{held}")
    assert site.count(sa.select(Source.id).where(Source.text == text)) == 1


# --- entities and aliases: a name means one entity --------------------------------------------


def test_the_same_entity_created_at_once_is_stored_once(site: Site) -> None:
    name = site.name("Ada Example")

    def hold() -> int:
        return entities.create_entity(name, "person", actor=None).id

    def send(n: int) -> Reply:
        body = {"name": name, "kind": "person", "aliases": []}
        return call(f"{site.base}/api/v1/entities", "POST", token=site.tokens[n], body=body)

    held, replies = against_holder(site, hold, send)
    assert_all_refused_naming(replies, held)
    assert site.count(sa.select(Entity.id).where(Entity.name == name)) == 1


def test_one_alias_given_to_two_entities_at_once_names_one(site: Site) -> None:
    alias = site.name("Nickname")
    with site.app.app_context():
        ids = [entities.create_entity(site.name("Person"), "person", actor=None).id for _ in "ab"]
        db.session.commit()
    owner, other = ids

    def hold() -> int:
        entities.add_alias(owner, alias, actor=None)
        return owner

    def send(n: int) -> Reply:
        path = f"{site.base}/api/v1/entities/{other}/aliases"
        return call(path, "POST", token=site.tokens[n], body={"alias": alias})

    held, replies = against_holder(site, hold, send)
    assert_all_refused_naming(replies, held)  # the entity the name already means
    key = entities.alias_key(alias)
    assert site.count(sa.select(EntityAlias.id).where(EntityAlias.alias_key == key)) == 1


# --- questions: suggestion decisions, flags, rulings, answers --------------------------------


def _question_with(site: Site, count: int) -> tuple[int, list[int]]:
    claim_ids = site.new_claims(count)
    with site.app.app_context():
        question = questions.create_question(site.name("Who said it?"), "text", actor=None)
        for claim_id in claim_ids:
            questions.assign_question(claim_id, question.id, actor=None)
        db.session.commit()
        return question.id, claim_ids


def test_the_same_suggestion_rejected_at_once_is_decided_once_not_a_500(site: Site) -> None:
    (claim_id,) = site.new_claims(1)
    with site.app.app_context():
        question_id = questions.create_question(site.name("Is it so?"), "text", actor=None).id
        db.session.commit()

    def decision() -> Any:
        return sa.select(SuggestionDecision.id).where(
            SuggestionDecision.claim_id == claim_id, SuggestionDecision.question_id == question_id
        )

    def hold() -> int:
        suggestions.reject_question(claim_id, question_id, actor=None, reason="not it")
        return db.session.scalar(decision())

    def send(n: int) -> Reply:
        body = {"type": "question", "id": question_id, "decision": "reject"}
        path = f"{site.base}/api/v1/claims/{claim_id}/suggestions"
        return call(path, "POST", token=site.tokens[n], body=body)

    held, replies = against_holder(site, hold, send)
    # A decision replaces the one before it, also when both came at once: one row, the last.
    assert [r.status for r in replies] == [200] * BURST, [r.body[:300] for r in replies]
    assert site.count(decision()) == 1


def test_the_same_pair_flagged_at_once_is_flagged_once_not_a_500(site: Site) -> None:
    question_id, (a, b) = _question_with(site, 2)

    def flags() -> Any:
        return sa.select(Contradiction.id).where(
            Contradiction.claim_a_id == min(a, b),
            Contradiction.claim_b_id == max(a, b),
            Contradiction.kind == ConflictKind.flagged,
        )

    def hold() -> int:
        return disputes.flag(a, b, "they disagree", actor=None).id

    def send(n: int) -> Reply:
        path = f"{site.base}/api/v1/questions/{question_id}/contradictions"
        body = {"claim_ids": [a, b], "reason": f"reviewer {n} says they disagree"}
        return call(path, "POST", token=site.tokens[n], body=body)

    held, replies = against_holder(site, hold, send)
    # A flag's reason replaces the one before it, also when both came at once.
    assert [r.status for r in replies] == [201] * BURST, [r.body[:300] for r in replies]
    assert {r.json()["id"] for r in replies} == {held}
    assert site.count(flags()) == 1


def _answer(site: Site, claim_id: int, text: str) -> int:
    claim = claims.get_claim(claim_id)
    answered = answers.set_answer(claim_id, text, version=claim.version, actor=None)
    assert answered.answer_id is not None
    return answered.answer_id


def test_the_same_two_answers_ruled_on_at_once_get_one_ruling_not_a_500(site: Site) -> None:
    question_id, (a, b) = _question_with(site, 2)
    with site.app.app_context():
        answer_ids = sorted([_answer(site, a, "in March"), _answer(site, b, "in May")])
        db.session.commit()

    def hold() -> int:
        row = rulings.rule(*answer_ids, "not_a_contradiction", "both hold", actor=None)
        assert row is not None
        return row.id

    def send(n: int) -> Reply:
        body = {"answer_ids": answer_ids, "state": "not_a_contradiction", "rationale": f"r{n}"}
        path = f"{site.base}/api/v1/questions/{question_id}/rulings"
        return call(path, "POST", token=site.tokens[n], body=body)

    held, replies = against_holder(site, hold, send)
    # A ruling replaces the one before it, also when both came at once: one row, the last.
    assert [r.status for r in replies] == [200] * BURST, [r.body[:300] for r in replies]
    assert {r.json()["ruling"]["id"] for r in replies} == {held}
    pair = sa.select(AnswerRuling.id).where(
        AnswerRuling.answer_a_id == answer_ids[0], AnswerRuling.answer_b_id == answer_ids[1]
    )
    assert site.count(pair) == 1


def test_claims_given_the_same_new_answer_at_once_share_one_answer(site: Site) -> None:
    # An answer is shared by every claim that gives it: nobody is refused here, they all get it.
    question_id, claim_ids = _question_with(site, BURST + 1)
    text = site.name("after the board met")
    with site.app.app_context():
        versions = {c: claims.get_claim(c).version for c in claim_ids}

    def hold() -> int:
        return _answer(site, claim_ids[-1], text)

    def send(n: int) -> Reply:
        claim_id = claim_ids[n]
        path = f"{site.base}/api/v1/claims/{claim_id}/answer"
        body = {"answer": text, "version": versions[claim_id]}
        return call(path, "PUT", token=site.tokens[n], body=body)

    held, replies = against_holder(site, hold, send)
    assert [r.status for r in replies] == [200] * BURST, [r.body[:300] for r in replies]
    assert {r.json()["answer"]["id"] for r in replies} == {held}
    same = sa.select(Answer.id).where(Answer.question_id == question_id, Answer.text == text)
    assert site.count(same) == 1


# --- users: a name once ------------------------------------------------------------------------


def test_the_same_user_name_created_at_once_is_stored_once(site: Site) -> None:
    username = site.name("newcomer").replace(" ", "")

    def hold() -> int:
        return accounts.create_user(username, PASSWORD, Role.viewer).id

    def send(n: int) -> Reply:
        form = {"username": username, "password": PASSWORD, "role": "viewer"}
        return call(f"{site.base}/users", "POST", token=site.admin_token, form=form)

    _, replies = against_holder(site, hold, send, count=3)
    for reply in replies:
        assert reply.status == 400, reply.body[:300]
        assert b"is taken" in reply.body
    assert site.count(sa.select(User.id).where(User.username == username)) == 1


# --- rows derived from others: a claim's links to the entities it names ----------------------


def test_two_names_of_one_entity_added_at_once_link_its_claims_once(site: Site) -> None:
    # Both names occur in one claim: each save links the claim to the entity (the same link).
    first, second = site.name("Zorblat"), site.name("Quimby")
    with site.app.app_context():
        sentence = sources.get_source(site.source_id).sentences[0]
        draft = claims.ClaimDraft(
            start=sentence.start, end=sentence.end, statement=f"{first} told {second} so."
        )
        claim_id = claims.mark_claim(site.source_id, draft, actor=None).id
        entity_id = entities.create_entity(site.name("Someone"), "person", actor=None).id
        db.session.commit()

    def hold() -> int:
        entities.add_alias(entity_id, first, actor=None)
        return entity_id

    def send(n: int) -> Reply:
        path = f"{site.base}/api/v1/entities/{entity_id}/aliases"
        return call(path, "POST", token=site.tokens[n], body={"alias": second})

    _, replies = against_holder(site, hold, send, count=1)
    assert [r.status for r in replies] == [201], [r.body[:300] for r in replies]
    links = sa.select(ClaimEntity.entity_id).where(
        ClaimEntity.claim_id == claim_id, ClaimEntity.entity_id == entity_id
    )
    assert site.count(links) == 1


# --- lost updates and serialisation failures: 409, never 500 ---------------------------------


def test_a_claim_moved_to_two_questions_at_once_is_a_409_not_a_500(site: Site) -> None:
    (claim_id,) = site.new_claims(1)
    with site.app.app_context():
        ids = [questions.create_question(site.name("Where?"), actor=None).id for _ in range(3)]
        db.session.commit()
    held_question, *asked = ids

    def hold() -> int:
        questions.assign_question(claim_id, held_question, actor=None)
        return held_question

    def send(n: int) -> Reply:
        path = f"{site.base}/api/v1/claims/{claim_id}/question"
        return call(path, "PUT", token=site.tokens[n], body={"question_id": asked[n]})

    _, replies = against_holder(site, hold, send, count=2)
    # On SQLite the moves queue behind the holder and each is made in turn; on PostgreSQL
    # they were based on the claim as it was before the holder's move, which they must not
    # overwrite unseen.
    for reply in replies:
        assert reply.status in {200, 409}, reply.body[:300]
        if reply.status == 409:
            assert reply.json()["error"]["code"] == "conflict"
    if site.backend == "postgresql":
        assert [r.status for r in replies] == [409, 409]
    with site.app.app_context():
        moved = [asked[n] for n, r in enumerate(replies) if r.status == 200]
        assert claims.get_claim(claim_id).question_id in (moved or [held_question])


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite has no serialisation failures
def test_a_serialisation_failure_is_a_409_not_a_500(
    backend: str, new_database: Callable[[str], str]
) -> None:
    url = new_database(backend)
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "races", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        source_id = sources.import_source("One sentence here.\n", actor=None).id
        db.session.commit()
    engine: sa.Engine = app.extensions["tracker.engine"]

    @app.post("/test-only/retitle")
    def retitle() -> str:
        # A REPEATABLE READ transaction that read the row before another one changed it.
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        db.session.get(Source, source_id)
        with engine.begin() as other:
            other.execute(sa.update(Source).where(Source.id == source_id).values(title="Theirs"))
        db.session.execute(sa.update(Source).where(Source.id == source_id).values(title="Ours"))
        db.session.commit()
        return "saved"

    reply = app.test_client().post("/test-only/retitle", headers={"Accept": "application/json"})
    assert reply.status_code == 409, reply.text
    assert reply.json["error"]["code"] == "conflict"
    with app.app_context():
        assert db.session.get(Source, source_id).title == "Theirs"
    engine.dispose()
