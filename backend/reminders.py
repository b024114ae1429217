"""Quarterly check-in reminders: who is due, who has had one, who turned them off.

A reminder is one (recipient, quarter, round) — round ``start`` (the quarter opened) or
``end`` (about ten days before it closes, only for those who have not checked in).
``claim`` inserts the row *before* the message is sent, under a unique constraint, so
two senders (or a second round) can never both send it; a send that fails for a
passing reason is ``release``d and tried again by the next round, a permanent failure
(the user blocked the bot) is kept as ``failed``. A chat account can turn reminders
off and on again (``set_enabled``); the default is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, exists, select, update

from backend.clock import CHINA, utcnow
from backend.models import ChatBinding, CheckIn, CheckinReminder, Recipient, ReminderPreference
from backend.sqlhelp import dialect_insert

if TYPE_CHECKING:
    from backend.service import Backend

ROUNDS = ("start", "end")
END_ROUND_DAYS = 10  # the second round goes out this many days before the quarter ends
START_ROUND_DAYS = 30  # the first round is sent only in the quarter's first days


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


def claim(backend: Backend, target: ReminderTarget, quarter: str, round_: str) -> bool:
    """Reserve this reminder; False when it was already claimed (sent or being sent)."""
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
                status="sending",
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(
                index_elements=[table.c.recipient_id, table.c.quarter, table.c.round]
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def finish(
    backend: Backend, target: ReminderTarget, quarter: str, round_: str, status: str
) -> None:
    """Record the outcome of a claimed reminder (``sent`` or ``failed``)."""
    with backend.db.session() as session:
        session.execute(
            update(CheckinReminder)
            .where(
                CheckinReminder.recipient_id == target.recipient_id,
                CheckinReminder.quarter == quarter,
                CheckinReminder.round == round_,
            )
            .values(status=status, sent_at=utcnow() if status == "sent" else None)
        )


def release(backend: Backend, target: ReminderTarget, quarter: str, round_: str) -> None:
    """Give a claimed reminder back (the send failed for a passing reason)."""
    with backend.db.session() as session:
        session.execute(
            delete(CheckinReminder).where(
                CheckinReminder.recipient_id == target.recipient_id,
                CheckinReminder.quarter == quarter,
                CheckinReminder.round == round_,
                CheckinReminder.status == "sending",
            )
        )


def sent(backend: Backend, quarter: str) -> list[CheckinReminder]:
    with backend.db.session() as session:
        return list(
            session.execute(
                select(CheckinReminder)
                .where(CheckinReminder.quarter == quarter)
                .order_by(CheckinReminder.id)  # type: ignore[arg-type]
            ).scalars()
        )


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
