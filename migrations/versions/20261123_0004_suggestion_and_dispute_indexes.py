"""Indexes for suggestions and dispute detection at 100k claims

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Measured in bench/suggest_speed.py: a value key's newest claims were sorted in a temporary
B-tree (claim_values), and every question's contradictions were found by scanning the table.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claim_values") as batch:
        batch.drop_index("ix_claim_values_key")
        batch.create_index("ix_claim_values_key_claim_id", ["key", "claim_id"])
    with op.batch_alter_table("claim_entities") as batch:
        batch.drop_index("ix_claim_entities_entity_id_role")
        batch.create_index("ix_claim_entities_entity_id_claim_id", ["entity_id", "claim_id"])
    with op.batch_alter_table("contradictions") as batch:
        batch.create_index("ix_contradictions_question_id", ["question_id"])
        batch.create_index("ix_contradictions_claim_b_id", ["claim_b_id"])


def downgrade() -> None:
    with op.batch_alter_table("contradictions") as batch:
        batch.drop_index("ix_contradictions_claim_b_id")
        batch.drop_index("ix_contradictions_question_id")
    with op.batch_alter_table("claim_entities") as batch:
        batch.drop_index("ix_claim_entities_entity_id_claim_id")
        batch.create_index("ix_claim_entities_entity_id_role", ["entity_id", "role"])
    with op.batch_alter_table("claim_values") as batch:
        batch.drop_index("ix_claim_values_key_claim_id")
        batch.create_index("ix_claim_values_key", ["key"])
