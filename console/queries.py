"""Read-only look-ups the console needs beyond the ``Backend`` facade: the work queue
ordered urgent first then by deadline, and the places to filter by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, or_, select

from backend.models import Case, Recipient
from backend.schemas import CaseView
from backend.service import Backend

OPEN = ""  # every status that is not terminal
ALL = "all"


@dataclass(frozen=True)
class QueueFilter:
    status: str = OPEN
    kind: str = ""
    channel: str = ""
    township: str | None = None  # None: every township (admins)


def terminal_statuses(backend: Backend) -> set[str]:
    found: set[str] = set()
    for workflow in backend.rules.workflows.values():
        found.update(workflow.terminal)
    return found


QUEUE_LIMIT = 200


def work_queue(backend: Backend, where: QueueFilter, limit: int = QUEUE_LIMIT) -> list[CaseView]:
    """Cases to handle: urgent ones first, then the nearest deadline, then the newest."""
    urgent = or_(Case.priority == "urgent", Case.kind == "urgent")
    query = select(Case)
    if where.status == OPEN:
        query = query.where(Case.status.not_in(terminal_statuses(backend)))  # type: ignore[attr-defined]
    elif where.status != ALL:
        query = query.where(Case.status == where.status)
    if where.kind:
        query = query.where(Case.kind == where.kind)
    if where.channel:
        query = query.where(Case.channel == where.channel)
    if where.township is not None:
        query = query.where(Case.township == where.township)
    query = query.order_by(
        case((urgent, 0), else_=1),
        case((Case.due_date.is_(None), 1), else_=0),  # type: ignore[union-attr]
        Case.due_date,
        Case.created_at.desc(),  # type: ignore[attr-defined]
        Case.id.desc(),  # type: ignore[union-attr]
    ).limit(limit)
    with backend.db.session() as session:
        return [backend.cases.view(session, row) for row in session.execute(query).scalars()]


def townships(backend: Backend, region_places: list[str]) -> list[str]:
    """The region's townships, then any other township named by a case or the roster."""
    with backend.db.session() as session:
        seen = set(session.execute(select(Case.township).distinct()).scalars())
        seen |= set(session.execute(select(Recipient.township).distinct()).scalars())
    extra = sorted(t for t in seen if t and t not in region_places)
    return [*region_places, *extra]


def region_places(region_id: str) -> list[Any]:
    """The shipped townships (with their villages) of the configured region."""
    from policies.regions import UnknownRegionError, load_region

    try:
        return list(load_region(region_id).places)
    except UnknownRegionError:
        return []
