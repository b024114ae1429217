"""The notification outbox and its dispatcher.

Every case creation, transition and staff message writes its notification rows with
``enqueue`` in the *same* transaction as the change, so a notification exists exactly
when the change does. Each row names its concrete sink, chosen when it is written
(``backend.routing``: ``staff:telegram``, ``staff:log``, ``resident:inbox`` …). The
``Dispatcher`` of a process delivers pending rows of the sinks *that process* registered
and leaves every other row alone:

* **at least once** — a row is leased (``claimed_until``) before delivery and marked
  delivered only after the sink returns; a dispatcher killed mid-delivery leaves the
  lease to expire and the row is delivered again by the next dispatcher;
* **idempotency keys** — each row has a unique ``key`` (also passed to the sink, and sent
  as ``Idempotency-Key`` by the webhook sink) so a receiver can drop a repeat;
* **retries with back-off** — a failing sink is retried after ``base_delay·2ⁿ`` seconds
  (capped, with jitter) until ``max_attempts``, then the row is marked ``dead``; a sink
  that knows a retry cannot help (the user blocked the bot) raises ``GiveUp``;
* **at most once where asked** — a row whose payload has ``"at_most_once": true`` (a
  reminder) is marked ``sending`` before the sink is called: if the dispatcher dies
  during the send, nobody sends it again (lost rather than twice);
* **sending hours** — a row whose payload has ``"hours": [9, 20]`` is delivered only
  from 9:00 to 19:59 China time; outside them it waits for the next 9:00;
* **order per chat** — rows of one batch go out side by side (``parallel``), but the
  rows of one sink and chat account one after the other, oldest first.

Rows of ``resident:inbox`` are not dispatched at all: ``take_inbox`` hands them to the
engine at the resident's next message and marks them delivered in the same transaction.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio
from sqlalchemy import or_, select, update
from sqlmodel import Session

from backend.clock import CHINA, utcnow
from backend.db import Database
from backend.models import OutboxMessage
from backend.routing import RESIDENT_INBOX, redirect
from backend.sqlhelp import dialect_insert, is_postgres

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """One notification handed to a sink."""

    id: int
    key: str
    sink: str
    case_no: str | None
    payload: dict[str, Any]
    attempt: int
    chat_channel: str | None = None
    chat_sender: str | None = None

    @property
    def text(self) -> str:
        return str(self.payload.get("text", ""))

    @property
    def sender(self) -> str:
        """The resident's chat id (resident rows), from the row or its payload."""
        return str(self.chat_sender or self.payload.get("sender") or "")


Sink = Callable[[Delivery], Awaitable[None]]


class GiveUp(Exception):
    """Raised by a sink when trying again cannot help: the row is marked ``dead``."""


def next_in_hours(hours: tuple[int, int], moment: datetime) -> datetime | None:
    """None when ``moment`` is within the China-time hours, else the next start."""
    start, end = hours
    local = moment.astimezone(CHINA)
    if start <= local.hour < end:
        return None
    opening = local.replace(hour=start, minute=0, second=0, microsecond=0)
    if local.hour >= end:
        opening += timedelta(days=1)
    return opening


def enqueue(
    session: Session,
    *,
    sink: str,
    key: str,
    payload: dict[str, Any],
    case_no: str | None = None,
    township: str = "",
    chat_channel: str | None = None,
    chat_sender: str | None = None,
) -> bool:
    """Add a notification row in the caller's transaction; False when the key exists
    (a repeated key is ignored). Resident rows name the chat account."""
    if sink.startswith("resident:") and chat_channel and chat_sender:
        # The person's latest chat account (another channel, joined by a link code).
        moved = redirect(session, chat_channel, chat_sender, payload)
        if moved is not None:
            sink, chat_channel, chat_sender, payload = moved
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    now = utcnow()
    stmt = dialect_insert(session, table).values(
        key=key,
        sink=sink,
        case_no=case_no,
        township=township,
        chat_channel=chat_channel,
        chat_sender=chat_sender,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    result = session.execute(stmt.on_conflict_do_nothing(index_elements=[table.c.key]))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _delivery(row: OutboxMessage) -> Delivery:
    return Delivery(
        id=row.id or 0,
        key=row.key,
        sink=row.sink,
        case_no=row.case_no,
        payload=dict(row.payload),
        attempt=row.attempts,
        chat_channel=row.chat_channel,
        chat_sender=row.chat_sender,
    )


def _inbox_is_empty(database: Database, chat_channel: str, sender: str) -> bool:
    """The common case, answered with one indexed read outside any write transaction
    (every SQLAlchemy transaction on SQLite is ``BEGIN IMMEDIATE``)."""
    if database.dialect != "sqlite":
        with database.engine.connect() as connection:
            found = connection.execute(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.chat_channel == chat_channel,
                    OutboxMessage.chat_sender == sender,
                    OutboxMessage.status == "pending",
                    OutboxMessage.sink == RESIDENT_INBOX,
                )
                .limit(1)
            ).first()
        return found is None
    raw = database.engine.raw_connection()
    try:
        found = (
            raw.cursor().execute(_INBOX_SQLITE, (chat_channel, sender, RESIDENT_INBOX)).fetchone()
        )
    finally:
        raw.close()
    return found is None


_INBOX_SQLITE = (
    "SELECT 1 FROM outbox WHERE chat_channel = ? AND chat_sender = ?"
    " AND status = 'pending' AND sink = ? LIMIT 1"
)


def inbox_is_empty_now(database: Database, chat_channel: str, sender: str) -> bool:
    """True when this chat account's inbox is known empty without waiting (SQLite, in
    the calling thread: ``Database.read_now``); False means "ask ``take_inbox``"."""
    found = database.read_now(_INBOX_SQLITE, (chat_channel, sender, RESIDENT_INBOX))
    return found is not None and not found


def take_inbox(database: Database, chat_channel: str, sender: str) -> list[Delivery]:
    """The messages waiting for this chat account (sink ``resident:inbox``), oldest
    first; they are marked delivered in the same transaction, so none is shown twice."""
    if _inbox_is_empty(database, chat_channel, sender):
        return []
    with database.session() as session:
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.sink == RESIDENT_INBOX,
                OutboxMessage.chat_channel == chat_channel,
                OutboxMessage.chat_sender == sender,
                OutboxMessage.status == "pending",
            )
            .order_by(OutboxMessage.id)  # type: ignore[arg-type]
        )
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True)
        rows = list(session.execute(query).scalars())
        if not rows:
            return []
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([row.id for row in rows]))  # type: ignore[union-attr]
            .values(
                status="delivered",
                delivered_at=utcnow(),
                attempts=OutboxMessage.attempts + 1,
            )
        )
        return [_delivery(row) for row in rows]


class Dispatcher:
    """Delivers pending outbox rows to the registered sinks."""

    def __init__(
        self,
        database: Database,
        sinks: Mapping[str, Sink],
        *,
        batch_size: int = 20,
        lease_seconds: float = 60.0,
        max_attempts: int = 12,
        base_delay: float = 2.0,
        max_delay: float = 900.0,
        poll_interval: float = 1.0,
        parallel: int = 8,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.sinks = sinks
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_seconds)
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.poll_interval = poll_interval
        self.parallel = max(1, parallel)
        self.clock = clock  # what "now" is for sending hours

    async def run_once(self) -> int:
        """Claim one batch of due rows and deliver it; returns how many were attempted."""
        batch = await anyio.to_thread.run_sync(self._claim)
        chats: dict[tuple[str, str], list[Delivery]] = {}
        for delivery in batch:
            chats.setdefault((delivery.sink, delivery.sender), []).append(delivery)
        limiter = anyio.CapacityLimiter(self.parallel)

        async def one_chat(deliveries: list[Delivery]) -> None:
            async with limiter:
                for delivery in deliveries:
                    await self._deliver(delivery)

        async with anyio.create_task_group() as tasks:
            for deliveries in chats.values():
                tasks.start_soon(one_chat, deliveries)
        return len(batch)

    async def _deliver(self, delivery: Delivery) -> None:
        hours = delivery.payload.get("hours")
        if hours:
            opening = next_in_hours((int(hours[0]), int(hours[1])), self.clock())
            if opening is not None:  # nobody is woken up: wait for the next morning
                await anyio.to_thread.run_sync(self._defer, delivery, opening)
                return
        if delivery.payload.get("at_most_once"):
            # Rather lost than twice (a reminder): a dispatcher that dies during the send
            # leaves the row "sending", and nobody claims it again.
            await anyio.to_thread.run_sync(self._sending, delivery)
        try:
            await self.sinks[delivery.sink](delivery)
        except GiveUp as exc:
            log.warning("outbox %s to %s given up: %s", delivery.key, delivery.sink, exc)
            await anyio.to_thread.run_sync(self._dead, delivery, repr(exc))
        except Exception as exc:  # a sink failure: retry later
            log.warning("outbox %s to %s failed: %s", delivery.key, delivery.sink, exc)
            await anyio.to_thread.run_sync(self._failed, delivery, repr(exc))
        else:
            await anyio.to_thread.run_sync(self._delivered, delivery)

    async def run(self, stop: anyio.Event | None = None) -> None:
        """Deliver until ``stop`` is set (or forever)."""
        while stop is None or not stop.is_set():
            if await self.run_once() == 0:
                with anyio.move_on_after(self.poll_interval):
                    if stop is None:
                        await anyio.sleep(self.poll_interval)
                    else:
                        await stop.wait()

    async def drain(self, *, timeout: float = 30.0) -> None:
        """Deliver until nothing is due (tests, one-shot commands)."""
        with anyio.fail_after(timeout):
            while await self.run_once():
                pass

    # --- database steps (run in a worker thread) -------------------------------------

    def _claim(self) -> list[Delivery]:
        sinks = [name for name in self.sinks if name != RESIDENT_INBOX]  # the engine's
        if not sinks:
            return []
        now = utcnow()
        with self.database.session() as session:
            query = (
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.sink.in_(sinks),  # type: ignore[attr-defined]
                    OutboxMessage.next_attempt_at <= now,
                    or_(
                        OutboxMessage.claimed_until.is_(None),  # type: ignore[union-attr]
                        OutboxMessage.claimed_until < now,  # type: ignore[operator]
                    ),
                )
                .order_by(OutboxMessage.id)
                .limit(self.batch_size)
            )
            if is_postgres(session):
                query = query.with_for_update(skip_locked=True)
            ids = list(session.execute(query).scalars())
            if not ids:
                return []
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))  # type: ignore[union-attr]
                .values(claimed_until=now + self.lease, attempts=OutboxMessage.attempts + 1)
            )
            rows = session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))  # type: ignore[union-attr]
                .order_by(OutboxMessage.id)
            ).scalars()
            return [_delivery(row) for row in rows]

    def _delivered(self, delivery: Delivery) -> None:
        with self.database.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == delivery.id)
                .values(status="delivered", delivered_at=utcnow(), claimed_until=None)
            )

    def _sending(self, delivery: Delivery) -> None:
        with self.database.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == delivery.id)
                .values(status="sending")
            )

    def _defer(self, delivery: Delivery, until: datetime) -> None:
        """Not an attempt: the row waits, untouched, until ``until``."""
        with self.database.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == delivery.id)
                .values(
                    next_attempt_at=until,
                    claimed_until=None,
                    attempts=OutboxMessage.attempts - 1,
                )
            )

    def _dead(self, delivery: Delivery, error: str) -> None:
        with self.database.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == delivery.id)
                .values(status="dead", last_error=error[:500], claimed_until=None)
            )

    def _failed(self, delivery: Delivery, error: str) -> None:
        delay = min(self.max_delay, self.base_delay * 2 ** (delivery.attempt - 1))
        delay *= random.uniform(0.8, 1.2)
        values: dict[str, Any] = {
            "last_error": error[:500],
            "claimed_until": None,
            "status": "pending",  # a failed "sending" row was not sent: try it again
        }
        if delivery.attempt >= self.max_attempts:
            values["status"] = "dead"
        else:
            values["next_attempt_at"] = utcnow() + timedelta(seconds=delay)
        with self.database.session() as session:
            session.execute(
                update(OutboxMessage).where(OutboxMessage.id == delivery.id).values(**values)
            )
