"""Assign a case to a staff member (指派), recorded in the case's history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from backend.models import CaseEvent
from backend.schemas import CaseView, StaffPublic
from backend.staff import actor_label

if TYPE_CHECKING:
    from backend.cases import CaseService
    from backend.db import Database


class Backend(Protocol):
    """The parts of ``backend.service.Backend`` used here (the facade calls in, never
    the other way)."""

    db: Database
    cases: CaseService


def assign_case(backend: Backend, case_no: str, staff: StaffPublic, note: str = "") -> CaseView:
    """Make ``staff`` the case's assignee (raises ``NotFound``); the event names who."""
    cases = backend.cases
    with backend.db.session() as session:
        case = cases.get(session, case_no, lock=True)
        case.assigned_staff_id = staff.id
        session.add(case)
        session.add(
            CaseEvent(
                case_id=case.id or 0,
                actor=actor_label(staff),
                action="assign",
                note=note,
            )
        )
        session.flush()
        return cases.view(session, case)


def assignee_of(backend: Backend, case_no: str) -> int | None:
    with backend.db.session() as session:
        return backend.cases.get(session, case_no).assigned_staff_id
