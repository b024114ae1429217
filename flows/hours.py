"""When a person answers: office hours for the urgent and hand-off texts alike."""

from __future__ import annotations

import logging

from flows.base import TurnContext

log = logging.getLogger(__name__)


def availability(ctx: TurnContext) -> dict[str, object]:
    """``now`` (someone answers now) and ``when`` (else from when), for the texts: a
    look-up in the calendar, no database."""
    try:
        found = ctx.services.handoffs.availability()
    except Exception:
        log.exception("office hours could not be read")
        return {"now": True, "when": ""}
    day = found.next_open
    weekdays: list[str] = ctx.texts.raw("handoff.weekdays")
    when = ctx.texts(
        "handoff.when",
        day=day,
        weekday=weekdays[day.weekday()],
        time=f"{day.hour}:{day.minute:02d}",
    )
    return {"now": found.now, "when": when}


def answered(ctx: TurnContext) -> dict[str, object]:
    """When a person answers (office hours, ``availability``): one promise
    for the urgent texts and the hand-off alike — ``off_hours`` and ``when`` (a text
    without them, as the Rasa actions say it, reads as office hours)."""
    found = availability(ctx)
    return {"off_hours": not found["now"], "when": found["when"]}
