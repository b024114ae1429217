"""Where the web page finds the messages waiting for its resident.

Resident notifications of chat channel ``web`` (status changes, staff replies,
reminders) are ``resident:inbox`` rows in the database (``backend.routing``); the page's
event stream (``GET /chat/events``) takes them every ``POLL_SECONDS`` and pushes them to
the open page, so a message reaches the page whichever server process (``--workers``)
wrote it or holds the stream. A page that is closed finds them before the reply to its
next message (the engine takes the inbox first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from services.container import Services


class Inbox(Protocol):
    async def take(self, channel: str, sender: str) -> list[str]:
        """The messages waiting for this chat account; they are marked delivered."""
        ...


class BackendInbox:
    """The inbox rows of the case database (``Backend.take_inbox``)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def take(self, channel: str, sender: str) -> list[str]:
        backend = self.services.backend
        return await self.services.run(backend.take_inbox, channel, sender)
