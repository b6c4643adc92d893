"""Keep a relative answer value's key (for want of a publication date)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

"until the end of the year" or "im November letzten Jahres" in a source with no publication
date has no year; the reader marks it with a key (``end_of_year``). The claim's stored answer
value lost that key, so such a value was shown without saying it is unresolved and could be
compared as if it were a date in year 0. Rows stored before keep NULL until their claim's
values are read again (an edit of its quote or statement, or its question's kind).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("claims", sa.Column("value_relative", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("value_relative")
