"""What the console keeps while it runs: the use-cases, the cookie signer, and the
database-backed sessions and sign-in limit (shared by every server process)."""

from __future__ import annotations

import time
from functools import cached_property
from typing import TYPE_CHECKING, Any

from backend.console_sessions import ConsoleSessions
from console.security import Clock, Signer

if TYPE_CHECKING:
    from backend.service import Backend
    from services.container import Services

SESSION_COOKIE = "jz_console"
LOGIN_COOKIE = "jz_login"


class ConsoleState:
    def __init__(self, runtime: Any, clock: Clock = time.time) -> None:
        self.runtime = runtime  # anything with ``services`` (or at least a ``backend``)
        self.clock = clock

    @property
    def backend(self) -> Backend:
        return self.runtime.backend  # type: ignore[no-any-return]

    @cached_property
    def sessions(self) -> ConsoleSessions:
        backend = self.backend
        return ConsoleSessions(backend.db, backend.staff, backend.limits, self.clock)

    @cached_property
    def services(self) -> Services:
        """The use-cases the pages call (the runtime's, or built around its backend)."""
        services = getattr(self.runtime, "services", None)
        if services is not None:
            return services  # type: ignore[no-any-return]
        from services.container import Services

        return Services.around(self.backend)

    @cached_property
    def signer(self) -> Signer:
        return Signer(self.backend.settings.secret_key)

    @property
    def region_id(self) -> str:
        return str(self.backend.settings.region)
