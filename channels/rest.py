"""HTTP channel in Rasa's REST-channel format: ``POST /webhooks/rest/webhook``.

Who the sender is. Rasa's REST format lets the client choose ``sender``, so the
channel believes it only when it can:

- a trusted front end (a web server relaying its signed-in users) sends
  ``JIUZHU_REST_SECRET`` in the ``X-Jiuzhu-Rest-Secret`` header: its ``sender`` is
  taken as given;
- a page without a server of its own asks ``POST /webhooks/rest/session`` for a
  sender token (an id chosen by the server, with its HMAC under ``JIUZHU_SECRET_KEY``)
  and sends that token as ``sender``;
- anything else is an unauthenticated sender, kept apart as ``anon:<sender>``
  (``base.messages``): it never shares a session, cases or inbox with an
  authenticated account, and it sees case details and staff replies only after the
  case number and the last 6 of the 身份证号 (``services.status``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from base.messages import Assistant, BotReply, UserMessage, unverified_sender
from channels.texts import channel_text

if TYPE_CHECKING:
    from base.settings import Settings

CHANNEL = "rest"
MAX_BODY_BYTES = 64 * 1024
MAX_SENDER_CHARS = 128
SECRET_HEADER = "x-jiuzhu-rest-secret"
TOKEN_PREFIX = "jzs1."  # a sender token: jzs1.<id>.<mac>


class SenderTokens:
    """Sender ids chosen by the server, signed with a key derived from the secret key."""

    def __init__(self, secret_key: str) -> None:
        self.key = hmac.new(secret_key.encode(), b"jiuzhu-rest-sender-v1", hashlib.sha256).digest()

    def issue(self) -> tuple[str, str]:
        """A new (token, sender id)."""
        sender = "s-" + secrets.token_urlsafe(18)
        return f"{TOKEN_PREFIX}{sender}.{self._mac(sender)}", sender

    def sender(self, token: str) -> str | None:
        """The sender id a token stands for; None for a forged or altered one."""
        body = token.removeprefix(TOKEN_PREFIX)
        sender, _, mac = body.rpartition(".")
        if not sender or not hmac.compare_digest(mac, self._mac(sender)):
            return None
        return sender

    def _mac(self, sender: str) -> str:
        return hmac.new(self.key, sender.encode(), hashlib.sha256).hexdigest()[:32]


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


def build_router(assistant: Assistant, settings: Settings | None = None) -> APIRouter:
    from base.settings import Settings

    settings = settings or Settings()
    tokens = SenderTokens(settings.secret_key)
    front_end_secret = settings.rest_secret or None
    router = APIRouter(tags=["渠道 channels"])

    def who(request: Request, sender: str) -> str | JSONResponse:
        """The sender id the turn runs under (see the module's docstring)."""
        given = request.headers.get(SECRET_HEADER)
        if given is not None:
            if front_end_secret is None or not hmac.compare_digest(
                given.encode(), front_end_secret.encode()
            ):
                return _error(401, "rest.wrong_secret")
            return sender
        if sender.startswith(TOKEN_PREFIX):
            signed = tokens.sender(sender)
            return signed if signed is not None else _error(401, "rest.bad_token")
        return unverified_sender(sender)

    @router.get("/webhooks/rest/", summary="REST 渠道健康检查")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.post(
        "/webhooks/rest/session",
        summary="REST 渠道：领取一个由服务器签名的发送者凭证（作为 sender 发送）",
    )
    async def session() -> dict[str, str]:
        token, _ = tokens.issue()
        return {"token": token, "sender": token}

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
        account = who(request, sender)
        if isinstance(account, JSONResponse):
            return account
        replies = await assistant.handle(UserMessage(CHANNEL, account, message, metadata))
        return render(sender, replies)

    return router
