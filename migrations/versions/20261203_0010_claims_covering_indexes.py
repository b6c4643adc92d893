"""Covering indexes for which questions and sources have a live claim; questions by text

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

The matrix's rows are the questions a live claim answers and its columns the sources with a
live claim in a question; the page counts both and pages through them. With only an index on
``question_id`` (and one on ``source_id, start``) every such test reads the claim's row for
``is_deleted``: at 100,000 claims on PostgreSQL each of the three queries read the whole claims
table (94 MB), 60-100 ms apiece. These two indexes hold ``is_deleted`` beside the keys, so the
tests are index-only scans (about 20 ms each). ``(question_id, is_deleted)`` replaces the index
on ``question_id`` alone, whose lookups it serves as well.

The matrix lists its rows by question text and id: without an index on them it sorted every
answered question to show 25 (50 ms at 100k on PostgreSQL); with ``(text, id)`` it walks the
index and stops after a page (0.4 ms). Question text is at most 500 characters, within a
B-tree entry's size.

No table is rebuilt, so SQLite's search triggers (0009) are untouched.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_claims_question_id_is_deleted", "claims", ["question_id", "is_deleted"], unique=False
    )
    op.create_index(
        "ix_claims_source_id_question_id_is_deleted",
        "claims",
        ["source_id", "question_id", "is_deleted"],
        unique=False,
    )
    op.drop_index("ix_claims_question_id", table_name="claims")
    op.create_index("ix_questions_text_id", "questions", ["text", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_questions_text_id", table_name="questions")
    op.create_index("ix_claims_question_id", "claims", ["question_id"], unique=False)
    op.drop_index("ix_claims_source_id_question_id_is_deleted", table_name="claims")
    op.drop_index("ix_claims_question_id_is_deleted", table_name="claims")
