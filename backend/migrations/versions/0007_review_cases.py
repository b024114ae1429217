"""Review (复核) cases linked to the refused application

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

``cases.related_case_no``: the application a ``review`` case is about (the refusal asked
to be looked at again). The new kind, its workflow and the ``life`` priority (danger to
life) are rules (backend/rules.yml), not schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("related_case_no", sa.String(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_cases_related_case_no"), ["related_case_no"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_related_case_no"))
        batch_op.drop_column("related_case_no")
