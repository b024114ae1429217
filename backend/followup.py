"""Proactive follow-up (政策找人): households kept with the resident's consent, screened
again when a region's standards change, and told when a program newly may fit.

A subscription holds one chat account's household (no name, no 身份证号) and the
status of each program at its last screening. ``rescreen`` screens every active
subscription of a region with the parameters in force on ``today``; a program that is
now ``likely`` and was not before gets one message to the resident's chat (its sink by ``backend.routing``), written in the
same transaction as the new statuses — so a second run finds nothing new, and the
outbox key refuses a repeat even if it did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from backend.clock import utcnow
from backend.models import FollowupSubscription
from backend.outbox import enqueue

if TYPE_CHECKING:
    from backend.service import Backend
    from policies.screening import ProgramResult

log = logging.getLogger(__name__)

# Composes the message for the programs that newly may fit (texts live with the flows).
Compose = Callable[[list["ProgramResult"], date], str]


def _find(session: Any, chat_channel: str, sender: str) -> FollowupSubscription | None:
    return session.execute(
        select(FollowupSubscription).where(
            FollowupSubscription.chat_channel == chat_channel,
            FollowupSubscription.sender == sender,
        )
    ).scalar_one_or_none()


def subscribe(
    backend: Backend,
    chat_channel: str,
    sender: str,
    *,
    region: str,
    household: dict[str, Any],
    statuses: dict[str, str],
    consent_version: str,
    screened_on: date,
) -> None:
    """Keep (or replace) this chat account's household with its consent."""
    now = utcnow()
    with backend.db.session() as session:
        row = _find(session, chat_channel, sender) or FollowupSubscription(
            chat_channel=chat_channel, sender=sender, region=region, consent_version=""
        )
        row.region, row.household, row.statuses = region, dict(household), dict(statuses)
        row.consent_version, row.consented_at = consent_version, now
        row.active, row.withdrawn_at, row.screened_on = True, None, screened_on
        session.add(row)


def withdraw(backend: Backend, chat_channel: str, sender: str) -> bool:
    """Withdraw consent: the household is erased at once. False when none was active."""
    with backend.db.session() as session:
        row = _find(session, chat_channel, sender)
        if row is None or not row.active:
            return False
        row.active, row.withdrawn_at = False, utcnow()
        row.household, row.statuses = {}, {}
        session.add(row)
        return True


def is_subscribed(backend: Backend, chat_channel: str, sender: str) -> bool:
    with backend.db.session() as session:
        row = _find(session, chat_channel, sender)
        return row is not None and row.active


def rescreen(backend: Backend, region: str, today: date, compose: Compose) -> int:
    """Screen every kept household of ``region`` on ``today``; returns messages queued."""
    with backend.db.session() as session:
        ids = list(
            session.execute(
                select(FollowupSubscription.id)
                .where(FollowupSubscription.region == region, FollowupSubscription.active)
                .order_by(FollowupSubscription.id)  # type: ignore[arg-type]
            ).scalars()
        )
    queued = 0
    for subscription_id in ids:  # one short transaction each: a long run blocks nobody
        queued += _rescreen_one(backend, subscription_id, today, compose)
    return queued


def _rescreen_one(backend: Backend, subscription_id: int, today: date, compose: Compose) -> int:
    from policies.household import InvalidHousehold
    from policies.screening import screen

    with backend.db.session() as session:
        row = session.get(FollowupSubscription, subscription_id)
        if row is None or not row.active:
            return 0
        # Today's parameters, and no sudden event: it counted only in the 3 months after it.
        household = {k: v for k, v in row.household.items() if k != "date"}
        household["hardship_event"] = "none"
        try:
            result = screen(household, today=today)
        except InvalidHousehold as problem:
            log.warning("follow-up %s cannot be screened: %s", row.id, problem)
            return 0
        newly = [
            p
            for p in result.programs
            if p.status == "likely" and row.statuses.get(p.program) != "likely"
        ]
        row.statuses = {p.program: p.status for p in result.programs}
        row.screened_on = today
        session.add(row)
        if not newly:
            return 0
        names = "+".join(sorted(p.program for p in newly))
        enqueue(
            session,
            sink=backend.routing.resident(row.chat_channel),
            key=f"followup:{row.id}:{today.isoformat()}:{names}",
            chat_channel=row.chat_channel,
            chat_sender=row.sender,
            payload={
                "chat_channel": row.chat_channel,
                "sender": row.sender,
                "text": compose(newly, today),
                "kind": "followup",
            },
        )
        return 1
