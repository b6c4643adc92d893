"""tracker dump / tracker restore: a reviewed database comes back exactly, on SQLite and on
PostgreSQL, and a bad file or a database with rows is refused whole."""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask

from tests.conftest import BACKENDS, PASSWORD, SEEDS
from tests.support.postgres import PostgresServer
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.core import db, migrate
from tracker.core.db import Base
from tracker.entities import services as entities
from tracker.exports import backup
from tracker.questions import disputes, rulings, suggestions
from tracker.questions import services as questions
from tracker.seeding import load_seeds
from tracker.sources import services as sources
from tracker.sources.models import Source

#: A BOM, CRLF line ends, an emoji outside the BMP, and the line breaks other than \n that a
#: careless JSON Lines reader would split on (U+2028, NEL).
TRICKY_TEXT = (
    "\ufeffPapageien im Labor\r\n"
    "Im Labor lebt ein Papagei 🦜 namens Ada.\r\n"
    "Er spricht zwei Sätze\u2028und pfeift\x85 dreimal am Tag.\r\n"
)
TRICKY_QUOTE = "Im Labor lebt ein Papagei 🦜 namens Ada."


def _app(url: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
        }
    )


@pytest.fixture(scope="module")
def fresh_database(
    request: pytest.FixtureRequest, new_database: Callable[[str], str]
) -> Callable[[str], str]:
    """Make an empty database at head and return its URL: a copy of one migrated database per
    backend (a file copy, or PostgreSQL's CREATE DATABASE ... TEMPLATE), which is much faster
    than migrating each."""
    templates: dict[str, str] = {}
    copies = itertools.count()

    def make(backend: str) -> str:
        if backend not in templates:
            templates[backend] = new_database(backend)
            migrate.upgrade(templates[backend])
        template = templates[backend]
        if backend == "sqlite":
            url = new_database(backend)
            shutil.copyfile(template.removeprefix("sqlite:///"), url.removeprefix("sqlite:///"))
            return url
        server: PostgresServer = request.getfixturevalue("pg_server")
        name = f"tracker_backup_{next(copies)}"
        with psycopg.connect(server.url().replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.rsplit("/", 1)[1]}"')
        return server.url(name)

    return make


def _review_session() -> str:
    """Seed, then do what reviewers do, through the services; returns an API token."""
    chief = accounts.create_user("chief", PASSWORD, Role.admin)
    rita = accounts.create_user("rita", PASSWORD, Role.reviewer)
    visitor = accounts.create_user("visitor", PASSWORD, Role.viewer)
    accounts.update_user(visitor.id, role=None, is_active=False, actor=chief)
    token = accounts.create_token("chief", "backup test")
    load_seeds()

    meta = sources.SourceMetadata(
        language="de", url="https://example.org/papagei", published="2024-09-27"
    )
    source = sources.import_source(TRICKY_TEXT, meta, actor=rita)
    start = source.text.index(TRICKY_QUOTE)
    draft = claims.ClaimDraft(
        start=start, end=start + len(TRICKY_QUOTE), statement="A parrot lives in the lab."
    )
    claim = claims.mark_claim(source.id, draft, actor=rita)
    claim = claims.edit_claim(
        claim.id,
        claims.ClaimChanges(statement="A parrot called Ada lives in the lab.", subjects=["OpenAI"]),
        version=claim.version,
        actor=rita,
    )
    evidence = claims.attach_evidence(
        claim.id,
        claims.EvidenceDraft(
            url="https://example.org/ada", title="Ada 🦜", stance="supports", published="2024-09"
        ),
        actor=rita,
    )
    claims.set_evidence_deleted(claim.id, evidence.id, True, actor=chief, note="wrong page")
    claims.set_evidence_deleted(claim.id, evidence.id, False, actor=chief, note="right after all")
    claim = claims.edit_claim(
        claim.id,
        claims.ClaimChanges(status="verified", rationale="The lab's page shows Ada."),
        version=claim.version,
        actor=chief,
    )
    claims.assign_claims([claim.id], rita.id, actor=chief)

    founded = claims.find_by_key("de-30-companies-founded")
    assert founded is not None
    question = questions.create_question("How many birds live in labs?", "count", actor=rita)
    for claim_id in (claim.id, founded.id):
        questions.assign_question(claim_id, question.id, actor=rita)
    contradiction = next(c for group in disputes.list_disputes() for c in group.contradictions)
    rulings.decide(
        contradiction.id,
        "resolved",
        "The later report is right.",
        holding_claim_id=contradiction.claim_b_id,
        actor=chief,
    )
    altman = entities.find_entity("Sam Altman")
    assert altman is not None
    entities.add_alias(altman.id, "Samuel H. Altman", actor=rita)
    seventy_five = claims.find_by_key("de-75-key-employees-left")
    assert seventy_five is not None
    staff = questions.find_question("How many important employees have left OpenAI?")
    assert staff is not None
    suggestions.reject_question(claim.id, staff.id, actor=rita, reason="Not about birds.")
    suggestions.reject_claim(claim.id, seventy_five.id, actor=rita, reason="Different facts.")
    claims.delete_claim(
        seventy_five.id, version=seventy_five.version, actor=chief, note="a test deletion"
    )
    return token


def _row_counts() -> dict[str, int]:
    count = sa.func.count()
    return {
        t.name: db.session.scalar(sa.select(count).select_from(t))
        for t in Base.metadata.sorted_tables
    }


def _dump(app: Flask, *, with_passwords: bool = False) -> str:
    with app.app_context():
        out = io.StringIO(newline="\n")
        backup.dump_database(out, with_passwords=with_passwords)
        return out.getvalue()


@dataclass
class Reviewed:
    """A database after a review session, with its dumps (made by the CLI and the service)."""

    backend: str
    url: str
    path: Path
    dump: str
    dump_with_passwords: str
    row_counts: dict[str, int]
    token: str


@pytest.fixture(scope="module", params=BACKENDS)
def reviewed(
    request: pytest.FixtureRequest,
    fresh_database: Callable[[str], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Reviewed]:
    url = fresh_database(request.param)
    app = _app(url)
    with app.app_context():
        token = _review_session()
        db.session.commit()
        counts = _row_counts()
    path = tmp_path_factory.mktemp("dumps") / "reviewed.jsonl"
    result = app.test_cli_runner().invoke(args=["dump", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {sum(counts.values()) - counts['api_tokens']} rows" in result.output
    yield Reviewed(
        backend=request.param,
        url=url,
        path=path,
        dump=path.read_text(encoding="utf-8"),
        dump_with_passwords=_dump(app, with_passwords=True),
        row_counts=counts,
        token=token,
    )
    app.extensions["tracker.engine"].dispose()


def _without_created_at(dump: str) -> str:
    header, rest = dump.split("\n", 1)
    assert json.loads(header)["created_at"]
    return re.sub(r'"created_at":"[^"]*"', '"created_at":""', header, count=1) + "\n" + rest


def _first_difference(a: str, b: str) -> tuple[int, str, str] | None:
    lines_a, lines_b = a.split("\n"), b.split("\n")
    for number, (line_a, line_b) in enumerate(zip(lines_a, lines_b, strict=False), start=1):
        if line_a != line_b:
            return number, line_a, line_b
    if len(lines_a) != len(lines_b):
        return min(len(lines_a), len(lines_b)) + 1, "", ""
    return None


def _rows(dump: str, table: str) -> list[dict[str, Any]]:
    lines = (json.loads(line) for line in dump.splitlines()[1:-1])
    return [line["row"] for line in lines if line["table"] == table]


def _other(backend: str) -> str:
    return next(b for b in BACKENDS if b != backend)


# --- the round trip -------------------------------------------------------------------------


def test_dump_restore_dump_is_identical_on_sqlite_and_postgresql(reviewed, fresh_database):
    rows = sum(reviewed.row_counts.values()) - reviewed.row_counts["api_tokens"]
    assert reviewed.dump.count("\n") == 1 + rows + 1  # header, rows, end line
    for target in BACKENDS:
        app = _app(fresh_database(target))
        result = app.test_cli_runner().invoke(args=["restore", str(reviewed.path)])
        assert result.exit_code == 0, result.output
        assert "3 users cannot log in" in result.output

        again = _dump(app)
        assert (
            _first_difference(_without_created_at(again), _without_created_at(reviewed.dump))
            is None
        )
        app.extensions["tracker.engine"].dispose()


def test_restored_database_takes_new_rows_with_fresh_ids(reviewed, fresh_database, seed_text):
    app = _app(fresh_database(_other(reviewed.backend)))
    with app.app_context():
        backup.restore_database(io.StringIO(reviewed.dump, newline="\n"))
        db.session.commit()
        before = _row_counts()
        source = sources.import_source(seed_text("de-openai-talent-exodus.txt") + " ", actor=None)
        quote = "Statistiken zufolge haben bisher fast 75 wichtige Mitarbeiter OpenAI verlassen"
        start = source.text.index(quote)
        claim = claims.mark_claim(
            source.id,
            claims.ClaimDraft(start=start, end=start + len(quote), statement="75 left."),
            actor=None,
        )
        user = accounts.create_user("newcomer", PASSWORD, Role.reviewer)
        db.session.commit()
        assert source.id == before["sources"] + 1
        assert claim.id == before["claims"] + 1
        assert user.id == before["users"] + 1
        assert _row_counts()["audit_entries"] > before["audit_entries"]
    app.extensions["tracker.engine"].dispose()


def test_nothing_is_lost_not_a_row_nor_a_byte(reviewed, fresh_database):
    app = _app(fresh_database(_other(reviewed.backend)))
    with app.app_context():
        report = backup.restore_database(io.StringIO(reviewed.dump_with_passwords, newline="\n"))
        db.session.commit()
        assert report.total == sum(reviewed.row_counts.values())
        assert _row_counts() == reviewed.row_counts
        texts = {s.sha256: s.text for s in db.session.scalars(sa.select(Source))}
    manifest = json.loads((SEEDS / "sources.json").read_text(encoding="utf-8"))
    expected = [(SEEDS / entry["file"]).read_bytes() for entry in manifest["sources"]]
    expected.append(TRICKY_TEXT.encode("utf-8"))
    assert len(texts) == len(expected)
    assert sorted(t.encode("utf-8") for t in texts.values()) == sorted(expected)

    again = _dump(app, with_passwords=True)
    assert (
        _first_difference(
            _without_created_at(again), _without_created_at(reviewed.dump_with_passwords)
        )
        is None
    )
    client = app.test_client()
    assert (
        client.post("/login", data={"username": "chief", "password": PASSWORD}).status_code == 302
    )
    answer = client.get("/api/v1/claims", headers={"Authorization": f"Bearer {reviewed.token}"})
    assert answer.status_code == 200
    app.extensions["tracker.engine"].dispose()


def test_values_are_written_as_their_types(reviewed):
    counts = reviewed.row_counts
    assert (counts["users"], counts["api_tokens"], counts["suggestion_decisions"]) == (3, 1, 2)
    claims_rows = _rows(reviewed.dump, "claims")
    valued = [r for r in claims_rows if r["value_low"] is not None]
    assert valued and all(isinstance(r["value_low"], str) for r in valued)
    assert all(r["created_at"].endswith("+00:00") for r in claims_rows)
    assert {type(r["is_deleted"]) for r in claims_rows} == {bool}
    assert any(r["is_deleted"] for r in claims_rows)
    assert all(isinstance(r["subjects"], list) for r in claims_rows)
    assert all(
        r["status"]
        in {
            "unreviewed",
            "in_review",
            "verified",
            "partly_true",
            "false",
            "misleading",
            "unverifiable",
            "disputed",
        }
        for r in claims_rows
    )
    papagei = next(
        r
        for r in _rows(reviewed.dump, "sources")
        if r["language"] == "de" and r["url"] == "https://example.org/papagei"
    )
    assert papagei["text"] == TRICKY_TEXT and papagei["published"] == "2024-09-27"
    # JSON null and SQL NULL stay apart (audit entries hold both).
    lines = [json.loads(line) for line in reviewed.dump.splitlines()[1:-1]]
    audit = [line for line in lines if line["table"] == "audit_entries"]
    assert any("json_null" in line for line in audit)
    assert any(line["row"]["before"] is None and "json_null" not in line for line in audit)
    # Line breaks other than \n are escaped, so any line splitter sees one row per line.
    assert "\u2028" not in reviewed.dump and "\x85" not in reviewed.dump
    assert len(reviewed.dump.splitlines()) == reviewed.dump.count("\n")


# --- secrets --------------------------------------------------------------------------------


def test_password_hashes_and_tokens_only_with_the_flag(reviewed, fresh_database):
    header = json.loads(reviewed.dump.split("\n", 1)[0])
    assert header["with_passwords"] is False and "cannot log in" in header["note"]
    users = _rows(reviewed.dump, "users")
    assert len(users) == 3 and all("password_hash" not in u for u in users)
    assert not _rows(reviewed.dump, "api_tokens")
    assert "scrypt" not in reviewed.dump

    header = json.loads(reviewed.dump_with_passwords.split("\n", 1)[0])
    assert header["with_passwords"] is True and "note" not in header
    users = _rows(reviewed.dump_with_passwords, "users")
    assert all(u["password_hash"].startswith("scrypt:") for u in users)
    assert len(_rows(reviewed.dump_with_passwords, "api_tokens")) == 1

    app = _app(fresh_database(reviewed.backend))
    with app.app_context():
        backup.restore_database(io.StringIO(reviewed.dump, newline="\n"))
        db.session.commit()
        assert accounts.authenticate("chief", PASSWORD) is None
        assert accounts.user_for_token(reviewed.token) is None
    client = app.test_client()
    response = client.post("/login", data={"username": "chief", "password": PASSWORD})
    assert response.status_code == 401
    # A browser session from before the restore (same SECRET_KEY) no longer lets them in.
    with app.app_context():
        chief = accounts.find_user("chief")
        assert chief is not None and not chief.has_usable_password
    with client.session_transaction() as session:
        session["_user_id"] = str(chief.id)
        session["_fresh"] = True
    assert client.get("/sources").status_code == 302
    # An administrator sets a password, and they are back.
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", "chief", "--password-stdin"], input="a new password!\n"
    )
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"username": "chief", "password": "a new password!"})
    assert response.status_code == 302
    assert client.get("/sources").status_code == 200
    app.extensions["tracker.engine"].dispose()


def test_a_restore_ends_every_login_even_with_passwords(reviewed, fresh_database):
    """Issue 12, defect 1: cookies from before a restore (same SECRET_KEY, same user ids) were
    valid again after it, at the latest once `set-password` gave the user a password."""
    backend = _other(reviewed.backend)
    before = _app(fresh_database(backend))
    with before.app_context():
        backup.restore_database(io.StringIO(reviewed.dump_with_passwords, newline="\n"))
        db.session.commit()
    browser = before.test_client()
    response = browser.post(
        "/login", data={"username": "chief", "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302 and browser.get("/sources").status_code == 200
    cookies = {name: browser.get_cookie(name).value for name in ("session", "remember_token")}
    dumps = {True: _dump(before, with_passwords=True), False: _dump(before)}
    assert "user_sessions" not in dumps[True]
    before.extensions["tracker.engine"].dispose()

    for with_passwords in (True, False):
        after = _app(fresh_database(backend))
        with after.app_context():
            backup.restore_database(io.StringIO(dumps[with_passwords], newline="\n"))
            db.session.commit()
        if not with_passwords:
            result = after.test_cli_runner().invoke(
                args=["users", "set-password", "chief", "--password-stdin"],
                input="a new password!\n",
            )
            assert result.exit_code == 0, result.output
        for kept in (("session",), ("remember_token",)):
            replay = after.test_client()
            for name in kept:
                replay.set_cookie(name, cookies[name])
            page = replay.get("/sources")
            assert page.status_code == 302, (with_passwords, kept)
            assert replay.get("/api/v1/claims").status_code == 401
        after.extensions["tracker.engine"].dispose()


# --- refusals -------------------------------------------------------------------------------


def test_restore_refuses_a_database_with_rows(reviewed):
    app = _app(reviewed.url)
    result = app.test_cli_runner().invoke(args=["restore", str(reviewed.path)])
    assert result.exit_code == 1
    assert "not empty" in result.output and "Nothing was restored" in result.output
    with app.app_context():
        assert _row_counts() == reviewed.row_counts
    app.extensions["tracker.engine"].dispose()


@pytest.fixture(scope="module")
def empty_database(fresh_database: Callable[[str], str]) -> Callable[[str], str]:
    """One empty database per backend, shared by the refusal tests (they leave it empty)."""
    made: dict[str, str] = {}

    def get(backend: str) -> str:
        if backend not in made:
            made[backend] = fresh_database(backend)
        return made[backend]

    return get


def _break(lines: list[str], case: str) -> tuple[list[str], str]:
    """The dump's lines broken in one way, and the message restore must give."""
    late = len(lines) - 5  # after most tables went in: the restore must undo them
    if case == "malformed JSON":
        lines[late] = lines[late][:-9]
        return lines, f"Line {late + 1}: not valid JSON"
    if case == "unknown table":
        lines[late] = '{"table":"claimz","row":{"id":1}}'
        return lines, f"Line {late + 1}: table 'claimz' is unknown"
    if case == "bad value":
        claim_line = next(i for i, line in enumerate(lines) if line.startswith('{"table":"claims"'))
        lines[claim_line] = re.sub(r'"is_deleted":\w+', '"is_deleted":"no"', lines[claim_line])
        return lines, f"Line {claim_line + 1} (table claims): bad value for is_deleted"
    if case in ("NUL in a text", "a lone surrogate"):
        claim_line = next(i for i, line in enumerate(lines) if line.startswith('{"table":"claims"'))
        bad = "\\u0000" if case == "NUL in a text" else "\\ud800"
        lines[claim_line] = lines[claim_line].replace('"statement":"', f'"statement":"{bad}', 1)
        return lines, f"Line {claim_line + 1} (table claims): statement holds a NUL character"
    if case == "duplicate row":
        lines.insert(late, lines[late])
        return lines, "the database refused the rows"
    if case == "truncated":
        return lines[:late], "truncated"
    if case == "a row lost":
        del lines[-2]
        return lines, "does not match its rows"
    if case == "out of order":
        alias = next(i for i, line in enumerate(lines) if '"table":"entity_aliases"' in line)
        lines.insert(late, lines.pop(alias))  # no row refers to an alias: only the order is wrong
        return lines, f"Line {late + 1}: table entity_aliases comes after the tables that depend"
    if case == "a token without passwords":
        lines.insert(late, '{"table":"api_tokens","row":{"id":1}}')
        return lines, "'api_tokens' is not expected in a dump without passwords"
    if case == "other schema":
        lines[0] = lines[0].replace('"schema_revision":"', '"schema_revision":"old-', 1)
        return lines, "The dump is of schema revision old-"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "malformed JSON",
        "unknown table",
        "bad value",
        "NUL in a text",
        "a lone surrogate",
        "duplicate row",
        "truncated",
        "a row lost",
        "out of order",
        "a token without passwords",
        "other schema",
    ],
)
def test_restore_refuses_a_bad_file_and_leaves_the_database_empty(
    case, reviewed, empty_database, tmp_path
):
    url = empty_database(reviewed.backend)
    lines, message = _break(reviewed.dump.split("\n")[:-1], case)
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = _app(url)
    result = app.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 1, result.output
    assert message in result.output and "Nothing was restored." in result.output
    with app.app_context():
        assert set(_row_counts().values()) == {0}
    app.extensions["tracker.engine"].dispose()


def test_restore_refuses_what_is_not_a_dump(tmp_path, runner):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"just some notes\n")
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1 and "Line 1: not valid JSON" in result.output

    head = ScriptDirectory(str(migrate.MIGRATIONS_DIR)).get_current_head()
    header = {
        "format": backup.FORMAT,
        "version": 1,
        "schema_revision": head,
        "created_at": "2026-01-01T00:00:00+00:00",
        "with_passwords": False,
    }
    path.write_bytes(json.dumps(header).encode() + b"\n\xff\xfe\n")
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1 and "Line 2: not UTF-8 text" in result.output

    path.write_bytes(b"")
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1 and "The dump is empty." in result.output
