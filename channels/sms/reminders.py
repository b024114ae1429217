"""Check-in reminders by SMS for recipients no chat reaches (a phone on the roster, no
chat account bound): the same two rounds a quarter as the chat reminders
(``backend.reminders``), queued as ``resident:sms`` outbox rows under the same unique
(recipient, quarter, round) — so a recipient gets one reminder a round, by one channel,
and an SMS reminder at most once (the dispatcher's at-most-once rows, and the SMS claim).
Only with a real provider (``JIUZHU_SMS_PROVIDER`` aliyun or tencent): the log provider
sends nothing, and a round logged would not be sent again once SMS is set up.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import anyio

from backend import reminders, sms
from backend.clock import CHINA, current_quarter, utcnow
from channels.telegram.reminders import CHECK_EVERY, RoundResult, reminder_text

if TYPE_CHECKING:
    from services.container import Services

log = logging.getLogger(__name__)

CHANNEL = "sms"


class SmsReminderSchedule:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def run_round(self, quarter: str, round_: str) -> RoundResult:
        backend = self.services.backend
        result = RoundResult(quarter, round_)
        found = await backend.run(sms.reminder_targets, backend, quarter, round_)
        for recipient_id, name, _phone in found:
            # the roster entry, not its number: rows and reminders keep no phone in clear
            target = reminders.ReminderTarget(
                recipient_id, name, CHANNEL, sms.recipient_account(recipient_id)
            )
            text = reminder_text(target, quarter, round_)
            if await backend.run(reminders.queue, backend, target, quarter, round_, text, []):
                result.queued += 1
        log.info("SMS check-in reminders %s/%s: %d queued", quarter, round_, result.queued)
        return result

    async def run_due(self, moment: datetime | None = None) -> RoundResult | None:
        moment = moment or utcnow()
        start, end = reminders.SENDING_HOURS
        if not start <= moment.astimezone(CHINA).hour < end:
            return None
        quarter = current_quarter(moment)
        round_ = reminders.round_for(reminders.china_today(moment), quarter)
        return None if round_ is None else await self.run_round(quarter, round_)

    async def run(self, stop: anyio.Event, every: float = CHECK_EVERY) -> None:
        while not stop.is_set():
            try:
                await self.run_due()
            except Exception:
                log.exception("SMS check-in reminder round failed")
            with anyio.move_on_after(every):
                await stop.wait()
