"""HTTP channel in Rasa's REST-channel format: ``POST /webhooks/rest/webhook``."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from base.messages import Assistant, BotReply, UserMessage
from channels.ratelimit import MessageLimits, client_address, too_fast
from channels.texts import channel_text

CHANNEL = "rest"
MAX_BODY_BYTES = 64 * 1024
MAX_SENDER_CHARS = 128


def render(sender: str, replies: list[BotReply]) -> list[dict[str, Any]]:
    rendered: list[dict[str, Any]] = []
    for reply in replies:
        item: dict[str, Any] = {"recipient_id": sender, "text": reply.text}
        if reply.buttons:
            item["buttons"] = [button.to_json() for button in reply.buttons]
        rendered.append(item)
    return rendered


def _error(status: int, key: str) -> JSONResponse:
    """A refusal whose ``detail`` is the text ``key`` of ``channels/texts/rest.yml``."""
    return JSONResponse(status_code=status, content={"detail": channel_text(key)})


def build_router(assistant: Assistant, limits: MessageLimits | None = None) -> APIRouter:
    router = APIRouter(tags=["渠道 channels"])

    @router.get("/webhooks/rest/", summary="REST 渠道健康检查")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.post(
        "/webhooks/rest/webhook",
        summary="REST 渠道（Rasa REST 格式）：发一条消息，收到助手的回复列表",
    )
    async def webhook(request: Request) -> Any:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _error(413, "rest.too_long")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _error(400, "rest.not_json")
        if not isinstance(data, dict):
            return _error(400, "rest.not_object")
        sender = data.get("sender")
        message = data.get("message", "")
        metadata = data.get("metadata") or {}
        if isinstance(sender, int) and not isinstance(sender, bool):
            sender = str(sender)
        if not isinstance(sender, str) or not sender.strip() or not sender.isprintable():
            return _error(422, "rest.no_sender")
        if len(sender) > MAX_SENDER_CHARS:
            return _error(422, "rest.sender_too_long")
        if message is None:
            message = ""
        if not isinstance(message, str):
            return _error(422, "rest.message_not_text")
        if not isinstance(metadata, dict):
            return _error(422, "rest.metadata_not_object")
        if limits is not None:
            wait = await limits.check(CHANNEL, sender, client_address(request))
            if wait is not None:  # the reply in the channel's own shape, and a 429
                return too_fast(wait, lambda text: [{"recipient_id": sender, "text": text}])
        replies = await assistant.handle(UserMessage(CHANNEL, sender, message, metadata))
        return render(sender, replies)

    return router
