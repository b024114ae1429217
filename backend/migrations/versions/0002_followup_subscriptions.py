"""Follow-up subscriptions (政策找人)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Households kept with the resident's consent, screened again when standards change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Importing the model registers its table on SQLModel.metadata wherever migrations run,
# so comparing the migrated schema with the metadata sees it. The columns below are
# spelled out all the same: a migration must not change when the model does later.

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_channel", sa.String(), nullable=False),
        sa.Column("sender", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("household", sa.JSON(), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.Column("consent_version", sa.String(), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("screened_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_channel", "sender"),
    )
    with op.batch_alter_table("followup_subscriptions", schema=None) as batch_op:
        batch_op.create_index("ix_followup_region_active", ["region", "active"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("followup_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_region_active")
    op.drop_table("followup_subscriptions")
