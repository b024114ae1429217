"""When a person answers: office hours for the urgent and hand-off texts alike."""

from __future__ import annotations

import logging

from base.messages import BotReply, Button
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


def asks_hours(ctx: TurnContext) -> bool:
    """ "你们还有人上班吗", "明天能不能去镇上办低保", "礼拜六上班不": a question about
    when the office is open (probeM 17)."""
    said = ctx.text.replace(" ", "")
    return ctx.payload is None and any(w in said for w in ctx.texts.raw("handoff.hours_words"))


def hours_answer(ctx: TurnContext) -> BotReply | None:
    """The office hours, whether someone is there now, whether tomorrow is a working
    day (else the next one, weekends and holidays skipped), and that applying here
    needs no office hours; None when the calendar cannot be read."""
    try:
        days = ctx.services.handoffs.office_days()
    except Exception:
        log.exception("office days could not be read")
        return None
    said = ctx.text.replace(" ", "")
    weekdays: list[str] = ctx.texts.raw("handoff.weekdays")
    text = ctx.texts(
        "handoff.hours_answer",
        open=f"{days.hours.open.hour}:{days.hours.open.minute:02d}",
        close=f"{days.hours.close.hour}:{days.hours.close.minute:02d}",
        now=days.open_now,
        tomorrow=any(w in said for w in ctx.texts.raw("handoff.tomorrow_words")),
        tomorrow_weekday=weekdays[days.tomorrow.weekday()],
        tomorrow_working=days.tomorrow_working,
        next_day=days.next_day,
        next_weekday=weekdays[days.next_day.weekday()],
    )
    buttons = (
        Button(ctx.texts("handoff.hours_button_apply"), "/apply"),
        Button(ctx.texts("handoff.hours_button_person"), "/human_handoff"),
    )
    return BotReply(text, buttons)
