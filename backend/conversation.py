"""The conversation of a hand-off case (转人工 is a conversation): what the resident wrote
after the hand-off (``resident_message`` events, masked, each told to staff at once)
and what staff answered (``message`` events, queued to the resident's chat by
``CaseService.message_resident``), in the order they were written.

Events of the append-only audit trail; no table of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from backend.clock import utcnow
from backend.models import CaseEvent
from backend.outbox import enqueue
from base.privacy import mask_text

if TYPE_CHECKING:
    from backend.service import Backend

RESIDENT_MESSAGE = "resident_message"
# what a resident added to a case by the assistant (the urgent answers, "俺在新桥河镇 枫树村
# 你来吧"): part of the conversation once staff have written to them (probeI W27)
RESIDENT_NOTE = "resident_note"
STAFF_MESSAGE = "message"
MESSAGE_LIMIT = 2000


@dataclass(frozen=True)
class Line:
    """One message of the conversation (named like the audit event it is)."""

    id: int
    at: datetime  # naive UTC
    action: str  # resident_message | message
    actor: str
    note: str  # the text

    @property
    def by_resident(self) -> bool:
        return self.action in (RESIDENT_MESSAGE, RESIDENT_NOTE)


def add_resident_message(backend: Backend, case_no: str, text: str, *, staff_text: str) -> int:
    """Append what the resident wrote (masked) and tell staff with ``staff_text``; the
    event's id (for the console to poll after)."""
    with backend.db.session() as session:
        case = backend.cases.get(session, case_no, lock=True)
        now = utcnow()
        event = CaseEvent(
            case_id=case.id or 0,
            actor="resident",
            action=RESIDENT_MESSAGE,
            note=mask_text(text)[:MESSAGE_LIMIT],
            at=now,
        )
        session.add(event)
        case.updated_at = now
        session.add(case)
        session.flush()
        enqueue(
            session,
            sink=backend.routing.staff,
            key=f"{case.case_no}:{RESIDENT_MESSAGE}:{event.id}:staff",
            case_no=case.case_no,
            township=case.township,
            payload={
                "text": mask_text(staff_text),
                "kind": case.kind,
                "priority": case.priority,
                "event": RESIDENT_MESSAGE,
            },
        )
        return int(event.id or 0)


def conversation(backend: Backend, case_no: str, after_id: int = 0) -> list[Line]:
    """The messages both ways after event ``after_id``, oldest first."""
    with backend.db.session() as session:
        case = backend.cases.get(session, case_no)
        rows = session.execute(
            select(CaseEvent)
            .where(
                CaseEvent.case_id == case.id,
                CaseEvent.action.in_((RESIDENT_MESSAGE, RESIDENT_NOTE, STAFF_MESSAGE)),  # type: ignore[attr-defined]
                CaseEvent.id > after_id,  # type: ignore[operator]
            )
            .order_by(CaseEvent.id)  # type: ignore[arg-type]
        ).scalars()
        lines: list[Line] = []
        staff_wrote = after_id > 0 and _staff_wrote_before(session, case.id or 0, after_id)
        for row in rows:
            staff_wrote = staff_wrote or row.action == STAFF_MESSAGE
            if row.action == RESIDENT_NOTE and (not staff_wrote or row.actor != "resident"):
                continue  # notes before staff wrote are the case's account, not replies
            lines.append(
                Line(
                    id=int(row.id or 0),
                    at=row.at,
                    action=row.action,
                    actor=row.actor,
                    note=row.note,
                )
            )
        return lines


def _staff_wrote_before(session: Any, case_id: int, event_id: int) -> bool:
    found = session.execute(
        select(CaseEvent.id).where(
            CaseEvent.case_id == case_id,
            CaseEvent.action == STAFF_MESSAGE,
            CaseEvent.id <= event_id,  # type: ignore[operator]
        )
    ).first()
    return found is not None
