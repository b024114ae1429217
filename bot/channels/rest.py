"""HTTP channel in Rasa's REST-channel format: ``POST /webhooks/rest/webhook``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.messages import BotReply, UserMessage

if TYPE_CHECKING:
    from bot.runtime import Runtime

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


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": message})


def build_router(runtime: Runtime) -> APIRouter:
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
            return _error(413, "消息太长了，请分几次发送。")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _error(400, "请求内容不是有效的 JSON。")
        if not isinstance(data, dict):
            return _error(400, 'JSON 应为对象，例如 {"sender": "u1", "message": "你好"}。')
        sender = data.get("sender")
        message = data.get("message", "")
        metadata = data.get("metadata") or {}
        if isinstance(sender, int) and not isinstance(sender, bool):
            sender = str(sender)
        if not isinstance(sender, str) or not sender.strip():
            return _error(422, "缺少发送者 sender。")
        if len(sender) > MAX_SENDER_CHARS:
            return _error(422, "发送者 sender 太长。")
        if message is None:
            message = ""
        if not isinstance(message, str):
            return _error(422, "消息 message 应为文字。")
        if not isinstance(metadata, dict):
            return _error(422, "metadata 应为 JSON 对象。")
        replies = await runtime.engine.handle(UserMessage(CHANNEL, sender, message, metadata))
        return render(sender, replies)

    return router
