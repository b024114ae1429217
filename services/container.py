"""``Services``: the one object flows and adapters are given to reach the system.

Built once from ``Settings`` by the composition root (``bot.runtime``); each part is
made on first use, so a command that needs only one part pays for nothing else.
Flows, the Rasa actions, the console, the HTTP routers and every channel see this,
never the runtime that built it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from base.settings import Settings

if TYPE_CHECKING:
    from backend.service import Backend
    from nlu.types import Interpreter

T = TypeVar("T")


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def region(self) -> str:
        return self.settings.region

    @cached_property
    def interpreter(self) -> Interpreter:
        from nlu.interpreter import load_interpreter

        return load_interpreter(self.settings)

    @cached_property
    def backend(self) -> Backend:
        """The case backend; its migrations are applied when it is first built."""
        from backend.service import Backend

        backend = Backend(self.settings)
        backend.migrate()
        return backend

    async def run(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a synchronous service call in a worker thread (for async callers)."""
        return await anyio.to_thread.run_sync(partial(func, *args, **kwargs))

    def close(self) -> None:
        if "backend" in self.__dict__:
            self.backend.close()

    async def aclose(self) -> None:
        self.close()
