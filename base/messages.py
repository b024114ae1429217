"""Channel-neutral messages: ``UserMessage`` in, ``BotReply`` out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def to_json(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class BotReply:
    text: str
    buttons: tuple[Button, ...] = ()
    # e.g. {"request_phone": True}: a channel may render a "share my phone" button.
    hints: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UserMessage:
    channel: str  # "rest", "cli", "telegram", ...
    sender_id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


class Assistant(Protocol):
    """What a channel talks to: one message in, the replies out (``bot.engine.Engine``)."""

    async def handle(self, message: UserMessage) -> list[BotReply]: ...


# A sender the channel could not authenticate (the REST channel without its secret or a
# signed session token) is kept under this prefix: its session, cases and inbox never
# mix with an authenticated account of the same id, and nothing is shown to it on the
# strength of its id alone (case details only after case number + last 6 of the ID).
UNVERIFIED_PREFIX = "anon:"


def unverified_sender(sender: str) -> str:
    return sender if sender.startswith(UNVERIFIED_PREFIX) else UNVERIFIED_PREFIX + sender


def is_verified(sender: str | None) -> bool:
    """Whether the channel vouches for this sender id (False for an unauthenticated one)."""
    return bool(sender) and not str(sender).startswith(UNVERIFIED_PREFIX)
