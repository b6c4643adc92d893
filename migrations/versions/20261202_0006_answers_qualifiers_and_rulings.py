"""Add answers, answer qualifiers and rulings on answers; move pair decisions onto answers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Every question gets answers (a value, yes/no, or a phrase), each claim holds one, and a
reviewer's ruling binds a pair of answers instead of a pair of claims. Data: each claim with a
value in a value question gets the answer for that value (claims with the same value share
it); each decided value or precision contradiction becomes a ruling on its two answers, with
its rationale, reviewer and time, and an audit entry on both claims saying where it came from.
Text questions have no answers to derive here: the tracker proposes them (``tracker disputes
--recompute``), and their flagged pairs stay as they are.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD_KINDS = ("money", "percent", "date", "count", "duration", "title", "text")
NEW_KINDS = (*OLD_KINDS, "yes_no")
OLD_CONFLICTS = ("value", "precision", "verdict", "evidence", "flagged")
NEW_CONFLICTS = (*OLD_CONFLICTS, "answer", "yes_no")
STATES = ("open", "resolved", "not_a_contradiction")


def _enum(values: tuple[str, ...], name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def _allow(table: str, name: str, values: tuple[str, ...], column: str | None = None) -> None:
    """Replace the named CHECK that lists an enum column's values."""
    listed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch_op.create_check_constraint(
            op.f(f"ck_{table}_{name}"), f"{column or name} IN ({listed})"
        )


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_answers_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_answers_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint("question_id", "key", name=op.f("uq_answers_question_id_key")),
    )
    op.create_table(
        "answer_rulings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("answer_a_id", sa.Integer(), nullable=False),
        sa.Column("answer_b_id", sa.Integer(), nullable=False),
        sa.Column("state", _enum(STATES, "ruling_state", 19), nullable=False),
        sa.Column("holding_answer_id", sa.Integer(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "answer_a_id < answer_b_id", name=op.f("ck_answer_rulings_ordered_pair")
        ),
        sa.CheckConstraint("state <> 'open'", name=op.f("ck_answer_rulings_decided")),
        sa.ForeignKeyConstraint(
            ["answer_a_id"],
            ["answers.id"],
            name=op.f("fk_answer_rulings_answer_a_id_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answer_b_id"],
            ["answers.id"],
            name=op.f("fk_answer_rulings_answer_b_id_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_answer_rulings_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["holding_answer_id"],
            ["answers.id"],
            name=op.f("fk_answer_rulings_holding_answer_id_answers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_answer_rulings_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_rulings")),
        sa.UniqueConstraint(
            "answer_a_id", "answer_b_id", name=op.f("uq_answer_rulings_answer_a_id_answer_b_id")
        ),
    )
    op.create_index(
        op.f("ix_answer_rulings_question_id"), "answer_rulings", ["question_id"], unique=False
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "is_answer_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(sa.Column("answer_basis", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("as_of", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("valid_from", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("valid_until", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("aspect", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_claims_answer_id"), ["answer_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_claims_answer_id_answers"),
            "answers",
            ["answer_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.alter_column("is_answer_confirmed", server_default=None)
    _allow("questions", "answer_kind", NEW_KINDS)
    _allow("contradictions", "conflict_kind", NEW_CONFLICTS, column="kind")
    with op.batch_alter_table("contradictions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ruling_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_contradictions_ruling_id"), ["ruling_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contradictions_ruling_id_answer_rulings"),
            "answer_rulings",
            ["ruling_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _answers_from_values()
    _rulings_from_decisions()


def _plain(text: str | None) -> str:
    return "" if text is None else format(Decimal(text).normalize(), "f")


def value_key(
    kind: str,
    low: str | None,
    high: str | None,
    unit: str | None,
    label: str | None,
    approximate: bool,
) -> str:
    """The same normal form as tracker.claims.values.answer_key, frozen here."""
    return (
        f"{kind}|{_plain(low)}|{_plain(high)}|{unit or ''}|{label or ''}|{'~' if approximate else ''}"
    )[:300]


def _answers_from_values() -> None:
    bind = op.get_bind()
    claims = sa.table(
        "claims",
        sa.column("id", sa.Integer),
        sa.column("question_id", sa.Integer),
        sa.column("value_kind", sa.String),
        sa.column("value_low", sa.String),
        sa.column("value_high", sa.String),
        sa.column("value_unit", sa.String),
        sa.column("value_label", sa.String),
        sa.column("value_text", sa.String),
        sa.column("is_value_approximate", sa.Boolean),
        sa.column("is_value_confirmed", sa.Boolean),
        sa.column("answer_id", sa.Integer),
        sa.column("is_answer_confirmed", sa.Boolean),
        sa.column("answer_basis", sa.String),
    )
    answers = sa.table(
        "answers",
        sa.column("id", sa.Integer),
        sa.column("question_id", sa.Integer),
        sa.column("text", sa.String),
        sa.column("key", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = bind.execute(
        sa.select(claims).where(claims.c.question_id.is_not(None), claims.c.value_kind.is_not(None))
    ).all()
    made: dict[tuple[int, str], int] = {}
    now = sa.func.current_timestamp()
    for row in rows:
        key = value_key(
            row.value_kind,
            row.value_low,
            row.value_high,
            row.value_unit,
            row.value_label,
            bool(row.is_value_approximate),
        )
        answer_id = made.get((row.question_id, key))
        if answer_id is None:
            bind.execute(
                answers.insert().values(
                    question_id=row.question_id,
                    text=(row.value_text or key)[:300],
                    key=key,
                    created_at=now,
                )
            )
            answer_id = bind.scalar(
                sa.select(answers.c.id).where(
                    answers.c.question_id == row.question_id, answers.c.key == key
                )
            )
            made[(row.question_id, key)] = answer_id
        bind.execute(
            claims.update()
            .where(claims.c.id == row.id)
            .values(
                answer_id=answer_id,
                is_answer_confirmed=bool(row.is_value_confirmed),
                answer_basis="read from the quote or statement",
            )
        )


def _rulings_from_decisions() -> None:
    bind = op.get_bind()
    contradictions = sa.table(
        "contradictions",
        sa.column("id", sa.Integer),
        sa.column("question_id", sa.Integer),
        sa.column("claim_a_id", sa.Integer),
        sa.column("claim_b_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("state", sa.String),
        sa.column("resolution", sa.Text),
        sa.column("holding_claim_id", sa.Integer),
        sa.column("resolved_by_id", sa.Integer),
        sa.column("resolved_at", sa.DateTime(timezone=True)),
        sa.column("ruling_id", sa.Integer),
    )
    claims = sa.table("claims", sa.column("id", sa.Integer), sa.column("answer_id", sa.Integer))
    rulings = sa.table(
        "answer_rulings",
        sa.column("id", sa.Integer),
        sa.column("question_id", sa.Integer),
        sa.column("answer_a_id", sa.Integer),
        sa.column("answer_b_id", sa.Integer),
        sa.column("state", sa.String),
        sa.column("holding_answer_id", sa.Integer),
        sa.column("rationale", sa.Text),
        sa.column("decided_by_id", sa.Integer),
        sa.column("decided_at", sa.DateTime(timezone=True)),
    )
    audit = sa.table(
        "audit_entries",
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor_id", sa.Integer),
        sa.column("entity_type", sa.String),
        sa.column("entity_id", sa.Integer),
        sa.column("claim_id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("field", sa.String),
        sa.column("before", sa.JSON),
        sa.column("after", sa.JSON),
        sa.column("reason", sa.Text),
    )
    answer_of = dict(bind.execute(sa.select(claims.c.id, claims.c.answer_id)).all())
    decided = bind.execute(
        sa.select(contradictions)
        .where(
            contradictions.c.state != "open",
            contradictions.c.kind.in_(("value", "precision")),
        )
        .order_by(contradictions.c.id)
    ).all()
    done: dict[tuple[int, int], int] = {}
    now = sa.func.current_timestamp()
    for row in decided:
        a, b = answer_of.get(row.claim_a_id), answer_of.get(row.claim_b_id)
        if a is None or b is None or a == b:
            continue
        pair = (min(a, b), max(a, b))
        ruling_id = done.get(pair)
        if ruling_id is None:
            holding = answer_of.get(row.holding_claim_id) if row.holding_claim_id else None
            bind.execute(
                rulings.insert().values(
                    question_id=row.question_id,
                    answer_a_id=pair[0],
                    answer_b_id=pair[1],
                    state=row.state,
                    holding_answer_id=holding if row.state == "resolved" else None,
                    rationale=row.resolution or "(decided before answers existed)",
                    decided_by_id=row.resolved_by_id,
                    decided_at=row.resolved_at if row.resolved_at is not None else now,
                )
            )
            ruling_id = bind.scalar(
                sa.select(rulings.c.id).where(
                    rulings.c.answer_a_id == pair[0], rulings.c.answer_b_id == pair[1]
                )
            )
            done[pair] = ruling_id
            for claim_id in (row.claim_a_id, row.claim_b_id):
                bind.execute(
                    audit.insert().values(
                        at=now,
                        actor_id=None,
                        entity_type="ruling",
                        entity_id=ruling_id,
                        claim_id=claim_id,
                        action="create",
                        field=None,
                        before=None,
                        after={
                            "state": row.state,
                            "answers": list(pair),
                            "from_contradiction": row.id,
                        },
                        reason=f"moved from the decision on contradiction #{row.id}: "
                        f"{row.resolution or ''}"[:1000],
                    )
                )
        bind.execute(
            contradictions.update().where(contradictions.c.id == row.id).values(ruling_id=ruling_id)
        )


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM contradictions WHERE kind IN ('answer', 'yes_no')"))
    bind.execute(sa.text("UPDATE questions SET answer_kind = 'text' WHERE answer_kind = 'yes_no'"))
    with op.batch_alter_table("contradictions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contradictions_ruling_id_answer_rulings"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_contradictions_ruling_id"))
        batch_op.drop_column("ruling_id")
    _allow("contradictions", "conflict_kind", OLD_CONFLICTS, column="kind")
    _allow("questions", "answer_kind", OLD_KINDS)
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_claims_answer_id_answers"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_claims_answer_id"))
        batch_op.drop_column("aspect")
        batch_op.drop_column("valid_until")
        batch_op.drop_column("valid_from")
        batch_op.drop_column("as_of")
        batch_op.drop_column("answer_basis")
        batch_op.drop_column("is_answer_confirmed")
        batch_op.drop_column("answer_id")
    op.drop_index(op.f("ix_answer_rulings_question_id"), table_name="answer_rulings")
    op.drop_table("answer_rulings")
    op.drop_table("answers")
