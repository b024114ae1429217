"""Check-in reminders, reminder preferences and seen chat updates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

``checkin_reminders`` keeps one row per (recipient, quarter, round) so a reminder is
never sent twice; ``reminder_preferences`` keeps a chat account's "关闭提醒";
``chat_updates`` remembers delivered Telegram update ids so a repeat is handled once.
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
        "checkin_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(), nullable=False),
        sa.Column("round", sa.String(), nullable=False),
        sa.Column("chat_channel", sa.String(), nullable=False),
        sa.Column("sender", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["recipients.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recipient_id", "quarter", "round"),
    )
    with op.batch_alter_table("checkin_reminders", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_reminders_quarter", ["quarter", "round"], unique=False)
    op.create_table(
        "reminder_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_channel", sa.String(), nullable=False),
        sa.Column("sender", sa.String(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_channel", "sender"),
    )
    op.create_table(
        "chat_updates",
        sa.Column("chat_channel", sa.String(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_channel", "update_id"),
    )
    with op.batch_alter_table("chat_updates", schema=None) as batch_op:
        batch_op.create_index("ix_chat_updates_seen_at", ["seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chat_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_chat_updates_seen_at")
    op.drop_table("chat_updates")
    op.drop_table("reminder_preferences")
    with op.batch_alter_table("checkin_reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_reminders_quarter")
    op.drop_table("checkin_reminders")
