"""The outbox sink ``resident:sms`` and the SMS fallback of the chat sinks.

A resident notification becomes an approved template: check-in reminders the
``reminder`` template (name, quarter, deadline), status changes and staff messages the
``status`` template (case number, what happened) — SMS carry no free text. The number
is the payload's ``phone``, else the phone on the resident's cases or roster entry
(``backend.sms.phones_of_sender``). The message key is the outbox key (plus ``:sms``
for a fallback), so it goes out once.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from backend import sms
from backend.outbox import Delivery
from backend.reminders import quarter_bounds
from channels.sms.sender import SmsSender
from channels.texts import channel_text

if TYPE_CHECKING:
    from services.container import Services

log = logging.getLogger(__name__)

_REMINDER_KEY = re.compile(r"^reminder:(\d+):(\d{4}Q[1-4]):(\w+)$")


def _reminder_params(services: Services, delivery: Delivery) -> dict[str, str] | None:
    given = delivery.payload.get("sms")
    if isinstance(given, dict):
        return {str(k): str(v) for k, v in given.items()}
    found = _REMINDER_KEY.match(delivery.key)
    if found is None:
        return None
    recipient_id, quarter = int(found.group(1)), found.group(2)
    name = sms.recipient_name(services.backend, recipient_id)
    _, last = quarter_bounds(quarter)
    return {
        "name": name,
        "quarter": channel_text("sms.quarter", year=int(quarter[:4]), number=int(quarter[5])),
        "deadline": channel_text("sms.deadline", month=last.month, day=last.day),
    }


def sms_message(services: Services, delivery: Delivery) -> tuple[str, dict[str, str]]:
    """The template kind and parameters of a resident notification."""
    payload = delivery.payload
    if payload.get("kind") == "reminder":
        params = _reminder_params(services, delivery)
        if params is not None:
            return "reminder", params
    status = payload.get("status")
    labels: dict[str, str] = services.backend.rules.labels
    if status:
        stage = labels.get(str(status), str(status))
    elif ":message:" in delivery.key:
        stage = channel_text("sms.staff_message")
    else:
        stage = channel_text("sms.changed")
    return "status", {"case_no": delivery.case_no or "", "stage": stage}


class SmsSink:
    def __init__(self, services: Services, sender: SmsSender) -> None:
        self.services = services
        self.sender = sender

    async def phone(self, delivery: Delivery) -> str | None:
        given = delivery.payload.get("phone")
        if isinstance(given, str) and given:
            return given
        channel = str(delivery.payload.get("chat_channel", ""))
        account = str(delivery.payload.get("sender", ""))
        if not channel or not account:
            return None
        if channel == "sms":  # a roster entry only SMS reaches (``sms.recipient_account``)
            return await self.services.run(sms.account_phone, self.services.backend, account)
        phones = await self.services.run(
            sms.phones_of_sender, self.services.backend, channel, account
        )
        return phones[0] if phones else None

    async def send(self, delivery: Delivery, key: str | None = None) -> str:
        """SMS for this notification; the outcome of ``SmsSender.send`` (or ``no_phone``)."""
        phone = await self.phone(delivery)
        if phone is None:
            log.warning("notification %s: no phone for an SMS", delivery.key)
            return "no_phone"
        kind, params = await self.services.run(sms_message, self.services, delivery)
        return await self.sender.send(key or delivery.key, phone, kind, params)

    async def __call__(self, delivery: Delivery) -> None:
        """The ``resident:sms`` sink."""
        await self.send(delivery)

    async def fallback(self, delivery: Delivery) -> None:
        """A chat sink could not reach the resident: an SMS instead."""
        outcome = await self.send(delivery, f"{delivery.key}:sms")
        log.info("notification %s by SMS instead: %s", delivery.key, outcome)
