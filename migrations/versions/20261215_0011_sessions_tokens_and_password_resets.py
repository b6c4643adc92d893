"""Add login sessions, token expiry and last use, forced password resets and display names

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-15

- ``user_sessions``: one row per login (the SHA-256 of the key its cookies carry). A login is
  valid only while its row exists, so logging out, logging out everywhere, a new password, a
  new role or a lock end it, and a restore (which never writes this table) ends them all.
  Cookies made before this revision name no session: everyone logs in once more.
- ``api_tokens.expires_at`` (NULL: never) and ``last_used_at``.
- ``users.must_change_password`` (an administrator asks for a new password at the next login)
  and ``users.display_name`` (what public pages call the reviewer instead of their login).
- ``ix_login_failures_username_at``: failed logins are also counted per account, whatever the
  address.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_remembered", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_sessions_key_hash")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    op.create_index(op.f("ix_user_sessions_expires_at"), "user_sessions", ["expires_at"])
    # Plain ADD COLUMN on both backends (no table rebuild on SQLite).
    op.add_column("api_tokens", sa.Column("expires_at", sa.DateTime(timezone=True)))
    op.add_column("api_tokens", sa.Column("last_used_at", sa.DateTime(timezone=True)))
    op.add_column(
        "users",
        sa.Column(
            "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    op.add_column("users", sa.Column("display_name", sa.String(length=80)))
    op.create_index("ix_login_failures_username_at", "login_failures", ["username", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_username_at", table_name="login_failures")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("display_name")
        batch.drop_column("must_change_password")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
    op.drop_index(op.f("ix_user_sessions_expires_at"), table_name="user_sessions")
    op.drop_index(op.f("ix_user_sessions_user_id"), table_name="user_sessions")
    op.drop_table("user_sessions")
