"""Index for walking live claims in id order (exports)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Without it SQLite took the (is_deleted, updated_at, id) index and sorted every live claim for
each batch of an export: 17x the bare query at 100k claims (bench/export_speed.py).
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_claims_is_deleted_id", "claims", ["is_deleted", "id"])


def downgrade() -> None:
    op.drop_index("ix_claims_is_deleted_id", table_name="claims")
