"""Where the web page finds the messages waiting for its resident.

Resident notifications of chat channel ``web`` (status changes, staff replies,
reminders) wait in the resident's inbox; the page's event stream (``GET /chat/events``)
takes them from there every ``POLL_SECONDS`` and pushes them to the open page, so a
message reaches the page whichever server process wrote or delivered it. A page that is
closed finds them before the reply to its next message (the engine shows the inbox).
"""

from __future__ import annotations

from typing import Protocol

from base.stores import SessionStore

INBOX_SLOT = "_inbox"  # channels.notifier keeps waiting messages in this session slot


class Inbox(Protocol):
    async def take(self, channel: str, sender: str) -> list[str]:
        """The messages waiting for this chat account; they are removed."""
        ...


class SessionInbox:
    """The inbox kept in the sender's session (``channels.notifier.ResidentNotifier``)."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    async def take(self, channel: str, sender: str) -> list[str]:
        session = await self.store.get(channel, sender)
        if session is None or not session.slots.get(INBOX_SLOT):
            return []  # the usual case: look without taking the sender's lock
        async with self.store.transaction(channel, sender) as locked:
            return [str(text) for text in locked.slots.pop(INBOX_SLOT, [])]
