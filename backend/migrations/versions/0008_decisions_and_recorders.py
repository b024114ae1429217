"""Decisions on a case (refusal reason, approval: programs, amount, start month), the
口述办 recorder's name, and what the applicant was told kept apart from the internal note

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_by_name", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("approved_programs", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("monthly_amount", sa.Numeric(12, 2, asdecimal=False), nullable=True)
        )
        batch_op.add_column(sa.Column("start_month", sa.String(), nullable=True))
    # case_events is append-only (triggers refuse UPDATE and DELETE): adding a column
    # with a default rewrites no row.
    op.add_column(
        "case_events",
        sa.Column("message", sa.String(), nullable=False, server_default=""),
    )
    # Cases recorded by staff before this revision get the recorder's current name.
    op.execute(
        "UPDATE cases SET recorded_by_name = "
        "(SELECT staff.name FROM staff WHERE staff.id = cases.recorded_by) "
        "WHERE recorded_by IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_column("case_events", "message")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("start_month")
        batch_op.drop_column("monthly_amount")
        batch_op.drop_column("approved_programs")
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("recorded_by_name")
