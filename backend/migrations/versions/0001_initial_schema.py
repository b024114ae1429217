"""Initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Tables of the case backend. The audit trail (case_events) is append-only: triggers
refuse UPDATE and DELETE on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_counters",
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("sink", sa.String(), nullable=False),
        sa.Column("case_no", sa.String(), nullable=True),
        sa.Column("township", sa.String(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_outbox_sink_id", ["sink", "id"], unique=False)

    op.create_table(
        "recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("id_hash", sa.String(), nullable=False),
        sa.Column("id_enc", sa.String(), nullable=False),
        sa.Column("id_masked", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("township", sa.String(), nullable=False),
        sa.Column("village", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id_hash"),
    )
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.create_index("ix_recipients_place", ["township", "village"], unique=False)

    op.create_table(
        "residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("id_hash", sa.String(), nullable=True),
        sa.Column("id_enc", sa.String(), nullable=True),
        sa.Column("id_masked", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id_hash"),
    )
    op.create_table(
        "staff",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_token_hash"), ["token_hash"], unique=True)

    op.create_table(
        "cases",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("programs", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("township", sa.String(), nullable=False),
        sa.Column("village", sa.String(), nullable=False),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("chat_channel", sa.String(), nullable=True),
        sa.Column("chat_sender", sa.String(), nullable=True),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("assigned_staff_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("household", sa.JSON(), nullable=True),
        sa.Column("screening", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stage_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_staff_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_chat", ["chat_channel", "chat_sender"], unique=False)
        batch_op.create_index("ix_cases_created", ["created_at"], unique=False)
        batch_op.create_index("ix_cases_kind_id", ["kind", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_resident_id"), ["resident_id"], unique=False)
        batch_op.create_index("ix_cases_status_kind_id", ["status", "kind", "id"], unique=False)
        batch_op.create_index(
            "ix_cases_township_status_id", ["township", "status", "id"], unique=False
        )
        batch_op.create_index("ix_cases_township_id", ["township", "id"], unique=False)

    op.create_table(
        "chat_bindings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("chat_channel", sa.String(), nullable=False),
        sa.Column("sender", sa.String(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("role", "chat_channel", "sender"),
    )
    op.create_table(
        "checkins",
        sa.Column("quarter", sa.String(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_case_no", sa.String(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recipient_id", "quarter"),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index("ix_checkins_quarter", ["quarter", "recipient_id"], unique=False)

    op.create_table(
        "recipient_programs",
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
        ),
        sa.PrimaryKeyConstraint("recipient_id", "program"),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("from_status", sa.String(), nullable=True),
        sa.Column("to_status", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("text_id", sa.String(), nullable=False),
        sa.Column("text_version", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_channel", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_case_id"), ["case_id"], unique=False)

    op.create_table(
        "open_claims",
        sa.Column("id_hash", sa.String(), nullable=False),
        sa.Column("program", sa.String(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id_hash", "program"),
    )
    with op.batch_alter_table("open_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open_claims_case_id"), ["case_id"], unique=False)

    _append_only_case_events()


_PG_APPEND_ONLY = """
CREATE FUNCTION case_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
"""


def _append_only_case_events() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_APPEND_ONLY)
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER case_events_no_{verb.lower()} BEFORE {verb} ON case_events "
                "BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_events_no_update ON case_events")
        op.execute("DROP FUNCTION IF EXISTS case_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS case_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS case_events_no_delete")
    with op.batch_alter_table("open_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_claims_case_id"))

    op.drop_table("open_claims")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consents_case_id"))

    op.drop_table("consents")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    op.drop_table("recipient_programs")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_checkins_quarter")

    op.drop_table("checkins")
    op.drop_table("chat_bindings")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_township_id")
        batch_op.drop_index("ix_cases_township_status_id")
        batch_op.drop_index("ix_cases_status_kind_id")
        batch_op.drop_index(batch_op.f("ix_cases_resident_id"))
        batch_op.drop_index("ix_cases_kind_id")
        batch_op.drop_index("ix_cases_created")
        batch_op.drop_index("ix_cases_chat")

    op.drop_table("cases")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_token_hash"))

    op.drop_table("staff")
    op.drop_table("residents")
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_recipients_place")

    op.drop_table("recipients")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_sink_id")
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")
    op.drop_table("case_counters")
