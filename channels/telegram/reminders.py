"""Quarterly check-in reminders sent to recipients' Telegram chats.

Two rounds a quarter (``backend.reminders``): ``start`` in the quarter's first days and
``end`` in its last ten days (between 9:00 and 20:00 China time), each only to recipients bound to a Telegram chat who have
not checked in and have not turned reminders off. Each reminder is claimed in the
database before it is sent, so it goes out once even if two processes run rounds or a
round is run again. Sends go through the bot's ``SendLimiter`` (rate limits, 429
retries); a chat that blocked the bot is recorded as failed and not tried again, a
passing failure is released for the next round.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import anyio
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from backend import reminders
from backend.clock import CHINA, current_quarter, utcnow
from flows.texts import texts

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

CHANNEL = "telegram"
CHECK_EVERY = 3600.0  # seconds between looks at the calendar
PARALLEL = 8  # sends in flight at once (the limiter keeps the pace)
SENDING_HOURS = (9, 20)  # China time: reminders go out from 9:00 to 19:59


@dataclass
class RoundResult:
    quarter: str
    round: str
    sent: int = 0
    failed: int = 0
    retry_later: int = 0


def reminder_text(target: reminders.ReminderTarget, quarter: str, round_: str) -> str:
    say = texts()
    year, number = int(quarter[:4]), int(quarter[5])
    _, last = reminders.quarter_bounds(quarter)
    return say(
        f"reminders.{round_}",
        name=target.name,
        quarter=say("reminders.quarter_label", year=year, number=number),
        deadline=say("reminders.deadline", month=last.month, day=last.day),
    )


def reminder_keyboard() -> InlineKeyboardMarkup:
    say = texts()
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(say("reminders.button_checkin"), callback_data="/checkin")],
            [InlineKeyboardButton(say("reminders.button_off"), callback_data="/reminders_off")],
        ]
    )


class TelegramReminders:
    def __init__(self, runtime: Runtime, bot: Any) -> None:
        self.runtime = runtime
        self.bot = bot

    async def run_round(self, quarter: str, round_: str) -> RoundResult:
        """Send this round to everyone due; returns the counts."""
        backend = self.runtime.backend
        result = RoundResult(quarter, round_)
        targets = await backend.run(reminders.due, backend, quarter, round_, CHANNEL)
        limiter = anyio.CapacityLimiter(PARALLEL)

        async def one(target: reminders.ReminderTarget) -> None:
            async with limiter:
                await self._send_one(target, quarter, round_, result)

        async with anyio.create_task_group() as tasks:
            for target in targets:
                tasks.start_soon(one, target)
        log.info(
            "check-in reminders %s/%s: %d sent, %d failed, %d for later",
            quarter,
            round_,
            result.sent,
            result.failed,
            result.retry_later,
        )
        return result

    async def _send_one(
        self, target: reminders.ReminderTarget, quarter: str, round_: str, result: RoundResult
    ) -> None:
        backend = self.runtime.backend
        if not await backend.run(reminders.claim, backend, target, quarter, round_):
            return  # another round (or process) has it
        try:
            await self.bot.send_message(
                chat_id=int(target.sender),
                text=reminder_text(target, quarter, round_),
                reply_markup=reminder_keyboard(),
            )
        except (Forbidden, BadRequest, TimedOut) as exc:
            # Blocked, gone, or perhaps delivered: never try (and risk sending twice) again.
            log.warning("reminder to recipient %s failed: %s", target.recipient_id, exc)
            await backend.run(reminders.finish, backend, target, quarter, round_, "failed")
            result.failed += 1
        except (RetryAfter, NetworkError) as exc:
            log.warning("reminder to recipient %s later: %s", target.recipient_id, exc)
            await backend.run(reminders.release, backend, target, quarter, round_)
            result.retry_later += 1
        else:
            await backend.run(reminders.finish, backend, target, quarter, round_, "sent")
            result.sent += 1

    async def run_due(self, moment: datetime | None = None) -> RoundResult | None:
        """The round due at ``moment`` (now), if any."""
        moment = moment or utcnow()
        if not SENDING_HOURS[0] <= moment.astimezone(CHINA).hour < SENDING_HOURS[1]:
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
