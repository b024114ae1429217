"""Sinks chosen when a notification is written; chat sessions in the case database

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

``outbox`` gains the resident's chat account (``chat_channel``, ``chat_sender``), so a
resident's waiting messages are found in the database (sink ``resident:inbox``). The
old sink names become concrete ones: ``staff`` → ``staff:log`` (the migration cannot
know the deployment's staff channel), ``resident`` → ``resident:telegram`` for Telegram
chats and ``resident:inbox`` for every other chat. ``chat_sessions`` keeps the chat
sessions when no Redis is configured.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer()),
    sa.column("sink", sa.String()),
    sa.column("payload", sa.JSON()),
    sa.column("chat_channel", sa.String()),
    sa.column("chat_sender", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_channel", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("chat_sender", sa.String(), nullable=True))
        batch_op.create_index(
            "ix_outbox_inbox", ["chat_channel", "chat_sender", "status"], unique=False
        )
    connection = op.get_bind()
    connection.execute(_outbox.update().where(_outbox.c.sink == "staff").values(sink="staff:log"))
    residents = connection.execute(
        sa.select(_outbox.c.id, _outbox.c.payload).where(_outbox.c.sink == "resident")
    ).all()
    for row_id, payload in residents:
        payload = payload or {}
        channel = str(payload.get("chat_channel") or "") or None
        sender = str(payload.get("sender") or "") or None
        sink = "resident:telegram" if channel == "telegram" else "resident:inbox"
        connection.execute(
            _outbox.update()
            .where(_outbox.c.id == row_id)
            .values(sink=sink, chat_channel=channel, chat_sender=sender)
        )

    op.create_table(
        "chat_sessions",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("data", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lock_token", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("chat_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_chat_sessions_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chat_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_chat_sessions_expires_at")
    op.drop_table("chat_sessions")
    connection = op.get_bind()
    connection.execute(_outbox.update().where(_outbox.c.sink.like("staff:%")).values(sink="staff"))
    connection.execute(
        _outbox.update().where(_outbox.c.sink.like("resident:%")).values(sink="resident")
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_inbox")
        batch_op.drop_column("chat_sender")
        batch_op.drop_column("chat_channel")
