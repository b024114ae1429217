"""SQLModel tables of the case backend and the Create/Public models layered on them.

Times are naive UTC. 身份证号 and phone numbers are never stored in clear: ``id_hash`` /
``phone_hash`` (keyed hash, for look-up and comparison), ``id_enc`` / ``phone_enc``
(Fernet, read only through ``backend.pii``) and ``id_masked`` / ``phone_masked`` (for
lists) instead.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.clock import utcnow

# --- staff -----------------------------------------------------------------------------


class StaffBase(SQLModel):
    name: str = Field(min_length=1, max_length=64, description="姓名")
    role: str = Field(description="角色：admin（管理员）或 caseworker（经办人员）")
    region: str = Field(default="", max_length=64, description="辖区（乡镇街道名称）")


class Staff(StaffBase, table=True):
    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class ChatBinding(SQLModel, table=True):
    """A chat account bound to a staff member or to a roster entry."""

    __tablename__ = "chat_bindings"
    __table_args__ = (UniqueConstraint("role", "chat_channel", "sender"),)
    id: int | None = Field(default=None, primary_key=True)
    role: str  # "staff" | "recipient"
    chat_channel: str
    sender: str
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    recipient_id: int | None = Field(default=None, foreign_key="recipients.id")
    created_at: datetime = Field(default_factory=utcnow)


# --- residents and cases ---------------------------------------------------------------


class Resident(SQLModel, table=True):
    __tablename__ = "residents"
    id: int | None = Field(default=None, primary_key=True)
    name: str = ""
    id_hash: str | None = Field(default=None, unique=True)
    id_enc: str | None = None
    id_masked: str | None = None
    phone_hash: str | None = Field(default=None, max_length=64)
    phone_enc: str | None = None
    phone_masked: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class CaseBase(SQLModel):
    kind: str = Field(index=False, description="案件类型")
    programs: list[str] = Field(default_factory=list, sa_type=JSON, description="救助项目")
    channel: str = Field(description="办理渠道：网上办/掌上办/电话办/口述办")
    township: str = Field(default="", description="乡镇街道")
    village: str = Field(default="", description="村社区")
    priority: str = Field(default="normal", description="优先级：urgent 或 normal")
    summary: str = Field(default="", description="情况摘要")


class Case(CaseBase, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        # lists are newest first (ORDER BY id DESC): one index per common filter
        Index("ix_cases_status_kind_id", "status", "kind", "id"),
        Index("ix_cases_kind_id", "kind", "id"),
        Index("ix_cases_township_status_id", "township", "status", "id"),
        Index("ix_cases_township_id", "township", "id"),
        Index("ix_cases_created", "created_at"),
        Index("ix_cases_chat", "chat_channel", "chat_sender"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(unique=True)
    status: str
    chat_channel: str | None = None
    chat_sender: str | None = None
    resident_id: int | None = Field(default=None, foreign_key="residents.id", index=True)
    assigned_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    recorded_by: int | None = Field(default=None, foreign_key="staff.id")
    # 口述办: the recorder's name as it was when the case was recorded (a real person)
    recorded_by_name: str | None = None
    # the decision: a refusal's reason as the applicant was told it, or the approval
    decision_reason: str | None = None
    approved_programs: list[str] | None = Field(default=None, sa_type=JSON)
    monthly_amount: float | None = Field(
        default=None,
        sa_type=Numeric(12, 2, asdecimal=False),  # type: ignore[call-overload]
    )
    start_month: str | None = None  # "2027-01"
    household: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    screening: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    stage_at: datetime = Field(default_factory=utcnow)
    accepted_at: datetime | None = None
    extended: bool = False
    due_date: date | None = None
    # A review (复核): the refused application it is about.
    related_case_no: str | None = Field(default=None, index=True)
    # An application with a 身份证号 already known (another case, the roster) from
    # someone who is not provably that person: the other case's number or 名册.
    conflict_with: str | None = Field(default=None, max_length=64)


class CaseEvent(SQLModel, table=True):
    """Append-only audit trail (the migration adds triggers refusing UPDATE and DELETE)."""

    __tablename__ = "case_events"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str
    action: str  # created | transition | reveal_id | message | extend | note | assign | conflict | roster …
    from_status: str | None = None
    to_status: str | None = None
    note: str = ""  # internal: staff only, never sent to the applicant
    message: str = ""  # what the applicant was told, exactly as sent


class Consent(SQLModel, table=True):
    __tablename__ = "consents"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    text_id: str
    text_version: str
    channel: str
    chat_channel: str | None = None
    at: datetime = Field(default_factory=utcnow)


class OpenClaim(SQLModel, table=True):
    """One row per (person, program) with an open application: makes de-duplication atomic."""

    __tablename__ = "open_claims"
    id_hash: str = Field(primary_key=True)
    program: str = Field(primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)


class CaseCounter(SQLModel, table=True):
    __tablename__ = "case_counters"
    day: str = Field(primary_key=True)
    last: int = 0


# --- roster and check-ins --------------------------------------------------------------


class Recipient(SQLModel, table=True):
    __tablename__ = "recipients"
    __table_args__ = (Index("ix_recipients_place", "township", "village"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str
    id_hash: str = Field(unique=True)
    id_enc: str
    id_masked: str
    phone_hash: str = Field(default="", max_length=64)
    phone_enc: str = ""
    phone_masked: str = ""
    township: str = ""
    village: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class RecipientProgram(SQLModel, table=True):
    __tablename__ = "recipient_programs"
    recipient_id: int = Field(foreign_key="recipients.id", primary_key=True)
    program: str = Field(primary_key=True)


class CheckInBase(SQLModel):
    quarter: str = Field(description="季度，如 2026Q4", regex=r"^\d{4}Q[1-4]$")
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, description="签到回答")
    changes: list[str] = Field(default_factory=list, sa_type=JSON, description="家庭变化")


class CheckIn(CheckInBase, table=True):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("recipient_id", "quarter"),
        Index("ix_checkins_quarter", "quarter", "recipient_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipients.id")
    channel: str = ""
    at: datetime = Field(default_factory=utcnow)
    change_case_no: str | None = None
    recorded_by: int | None = Field(default=None, foreign_key="staff.id")


# --- outbox ----------------------------------------------------------------------------


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_sink_id", "sink", "id"),
        Index("ix_outbox_inbox", "chat_channel", "chat_sender", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, description="幂等键")
    sink: str  # "staff:telegram" | "resident:inbox" … (backend.routing), chosen when written
    case_no: str | None = None
    # the resident's chat account (resident rows): where the inbox is looked up
    chat_channel: str | None = None
    chat_sender: str | None = None
    township: str = ""
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = "pending"  # pending | sending (at-most-once rows) | delivered | dead
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_until: datetime | None = None
    delivered_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


# --- chat updates, follow-up, reminders (moved here: every table in one module) -----


class ChatUpdate(SQLModel, table=True):
    __tablename__ = "chat_updates"
    __table_args__ = (Index("ix_chat_updates_seen_at", "seen_at"),)
    chat_channel: str = Field(primary_key=True)
    update_id: int = Field(primary_key=True, sa_type=BigInteger)
    seen_at: datetime = Field(default_factory=utcnow)


class FollowupSubscription(SQLModel, table=True):
    __tablename__ = "followup_subscriptions"
    __table_args__ = (
        UniqueConstraint("chat_channel", "sender"),
        Index("ix_followup_region_active", "region", "active"),
    )
    id: int | None = Field(default=None, primary_key=True)
    chat_channel: str
    sender: str
    region: str
    household: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    statuses: dict[str, str] = Field(default_factory=dict, sa_type=JSON)  # program → status
    consent_version: str
    consented_at: datetime = Field(default_factory=utcnow)
    active: bool = True
    withdrawn_at: datetime | None = None
    screened_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class CheckinReminder(SQLModel, table=True):
    __tablename__ = "checkin_reminders"
    __table_args__ = (
        UniqueConstraint("recipient_id", "quarter", "round"),
        Index("ix_checkin_reminders_quarter", "quarter", "round"),
    )
    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipients.id")
    quarter: str
    round: str
    chat_channel: str
    sender: str
    status: str = "queued"  # queued (0005 on: delivery is the outbox row's) | sent | failed
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class ReminderPreference(SQLModel, table=True):
    __tablename__ = "reminder_preferences"
    __table_args__ = (UniqueConstraint("chat_channel", "sender"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_channel: str
    sender: str
    enabled: bool = True
    updated_at: datetime = Field(default_factory=utcnow)


# --- limits on guessing and sign-in (shared by every process) --------------------------


class FailedAttempt(SQLModel, table=True):
    """One failed attempt (a wrong last-6, a roster mismatch, a bad token) under a key
    such as ``status:JZ20261123-0007`` or ``signin:127.0.0.1``; counted in a window."""

    __tablename__ = "failed_attempts"
    __table_args__ = (Index("ix_failed_attempts_key_at", "key", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    at: datetime = Field(default_factory=utcnow)


class RateCounter(SQLModel, table=True):
    """Messages of one sender or client address in one fixed window (``backend.rates``,
    without Redis)."""

    __tablename__ = "rate_counters"
    __table_args__ = (Index("ix_rate_counters_window", "window_start"),)
    key: str = Field(primary_key=True, max_length=200)
    window_start: int = Field(primary_key=True, sa_type=BigInteger)  # epoch seconds
    count: int = 0


# --- residents' channels, the WeChat access token, SMS (issue 18) ----------------------


class Contact(SQLModel, table=True):
    """One chat account (or SMS number) of a resident; accounts with the same ``person``
    are one person to the backend (bound with a link code), ``last_used_at`` says which
    channel the resident used last (where reminders and pushes go)."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("chat_channel", "sender"),
        Index("ix_contacts_person", "person", "last_used_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person: str = Field(max_length=40)
    chat_channel: str = Field(max_length=32)
    sender: str = Field(max_length=128)
    last_used_at: datetime = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)


class ContactLinkCode(SQLModel, table=True):
    """A short code shown on one channel and sent from another to join the two accounts."""

    __tablename__ = "contact_link_codes"
    code_hash: str = Field(primary_key=True, max_length=64)
    person: str = Field(max_length=40)
    expires_at: datetime


class AccessToken(SQLModel, table=True):
    """An API access token (WeChat's, per app id) shared by every process."""

    __tablename__ = "access_tokens"
    name: str = Field(primary_key=True, max_length=128)
    token: str = ""
    expires_at: datetime = Field(default_factory=utcnow)
    fetched_at: datetime = Field(default_factory=utcnow)


class SmsMessage(SQLModel, table=True):
    """One SMS, claimed under its key before it is sent: the same reminder or status
    change never goes out twice."""

    __tablename__ = "sms_messages"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    phone_masked: str = ""
    template: str = ""
    provider: str = ""
    status: str = "sending"  # sending | sent | failed | stopped
    provider_id: str | None = None
    error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class SmsOptOut(SQLModel, table=True):
    """A phone number that replied TD / 退订 (keyed hash of the number)."""

    __tablename__ = "sms_optouts"
    phone_hash: str = Field(primary_key=True, max_length=64)
    at: datetime = Field(default_factory=utcnow)


# --- chat sessions (the embedded default store: without Redis) ------------------------


class ChatSession(SQLModel, table=True):
    """One chat session as JSON (``base.session.Session``), kept in the case database.

    ``locked_until``/``lock_token`` are the per-sender lease on SQLite (see
    ``backend.session_store``); PostgreSQL locks the row itself."""

    __tablename__ = "chat_sessions"
    __table_args__ = (Index("ix_chat_sessions_expires_at", "expires_at"),)
    key: str = Field(primary_key=True, max_length=300)
    data: str | None = Field(default=None, sa_type=Text)
    expires_at: datetime = Field(default_factory=utcnow)
    locked_until: datetime | None = None
    lock_token: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)


# --- staff console sessions (shared by every process) ----------------------------------


class ConsoleSessionRow(SQLModel, table=True):
    """A signed-in console session. The cookie carries the session id; only its SHA-256
    is kept here, so the table alone cannot be replayed as cookies."""

    __tablename__ = "console_sessions"
    id: int | None = Field(default=None, primary_key=True)
    sid_hash: str = Field(max_length=64, unique=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")  # None: env admin
    csrf: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime = Field(index=True)  # moved on by use, never past created + 12 h
    flashes: list[list[str]] = Field(default_factory=list, sa_type=JSON)
