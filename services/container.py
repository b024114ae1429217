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

from base.settings import Settings
from base.threads import run_sync

if TYPE_CHECKING:
    from backend.service import Backend
    from nlu.types import Interpreter
    from services.applications import Applications
    from services.binding import Binding
    from services.chat import ChatCases
    from services.checkins import CheckIns
    from services.desk import Desk
    from services.figures import Figures
    from services.followup import Followup, ReminderSwitch
    from services.handoff import Handoffs
    from services.intake import FactExtractor, Intake
    from services.manage import OwnRequests
    from services.status import StatusLookup

T = TypeVar("T")


class Services:
    """Settings, region, NLU, the case backend and the use-cases, each built on first use.

    ``backend`` may be given (a test's, or one a caller already holds); ``fact_extractor``
    replaces the 口述办 fact extractor (the seam for ``nlu/facts.py``).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        backend: Backend | None = None,
        fact_extractor: FactExtractor | None = None,
    ) -> None:
        self.settings = settings
        self._owns_backend = backend is None
        if backend is not None:
            self.__dict__["backend"] = backend
        self._fact_extractor = fact_extractor

    @classmethod
    def around(cls, backend: Backend) -> Services:
        """Services over a backend someone already holds (its settings, not closed here)."""
        return cls(backend.settings, backend=backend)

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

    # -- the use-cases --------------------------------------------------------------------
    @cached_property
    def applications(self) -> Applications:
        """Apply: one or several programs, one case each."""
        from services.applications import Applications

        return Applications(self.backend)

    @cached_property
    def intake(self) -> Intake:
        """Record intake (口述办), region rule included."""
        from services.intake import Intake

        return Intake(self.applications, self.region, self._fact_extractor)

    @cached_property
    def chat_cases(self) -> ChatCases:
        """Open an urgent, hand-off, report, feedback or change-report case from a chat."""
        from services.chat import ChatCases

        return ChatCases(self.backend, self.region)

    @cached_property
    def status(self) -> StatusLookup:
        """Look up a status (failures limited per case, in the database)."""
        from services.status import StatusLookup

        return StatusLookup(self.backend)

    @cached_property
    def binding(self) -> Binding:
        """Bind a chat account to the roster (failures limited per roster entry)."""
        from services.binding import Binding

        return Binding(self.backend)

    @cached_property
    def checkins(self) -> CheckIns:
        from services.checkins import CheckIns

        return CheckIns(self.backend)

    @cached_property
    def desk(self) -> Desk:
        """The staff desk steps (accept, assign, detail, transition), region rule included."""
        from services.desk import Desk

        return Desk(self.backend)

    @cached_property
    def handoffs(self) -> Handoffs:
        """转人工 as a conversation: the resident's messages to the case, staff answers back."""
        from services.handoff import Handoffs

        return Handoffs(self.backend, self.desk, self.region)

    @cached_property
    def own_requests(self) -> OwnRequests:
        """A resident's own applications: withdraw, correct, ask for a review."""
        from services.manage import OwnRequests

        return OwnRequests(self.backend)

    @cached_property
    def followup(self) -> Followup:
        from services.followup import Followup

        return Followup(self.backend)

    @cached_property
    def reminders(self) -> ReminderSwitch:
        from services.followup import ReminderSwitch

        return ReminderSwitch(self.backend)

    @cached_property
    def figures(self) -> Figures:
        """The statistics page's figures."""
        from services.figures import Figures

        return Figures(self.backend)

    async def run(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a synchronous service call in a worker thread (for async callers)."""
        if kwargs:
            return await run_sync(partial(func, *args, **kwargs))
        return await run_sync(func, *args)

    def close(self) -> None:
        if self._owns_backend and "backend" in self.__dict__:
            self.backend.close()

    async def aclose(self) -> None:
        self.close()
