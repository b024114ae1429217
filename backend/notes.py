"""Notes added to an open case after it was created (e.g. the answers that enrich an
urgent request): an audit event, an optional longer summary, place and phone, and a
staff notification — all in one transaction, like every other case change.

Kept apart from ``backend.cases`` so the chat flows could use it before the facade has
a method for it; ``Backend.add_note`` is the natural home (see the issue 6 report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from backend.clock import utcnow
from backend.models import CaseEvent, Resident
from backend.outbox import enqueue

if TYPE_CHECKING:
    from backend.cases import CaseService
    from backend.db import Database
    from backend.pii import PersonalData
    from backend.routing import Routing


class Backend(Protocol):
    """The parts of ``backend.service.Backend`` used here (the facade calls in, never
    the other way)."""

    db: Database
    cases: CaseService
    pii: PersonalData
    routing: Routing


SUMMARY_LIMIT = 2000


def add_note(
    backend: Backend,
    case_no: str,
    note: str,
    *,
    staff_text: str,
    actor: str = "resident",
    summary_extra: str = "",
    township: str = "",
    village: str = "",
    phone: str | None = None,
    priority: str | None = None,
) -> None:
    """Append ``note`` to the case's history and tell staff with ``staff_text``.

    ``summary_extra`` is added to the summary staff see in lists; ``township`` and
    ``village`` fill an empty place (so the request reaches the right township);
    ``phone`` becomes the contact number of the case (shown in the staff detail view);
    ``priority`` raises the case's priority (``life``: a message that may mean danger to
    life), with its own audit event.
    """
    with backend.db.session() as session:
        case = backend.cases.get(session, case_no, lock=True)
        now = utcnow()
        event = CaseEvent(
            case_id=case.id or 0, actor=actor, action="resident_note", note=note, at=now
        )
        session.add(event)
        if summary_extra:
            joined = f"{case.summary}；{summary_extra}" if case.summary else summary_extra
            case.summary = joined[:SUMMARY_LIMIT]
        if priority and priority != case.priority:
            session.add(
                CaseEvent(
                    case_id=case.id or 0,
                    actor=actor,
                    action="priority",
                    note=f"{case.priority} → {priority}",
                    at=now,
                )
            )
            case.priority = priority
        if township and not case.township:
            case.township, case.village = township, village
        if phone:
            resident = session.get(Resident, case.resident_id) if case.resident_id else None
            sealed = backend.pii.seal_phone(phone)
            columns = {
                "phone_hash": sealed.hash or None,
                "phone_enc": sealed.encrypted or None,
                "phone_masked": sealed.masked or None,
            }
            if resident is None:
                resident = Resident(name="", **columns)
                session.add(resident)
                session.flush()
                case.resident_id = resident.id
            elif not resident.phone_enc:
                for column, value in columns.items():
                    setattr(resident, column, value)
                session.add(resident)
        case.updated_at = now
        session.add(case)
        session.flush()
        enqueue(
            session,
            sink=backend.routing.staff,
            key=f"{case.case_no}:note:{event.id}:staff",
            case_no=case.case_no,
            township=case.township,
            payload={"text": staff_text, "kind": case.kind, "priority": case.priority},
        )


def fill_place(backend: Backend, case_no: str, township: str, village: str = "") -> bool:
    """The township (and village) of a case that has none, as the resident named it in
    the conversation ("我是长春镇二港村的"), with an audit event; False when the case
    has a township already (a named place never moves a case)."""
    with backend.db.session() as session:
        case = backend.cases.get(session, case_no, lock=True)
        if case.township or not township:
            return False
        now = utcnow()
        case.township, case.village = township, village
        session.add(
            CaseEvent(
                case_id=case.id or 0,
                actor="resident",
                action="place",
                note=f"{township}{village}",
                at=now,
            )
        )
        case.updated_at = now
        session.add(case)
        return True
