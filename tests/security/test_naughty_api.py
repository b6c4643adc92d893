"""The naughty-strings corpus (tests/security/naughty.py) through every string field of every
write operation of the JSON API, on SQLite and PostgreSQL.

Each string goes into one field of an otherwise valid body, sent by an editor (each row gets
its share of the corpus and the edge cases: see SUBSET_STRIDE). The answer is never a 5xx. A
2xx is read back through the API's own GET and shows the string as sent (text blank under
the input rule reads as empty or null). A refusal is a 400 whose JSON error names the field,
and nothing is stored; free text within the field's length is never refused.

Each string is sent inside a savepoint rolled back afterwards, so it meets only the world of
tests/security/conftest.py, which holds none of the corpus: there is no duplicate to report,
and a 409 is a failure (without the savepoints, two BLNS strings differing only in case would
be "a name another entity has").
"""

from __future__ import annotations

import enum
import itertools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD
from tests.security.conftest import World, build_world
from tests.security.naughty import corpus, full
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.core import db
from tracker.questions import answers
from tracker.questions import services as questions
from tracker.questions.models import SuggestionDecision
from tracker.sources import services as sources
from tracker.text.cleaning import is_blank

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: Rows a refused request must leave as they were (with the sum of the claims' versions).
TABLES = [
    "audit_entries",
    "sources",
    "sentences",
    "claims",
    "evidence",
    "questions",
    "entities",
    "entity_aliases",
    "contradictions",
    "suggestion_decisions",
    "answers",
    "answer_rulings",
]
#: A failure message lists this many (string, row) cases at most.
SHOWN = 25
#: Each row gets every STRIDE-th string of the corpus, a different share for each row, so that
#: every string goes into some fields of every kind, and every edge case (blank; over 1,000
#: characters, beyond every limit but the article's; with a carriage return, which browsers
#: and HTML turn into other line breaks). So `make test` (the subset of 123) and
#: `make test-security` (SECURITY_CORPUS=full: 591) take minutes; SECURITY_STRIDE=1 sends
#: every string in every row (hours on two cores: the app takes 20-70 ms a request here).
SUBSET_STRIDE = 20
FULL_STRIDE = 8


class Shape(enum.Enum):
    """How a stored value may read back: what a reader of the field sees as the same text.

    Outside verbatim fields, white space around a value may be dropped (a page does not show
    it); nothing else may change.
    """

    #: Exactly as sent: the article, and quotes (which are the article's own text).
    VERBATIM = "verbatim"
    #: Prose (statements, rationales, notes, addresses, dates): as sent, or trimmed.
    TEXT = "text"
    #: A one-line name or phrase: also with each run of white space (a line break) as a space.
    LINE = "line"
    #: A BCP 47 language tag: the same tag in any letter case (tags ignore case).
    TAG = "tag"
    #: One of a fixed set of words: anything else is refused.
    CHOICE = "choice"
    #: The string sent where a number belongs: always refused.
    NUMBER = "number"
    #: A value read from the text (an amount, a count): the words it was read from, as sent.
    VALUE = "value"


def readings(sent: str, shape: Shape) -> set[str]:
    """The forms in which `sent` may be read back from a field of `shape`."""
    if shape is Shape.VERBATIM:
        return {sent}
    forms = {sent, sent.strip()}
    if shape is Shape.LINE:
        forms.add(re.sub(r"\s+", " ", sent).strip())
    if shape is Shape.TAG:
        forms = {f.casefold() for f in forms}
    return forms


@dataclass(frozen=True)
class Ctx:
    """The world of tests/security/conftest.py and what some operations need besides."""

    w: World
    #: A question whose answers are counts, and a claim in it (its value can be corrected).
    count_question_id: int
    count_claim_id: int
    #: A third claim in the world's question, not flagged against the first.
    third_id: int
    #: Two claims in no question (a suggestion pairing them can be accepted).
    loose_a: int
    loose_b: int
    #: The answers of the world's two claims ("one", "two").
    answer_ids: tuple[int, int]
    versions: dict[int, int]


Prep = dict[str, Any]
#: What a blank string may read back as where the tracker fills the field in itself (a
#: detected language, a proposed answer, a value read from the quote).
ANY = object()


@dataclass(frozen=True)
class Row:
    """One string field of one write operation.

    ``operation`` is the OpenAPI (method, path); ``field`` the field in the body (``a.b`` in
    a nested object, ``a[]`` an item of a list, ``a[].b`` a field of a list's object, ``?a`` a
    query parameter). ``prepare`` runs inside the string's savepoint before the request, for
    what must hold the string first (the source a quote is taken from).
    """

    operation: tuple[str, str]
    field: str
    shape: Shape
    path: Callable[[Ctx, Prep], str]
    body: Callable[[Ctx, int, Prep], dict[str, Any]]
    #: The stored value, read back through the API after a 2xx (the answer's JSON given).
    read: Callable[[FlaskClient, Ctx, Any, Prep], Any]
    #: Whether any text is taken (up to `limit` characters): a refusal is then a failure.
    free: bool = True
    limit: int | None = None
    #: Other names a refusal may give the field in ``error.fields``.
    names: tuple[str, ...] = ()
    #: The value sent, made from the naughty string and a number unique to it.
    wrap: Callable[[str, int], str] = lambda s, n: s
    prepare: Callable[[Flask, str, int], Prep] | None = None
    #: What a blank string reads back as, when not empty or null (a title from the headline).
    blank: Callable[[int], Any] | None = None
    choices: frozenset[str] = frozenset()
    label: str = ""

    @property
    def key(self) -> str:
        return self.label or f"{self.operation[0]} {self.operation[1]} {self.field}"

    @property
    def top(self) -> str:
        return re.split(r"[.\[]", self.field.lstrip("?"))[0]

    def takes(self, value: str) -> bool:
        """Whether the field must take this (non-blank) value."""
        if self.shape in (Shape.CHOICE, Shape.NUMBER):
            return self.shape is Shape.CHOICE and value.strip() in self.choices
        return self.free and (self.limit is None or len(value) <= self.limit)


def put(body: dict[str, Any], query: dict[str, Any], name: str, value: str) -> None:
    """Put `value` where the row's field `name` says, in the body or the query."""
    if name.startswith("?"):
        query[name[1:]] = value
    elif name.endswith("[]"):
        body[name[:-2]] = [value]
    elif "[]." in name:
        outer, inner = name.split("[].")
        body[outer][0][inner] = value
    elif "." in name:
        outer, inner = name.split(".")
        body[outer][inner] = value
    else:
        body[name] = value


# --- reading back ---------------------------------------------------------------------------


def _get(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return response.get_json()


def _claim(client: FlaskClient, claim_id: int) -> dict[str, Any]:
    return _get(client, f"/api/v1/claims/{claim_id}")


def _claim_field(name: str, claim_id: Callable[[Ctx, Any, Prep], int] | None = None) -> Any:
    def read(client: FlaskClient, ctx: Ctx, answer: Any, prep: Prep) -> Any:
        found = _claim(client, claim_id(ctx, answer, prep) if claim_id else answer["id"])
        for part in name.split("."):
            found = found[part] if found is not None else None
        return found

    return read


_THE_CLAIM = lambda ctx, answer, prep: ctx.w.claim_id  # noqa: E731


def _last_reason(claim_id: Callable[[Ctx], int]) -> Any:
    def read(client: FlaskClient, ctx: Ctx, answer: Any, prep: Prep) -> Any:
        return _get(client, f"/api/v1/claims/{claim_id(ctx)}/history")["items"][-1]["reason"]

    return read


def _evidence_field(name: str) -> Any:
    def read(client: FlaskClient, ctx: Ctx, answer: Any, prep: Prep) -> Any:
        listed = _claim(client, ctx.w.claim_id)["evidence"]
        return next(e for e in listed if e["id"] == answer["id"])[name]

    return read


def _source_field(name: str) -> Any:
    def read(client: FlaskClient, ctx: Ctx, answer: Any, prep: Prep) -> Any:
        return _get(client, f"/api/v1/sources/{answer['id']}")[name]

    return read


def _question(client: FlaskClient, question_id: int) -> dict[str, Any]:
    return _get(client, f"/api/v1/questions/{question_id}")


def _question_field(name: str) -> Any:
    def read(client: FlaskClient, ctx: Ctx, answer: Any, prep: Prep) -> Any:
        return _question(client, answer["id"])[name]

    return read


def _contradiction_field(name: str, contradiction_id: Callable[[Ctx, Any], int]) -> Any:
    def read(client: FlaskClient, ctx: Ctx, answer: Any, prep: Prep) -> Any:
        listed = _question(client, ctx.w.question_id)["contradictions"]
        return next(c for c in listed if c["id"] == contradiction_id(ctx, answer))[name]

    return read


def _ruling_field(name: str) -> Any:
    def read(client: FlaskClient, ctx: Ctx, answer: Any, prep: Prep) -> Any:
        listed = _question(client, ctx.w.question_id)["rulings"]
        return next(r for r in listed if r["id"] == answer["ruling"]["id"])[name]

    return read


def _entity_field(name: str) -> Any:
    def read(client: FlaskClient, ctx: Ctx, answer: Any, prep: Prep) -> Any:
        return _get(client, f"/api/v1/entities/{answer['id']}")[name]

    return read


def _paired_question(field: str) -> Any:
    def read(client: FlaskClient, ctx: Ctx, answer: Any, prep: Prep) -> Any:
        return _question(client, answer["question_id"])[field]

    return read


def _suggestion_reason(client: FlaskClient, ctx: Ctx, answer: Any, prep: Prep) -> Any:
    # No page or API shows why a suggestion was rejected: the table is where it reads back.
    app: Flask = client.application
    with app.app_context():
        return db.session.scalar(
            sa.select(SuggestionDecision.reason).where(
                SuggestionDecision.claim_id == ctx.w.claim_id,
                SuggestionDecision.question_id == ctx.count_question_id,
            )
        )


# --- what some rows need first --------------------------------------------------------------


def _source_holding(app: Flask, text: str, n: int) -> Prep:
    """A new source holding the string on a line of its own, a claim on its first line, and
    the string's offsets."""
    first = f"Quelle {n}."
    with app.app_context():
        source = sources.import_source(f"{first}\n{text}\nEnde.\n", actor=None)
        claim = claims.mark_claim(
            source.id, claims.ClaimDraft(start=0, end=len(first), statement="S."), actor=None
        )
        db.session.commit()
        start = len(first) + 1
        return {
            "source_id": source.id,
            "claim_id": claim.id,
            "version": claim.version,
            "start": start,
            "end": start + len(text),
        }


# --- the table ------------------------------------------------------------------------------

STATUSES = frozenset(
    {
        "unreviewed",
        "in_review",
        "verified",
        "partly_true",
        "false",
        "misleading",
        "unverifiable",
        "disputed",
    }
)
KINDS = frozenset({"money", "percent", "date", "count", "duration", "title", "text", "yes_no"})
DECISIONS = frozenset({"open", "resolved", "not_a_contradiction"})

CLAIMS = ("POST", "/api/v1/claims")
CLAIM = ("PATCH", "/api/v1/claims/{claim_id}")
DELETE = ("DELETE", "/api/v1/claims/{claim_id}")
ANSWER = ("PUT", "/api/v1/claims/{claim_id}/answer")
EVIDENCE = ("POST", "/api/v1/claims/{claim_id}/evidence")
QUESTION = ("PUT", "/api/v1/claims/{claim_id}/question")
SUGGESTION = ("POST", "/api/v1/claims/{claim_id}/suggestions")
VALUE = ("PUT", "/api/v1/claims/{claim_id}/value")
DECIDE = ("POST", "/api/v1/contradictions/{contradiction_id}")
ENTITIES = ("POST", "/api/v1/entities")
ALIASES = ("POST", "/api/v1/entities/{entity_id}/aliases")
QUESTIONS = ("POST", "/api/v1/questions")
FLAG = ("POST", "/api/v1/questions/{question_id}/contradictions")
RULING = ("POST", "/api/v1/questions/{question_id}/rulings")
SOURCES = ("POST", "/api/v1/sources")
PROPOSALS = ("POST", "/api/v1/sources/{source_id}/proposals")


def _new_claim(ctx: Ctx, n: int, p: Prep) -> dict[str, Any]:
    return {"source_id": ctx.w.source_id, "start": 0, "end": 14, "statement": f"Statement {n}."}


def _with_verdict(ctx: Ctx, n: int, p: Prep) -> dict[str, Any]:
    return {**_new_claim(ctx, n, p), "status": "misleading"}


def _change(ctx: Ctx, n: int, p: Prep) -> dict[str, Any]:
    return {"version": ctx.versions[ctx.w.claim_id]}


def _answer(ctx: Ctx, n: int, p: Prep) -> dict[str, Any]:
    return {"answer": "three", "qualifiers": {}, "version": ctx.versions[ctx.w.claim_id]}


def _evidence(ctx: Ctx, n: int, p: Prep) -> dict[str, Any]:
    return {"url": f"https://example.org/evidence/{n}", "title": f"Page {n}", "stance": "refutes"}


def _source(ctx: Ctx, n: int, p: Prep) -> dict[str, Any]:
    return {"text": f"Artikel Nummer {n}.\nEin Satz darin.\n"}


def _reject(ctx: Ctx, n: int, p: Prep) -> dict[str, Any]:
    return {"type": "question", "id": ctx.count_question_id, "decision": "reject"}


def _pair(ctx: Ctx, n: int, p: Prep) -> dict[str, Any]:
    return {"type": "claim", "id": ctx.loose_b, "decision": "accept", "question_text": f"Q {n}?"}


def _decision(ctx: Ctx, n: int, p: Prep) -> dict[str, Any]:
    return {"state": "not_a_contradiction", "rationale": f"Both hold ({n})."}


def _ruling(ctx: Ctx, n: int, p: Prep) -> dict[str, Any]:
    return {"answer_ids": list(ctx.answer_ids), "state": "not_a_contradiction", "rationale": "R"}


def _in_an_address(text: str, n: int) -> str:
    return f"https://example.org/{n}/{text}"


def _same(text: str, n: int) -> str:
    return text


_ON_THE_CLAIM = lambda ctx, p: f"/api/v1/claims/{ctx.w.claim_id}"  # noqa: E731


def _at(url: str) -> Callable[[Ctx, Prep], str]:
    return lambda ctx, p: url


ROWS: list[Row] = [
    # Marking a claim.
    Row(
        CLAIMS,
        "statement",
        Shape.TEXT,
        _at("/api/v1/claims"),
        _new_claim,
        _claim_field("statement"),
    ),
    Row(
        CLAIMS,
        "speaker",
        Shape.LINE,
        _at("/api/v1/claims"),
        _new_claim,
        _claim_field("speaker"),
        limit=200,
        blank=lambda n: "the article",
    ),
    Row(
        CLAIMS,
        "subjects[]",
        Shape.LINE,
        _at("/api/v1/claims"),
        _new_claim,
        _claim_field("subjects"),
        limit=200,
    ),
    Row(
        CLAIMS,
        "rationale",
        Shape.TEXT,
        _at("/api/v1/claims"),
        _new_claim,
        _claim_field("rationale"),
    ),
    Row(
        CLAIMS,
        "rationale",
        Shape.TEXT,
        _at("/api/v1/claims"),
        _with_verdict,
        _claim_field("rationale"),
        label="POST /api/v1/claims rationale of a verdict",
    ),
    Row(
        CLAIMS,
        "status",
        Shape.CHOICE,
        _at("/api/v1/claims"),
        _new_claim,
        _claim_field("status"),
        choices=STATUSES,
        blank=lambda n: "unreviewed",
    ),
    Row(
        CLAIMS,
        "quote",
        Shape.VERBATIM,
        _at("/api/v1/claims"),
        lambda c, n, p: {k: p[k] for k in ("source_id", "start", "end")} | {"statement": "S."},
        _claim_field("quote"),
        prepare=_source_holding,
        names=("start", "end"),
    ),
    # Changing a claim.
    Row(
        CLAIM,
        "statement",
        Shape.TEXT,
        _ON_THE_CLAIM,
        _change,
        _claim_field("statement", _THE_CLAIM),
    ),
    Row(
        CLAIM,
        "speaker",
        Shape.LINE,
        _ON_THE_CLAIM,
        _change,
        _claim_field("speaker", _THE_CLAIM),
        limit=200,
        blank=lambda n: "the article",
    ),
    Row(
        CLAIM,
        "subjects[]",
        Shape.LINE,
        _ON_THE_CLAIM,
        _change,
        _claim_field("subjects", _THE_CLAIM),
        limit=200,
    ),
    Row(
        CLAIM,
        "rationale",
        Shape.TEXT,
        _ON_THE_CLAIM,
        _change,
        _claim_field("rationale", _THE_CLAIM),
    ),
    Row(
        CLAIM,
        "rationale",
        Shape.TEXT,
        _ON_THE_CLAIM,
        lambda c, n, p: {**_change(c, n, p), "status": "misleading"},
        _claim_field("rationale", _THE_CLAIM),
        label="PATCH /api/v1/claims/{claim_id} rationale of a verdict",
    ),
    Row(
        CLAIM,
        "status",
        Shape.CHOICE,
        _ON_THE_CLAIM,
        _change,
        _claim_field("status", _THE_CLAIM),
        choices=STATUSES,
        blank=lambda n: ANY,  # no change
    ),
    Row(
        CLAIM,
        "note",
        Shape.TEXT,
        _ON_THE_CLAIM,
        lambda c, n, p: {**_change(c, n, p), "statement": f"Changed {n}."},
        _last_reason(lambda c: c.w.claim_id),
    ),
    Row(
        CLAIM,
        "quote",
        Shape.VERBATIM,
        lambda c, p: f"/api/v1/claims/{p['claim_id']}",
        lambda c, n, p: {k: p[k] for k in ("version", "start", "end")},
        _claim_field("quote", lambda c, answer, p: p["claim_id"]),
        prepare=_source_holding,
        names=("start", "end"),
    ),
    Row(
        DELETE,
        "?note",
        Shape.TEXT,
        lambda c, p: f"/api/v1/claims/{c.loose_a}",
        lambda c, n, p: {"?version": c.versions[c.loose_a]},
        _last_reason(lambda c: c.loose_a),
    ),
    # Answers, qualifiers and values.
    Row(
        ANSWER,
        "answer",
        Shape.LINE,
        lambda c, p: f"/api/v1/claims/{c.w.claim_id}/answer",
        _answer,
        _claim_field("answer.text", _THE_CLAIM),
        limit=300,
        blank=lambda n: ANY,  # the tracker proposes one again
    ),
    *(
        Row(
            ANSWER,
            f"qualifiers.{name}",
            Shape.LINE if name == "aspect" else Shape.TEXT,
            lambda c, p: f"/api/v1/claims/{c.w.claim_id}/answer",
            _answer,
            _claim_field(f"qualifiers.{name}", _THE_CLAIM),
            free=name == "aspect",
            limit=100,
            names=(name,),
        )
        for name in ("as_of", "from", "until", "aspect")
    ),
    Row(
        VALUE,
        "value",
        Shape.VALUE,
        lambda c, p: f"/api/v1/claims/{c.count_claim_id}/value",
        lambda c, n, p: {"version": c.versions[c.count_claim_id]},
        _claim_field("value.text", lambda c, answer, p: c.count_claim_id),
        free=False,
        blank=lambda n: ANY,  # read from the quote again
    ),
    Row(
        QUESTION,
        "question_id",
        Shape.NUMBER,
        lambda c, p: f"/api/v1/claims/{c.loose_a}/question",
        lambda c, n, p: {},
        _claim_field("question_id", lambda c, answer, p: c.loose_a),
    ),
    # Evidence.
    *(
        Row(
            EVIDENCE,
            name,
            shape,
            lambda c, p: f"/api/v1/claims/{c.w.claim_id}/evidence",
            _evidence,
            _evidence_field(name),
            free=free,
            limit=limit,
            wrap=wrap,
            label=label,
        )
        for name, shape, free, limit, wrap, label in [
            ("url", Shape.TEXT, False, None, _same, ""),
            ("url", Shape.TEXT, False, None, _in_an_address, "evidence url inside an address"),
            ("title", Shape.LINE, True, 500, _same, ""),
            ("publisher", Shape.LINE, True, 200, _same, ""),
            ("published", Shape.TEXT, False, None, _same, ""),
            ("passage", Shape.TEXT, True, None, _same, ""),
        ]
    ),
    Row(
        EVIDENCE,
        "stance",
        Shape.CHOICE,
        lambda c, p: f"/api/v1/claims/{c.w.claim_id}/evidence",
        _evidence,
        _evidence_field("stance"),
        choices=frozenset({"supports", "refutes", "context"}),
    ),
    # Sources.
    Row(
        SOURCES,
        "text",
        Shape.VERBATIM,
        _at("/api/v1/sources"),
        lambda c, n, p: {},
        _source_field("text"),
    ),
    *(
        Row(
            SOURCES,
            name,
            shape,
            _at("/api/v1/sources"),
            _source,
            _source_field(name),
            free=free,
            limit=limit,
            wrap=wrap,
            blank=blank,
            label=label,
        )
        for name, shape, free, limit, wrap, blank, label in [
            ("title", Shape.LINE, True, 500, _same, lambda n: f"Artikel Nummer {n}.", ""),
            ("language", Shape.TAG, False, None, _same, lambda n: ANY, ""),
            ("url", Shape.TEXT, False, None, _same, None, ""),
            ("url", Shape.TEXT, False, None, _in_an_address, None, "source url inside an address"),
            ("published", Shape.TEXT, False, None, _same, None, ""),
        ]
    ),
    # Questions.
    Row(
        QUESTIONS,
        "text",
        Shape.LINE,
        _at("/api/v1/questions"),
        lambda c, n, p: {},
        _question_field("text"),
        limit=500,
    ),
    Row(
        QUESTIONS,
        "answer_kind",
        Shape.CHOICE,
        _at("/api/v1/questions"),
        lambda c, n, p: {"text": f"Question {n}?"},
        _question_field("answer_kind"),
        choices=KINDS,
    ),
    # Suggestions.
    Row(
        SUGGESTION,
        "reason",
        Shape.TEXT,
        lambda c, p: f"/api/v1/claims/{c.w.claim_id}/suggestions",
        _reject,
        _suggestion_reason,
    ),
    Row(
        SUGGESTION,
        "question_text",
        Shape.LINE,
        lambda c, p: f"/api/v1/claims/{c.loose_a}/suggestions",
        _pair,
        _paired_question("text"),
        limit=500,
        names=("text",),
    ),
    *(
        Row(
            SUGGESTION,
            name,
            Shape.CHOICE,
            lambda c, p: f"/api/v1/claims/{c.loose_a}/suggestions",
            _pair,
            _paired_question("answer_kind"),
            choices=choices,
            names=("type",),  # the API names 'type' for a decision it cannot read
        )
        for name, choices in [
            ("type", frozenset({"question", "claim"})),
            ("decision", frozenset({"accept", "reject"})),
            ("answer_kind", KINDS),
        ]
    ),
    # Contradictions and rulings.
    Row(
        DECIDE,
        "rationale",
        Shape.TEXT,
        lambda c, p: f"/api/v1/contradictions/{c.w.contradiction_id}",
        _decision,
        _contradiction_field("resolution", lambda c, answer: c.w.contradiction_id),
    ),
    Row(
        DECIDE,
        "state",
        Shape.CHOICE,
        lambda c, p: f"/api/v1/contradictions/{c.w.contradiction_id}",
        _decision,
        _contradiction_field("state", lambda c, answer: c.w.contradiction_id),
        choices=DECISIONS,
    ),
    Row(
        FLAG,
        "reason",
        Shape.TEXT,
        lambda c, p: f"/api/v1/questions/{c.w.question_id}/contradictions",
        lambda c, n, p: {"claim_ids": [c.w.claim_id, c.third_id]},
        _contradiction_field("detail", lambda c, answer: answer["id"]),
    ),
    Row(
        RULING,
        "rationale",
        Shape.TEXT,
        lambda c, p: f"/api/v1/questions/{c.w.question_id}/rulings",
        _ruling,
        _ruling_field("rationale"),
    ),
    Row(
        RULING,
        "state",
        Shape.CHOICE,
        lambda c, p: f"/api/v1/questions/{c.w.question_id}/rulings",
        _ruling,
        _ruling_field("state"),
        choices=DECISIONS - {"open"},  # "open" takes back a ruling there is none of yet
    ),
    Row(
        PROPOSALS,
        "accept[].question_id",
        Shape.NUMBER,
        lambda c, p: f"/api/v1/sources/{c.w.source_id}/proposals",
        lambda c, n, p: {"accept": [{"claim_id": c.loose_a}]},
        lambda client, c, answer, p: answer,
    ),
    # People and organisations.
    Row(
        ENTITIES,
        "name",
        Shape.LINE,
        _at("/api/v1/entities"),
        lambda c, n, p: {"kind": "person"},
        _entity_field("name"),
        limit=200,
    ),
    Row(
        ENTITIES,
        "aliases[]",
        Shape.LINE,
        _at("/api/v1/entities"),
        lambda c, n, p: {"name": f"Person {n}", "kind": "person"},
        _entity_field("aliases"),
        limit=200,
        blank=lambda n: [f"Person {n}"],
    ),
    Row(
        ENTITIES,
        "kind",
        Shape.CHOICE,
        _at("/api/v1/entities"),
        lambda c, n, p: {"name": f"Person {n}"},
        _entity_field("kind"),
        choices=frozenset({"person", "organisation"}),
    ),
    Row(
        ALIASES,
        "alias",
        Shape.LINE,
        lambda c, p: f"/api/v1/entities/{c.w.entity_id}/aliases",
        lambda c, n, p: {},
        lambda client, c, answer, p: _get(client, f"/api/v1/entities/{c.w.entity_id}")["aliases"],
        limit=200,
    ),
]


# --- the world and the checks ---------------------------------------------------------------


def stride(factor: int = 1) -> int:
    """The share of the corpus a row gets (see SUBSET_STRIDE), `factor` times thinner."""
    chosen = os.environ.get("SECURITY_STRIDE")
    if chosen:
        return int(chosen) * factor if int(chosen) > 1 else 1
    return (FULL_STRIDE if len(corpus()) == len(full()) else SUBSET_STRIDE) * factor


def is_edge(text: str) -> bool:
    return is_blank(text) or len(text) > 1000 or "\r" in text


def strings_for(
    index: int, factor: int = 1, edge: Callable[[str], bool] = is_edge
) -> list[tuple[int, str]]:
    """The strings row (or form field, or parameter) number `index` is sent, each with a
    number unique to it: its share of the corpus, and the edge cases."""
    every = stride(factor)
    return [
        (n, text) for n, text in enumerate(corpus()) if n % every == index % every or edge(text)
    ]


def build_ctx(app: Flask, world: World) -> Ctx:
    with app.app_context():
        text = "Erster Satz eins. Zweiter Satz zwei. Dritter Satz drei.\n"
        extra = sources.import_source(text, actor=None)

        def mark(source_id: int, start: int, end: int, statement: str) -> int:
            draft = claims.ClaimDraft(start=start, end=end, statement=statement)
            return claims.mark_claim(source_id, draft, actor=None).id

        third = mark(extra.id, 0, 17, "The third.")
        loose_a = mark(extra.id, 18, 36, "A loose one.")
        loose_b = mark(extra.id, 37, 55, "Another loose one.")
        counted = mark(world.source_id, 15, 34, "Another one, counted.")
        count_question = questions.create_question(
            "How many claims are there?", "count", actor=None
        )
        questions.assign_question(third, world.question_id, actor=None)
        questions.assign_question(counted, count_question.id, actor=None)
        first = answers.set_answer(world.claim_id, "one", version=None, actor=None)
        second = answers.set_answer(world.other_id, "two", version=None, actor=None)
        db.session.commit()
        ids = [world.claim_id, world.other_id, third, loose_a, loose_b, counted]
        return Ctx(
            w=world,
            count_question_id=count_question.id,
            count_claim_id=counted,
            third_id=third,
            loose_a=loose_a,
            loose_b=loose_b,
            answer_ids=(first.answer_id, second.answer_id),
            versions={i: claims.get_claim(i).version for i in ids},
        )


@dataclass(frozen=True)
class Site:
    """The app on one backend inside a transaction rolled back at the end, with the world."""

    app: Flask
    connection: sa.Connection
    world: World

    def client(self, role: Role | None) -> FlaskClient:
        """A client logged in with `role` (a new user of it), or anonymous."""
        return self.login(role)[0]

    def login(self, role: Role | None) -> tuple[FlaskClient, int | None]:
        """A client logged in as a new user with `role`, and the user's id; or anonymous."""
        client = self.app.test_client()
        if role is None:
            return client, None
        with self.app.app_context():
            name = f"naughty-{role.value}-{next(_users)}"
            user = accounts.create_user(name, PASSWORD, role)
            db.session.commit()
            user_id = user.id
        response = client.post("/login", data={"username": name, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return client, user_id

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Whatever happens inside is undone (the app commits to savepoints inside it)."""
        savepoint = self.connection.begin_nested()
        try:
            yield
        finally:
            savepoint.rollback()


_users = itertools.count()


@contextmanager
def open_site(database_url: str) -> Iterator[Site]:
    """As the `app` fixture of tests/conftest.py, but for the tests of a module: building the
    world and logging in once per backend, not once per row, is most of the time saved."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
        }
    )
    engine: sa.Engine = app.extensions["tracker.engine"]
    connection = engine.connect()
    transaction = connection.begin()
    app.extensions["tracker.session_options"] = {
        "bind": connection,
        "join_transaction_mode": "create_savepoint",
        "expire_on_commit": False,
    }
    try:
        yield Site(app, connection, build_world(app))
    finally:
        transaction.rollback()
        connection.close()
        engine.dispose()


@dataclass(frozen=True)
class ApiSite:
    site: Site
    ctx: Ctx
    editor: FlaskClient


@pytest.fixture(scope="module")
def api_site(database_url: str) -> Iterator[ApiSite]:
    with open_site(database_url) as site:
        yield ApiSite(site, build_ctx(site.app, site.world), site.client(Role.editor))


def fingerprint(app: Flask) -> tuple[int, ...]:
    counts = [sa.text(f"(SELECT count(*) FROM {table})") for table in TABLES]  # noqa: S608
    versions = sa.text("(SELECT coalesce(sum(version), 0) FROM claims)")
    with app.app_context():
        return tuple(db.session.execute(sa.select(*counts, versions)).one())


def _matches(stored: Any, sent: str, row: Row, n: int) -> bool:
    """Whether what the API shows now is the string as sent (or, blank, as nothing)."""
    if is_blank(sent):
        if row.blank is not None:
            expected = row.blank(n)
            return expected is ANY or stored == expected
        return stored in (None, "", [])
    forms = readings(sent, row.shape)
    if row.shape is Shape.TAG and isinstance(stored, str):
        return stored.casefold() in forms
    if row.shape is Shape.VALUE:
        return isinstance(stored, str) and bool(stored.strip()) and stored in sent
    if row.field in ("aliases[]", "alias"):  # among the entity's names
        return any(f in stored for f in forms)
    if row.field.endswith("[]"):
        return len(stored) == 1 and stored[0] in forms
    return stored in forms


@dataclass
class Tally:
    inputs: int = 0
    requests: int = 0
    server_errors: int = 0
    accepted: int = 0
    refused: int = 0


def send_one(
    app: Flask,
    client: FlaskClient,
    ctx: Ctx,
    row: Row,
    text: str,
    n: int,
    tally: Tally,
    baseline: tuple[int, ...],
) -> str | None:
    """Send one string in one row's field; what went wrong, or None. `baseline` is what the
    tables hold before the string's savepoint."""
    prep = row.prepare(app, text, n) if row.prepare else {}
    value = row.wrap(text, n)
    body = row.body(ctx, n, prep)
    query = {k[1:]: body.pop(k) for k in list(body) if k.startswith("?")}
    put(body, query, row.field, value)
    before = fingerprint(app) if row.prepare else baseline
    method = row.operation[0]
    response = client.open(
        row.path(ctx, prep),
        method=method,
        json=body if method != "DELETE" else None,
        query_string=query,
    )
    tally.inputs += 1
    tally.requests += 1
    status = response.status_code
    if status >= 500:
        tally.server_errors += 1
        return f"{status}: {response.text[:200]}"
    blank = is_blank(value)
    if status < 300:
        tally.accepted += 1
        if row.shape is Shape.NUMBER or (
            row.shape is Shape.CHOICE and not blank and not row.takes(value)
        ):
            return f"{status}: taken, where only {sorted(row.choices) or 'a number'} is"
        answer = response.get_json() if response.data else None
        tally.requests += 1
        stored = row.read(client, ctx, answer, prep)
        if not _matches(stored, value, row, n):
            return f"{status}: reads back as {stored!r}"
        return None
    tally.refused += 1
    if status != 400:
        return f"{status}: {response.text[:200]}"
    error = (response.get_json() or {}).get("error", {})
    named = set(error.get("fields", {}))
    if not named & {row.top, *row.names}:
        return f"400 naming {sorted(named)}, not {row.top!r}: {error.get('message', '')[:120]}"
    if not blank and row.takes(value):
        return f"400 for text the field takes: {error.get('message', '')[:120]}"
    if fingerprint(app) != before:
        return "400, but something was stored"
    return None


def _describe(failures: list[tuple[str, str]], row: Row, tally: Tally) -> str:
    lines = [f"{row.key}: {len(failures)} of {tally.inputs} strings went wrong:"]
    lines += [f"  {text[:80]!r}: {problem}" for text, problem in failures[:SHOWN]]
    return "\n".join(lines)


@pytest.mark.parametrize("index", range(len(ROWS)), ids=[row.key for row in ROWS])
def test_every_naughty_string_in_every_api_field_is_stored_as_sent_or_refused_with_a_400(
    api_site, index, record_property
):
    row, strings = ROWS[index], strings_for(index)
    app, ctx, client = api_site.site.app, api_site.ctx, api_site.editor
    tally = Tally()
    failures: list[tuple[str, str]] = []
    baseline = fingerprint(app)
    for n, text in strings:
        with api_site.site.savepoint():
            problem = send_one(app, client, ctx, row, text, n, tally, baseline)
        if problem is not None:
            failures.append((text, problem))
    for name, value in vars(tally).items():
        record_property(name, value)
    assert not failures, _describe(failures, row, tally)
    assert tally.inputs == len(strings)
    if row.free and row.shape in (Shape.VERBATIM, Shape.TEXT, Shape.LINE):
        assert tally.accepted > 0  # the corpus holds strings each free field takes


# --- the table covers the API ---------------------------------------------------------------


def _string_fields(
    schema: dict[str, Any], components: dict[str, Any], prefix: str = ""
) -> set[str]:
    """The string fields of a request body's schema, named as the rows name them."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    found: set[str] = set()
    for name, prop in schema.get("properties", {}).items():
        if "$ref" in prop:
            prop = components[prop["$ref"].rsplit("/", 1)[1]]
        kind = prop.get("type")
        if kind == "string":
            found.add(prefix + name)
        elif kind == "object":
            found |= _string_fields(prop, components, f"{prefix}{name}.")
        elif kind == "array":
            items = prop.get("items", {})
            if "$ref" in items:
                items = components[items["$ref"].rsplit("/", 1)[1]]
            if items.get("type") == "string":
                found.add(f"{prefix}{name}[]")
            elif items.get("type") == "object":
                found |= _string_fields(items, components, f"{prefix}{name}[].")
    return found


def test_the_table_covers_every_string_field_of_every_write_operation(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    components = document["components"]["schemas"]
    app_operations = {
        (method, re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in (rule.methods or set()) & WRITE_METHODS
    }
    covered = {row.operation for row in ROWS}
    assert covered == app_operations, (
        f"no rows for {sorted(app_operations - covered)}; rows for no operation: "
        f"{sorted(covered - app_operations)}"
    )
    wanted: set[tuple[tuple[str, str], str]] = set()
    for method, path in app_operations:
        operation = document["paths"][path][method.lower()]
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            wanted |= {((method, path), f) for f in _string_fields(body["schema"], components)}
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and parameter["schema"].get("type") == "string":
                wanted.add(((method, path), "?" + parameter["name"]))
    have = {(row.operation, row.field) for row in ROWS}
    assert wanted - have == set(), f"string fields without a row: {sorted(wanted - have)}"
    assert len(wanted) >= 40
