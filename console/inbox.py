"""New requests: the work queue, urgent first then by deadline, refreshed live."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from console.deps import SessionDep, StateDep
from console.places import region_places
from console.security import ConsoleSession
from console.state import ConsoleState
from console.web import ConsoleRoute, page_context, render
from services.access import region_of
from services.desk import OPEN, QueueFilter

router = APIRouter(route_class=ConsoleRoute)

Text = Annotated[str, Query(max_length=64)]
QUEUE_LIMIT = 200


def _queue(
    state: ConsoleState,
    session: ConsoleSession,
    status: str,
    kind: str,
    channel: str,
    township: str,
) -> tuple[QueueFilter, list[Any]]:
    region = region_of(session.staff)
    where = QueueFilter(
        status=status,
        kind=kind,
        channel=channel,
        township=region if region is not None else (township or None),
    )
    return where, state.services.desk.queue(session.staff, where, QUEUE_LIMIT)


@router.get("/requests", summary="新到的请求")
def requests_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    status: Text = OPEN,
    kind: Text = "",
    channel: Text = "",
    township: Text = "",
) -> Response:
    where, cases = _queue(state, session, status, kind, channel, township)
    rules = state.backend.rules
    places = [place.name for place in region_places(state.region_id)]
    context = page_context(
        session,
        "requests",
        cases=cases,
        limit=QUEUE_LIMIT,
        where=where,
        query=request.url.query,
        statuses=rules.labels,
        kinds=rules.kinds,
        channels=rules.channels,
        townships=state.services.desk.townships(session.staff, places),
    )
    return render(request, "requests.html", context)


@router.get("/requests/rows", summary="新到的请求（列表片段，供页面自动刷新）")
def requests_rows(
    request: Request,
    state: StateDep,
    session: SessionDep,
    status: Text = OPEN,
    kind: Text = "",
    channel: Text = "",
    township: Text = "",
) -> Response:
    _where, cases = _queue(state, session, status, kind, channel, township)
    return render(request, "_rows.html", {"cases": cases, "limit": QUEUE_LIMIT})
