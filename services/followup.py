"""Proactive follow-up (政策找人): keep a household with the resident's consent, withdraw
it, and screen the kept households again (``backend.followup`` keeps them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from backend import followup

if TYPE_CHECKING:
    from backend.service import Backend
    from policies.screening import ProgramResult


class Followup:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def is_subscribed(self, chat_channel: str, sender: str) -> bool:
        return followup.is_subscribed(self.backend, chat_channel, sender)

    def subscribe(
        self,
        chat_channel: str,
        sender: str,
        *,
        region: str,
        household: dict[str, Any],
        statuses: dict[str, str],
        consent_version: str,
        screened_on: date,
    ) -> None:
        """Keep (or replace) this chat account's household with its consent."""
        followup.subscribe(
            self.backend,
            chat_channel,
            sender,
            region=region,
            household=household,
            statuses=statuses,
            consent_version=consent_version,
            screened_on=screened_on,
        )

    def withdraw(self, chat_channel: str, sender: str) -> bool:
        """Consent withdrawn: the household is erased at once. False when none was kept."""
        return followup.withdraw(self.backend, chat_channel, sender)

    def rescreen(
        self, region: str, today: date, compose: Callable[[list[ProgramResult], date], str]
    ) -> int:
        """Screen the kept households of ``region`` again; returns how many were told."""
        return followup.rescreen(self.backend, region, today, compose)


class ReminderSwitch:
    """「关闭提醒」/「开启提醒」: a chat account's quarterly check-in reminders."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def set_enabled(self, chat_channel: str, sender: str, enabled: bool) -> None:
        from backend import reminders

        reminders.set_enabled(self.backend, chat_channel, sender, enabled)

    def is_enabled(self, chat_channel: str, sender: str) -> bool:
        from backend import reminders

        return reminders.is_enabled(self.backend, chat_channel, sender)
