"""tracker disputes: the open disputes as a table."""

from __future__ import annotations

import shutil
import textwrap

import click
from flask.cli import with_appcontext
from wcwidth import wcswidth, wcwidth

from tracker.claims import values
from tracker.claims.models import Claim
from tracker.core import db
from tracker.questions import answers, disputes
from tracker.questions.models import ConflictState


def _cell(text: str, width: int) -> list[str]:
    """Wrap to a width in terminal columns: a Chinese character takes two, so wrapping and
    padding count with wcwidth, and text without spaces breaks between characters."""
    lines: list[str] = []
    for word_line in textwrap.wrap(text, width) or [""]:
        line, used = "", 0
        for char in word_line:
            w = max(wcwidth(char), 0)
            if used + w > width:
                lines.append(line)
                line, used = "", 0
            line, used = line + char, used + w
        lines.append(line)
    return lines


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - wcswidth(text))


@click.command("disputes")
@click.option("--recompute", is_flag=True, help="Detect every question's contradictions again.")
@click.option("--all", "include_decided", is_flag=True, help="Include decided contradictions.")
@with_appcontext
def disputes_command(recompute: bool, include_decided: bool) -> None:
    """Print the open disputes: each question, then the claims side by side."""
    if not recompute:
        db.reading_only()  # reading only: no wait for SQLite's write lock
    if recompute:
        proposed = answers.propose_missing()
        if proposed:
            click.echo(f"{proposed} answer(s) proposed for claims that had none.")
        current = disputes.detect_all()
        click.echo(f"{current} current contradiction(s) after recomputing.")
    width = max(40, min(shutil.get_terminal_size((120, 20)).columns, 160))
    column = (width - 7) // 2
    open_count = decided = 0
    filters = disputes.DisputeFilter(state="all" if include_decided else "open")
    shown_question: object = False  # the question whose heading was printed last
    for item in disputes.iter_disputes(filters):
        if item.cursor.question_key != shown_question:
            shown_question = item.cursor.question_key
            click.echo("=" * width)
            click.echo(item.question.text if item.question else "(not grouped into a question)")
        row = item.contradiction
        if row is not None:
            if row.state == ConflictState.open:
                open_count += 1
            else:
                decided += 1
            a, b = item.claims[row.claim_a_id], item.claims[row.claim_b_id]
            proposed = row.kind.is_about_answers and not (
                a.is_answer_confirmed and b.is_answer_confirmed
            )
            mark = " (from a proposed answer)" if proposed else ""
            click.echo(f"-- #{row.id} {row.kind.label} [{row.state.value}]{mark}: {row.detail}")
            if row.state != ConflictState.open and row.resolution:
                click.echo(f"   decided: {row.resolution}")
            for flag in item.also_flagged:
                click.echo(f"   also flagged by hand (#{flag.id}): {flag.detail}")
            left = _side(a, column)
            right = _side(b, column)
            for i in range(max(len(left), len(right))):
                l_text = left[i] if i < len(left) else ""
                r_text = right[i] if i < len(right) else ""
                click.echo(f"  {_pad(l_text, column)} | {r_text}")
        elif item.claim is not None:
            open_count += 1
            click.echo(f"-- disputed claim #{item.claim.id} ({item.claim.status.label})")
            for line in _side(item.claim, width - 4):
                click.echo(f"  {line}")
    click.echo(
        f"{open_count} open dispute(s)." + (f" {decided} decided." if include_decided else "")
    )


def _side(claim: Claim, width: int) -> list[str]:
    shown = values.display(claim)
    value = f" = {shown}" if shown else ""
    lines = [
        _cell(f"#{claim.id} {claim.source.title}", width - 6)[0] + f" ({claim.source.language})",
        f"{claim.speaker}{value} [{claim.status.value}]",
    ]
    lines += _cell(f"“{claim.quote}”", width)
    return lines
