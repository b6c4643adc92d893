"""The naughty-strings corpus (tests/security/naughty.py) through every browser form field and
every query string, on SQLite and PostgreSQL.

A form post never answers 5xx. A success (a redirect, or the page a token or an import
answers with) reads back exactly as typed: the API's GET of what was saved, or the page or
edit form that shows it. A refusal is a 400 whose page has the message on the field (or, for
the small forms without a field of their own, says what is wrong) and what was typed still
in the form, or, for the claim page's small forms, a redirect whose page flashes why; either
way nothing is stored. Free text within the form's length limit is never refused.

Every query parameter of every page and of the API, given each string, is a 200 or a 400.

The form posts are tests/security/test_inputs.py's FORMS, with the fields those posts do not
reach. As in test_naughty_api.py, each field gets its share of the corpus and the edge cases
(test_naughty_api.SUBSET_STRIDE), and each string is sent inside a savepoint rolled back
after it.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD
from tests.security.conftest import World
from tests.security.test_inputs import FORMS, FormCase
from tests.security.test_naughty_api import (
    ANY,
    DECISIONS,
    KINDS,
    STATUSES,
    Ctx,
    Shape,
    Site,
    Tally,
    build_ctx,
    fingerprint,
    open_site,
    readings,
    strings_for,
)
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.core import db
from tracker.questions.models import SuggestionDecision
from tracker.sources import services as sources
from tracker.text.cleaning import is_blank

SHOWN = 25
#: How a refusal may come back: a 400 page, or a redirect to a page flashing why.
PAGE, FLASH = "page", "flash"
#: Form fields a person does not type into (the browser or the page fills them).
UNTYPED = {"hidden", "submit", "button", "checkbox", "radio", "file", "number"}
#: How much thinner a share (test_naughty_api.stride) each query parameter gets (there are
#: 140 of them), and the posts that hash passwords (scrypt, slow by design, a few per string).
QUERY_SHARE = 4
HASHING_SHARE = 4


# --- reading pages --------------------------------------------------------------------------


class _Controls(HTMLParser):
    """The values of a page's form controls, by name, as a browser fills them in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = defaultdict(list)
        self._textarea: tuple[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and a.get("type", "text") not in UNTYPED - {"hidden"}:
            self.values[name].append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = (name, [])
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select is not None and "selected" in a:
            self.values[self._select].append(a.get("value") or "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            text = "".join(parts)
            # HTML drops the line break that starts a textarea's content.
            text = text[2:] if text.startswith("\r\n") else text[1:] if text[:1] == "\n" else text
            self.values[name].append(text)
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(page: str, field: str) -> list[str]:
    """What the page's controls named `field` (or ``<prefix>-field``) hold."""
    parser = _Controls()
    parser.feed(page)
    return [
        v for name, vs in parser.values.items() if re.sub(r"^\w+-", "", name) == field for v in vs
    ]


def field_errors(page: str, name: str) -> list[str]:
    """The messages shown in the form field named `name` (as test_inputs.field_errors, but a
    message may quote a line break that was typed)."""
    for block in re.findall(r'<div class="field has-error">(.*?)</div>', page, re.S):
        if f'name="{name}"' in block:
            found = re.findall(r'<p class="error" role="alert">(.*?)</p>', block, re.S)
            return [html.unescape(e) for e in found]
    return []


def as_browsers_read(text: str) -> str:
    """A browser reads every CR LF and lone CR of a page as LF."""
    return re.sub(r"\r\n?", "\n", text)


def cells(page: str) -> list[str]:
    """The text each table cell of the page starts with."""
    return [html.unescape(c).strip() for c in re.findall(r"<td>([^<]*)", page)]


def flashed(page: str, category: str) -> list[str]:
    return [
        html.unescape(m)
        for m in re.findall(
            rf'<p class="flash flash-{category}" role="status">(.*?)</p>', page, re.S
        )
    ]


def _new_id(response: TestResponse) -> int:
    match = re.search(r"/(\d+)(?:[#?].*)?$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match[1])


# --- the checks -----------------------------------------------------------------------------


@dataclass
class Env:
    site: Site
    ctx: Ctx
    clients: dict[Role | None, FlaskClient]
    user_ids: dict[Role, int]

    @property
    def app(self) -> Flask:
        return self.site.app

    @property
    def w(self) -> World:
        return self.site.world

    def api(self, url: str) -> Any:
        response = self.clients[Role.admin].get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        return response.get_json()

    def claim(self, claim_id: int) -> dict[str, Any]:
        return self.api(f"/api/v1/claims/{claim_id}")

    def page(self, url: str, role: Role | None = Role.admin) -> str:
        response = self.clients[role].get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.text


Prep = dict[str, Any]
Reader = Callable[[Env, TestResponse, Prep], Any]


@dataclass(frozen=True)
class Check:
    """What a form field stores, and how it reads back."""

    shape: Shape
    #: The value stored, read after a success; None: the form stores nothing (a login).
    read: Reader | None
    free: bool = True
    #: The form's limit: shorter text the field must take.
    limit: int | None = None
    #: What a blank string reads back as, when not empty or null.
    blank: Callable[[], Any] | None = None
    refusal: str = PAGE
    #: A success answers with this status.
    success: int = 302
    choices: frozenset[str] = frozenset()
    #: For posts that need the string somewhere first: the path and the other fields.
    prepare: Callable[[Env, str, int], Prep] | None = None
    path: Callable[[Env, Prep], str] | None = None
    data: Callable[[Env, Prep], dict[str, Any]] | None = None
    #: The post comes from the client `prepare` logged in (a password change).
    own_client: bool = False
    #: How much thinner its share of the corpus is (see test_naughty_api.stride).
    stride: int = 1
    #: The value is read from a page (not the API's JSON).
    from_page: bool = False
    #: How a list read back holds the string: as its one item, among its items, or split at
    #: commas (and semicolons, 、 and ，) as the form says, one item a piece.
    listing: str | None = None

    def takes(self, value: str) -> bool:
        if self.shape is Shape.CHOICE:
            return value.strip() in self.choices
        if self.shape is Shape.NUMBER:
            return False
        return self.free and (self.limit is None or len(value) <= self.limit)


def _claim_field(name: str, claim_id: Callable[[Env, TestResponse, Prep], int]) -> Reader:
    def read(env: Env, response: TestResponse, prep: Prep) -> Any:
        found: Any = env.claim(claim_id(env, response, prep))
        for part in name.split("."):
            found = found[part] if found is not None else None
        return found

    return read


_NEW = lambda env, response, prep: _new_id(response)  # noqa: E731
_THE_CLAIM = lambda env, response, prep: env.w.claim_id  # noqa: E731


def _new_claim(name: str) -> Reader:
    return _claim_field(name, _NEW)


def _the_claim(name: str) -> Reader:
    return _claim_field(name, _THE_CLAIM)


def _last_reason(claim_id: Callable[[Env], int]) -> Reader:
    def read(env: Env, response: TestResponse, prep: Prep) -> Any:
        return env.api(f"/api/v1/claims/{claim_id(env)}/history")["items"][-1]["reason"]

    return read


def _source(name: str) -> Reader:
    return lambda env, response, prep: env.api(f"/api/v1/sources/{_new_id(response)}")[name]


def _new_evidence(name: str) -> Reader:
    def read(env: Env, response: TestResponse, prep: Prep) -> Any:
        listed = env.claim(env.w.claim_id)["evidence"]
        return max(listed, key=lambda e: e["id"])[name]

    return read


def _question_text(question_id: Callable[[Env, TestResponse], int | None]) -> Reader:
    def read(env: Env, response: TestResponse, prep: Prep) -> Any:
        found = question_id(env, response)
        return env.api(f"/api/v1/questions/{found}")["text"] if found else None

    return read


def _entity(name: str, entity_id: Callable[[Env, TestResponse], int]) -> Reader:
    return lambda env, response, prep: env.api(f"/api/v1/entities/{entity_id(env, response)}")[name]


def _contradiction(name: str, pick: Callable[[Env, dict[str, Any]], bool]) -> Reader:
    def read(env: Env, response: TestResponse, prep: Prep) -> Any:
        listed = env.api(f"/api/v1/questions/{env.w.question_id}")["contradictions"]
        return next(c for c in listed if pick(env, c))[name]

    return read


def _suggestion_reason(env: Env, response: TestResponse, prep: Prep) -> Any:
    # No page or API shows why a suggestion was rejected: the table is where it reads back.
    with env.app.app_context():
        return db.session.scalar(
            sa.select(SuggestionDecision.reason).where(
                SuggestionDecision.claim_id == env.w.claim_id,
                SuggestionDecision.question_id == env.w.question_id,
            )
        )


def _logs_in(username: Callable[[Env, Prep], str]) -> Reader:
    """A password reads back as the one that logs in: the string itself, if it does."""

    def read(env: Env, response: TestResponse, prep: Prep) -> Any:
        password = prep["sent"]
        login = env.app.test_client().post(
            "/login", data={"username": username(env, prep), "password": password}
        )
        return password if login.status_code == 302 else f"(no login: {login.status_code})"

    return read


def _holding(env: Env, text: str, n: int) -> Prep:
    """A source holding the string on a line of its own, and the string's offsets."""
    first = f"Quelle {n}."
    with env.app.app_context():
        source = sources.import_source(f"{first}\n{text}\nEnde.\n", actor=None)
        db.session.commit()
        start = len(first) + 1
        return {"source_id": source.id, "start": start, "end": start + len(text)}


def _new_user(env: Env, text: str, n: int) -> Prep:
    """A viewer of its own, logged in, whose password the string may become."""
    with env.app.app_context():
        accounts.create_user(f"changer{n}", PASSWORD, Role.viewer)
        db.session.commit()
    client = env.app.test_client()
    response = client.post("/login", data={"username": f"changer{n}", "password": PASSWORD})
    assert response.status_code == 302
    return {"client": client, "username": f"changer{n}"}


def _display_name(env: Env) -> str:
    """The name the account page's form holds (the edit form of the name)."""
    return form_values(env.page("/account", Role.viewer), "display_name")[0]


def _version(env: Env, claim_id: int) -> str:
    return str(env.ctx.versions[claim_id])


ROLES = frozenset({"viewer", "reviewer", "editor", "admin"})
_THE_ANSWER = _the_claim("answer.text")


def _also(key: str, field: str, **changes: Any) -> FormCase:
    """Another field of one of FORMS' posts."""
    return replace(FORMS[key], field=field, **changes)


#: The fields FORMS' posts do not reach (found by the coverage test below).
EXTRA: dict[str, FormCase] = {
    "import published": _also("import url", "published"),
    "claim status": _also("claim statement", "status"),
    "claim quote in its source": _also("claim quote", "quote"),
    "edit quote": _also("edit statement", "quote"),
    "edit speaker": _also("edit statement", "speaker"),
    "edit subjects": _also("edit statement", "subjects"),
    "edit rationale": _also("edit statement", "rationale"),
    "edit status": _also("edit statement", "status"),
    "verdict status": _also("verdict rationale", "status"),
    "evidence stance": _also("evidence title", "stance"),
    "answer from": _also("answer", "valid_from"),
    "answer until": _also("answer", "valid_until"),
    "new question kind": _also("new question", "answer_kind"),
    "new entity kind": _also("new entity aliases", "kind"),
    "claim's question id": _also(
        "claim's new question", "question_id", label="Choose the question"
    ),
    "claim's question kind": _also("claim's new question", "answer_kind", label="Its answer is"),
    "claim's value, counted": _also("claim's value", "value"),
    "suggestion question text": _also(
        "suggestion note", "question_text", label="Question for both"
    ),
    "suggestion kind": _also("suggestion note", "answer_kind", label="Its answer is"),
    "decision state": _also("decision rationale", "state", label="Decision"),
    "decision holding claim": _also(
        "decision rationale", "holding_claim_id", label="Choose the claim that holds"
    ),
    "evidence delete note": _also("delete note", "note"),
    "assign to": FormCase(
        Role.reviewer,
        lambda w: "/claims/assign",
        lambda w, a: {"claim_ids": str(w.claim_id), "assignee_id": "0", "next": "/claims"},
        "assignee_id",
        on_field=False,
        label="",
    ),
    "display name": FormCase(
        Role.viewer, lambda w: "/account/display-name", lambda w, a: {}, "display_name"
    ),
    "token name": FormCase(
        Role.viewer, lambda w: "/account/tokens", lambda w, a: {"expires_in_days": "90"}, "name"
    ),
    "token lifetime": FormCase(
        Role.viewer, lambda w: "/account/tokens", lambda w, a: {"name": "CI"}, "expires_in_days"
    ),
    "current password": FormCase(
        Role.viewer,
        lambda w: "/account/password",
        lambda w, a: {"password": "a new, long passphrase"},
        "current_password",
        keeps=False,
    ),
    "new password": FormCase(
        Role.viewer,
        lambda w: "/account/password",
        lambda w, a: {"current_password": PASSWORD},
        "password",
        keeps=False,
    ),
    "new user name": FormCase(
        Role.admin,
        lambda w: "/users",
        lambda w, a: {"password": PASSWORD, "role": "viewer"},
        "username",
    ),
    "new user password": FormCase(
        Role.admin,
        lambda w: "/users",
        lambda w, a: {"username": "newcomer", "role": "viewer"},
        "password",
        keeps=False,
    ),
    "new user role": FormCase(
        Role.admin,
        lambda w: "/users",
        lambda w, a: {"username": "newcomer", "password": PASSWORD},
        "role",
    ),
    # The viewer's row of the users page (its path and fields: CHECKS, which knows the id).
    "user role": FormCase(Role.admin, lambda w: "/users/0", lambda w, a: {}, "role", label=""),
    "import claims format": FormCase(
        Role.reviewer, lambda w: "/import/claims", lambda w, a: {}, "format"
    ),
    "grouping accept": FormCase(
        Role.reviewer,
        lambda w: f"/sources/{w.source_id}/suggestions",
        lambda w, a: {},
        "accept",
        on_field=False,
        label="proposals",
    ),
}


def _import_file(env: Env, prep: Prep, statement: str = "Aus einer Datei.") -> dict[str, Any]:
    row = {"source_id": env.w.source_id, "quote": "Noch ein Satz dort.", "statement": statement}
    return {"file": (io.BytesIO(json.dumps([row]).encode()), "claims.json")}


CHECKS: dict[str, Check] = {
    "grouping accept": Check(Shape.NUMBER, None),
    "login username": Check(Shape.LINE, None, free=False, stride=HASHING_SHARE),
    "login password": Check(Shape.VERBATIM, None, free=False, stride=HASHING_SHARE),
    "import text": Check(Shape.VERBATIM, _source("text")),
    "import title": Check(
        Shape.LINE, _source("title"), limit=500, blank=lambda: "Ein ganz neuer Text."
    ),
    "import language": Check(Shape.TAG, _source("language"), free=False, blank=lambda: ANY),
    "import url": Check(Shape.TEXT, _source("url"), free=False),
    "import published": Check(Shape.TEXT, _source("published"), free=False),
    "claim quote": Check(Shape.VERBATIM, _new_claim("quote"), free=False),
    "claim quote in its source": Check(
        Shape.VERBATIM,
        _new_claim("quote"),
        prepare=_holding,
        path=lambda env, p: f"/sources/{p['source_id']}/claims/new",
        data=lambda env, p: {
            "start": p["start"],
            "end": p["end"],
            "statement": "S.",
            "speaker": "",
            "subjects": "",
            "status": "unreviewed",
            "rationale": "",
        },
    ),
    "claim statement": Check(Shape.TEXT, _new_claim("statement"), limit=5000),
    "claim speaker": Check(
        Shape.LINE, _new_claim("speaker"), limit=200, blank=lambda: "the article"
    ),
    "claim subjects": Check(Shape.LINE, _new_claim("subjects"), limit=200, listing="split"),
    "claim rationale": Check(Shape.TEXT, _new_claim("rationale"), limit=10000),
    "claim status": Check(
        Shape.CHOICE,
        _new_claim("status"),
        # A reviewer's new claim cannot be false without evidence: the form refuses it.
        choices=STATUSES - {"false"},
        blank=lambda: "unreviewed",
        # A verdict needs a rationale, so the form gives one.
        data=lambda env, p: {
            **CASES["claim status"].data(env.w, env.app),
            "rationale": "Said so in the source.",
        },
    ),
    "edit statement": Check(Shape.TEXT, _the_claim("statement"), limit=5000),
    "edit quote": Check(Shape.VERBATIM, _the_claim("quote"), free=False),
    "edit speaker": Check(
        Shape.LINE, _the_claim("speaker"), limit=200, blank=lambda: "the article"
    ),
    "edit subjects": Check(Shape.LINE, _the_claim("subjects"), limit=200, listing="split"),
    "edit rationale": Check(Shape.TEXT, _the_claim("rationale"), limit=10000),
    "edit status": Check(Shape.CHOICE, _the_claim("status"), choices=STATUSES),
    "edit note": Check(Shape.TEXT, _last_reason(lambda env: env.w.claim_id), limit=1000),
    "verdict rationale": Check(Shape.TEXT, _the_claim("rationale"), limit=10000),
    "verdict status": Check(Shape.CHOICE, _the_claim("status"), choices=STATUSES),
    "evidence url": Check(Shape.TEXT, _new_evidence("url"), free=False),
    "evidence title": Check(Shape.LINE, _new_evidence("title"), limit=500),
    "evidence publisher": Check(Shape.LINE, _new_evidence("publisher"), limit=200),
    "evidence published": Check(Shape.TEXT, _new_evidence("published"), free=False),
    "evidence passage": Check(Shape.TEXT, _new_evidence("passage"), limit=10000),
    "evidence stance": Check(
        Shape.CHOICE,
        _new_evidence("stance"),
        choices=frozenset({"supports", "refutes", "context"}),
    ),
    "answer": Check(Shape.LINE, _THE_ANSWER, limit=300, blank=lambda: ANY),
    "answer aspect": Check(Shape.LINE, _the_claim("qualifiers.aspect"), limit=100),
    "answer as of": Check(Shape.TEXT, _the_claim("qualifiers.as_of"), free=False),
    "answer from": Check(Shape.TEXT, _the_claim("qualifiers.from"), free=False),
    "answer until": Check(Shape.TEXT, _the_claim("qualifiers.until"), free=False),
    "new question": Check(
        Shape.LINE, _question_text(lambda env, response: _new_id(response)), limit=500
    ),
    "new question kind": Check(
        Shape.CHOICE,
        lambda env, response, prep: env.api(f"/api/v1/questions/{_new_id(response)}")[
            "answer_kind"
        ],
        choices=KINDS,
    ),
    "new entity name": Check(
        Shape.LINE, _entity("name", lambda env, response: _new_id(response)), limit=200
    ),
    "new entity aliases": Check(
        Shape.LINE,
        _entity("aliases", lambda env, response: _new_id(response)),
        limit=200,
        blank=lambda: ["Grace Hopper"],
        listing="split",
    ),
    "new entity kind": Check(
        Shape.CHOICE,
        _entity("kind", lambda env, response: _new_id(response)),
        choices=frozenset({"person", "organisation"}),
    ),
    "alias": Check(
        Shape.LINE,
        _entity("aliases", lambda env, response: env.w.entity_id),
        limit=200,
        refusal=FLASH,
        listing="among",
    ),
    "delete note": Check(Shape.TEXT, _last_reason(lambda env: env.w.claim_id), limit=1000),
    "evidence delete note": Check(
        Shape.TEXT,
        _last_reason(lambda env: env.w.claim_id),
        limit=1000,
        path=lambda env, p: f"/claims/{env.w.claim_id}/evidence/{env.w.evidence_id}/delete",
        data=lambda env, p: {},
    ),
    "claim's new question": Check(
        Shape.LINE,
        _question_text(lambda env, response: env.claim(env.w.claim_id)["question_id"]),
        limit=500,
        refusal=FLASH,
        blank=lambda: None,  # nothing chosen: the claim leaves its question
    ),
    "claim's question id": Check(Shape.NUMBER, None, refusal=FLASH, blank=lambda: ANY),
    "claim's question kind": Check(
        Shape.CHOICE,
        lambda env, response, prep: env.api(
            f"/api/v1/questions/{env.claim(env.ctx.loose_a)['question_id']}"
        )["answer_kind"],
        choices=KINDS,
        refusal=FLASH,
        path=lambda env, p: f"/claims/{env.ctx.loose_a}/question",
        data=lambda env, p: {"question_id": "", "new_question": "How many loose claims?"},
    ),
    "claim's value": Check(Shape.VALUE, _the_claim("value.text"), free=False, refusal=FLASH),
    "claim's value, counted": Check(
        Shape.VALUE,
        _claim_field("value.text", lambda env, response, prep: env.ctx.count_claim_id),
        free=False,
        refusal=FLASH,
        blank=lambda: ANY,
        path=lambda env, p: f"/claims/{env.ctx.count_claim_id}/value",
        data=lambda env, p: {"version": _version(env, env.ctx.count_claim_id)},
    ),
    "suggestion note": Check(Shape.TEXT, _suggestion_reason, limit=1000, refusal=FLASH),
    "suggestion question text": Check(
        Shape.LINE,
        _question_text(lambda env, response: env.claim(env.ctx.loose_a)["question_id"]),
        limit=500,
        refusal=FLASH,
        path=lambda env, p: f"/claims/{env.ctx.loose_a}/suggestions/claim/{env.ctx.loose_b}/accept",
        data=lambda env, p: {"note": "", "answer_kind": "text"},
    ),
    "suggestion kind": Check(
        Shape.CHOICE,
        lambda env, response, prep: env.api(
            f"/api/v1/questions/{env.claim(env.ctx.loose_a)['question_id']}"
        )["answer_kind"],
        choices=KINDS,
        refusal=FLASH,
        path=lambda env, p: f"/claims/{env.ctx.loose_a}/suggestions/claim/{env.ctx.loose_b}/accept",
        data=lambda env, p: {"note": "", "question_text": "Are they loose?"},
    ),
    "flag reason": Check(
        Shape.TEXT,
        _contradiction(
            "detail",
            lambda env, c: (
                c["kind"] == "flagged"
                and sorted(c["claim_ids"]) == sorted([env.w.claim_id, env.w.other_id])
            ),
        ),
        limit=1000,
    ),
    "decision rationale": Check(
        Shape.TEXT,
        _contradiction("resolution", lambda env, c: c["id"] == env.w.contradiction_id),
        limit=10000,
    ),
    "decision state": Check(
        Shape.CHOICE,
        _contradiction("state", lambda env, c: c["id"] == env.w.contradiction_id),
        choices=DECISIONS,
        data=lambda env, p: {
            f"c{env.w.contradiction_id}-state": "",
            f"c{env.w.contradiction_id}-holding_claim_id": "",
            f"c{env.w.contradiction_id}-rationale": "R",
        },
    ),
    "decision holding claim": Check(
        Shape.NUMBER,
        None,
        data=lambda env, p: {
            f"c{env.w.contradiction_id}-state": "resolved",
            f"c{env.w.contradiction_id}-holding_claim_id": "",
            f"c{env.w.contradiction_id}-rationale": "R",
        },
        blank=lambda: ANY,
    ),
    "assign to": Check(Shape.NUMBER, None, refusal=FLASH),
    "display name": Check(
        Shape.LINE,
        lambda env, response, prep: _display_name(env),
        limit=80,
        from_page=True,
    ),
    "token name": Check(
        Shape.LINE,
        lambda env, response, prep: cells(env.page("/account/tokens", Role.viewer)),
        limit=80,
        success=201,
        listing="among",
        from_page=True,
    ),
    "token lifetime": Check(
        Shape.CHOICE,
        None,
        choices=frozenset({"30", "90", "365", "7", ""}),
        success=201,
    ),
    "current password": Check(Shape.VERBATIM, None, free=False, stride=HASHING_SHARE),
    "new password": Check(
        Shape.VERBATIM,
        _logs_in(lambda env, p: p["username"]),
        free=False,
        prepare=_new_user,
        own_client=True,
        stride=HASHING_SHARE,
    ),
    "new user name": Check(
        Shape.VERBATIM,
        lambda env, response, prep: cells(env.page("/users")),
        free=False,
        listing="among",
        from_page=True,
    ),
    "new user password": Check(
        Shape.VERBATIM,
        _logs_in(lambda env, p: "newcomer"),
        free=False,
        stride=HASHING_SHARE,
    ),
    "new user role": Check(Shape.CHOICE, None, choices=ROLES),
    "user role": Check(
        Shape.CHOICE,
        None,
        choices=ROLES,
        refusal=FLASH,
        path=lambda env, p: f"/users/{env.user_ids[Role.viewer]}",
        data=lambda env, p: {
            f"u{env.user_ids[Role.viewer]}-role": "",
            f"u{env.user_ids[Role.viewer]}-is_active": "y",
        },
    ),
    "import claims format": Check(
        Shape.CHOICE,
        None,
        choices=frozenset({"", "csv", "json", "jsonl"}),
        success=200,
        data=lambda env, p: _import_file(env, p),
    ),
}

CASES: dict[str, FormCase] = {**FORMS, **EXTRA}


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _pieces(text: str) -> list[str]:
    """A list field typed as one line: its items split at commas (and ; 、 ， ；)."""
    return [p for p in (p.strip() for p in re.split(r"[,;、，；]", text)) if p and not is_blank(p)]


def matches(stored: Any, sent: str, check: Check) -> bool:
    """Whether what reads back is the string as typed (or, blank, as nothing)."""
    if is_blank(sent):
        if check.blank is not None:
            expected = check.blank()
            return expected is ANY or stored == expected
        return stored in (None, "", [])
    # A page is read as a browser reads it; the API's JSON as it is.
    seen: Callable[[str], str] = as_browsers_read if check.from_page else str
    forms = set(readings(sent, check.shape))
    if check.shape in (Shape.TEXT, Shape.VERBATIM):
        forms |= {f.replace("\r\n", "\n") for f in forms}  # a textarea sends CR LF
    forms = {seen(f) for f in forms}
    if check.shape is Shape.VALUE:
        return isinstance(stored, str) and bool(stored.strip()) and stored in sent
    if check.shape is Shape.TAG:
        return isinstance(stored, str) and stored.casefold() in {f.casefold() for f in forms}
    if check.listing == "among":
        return any(seen(item) in forms for item in stored)
    if check.listing == "split":
        pieces = _pieces(sent)
        named = "grace hopper" in map(_fold, pieces)
        items = [i for i in stored if named or _fold(i) != "grace hopper"]
        each_a_piece = all(any(i in readings(p, Shape.LINE) for p in pieces) for i in items)
        return each_a_piece and {_fold(p) for p in pieces} == {_fold(i) for i in items}
    return isinstance(stored, str) and seen(stored) in forms


@pytest.fixture(scope="module")
def env(database_url: str) -> Iterator[Env]:
    with open_site(database_url) as site:
        ctx = build_ctx(site.app, site.world)
        logins = {role: site.login(role) for role in (None, *Role)}
        clients = {role: client for role, (client, _) in logins.items()}
        for client in clients.values():
            _forget_flashes(client)  # "Logged in as ..."
        user_ids = {role: user_id for role, (_, user_id) in logins.items() if role and user_id}
        yield Env(site, ctx, clients, user_ids)


def _forget_flashes(client: FlaskClient) -> None:
    """A flashed message waits in the cookie for the next page; the savepoint does not undo
    it, so it must not be left for the next string."""
    with client.session_transaction() as session:
        session.pop("_flashes", None)


def post_one(
    env: Env, case: FormCase, check: Check, text: str, n: int, tally: Tally, baseline: Any
) -> str | None:
    """Post one string in one form field; what went wrong, or None."""
    prep = check.prepare(env, text, n) if check.prepare else {}
    prep["sent"] = text
    client = prep["client"] if check.own_client else env.clients[case.role]
    data = check.data(env, prep) if check.data else case.data(env.w, env.app)
    name = next((k for k in data if re.sub(r"^\w+-", "", k) == case.field), case.field)
    data[name] = text
    before = fingerprint(env.app) if check.prepare else baseline
    response = client.post(check.path(env, prep) if check.path else case.path(env.w), data=data)
    tally.inputs += 1
    tally.requests += 1
    try:
        return _judge(env, client, case, check, text, response, prep, tally, before)
    finally:
        _forget_flashes(client)


def _judge(
    env: Env,
    client: FlaskClient,
    case: FormCase,
    check: Check,
    text: str,
    response: TestResponse,
    prep: Prep,
    tally: Tally,
    before: Any,
) -> str | None:
    status = response.status_code
    if status >= 500:
        tally.server_errors += 1
        return f"{status}: {response.text[:200]}"
    blank = is_blank(text)
    why: str | None = None
    if status == check.success:
        if status == 302 and check.refusal == FLASH:
            tally.requests += 1
            why = "; ".join(flashed(client.get(response.headers["Location"]).text, "danger"))
        if not why:
            tally.accepted += 1
            if not blank and check.shape in (Shape.CHOICE, Shape.NUMBER) and not check.takes(text):
                return f"{status}: taken, where only {sorted(check.choices) or 'an id'} is"
            if check.read is None:  # nothing to read back: an empty choice, or a login
                return None if blank or check.shape is Shape.CHOICE else f"{status}: taken"
            tally.requests += 1
            stored = check.read(env, response, prep)
            return None if matches(stored, text, check) else f"{status}: reads back {stored!r}"
    elif status not in (400, 401) or (status == 401 and check.read is not None):
        return f"{status} ({response.headers.get('Location', '')}): {response.text[:200]}"
    tally.refused += 1
    if not blank and check.takes(text):
        return f"{status} for text the field takes: {why or _messages(response.text)}"
    if why is None:
        problem = _refusal_page(case, check, text, response)
        if problem:
            return problem
    if fingerprint(env.app) != before:
        return f"{status}, but something was stored"
    return None


def _messages(page: str) -> str:
    found = re.findall(
        r'<p class="(?:error|flash flash-danger)" role="(?:alert|status)">(.*?)</p>', page, re.S
    )
    return html.unescape(" / ".join(found))[:160]


def _refusal_page(case: FormCase, check: Check, text: str, response: TestResponse) -> str | None:
    """What is wrong with a refusal's page: the message, and what was typed."""
    page = response.text
    if response.status_code == 401:  # a login: the user or the password is wrong
        if "Unknown user name or wrong password." not in page:
            return "401 without saying why"
    elif case.on_field:
        if not field_errors(page, case.field):
            return f"400 without a message on the field: {_messages(page)}"
    elif case.label not in page:
        return f"400 without naming {case.label!r}: {_messages(page)}"
    if case.on_field and check.shape not in (Shape.CHOICE, Shape.NUMBER):
        shown = {as_browsers_read(v) for v in form_values(page, case.field)}
        if not case.keeps and shown - {""}:
            return "the refused password is shown again"
        if case.keeps and not is_blank(text) and as_browsers_read(text) not in shown:
            return f"{response.status_code}: what was typed is not in the form ({shown!r:.120})"
    return None


def _describe(failures: list[tuple[str, str]], key: str, tally: Tally) -> str:
    lines = [f"{key}: {len(failures)} of {tally.inputs} strings went wrong:"]
    lines += [f"  {text[:80]!r}: {problem}" for text, problem in failures[:SHOWN]]
    return "\n".join(lines)


KEYS = list(CASES)


@pytest.mark.parametrize("index", range(len(KEYS)), ids=KEYS)
def test_every_naughty_string_in_every_form_field_is_saved_as_typed_or_refused_on_the_field(
    env, index, record_property
):
    key = KEYS[index]
    case, check = CASES[key], CHECKS[key]
    strings = strings_for(index, check.stride)
    tally = Tally()
    failures: list[tuple[str, str]] = []
    baseline = fingerprint(env.app)
    for n, text in strings:
        if check.shape is Shape.NUMBER and re.fullmatch(r"[+-]?[0-9]+", text):
            # The corpus's "1" and "-0" are ids: whether one is taken depends on the rows
            # there are, not on the string (test_inputs tries ids that exist and do not).
            continue
        with env.site.savepoint():
            problem = post_one(env, case, check, text, n, tally, baseline)
        if problem is not None:
            failures.append((text, problem))
    for name, value in vars(tally).items():
        record_property(name, value)
    assert not failures, _describe(failures, key, tally)
    if check.free and check.shape in (Shape.VERBATIM, Shape.TEXT, Shape.LINE):
        assert tally.accepted > 0  # the corpus holds strings each free field takes


# --- query strings --------------------------------------------------------------------------

_QUEUE = ("q", "status", "source_id", "assignee", "language", "speaker", "sort", "deleted")
_QUEUE_EXPORT = ("format", "status", "assignee", "q", "source_id", "language", "speaker", "bom")
_MATRIX = ("q", "question_id", "source_id", "differ", "after", "before", "sources_after")
_PAGES = ("page", "per_page")

#: Every page that reads its query string: who asks, the page, the parameter.
PAGE_QUERIES: list[tuple[Role | None, str, str]] = [
    (Role.viewer, "/search", "q"),
    *((Role.viewer, "/claims", p) for p in (*_QUEUE, "include_deleted", *_PAGES)),
    *((Role.viewer, "/questions", p) for p in ("q", *_PAGES)),
    *((Role.viewer, "/entities", p) for p in ("q", *_PAGES)),
    *((Role.viewer, "/entities/{entity_id}", p) for p in ("said_page", "about_page")),
    *((Role.viewer, "/disputes", p) for p in ("state", "all", "kind", "source_id", "question_id")),
    *((Role.viewer, "/disputes", p) for p in ("after", "per_page")),
    *((Role.viewer, "/matrix", p) for p in (*_MATRIX, "sources_before", "per_page")),
    (Role.viewer, "/matrix", "sources_per_page"),
    *((Role.viewer, "/activity", p) for p in ("user", "since", "until", *_PAGES)),
    *((Role.viewer, "/sources", p) for p in _PAGES),
    *((Role.reviewer, "/sources/{source_id}/claims/new", p) for p in ("sentence", "start", "end")),
    *((Role.editor, "/export", p) for p in _QUEUE_EXPORT),
    *((Role.editor, "/export/download", p) for p in (*_QUEUE_EXPORT, "sort", "deleted")),
    *((Role.editor, "/export/matrix.csv", p) for p in ("q", "question_id", "source_id", "differ")),
    (Role.editor, "/export/matrix.csv", "bom"),
    (None, "/login", "next"),
    (Role.viewer, "/login", "next"),
]


def _api_queries(document: dict[str, Any]) -> list[tuple[Role | None, str, str]]:
    """Every query parameter of every GET operation of the API, from its OpenAPI document."""
    shared = document["components"].get("parameters", {})
    found = []
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        for parameter in operation.get("parameters", []):
            if "$ref" in parameter:
                parameter = shared[parameter["$ref"].rsplit("/", 1)[1]]
            if parameter["in"] == "query":
                found.append((Role.editor, path, parameter["name"]))
    return found


def _url(env: Env, path: str) -> str:
    ids = {
        "claim_id": env.w.claim_id,
        "source_id": env.w.source_id,
        "question_id": env.w.question_id,
        "entity_id": env.w.entity_id,
        "contradiction_id": env.w.contradiction_id,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m[1]]), path)


def query_rows(document: dict[str, Any]) -> list[tuple[Role | None, str, str]]:
    return [*PAGE_QUERIES, *_api_queries(document)]


#: The API's document, read once (it is the same for every backend).
_DOCUMENT: dict[str, Any] = {}


def _document(env: Env) -> dict[str, Any]:
    if not _DOCUMENT:
        _DOCUMENT.update(env.clients[None].get("/api/v1/openapi.json").get_json())
    return _DOCUMENT


def test_every_naughty_string_in_every_query_parameter_is_a_200_or_a_400(env, record_property):
    """One test for all parameters, each with its share of the corpus (QUERY_SHARE)."""
    tally = Tally()
    failures: list[tuple[str, str]] = []
    for index, (role, path, name) in enumerate(query_rows(_document(env))):
        url = _url(env, path)
        for _n, text in strings_for(index, QUERY_SHARE, edge=lambda text: len(text) > 1000):
            with env.site.savepoint():
                response = env.clients[role].get(url, query_string={name: text})
                response.get_data()  # an export streams: its rows are written now
            tally.inputs += 1
            tally.requests += 1
            status = response.status_code
            if status >= 500:
                tally.server_errors += 1
            if status not in (200, 400) and not (path == "/login" and status == 302):
                failures.append((text, f"GET {path}?{name}=: {status} {response.text[:160]}"))
            elif status == 400:
                tally.refused += 1
            else:
                tally.accepted += 1
    for key, value in vars(tally).items():
        record_property(key, value)
    assert not failures, "\n".join(
        [f"{len(failures)} of {tally.inputs} query strings went wrong:"]
        + [f"  {text[:60]!r}: {problem}" for text, problem in failures[:SHOWN]]
    )


# --- the cases cover the forms --------------------------------------------------------------

#: POST endpoints with nothing to type: buttons, and a version the page fills in.
NOTHING_TYPED = {
    "accounts.logout",
    "accounts.log_out_everywhere",
    "accounts.revoke_token",
    "accounts.log_out_user",
    "accounts.require_new_password",
    "claims.confirm_answer",
}


class _Forms(HTMLParser):
    """Each form of a page: its method, its action, and the names of the controls typed in."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(((a.get("method") or "get").upper(), a.get("action") or "", []))
        elif self.forms and tag in ("input", "textarea", "select") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else tag
            if kind not in UNTYPED:
                self.forms[-1][2].append(re.sub(r"^\w+-", "", a["name"] or ""))


def _pages(env: Env) -> list[tuple[Role | None, str]]:
    w, ctx = env.w, env.ctx
    admin_pages = [
        "/sources",
        "/sources/new",
        f"/sources/{w.source_id}",
        f"/sources/{w.source_id}/claims/new?sentence=0",
        f"/sources/{w.source_id}/suggestions",
        "/claims",
        f"/claims/{w.claim_id}",
        f"/claims/{ctx.count_claim_id}",
        f"/claims/{ctx.loose_a}",
        f"/claims/{w.claim_id}/edit",
        f"/claims/{w.claim_id}/history",
        "/questions",
        f"/questions/{w.question_id}",
        "/disputes",
        f"/contradictions/{w.contradiction_id}",
        "/matrix",
        "/entities",
        f"/entities/{w.entity_id}",
        "/search",
        "/activity",
        "/export",
        "/import/claims",
        "/account",
        "/account/tokens",
        "/users",
    ]
    return [(None, "/login"), *((Role.admin, page) for page in admin_pages)]


def _endpoint(app: Flask, path: str, method: str) -> str:
    endpoint, _args = app.url_map.bind("localhost").match(path.split("?")[0], method=method)
    return endpoint


def _crawl(env: Env) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The typed fields of every form on the pages: posted ones, and GET (query) ones."""
    posted: set[tuple[str, str]] = set()
    queried: set[tuple[str, str]] = set()
    for role, page in _pages(env):
        parser = _Forms()
        parser.feed(env.page(page, role))
        for method, action, names in parser.forms:
            endpoint = _endpoint(env.app, action or page, method)
            (posted if method == "POST" else queried).update((endpoint, n) for n in names)
    return posted, queried


def test_the_cases_cover_every_form_field_and_query_parameter(env):
    posted, queried = _crawl(env)
    assert set(CHECKS) == set(CASES)
    covered: set[tuple[str, str]] = set()
    for key, case in CASES.items():
        check = CHECKS[key]
        with env.site.savepoint():
            prep = check.prepare(env, "x", 0) if check.prepare else {}
            path = check.path(env, prep) if check.path else case.path(env.w)
        covered.add((_endpoint(env.app, path, "POST"), case.field))
    assert posted - covered == set(), f"form fields without a case: {sorted(posted - covered)}"
    queries = {(_endpoint(env.app, _url(env, path), "GET"), name) for _, path, name in PAGE_QUERIES}
    assert queried - queries == set(), (
        f"query parameters without a row: {sorted(queried - queries)}"
    )
    endpoints = {
        rule.endpoint
        for rule in env.app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and not rule.rule.startswith("/api/")
    }
    with_cases = {endpoint for endpoint, _ in covered}
    missing = endpoints - with_cases - NOTHING_TYPED
    assert missing == set(), f"POST endpoints without a case: {sorted(missing)}"
    assert len(posted) > 50 and len(queried) > 20
