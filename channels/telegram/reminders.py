"""The quarterly check-in reminder schedule: reminders become outbox rows.

Two rounds a quarter (``backend.reminders``): ``start`` in the quarter's first days and
``end`` in its last ten days, each only to recipients bound to a Telegram chat who have
not checked in and have not turned reminders off. A round *queues* one outbox row per
recipient (key ``reminder:<recipient>:<quarter>:<round>``, sink ``resident:telegram``),
so a reminder is queued once even if two processes run rounds or a round is run again.
The outbox dispatcher of ``jiuzhu telegram`` delivers them like every other push:
through the bot's ``SendLimiter`` (rate limits, 429 retries), from 9:00 to 19:59 China
time only, a passing failure retried, a chat that blocked the bot not tried again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import anyio

from backend import reminders
from backend.clock import CHINA, current_quarter, utcnow
from channels.texts import channel_text

if TYPE_CHECKING:
    from services.container import Services

log = logging.getLogger(__name__)

CHANNEL = "telegram"
CHECK_EVERY = 3600.0  # seconds between looks at the calendar


@dataclass
class RoundResult:
    quarter: str
    round: str
    queued: int = 0


def reminder_text(target: reminders.ReminderTarget, quarter: str, round_: str) -> str:
    say = channel_text
    year, number = int(quarter[:4]), int(quarter[5])
    _, last = reminders.quarter_bounds(quarter)
    return say(
        f"reminders.{round_}",
        name=target.name,
        quarter=say("reminders.quarter_label", year=year, number=number),
        deadline=say("reminders.deadline", month=last.month, day=last.day),
    )


def reminder_buttons() -> list[dict[str, str]]:
    """The buttons under a reminder, as the outbox payload carries them."""
    return [
        {"title": channel_text("reminders.button_checkin"), "payload": "/checkin"},
        {"title": channel_text("reminders.button_off"), "payload": "/reminders_off"},
    ]


class ReminderSchedule:
    def __init__(self, services: Services, chat_channel: str = CHANNEL) -> None:
        self.services = services
        self.chat_channel = chat_channel

    async def run_round(self, quarter: str, round_: str) -> RoundResult:
        """Queue this round for everyone due; returns how many were queued."""
        backend = self.services.backend
        result = RoundResult(quarter, round_)
        targets = await backend.run(reminders.due, backend, quarter, round_, self.chat_channel)
        buttons = reminder_buttons()
        for target in targets:
            text = reminder_text(target, quarter, round_)
            if await backend.run(reminders.queue, backend, target, quarter, round_, text, buttons):
                result.queued += 1
        log.info("check-in reminders %s/%s: %d queued", quarter, round_, result.queued)
        return result

    async def run_due(self, moment: datetime | None = None) -> RoundResult | None:
        """The round due at ``moment`` (now), if any — queued in sending hours only."""
        moment = moment or utcnow()
        start, end = reminders.SENDING_HOURS
        if not start <= moment.astimezone(CHINA).hour < end:
            return None  # nobody is woken up by a reminder
        quarter = current_quarter(moment)
        day: date = reminders.china_today(moment)
        round_ = reminders.round_for(day, quarter)
        if round_ is None:
            return None
        return await self.run_round(quarter, round_)

    async def run(self, stop: anyio.Event, every: float = CHECK_EVERY) -> None:
        """Look at the calendar every ``every`` seconds until ``stop``."""
        while not stop.is_set():
            try:
                await self.run_due()
            except Exception:
                log.exception("check-in reminder round failed")
            with anyio.move_on_after(every):
                await stop.wait()
