"""One person on several channels: every chat channel talks to the engine through this.

Each message notes the account as the one its resident used last (``backend.contacts``,
where reminders and pushes go), and a few words are answered here, before the engine,
because they are about channels and no flow knows channels:

* ``关联`` (``/link``) gives a code; ``关联 123456`` sent from another channel joins the
  two accounts into one person;
* ``退订短信`` / ``TD`` stops SMS to the phones this account gave; ``恢复短信`` resumes.
"""

from __future__ import annotations

import logging
import re
from functools import cached_property
from typing import TYPE_CHECKING

from base.messages import Assistant, BotReply, UserMessage
from base.privacy import mask_text
from channels.texts import channel_text

if TYPE_CHECKING:
    from backend.contacts import Contacts
    from services.container import Services

log = logging.getLogger(__name__)

_LINK = re.compile(r"^\s*(?:/link|关联)\s*[:：]?\s*(\d[\d\s]{0,11})?\s*$", re.IGNORECASE)
_STOP_SMS = re.compile(r"^\s*(?:TD|退订|退订短信|不要短信|/sms_off)\s*$", re.IGNORECASE)
_START_SMS = re.compile(r"^\s*(?:恢复短信|/sms_on)\s*$", re.IGNORECASE)
UNTRACKED = {"cli", "test"}  # the terminal and tests of the engine are nobody's channel


class ContactBook:
    def __init__(self, assistant: Assistant, services: Services) -> None:
        self.assistant = assistant
        self.services = services

    @cached_property
    def contacts(self) -> Contacts:
        from backend.contacts import Contacts

        return Contacts(self.services.backend.db, self.services.settings.secret_key)

    async def handle(self, message: UserMessage) -> list[BotReply]:
        if message.channel in UNTRACKED:
            return await self.assistant.handle(message)
        run = self.services.run
        try:
            # mostly answered without a hop to a worker thread (nothing to write)
            if self.contacts.touched_now(message.channel, message.sender_id) is None:
                await run(self.contacts.touch, message.channel, message.sender_id)
        except Exception:  # the conversation matters more than the channel book
            log.exception("could not note the channel of %s", mask_text(message.sender_id))
        link = _LINK.match(message.text)
        if link:
            return [await self._link(message, (link.group(1) or "").replace(" ", ""))]
        if _STOP_SMS.match(message.text):
            return [await self._sms(message, stop=True)]
        if _START_SMS.match(message.text):
            return [await self._sms(message, stop=False)]
        return await self.assistant.handle(message)

    async def _link(self, message: UserMessage, code: str) -> BotReply:
        run = self.services.run
        if not code:
            code = await run(self.contacts.new_link_code, message.channel, message.sender_id)
            return BotReply(channel_text("contacts.link_code", code=code))
        outcome = await run(self.contacts.link, code, message.channel, message.sender_id)
        return BotReply(channel_text(f"contacts.{outcome}"))

    async def _sms(self, message: UserMessage, *, stop: bool) -> BotReply:
        from backend.sms import phones_of_sender, set_stopped

        backend = self.services.backend
        phones = await self.services.run(
            phones_of_sender, backend, message.channel, message.sender_id
        )
        if not phones:
            return BotReply(channel_text("contacts.sms_no_phone"))
        for phone in phones:
            await self.services.run(set_stopped, backend, phone, stop)
        return BotReply(channel_text("contacts.sms_stopped" if stop else "contacts.sms_started"))
