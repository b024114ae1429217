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
