"""Add questions, entities, claim values and contradictions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "person",
                "organisation",
                name="entity_kind",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
        sa.UniqueConstraint("name", name=op.f("uq_entities_name")),
    )
    op.create_table(
        "entity_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("alias_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_aliases_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_aliases")),
        sa.UniqueConstraint("alias_key", name=op.f("uq_entity_aliases_alias_key")),
    )
    with op.batch_alter_table("entity_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entity_aliases_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "answer_kind",
            sa.Enum(
                "money",
                "percent",
                "date",
                "count",
                "duration",
                "title",
                "text",
                name="answer_kind",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_questions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    op.create_table(
        "claim_entities",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "subject",
                "speaker",
                "mention",
                name="entity_role",
                native_enum=False,
                create_constraint=True,
                length=7,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_entities_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_claim_entities_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "entity_id", "role", name=op.f("pk_claim_entities")),
    )
    with op.batch_alter_table("claim_entities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_entities_entity_id_role", ["entity_id", "role"], unique=False
        )

    op.create_table(
        "claim_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_values_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_values")),
    )
    with op.batch_alter_table("claim_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_values_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index("ix_claim_values_key", ["key"], unique=False)

    op.create_table(
        "contradictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("claim_a_id", sa.Integer(), nullable=False),
        sa.Column("claim_b_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "value",
                "precision",
                "verdict",
                "evidence",
                "flagged",
                name="conflict_kind",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "resolved",
                "not_a_contradiction",
                name="conflict_state",
                native_enum=False,
                create_constraint=True,
                length=19,
            ),
            nullable=False,
        ),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("holding_claim_id", sa.Integer(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("claim_a_id < claim_b_id", name=op.f("ck_contradictions_ordered_pair")),
        sa.ForeignKeyConstraint(
            ["claim_a_id"],
            ["claims.id"],
            name=op.f("fk_contradictions_claim_a_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claim_b_id"],
            ["claims.id"],
            name=op.f("fk_contradictions_claim_b_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["holding_claim_id"],
            ["claims.id"],
            name=op.f("fk_contradictions_holding_claim_id_claims"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_contradictions_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_contradictions_resolved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contradictions")),
        sa.UniqueConstraint(
            "claim_a_id",
            "claim_b_id",
            "kind",
            name=op.f("uq_contradictions_claim_a_id_claim_b_id_kind"),
        ),
    )
    with op.batch_alter_table("contradictions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contradictions_state_question_id", ["state", "question_id"], unique=False
        )

    op.create_table(
        "suggestion_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("other_claim_id", sa.Integer(), nullable=True),
        sa.Column(
            "decision",
            sa.Enum(
                "accepted",
                "rejected",
                name="decision",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(question_id IS NULL) <> (other_claim_id IS NULL)",
            name=op.f("ck_suggestion_decisions_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_suggestion_decisions_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_suggestion_decisions_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["other_claim_id"],
            ["claims.id"],
            name=op.f("fk_suggestion_decisions_other_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_suggestion_decisions_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_decisions")),
        sa.UniqueConstraint(
            "claim_id",
            "other_claim_id",
            name=op.f("uq_suggestion_decisions_claim_id_other_claim_id"),
        ),
        sa.UniqueConstraint(
            "claim_id", "question_id", name=op.f("uq_suggestion_decisions_claim_id_question_id")
        ),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("value_kind", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("value_low", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("value_high", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("value_unit", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("value_label", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("value_text", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("is_value_approximate", sa.Boolean(), nullable=False))
        batch_op.add_column(sa.Column("is_value_confirmed", sa.Boolean(), nullable=False))
        batch_op.create_index(batch_op.f("ix_claims_question_id"), ["question_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_claims_question_id_questions"),
            "questions",
            ["question_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_claims_question_id_questions"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_claims_question_id"))
        batch_op.drop_column("is_value_confirmed")
        batch_op.drop_column("is_value_approximate")
        batch_op.drop_column("value_text")
        batch_op.drop_column("value_label")
        batch_op.drop_column("value_unit")
        batch_op.drop_column("value_high")
        batch_op.drop_column("value_low")
        batch_op.drop_column("value_kind")
        batch_op.drop_column("question_id")

    op.drop_table("suggestion_decisions")
    with op.batch_alter_table("contradictions", schema=None) as batch_op:
        batch_op.drop_index("ix_contradictions_state_question_id")

    op.drop_table("contradictions")
    with op.batch_alter_table("claim_values", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_values_key")
        batch_op.drop_index(batch_op.f("ix_claim_values_claim_id"))

    op.drop_table("claim_values")
    with op.batch_alter_table("claim_entities", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_entities_entity_id_role")

    op.drop_table("claim_entities")
    op.drop_table("questions")
    with op.batch_alter_table("entity_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_aliases_entity_id"))

    op.drop_table("entity_aliases")
    op.drop_table("entities")
