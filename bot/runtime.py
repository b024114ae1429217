"""The running system's services, built once from ``Settings`` and shared by every channel.

Each service is created on first use, so a command that needs only one part (say
``jiuzhu nlu test``) does not pay for the others, and nothing is built at import time.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import anyio

from base.settings import Settings
from services.container import Services

if TYPE_CHECKING:
    from backend.service import Backend
    from base.messages import Assistant
    from base.stores import SessionStore
    from bot.engine import Engine
    from channels.notifier import ResidentNotifier
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

    @property
    def backend(self) -> Backend:
        """The case backend; its migrations are applied when it is first built."""
        return self.services.backend

    @cached_property
    def notifier(self) -> ResidentNotifier:
        from channels.notifier import ResidentNotifier

        return ResidentNotifier(self.store)

    async def run_dispatcher(self, stop: anyio.Event) -> None:
        """Deliver the backend's notifications until ``stop`` is set.

        Sinks not registered by a channel (Telegram registers its own ``staff``
        sink) fall back to the resident inbox and the server log.
        """
        from channels.notifier import log_staff_notification

        backend = self.backend
        backend.sinks.setdefault("resident", self.notifier)
        backend.sinks.setdefault("staff", log_staff_notification)
        await backend.dispatcher().run(stop)

    async def aclose(self) -> None:
        if "services" in self.__dict__:
            self.services.close()
        if "store" in self.__dict__:
            await self.store.aclose()
