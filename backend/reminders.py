"""Quarterly check-in reminders: who is due, who has had one, who turned them off.

A reminder is one (recipient, quarter, round) — round ``start`` (the quarter opened) or
``end`` (about ten days before it closes, only for those who have not checked in).
``queue`` records it under a unique constraint and writes its outbox row (key
``reminder:<recipient>:<quarter>:<round>``) in the same transaction, so two schedules
(or a second round) can never both queue it; the outbox dispatcher then delivers it like
every other notification — within sending hours, retried after a passing failure, and
``dead`` (shown as ``failed``) when the user blocked the bot. A chat account can turn
reminders off and on again (``set_enabled``); the default is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import exists, select

from backend.clock import CHINA, utcnow
from backend.models import (
    ChatBinding,
    CheckIn,
    CheckinReminder,
    OutboxMessage,
    Recipient,
    ReminderPreference,
)
from backend.outbox import enqueue
from backend.sqlhelp import dialect_insert

if TYPE_CHECKING:
    from backend.service import Backend

ROUNDS = ("start", "end")
END_ROUND_DAYS = 10  # the second round goes out this many days before the quarter ends
START_ROUND_DAYS = 30  # the first round is sent only in the quarter's first days
SENDING_HOURS = (9, 20)  # China time: reminders go out from 9:00 to 19:59


@dataclass(frozen=True)
class ReminderTarget:
    recipient_id: int
    name: str
    chat_channel: str
    sender: str


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last day of ``2026Q4``."""
    year, number = int(quarter[:4]), int(quarter[5])
    first = date(year, 3 * (number - 1) + 1, 1)
    following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return first, following - timedelta(days=1)


def round_for(day: date, quarter: str) -> str | None:
    """Which round is due on this (China) day: ``start``, ``end`` or none."""
    first, last = quarter_bounds(quarter)
    if day > last - timedelta(days=END_ROUND_DAYS):
        return "end"
    if day < first + timedelta(days=START_ROUND_DAYS):
        return "start"
    return None


def due(backend: Backend, quarter: str, round_: str, chat_channel: str) -> list[ReminderTarget]:
    """Recipients bound to a chat on ``chat_channel`` who have not checked in for
    ``quarter``, have not had this round, and have not turned reminders off."""
    checked_in = exists().where(CheckIn.recipient_id == Recipient.id, CheckIn.quarter == quarter)
    reminded = exists().where(
        CheckinReminder.recipient_id == Recipient.id,
        CheckinReminder.quarter == quarter,
        CheckinReminder.round == round_,
    )
    turned_off = exists().where(
        ReminderPreference.chat_channel == ChatBinding.chat_channel,
        ReminderPreference.sender == ChatBinding.sender,
        ReminderPreference.enabled.is_(False),  # type: ignore[attr-defined]
    )
    query = (
        select(Recipient.id, Recipient.name, ChatBinding.chat_channel, ChatBinding.sender)
        .join(ChatBinding, ChatBinding.recipient_id == Recipient.id)  # type: ignore[arg-type]
        .where(
            ChatBinding.role == "recipient",
            ChatBinding.chat_channel == chat_channel,
            ~checked_in,
            ~reminded,
            ~turned_off,
        )
        .order_by(Recipient.id, ChatBinding.id)
    )
    targets: dict[int, ReminderTarget] = {}
    with backend.db.session() as session:
        for rid, name, channel, sender in session.execute(query).all():
            targets.setdefault(rid, ReminderTarget(rid, name, channel, sender))
    return list(targets.values())


def reminder_key(recipient_id: int, quarter: str, round_: str) -> str:
    """The outbox key of one reminder: ``reminder:<recipient>:<quarter>:<round>``."""
    return f"reminder:{recipient_id}:{quarter}:{round_}"


def queue(
    backend: Backend,
    target: ReminderTarget,
    quarter: str,
    round_: str,
    text: str,
    buttons: list[dict[str, str]],
) -> bool:
    """Write this reminder to the outbox (the resident's chat sink, sending hours only)
    and record it, in one transaction; False when it was queued before."""
    table = CheckinReminder.__table__  # type: ignore[attr-defined]
    with backend.db.session() as session:
        result = session.execute(
            dialect_insert(session, table)
            .values(
                recipient_id=target.recipient_id,
                quarter=quarter,
                round=round_,
                chat_channel=target.chat_channel,
                sender=target.sender,
                status="queued",
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(
                index_elements=[table.c.recipient_id, table.c.quarter, table.c.round]
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False  # another round (or process) has it
        return enqueue(
            session,
            sink=backend.routing.resident(target.chat_channel),
            key=reminder_key(target.recipient_id, quarter, round_),
            chat_channel=target.chat_channel,
            chat_sender=target.sender,
            payload={
                "kind": "reminder",
                "text": text,
                "buttons": buttons,
                "chat_channel": target.chat_channel,
                "sender": target.sender,
                "hours": list(SENDING_HOURS),
                # a send that may have arrived (a timeout) is not tried again
                "at_most_once": True,
            },
        )


@dataclass(frozen=True)
class ReminderRecord:
    recipient_id: int
    quarter: str
    round: str
    chat_channel: str
    sender: str
    status: str  # queued | sending (perhaps sent: not tried again) | sent | failed
    sent_at: datetime | None


_STATUS = {"pending": "queued", "sending": "sending", "delivered": "sent", "dead": "failed"}


def sent(backend: Backend, quarter: str) -> list[ReminderRecord]:
    """The quarter's reminders and how their delivery went (from their outbox rows)."""
    with backend.db.session() as session:
        rows = list(
            session.execute(
                select(CheckinReminder)
                .where(CheckinReminder.quarter == quarter)
                .order_by(CheckinReminder.id)  # type: ignore[arg-type]
            ).scalars()
        )
        keys = [reminder_key(r.recipient_id, r.quarter, r.round) for r in rows]
        outbox = {
            key: (status, at)
            for key, status, at in session.execute(
                select(OutboxMessage.key, OutboxMessage.status, OutboxMessage.delivered_at).where(
                    OutboxMessage.key.in_(keys)  # type: ignore[attr-defined]
                )
            ).all()
        }
    records = []
    for row, key in zip(rows, keys, strict=True):
        status, at = outbox.get(key, (None, None))
        records.append(
            ReminderRecord(
                row.recipient_id,
                row.quarter,
                row.round,
                row.chat_channel,
                row.sender,
                _STATUS.get(status or "", row.status),  # rows sent before 0005 keep theirs
                at if status else row.sent_at,
            )
        )
    return records


def set_enabled(backend: Backend, chat_channel: str, sender: str, enabled: bool) -> None:
    table = ReminderPreference.__table__  # type: ignore[attr-defined]
    now = utcnow()
    with backend.db.session() as session:
        session.execute(
            dialect_insert(session, table)
            .values(chat_channel=chat_channel, sender=sender, enabled=enabled, updated_at=now)
            .on_conflict_do_update(
                index_elements=[table.c.chat_channel, table.c.sender],
                set_={"enabled": enabled, "updated_at": now},
            )
        )


def is_enabled(backend: Backend, chat_channel: str, sender: str) -> bool:
    with backend.db.session() as session:
        value = session.execute(
            select(ReminderPreference.enabled).where(
                ReminderPreference.chat_channel == chat_channel,
                ReminderPreference.sender == sender,
            )
        ).scalar_one_or_none()
    return True if value is None else bool(value)


def china_today(moment: datetime | None = None) -> date:
    return (moment or utcnow()).astimezone(CHINA).date()
