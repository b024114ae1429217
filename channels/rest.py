"""HTTP channel in Rasa's REST-channel format: ``POST /webhooks/rest/webhook``.

Who the sender is: Rasa's REST format lets the client choose ``sender``, so the channel
believes it only from a trusted front end, one that sends ``JIUZHU_REST_SECRET`` in the
``X-Jiuzhu-Rest-Secret`` header (a wrong one is refused). Any other sender is
unauthenticated and kept apart as ``anon:<sender>`` (``base.messages``): it never shares
a session, cases or inbox with an authenticated account; its own cases are not listed
from its id, and staff replies reach it in full only inside the 转人工 conversation it is
in — otherwise it is told there is news and to look it up with the case number and the
last 6 of the 身份证号 (``services.status``). The web chat page's senders are signed by
the server (``channels.web``) and are trusted.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from base.messages import Assistant, BotReply, UserMessage, unverified_sender
from channels.ratelimit import MessageLimits, client_address, too_fast
from channels.texts import channel_text

CHANNEL = "rest"
MAX_BODY_BYTES = 64 * 1024
MAX_SENDER_CHARS = 120  # with the "anon:" of an unauthenticated one, within 128
SECRET_HEADER = "x-jiuzhu-rest-secret"


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


def build_router(
    assistant: Assistant, limits: MessageLimits | None = None, secret: str | None = None
) -> APIRouter:
    router = APIRouter(tags=["渠道 channels"])

    def trusted(request: Request) -> bool | None:
        """True with the right front-end secret, False without one, None for a wrong one."""
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return False
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return None
        return True

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
        believed = trusted(request)
        if believed is None:
            return _error(401, "rest.wrong_secret")
        if limits is not None:
            wait = await limits.check(CHANNEL, sender, client_address(request))
            if wait is not None:  # the reply in the channel's own shape, and a 429
                return too_fast(wait, lambda text: [{"recipient_id": sender, "text": text}])
        who = sender if believed else unverified_sender(sender)
        replies = await assistant.handle(UserMessage(CHANNEL, who, message, metadata))
        return render(sender, replies)

    return router
