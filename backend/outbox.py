"""The notification outbox and its dispatcher.

Every case creation, transition and staff message writes its notification rows with
``enqueue`` in the *same* transaction as the change, so a notification exists exactly
when the change does. The ``Dispatcher`` delivers pending rows to the sinks registered
by name (``staff``, ``resident``, a webhook …):

* **at least once** — a row is leased (``claimed_until``) before delivery and marked
  delivered only after the sink returns; a dispatcher killed mid-delivery leaves the
  lease to expire and the row is delivered again by the next dispatcher;
* **idempotency keys** — each row has a unique ``key`` (also passed to the sink, and sent
  as ``Idempotency-Key`` by the webhook sink) so a receiver can drop a repeat;
* **retries with back-off** — a failing sink is retried after ``base_delay·2ⁿ`` seconds
  (capped, with jitter) until ``max_attempts``, then the row is marked ``dead``.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import anyio
from sqlalchemy import or_, select, update
from sqlmodel import Session

from backend.clock import utcnow
from backend.db import Database
from backend.models import OutboxMessage
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

    @property
    def text(self) -> str:
        return str(self.payload.get("text", ""))


Sink = Callable[[Delivery], Awaitable[None]]


def enqueue(
    session: Session,
    *,
    sink: str,
    key: str,
    payload: dict[str, Any],
    case_no: str | None = None,
    township: str = "",
) -> None:
    """Add a notification row in the caller's transaction (a repeated key is ignored)."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    now = utcnow()
    stmt = dialect_insert(session, table).values(
        key=key,
        sink=sink,
        case_no=case_no,
        township=township,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=[table.c.key]))


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
    ) -> None:
        self.database = database
        self.sinks = sinks
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_seconds)
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.poll_interval = poll_interval

    async def run_once(self) -> int:
        """Claim one batch of due rows and deliver it; returns how many were attempted."""
        batch = await anyio.to_thread.run_sync(self._claim)
        for delivery in batch:
            try:
                await self.sinks[delivery.sink](delivery)
            except Exception as exc:  # a sink failure: retry later
                log.warning("outbox %s to %s failed: %s", delivery.key, delivery.sink, exc)
                await anyio.to_thread.run_sync(self._failed, delivery, repr(exc))
            else:
                await anyio.to_thread.run_sync(self._delivered, delivery)
        return len(batch)

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
        if not self.sinks:
            return []
        now = utcnow()
        with self.database.session() as session:
            query = (
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.sink.in_(list(self.sinks)),  # type: ignore[attr-defined]
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
            return [
                Delivery(
                    id=row.id or 0,
                    key=row.key,
                    sink=row.sink,
                    case_no=row.case_no,
                    payload=dict(row.payload),
                    attempt=row.attempts,
                )
                for row in rows
            ]

    def _delivered(self, delivery: Delivery) -> None:
        with self.database.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == delivery.id)
                .values(status="delivered", delivered_at=utcnow(), claimed_until=None)
            )

    def _failed(self, delivery: Delivery, error: str) -> None:
        delay = min(self.max_delay, self.base_delay * 2 ** (delivery.attempt - 1))
        delay *= random.uniform(0.8, 1.2)
        values: dict[str, Any] = {"last_error": error[:500], "claimed_until": None}
        if delivery.attempt >= self.max_attempts:
            values["status"] = "dead"
        else:
            values["next_attempt_at"] = utcnow() + timedelta(seconds=delay)
        with self.database.session() as session:
            session.execute(
                update(OutboxMessage).where(OutboxMessage.id == delivery.id).values(**values)
            )
