"""Phone numbers encrypted at rest: phone_hash, phone_enc, phone_masked instead of phone

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-20

The numbers already stored are encrypted here, with the key of the process that
migrates (``backend.db.migrate_engine`` hands its ``PersonalData`` over; ``alembic``
run by hand reads ``JIUZHU_SECRET_KEY`` from the environment).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = {"residents": True, "recipients": False}  # table → the phone column is nullable


def _pii() -> Any:
    from backend.pii import PersonalData

    pii = context.config.attributes.get("pii")
    if pii is None:
        from base.settings import Settings

        settings = Settings()
        pii = PersonalData(settings.secret_key, settings.old_keys)
    return pii


def upgrade() -> None:
    pii = _pii()
    bind = op.get_bind()
    for name, nullable in TABLES.items():
        default = None if nullable else sa.text("''")
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "phone_hash", sa.String(length=64), nullable=nullable, server_default=default
                )
            )
            batch_op.add_column(
                sa.Column("phone_enc", sa.String(), nullable=nullable, server_default=default)
            )
            batch_op.add_column(
                sa.Column("phone_masked", sa.String(), nullable=nullable, server_default=default)
            )
        table = sa.table(
            name,
            sa.column("id", sa.Integer),
            sa.column("phone", sa.String),
            sa.column("phone_hash", sa.String),
            sa.column("phone_enc", sa.String),
            sa.column("phone_masked", sa.String),
        )
        rows = bind.execute(
            sa.select(table.c.id, table.c.phone).where(
                table.c.phone.is_not(None), table.c.phone != ""
            )
        ).all()
        for row_id, phone in rows:
            sealed = pii.seal_phone(phone)
            empty = None if nullable else ""
            bind.execute(
                table.update()
                .where(table.c.id == row_id)
                .values(
                    phone_hash=sealed.hash or empty,
                    phone_enc=sealed.encrypted or empty,
                    phone_masked=sealed.masked or empty,
                )
            )
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column("phone")


def downgrade() -> None:
    pii = _pii()
    bind = op.get_bind()
    for name, nullable in TABLES.items():
        default = None if nullable else sa.text("''")
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("phone", sa.String(), nullable=nullable, server_default=default)
            )
        table = sa.table(
            name,
            sa.column("id", sa.Integer),
            sa.column("phone", sa.String),
            sa.column("phone_enc", sa.String),
        )
        rows = bind.execute(
            sa.select(table.c.id, table.c.phone_enc).where(
                table.c.phone_enc.is_not(None), table.c.phone_enc != ""
            )
        ).all()
        for row_id, encrypted in rows:
            bind.execute(
                table.update().where(table.c.id == row_id).values(phone=pii.reveal_phone(encrypted))
            )
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column("phone_masked")
            batch_op.drop_column("phone_enc")
            batch_op.drop_column("phone_hash")
