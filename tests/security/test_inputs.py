"""One input rule everywhere: NUL and lone surrogates refused with a 400 and a message on the
field, invisible-only text counted as empty, bidi controls refused in URLs, dates on the
calendar in ASCII digits. On SQLite and PostgreSQL (where NUL used to be a 500)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.security.conftest import World
from tracker.accounts.models import Role
from tracker.audit.models import AuditEntry
from tracker.claims import services as claims
from tracker.claims.models import Claim, Evidence
from tracker.core import db
from tracker.sources.models import Source

NUL_MESSAGE = "NUL character"


def field_errors(page: str, name: str) -> list[str]:
    """The error messages shown inside the form field named `name`."""
    for block in re.findall(r'<div class="field has-error">(.*?)</div>', page, re.S):
        if f'name="{name}"' in block:
            return [
                html.unescape(e)
                for e in re.findall(r'<p class="error" role="alert">(.*?)</p>', block)
            ]
    return []


def changes(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


@dataclass(frozen=True)
class FormCase:
    """A form post: who sends it, where, the other fields, and the field under test.

    ``on_field``: the page comes back with the form, the message on the field and what was
    typed still there; otherwise the answer is a 400 whose message names the field.
    """

    role: Role | None
    path: Callable[[World], str]
    data: Callable[[World, Any], dict[str, Any]]
    field: str
    on_field: bool = True
    label: str = ""
    #: Whether the page shows what was typed again (never for a password).
    keeps: bool = True


def _claim_form(w: World, app: Any) -> dict[str, Any]:
    return {
        "start": 0,
        "end": 14,
        "quote": "Ein Satz hier.",
        "statement": "A statement.",
        "speaker": "the article",
        "subjects": "",
        "status": "unreviewed",
        "rationale": "",
    }


def _version(w: World, app: Any) -> str:
    with app.app_context():
        return str(claims.get_claim(w.claim_id).version)


def _edit_form(w: World, app: Any) -> dict[str, Any]:
    return {**_claim_form(w, app), "note": "", "version": _version(w, app)}


def _evidence_form(w: World, app: Any) -> dict[str, Any]:
    return {
        "url": "https://example.org/new",
        "title": "A page",
        "publisher": "",
        "published": "2024-01-05",
        "stance": "supports",
        "passage": "",
    }


def _answer_form(w: World, app: Any) -> dict[str, Any]:
    return {"answer": "two", "aspect": "", "as_of": "", "valid_from": "", "valid_until": ""} | {
        "version": _version(w, app)
    }


def _source_form(w: World, app: Any) -> dict[str, Any]:
    return {"text": "Ein ganz neuer Text.", "title": "", "language": "", "url": "", "published": ""}


_NEW_CLAIM = lambda w: f"/sources/{w.source_id}/claims/new"  # noqa: E731
_EDIT = lambda w: f"/claims/{w.claim_id}/edit"  # noqa: E731
_EVIDENCE = lambda w: f"/claims/{w.claim_id}/evidence"  # noqa: E731
_ANSWER = lambda w: f"/claims/{w.claim_id}/answer"  # noqa: E731

FORMS = {
    "login username": FormCase(
        None, lambda w: "/login", lambda w, a: {"username": "", "password": PASSWORD}, "username"
    ),
    "login password": FormCase(
        None,
        lambda w: "/login",
        lambda w, a: {"username": "admin", "password": ""},
        "password",
        keeps=False,
    ),
    "import text": FormCase(Role.reviewer, lambda w: "/sources/new", _source_form, "text"),
    "import title": FormCase(Role.reviewer, lambda w: "/sources/new", _source_form, "title"),
    "import language": FormCase(Role.reviewer, lambda w: "/sources/new", _source_form, "language"),
    "import url": FormCase(Role.reviewer, lambda w: "/sources/new", _source_form, "url"),
    "claim quote": FormCase(Role.reviewer, _NEW_CLAIM, _claim_form, "quote"),
    "claim statement": FormCase(Role.reviewer, _NEW_CLAIM, _claim_form, "statement"),
    "claim speaker": FormCase(Role.reviewer, _NEW_CLAIM, _claim_form, "speaker"),
    "claim subjects": FormCase(Role.reviewer, _NEW_CLAIM, _claim_form, "subjects"),
    "claim rationale": FormCase(Role.reviewer, _NEW_CLAIM, _claim_form, "rationale"),
    "edit statement": FormCase(Role.reviewer, _EDIT, _edit_form, "statement"),
    "edit note": FormCase(Role.reviewer, _EDIT, _edit_form, "note"),
    "verdict rationale": FormCase(
        Role.reviewer,
        lambda w: f"/claims/{w.claim_id}/verdict",
        lambda w, a: {"status": "misleading", "rationale": "", "version": _version(w, a)},
        "rationale",
    ),
    "evidence url": FormCase(Role.reviewer, _EVIDENCE, _evidence_form, "url"),
    "evidence title": FormCase(Role.reviewer, _EVIDENCE, _evidence_form, "title"),
    "evidence publisher": FormCase(Role.reviewer, _EVIDENCE, _evidence_form, "publisher"),
    "evidence published": FormCase(Role.reviewer, _EVIDENCE, _evidence_form, "published"),
    "evidence passage": FormCase(Role.reviewer, _EVIDENCE, _evidence_form, "passage"),
    "answer": FormCase(Role.reviewer, _ANSWER, _answer_form, "answer"),
    "answer aspect": FormCase(Role.reviewer, _ANSWER, _answer_form, "aspect"),
    "answer as of": FormCase(Role.reviewer, _ANSWER, _answer_form, "as_of"),
    "new question": FormCase(
        Role.reviewer,
        lambda w: "/questions",
        lambda w, a: {"text": "", "answer_kind": "text"},
        "text",
    ),
    "new entity name": FormCase(
        Role.reviewer,
        lambda w: "/entities",
        lambda w, a: {"name": "", "kind": "person", "aliases": ""},
        "name",
    ),
    "new entity aliases": FormCase(
        Role.reviewer,
        lambda w: "/entities",
        lambda w, a: {"name": "Grace Hopper", "kind": "person", "aliases": ""},
        "aliases",
    ),
    "alias": FormCase(
        Role.reviewer,
        lambda w: f"/entities/{w.entity_id}/aliases",
        lambda w, a: {"alias": ""},
        "alias",
        on_field=False,
        label="Another name",
    ),
    "delete note": FormCase(
        Role.editor,
        lambda w: f"/claims/{w.claim_id}/delete",
        lambda w, a: {"note": "", "version": _version(w, a)},
        "note",
        on_field=False,
        label="Why",
    ),
    "claim's new question": FormCase(
        Role.reviewer,
        lambda w: f"/claims/{w.claim_id}/question",
        lambda w, a: {"question_id": "", "new_question": "", "answer_kind": "text"},
        "new_question",
        on_field=False,
        label="new question",
    ),
    "claim's value": FormCase(
        Role.reviewer,
        lambda w: f"/claims/{w.claim_id}/value",
        lambda w, a: {"value": "", "version": _version(w, a)},
        "value",
        on_field=False,
        label="Value",
    ),
    "suggestion note": FormCase(
        Role.reviewer,
        lambda w: f"/claims/{w.claim_id}/suggestions/question/{w.question_id}/reject",
        lambda w, a: {"note": ""},
        "note",
        on_field=False,
        label="Why",
    ),
    "flag reason": FormCase(
        Role.reviewer,
        lambda w: f"/questions/{w.question_id}/flag",
        lambda w, a: {"claim_a_id": w.claim_id, "claim_b_id": w.other_id, "reason": ""},
        "reason",
        on_field=False,
        label="How",
    ),
    "decision rationale": FormCase(
        Role.reviewer,
        lambda w: f"/contradictions/{w.contradiction_id}?next=/disputes",
        lambda w, a: {
            f"c{w.contradiction_id}-state": "resolved",
            f"c{w.contradiction_id}-holding_claim_id": "",
            f"c{w.contradiction_id}-rationale": "",
        },
        "rationale",
        on_field=False,
        label="Rationale",
    ),
}


def _post_with(client, auth, app, world, case: FormCase, value: str):
    if case.role is not None:
        auth.login(case.role)
    data = case.data(world, app)
    name = next((k for k in data if k.endswith(case.field)), case.field)
    data[name] = value
    return client.post(case.path(world), data=data)


@pytest.mark.parametrize("case", FORMS.values(), ids=FORMS.keys())
def test_nul_in_a_form_field_is_refused_on_the_field_and_nothing_is_stored(
    app, client, auth, world, case
):
    before = changes(app)
    typed = "Typed\x00text"
    response = _post_with(client, auth, app, world, case, typed)
    assert response.status_code == 400, response.text[:500]
    assert NUL_MESSAGE in response.text
    if case.on_field:
        assert any(NUL_MESSAGE in e for e in field_errors(response.text, case.field))
        assert (typed in response.text) is case.keeps  # what was typed is still in the form
    else:
        assert case.label in response.text
    assert changes(app) == before


@pytest.mark.parametrize(
    "case",
    [
        c
        for k, c in FORMS.items()
        if k
        in {"claim statement", "new question", "new entity name", "evidence title", "import text"}
    ],
    ids=["claim statement", "new question", "new entity name", "evidence title", "import text"],
)
@pytest.mark.parametrize("blank", ["\u200b\u200d", "\u2066\u2069", "\ufeff", "\u202e \u200f"])
def test_a_required_field_of_invisible_characters_only_counts_as_empty(
    app, client, auth, world, case, blank
):
    before = changes(app)
    response = _post_with(client, auth, app, world, case, blank)
    assert response.status_code == 400, response.text[:500]
    assert field_errors(response.text, case.field), response.text
    assert changes(app) == before


def test_anonymous_login_with_nul_is_a_400_not_a_database_error(client):
    response = client.post("/login", data={"username": "admin\x00", "password": "x"})
    assert response.status_code == 400
    assert any(NUL_MESSAGE in e for e in field_errors(response.text, "username"))


QUERIES = [
    (None, "/login?next=/search%00"),
    (Role.viewer, "/search?q=%00"),
    (Role.viewer, "/search?q=a%00b"),
    (Role.viewer, "/claims?q=%00"),
    (Role.viewer, "/claims?speaker=x%00"),
    (Role.viewer, "/questions?q=%00"),
    (Role.viewer, "/entities?q=%00"),
    (Role.viewer, "/disputes?source_id=%00"),
    (Role.viewer, "/activity?since=%00"),
    (Role.viewer, "/sources?page=1%00"),
    (Role.viewer, "/search?q%00=x"),
    (Role.editor, "/export?q=%00"),
    (Role.editor, "/export/download?format=csv&speaker=%00"),
]


@pytest.mark.parametrize(("role", "url"), QUERIES)
def test_nul_in_a_query_string_is_a_400_page(client, auth, role, url):
    if role is not None:
        auth.login(role)
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/html" and NUL_MESSAGE in response.text


# --- the API --------------------------------------------------------------------------------


@pytest.fixture
def api(client, auth):
    """Send JSON as a logged-in editor (cookie session; CSRF is off in tests)."""
    auth.login(Role.editor)

    def send(method: str, url: str, body: dict[str, Any]):
        return client.open(url, method=method, json=body)

    return send


def _error_fields(response) -> dict[str, str]:
    assert response.status_code == 400, response.text
    return response.get_json()["error"]["fields"]


@pytest.mark.parametrize("blank", ["\u200b", "\u200e\u200f", "\u2066\u2069", "\ufeff", "\u202e"])
def test_api_required_text_of_invisible_characters_is_refused(app, api, world, blank):
    before = changes(app)
    assert "statement" in _error_fields(
        api(
            "POST",
            "/api/v1/claims",
            {"source_id": world.source_id, "start": 0, "end": 14, "statement": blank},
        )
    )
    assert "text" in _error_fields(api("POST", "/api/v1/questions", {"text": blank}))
    assert "text" in _error_fields(api("POST", "/api/v1/sources", {"text": blank}))
    assert "title" in _error_fields(
        api(
            "POST",
            f"/api/v1/claims/{world.claim_id}/evidence",
            {"url": "https://example.org/b", "title": blank, "stance": "supports"},
        )
    )
    assert changes(app) == before


def test_api_optional_text_of_invisible_characters_is_stored_as_nothing(app, api, world):
    response = api(
        "POST",
        "/api/v1/claims",
        {
            "source_id": world.source_id,
            "start": 0,
            "end": 14,
            "statement": "Visible.",
            "rationale": "\u200b",
            "subjects": ["\u2060", "Ada"],
        },
    )
    assert response.status_code == 201, response.text
    assert response.get_json()["rationale"] is None
    assert response.get_json()["subjects"] == ["Ada"]


BIDI_URLS = [
    "https://example.org/\u202egpj.exe",
    "https://exa\u200emple.org/",
    "https://example.org/a\u2067b",
    "https://example.org/?q=\u202a",
]


@pytest.mark.parametrize("url", BIDI_URLS)
def test_bidi_controls_in_urls_are_refused(app, api, client, world, url):
    before = changes(app)
    evidence = {"url": url, "title": "T", "stance": "supports"}
    assert "url" in _error_fields(
        api("POST", f"/api/v1/claims/{world.claim_id}/evidence", evidence)
    )
    source = {"text": "Ein anderer Text, ganz neu.", "url": url}
    assert "url" in _error_fields(api("POST", "/api/v1/sources", source))
    form = client.post(f"/claims/{world.claim_id}/evidence", data={**evidence, "published": ""})
    assert form.status_code == 400
    assert field_errors(form.text, "url")
    assert changes(app) == before


BAD_DATES = [
    "2024-02-30",
    "2023-02-29",
    "0000",
    "0000-01-01",
    "٢٠٢٤",
    "٢٠٢٤-٠١-٠١",
    "２０２４",
    "2024-13",
]


@pytest.mark.parametrize("value", BAD_DATES)
def test_impossible_and_foreign_digit_dates_are_refused(app, api, client, world, value):
    before = changes(app)
    evidence = {"url": "https://example.org/d", "title": "T", "stance": "supports"}
    response = api(
        "POST", f"/api/v1/claims/{world.claim_id}/evidence", {**evidence, "published": value}
    )
    assert "published" in _error_fields(response)
    form = client.post(f"/claims/{world.claim_id}/evidence", data={**evidence, "published": value})
    assert form.status_code == 400 and field_errors(form.text, "published")
    assert value in form.text  # kept as typed
    answer = client.post(
        f"/claims/{world.claim_id}/answer", data={**_answer_form(world, app), "as_of": value}
    )
    assert answer.status_code == 400 and field_errors(answer.text, "as_of")
    with app.app_context():
        version = claims.get_claim(world.claim_id).version
    response = api(
        "PUT",
        f"/api/v1/claims/{world.claim_id}/answer",
        {"answer": "two", "qualifiers": {"until": value}, "version": version},
    )
    assert response.status_code == 400, response.text
    assert changes(app) == before


@pytest.mark.parametrize("value", ["2024-02-30", "٢٠٢٤-٠١-٠١", "0000-01-01", "2024"])
def test_a_source_date_is_a_real_full_date(app, api, client, world, value):
    before = changes(app)
    body = {"text": "Noch ein ganz anderer Text.", "published": value}
    assert "published" in _error_fields(api("POST", "/api/v1/sources", body))
    form = client.post("/sources/new", data={**_source_form(world, app), "published": value})
    assert form.status_code == 400 and field_errors(form.text, "published")
    assert changes(app) == before


def test_good_partial_dates_are_still_taken(app, api, world):
    for value in ("2024", "2024-02", "2024-02-29"):
        response = api(
            "POST",
            f"/api/v1/claims/{world.claim_id}/evidence",
            {
                "url": f"https://example.org/{value}",
                "title": "T",
                "stance": "context",
                "published": value,
            },
        )
        assert response.status_code == 201, response.text
        assert response.get_json()["published"] == value


# --- the CLI and imports --------------------------------------------------------------------


def _sources(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Source))


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--title", "Titel\x00", "--title"),
        ("--url", "https://example.org/\x00", "--url"),
        ("--language", "de\udcff", "--language"),
        ("--url", "https://example.org/\u202egpj.exe", "U+202E"),
        ("--published", "2024-02-30", "is not a date"),
        ("--published", "٢٠٢٤-٠١-٠١", "is not a date"),
    ],
)
def test_cli_import_refuses_bad_text_and_stores_nothing(app, runner, tmp_path, option, value, says):
    article = tmp_path / "a.txt"
    article.write_text("Ein Artikel über nichts.\n", encoding="utf-8")
    before = _sources(app)
    result = runner.invoke(args=["sources", "import", str(article), option, value])
    assert result.exit_code != 0
    assert says in result.output
    assert _sources(app) == before


def test_cli_text_of_invisible_characters_counts_as_empty(app, runner, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Die Überschrift\nEin Artikel über nichts.\n", encoding="utf-8")
    result = runner.invoke(args=["sources", "import", str(article), "--title", "\u200b\u2066"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        title = db.session.scalar(sa.select(Source.title).order_by(Source.id.desc()).limit(1))
    assert title == "Die Überschrift"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("statement", "Satz\u0000", NUL_MESSAGE),
        ("speaker", "\ud800", NUL_MESSAGE),
        ("statement", "\u200b\u200d", "needs a 'quote' and a 'statement'"),
    ],
)
def test_bulk_import_refuses_bad_text_by_line(
    app, client, auth, runner, world, tmp_path, field, value, message
):
    row = {
        "source_id": world.source_id,
        "quote": "Noch ein Satz dort.",
        "statement": "S.",
        field: value,
    }
    document = json.dumps([row])  # ASCII escapes: \u0000 and \ud800 reach the parser as such
    before = changes(app)
    path = tmp_path / "claims.json"
    path.write_text(document, encoding="utf-8")
    result = runner.invoke(args=["claims", "import", str(path)])
    assert result.exit_code != 0 and message in result.output
    auth.login(Role.reviewer)
    page = client.post(
        "/import/claims",
        data={"file": (__import__("io").BytesIO(document.encode()), "claims.json"), "format": ""},
        content_type="multipart/form-data",
    )
    assert page.status_code == 400 and message in html.unescape(page.text)
    assert changes(app) == before


def test_bulk_import_refuses_impossible_evidence_dates(app, runner, world, tmp_path):
    row = {
        "source_id": world.source_id,
        "quote": "Noch ein Satz dort.",
        "statement": "S.",
        "evidence": [
            {"url": "https://example.org/x", "stance": "supports", "published": "2024-02-30"}
        ],
    }
    path = tmp_path / "claims.json"
    path.write_text(json.dumps([row]), encoding="utf-8")
    before = changes(app)
    result = runner.invoke(args=["claims", "import", str(path)])
    assert result.exit_code != 0 and "YYYY" in result.output
    assert changes(app) == before
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Evidence)
                .where(Evidence.published == "2024-02-30")
            )
            == 0
        )
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(Claim).where(Claim.statement == "S.")
            )
            == 0
        )


# --- numbers in forms and files -------------------------------------------------------------

NOT_NUMBERS = ["²", "٣", "99999999999999999999", "9999999999"]


@pytest.mark.parametrize("number", NOT_NUMBERS)
def test_a_number_field_with_other_digits_or_beyond_32_bits_is_a_400(
    app, client, auth, world, number
):
    auth.login(Role.reviewer)
    before = changes(app)
    cid = world.contradiction_id
    posts = [
        (
            f"/contradictions/{cid}?next=/disputes",
            {
                f"c{cid}-state": "resolved",
                f"c{cid}-holding_claim_id": number,
                f"c{cid}-rationale": "R",
            },
        ),
        (f"/claims/{world.claim_id}/question", {"question_id": number, "answer_kind": "text"}),
        (f"/claims/{world.claim_id}/value", {"value": "2", "version": number}),
        (f"/sources/{world.source_id}/suggestions", {"accept": f"{number}:{world.question_id}"}),
        (f"/sources/{world.source_id}/suggestions", {"accept": f"{world.claim_id}:{number}"}),
        (
            f"/questions/{world.question_id}/flag",
            {"claim_a_id": number, "claim_b_id": world.other_id, "reason": "R"},
        ),
    ]
    for path, data in posts:
        response = client.post(path, data=data)
        assert response.status_code == 400, (path, response.status_code)
    # Bulk assignment answers from the queue it came from, saying why.
    refused = client.post(
        "/claims/assign",
        data={"claim_ids": number, "assignee_id": "0", "next": "/claims"},
        follow_redirects=True,
    )
    assert refused.status_code == 200 and "Choose claims" in refused.text
    assert changes(app) == before


@pytest.mark.parametrize("number", NOT_NUMBERS)
def test_bulk_import_refuses_numbers_it_cannot_store(app, runner, world, tmp_path, number):
    before = changes(app)
    for row in (
        {"source_id": number, "quote": "Noch ein Satz dort.", "statement": "S."},
        {
            "source_id": world.source_id,
            "quote": "Noch ein Satz dort.",
            "statement": "S.",
            "start": number,
            "end": "34",
        },
    ):
        path = tmp_path / "claims.json"
        path.write_text(json.dumps([row]), encoding="utf-8")
        result = runner.invoke(args=["claims", "import", str(path)])
        assert result.exit_code == 1, result.output
        assert "claims.json:1: " in result.output and "whole number" in result.output
    assert changes(app) == before
