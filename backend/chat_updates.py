"""Updates a chat platform delivered, remembered so a repeat is handled once.

Telegram delivers an update again when it did not see our answer in time (webhook)
or when a poller restarts before confirming it; the update_id is the same. The table
survives a restart; rows older than ``KEEP`` are dropped now and then.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete

from backend.clock import utcnow
from backend.models import ChatUpdate
from backend.sqlhelp import dialect_insert

if TYPE_CHECKING:
    from backend.service import Backend

KEEP = timedelta(days=3)  # Telegram keeps undelivered updates for 24 hours


def first_time(backend: Backend, chat_channel: str, update_id: int) -> bool:
    """Remember the update; True only the first time it is seen."""
    table = ChatUpdate.__table__  # type: ignore[attr-defined]
    now = utcnow()
    with backend.db.session() as session:
        result = session.execute(
            dialect_insert(session, table)
            .values(chat_channel=chat_channel, update_id=update_id, seen_at=now)
            .on_conflict_do_nothing(index_elements=[table.c.chat_channel, table.c.update_id])
        )
        fresh = bool(result.rowcount)  # type: ignore[attr-defined]
        if fresh and update_id % 500 == 0:
            session.execute(delete(ChatUpdate).where(ChatUpdate.seen_at < now - KEEP))  # type: ignore[arg-type]
    return fresh
