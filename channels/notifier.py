"""Delivers the backend's resident notifications (status changes, staff replies) to chats.

A channel that can push (Telegram) registers a pusher; for the others (the REST
channel, the terminal) the message waits in the sender's session inbox and is shown
before the reply to their next message. Delivery keys are remembered, so a
notification retried by the outbox is never shown twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from backend.outbox import Delivery
from base.privacy import mask_text
from base.session import Session
from base.stores import SessionStore

log = logging.getLogger(__name__)

Pusher = Callable[[str, str], Awaitable[None]]  # (sender_id, text)
INBOX = "_inbox"
SEEN = "_seen_notifications"
_KEEP_SEEN = 100


class ResidentNotifier:
    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self.pushers: dict[str, Pusher] = {}

    def register_pusher(self, channel: str, push: Pusher) -> None:
        self.pushers[channel] = push

    async def __call__(self, delivery: Delivery) -> None:
        channel = str(delivery.payload.get("chat_channel", ""))
        sender = str(delivery.payload.get("sender", ""))
        if not channel or not sender:
            log.warning("resident notification %s has no chat account", delivery.key)
            return
        async with self.store.transaction(channel, sender) as session:
            seen: list[str] = session.slots.setdefault(SEEN, [])
            if delivery.key in seen:
                return  # an at-least-once retry of what was already delivered
            push = self.pushers.get(channel)
            if push is not None:
                await push(sender, delivery.text)
            else:
                session.slots.setdefault(INBOX, []).append(delivery.text)
            seen.append(delivery.key)
            del seen[:-_KEEP_SEEN]


def take_inbox(session: Session) -> list[str]:
    """Messages waiting for this sender; they are removed from the session."""
    return list(session.slots.pop(INBOX, []))


async def log_staff_notification(delivery: Delivery) -> None:
    """The staff sink of a deployment without a staff chat: the server log (masked)."""
    log.info("staff notification %s: %s", delivery.key, mask_text(delivery.text))
