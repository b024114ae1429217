"""The running system's services, built once from ``Settings`` and shared by every channel.

Each service is created on first use, so a command that needs only one part (say
``jiuzhu nlu test``) does not pay for the others, and nothing is built at import time.

Delivery is composed here: every outbox row already names its sink (``backend.routing``,
chosen when it was written), and each process registers only the sinks it can deliver
— ``server_sinks()`` (the staff log and webhook) in ``jiuzhu serve``, ``jiuzhu chat``
and ``jiuzhu outbox run``; the Telegram channel's sinks where the bot runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

import anyio

from base.settings import Settings
from services.container import Services

if TYPE_CHECKING:
    from backend.outbox import Sink
    from backend.service import Backend
    from base.messages import Assistant
    from base.stores import SessionStore
    from bot.engine import Engine
    from channels.ratelimit import MessageLimits
    from channels.sms.sink import SmsSink
    from channels.telegram.bot import TelegramChannel
    from channels.telegram.reminders import ReminderSchedule
    from channels.wechat.api import WeChatAPI
    from flows.base import Flow
    from nlu.types import Interpreter


class Runtime:
    def __init__(self, settings: Settings, flows: list[Flow] | None = None) -> None:
        self.settings = settings
        self._flows = flows  # None: every flow of flows.registry

    @cached_property
    def services(self) -> Services:
        return Services(self.settings)

    @property
    def interpreter(self) -> Interpreter:
        return self.services.interpreter

    @cached_property
    def store(self) -> SessionStore:
        from bot.stores import make_store

        if not self.settings.redis_url:
            self.backend  # noqa: B018 - the sessions' table comes with the migrations
        return make_store(self.settings)

    @cached_property
    def engine(self) -> Engine:
        from bot.engine import Engine

        return Engine(self.services, self.store, flows=self._flows)

    @cached_property
    def assistant(self) -> Assistant:
        """What every chat channel talks to: the engine behind the contact book."""
        from channels.contacts import ContactBook

        return ContactBook(self.engine, self.services)

    @cached_property
    def wechat_api(self) -> WeChatAPI | None:
        """WeChat's API (with ``WECHAT_APPID`` and ``WECHAT_SECRET``), else None."""
        if not (self.settings.wechat_appid and self.settings.wechat_secret):
            return None
        from channels.wechat.api import WeChatAPI

        return WeChatAPI(self.settings, self.backend.db)

    @cached_property
    def message_limits(self) -> MessageLimits:
        """Rate limits of the REST channel and the web chat (``channels/limits.yml``)."""
        from channels.ratelimit import make_limits

        self.backend  # noqa: B018 - rate_counters comes with the migrations
        return make_limits(self.settings)

    @property
    def backend(self) -> Backend:
        """The case backend; its migrations are applied when it is first built."""
        return self.services.backend

    # -- delivery ------------------------------------------------------------------------
    def server_sinks(self) -> dict[str, Sink]:
        """The sinks any server process can deliver: the staff log, SMS to residents,
        and the staff webhook when ``JIUZHU_STAFF_WEBHOOK_URL`` is set."""
        from backend.routing import RESIDENT_SMS, STAFF_LOG, STAFF_WEBHOOK
        from backend.sinks import log_sink, webhook_sink

        sinks: dict[str, Sink] = {STAFF_LOG: log_sink, RESIDENT_SMS: self.sms_sink}
        if self.settings.staff_webhook_url:
            sinks[STAFF_WEBHOOK] = webhook_sink(self.settings.staff_webhook_url)
        return sinks

    @cached_property
    def sms_sink(self) -> SmsSink:
        """``resident:sms`` and the SMS fallback of the chat sinks (``JIUZHU_SMS_PROVIDER``)."""
        from channels.sms.providers import make_provider
        from channels.sms.sender import SmsSender
        from channels.sms.sink import SmsSink

        return SmsSink(self.services, SmsSender(self.services, make_provider(self.settings)))

    def register_sinks(self, sinks: Mapping[str, Sink]) -> None:
        for name, sink in sinks.items():
            self.backend.register_sink(name, sink)

    async def run_dispatcher(self, stop: anyio.Event, **options: Any) -> None:
        """Deliver the rows of the sinks registered in this process until ``stop``
        (rows of other sinks are other processes' to deliver)."""
        if not self.backend.sinks:
            await stop.wait()
            return
        await self.backend.dispatcher(**options).run(stop)

    def telegram_channel(self, *, polling: bool = True) -> TelegramChannel:
        """The Telegram bot over this runtime's engine and services (not yet registered)."""
        from channels.telegram.bot import TelegramChannel, build_application

        return TelegramChannel(
            self.assistant, self.services, build_application(self.settings, polling=polling)
        )

    def reminder_schedule(self) -> ReminderSchedule:
        from channels.telegram.reminders import ReminderSchedule

        return ReminderSchedule(self.services)

    async def aclose(self) -> None:
        if "message_limits" in self.__dict__:
            await self.message_limits.aclose()
        if "store" in self.__dict__:
            await self.store.aclose()
        if "services" in self.__dict__:
            self.services.close()
