"""The surfaces a YAML conversation can be said on (``tests/test_conversations.py``).

Each one is the resident's side of a real channel over one ``Runtime``:

* ``engine`` — ``Engine.handle`` with the conversation's channel name (the default);
* ``cli`` — ``jiuzhu chat``'s channel: its channel name and its rendering of replies
  (buttons as numbered choices);
* ``rest`` — ``POST /webhooks/rest/webhook`` of the real app (Rasa's REST format);
* ``telegram`` — the bot's own update handlers against the Bot API double, the staff
  group included; what staff send the chat is pushed by the outbox, as in production.

``say`` answers what the resident saw (text, button titles); ``staff_saw`` what reached
staff since the last call (on Telegram: the staff group's messages).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from backend.models import OutboxMessage
from base.messages import BotReply, UserMessage
from base.settings import Settings
from bot.runtime import Runtime
from channels.terminal import CHANNEL as CLI_CHANNEL
from channels.terminal import render

SURFACES = ("engine", "cli", "rest", "telegram")
STAFF_CHAT = -1009876543210
_telegram_chats = iter(range(710_000, 10**9))


class Surface:
    """The engine itself: the base every surface shares (the runtime, the staff side)."""

    name = "engine"

    def __init__(self, settings: Settings, channel: str = "rest") -> None:
        self.settings = settings
        self.channel = channel
        self.sender = f"conv-{uuid.uuid4().hex[:10]}"
        self.runtime: Runtime | None = None
        self._staff_seen = 0

    async def __aenter__(self) -> Surface:
        self.runtime = Runtime(self.settings)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.runtime is not None:
            await self.runtime.aclose()

    @property
    def backend(self) -> Any:
        assert self.runtime is not None
        return self.runtime.backend

    async def _handle(self, text: str) -> list[BotReply]:
        assert self.runtime is not None
        return await self.runtime.engine.handle(UserMessage(self.channel, self.sender, text))

    async def say(self, text: str) -> tuple[str, list[str]]:
        replies = await self._handle(text)
        said = "\n".join(reply.text for reply in replies)
        return said, [button.title for reply in replies for button in reply.buttons]

    async def staff_did(self) -> None:
        """After a staff step: nothing to push, the engine shows waiting messages itself."""

    async def staff_saw(self) -> list[str]:
        """What was written for staff (the outbox's staff rows) since the last call."""
        with self.backend.db.session() as session:
            rows = list(
                session.execute(
                    select(OutboxMessage)
                    .where(OutboxMessage.sink.like("staff:%"))  # type: ignore[attr-defined]
                    .order_by(OutboxMessage.id)  # type: ignore[arg-type]
                ).scalars()
            )
        fresh, self._staff_seen = rows[self._staff_seen :], len(rows)
        return [str(row.payload.get("text", "")) for row in fresh]


class CliSurface(Surface):
    name = "cli"

    def __init__(self, settings: Settings, channel: str = "rest") -> None:
        super().__init__(settings, CLI_CHANNEL)

    async def say(self, text: str) -> tuple[str, list[str]]:
        replies = await self._handle(text)
        # what the terminal prints: the text, then "  1. 标题" for each button
        return "\n".join(render(reply) for reply in replies), [
            button.title for reply in replies for button in reply.buttons
        ]


class RestSurface(Surface):
    name = "rest"

    # A front end the channel trusts (channels/rest.py): its senders are believed, as a
    # resident's own web page or app is; unauthenticated senders have tests of their own
    # (tests/bot/test_rest_senders.py).
    SECRET = "conversation-front-end"

    def __init__(self, settings: Settings, channel: str = "rest") -> None:
        super().__init__(settings.model_copy(update={"rest_secret": self.SECRET}), "rest")
        self.http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Surface:
        from bot.app import create_app

        await super().__aenter__()
        app = create_app(runtime=self.runtime)
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.http is not None:
            await self.http.aclose()
        await super().__aexit__(*exc)

    async def say(self, text: str) -> tuple[str, list[str]]:
        assert self.http is not None
        response = await self.http.post(
            "/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text},
            headers={"X-Jiuzhu-Rest-Secret": self.SECRET},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        said = "\n".join(item.get("text", "") for item in body)
        return said, [b["title"] for item in body for b in item.get("buttons", [])]


class TelegramSurface(Surface):
    name = "telegram"

    def __init__(self, settings: Settings, channel: str = "rest") -> None:
        from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI

        self.bot_api = FakeBotAPI()
        self.bot_api.start()
        self.chat_id = next(_telegram_chats)
        telegram = settings.model_copy(
            update={
                "telegram_token": TOKEN,
                "telegram_base_url": self.bot_api.base_url,
                "telegram_staff_chat_id": str(STAFF_CHAT),
            }
        )
        super().__init__(telegram, "telegram")
        self.sender = str(self.chat_id)
        self.bot: Any = None
        self._seen = 0
        self._group_seen = 0

    async def __aenter__(self) -> Surface:
        await super().__aenter__()
        assert self.runtime is not None
        self.bot = self.runtime.telegram_channel()
        self.runtime.register_sinks(self.bot.sinks())
        await self.bot.application.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self.bot is not None:
                await self.bot.application.shutdown()
            await super().__aexit__(*exc)
        finally:
            self.bot_api.stop()

    async def _deliver(self) -> None:
        await self.backend.dispatcher().drain()

    async def say(self, text: str) -> tuple[str, list[str]]:
        from telegram import Update

        from tests.telegram.fake_bot_api import message_update

        app = self.bot.application
        await app.process_update(Update.de_json(message_update(self.chat_id, text), app.bot))
        await self._deliver()  # what the turn queued for this chat goes out now
        messages = self.bot_api.messages_to(self.chat_id)
        fresh, self._seen = messages[self._seen :], len(messages)
        titles = []
        for message in fresh:
            markup = message.get("reply_markup") or {}
            titles += [b["text"] for row in markup.get("inline_keyboard", []) for b in row]
        return "\n".join(m.get("text", "") for m in fresh), titles

    async def staff_did(self) -> None:
        await self._deliver()  # a staff reply is pushed to the chat, not kept for later

    async def staff_saw(self) -> list[str]:
        await super().staff_saw()  # keep the outbox count in step
        await self._deliver()
        group = self.bot_api.messages_to(STAFF_CHAT)
        fresh, self._group_seen = group[self._group_seen :], len(group)
        return [m.get("text", "") for m in fresh]


def surface(name: str, settings: Settings, channel: str) -> Surface:
    kinds = {
        "engine": Surface,
        "cli": CliSurface,
        "rest": RestSurface,
        "telegram": TelegramSurface,
    }
    return kinds[name](settings, channel)
