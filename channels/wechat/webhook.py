"""WeChat Official Account callback: ``GET`` and ``POST /webhooks/wechat``.

* ``GET`` — WeChat's server check: ``signature`` = sha1 of the sorted ``JIUZHU_WECHAT_TOKEN``,
  ``timestamp`` and ``nonce``; the right one is answered with ``echostr``, others 403.
* ``POST`` — one XML message (same signature query; with ``JIUZHU_WECHAT_AES_KEY`` the
  安全模式 envelope is opened and the answer sealed). Text, and voice with WeChat's
  speech recognition, go to the assistant; a menu click sends its key (a payload such
  as ``/apply``); following the account (subscribe) opens the menu.
* WeChat waits 5 seconds for the answer and then sends the message again (three times).
  The turn runs in the background; its replies are the passive reply when they are
  ready within ``reply_within`` seconds, else they follow as customer-service messages
  (客服消息) through the API. A message WeChat sends again (same ``MsgId``, or for events
  the same ``FromUserName`` + ``CreateTime``) is handled once.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from xml.parsers.expat import ExpatError

import anyio
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException, WeChatException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from backend.chat_updates import first_time
from base.messages import Assistant, BotReply, UserMessage
from base.privacy import mask_text
from channels.texts import channel_text
from channels.wechat.render import messages

if TYPE_CHECKING:
    from channels.wechat.api import WeChatAPI
    from services.container import Services

log = logging.getLogger(__name__)

CHANNEL = "wechat"
PATH = "/webhooks/wechat"
REPLY_WITHIN = 4.0  # seconds: WeChat gives up on an answer after 5
MAX_BODY_BYTES = 256 * 1024
SUCCESS = "success"  # WeChat's "received, nothing to reply" (no retry, nothing shown)
MENU = "/menu"


def update_id(message: Any) -> int:
    """The number WeChat's retries share: ``MsgId``, or (events) a hash of the sender,
    the time and the event."""
    msg_id = getattr(message, "id", None)
    if isinstance(msg_id, int) and msg_id > 0:
        return msg_id
    seed = "|".join(
        str(part)
        for part in (
            message.source,
            message.create_time,
            getattr(message, "event", ""),
            getattr(message, "key", ""),
        )
    )
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") >> 1


def message_text(message: Any) -> str | None:
    """What the resident said, as the assistant reads it; None for what it cannot read."""
    kind = message.type
    if kind == "text":
        return str(message.content or "")
    if kind == "voice":
        return str(getattr(message, "recognition", "") or "")
    if kind == "event":
        event = str(message.event or "").lower()
        if event in ("subscribe", "subscribe_scan", "scan"):
            return MENU
        if event == "click":
            return str(message.key or "") or MENU
    return None


class WeChatChannel:
    def __init__(
        self,
        assistant: Assistant,
        services: Services,
        api: WeChatAPI | None,
        *,
        reply_within: float = REPLY_WITHIN,
    ) -> None:
        settings = services.settings
        self.assistant = assistant
        self.services = services
        self.api = api
        self.token = settings.wechat_token or ""
        self.reply_within = reply_within
        self.crypto = (
            WeChatCrypto(self.token, settings.wechat_aes_key, settings.wechat_appid)
            if settings.wechat_aes_key and settings.wechat_appid
            else None
        )
        self._spawn: Callable[[Callable[[], Awaitable[None]]], None] | None = None

    # -- sending (customer-service messages) ----------------------------------------------
    async def send_text(self, openid: str, text: str) -> None:
        """Customer-service messages to ``openid`` (raises ``WeChatClientException``)."""
        if self.api is None:
            raise RuntimeError("JIUZHU_WECHAT_APPID / JIUZHU_WECHAT_SECRET are not set")
        for part in messages([BotReply(text)]):
            await self.services.run(self.api.message.send_text, openid, part)

    # -- one message ------------------------------------------------------------------
    async def handle_xml(self, xml: str, timestamp: str, nonce: str) -> str:
        """The passive reply XML (or ``success``) for one callback body."""
        message = parse_message(xml)
        text = message_text(message)
        openid = str(message.source)
        backend = self.services.backend
        if not await self.services.run(first_time, backend, CHANNEL, update_id(message)):
            log.info("WeChat message %s was already handled", update_id(message))
            return SUCCESS
        if text is None:
            return self._reply(message, channel_text("wechat.unsupported"), timestamp, nonce)
        if not text.strip():
            return self._reply(message, channel_text("wechat.voice_unclear"), timestamp, nonce)
        meta = {"wechat_msg_type": message.type}
        turn = UserMessage(CHANNEL, openid, text, meta)
        done = anyio.Event()
        result: list[str] = []

        async def run_turn() -> None:
            try:
                replies = await self.assistant.handle(turn)
                result.extend(messages(replies))
            finally:
                done.set()
            if late.is_set():  # nobody waits for the passive reply any more
                await self._send_later(openid, result)

        late = anyio.Event()
        assert self._spawn is not None, "the WeChat channel's lifespan is not running"
        self._spawn(run_turn)
        with anyio.move_on_after(self.reply_within):
            await done.wait()
        if not done.is_set():
            late.set()
            return SUCCESS
        if not result:
            return SUCCESS
        first, *rest = result
        if rest:
            self._spawn(lambda: self._send_later(openid, rest))
        return self._reply(message, first, timestamp, nonce)

    async def _send_later(self, openid: str, parts: list[str]) -> None:
        for part in parts:
            try:
                await self.send_text(openid, part)
            except (WeChatException, RuntimeError, OSError) as exc:
                log.warning("WeChat reply to %s not sent: %s", mask_text(openid), exc)
                return

    def _reply(self, message: Any, text: str, timestamp: str, nonce: str) -> str:
        xml = TextReply(message=message, content=text).render()
        if self.crypto is not None:
            return str(self.crypto.encrypt_message(xml, nonce, timestamp))
        return str(xml)

    def open(self, body: str, query: dict[str, str]) -> str:
        """The message XML of a callback body (decrypted in 安全模式)."""
        if self.crypto is not None and query.get("encrypt_type") == "aes":
            return str(
                self.crypto.decrypt_message(
                    body, query.get("msg_signature", ""), query["timestamp"], query["nonce"]
                )
            )
        return body

    # -- the router -------------------------------------------------------------------
    def router(self) -> APIRouter:
        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            async with anyio.create_task_group() as tasks:

                def spawn(job: Callable[[], Awaitable[None]]) -> None:
                    async def guarded() -> None:
                        try:
                            await job()
                        except Exception:
                            log.exception("WeChat turn failed")

                    tasks.start_soon(guarded)

                self._spawn = spawn
                try:
                    yield
                finally:
                    self._spawn = None
                    tasks.cancel_scope.cancel()

        router = APIRouter(tags=["渠道 channels"], lifespan=lifespan)

        def signed(request: Request) -> bool:
            query = request.query_params
            try:
                check_signature(
                    self.token,
                    query.get("signature", ""),
                    query.get("timestamp", ""),
                    query.get("nonce", ""),
                )
            except InvalidSignatureException:
                return False
            return bool(self.token)

        @router.get(PATH, summary="微信公众号：服务器地址校验（echostr）")
        async def verify(request: Request) -> Response:
            if not signed(request):
                return PlainTextResponse("forbidden", status_code=403)
            return PlainTextResponse(request.query_params.get("echostr", ""))

        @router.post(PATH, summary="微信公众号：接收消息与事件（XML）")
        async def receive(request: Request) -> Response:
            if not signed(request):
                return PlainTextResponse("forbidden", status_code=403)
            body = await request.body()
            if len(body) > MAX_BODY_BYTES:
                return PlainTextResponse("too large", status_code=413)
            query = dict(request.query_params)
            timestamp = query.get("timestamp", str(int(time.time())))
            nonce = query.get("nonce", "")
            try:
                xml = self.open(body.decode("utf-8"), query)
                answer = await self.handle_xml(xml, timestamp, nonce)
            except (
                WeChatException,
                InvalidSignatureException,
                ExpatError,
                KeyError,
                UnicodeDecodeError,
                ValueError,
            ) as exc:
                log.warning("WeChat callback refused: %s", exc)
                return PlainTextResponse("bad request", status_code=400)
            kind = "text/plain" if answer == SUCCESS else "application/xml"
            return Response(answer, media_type=kind)

        return router
