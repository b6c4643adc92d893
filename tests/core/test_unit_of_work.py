"""One unit of work per request and per command: committed when the handler returns, rolled
back when it raises, and nowhere else in the code."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
import sqlalchemy as sa
from flask import Blueprint, Flask
from flask.cli import AppGroup

from tests.conftest import ROOT
from tracker import create_app
from tracker.core import migrate, unit_of_work
from tracker.core.errors import InvalidInput
from tracker.core.unit_of_work import attempt
from tracker.questions import services as questions
from tracker.questions.models import Question

#: The one module allowed to end a transaction.
UNIT_OF_WORK = ROOT / "tracker" / "core" / "unit_of_work.py"


def _transaction_ends(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.name}:{node.lineno}: {node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"commit", "rollback"}
    ]


def test_nothing_but_the_unit_of_work_commits_or_rolls_back():
    found = [
        end
        for path in sorted((ROOT / "tracker").rglob("*.py"))
        if path != UNIT_OF_WORK
        for end in _transaction_ends(path)
    ]
    assert found == []


def test_the_check_sees_a_commit_when_there_is_one(tmp_path):
    # The scan above must be able to fail: it finds both spellings in a file that has them.
    sample = tmp_path / "sample.py"
    sample.write_text("def f(s):\n    s.commit()\n    db.session.rollback()\n")
    assert _transaction_ends(sample) == ["sample.py:2: commit()", "sample.py:3: rollback()"]


# --- behaviour, on a database of its own (committed rows are really committed) --------------


@pytest.fixture(params=["sqlite", "postgresql"])
def own_app(request: pytest.FixtureRequest, new_database: Callable[[str], str]) -> Iterator[Flask]:
    url = new_database(request.param)
    migrate.upgrade(url)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "s", "WTF_CSRF_ENABLED": False}
    )
    probe = Blueprint("probe", __name__)

    @probe.post("/probe/<text>/<outcome>")
    def write(text: str, outcome: str) -> tuple[str, int]:
        questions.create_question(text, actor=None)
        if outcome == "raise":
            raise InvalidInput("Refused after writing.")
        if outcome == "attempt":
            with attempt() as tried:
                questions.create_question(f"{text} (undone)", actor=None)
                raise InvalidInput("Refused inside the attempt.")
            assert tried.refused
        return "ok", 200

    app.register_blueprint(probe)
    probe_cli = AppGroup("probe")

    @probe_cli.command("write")
    @click.argument("text")
    @click.option("--fail", is_flag=True)
    def write_command(text: str, fail: bool) -> None:
        questions.create_question(text, actor=None)
        if fail:
            raise click.ClickException("failed after writing")

    app.cli.add_command(probe_cli)
    unit_of_work.wrap_commands(probe_cli)
    yield app
    app.extensions["tracker.engine"].dispose()


def _stored(app: Flask) -> list[str]:
    """Question texts as another connection sees them: only what was committed."""
    engine = sa.create_engine(app.config["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return list(connection.scalars(sa.select(Question.text).order_by(Question.id)))
    finally:
        engine.dispose()


def test_a_request_is_committed_when_its_handler_returns(own_app):
    assert own_app.test_client().post("/probe/kept/return").status_code == 200
    assert _stored(own_app) == ["kept"]


def test_a_request_whose_handler_raises_stores_nothing(own_app):
    response = own_app.test_client().post("/probe/lost/raise")
    assert response.status_code == 400 and "Refused after writing." in response.text
    assert _stored(own_app) == []


def test_an_attempt_undoes_only_its_own_writes(own_app):
    assert own_app.test_client().post("/probe/outer/attempt").status_code == 200
    assert _stored(own_app) == ["outer"]


def test_a_command_is_committed_when_it_returns_and_undone_when_it_fails(own_app):
    runner = own_app.test_cli_runner()
    failed = runner.invoke(args=["probe", "write", "lost", "--fail"])
    assert failed.exit_code == 1 and "failed after writing" in failed.output
    assert _stored(own_app) == []
    done = runner.invoke(args=["probe", "write", "kept"])
    assert done.exit_code == 0, done.output
    assert _stored(own_app) == ["kept"]


def test_every_command_runs_in_the_unit_of_work(own_app):
    def commands(group: click.Group) -> Iterator[tuple[str, click.Command]]:
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                yield from ((f"{name} {n}", c) for n, c in commands(command))
            else:
                yield name, command

    unwrapped = [
        name
        for name, command in commands(own_app.cli)
        if not getattr(command.callback, "tracker_unit_of_work", False)
    ]
    assert unwrapped == []
